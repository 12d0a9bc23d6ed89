/**
 * The input cases of the EventStore conformance suite: bad input never breaks the
 * store. Whatever a caller hands to the typed store (a BigInt, a cycle, a deep
 * value, NaN, a lone surrogate, a value shaped like the cipher's envelope, a stream
 * name that is not one), the answer is a typed error and nothing is appended, or
 * the append is acknowledged and every reader gets the value back exactly.
 * Registered by `EventStoreConformance.suite`; one case writes a row that does not
 * decode (on purpose), so, like the suite's last test, it runs last.
 */
import * as AccountEvents from "@cartable/domain/AccountEvents"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import { EventStoreDriver } from "@cartable/eventlog/EventStoreDriver"
import type { ConcurrencyConflict, EventStoreError } from "@cartable/eventlog/EventStoreError"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as PersonalDataCipher from "@cartable/eventlog/PersonalDataCipher"
import type { NewEvent } from "@cartable/eventlog/RecordedEvent"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import { DataSubjectId, personal } from "@cartable/kernel/PersonalData"
import { assert, type Vitest } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as internal from "./eventStoreConformance.ts"

/** A free-form value, as a distribution's event may carry (a settings object, an imported record). */
export const Held = Schema.TaggedStruct("Held", { id: Schema.String, value: Schema.Unknown })

/** A number: `Schema.Number` lets NaN and the infinities through, JSON does not. */
export const Counted = Schema.TaggedStruct("Counted", { id: Schema.String, count: Schema.Number })

/** A personal free-form value: it is sealed in an envelope, so its own shape must not matter. */
export const Confided = Schema.TaggedStruct("Confided", {
  id: Schema.String,
  subjectId: Schema.String,
  secret: personal(Schema.Unknown),
}).annotations({ [DataSubjectId]: "subjectId" })

const catalog = EventCatalog.merge(internal.catalog, EventCatalog.make({ Held, Counted, Confided }))

const held = (id: string, value: unknown): NewEvent => ({
  event: Held.make({ id, value }),
  metadata: internal.metadata,
})

const confided = (id: string, subjectId: string, secret: unknown): NewEvent => ({
  event: Confided.make({ id, subjectId, secret }),
  metadata: internal.metadata,
})

/** A value nested `levels` deep: `levels` arrays (the event object adds one level). */
export const nested = (levels: number, leaf: unknown = "leaf"): unknown => {
  let value = leaf
  for (let i = 0; i < levels; i++) value = [value]
  return value
}

const holed = (): unknown => {
  const value = new Array<unknown>(3)
  value[0] = 1
  value[2] = 3
  return value
}

const circular = (): unknown => {
  const value: Record<string, unknown> = { name: "loop" }
  value.self = { back: value }
  return value
}

/** Values the store must refuse, with the field its message must name. */
const unstorable: ReadonlyArray<readonly [string, unknown, string]> = [
  ["a BigInt", { amount: 10n }, "value.amount"],
  ["a circular value", circular(), "value"],
  ["a 5,000-level nested value", nested(5_000), "value"],
  ["NaN", [1, Number.NaN], "value[1]"],
  ["Infinity", { score: Number.POSITIVE_INFINITY }, "value.score"],
  ["-Infinity", Number.NEGATIVE_INFINITY, "value"],
  ["a lone surrogate", { text: "broken \ud800 text" }, "value.text"],
  ["a lone surrogate in a key", { "k\udc00": 1 }, "value"],
  ["undefined in an array", [1, undefined], "value[1]"],
  ["a hole in an array", holed(), "value[1]"],
  ["a Date", new Date(0), "value"],
  ["a Map", new Map([["a", 1]]), "value"],
  ["a function", { f: () => 1 }, "value.f"],
  ["a symbol", [Symbol("s")], "value[0]"],
  [`${PersonalDataCipher.MAX_DEPTH} levels below the event`, nested(PersonalDataCipher.MAX_DEPTH), "value"],
]

/** Values that look like what the store itself writes: each must come back exactly. */
const lookalikes: ReadonlyArray<readonly [string, unknown]> = [
  ["an envelope", { $personal: 1, subject: "acc-1", iv: "AAAAAAAAAAAAAAAA", ciphertext: "AAAAAAAAAAAAAAAAAAAAAA==" }],
  ["a $personal key", { $personal: "mine", other: 1 }],
  ["escaped-looking keys", { $$personal: 2, $$$personal: [3], personal: 4, $: 5, $personalx: 6 }],
  ["nested envelopes", [{ deep: { $personal: 1, subject: "s", iv: "x", ciphertext: "y" } }]],
  ["the erased marker", { $personal: 1, value: "[erased]" }],
  ["a __proto__ key", JSON.parse('{"__proto__": {"$personal": 1}, "x": 1}')],
  [`${PersonalDataCipher.MAX_DEPTH - 1} levels below the event`, nested(PersonalDataCipher.MAX_DEPTH - 1)],
]

// An oracle written apart from the store: what JSON carries unchanged.
const isPlainJson = (value: unknown, depth: number): boolean => {
  if (value === null || typeof value === "boolean") return true
  if (typeof value === "number") return Number.isFinite(value)
  if (typeof value === "string") return !/\p{Cs}/u.test(value)
  if (typeof value !== "object" || depth > PersonalDataCipher.MAX_DEPTH) return false
  if (Array.isArray(value)) {
    return Array.from({ length: value.length }, (_, i) => i).every(
      (i) => i in value && value[i] !== undefined && isPlainJson(value[i], depth + 1),
    )
  }
  const prototype: unknown = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return false
  return Object.entries(value).every(
    ([key, item]) => !/\p{Cs}/u.test(key) && (item === undefined || isPlainJson(item, depth + 1)),
  )
}

const special = FastCheck.constantFrom<unknown>(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  "\ud800",
  "a\udfffb",
  { $personal: 1, subject: "acc-1", iv: "AAAAAAAAAAAAAAAA", ciphertext: "AAAAAAAAAAAAAAAAAAAAAA==" },
  { $personal: "x" },
  { $$personal: { $personal: 1 } },
  "[erased]",
  nested(PersonalDataCipher.MAX_DEPTH - 2),
  nested(PersonalDataCipher.MAX_DEPTH + 1),
)

/** JSON values salted with what breaks naive stores, nested a little. */
const tricky: FastCheck.Arbitrary<unknown> = FastCheck.letrec<{ value: unknown }>((tie) => ({
  value: FastCheck.oneof(
    { depthSize: "small", withCrossShrink: true },
    FastCheck.jsonValue({ maxDepth: 2 }),
    special,
    FastCheck.array(tie("value"), { maxLength: 3 }),
    FastCheck.dictionary(
      FastCheck.oneof(FastCheck.string(), FastCheck.constantFrom("$personal", "$$personal", "subject", "\ud801")),
      tie("value"),
      { maxKeys: 3 },
    ),
  ),
})).value

/**
 * Runs `run` and returns the typed error it fails with; fails the test if it
 * throws synchronously, dies (a defect) or succeeds.
 */
const refusal = <A, E>(run: () => Effect.Effect<A, E>): Effect.Effect<E> =>
  Effect.gen(function* () {
    let effect: Effect.Effect<A, E>
    try {
      effect = run()
    } catch (thrown) {
      return assert.fail(`threw synchronously: ${String(thrown)}`)
    }
    const exit = yield* Effect.exit(effect)
    if (Exit.isSuccess(exit)) return assert.fail("was accepted")
    const failure = Cause.failureOption(exit.cause)
    if (Option.isNone(failure)) return assert.fail(`died instead of failing: ${Cause.pretty(exit.cause)}`)
    return failure.value
  })

/** The typed store of these cases, over the suite's driver, with its own key store. */
const inputStore = EventStore.make(catalog).pipe(Effect.provide(SubjectKeyStore.layerMemory))

/**
 * Registers the input cases in a conformance suite, over the driver in context.
 */
export const cases = (
  it: Vitest.MethodsNonLive<EventStoreDriver, true>,
  fresh: (label: string) => StreamName.StreamName,
  numRuns: number,
): void => {
  it.effect(
    "bad values (BigInt, cycles, deep nesting, NaN, Infinity, lone surrogates, non-JSON objects) fail with Encode naming the field, never a throw or a defect, and append nothing",
    () =>
      Effect.gen(function* () {
        const store = yield* inputStore
        for (const [label, value, field] of unstorable) {
          const stream = fresh("Unstorable")
          const error = yield* refusal(() =>
            store.append(stream, ExpectedVersion.noStream, [held("1", "fine"), held("2", value), held("3", "fine")]),
          )
          assert.deepInclude(error, { _tag: "EventStoreError", reason: "Encode" }, label)
          assert.include(error.message, "Held", label)
          assert.include(error.message, `field ${field}`, label)
          assert.deepStrictEqual(yield* store.streamInfo(stream), { version: 0, tombstoned: false }, label)
        }
        const counted = fresh("Counted")
        for (const count of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
          const error = yield* refusal(() =>
            store.append(counted, ExpectedVersion.noStream, [
              { event: Counted.make({ id: "c", count }), metadata: internal.metadata },
            ]),
          )
          assert.deepInclude(error, { reason: "Encode" })
          assert.include(error.message, "field count")
        }
        const actor = yield* refusal(() =>
          store.append(counted, ExpectedVersion.noStream, [
            {
              event: internal.Noted.make({ id: "n", text: "fine" }),
              metadata: { ...internal.metadata, actor: "\ud800" },
            },
          ]),
        )
        assert.deepInclude(actor, { reason: "Encode" })
        assert.include(actor.message, "field actor")
        const text = yield* refusal(() =>
          store.append(counted, ExpectedVersion.noStream, [internal.note("n", "lone \udbff surrogate")]),
        )
        assert.include(text.message, "field text")
        assert.deepStrictEqual(yield* store.streamInfo(counted), { version: 0, tombstoned: false })
        const notAnArray = yield* refusal(() => store.append(counted, ExpectedVersion.any, null as never))
        assert.deepInclude(notAnArray, { reason: "InvalidArgument" })
      }),
  )

  it.effect(
    "stream names with a newline, U+2028, a control character, a lone surrogate, or over the length limit fail with InvalidArgument on every call, and reach no storage",
    () =>
      Effect.gen(function* () {
        const store = yield* inputStore
        const driver = yield* EventStoreDriver
        const base = fresh("Names")
        const bad = [
          `${base}-line\nbreak`,
          `${base}-line\u2028separator`,
          `${base}-paragraph\u2029separator`,
          `${base}-nul\u0000`,
          `${base}-tab\there`,
          `${base}-lone\ud800`,
          `${base}-lone\udc00`,
          `${base}-${"x".repeat(StreamName.MAX_LENGTH)}`,
          "-no-category",
          "Category",
        ] as unknown as ReadonlyArray<StreamName.StreamName>
        for (const name of bad) {
          const label = JSON.stringify(name.slice(0, 60))
          const calls: ReadonlyArray<() => Effect.Effect<unknown, ConcurrencyConflict | EventStoreError>> = [
            () => store.append(name, ExpectedVersion.any, [internal.note("x")]),
            () => store.readStream(name),
            () => store.streamInfo(name),
            () => store.tombstone(name),
          ]
          for (const call of calls) {
            const error = yield* refusal(call)
            assert.deepInclude(error, { _tag: "EventStoreError", reason: "InvalidArgument" }, label)
            assert.include(error.message, "stream name", label)
          }
        }
        // What a database would have stored instead: a lone surrogate becomes U+FFFD in UTF-8.
        const replaced = StreamName.make(base, "lone\ufffd")
        assert.deepStrictEqual(yield* driver.streamInfo(replaced), { version: 0, tombstoned: false })
        assert.deepStrictEqual(yield* driver.readStream(StreamName.make(base, "line"), 0), [])

        // The longest name fits every database's index, in three-byte characters.
        const longest = `${base}-${"中".repeat(StreamName.MAX_LENGTH - base.length - 1)}` as StreamName.StreamName
        assert.isTrue(StreamName.is(longest))
        yield* store.append(longest, ExpectedVersion.noStream, [internal.note("long")])
        assert.deepStrictEqual(
          (yield* store.readStream(longest)).map((r) => r.streamName),
          [longest],
        )
      }),
  )

  it.effect("an id with a newline, U+2028 or a lone surrogate is refused by the id schema, not by the store", () =>
    Effect.gen(function* () {
      for (const id of ["acc\n1", "acc\u20281", "acc\ud8001", " acc-1", "acc\u0085"]) {
        assert.isFalse(Schema.is(AccountEvents.AccountProvisioned.fields.accountId)(id), JSON.stringify(id))
      }
      const id = "élève 😀 中文-42"
      assert.isTrue(Schema.is(AccountEvents.AccountProvisioned.fields.accountId)(id))
      const store = yield* inputStore
      const stream = StreamName.make("Account", `${id}-${fresh("Id")}`)
      yield* store.append(stream, ExpectedVersion.noStream, [internal.note("ok")])
      assert.deepStrictEqual(yield* store.streamInfo(stream), { version: 1, tombstoned: false })
    }),
  )

  it.effect("a subject id that is not well-formed is refused, so that its key can always be found again", () =>
    Effect.gen(function* () {
      const store = yield* inputStore
      const stream = fresh("Subject")
      const append = yield* refusal(() =>
        store.append(stream, ExpectedVersion.noStream, [confided("1", "acc-\ud800", "secret")]),
      )
      assert.deepInclude(append, { reason: "Encode" })
      assert.include(append.message, "field subjectId")
      const erase = yield* refusal(() => store.eraseSubject("acc-\udfff"))
      assert.deepInclude(erase, { _tag: "EventStoreError", reason: "InvalidArgument" })
      const empty = yield* refusal(() => store.eraseSubject(""))
      assert.deepInclude(empty, { reason: "InvalidArgument" })
      assert.deepStrictEqual(yield* store.streamInfo(stream), { version: 0, tombstoned: false })
    }),
  )

  it.effect(
    "values shaped like the cipher's envelope or its reserved keys round-trip exactly, in clear and personal fields, and readAll reads past them",
    () =>
      Effect.gen(function* () {
        const store = yield* inputStore
        const driver = yield* EventStoreDriver
        const start = yield* internal.mark(driver, fresh("Mark"))
        const stream = fresh("Lookalike")
        const events = lookalikes.flatMap(([label, value]) => [
          held(label, value),
          confided(label, "acc-lookalike", value),
        ])
        yield* store.append(stream, ExpectedVersion.noStream, events)
        const expected = events.map((e) => JSON.parse(JSON.stringify(e.event)))
        const read = yield* store.readStream(stream)
        assert.deepStrictEqual(
          read.map((r) => r.event),
          expected,
        )
        const all = (yield* store.readAll(start, 1_000)).filter((r) => r.streamName === stream)
        assert.deepStrictEqual(
          all.map((r) => r.event),
          expected,
        )
        // The personal values are sealed all the same: none is stored in clear.
        for (const row of yield* driver.readStream(stream, 0)) {
          if (row.type === "Confided") {
            const data = JSON.parse(row.data)
            assert.isTrue(PersonalDataCipher.sealedFields(data).has("secret") && !("secret" in data))
          }
        }
        yield* store.eraseSubject("acc-lookalike")
        const erased = (yield* store.readStream(stream)).filter((r) => r.type === "Confided")
        assert.deepStrictEqual(
          erased.map((r) => (r.event as typeof Confided.Type).secret),
          lookalikes.map(() => "[erased]"),
        )
      }),
  )

  it.effect.prop(
    "nothing acknowledged is unreadable: a value is refused with Encode, or it reads back exactly, through readStream and readAll",
    [FastCheck.array(tricky, { minLength: 1, maxLength: 4 }), FastCheck.boolean()],
    ([values, secret]) =>
      Effect.gen(function* () {
        const store = yield* inputStore
        const driver = yield* EventStoreDriver
        const start = yield* internal.mark(driver, fresh("Mark"))
        const stream = fresh("Tricky")
        const accepted: Array<unknown> = []
        for (const [i, value] of values.entries()) {
          const event = secret ? confided(`t${i}`, "acc-tricky", value) : held(`t${i}`, value)
          const plain = isPlainJson(value, 2)
          const exit = yield* Effect.exit(Effect.suspend(() => store.append(stream, ExpectedVersion.any, [event])))
          assert.strictEqual(Exit.isSuccess(exit), plain, `accepted: ${Exit.isSuccess(exit)}, plain JSON: ${plain}`)
          if (Exit.isSuccess(exit)) accepted.push(JSON.parse(JSON.stringify(event.event)))
          else assert.deepInclude(Option.getOrUndefined(Cause.failureOption(exit.cause)), { reason: "Encode" })
        }
        assert.deepStrictEqual(
          (yield* store.readStream(stream)).map((r) => r.event),
          accepted,
        )
        const all = (yield* store.readAll(start, 1_000)).filter((r) => r.streamName === stream)
        assert.deepStrictEqual(
          all.map((r) => r.event),
          accepted,
        )
      }),
    { fastCheck: { numRuns } },
  )

  it.effect("an event whose Schema refuses a 10 MB name fails with Encode naming the field", () =>
    Effect.gen(function* () {
      const store = yield* inputStore
      const stream = fresh("Huge")
      const event = {
        _tag: "AccountProvisioned",
        accountId: "acc-huge",
        profile: "Guest",
        origin: { _tag: "Manual" },
        structureId: "0571994H",
        login: "huge.name",
        firstName: "x".repeat(10_000_000),
        lastName: "Huge",
        activationCode: "3n6g8fmj",
      } as const
      const error = yield* refusal(() =>
        store.append(stream, ExpectedVersion.noStream, [{ event, metadata: internal.metadata }]),
      )
      assert.deepInclude(error, { reason: "Encode" })
      assert.include(error.message, "firstName")
      assert.isBelow(error.message.length, 2_000, "the message echoes the value")
      assert.deepStrictEqual(yield* store.streamInfo(stream), { version: 0, tombstoned: false })
    }),
  )

  it.effect(
    "a stored row nested 10,000 levels deep or with a stray $personal key is read or refused with Decode, never a defect",
    () =>
      Effect.gen(function* () {
        const store = yield* inputStore
        const driver = yield* EventStoreDriver
        // Written by another writer than this store: deep, but with nothing for the cipher to walk, it reads.
        const deep = fresh("Deep")
        const levels = 10_000
        // Written as text: JSON.stringify itself would overflow the stack.
        const data = `{"_tag":"Held","id":"deep","value":${"[".repeat(levels)}"leaf"${"]".repeat(levels)}}`
        yield* driver.append(deep, ExpectedVersion.noStream, [{ ...internal.encodedNote("d"), type: "Held", data }])
        const read = yield* store.readStream(deep)
        assert.strictEqual(read.length, 1)
        let inner: unknown = (read[0]!.event as typeof Held.Type).value
        for (let level = 0; level < levels; level++) inner = Array.isArray(inner) ? inner[0] : undefined
        assert.strictEqual(inner, "leaf")
        const rows: ReadonlyArray<readonly [string, string]> = [
          [
            "deep envelope",
            `{"_tag":"Held","id":"e","value":${"[".repeat(10_000)}{"$personal":1}${"]".repeat(10_000)}}`,
          ],
          ["stray key", JSON.stringify({ _tag: "Held", id: "s", value: { $personal: "not an envelope" } })],
        ]
        for (const [label, data] of rows) {
          const stream = fresh("Poison")
          yield* driver.append(stream, ExpectedVersion.noStream, [{ ...internal.encodedNote("p"), type: "Held", data }])
          const error = yield* refusal(() => store.readStream(stream))
          assert.deepInclude(error, { _tag: "EventStoreError", reason: "Decode" }, label)
        }
      }),
  )
}

import * as AccountEvents from "@cartable/domain/AccountEvents"
import * as Domain from "@cartable/domain/Domain"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as PersonalData from "@cartable/kernel/PersonalData"
import { assert, describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as StoredDecoder from "../src/internal/storedDecoder.ts"

const catalog = EventCatalog.make(Domain.events)
const entries = [...catalog.entries.values()]

/** Any JSON value, small. */
const json: FastCheck.Arbitrary<unknown> = FastCheck.letrec((tie) => ({
  value: FastCheck.oneof(
    { depthSize: "small", withCrossShrink: true },
    FastCheck.oneof(
      FastCheck.string(),
      FastCheck.integer(),
      FastCheck.double(),
      FastCheck.boolean(),
      FastCheck.constant(null),
      FastCheck.constant(PersonalData.ERASED),
      FastCheck.constant(""),
      FastCheck.constant(" padded "),
    ),
    FastCheck.array(tie("value"), { maxLength: 3 }),
    FastCheck.dictionary(FastCheck.string(), tie("value"), { maxKeys: 3 }),
  ),
})).value

/**
 * The stored data of an entry: its encoded valid values, then those with one
 * field replaced by any JSON value, removed, or an extra field added.
 */
const storedOf = (entry: EventCatalog.Entry): FastCheck.Arbitrary<unknown> => {
  const valid = Arbitrary.make(entry.schema).map((event) => Either.getOrThrow(entry.encodeEither(event)))
  const altered = FastCheck.tuple(valid, FastCheck.nat(), json, FastCheck.nat(2)).map(([data, at, value, how]) => {
    if (typeof data !== "object" || data === null) return value
    const record: Record<string, unknown> = { ...(data as Record<string, unknown>) }
    const keys = Object.keys(record)
    const key = keys[at % Math.max(keys.length, 1)] ?? "extra"
    if (how === 0) record[key] = value
    else if (how === 1) delete record[key]
    else record[`extra${at}`] = value
    return record
  })
  return FastCheck.oneof(valid, altered, json)
}

/** Schemas where a shortcut would answer otherwise than Schema: overlapping unions, optional keys, tuples. */
const tricky = {
  Overlapping: Schema.Union(Schema.Struct({ a: Schema.String }), Schema.Struct({ a: Schema.String, b: Schema.Number })),
  Keyed: Schema.Union(Schema.Struct({ a: Schema.String }), Schema.Struct({ k: Schema.Literal("x"), a: Schema.String })),
  Optional: Schema.Struct({ a: Schema.optional(Schema.String), b: Schema.NullOr(Schema.Boolean) }),
  Nested: Schema.Array(Schema.Union(Schema.Literal("x"), Schema.NonEmptyTrimmedString, Schema.Tuple(Schema.Number))),
}

describe("the compiled decoder of tricky Schemas", () => {
  for (const [name, schema] of Object.entries(tricky)) {
    const compiled = StoredDecoder.compile(schema)!
    const decode = Schema.decodeUnknownEither(schema as Schema.Schema<unknown, unknown>)
    const encode = Schema.encodeUnknownEither(schema as Schema.Schema<unknown, unknown>)
    it.prop(
      `answers ${name} only as its Schema does`,
      [
        FastCheck.oneof(
          Arbitrary.make(schema as Schema.Schema<unknown, unknown>),
          json,
          FastCheck.constant({ a: "x", b: 1 }),
          FastCheck.constant({ k: "x", a: "s" }),
        ),
      ],
      ([data]) => {
        const fast = compiled(data)
        if (fast === StoredDecoder.FALLBACK) return
        for (const slow of [decode(data), encode(data)]) {
          assert.isTrue(Either.isRight(slow), "the Schema decodes and encodes what the compiled decoder decodes")
          assert.deepStrictEqual(fast, Either.getOrThrow(slow))
        }
      },
      { fastCheck: { numRuns: 200 } },
    )
  }
})

describe("the compiled decoder of stored events", () => {
  it("compiles the Schemas of most of the catalogue: every Account event but the one with a date", () => {
    const compiled = entries.filter((entry) => StoredDecoder.compile(entry.schema) !== undefined).map((e) => e.type)
    // A recovery request's expiry is a DateTime, which its Schema decodes (a rare event: no fast path needed).
    for (const type of Object.keys(AccountEvents.events)) {
      if (type !== "PasswordRecoveryRequested") assert.include(compiled, type)
    }
    assert.isAbove(compiled.length, entries.length / 2)
  })

  for (const entry of entries) {
    const compiled = StoredDecoder.compile(entry.schema)
    if (compiled === undefined) continue
    const decode = Schema.decodeUnknownEither(entry.schema)
    const encode = Schema.encodeUnknownEither(entry.schema)
    it.prop(
      `answers ${entry.type} only as its Schema does: the same value, or Schema's judgement, decoding and encoding`,
      [storedOf(entry)],
      ([data]) => {
        const fast = compiled(data)
        if (fast === StoredDecoder.FALLBACK) return
        for (const slow of [decode(data), encode(data)]) {
          assert.isTrue(Either.isRight(slow), "the Schema decodes and encodes what the compiled decoder decodes")
          assert.deepStrictEqual(fast, Either.getOrThrow(slow))
        }
      },
      { fastCheck: { numRuns: 150 } },
    )
    it.prop(
      `decodes valid ${entry.type} data itself`,
      [Arbitrary.make(entry.schema).map((event) => Either.getOrThrow(entry.encodeEither(event)))],
      ([data]) => {
        assert.notStrictEqual(compiled(data), StoredDecoder.FALLBACK)
      },
      { fastCheck: { numRuns: 50 } },
    )
  }
})

describe("the compiled decoder of commands (excess keys refused)", () => {
  // What CommandRouter.make decodes with: the union of every aggregate's commands, Report's not compiling.
  const routed = Schema.Union(...Object.values(Domain.aggregates).map((aggregate) => aggregate.Command))
  const commands = [
    ...Object.entries(Domain.aggregates).map(([name, aggregate]) => [name, aggregate.Command] as const),
    ["routed (every aggregate's)", routed] as const,
  ]

  it("compiles the Account commands, and decodes one without a transformed field itself", () => {
    const compiled = StoredDecoder.compile(Domain.aggregates.Account.Command, "error")
    assert.isDefined(compiled)
    const input = {
      _tag: "LinkExternalIdentity",
      actor: { accountId: "system:aaf", roles: [{ _tag: "System", process: "aaf" }] },
      accountId: "acc-1",
      provider: "Pronote",
      subject: "pronote-1",
    }
    const decoded = compiled!(input)
    assert.notStrictEqual(decoded, StoredDecoder.FALLBACK)
    assert.deepStrictEqual(
      decoded,
      Schema.decodeUnknownSync(Domain.aggregates.Account.Command, { onExcessProperty: "error" })(input),
    )
  })

  it("decodes an Account command of the router's union itself, although the union holds Report's uncompiled commands", () => {
    assert.isUndefined(StoredDecoder.compile(Domain.aggregates.Report.Command, "error"))
    const input = {
      _tag: "LinkExternalIdentity",
      actor: { accountId: "system:aaf", roles: [{ _tag: "System", process: "aaf" }] },
      accountId: "acc-1",
      provider: "Pronote",
      subject: "pronote-1",
    }
    const decoded = StoredDecoder.compile(routed, "error")!(input)
    assert.notStrictEqual(decoded, StoredDecoder.FALLBACK)
    assert.deepStrictEqual(decoded, Schema.decodeUnknownSync(routed, { onExcessProperty: "error" })(input))
  })

  for (const [name, schema] of commands) {
    const compiled = StoredDecoder.compile(schema, "error")
    if (compiled === undefined) continue
    const command = schema as unknown as Schema.Schema<unknown, unknown>
    const decode = Schema.decodeUnknownEither(command, { errors: "all", onExcessProperty: "error" })
    const valid = Arbitrary.make(command).map((value) => Either.getOrThrow(Schema.encodeEither(command)(value)))
    const altered = FastCheck.tuple(valid, FastCheck.nat(), json, FastCheck.nat(3)).map(([input, at, value, how]) => {
      if (typeof input !== "object" || input === null) return value
      const record: Record<string, unknown> = { ...(input as Record<string, unknown>) }
      const keys = Object.keys(record)
      const key = keys[at % Math.max(keys.length, 1)] ?? "extra"
      if (how === 0) record[key] = value
      else if (how === 1) delete record[key]
      else if (how === 2) record[`extra${at}`] = value
      else if (typeof record.actor === "object" && record.actor !== null) {
        record.actor = { ...(record.actor as object), extra: value }
      }
      return record
    })
    it.prop(
      `answers ${name} commands only as Schema does with onExcessProperty "error"`,
      [FastCheck.oneof(valid, altered, json)],
      ([input]) => {
        const fast = compiled(input)
        if (fast === StoredDecoder.FALLBACK) return
        const slow = decode(input)
        assert.isTrue(Either.isRight(slow), `Schema refuses what the compiled decoder took: ${JSON.stringify(input)}`)
        assert.deepStrictEqual(fast, Either.getOrThrow(slow))
      },
      { fastCheck: { numRuns: 200 } },
    )
    it.prop(
      `leaves a valid ${name} command with an excess key to Schema`,
      [valid],
      ([input]) => {
        assert.strictEqual(compiled({ ...(input as object), unexpected: 1 }), StoredDecoder.FALLBACK)
      },
      { fastCheck: { numRuns: 50 } },
    )
  }
})

describe("the compiled decoder of the store's own parsed JSON (in place)", () => {
  /** The keys of a value at every level, in order: what a copy in declaration order would change. */
  const shape = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(shape)
      : typeof value === "object" && value !== null
        ? Object.entries(value).map(([key, field]) => [key, shape(field)])
        : value

  for (const entry of entries) {
    const owned = StoredDecoder.compile(entry.schema, "owned")
    if (owned === undefined) continue
    const decode = Schema.decodeUnknownEither(entry.schema)
    it.prop(
      `answers ${entry.type} as its Schema does, keys in the same order, and reuses its input when it can`,
      [storedOf(entry)],
      ([data]) => {
        // What the store owns: JSON it has just parsed.
        const parsed = data === undefined ? undefined : JSON.parse(JSON.stringify(data))
        const fast = owned(parsed)
        if (fast === StoredDecoder.FALLBACK) return
        const slow = decode(data === undefined ? undefined : JSON.parse(JSON.stringify(data)))
        assert.isTrue(Either.isRight(slow), "the Schema decodes what the decoder decodes in place")
        assert.deepStrictEqual(shape(fast), shape(Either.getOrThrow(slow)))
      },
      { fastCheck: { numRuns: 150 } },
    )
  }

  it("returns the parsed object itself when its keys are the Schema's, in order, and a copy otherwise", () => {
    const schema = Schema.Struct({
      a: Schema.String,
      b: Schema.optional(Schema.Number),
      c: Schema.Array(Schema.Struct({ x: Schema.String })),
    })
    const owned = StoredDecoder.compile(schema, "owned")!
    const exact = JSON.parse('{"a":"s","c":[{"x":"1"}]}')
    assert.strictEqual(owned(exact), exact)
    const extra = JSON.parse('{"a":"s","c":[{"x":"1","y":2}],"z":0}')
    const decoded = owned(extra) as Record<string, unknown>
    assert.notStrictEqual(decoded, extra)
    assert.deepStrictEqual(decoded, { a: "s", c: [{ x: "1" }] })
    const reordered = JSON.parse('{"c":[],"a":"s","b":1}')
    const copy = owned(reordered) as Record<string, unknown>
    assert.deepStrictEqual(Object.keys(copy), ["a", "b", "c"])
  })
})

describe("the in-place decoder of a union", () => {
  // The second member would drop `y` from `n` before failing on `k`: in place, the first member's answer would lose it.
  const schema = Schema.Union(
    Schema.Struct({ n: Schema.Struct({ x: Schema.String, y: Schema.String }) }),
    Schema.Struct({ n: Schema.Struct({ x: Schema.String }), k: Schema.Literal("k") }),
  )
  const owned = StoredDecoder.compile(schema, "owned")!
  const decode = Schema.decodeUnknownEither(schema)
  it.prop(
    "leaves the input as it was for each member: the answer is Schema's",
    [FastCheck.oneof(Arbitrary.make(schema), json, FastCheck.constant({ n: { x: "1", y: "2" } }))],
    ([data]) => {
      const fast = owned(JSON.parse(JSON.stringify(data ?? null)))
      if (fast === StoredDecoder.FALLBACK) return
      const slow = decode(JSON.parse(JSON.stringify(data ?? null)))
      assert.isTrue(Either.isRight(slow))
      assert.deepStrictEqual(fast, Either.getOrThrow(slow))
    },
    { fastCheck: { numRuns: 200 } },
  )
})

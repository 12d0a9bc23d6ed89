/**
 * The conformance suite of personal-data erasure (BR-ACC-9), run against every
 * storage adapter: personal fields are never stored in clear, erasing a subject
 * redacts exactly its personal fields in every event whatever their version, and
 * no clear personal data remains in storage afterwards. An adapter passes a layer
 * of its driver and key store, and a `scan` that searches its raw storage.
 *
 * @example
 * ErasureConformance.suite("SQLite", layer, { scan: (needle) => scanFiles(path, needle), scanFindsKeys: true })
 * @since 0.1.0
 */
import * as Crypto from "node:crypto"
import * as Account from "@cartable/domain/Account"
import * as AccountEvents from "@cartable/domain/AccountEvents"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import * as EventStore from "@cartable/eventlog/EventStore"
import { EventStoreDriver } from "@cartable/eventlog/EventStoreDriver"
import { EventStoreError } from "@cartable/eventlog/EventStoreError"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as PersonalDataCipher from "@cartable/eventlog/PersonalDataCipher"
import type { AnyEvent } from "@cartable/eventlog/RecordedEvent"
import * as StreamName from "@cartable/eventlog/StreamName"
import { type KeyState, SubjectKeyStore } from "@cartable/eventlog/SubjectKeyStore"
import * as PersonalData from "@cartable/kernel/PersonalData"
import { assert, describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import type * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as AccountArbitraries from "./AccountArbitraries.ts"

/**
 * The services the suite runs on: an adapter's driver and key store, from one storage.
 *
 * @since 0.1.0
 */
export type Requirements = EventStoreDriver | SubjectKeyStore

/**
 * What the suite needs of an adapter besides its layer.
 *
 * @since 0.1.0
 */
export interface Options<R = never> {
  /**
   * Whether these bytes are anywhere in the adapter's raw storage: the database
   * file and its WAL for SQLite, the tables for PostgreSQL, the rows in memory.
   */
  readonly scan: (needle: Uint8Array) => Effect.Effect<boolean, unknown, Requirements | R>
  /**
   * Whether `scan` also reads where keys are stored: the suite then checks that a
   * subject's key is found before its erasure and nowhere after it.
   */
  readonly scanFindsKeys?: boolean
  /** Runs of the property; 50 by default. */
  readonly numRuns?: number
}

/** A field of a recorded event, for assertions. */
const fieldOf = (recorded: { readonly event: AnyEvent } | undefined, name: string): unknown =>
  (recorded?.event as unknown as Record<string, unknown> | undefined)?.[name]
const catalog = EventCatalog.make(AccountEvents.events)
const occurredAt = DateTime.unsafeMake("2026-09-01T08:00:00Z")
const context = { occurredAt }
const metadata = new EventMetadata({ occurredAt })
const feed = { accountId: "system:aaf", roles: [{ _tag: "System", process: "aaf" }] } as const
const vendor = { accountId: "vendor", roles: [{ _tag: "Administrator", level: "Platform" }] } as const

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
const unique = (): string => Crypto.randomUUID().slice(0, 8)
const streamOf = (accountId: string) => StreamName.make("Account", accountId)
/** Drops `undefined` keys, as storage does. */
const normalize = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

/** Plain JSON-like values stand for branded commands and events in the fixtures. */
const command = (value: { readonly _tag: string } & Record<string, unknown>): Account.AccountCommand =>
  value as unknown as Account.AccountCommand
const event = (value: { readonly _tag: string } & Record<string, unknown>): AnyEvent => value

const provision = (accountId: string, firstName: string, lastName: string): Account.AccountCommand =>
  command({
    _tag: "ProvisionAccount",
    actor: feed,
    accountId,
    profile: "Student",
    origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${accountId}` },
    structureId: "school-a",
    login: "e.k",
    firstName,
    lastName,
    activationCode: "3n6g8fmj",
  })

const lifecycle = (accountId: string): ReadonlyArray<Account.AccountCommand> =>
  (["PreDeleteAccount", "DeleteAccount", "EraseAccountData"] as const).map((_tag) =>
    command({ _tag, actor: vendor, accountId }),
  )

/** The personal fields of an Account event type, as the domain marks them. */
const personalFieldsOf = (type: string): ReadonlyArray<string> => {
  const schema = (AccountEvents.events as Record<string, Schema.Schema.Any>)[type]
  return schema === undefined ? [] : PersonalData.personalFields(schema).fields
}

/** What an event must read as once its subject is erased: each personal value present becomes the marker. */
const redact = (event: { readonly _tag: string }): unknown => {
  const out: Record<string, unknown> = { ...event }
  for (const field of personalFieldsOf(event._tag)) if (out[field] !== undefined) out[field] = PersonalData.ERASED
  return out
}

/** Renames the pool's account ids so that every run writes streams of its own. */
const renameIds = (value: unknown, rename: ReadonlyMap<string, string>): unknown => {
  if (typeof value === "string") return rename.get(value) ?? value
  if (Array.isArray(value)) return value.map((item) => renameIds(item, rename))
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renameIds(item, rename)]))
  }
  return value
}

const keyBytes = (subjectId: string) =>
  Effect.gen(function* () {
    const keys = yield* SubjectKeyStore
    const state = (yield* keys.lookup([subjectId])).get(subjectId)
    return state?._tag === "Active" ? Redacted.value(state.key).slice() : undefined
  })

const handlerOf = (store: EventStore.EventStore.Service) =>
  CommandHandler.make(Account.aggregate).pipe(Effect.provideService(EventStore.EventStore, store))

const run = (store: EventStore.EventStore.Service, commands: ReadonlyArray<Account.AccountCommand>) =>
  Effect.gen(function* () {
    const handle = yield* handlerOf(store)
    for (const command of commands) yield* handle(command, context)
  })

/** A catalogue in which AccountProvisioned carries no personal marks: what storage holds without encryption. */
const plainCatalog = EventCatalog.make({
  AccountProvisioned: Schema.TaggedStruct("AccountProvisioned", {
    accountId: Schema.String,
    profile: Schema.String,
    origin: Schema.Unknown,
    structureId: Schema.String,
    login: Schema.String,
    firstName: Schema.String,
    lastName: Schema.String,
    activationCode: Schema.String,
  }),
})

/** Version 1 and 2 of an event outside Account, to show decryption happens before upcasting. */
const GuestRegisteredV1 = Schema.TaggedStruct("GuestRegistered", {
  guestId: Schema.String,
  name: PersonalData.personal(Schema.String),
}).annotations({ [PersonalData.DataSubjectId]: "guestId" })
const GuestRegisteredV2 = Schema.TaggedStruct("GuestRegistered", {
  guestId: Schema.String,
  fullName: PersonalData.personal(Schema.String),
  note: Schema.String,
}).annotations({ [PersonalData.DataSubjectId]: "guestId" })
const guestCatalogV1 = EventCatalog.make({ GuestRegistered: GuestRegisteredV1 })
const guestCatalogV2 = EventCatalog.make({
  GuestRegistered: [
    GuestRegisteredV2,
    {
      version: 2,
      upcasters: {
        1: (data) => {
          const { name, ...rest } = data as { readonly name: unknown }
          return { ...rest, fullName: name, note: "upcast" }
        },
      },
    },
  ],
})

/**
 * Registers the erasure suite for an adapter.
 *
 * @since 0.1.0
 */
export const suite = <E, R = never>(
  name: string,
  layer: Layer.Layer<Requirements | R, E>,
  options: Options<R>,
): void => {
  const numRuns = options.numRuns ?? 50

  describe(`${name}: erasure of personal data (BR-ACC-9)`, () => {
    it.layer(layer, { timeout: "120 seconds" })((it) => {
      it.effect("a lookup of many subjects answers each one: active, destroyed, or never created", () =>
        Effect.gen(function* () {
          const keys = yield* SubjectKeyStore
          const id = unique()
          // Ids a statement could mistake: quotes, a backslash, a comma, braces, non-ASCII.
          const subjects = ["plain", `quo"te`, "back\\slash", "com,ma", "{brace}", "Zéphyrine 😀"].map(
            (subject) => `lookup-${id}-${subject}`,
          )
          const [erased, never, ...active] = subjects
          const created = new Map<string, KeyState>()
          for (const subject of [erased!, ...active]) created.set(subject, yield* keys.getOrCreate(subject))
          yield* keys.destroy(erased!)
          const bytes = (state: KeyState | undefined) =>
            state?._tag === "Active" ? [...Redacted.value(state.key)] : state?._tag
          for (const asked of [subjects, [...subjects].reverse(), [never!], [active[0]!], [erased!]]) {
            const states = yield* keys.lookup(asked)
            assert.strictEqual(states.size, asked.length)
            for (const subject of asked) {
              const expected = subject === erased || subject === never ? "Destroyed" : bytes(created.get(subject))
              assert.deepStrictEqual(bytes(states.get(subject)), expected, subject)
            }
          }
          assert.strictEqual((yield* keys.lookup([])).size, 0)
        }),
      )

      it.effect("personal fields are stored encrypted and read back in clear", () =>
        Effect.gen(function* () {
          const store = yield* EventStore.make(catalog)
          const driver = yield* EventStoreDriver
          const id = `erasure-${unique()}`
          const firstName = `Zéphyrine${id}`
          const email = `zephyrine.${id}@example.org`
          yield* run(store, [provision(id, firstName, "Quillebœuf")])
          yield* store.append(streamOf(id), ExpectedVersion.exact(1), [
            { event: event({ _tag: "AccountActivated", accountId: id, charterAccepted: true, email }), metadata },
          ])

          const rows = yield* driver.readStream(streamOf(id), 0)
          for (const row of rows) {
            const data = JSON.parse(row.data) as Record<string, unknown>
            const sealed = PersonalDataCipher.sealedFields(data)
            for (const field of personalFieldsOf(row.type)) {
              if (field in data) assert.ok(PersonalDataCipher.isEnvelope(data[field]), `${row.type}.${field} is sealed`)
            }
            const expected = row.type === "AccountProvisioned" ? "firstName" : "email"
            assert.strictEqual(sealed.get(expected), id, `${row.type}.${expected} is sealed for its subject`)
          }
          assert.isFalse(yield* options.scan(utf8(firstName)), "the first name is not in storage in clear")
          assert.isFalse(yield* options.scan(utf8(email)), "the e-mail is not in storage in clear")

          const [provisioned, activated] = yield* store.readStream(streamOf(id))
          assert.strictEqual(fieldOf(provisioned, "firstName"), firstName)
          assert.strictEqual(fieldOf(activated, "email"), email)
        }),
      )

      it.effect("subjects whose ids hold quotes, a backslash or non-ASCII read back in clear, then erased", () =>
        Effect.gen(function* () {
          // Ids a store matching its stored JSON by text (a key joined in SQL) could mistake.
          const store = yield* EventStore.make(catalog)
          const id = unique()
          const subjects = [`quo"te-${id}`, `back\\slash-${id}`, `Zéphyrine 😀-${id}`, `plain-${id}`]
          for (const subject of subjects) yield* run(store, [provision(subject, `Anatolie${subject}`, "Vasseur")])
          for (const subject of subjects) {
            const [provisioned] = yield* store.readStream(streamOf(subject))
            assert.strictEqual(fieldOf(provisioned, "firstName"), `Anatolie${subject}`, subject)
          }
          const page = (yield* store.readAll(0, 100_000)).filter((recorded) =>
            subjects.some((s) => recorded.streamName === streamOf(s)),
          )
          assert.deepStrictEqual(
            page.map((recorded) => fieldOf(recorded, "firstName")),
            subjects.map((subject) => `Anatolie${subject}`),
          )
          yield* store.eraseSubject(subjects[0]!)
          const [erased] = yield* store.readStream(streamOf(subjects[0]!))
          assert.strictEqual(fieldOf(erased, "firstName"), PersonalData.ERASED)
          const [kept] = yield* store.readStream(streamOf(subjects[1]!))
          assert.strictEqual(fieldOf(kept, "firstName"), `Anatolie${subjects[1]}`)
        }),
      )

      it.effect("the scan finds a name that was stored without encryption (it can fail)", () =>
        Effect.gen(function* () {
          const plain = yield* EventStore.make(plainCatalog)
          const id = `plain-${unique()}`
          const firstName = `Zéphyrine${id}`
          yield* plain.append(streamOf(id), ExpectedVersion.noStream, [
            {
              event: event({
                _tag: "AccountProvisioned",
                accountId: id,
                profile: "Student",
                origin: { _tag: "Manual" },
                structureId: "school-a",
                login: "e.k",
                firstName,
                lastName: "Quillebœuf",
                activationCode: "3n6g8fmj",
              }),
              metadata,
            },
          ])
          assert.isTrue(yield* options.scan(utf8(firstName)), "a clear name is found by the scan")
        }),
      )

      it.effect("erasing a subject redacts its personal fields only, and leaves other subjects intact", () =>
        Effect.gen(function* () {
          const store = yield* EventStore.make(catalog)
          const erased = `erased-${unique()}`
          const kept = `kept-${unique()}`
          const erasedName = `Anatolie${erased}`
          const keptName = `Bérénice${kept}`
          yield* run(store, [
            provision(erased, erasedName, "Vasseur"),
            provision(kept, keptName, "Vasseur"),
            command({
              _tag: "LinkExternalIdentity",
              actor: vendor,
              accountId: erased,
              provider: "EduConnect",
              subject: `educonnect-${erased}`,
            }),
          ])
          const before = yield* store.readStream(streamOf(erased))
          const keptBefore = yield* store.readStream(streamOf(kept))
          const key = yield* keyBytes(erased)
          assert.ok(key !== undefined, "the subject has a key before erasure")
          if (options.scanFindsKeys === true) {
            assert.isTrue(yield* options.scan(key), "the key is found in storage before erasure")
          }

          yield* run(store, lifecycle(erased))

          const after = yield* store.readStream(streamOf(erased))
          assert.strictEqual(after.length, before.length + 3)
          assert.strictEqual(after[after.length - 1]?.type, "AccountDataErased")
          for (const [index, recorded] of before.entries()) {
            assert.deepStrictEqual(normalize(after[index]?.event), normalize(redact(recorded.event)))
          }
          const provisioned = (after[0]?.event ?? {}) as unknown as Record<string, unknown>
          assert.strictEqual(provisioned.firstName, PersonalData.ERASED)
          assert.strictEqual(provisioned.lastName, PersonalData.ERASED)
          assert.strictEqual(provisioned.activationCode, PersonalData.ERASED)
          assert.strictEqual(provisioned.accountId, erased)
          assert.strictEqual(provisioned.login, PersonalData.ERASED, "the login is built from the name (BR-ACC-9)")
          assert.deepStrictEqual(provisioned.origin, { _tag: "Feed", source: "AAF", externalId: `jointure-${erased}` })
          assert.deepStrictEqual(yield* store.readStream(streamOf(kept)), keptBefore)
          assert.strictEqual(fieldOf(keptBefore[0], "firstName"), keptName)

          assert.isUndefined(yield* keyBytes(erased), "the key is destroyed")
          assert.isFalse(yield* options.scan(utf8(erasedName)), "the erased name is not in storage")
          assert.isFalse(yield* options.scan(utf8(`educonnect-${erased}`)), "the erased identity is not in storage")
          if (options.scanFindsKeys === true) {
            assert.isFalse(yield* options.scan(key), "no copy of the destroyed key remains in storage")
          }
        }),
      )

      it.effect("eraseSubject is idempotent, and a later personal value of the subject is stored as the marker", () =>
        Effect.gen(function* () {
          const store = yield* EventStore.make(catalog)
          const driver = yield* EventStoreDriver
          const id = `direct-${unique()}`
          yield* run(store, [provision(id, `Célestin${id}`, "Morel")])
          yield* store.eraseSubject(id)
          yield* store.eraseSubject(id)
          yield* store.append(streamOf(id), ExpectedVersion.exact(1), [
            {
              event: event({
                _tag: "AccountActivated",
                accountId: id,
                charterAccepted: true,
                email: `late.${id}@example.org`,
              }),
              metadata,
            },
          ])
          const [provisioned, activated] = yield* store.readStream(streamOf(id))
          assert.strictEqual(fieldOf(provisioned, "firstName"), PersonalData.ERASED)
          assert.strictEqual(fieldOf(activated, "email"), PersonalData.ERASED)
          const rows = yield* driver.readStream(streamOf(id), 1)
          assert.strictEqual((JSON.parse(rows[0]!.data) as { email: unknown }).email, PersonalData.ERASED)
          assert.isFalse(yield* options.scan(utf8(`late.${id}@example.org`)))
        }),
      )

      it.effect("a batch that erases its subject leaves none of the batch's personal values readable", () =>
        Effect.gen(function* () {
          const store = yield* EventStore.make(catalog)
          const id = `batch-${unique()}`
          yield* store.append(streamOf(id), ExpectedVersion.noStream, [
            {
              event: event({ _tag: "ExternalIdentityLinked", accountId: id, provider: "CAS", subject: `cas-${id}` }),
              metadata,
            },
            { event: event({ _tag: "AccountDataErased", accountId: id }), metadata },
          ])
          const recorded = yield* store.readStream(streamOf(id))
          assert.strictEqual(fieldOf(recorded[0], "subject"), PersonalData.ERASED)
          assert.isFalse(yield* options.scan(utf8(`cas-${id}`)))
        }),
      )

      it.effect("readAll decodes a page that mixes erased and live subjects", () =>
        Effect.gen(function* () {
          const store = yield* EventStore.make(catalog)
          const ids = [0, 1, 2, 3].map((n) => `page${n}-${unique()}`)
          for (const id of ids) yield* run(store, [provision(id, `Name${id}`, "Page")])
          yield* store.eraseSubject(ids[1]!)
          yield* store.eraseSubject(ids[3]!)
          const mine = new Map<string, string>()
          let position = 0
          for (;;) {
            const page = yield* store.readAll(position, 500)
            if (page.length === 0) break
            for (const recorded of page) {
              const event = recorded.event as { _tag: string; accountId?: string; firstName?: string }
              if (event._tag === "AccountProvisioned" && ids.includes(event.accountId ?? "")) {
                mine.set(event.accountId!, event.firstName!)
              }
            }
            position = page[page.length - 1]!.position
          }
          assert.deepStrictEqual(
            ids.map((id) => mine.get(id)),
            [`Name${ids[0]}`, PersonalData.ERASED, `Name${ids[2]}`, PersonalData.ERASED],
          )
        }),
      )

      it.effect("decryption happens before upcasting: an old version decodes, in clear and once erased", () =>
        Effect.gen(function* () {
          const v1 = yield* EventStore.make(guestCatalogV1)
          const v2 = yield* EventStore.make(guestCatalogV2)
          const [live, gone] = [`guest-${unique()}`, `guest-${unique()}`]
          for (const guestId of [live, gone]) {
            yield* v1.append(StreamName.make("Guest", guestId), ExpectedVersion.noStream, [
              { event: GuestRegisteredV1.make({ guestId, name: `Ysaline${guestId}` }), metadata },
            ])
          }
          yield* v2.eraseSubject(gone)
          const [liveEvent] = yield* v2.readStream(StreamName.make("Guest", live))
          const [goneEvent] = yield* v2.readStream(StreamName.make("Guest", gone))
          assert.strictEqual(liveEvent?.schemaVersion, 1)
          assert.deepStrictEqual(normalize(liveEvent?.event), {
            _tag: "GuestRegistered",
            guestId: live,
            fullName: `Ysaline${live}`,
            note: "upcast",
          })
          assert.deepStrictEqual(normalize(goneEvent?.event), {
            _tag: "GuestRegistered",
            guestId: gone,
            fullName: PersonalData.ERASED,
            note: "upcast",
          })
        }),
      )

      it.effect("a tampered envelope fails to decode with a clear error, never as clear or erased data", () =>
        Effect.gen(function* () {
          const store = yield* EventStore.make(catalog)
          const driver = yield* EventStoreDriver
          const id = `tampered-${unique()}`
          yield* run(store, [provision(id, `Ondine${id}`, "Faure")])
          const [row] = yield* driver.readStream(streamOf(id), 0)
          const data = JSON.parse(row!.data) as Record<string, PersonalDataCipher.SealedEnvelope>
          const envelope = data[PersonalDataCipher.ENVELOPE_TAG]!
          const sealed = Buffer.from(envelope.ciphertext, "base64")
          sealed[0] = sealed[0]! ^ 1
          const forged = streamOf(`${id}-forged`)
          yield* driver.append(forged, ExpectedVersion.noStream, [
            {
              ...row!,
              data: JSON.stringify({
                ...data,
                [PersonalDataCipher.ENVELOPE_TAG]: { ...envelope, ciphertext: sealed.toString("base64") },
              }),
            },
          ])
          const error = yield* Effect.flip(store.readStream(forged))
          assert.ok(error instanceof EventStoreError)
          assert.strictEqual(error.reason, "Decode")
          assert.include(error.message, "cannot be decrypted")
        }),
      )

      it.effect.prop(
        "BR-ACC-9 over random account histories, erasing some accounts redacts exactly their personal fields, in every event, and nothing else",
        [
          AccountArbitraries.commands,
          FastCheck.subarray(AccountArbitraries.ids.accounts),
          FastCheck.array(Arbitrary.make(Schema.NonEmptyTrimmedString), { minLength: 3, maxLength: 3 }),
        ],
        ([history, toErase, names]) =>
          Effect.gen(function* () {
            const store = yield* EventStore.make(catalog)
            const driver = yield* EventStoreDriver
            const run = unique()
            const rename = new Map(AccountArbitraries.ids.accounts.map((id) => [id as string, `${run}-${id}`]))
            const accounts = [...rename.values()]
            const commands = [
              ...accounts.map((id, index) => provision(id, names[index]!, names[(index + 1) % 3]!)),
              ...(renameIds(history, rename) as ReadonlyArray<Account.AccountCommand>),
              ...toErase.flatMap((id) => lifecycle(rename.get(id)!)),
            ]
            const handle = yield* handlerOf(store)
            const decided = new Map<string, Array<{ readonly _tag: string }>>()
            for (const command of commands) {
              const outcome = yield* Effect.either(handle(command, context))
              if (outcome._tag === "Left") continue
              const events = decided.get(command.accountId) ?? []
              events.push(...outcome.right.events)
              decided.set(command.accountId, events)
            }
            const erased = new Set(
              [...decided].filter(([, events]) => events.some((e) => e._tag === "AccountDataErased")).map(([id]) => id),
            )

            for (const [accountId, events] of decided) {
              const recorded = yield* store.readStream(streamOf(accountId))
              assert.deepStrictEqual(
                recorded.map((entry) => normalize(entry.event)),
                events.map((event) => normalize(erased.has(accountId) ? redact(event) : event)),
              )
              for (const row of yield* driver.readStream(streamOf(accountId), 0)) {
                const data = JSON.parse(row.data) as Record<string, unknown>
                const sealed = PersonalDataCipher.sealedFields(data)
                const decidedEvent = events[row.streamVersion - 1] as unknown as Record<string, unknown>
                for (const field of personalFieldsOf(row.type)) {
                  const value = data[field]
                  if (sealed.has(field)) {
                    assert.strictEqual(sealed.get(field), accountId, `${row.type}.${field} is sealed for its subject`)
                    continue
                  }
                  // Not sealed: absent from the event as decided, or the marker, never a value in clear.
                  assert.ok(
                    (value === undefined && decidedEvent[field] === undefined) || PersonalData.isErased(value),
                    `${row.type}.${field} is stored sealed`,
                  )
                }
              }
              assert.strictEqual((yield* keyBytes(accountId)) === undefined, erased.has(accountId))
            }
          }),
        { fastCheck: { numRuns } },
      )
    })
  })
}

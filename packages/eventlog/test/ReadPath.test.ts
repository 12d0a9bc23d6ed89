/**
 * The fast paths of the typed store's reads and writes give what the general
 * ones give: the metadata codec what the Schema gives, the in-place decryption
 * what `decrypt` gives, and a bad row still fails with a Decode error.
 */
import * as AccountEvents from "@cartable/domain/AccountEvents"
import * as Domain from "@cartable/domain/Domain"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as EventStoreDriver from "@cartable/eventlog/EventStoreDriver"
import { EventStoreError } from "@cartable/eventlog/EventStoreError"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as PersonalDataCipher from "@cartable/eventlog/PersonalDataCipher"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as PersonalData from "@cartable/kernel/PersonalData"
import { assert, describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as MetadataCodec from "../src/internal/metadataCodec.ts"

const memory = Layer.merge(EventStoreDriver.layerMemory, SubjectKeyStore.layerMemory)
const catalog = EventCatalog.make(AccountEvents.events)
const store = EventStore.layer(catalog).pipe(Layer.provideMerge(memory))

const encodeBySchema = Schema.encodeSync(EventMetadata)
const decodeBySchema = Schema.decodeUnknownEither(EventMetadata)

/** Metadata as a Schema arbitrary draws it, dates of any instant. */
const anyMetadata = Arbitrary.make(EventMetadata)

/** Stored metadata JSON, well-formed or not: what a row may hold. */
const storedLike = FastCheck.oneof(
  anyMetadata.map((metadata) => encodeBySchema(metadata) as unknown),
  FastCheck.record(
    {
      occurredAt: FastCheck.oneof(
        FastCheck.string(),
        FastCheck.constantFrom("2026-09-01T08:00:00Z", "2026-09-01", "2026-02-30T00:00:00Z", "yesterday", ""),
        FastCheck.integer(),
        FastCheck.constant(null),
      ),
      actor: FastCheck.oneof(FastCheck.string(), FastCheck.integer(), FastCheck.constant(null)),
      correlationId: FastCheck.oneof(FastCheck.string(), FastCheck.boolean()),
      causationId: FastCheck.string(),
      other: FastCheck.jsonValue(),
    },
    { requiredKeys: [] },
  ),
  FastCheck.jsonValue(),
)

describe("the metadata codec", () => {
  it.prop(
    "decodes stored metadata exactly as the Schema does, and defers to it otherwise",
    [storedLike],
    ([json]) => {
      // A row holds JSON: what the generator draws, once written and read back.
      const stored = json === undefined ? null : JSON.parse(JSON.stringify(json))
      const fast = MetadataCodec.decode(stored)
      const bySchema = decodeBySchema(stored)
      if (fast === undefined) return
      assert.isTrue(Either.isRight(bySchema), `the codec accepted what the Schema refuses: ${JSON.stringify(stored)}`)
      if (Either.isRight(bySchema)) {
        assert.isTrue(Equal.equals(fast, bySchema.right), JSON.stringify(stored))
        assert.instanceOf(fast, EventMetadata)
        assert.deepStrictEqual(Object.keys(fast), Object.keys(bySchema.right))
      }
    },
    { fastCheck: { numRuns: 500 } },
  )

  it.prop(
    "takes every metadata the store writes, and encodes as the Schema encodes",
    [anyMetadata],
    ([metadata]) => {
      const encoded = MetadataCodec.encode(metadata)
      // Stored as JSON text: the same text as the Schema's, and read back as the Schema reads it.
      assert.strictEqual(JSON.stringify(encoded), JSON.stringify(encodeBySchema(metadata)))
      const stored = JSON.parse(JSON.stringify(encoded))
      const decoded = MetadataCodec.decode(stored)
      assert.isTrue(decoded !== undefined && Equal.equals(decoded, Schema.decodeUnknownSync(EventMetadata)(stored)))
    },
    { fastCheck: { numRuns: 300 } },
  )

  it.prop(
    "EventMetadata's constructor keeps what the Schema keeps, and refuses what it refuses unless told not to check",
    [anyMetadata],
    ([metadata]) => {
      const { occurredAt, actor, correlationId, causationId } = metadata
      const props = {
        occurredAt,
        ...(actor === undefined ? {} : { actor }),
        ...(correlationId === undefined ? {} : { correlationId }),
        ...(causationId === undefined ? {} : { causationId }),
      }
      assert.isTrue(
        Equal.equals(
          new EventMetadata(props),
          Schema.decodeUnknownSync(EventMetadata)(JSON.parse(JSON.stringify(encodeBySchema(metadata)))),
        ),
      )
      assert.throws(
        () => new EventMetadata({ ...props, actor: 42 as never }),
        /@cartable\/eventlog\/EventMetadata \(Constructor\)\n└─ \["actor"\]/,
      )
      assert.throws(
        () => new EventMetadata({ ...props, occurredAt: DateTime.formatIso(occurredAt) as never }),
        /occurredAt/,
      )
      assert.strictEqual(new EventMetadata({ ...props, actor: 42 as never }, true).actor, 42 as never)
      assert.strictEqual(
        new EventMetadata({ ...props, actor: 42 as never }, { disableValidation: true }).actor,
        42 as never,
      )
    },
    { fastCheck: { numRuns: 200 } },
  )

  it("leaves what is not an EventMetadata of a UTC date to the Schema", () => {
    assert.isUndefined(MetadataCodec.encode({ occurredAt: DateTime.unsafeMake(0) }))
    const zoned = DateTime.unsafeMakeZoned(0, { timeZone: "Europe/Paris" })
    assert.isUndefined(MetadataCodec.encode(new EventMetadata({ occurredAt: zoned as never }, true)))
    assert.isUndefined(
      MetadataCodec.encode(new EventMetadata({ occurredAt: DateTime.unsafeMake(0), actor: 7 as never }, true)),
    )
    assert.isUndefined(MetadataCodec.decode({ occurredAt: "2026-09-01T08:00:00Z", actor: null }))
    assert.isUndefined(MetadataCodec.decode({ occurredAt: "not a date" }))
    assert.isUndefined(MetadataCodec.decode([{ occurredAt: "2026-09-01T08:00:00Z" }]))
  })
})

const provisioned = (accountId: string) =>
  AccountEvents.AccountProvisioned.make({
    accountId: accountId as never,
    profile: "Student",
    origin: { _tag: "Manual" },
    structureId: "0571994H" as never,
    login: "lea.martin" as never,
    firstName: "Léa" as never,
    lastName: "Martin" as never,
    activationCode: "3n6g8fmj" as never,
  })

const metadataOf = (n: number) =>
  new EventMetadata({
    occurredAt: DateTime.unsafeMake(Date.UTC(2026, 8, 1) + n * 60_000),
    actor: `acc-${n}`,
    correlationId: `corr-${n}`,
    causationId: `cmd-${n}`,
  })

describe("the typed read path", () => {
  it.effect("a row whose metadata does not decode fails the read with a Decode error naming its position", () =>
    Effect.gen(function* () {
      const driver = yield* EventStoreDriver.EventStoreDriver
      const store = yield* EventStore.EventStore
      const good = yield* EventCatalog.encode(catalog, {
        _tag: "AccountBlocked",
        accountId: "bad-meta",
        blockedBy: "acc-1",
      } as never)
      const bad = ['{"occurredAt":"yesterday"}', '{"occurredAt":"2026-09-01T08:00:00Z","actor":1}', "[]", "{"]
      for (const [index, metadata] of bad.entries()) {
        const streamName = StreamName.make("Account", `bad-meta-${index}`)
        yield* driver.append(streamName, ExpectedVersion.noStream, [
          { type: good.type, schemaVersion: good.schemaVersion, data: JSON.stringify(good.data), metadata },
        ])
        const error = yield* Effect.flip(store.readStream(streamName))
        assert.instanceOf(error, EventStoreError)
        assert.strictEqual(error.reason, "Decode")
        assert.match(error.message, /Metadata of AccountBlocked (does not decode|is not JSON).*position \d+/s)
      }
    }).pipe(Effect.provide(store)),
  )

  it.effect("each event keeps its own metadata, and a run of equal metadata texts still decodes", () =>
    Effect.gen(function* () {
      const store = yield* EventStore.EventStore
      const streamName = StreamName.make("Account", "meta-1")
      const shared = metadataOf(0)
      yield* store.append(streamName, ExpectedVersion.noStream, [
        { event: provisioned("meta-1"), metadata: metadataOf(1) },
        { event: { _tag: "AccountBlocked", accountId: "meta-1", blockedBy: "acc-1" } as never, metadata: shared },
        { event: { _tag: "AccountUnblocked", accountId: "meta-1", unblockedBy: "acc-1" } as never, metadata: shared },
      ])
      const read = yield* store.readStream(streamName)
      assert.isTrue(Equal.equals(read[0]!.metadata, metadataOf(1)))
      assert.isTrue(Equal.equals(read[1]!.metadata, shared))
      assert.isTrue(Equal.equals(read[2]!.metadata, shared))
    }).pipe(Effect.provide(store)),
  )

  it.effect("one read of several subjects opens each with its own key, and an erased one reads as erased", () =>
    Effect.gen(function* () {
      const store = yield* EventStore.EventStore
      for (const id of ["two-a", "two-b", "two-c"]) {
        yield* store.append(StreamName.make("Account", id), ExpectedVersion.noStream, [
          { event: provisioned(id), metadata: metadataOf(2) },
          { event: provisioned(id), metadata: metadataOf(3) },
        ])
      }
      yield* store.eraseSubject("two-b")
      const all = yield* store.readAll(0, 100)
      const names = all.map((recorded) => [
        String((recorded.event as unknown as { accountId: string }).accountId),
        (recorded.event as unknown as { firstName: unknown }).firstName,
      ])
      assert.deepStrictEqual(names, [
        ["two-a", "Léa"],
        ["two-a", "Léa"],
        ["two-b", PersonalData.ERASED],
        ["two-b", PersonalData.ERASED],
        ["two-c", "Léa"],
        ["two-c", "Léa"],
      ])
    }).pipe(Effect.provide(store)),
  )

  it.effect("a command handler's metadata that does not encode is refused by the store, and nothing is appended", () =>
    Effect.gen(function* () {
      const handle = yield* CommandHandler.make(Domain.aggregates.Account)
      const input = {
        _tag: "ProvisionAccount",
        actor: { accountId: "system:aaf", roles: [{ _tag: "System", process: "aaf" }] },
        accountId: "meta-cmd",
        profile: "Student",
        origin: { _tag: "Feed", source: "AAF", externalId: "j-meta" },
        structureId: "0571994H",
        login: "lea.martin",
        firstName: "Léa",
        lastName: "Martin",
        activationCode: "3n6g8fmj",
      }
      // A caller in plain JavaScript may hand a string where a DateTime is expected.
      const error = yield* Effect.flip(handle(input, { occurredAt: "2026-09-01" as never }))
      assert.instanceOf(error, EventStoreError)
      assert.strictEqual((error as EventStoreError).reason, "Encode")
      const { version } = yield* CommandHandler.load(Domain.aggregates.Account, "meta-cmd")
      assert.strictEqual(version, 0)
    }).pipe(Effect.provide(EventStore.layerMemory(EventCatalog.make(Domain.events)))),
  )
})

/** JSON values with keys the cipher reserves, "__proto__" among them. */
const jsonWithReservedKeys: FastCheck.Arbitrary<unknown> = FastCheck.letrec((tie) => ({
  value: FastCheck.oneof(
    { depthSize: "small", withCrossShrink: true },
    FastCheck.oneof(FastCheck.string(), FastCheck.integer(), FastCheck.boolean(), FastCheck.constant(null)),
    FastCheck.array(tie("value"), { maxLength: 3 }),
    FastCheck.dictionary(
      FastCheck.oneof(FastCheck.string(), FastCheck.constantFrom("$$personal", "$$$personal", "__proto__", "subject")),
      tie("value"),
      { maxKeys: 4 },
    ),
  ),
})).value

describe("in-place decryption", () => {
  const cipher = PersonalDataCipher.make(catalog)
  const key = SubjectKeyStore.active(SubjectKeyStore.generateKey())
  const keys = new Map([["acc-9", key]])

  it.prop(
    "gives what decrypt gives, on any stored JSON, reserved and __proto__ keys included",
    [jsonWithReservedKeys],
    ([value]) => {
      const text = JSON.stringify(value)
      const copied = PersonalDataCipher.decrypt("AccountProvisioned", JSON.parse(text), keys)
      const owned = PersonalDataCipher.decryptorOwned(keys)("AccountProvisioned", JSON.parse(text))
      assert.deepStrictEqual(owned, copied)
      if (Either.isRight(owned) && Either.isRight(copied)) {
        assert.strictEqual(JSON.stringify(owned.right), JSON.stringify(copied.right))
      }
    },
    { fastCheck: { numRuns: 500 } },
  )

  it("keeps a stored __proto__ key a plain key when what it holds changes", () => {
    const text = '{"__proto__":{"$$personal":1,"a":[{"$$$personal":2}]},"b":{"__proto__":{"$$personal":3}}}'
    const copied = PersonalDataCipher.decrypt("AccountProvisioned", JSON.parse(text), keys)
    const owned = PersonalDataCipher.decryptorOwned(keys)("AccountProvisioned", JSON.parse(text))
    assert.strictEqual(JSON.stringify(Either.getOrThrow(owned)), JSON.stringify(Either.getOrThrow(copied)))
    assert.strictEqual(
      JSON.stringify(Either.getOrThrow(owned)),
      '{"__proto__":{"$personal":1,"a":[{"$$personal":2}]},"b":{"__proto__":{"$personal":3}}}',
    )
    assert.strictEqual(Object.getPrototypeOf(Either.getOrThrow(owned)), Object.prototype)
  })

  it("opens the envelopes of several events with one decryptor, and refuses a tampered one", () => {
    const decrypt = PersonalDataCipher.decryptorOwned(keys)
    const sealed = (firstName: string) =>
      JSON.stringify(
        Either.getOrThrow(
          cipher.encrypt(
            "AccountProvisioned",
            { ...Schema.encodeSync(AccountEvents.AccountProvisioned)(provisioned("acc-9")), firstName },
            key,
          ),
        ),
      )
    for (const name of ["Léa", "Chloé", "Zoé"]) {
      const opened = Either.getOrThrow(decrypt("AccountProvisioned", JSON.parse(sealed(name)))) as Record<
        string,
        unknown
      >
      assert.strictEqual(opened.firstName, name)
      assert.strictEqual(opened.login, "lea.martin")
    }
    const tampered = JSON.parse(sealed("Léa"))
    tampered.$personal.ciphertext = Buffer.from("x".repeat(40)).toString("base64")
    const refused = decrypt("AccountProvisioned", tampered)
    assert.isTrue(Either.isLeft(refused) && refused.left.reason === "Tampered")
    // The AAD binds the type: the same envelope under another type does not open.
    const otherType = decrypt("AccountIdentityUpdated", JSON.parse(sealed("Léa")))
    assert.isTrue(Either.isLeft(otherType) && otherType.left.reason === "Tampered")
  })
})

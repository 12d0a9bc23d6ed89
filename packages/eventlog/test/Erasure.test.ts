import * as Crypto from "node:crypto"
import * as AccountEvents from "@cartable/domain/AccountEvents"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as EventStoreDriver from "@cartable/eventlog/EventStoreDriver"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as PersonalDataCipher from "@cartable/eventlog/PersonalDataCipher"
import type { AnyEvent } from "@cartable/eventlog/RecordedEvent"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as ErasureConformance from "@cartable/testing/ErasureConformance"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

/** A field of a recorded event, for assertions. */
const fieldOf = (recorded: { readonly event: AnyEvent } | undefined, name: string): unknown =>
  (recorded?.event as unknown as Record<string, unknown> | undefined)?.[name]
const memory = Layer.merge(EventStoreDriver.layerMemory, SubjectKeyStore.layerMemory)

/** In memory, the raw storage is the driver's rows. */
const scanRows = (needle: Uint8Array) =>
  Effect.gen(function* () {
    const driver = yield* EventStoreDriver.EventStoreDriver
    const rows = yield* driver.readAll(0, Number.MAX_SAFE_INTEGER)
    return rows.some((row) => Buffer.from(`${row.data}\n${row.metadata}`, "utf8").includes(Buffer.from(needle)))
  })

ErasureConformance.suite("memory", memory, { scan: scanRows })

const metadata = new EventMetadata({ occurredAt: DateTime.unsafeMake("2026-09-01T08:00:00Z") })
const event = (value: { readonly _tag: string } & Record<string, unknown>): AnyEvent => value

describe("PersonalDataCipher", () => {
  const cipher = PersonalDataCipher.make(EventCatalog.make(AccountEvents.events))

  it("plans the Account events from their annotations", () => {
    const provisioned = cipher.plans.get("AccountProvisioned")!
    assert.deepStrictEqual(provisioned.fields, ["login", "firstName", "lastName", "activationCode"])
    assert.strictEqual(provisioned.subjectField, "accountId")
    assert.isUndefined(provisioned.unsupported)
    assert.strictEqual(cipher.plans.get("AccountDataErased")!.erasedSubjectField, "accountId")
    assert.deepStrictEqual(cipher.plans.get("AccountActivated")!.fields, ["email", "mobile", "passwordHash"])
    assert.deepStrictEqual(cipher.plans.get("PasswordRenewed")!.fields, ["passwordHash"])
    assert.deepStrictEqual(cipher.plans.get("AccountBlocked")!.fields, [])
  })

  it("seals the personal values of an event in one envelope with a fresh IV, and opens it only with the right key", () => {
    const key = SubjectKeyStore.active(SubjectKeyStore.generateKey())
    const data = {
      _tag: "AccountActivated",
      accountId: "acc-1",
      charterAccepted: true,
      email: "a@b.c",
      mobile: "a@b.c",
    }
    const sealed = Either.getOrThrow(cipher.encrypt("AccountActivated", data, key)) as Record<string, unknown>
    const envelope = sealed.$personal as PersonalDataCipher.SealedEnvelope
    assert.ok(PersonalDataCipher.isSealedEnvelope(envelope))
    assert.deepStrictEqual(envelope.fields, ["email", "mobile"])
    assert.strictEqual(envelope.subject, "acc-1")
    assert.notProperty(sealed, "email")
    assert.notProperty(sealed, "mobile")
    assert.notInclude(JSON.stringify(sealed), "a@b.c")
    assert.strictEqual(Buffer.from(envelope.iv, "base64").length, 12)
    assert.strictEqual(sealed.accountId, "acc-1")
    const again = Either.getOrThrow(cipher.encrypt("AccountActivated", data, key)) as Record<string, unknown>
    assert.notStrictEqual((again.$personal as PersonalDataCipher.SealedEnvelope).iv, envelope.iv)
    assert.deepStrictEqual(
      PersonalDataCipher.sealedFields(sealed),
      new Map([
        ["email", "acc-1"],
        ["mobile", "acc-1"],
      ]),
    )

    const subjects = new Set<string>()
    PersonalDataCipher.collectSubjects(sealed, subjects)
    assert.deepStrictEqual([...subjects], ["acc-1"])
    const keys = new Map([["acc-1", key]])
    assert.deepStrictEqual(Either.getOrThrow(PersonalDataCipher.decrypt("AccountActivated", sealed, keys)), data)
    assert.deepStrictEqual(
      Either.getOrThrow(PersonalDataCipher.decryptorOwned(keys)("AccountActivated", structuredClone(sealed))),
      data,
    )
    const other = SubjectKeyStore.active(SubjectKeyStore.generateKey())
    const wrong = PersonalDataCipher.decrypt("AccountActivated", sealed, new Map([["acc-1", other]]))
    assert.ok(Either.isLeft(wrong) && wrong.left.reason === "Tampered")
    // The type is authenticated too: a ciphertext moved to another event type does not open.
    const moved = PersonalDataCipher.decrypt("AccountProvisioned", sealed, keys)
    assert.ok(Either.isLeft(moved))
    // So is the list of fields: swapped, the values would land in each other's field.
    const swapped = { ...sealed, $personal: { ...envelope, fields: ["mobile", "email"] } }
    const refused = PersonalDataCipher.decrypt("AccountActivated", swapped, keys)
    assert.ok(Either.isLeft(refused) && refused.left.reason === "Tampered")
    const erased = Either.getOrThrow(
      PersonalDataCipher.decrypt("AccountActivated", sealed, new Map([["acc-1", SubjectKeyStore.destroyed]])),
    )
    assert.deepStrictEqual(erased, { ...data, email: PersonalData.ERASED, mobile: PersonalData.ERASED })
  })

  it("refuses a sealed envelope that is malformed, nested, or names a field the event holds in clear", () => {
    const key = SubjectKeyStore.active(SubjectKeyStore.generateKey())
    const keys = new Map([["acc-1", key]])
    const data = { _tag: "AccountActivated", accountId: "acc-1", charterAccepted: true, email: "a@b.c" }
    const sealed = Either.getOrThrow(cipher.encrypt("AccountActivated", data, key)) as Record<string, unknown>
    const forged: ReadonlyArray<unknown> = [
      { ...sealed, email: "clear@b.c" },
      { ...sealed, $personal: { ...(sealed.$personal as object), fields: [] } },
      { ...sealed, $personal: { ...(sealed.$personal as object), fields: ["email", "email"] } },
      { ...sealed, $personal: { ...(sealed.$personal as object), $personal: 1 } },
      { ...data, nested: { $personal: sealed.$personal } },
    ]
    for (const value of forged) {
      for (const result of [
        PersonalDataCipher.decrypt("AccountActivated", value, keys),
        PersonalDataCipher.decryptorOwned(keys)("AccountActivated", structuredClone(value)),
      ]) {
        assert.ok(Either.isLeft(result) && result.left.reason === "Tampered", JSON.stringify(value))
      }
    }
  })

  it("still reads the first format: one envelope per value, AES-256-GCM under the subject's key", () => {
    // Built by hand from the format docs/erasure.md describes, not with the cipher under test.
    const bytes = SubjectKeyStore.generateKey()
    const key = SubjectKeyStore.active(bytes)
    const envelope = (value: unknown) => {
      const iv = Crypto.randomBytes(12)
      const gcm = Crypto.createCipheriv("aes-256-gcm", bytes, iv)
      gcm.setAAD(Buffer.from("cartable/personal/1\u0000AccountActivated\u0000acc-1", "utf8"))
      const ciphertext = Buffer.concat([gcm.update(JSON.stringify(value), "utf8"), gcm.final(), gcm.getAuthTag()])
      return { $personal: 1, subject: "acc-1", iv: iv.toString("base64"), ciphertext: ciphertext.toString("base64") }
    }
    const data = { _tag: "AccountActivated", accountId: "acc-1", charterAccepted: true, email: "a@b.c", mobile: "0600" }
    const stored = { ...data, email: envelope("a@b.c"), mobile: envelope("0600") }
    assert.deepStrictEqual(
      PersonalDataCipher.sealedFields(stored),
      new Map([
        ["email", "acc-1"],
        ["mobile", "acc-1"],
      ]),
    )
    const keys = new Map([["acc-1", key]])
    assert.deepStrictEqual(Either.getOrThrow(PersonalDataCipher.decrypt("AccountActivated", stored, keys)), data)
    assert.deepStrictEqual(
      Either.getOrThrow(PersonalDataCipher.decryptorOwned(keys)("AccountActivated", structuredClone(stored))),
      data,
    )
    const erased = Either.getOrThrow(
      PersonalDataCipher.decrypt("AccountActivated", stored, new Map([["acc-1", SubjectKeyStore.destroyed]])),
    )
    assert.deepStrictEqual(erased, { ...data, email: PersonalData.ERASED, mobile: PersonalData.ERASED })
  })

  it("writes the marker in clear when the key is destroyed, and leaves events without personal values alone", () => {
    const data = { _tag: "AccountActivated", accountId: "acc-1", charterAccepted: true, email: "a@b.c" }
    assert.deepStrictEqual(Either.getOrThrow(cipher.encrypt("AccountActivated", data, SubjectKeyStore.destroyed)), {
      ...data,
      email: PersonalData.ERASED,
    })
    assert.deepStrictEqual(Either.getOrThrow(cipher.subjectOf("PasswordRenewed", { accountId: "acc-1" })), undefined)
  })

  it("refuses personal marks it cannot reach, and personal data without a subject", () => {
    const nested = PersonalDataCipher.plan(
      "Nested",
      Schema.TaggedStruct("Nested", {
        ownerId: Schema.String,
        contact: Schema.Struct({ phone: PersonalData.personal(Schema.String) }),
      }).annotations({ [PersonalData.DataSubjectId]: "ownerId" }),
    )
    assert.include(nested.unsupported, "not a top-level field")
    class Classy extends Schema.Class<Classy>("Classy")({ name: PersonalData.personal(Schema.String) }) {}
    assert.isDefined(PersonalDataCipher.plan("Classy", Classy).unsupported)
    const orphan = PersonalDataCipher.plan(
      "Orphan",
      Schema.TaggedStruct("Orphan", { name: PersonalData.personal(Schema.String) }),
    )
    assert.include(orphan.unsupported, "no DataSubjectId")
  })

  it("follows a renamed encoded key", () => {
    const Renamed = Schema.Struct({
      _tag: Schema.Literal("Renamed"),
      ownerId: Schema.String,
      name: PersonalData.personal(Schema.String).pipe(Schema.propertySignature, Schema.fromKey("full_name")),
    }).annotations({ [PersonalData.DataSubjectId]: "ownerId" })
    const plan = PersonalDataCipher.plan("Renamed", Renamed)
    assert.deepStrictEqual(plan.fields, ["full_name"])
    assert.isUndefined(plan.unsupported)
  })

  it("never prints a key", () => {
    const bytes = SubjectKeyStore.generateKey()
    const state = SubjectKeyStore.active(bytes)
    const printed = [String(state._tag === "Active" ? state.key : ""), Inspectable.format(state), JSON.stringify(state)]
    for (const text of printed) {
      assert.notInclude(text, Buffer.from(bytes).toString("base64"))
      assert.notInclude(text, Buffer.from(bytes).toString("hex"))
      assert.notInclude(text, `${String(bytes[0])},${String(bytes[1])}`)
    }
    assert.include(printed[0], "<redacted>")
  })
})

describe("EventStore with personal data", () => {
  const Unsupported = Schema.TaggedStruct("Unsupported", {
    ownerId: Schema.String,
    contact: Schema.Struct({ phone: PersonalData.personal(Schema.String) }),
  }).annotations({ [PersonalData.DataSubjectId]: "ownerId" })
  const Orphan = Schema.TaggedStruct("Orphan", { name: PersonalData.personal(Schema.String) })
  const catalog = EventCatalog.make({ ...AccountEvents.events, Unsupported, Orphan })

  it.layer(EventStore.layerMemory(catalog))((it) => {
    it.effect("refuses to store personal data it cannot encrypt, and appends nothing", () =>
      Effect.gen(function* () {
        const store = yield* EventStore.EventStore
        const stream = StreamName.make("Thing", "t-1")
        for (const value of [
          event({ _tag: "Unsupported", ownerId: "o-1", contact: { phone: "0600000000" } }),
          event({ _tag: "Orphan", name: "Léon" }),
          event({ _tag: "AccountActivated", accountId: "", charterAccepted: true, email: "x@y.z" }),
        ]) {
          const error = yield* Effect.flip(store.append(stream, ExpectedVersion.any, [{ event: value, metadata }]))
          assert.strictEqual(error._tag, "EventStoreError")
          assert.strictEqual(error._tag === "EventStoreError" ? error.reason : undefined, "Encode")
        }
        assert.deepStrictEqual(yield* store.streamInfo(stream), { version: 0, tombstoned: false })
      }),
    )

    it.effect("an erased marker given on append is kept in clear and needs no key", () =>
      Effect.gen(function* () {
        const store = yield* EventStore.EventStore
        const stream = StreamName.make("Account", "marker-1")
        yield* store.append(stream, ExpectedVersion.noStream, [
          {
            event: event({
              _tag: "AccountActivated",
              accountId: "marker-1",
              charterAccepted: true,
              email: PersonalData.ERASED,
            }),
            metadata,
          },
        ])
        const [recorded] = yield* store.readStream(stream)
        assert.strictEqual(fieldOf(recorded, "email"), PersonalData.ERASED)
      }),
    )
  })

  it.effect("a key store failure surfaces as Unavailable, and nothing is appended", () =>
    Effect.gen(function* () {
      const failing = Layer.succeed(SubjectKeyStore.SubjectKeyStore, {
        getOrCreate: (subjectId) =>
          Effect.fail(new SubjectKeyStore.SubjectKeyStoreError({ reason: "Unavailable", message: "down", subjectId })),
        lookup: () => Effect.succeed(new Map()),
        destroy: () => Effect.void,
      })
      const driver = yield* EventStoreDriver.makeMemory
      const store = yield* EventStore.make(catalog).pipe(
        Effect.provide(Layer.merge(failing, Layer.succeed(EventStoreDriver.EventStoreDriver, driver))),
      )
      const stream = StreamName.make("Account", "down-1")
      const error = yield* Effect.flip(
        store.append(stream, ExpectedVersion.any, [
          {
            event: event({ _tag: "AccountActivated", accountId: "down-1", charterAccepted: true, email: "x@y.z" }),
            metadata,
          },
        ]),
      )
      assert.strictEqual(error._tag === "EventStoreError" ? error.reason : undefined, "Unavailable")
      assert.strictEqual((yield* driver.streamInfo(stream)).version, 0)
    }),
  )
})

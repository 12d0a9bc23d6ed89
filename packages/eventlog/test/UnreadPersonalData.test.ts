/**
 * Reads without decryption (`decrypt: false`): no key is looked up, the fields
 * that are not personal read as a decrypting read gives them, and a personal
 * field throws `PersonalDataUnread` when read, whatever its subject's key.
 */
import * as AccountEvents from "@cartable/domain/AccountEvents"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as EventStoreDriver from "@cartable/eventlog/EventStoreDriver"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import type { RecordedEvent } from "@cartable/eventlog/RecordedEvent"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as UnreadPersonalData from "@cartable/eventlog/UnreadPersonalData"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const catalog = EventCatalog.make(AccountEvents.events)

/** The memory key store, counting its lookups. */
let lookups = 0
const countingKeys = Layer.effect(
  SubjectKeyStore.SubjectKeyStore,
  Effect.map(SubjectKeyStore.makeMemory, (keys) => ({
    ...keys,
    lookup: (subjects: ReadonlyArray<string>) =>
      Effect.suspend(() => {
        lookups++
        return keys.lookup(subjects)
      }),
  })),
)
const store = EventStore.layer(catalog).pipe(Layer.provide([EventStoreDriver.layerMemory, countingKeys]))

const metadata = new EventMetadata({ occurredAt: DateTime.unsafeMake(Date.UTC(2026, 8, 1)), actor: "acc-1" })

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

const PERSONAL = ["login", "firstName", "lastName", "activationCode"] as const

/** The fields of an event that are not personal, read. */
const clearPart = (recorded: RecordedEvent) => {
  const event = recorded.event as unknown as Record<string, unknown>
  return Object.fromEntries(
    Object.keys(event)
      .filter((field) => !(PERSONAL as ReadonlyArray<string>).includes(field))
      .map((field) => [field, event[field]]),
  )
}

const thrown = (read: () => unknown): unknown => {
  try {
    read()
  } catch (error) {
    return error
  }
  return undefined
}

describe("reads without decryption", () => {
  it.effect("decrypt: false looks no key up and hides every personal field, the others read as decrypted", () =>
    Effect.gen(function* () {
      const events = yield* EventStore.EventStore
      const alive = StreamName.make("Account", "unread-1")
      const erased = StreamName.make("Account", "unread-2")
      yield* events.append(alive, ExpectedVersion.noStream, [
        { event: provisioned("unread-1"), metadata },
        { event: { _tag: "AccountBlocked", accountId: "unread-1", blockedBy: "acc-1" } as never, metadata },
      ])
      yield* events.append(erased, ExpectedVersion.noStream, [{ event: provisioned("unread-2"), metadata }])
      yield* events.eraseSubject("unread-2")
      const types = new Set(["AccountProvisioned", "AccountBlocked"])
      const decrypted = yield* events.readAllOfTypes(0, 100, types)
      const before = lookups
      const unread = yield* events.readAllOfTypes(0, 100, types, { decrypt: false })
      assert.strictEqual(lookups, before, "a read without decryption looks no key up")
      assert.isAbove(before, 0, "the decrypting read looked keys up")
      assert.strictEqual(unread.events.length, 3)
      assert.strictEqual(unread.rows, decrypted.rows)
      assert.strictEqual(unread.lastPosition, decrypted.lastPosition)
      for (const [index, recorded] of unread.events.entries()) {
        const other = decrypted.events[index]!
        assert.deepStrictEqual(clearPart(recorded), clearPart(other))
        assert.deepStrictEqual(recorded.metadata, other.metadata)
        assert.deepStrictEqual(Object.keys(recorded.event), Object.keys(other.event))
      }
      // An event without personal data is the same event.
      assert.deepStrictEqual(unread.events[1]!.event, decrypted.events[1]!.event)
      // The personal fields, of a live subject as of an erased one, throw: neither a value nor ERASED.
      for (const recorded of [unread.events[0]!, unread.events[2]!]) {
        const event = recorded.event as unknown as Record<string, unknown>
        for (const field of PERSONAL) {
          assert.isTrue(UnreadPersonalData.isUnread(event, field), field)
          const error = thrown(() => event[field])
          assert.instanceOf(error, UnreadPersonalData.PersonalDataUnread)
          assert.strictEqual((error as UnreadPersonalData.PersonalDataUnread).field, field)
          assert.strictEqual((error as UnreadPersonalData.PersonalDataUnread).type, "AccountProvisioned")
        }
      }
      // The decrypting read is unchanged: values, and ERASED for the erased subject.
      assert.strictEqual(
        (decrypted.events[0]!.event as typeof AccountEvents.AccountProvisioned.Type).lastName,
        "Martin",
      )
      assert.strictEqual(
        (decrypted.events[2]!.event as typeof AccountEvents.AccountProvisioned.Type).lastName,
        "[erased]",
      )
    }).pipe(Effect.provide(store)),
  )

  it("hide copies a value it does not own and reads none of its fields", () => {
    let reads = 0
    const event = {
      _tag: "AccountProvisioned",
      accountId: "a-1",
      get lastName() {
        reads++
        return "Martin"
      },
    }
    const hidden = UnreadPersonalData.hide("AccountProvisioned", event, ["lastName", "login"])
    assert.notStrictEqual(hidden, event)
    assert.strictEqual(reads, 0)
    assert.strictEqual(event.lastName, "Martin")
    assert.instanceOf(
      thrown(() => hidden.lastName),
      UnreadPersonalData.PersonalDataUnread,
    )
    assert.isFalse(Object.hasOwn(hidden, "login"), "an absent field stays absent")
    assert.strictEqual(hidden.accountId, "a-1")
    const frozen = Object.freeze({ _tag: "AccountIdentityUpdated", firstName: "Léa", accountId: "a-2" })
    const copy = UnreadPersonalData.hide("AccountIdentityUpdated", frozen, ["firstName"], true)
    assert.notStrictEqual(copy, frozen)
    assert.strictEqual(frozen.firstName, "Léa")
    assert.isTrue(UnreadPersonalData.isUnread(copy, "firstName"))
  })
})

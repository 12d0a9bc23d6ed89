/**
 * What a stream read with personal data costs on a SQL store: one statement, its
 * subjects' keys joined to its rows (EventStoreDriver.keyedReads), where a key
 * store lookup used to follow; a subject the statement cannot match by text is
 * still looked up. Observed through the driver's spans (`spans: true`).
 */
import * as Account from "@cartable/domain/Account"
import * as Domain from "@cartable/domain/Domain"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import * as EventStore from "@cartable/eventlog/EventStore"
import type { EventStoreDriver } from "@cartable/eventlog/EventStoreDriver"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import type { SubjectKeyStore } from "@cartable/eventlog/SubjectKeyStore"
import { assert } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import { spanNames } from "./Observe.ts"

const feed = { accountId: "system:aaf", roles: [{ _tag: "System", process: "aaf" }] }
const provision = (accountId: string) => ({
  _tag: "ProvisionAccount",
  actor: feed,
  accountId,
  profile: "Student",
  origin: { _tag: "Feed", source: "AAF", externalId: `j-${accountId}` },
  structureId: "school-a",
  login: `marie.a.${accountId.length}`,
  firstName: "Marie",
  lastName: "Arnaud",
  activationCode: "3n6g8fmj",
})

/** `layer`: the adapter's driver and key store, with the driver's spans on. */
export const scenario = <E>(layer: Layer.Layer<EventStoreDriver | SubjectKeyStore, E>) =>
  Effect.gen(function* () {
    const store = yield* EventStore.make(EventCatalog.make(Domain.events))
    const handle = yield* CommandHandler.make(Account.aggregate).pipe(
      Effect.provideService(EventStore.EventStore, store),
    )
    const context = { occurredAt: DateTime.unsafeMake("2026-09-01T08:00:00Z") }
    const id = `keyed-${Math.random().toString(36).slice(2, 10)}`
    // A quote is escaped in the stored JSON: its text matches no key, so the store looks it up.
    const quoted = `quo"ted-${id}`
    yield* handle(provision(id), context)
    yield* handle(provision(quoted), context)
    const read = (accountId: string) =>
      spanNames(
        Effect.tap(store.readStream(StreamName.make("Account", accountId)), (recorded) =>
          assert.strictEqual(
            (recorded[0]?.event as unknown as { firstName?: unknown } | undefined)?.firstName,
            "Marie",
          ),
        ),
      )
    assert.deepStrictEqual(yield* read(id), ["EventStore.readStream", "SqlEventStoreDriver.readStream", "sql.execute"])
    assert.deepStrictEqual(yield* read(quoted), [
      "EventStore.readStream",
      "SqlEventStoreDriver.readStream",
      "sql.execute",
      "SqlSubjectKeyStore.lookup",
    ])
    // One stream holding both subjects: the joined key and the looked-up one are used together.
    const mixed = StreamName.make("Mixed", id)
    const metadata = new EventMetadata({ occurredAt: context.occurredAt })
    const provisioned = (accountId: string, firstName: string) =>
      ({ ...provision(accountId), _tag: "AccountProvisioned", firstName }) as unknown as Account.AccountEvent
    const { actor: _actor, ...plainEvent } = provisioned(id, "Anatolie") as unknown as Record<string, unknown>
    const { actor: _other, ...quotedEvent } = provisioned(quoted, "Bérénice") as unknown as Record<string, unknown>
    yield* store.append(mixed, ExpectedVersion.noStream, [
      { event: plainEvent as unknown as Account.AccountEvent, metadata },
      { event: quotedEvent as unknown as Account.AccountEvent, metadata },
    ])
    const both = yield* store.readStream(mixed)
    assert.deepStrictEqual(
      both.map((recorded) => (recorded.event as unknown as { firstName?: unknown }).firstName),
      ["Anatolie", "Bérénice"],
    )
  }).pipe(Effect.provide(layer))

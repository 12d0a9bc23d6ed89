import * as Account from "@cartable/domain/Account"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import { ConcurrencyConflict } from "@cartable/eventlog/EventStoreError"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"

const catalog = EventCatalog.make(Account.events)
const context = { occurredAt: DateTime.unsafeMake("2026-09-01T08:00:00Z"), correlationId: "start-of-year" }
const feed = { accountId: "system:aaf", roles: [{ _tag: "System", process: "aaf" }] }
const provision = (accountId: string) => ({
  _tag: "ProvisionAccount",
  actor: feed,
  accountId,
  profile: "Student",
  origin: { _tag: "Feed", source: "AAF", externalId: `j-${accountId}` },
  structureId: "school-a",
  login: "marie.a",
  firstName: "Marie",
  lastName: "Arnaud",
  activationCode: "3n6g8fmj",
})

describe("CommandHandler", () => {
  it.effect("appends what decide produced, with the metadata of the context", () =>
    Effect.gen(function* () {
      const handle = yield* CommandHandler.makeDecoding(Account.aggregate, Account.AccountCommand)
      const store = yield* EventStore.EventStore
      const handled = yield* handle(provision("acc-1"), context)
      assert.strictEqual(handled.streamVersion, 1)
      const [recorded] = yield* store.readStream(StreamName.make("Account", "acc-1"))
      assert.strictEqual(recorded?.type, "AccountProvisioned")
      assert.strictEqual(recorded?.metadata.actor, "system:aaf")
      assert.strictEqual(recorded?.metadata.correlationId, "start-of-year")
      assert.ok(recorded && DateTime.Equivalence(recorded.metadata.occurredAt, context.occurredAt))
    }).pipe(Effect.provide(EventStore.layerMemory(catalog))),
  )

  it.effect("input that does not decode names every bad field and leaves the store unchanged", () =>
    Effect.gen(function* () {
      const handle = yield* CommandHandler.makeDecoding(Account.aggregate, Account.AccountCommand)
      const store = yield* EventStore.EventStore
      const error = yield* Effect.flip(
        handle({ ...provision("acc-2"), login: "Marie A", activationCode: "0000" }, context),
      )
      assert.strictEqual(error._tag, "InvalidCommand")
      const paths = error._tag === "InvalidCommand" ? error.fields.map((field) => field.path) : []
      assert.includeMembers(paths, ["login", "activationCode"])
      assert.include(error.message, "login")
      assert.deepStrictEqual(yield* store.readAll(0, 100), [])
    }).pipe(Effect.provide(EventStore.layerMemory(catalog))),
  )

  it.effect("a rejected command appends nothing and returns the rule", () =>
    Effect.gen(function* () {
      const handle = yield* CommandHandler.makeDecoding(Account.aggregate, Account.AccountCommand)
      const store = yield* EventStore.EventStore
      const error = yield* Effect.flip(handle({ ...provision("acc-3"), origin: { _tag: "Manual" } }, context))
      assert.ok(error instanceof Account.AccountRejected)
      assert.strictEqual(error.ruleId, "BR-ACC-1")
      assert.deepStrictEqual(yield* store.readAll(0, 100), [])
    }).pipe(Effect.provide(EventStore.layerMemory(catalog))),
  )

  it.effect("on a concurrency conflict it reloads and decides again", () =>
    Effect.gen(function* () {
      const store = yield* EventStore.EventStore
      const streamName = StreamName.make("Account", "acc-4")
      // A store whose first append loses a race: another writer appends the same provisioning first.
      let raced = false
      const racing: EventStore.EventStore.Service = {
        ...store,
        append: (name, expected, events) =>
          raced
            ? store.append(name, expected, events)
            : Effect.zipRight(
                Effect.sync(() => {
                  raced = true
                }),
                Effect.zipRight(
                  store.append(name, ExpectedVersion.noStream, events),
                  store.append(name, expected, events),
                ),
              ),
      }
      const handle = yield* CommandHandler.make(Account.aggregate).pipe(
        Effect.provideService(EventStore.EventStore, racing),
      )
      const command = yield* CommandHandler.decodeCommand(Account.AccountCommand)(provision("acc-4"))
      const outcome = yield* Effect.either(handle(command, context))
      // The retry sees the account the other writer provisioned: the same feed person again is a
      // re-import with nothing to change (BR-ACC-8), so nothing more is recorded.
      assert.ok(Either.isRight(outcome) && outcome.right.events.length === 0)
      assert.strictEqual((yield* store.streamInfo(streamName)).version, 1)
    }).pipe(Effect.provide(EventStore.layerMemory(catalog))),
  )

  it.effect("gives up with the conflict after maxAttempts", () =>
    Effect.gen(function* () {
      const store = yield* EventStore.EventStore
      let attempts = 0
      const alwaysBehind: EventStore.EventStore.Service = {
        ...store,
        append: (name) =>
          Effect.suspend(() => {
            attempts++
            return Effect.fail(new ConcurrencyConflict({ streamName: name, expected: "no stream", actual: 1 }))
          }),
      }
      const handle = yield* CommandHandler.make(Account.aggregate, { maxAttempts: 3 }).pipe(
        Effect.provideService(EventStore.EventStore, alwaysBehind),
      )
      const command = yield* CommandHandler.decodeCommand(Account.AccountCommand)(provision("acc-5"))
      const error = yield* Effect.flip(handle(command, context))
      assert.strictEqual(error._tag, "ConcurrencyConflict")
      assert.strictEqual(attempts, 3)
      assert.deepStrictEqual(yield* store.readAll(0, 100), [])
    }).pipe(Effect.provide(EventStore.layerMemory(catalog))),
  )
})

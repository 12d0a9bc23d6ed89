/**
 * A burst of concurrent commands on one stream goes through the command handler's
 * default retry on every store: the conflicts of optimistic concurrency are
 * absorbed by the jittered backoff, none reaches the caller, nothing is lost.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Account from "@cartable/domain/Account"
import * as Domain from "@cartable/domain/Domain"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import { describeWithServer, layerWithDatabase } from "../adapters/store-postgres/test/TestDatabase.ts"

const catalog = EventCatalog.make(Domain.events)
const feed = { accountId: "system:aaf", roles: [{ _tag: "System", process: "aaf" }] }
const context = { occurredAt: DateTime.unsafeMake("2026-09-01T08:00:00Z") }
const BURST = 50

const burst = (layer: Layer.Layer<EventStore.EventStore, unknown>) =>
  // Live clock: the retry Schedule sleeps between attempts.
  it.live(`${BURST} concurrent commands on one stream all go through with the default retry`, () =>
    Effect.gen(function* () {
      const handle = yield* CommandHandler.make(Account.aggregate)
      yield* handle(
        {
          _tag: "ProvisionAccount",
          actor: feed,
          accountId: "burst-1",
          profile: "Student",
          origin: { _tag: "Feed", source: "AAF", externalId: "j-burst-1" },
          structureId: "0571994H",
          login: "lea.martin",
          firstName: "Léa",
          lastName: "Martin",
          activationCode: "3n6g8fmj",
        },
        context,
      )
      const outcomes = yield* Effect.forEach(
        Array.from({ length: BURST }, (_, n) => n),
        (n) =>
          Effect.exit(
            handle(
              {
                _tag: "LinkExternalIdentity",
                actor: feed,
                accountId: "burst-1",
                provider: `provider-${n}`,
                subject: `subject-${n}`,
              },
              context,
            ),
          ),
        { concurrency: "unbounded" },
      )
      assert.deepStrictEqual(outcomes.filter(Exit.isFailure), [])
      const { state, version } = yield* CommandHandler.load(Account.aggregate, "burst-1")
      assert.strictEqual(version, 1 + BURST)
      assert.strictEqual(state._tag === "Account" ? state.externalIdentities.length : 0, BURST)
    }).pipe(Effect.provide(layer)),
  )

describe("contention: in memory", () => burst(EventStore.layerMemory(catalog)))

describe("contention: SQLite file", () => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-contention-"))
  burst(SqliteEventStore.layer({ filename: Path.join(dir, "burst.db"), catalog }))
})

describeWithServer("contention: PostgreSQL", (server) =>
  burst(layerWithDatabase(server, (url) => PostgresEventStore.layer({ url, catalog }))),
)

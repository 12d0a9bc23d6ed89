/**
 * Upgrade of a store written by the previous version (migrations 0001 to 0003,
 * appends under one advisory lock) to parallel appends (migration 0004): every
 * event reads back in order, and the streams go on from their heads.
 */
import { EventStoreDriver } from "@cartable/eventlog/EventStoreDriver"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Previous from "./PreviousSchema.ts"
import { database, describeWithServer } from "./TestDatabase.ts"

const noted = (id: string) => ({ type: "Noted", data: JSON.stringify({ _tag: "Noted", id, text: `note ${id}` }) })

describeWithServer("PostgreSQL: upgrade to parallel appends", (server) => {
  it.live("a log of the previous schema migrates in place and reads back whole, in order", () =>
    Effect.gen(function* () {
      const url = yield* database(server)
      const streams = ["Account-a", "Account-b", "Account-c"]
      // Interleaved appends of one and three events, then a tombstone on the last stream.
      const written = yield* Effect.gen(function* () {
        yield* Previous.migrate
        const versions = [0, 0, 0]
        for (let i = 0; i < 12; i++) {
          const s = i % 3
          const events = i % 2 === 0 ? [noted(`e${i}`)] : [noted(`e${i}a`), noted(`e${i}b`), noted(`e${i}c`)]
          yield* Previous.append(streams[s]!, versions[s]!, events)
          versions[s]! += events.length
        }
        yield* Previous.append(streams[2]!, null, [{ type: "$tombstone", data: "{}" }])
        const sql = yield* SqlClient.SqlClient
        return yield* sql<{ readonly position: string; readonly stream_name: string; readonly stream_version: number }>`
          SELECT position, stream_name, stream_version FROM cartable_events
          WHERE type <> '$tombstone' ORDER BY position`
      }).pipe(Effect.provide(Previous.client(url)))
      assert.strictEqual(written.length, 24)

      yield* Effect.gen(function* () {
        const driver = yield* EventStoreDriver
        const sql = yield* SqlClient.SqlClient
        const migrations = yield* sql<{ readonly migration_id: number }>`
          SELECT migration_id FROM cartable_migrations ORDER BY migration_id`
        assert.deepStrictEqual(
          migrations.map((m) => m.migration_id),
          [1, 2, 3, 4],
        )
        const all = yield* driver.readAll(0, 1_000)
        assert.deepStrictEqual(
          all.map((r) => [r.position, r.streamName, r.streamVersion]),
          written.map((r) => [Number(r.position), r.stream_name, r.stream_version]),
        )
        assert.deepStrictEqual(
          all.filter((r) => r.streamName === "Account-a").map((r) => JSON.parse(r.data).id),
          ["e0", "e3a", "e3b", "e3c", "e6", "e9a", "e9b", "e9c"],
        )
        // The streams go on from their heads, above every old position; the tombstone holds.
        const a = StreamName.make("Account", "a")
        const stale = yield* Effect.flip(
          driver.append(a, ExpectedVersion.exact(7), [{ ...noted("x"), schemaVersion: 1, metadata: "{}" }]),
        )
        assert.strictEqual(stale._tag, "ConcurrencyConflict")
        const next = yield* driver.append(a, ExpectedVersion.exact(8), [
          { ...noted("new"), schemaVersion: 1, metadata: "{}" },
        ])
        assert.strictEqual(next.streamVersion, 9)
        assert.isAbove(next.lastPosition, Number(written[written.length - 1]!.position))
        const tombstoned = yield* Effect.flip(driver.readStream(StreamName.make("Account", "c"), 0))
        assert.strictEqual(
          tombstoned._tag === "EventStoreError" ? tombstoned.reason : tombstoned._tag,
          "StreamTombstoned",
        )
        assert.deepStrictEqual(
          (yield* driver.readAll(0, 1_000)).map((r) => r.position),
          [...written.map((r) => Number(r.position)), next.lastPosition],
        )
        // The previous version's functions are gone: an old process fails to append rather than append unordered.
        const old = yield* Effect.flip(Previous.append("Account-b", null, [noted("old")]))
        assert.match(String(old.cause), /function cartable_append_one\(bigint/)
      }).pipe(Effect.provide(PostgresEventStore.layerDriver({ url })))
    }).pipe(Effect.scoped),
  )
})

import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import * as EventStore from "@cartable/eventlog/EventStore"
import { EventStoreDriver } from "@cartable/eventlog/EventStoreDriver"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as EventStoreConformance from "@cartable/testing/EventStoreConformance"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, layer } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as KeyedReads from "../../store-sql/test/KeyedReads.ts"
import { driverPath } from "../../store-sql/test/Observe.ts"
import { describeWithServer, layerWithDatabase } from "./TestDatabase.ts"

const event = { type: "Noted", schemaVersion: 1, data: '{"_tag":"Noted","id":"1","text":"x"}', metadata: "{}" }

describeWithServer("PostgreSQL event store", (server) => {
  EventStoreConformance.suite(
    "PostgreSQL",
    layerWithDatabase(server, (url) => PostgresEventStore.layerDriver({ url })),
  )

  // The instrumented path, with plain (unprepared) statements: the same laws hold on it.
  EventStoreConformance.suite(
    "PostgreSQL, spans on, no prepared statements",
    layerWithDatabase(server, (url) => PostgresEventStore.layerDriver({ url, spans: true, preparedStatements: false })),
  )

  const tenantOf = (stream: StreamName.StreamName) => stream.split("-")[1] ?? ""
  layer(
    layerWithDatabase(server, (url) => PostgresEventStore.layerDriver({ url, tenantOf })),
    { excludeTestServices: true },
  )("PostgresEventStore", (it) => {
    it.effect("stores the tenant that tenantOf derives, in the column a distribution would use", () =>
      Effect.gen(function* () {
        const driver = yield* EventStoreDriver
        const sql = yield* SqlClient.SqlClient
        const a = StreamName.make("Account", "school0751234A-42")
        const b = StreamName.make("Account", "school0931234B-42")
        yield* driver.append(a, ExpectedVersion.noStream, [event])
        yield* driver.append(b, ExpectedVersion.noStream, [event, event])
        assert.deepStrictEqual(yield* driver.streamInfo(a), { version: 1, tombstoned: false })
        assert.deepStrictEqual(yield* driver.streamInfo(b), { version: 2, tombstoned: false })
        const rows = yield* sql<{ readonly tenant: string; readonly n: string }>`
          SELECT tenant, count(*) AS n FROM cartable_events WHERE stream_name IN (${a}, ${b})
          GROUP BY tenant ORDER BY tenant`
        assert.deepStrictEqual(
          rows.map((r) => [r.tenant, Number(r.n)]),
          [
            ["school0751234A", 1],
            ["school0931234B", 2],
          ],
        )
      }),
    )

    it.effect("layer({ url, catalog }) is the typed EventStore on the server, its keys in the same database", () =>
      Effect.gen(function* () {
        const stream = StreamName.make("Short", "1")
        const metadata = new EventMetadata({
          occurredAt: DateTime.unsafeMake("2025-09-01T08:00:00Z"),
          actor: "t",
          correlationId: "c",
        })
        const noted = { _tag: "Noted", id: "n1", text: "short path" }
        const [read, keys] = yield* Effect.gen(function* () {
          const store = yield* EventStore.EventStore
          const sql = yield* SqlClient.SqlClient
          yield* store.append(stream, ExpectedVersion.noStream, [{ event: noted, metadata }])
          yield* store.eraseSubject("subject-1")
          const keys = yield* sql<{ readonly n: string }>`SELECT count(*) AS n FROM cartable_subject_keys
            WHERE subject_id = 'subject-1' AND key IS NULL`
          return [(yield* store.readStream(stream)).map((r) => r.event), Number(keys[0]?.n)] as const
        }).pipe(
          Effect.provide(
            layerWithDatabase(server, (url) =>
              PostgresEventStore.layer({ url, catalog: EventStoreConformance.catalog }),
            ),
          ),
        )
        assert.deepStrictEqual(read, [noted])
        assert.strictEqual(keys, 1)
      }),
    )

    it.effect("a stream read with personal data is one statement, its subjects' keys joined to its rows", () =>
      KeyedReads.scenario(layerWithDatabase(server, (url) => PostgresEventStore.layerDriver({ url, spans: true }))),
    )

    it.effect("prepares its statements and runs them on the client's connection acquirer (docs/performance.md)", () =>
      Effect.gen(function* () {
        const fast = yield* driverPath(layerWithDatabase(server, (url) => PostgresEventStore.layerDriver({ url })))
        assert.deepStrictEqual(fast, { statements: "acquirer", prepared: true, spans: false })
        const plain = yield* driverPath(
          layerWithDatabase(server, (url) => PostgresEventStore.layerDriver({ url, preparedStatements: false })),
        )
        assert.deepStrictEqual(plain, { statements: "acquirer", prepared: false, spans: false })
      }),
    )

    it.effect("appends get through on new connections when the server ends the pool's", () =>
      Effect.gen(function* () {
        const driver = yield* EventStoreDriver
        const sql = yield* SqlClient.SqlClient
        const stream = StreamName.make("Account", "held-1")
        yield* driver.append(stream, ExpectedVersion.noStream, [event])
        // Ends every other connection of this database: the pool's idle ones.
        yield* sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()`
        yield* Effect.sleep("200 millis")
        const second = yield* driver.append(stream, ExpectedVersion.exact(1), [event])
        assert.strictEqual(second.streamVersion, 2)
        assert.strictEqual((yield* driver.readStream(stream, 0)).length, 2)
      }),
    )

    it.effect("a pool of one connection: appends, conflicts and reads all get through", () =>
      Effect.gen(function* () {
        const driver = yield* EventStoreDriver
        const stream = StreamName.make("Account", "pool-of-one")
        yield* driver.append(stream, ExpectedVersion.noStream, [event])
        const conflict = yield* Effect.flip(driver.append(stream, ExpectedVersion.noStream, [event]))
        assert.strictEqual(conflict._tag, "ConcurrencyConflict")
        assert.strictEqual((yield* driver.readStream(stream, 0)).length, 1)
      }).pipe(
        Effect.provide(layerWithDatabase(server, (url) => PostgresEventStore.layerDriver({ url, maxConnections: 1 }))),
        Effect.timeout("10 seconds"),
      ),
    )

    it.effect("a concurrency conflict is one refused INSERT: a lost race leaves no trace but a sequence gap", () =>
      Effect.gen(function* () {
        const driver = yield* EventStoreDriver
        const stream = StreamName.make("Account", "gap-1")
        const first = yield* driver.append(stream, ExpectedVersion.noStream, [event])
        yield* Effect.flip(driver.append(stream, ExpectedVersion.noStream, [event]))
        const second = yield* driver.append(stream, ExpectedVersion.exact(1), [event])
        assert.isAbove(second.lastPosition, first.lastPosition)
        assert.strictEqual(second.streamVersion, 2)
      }),
    )
  })
})

import { EventStoreDriver } from "@cartable/eventlog/EventStoreDriver"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as EventStoreConformance from "@cartable/testing/EventStoreConformance"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { describeWithServer, layerWithDatabase } from "./TestDatabase.ts"

const event = { type: "Noted", schemaVersion: 1, data: '{"_tag":"Noted","id":"1","text":"x"}', metadata: "{}" }

describeWithServer("PostgreSQL event store", (server) => {
  EventStoreConformance.suite(
    "PostgreSQL",
    layerWithDatabase(server, (url) => PostgresEventStore.layer({ url })),
  )

  const tenantOf = (stream: StreamName.StreamName) => stream.split("-")[1] ?? ""
  layer(
    layerWithDatabase(server, (url) => PostgresEventStore.layer({ url, tenantOf })),
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

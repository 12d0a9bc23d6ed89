/**
 * Cold start and upgrade across real processes (issue 10, section 3): several
 * processes open one PostgreSQL database at the same moment, fresh or needing a
 * migration; every one must open and then work.
 */
import * as Path from "node:path"
import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as ColdStart from "../../store-sql/test/ColdStart.ts"
import { type Outcome, runTogether } from "../../store-sql/test/Processes.ts"
import * as Previous from "./PreviousSchema.ts"
import { database, describeWithServer } from "./TestDatabase.ts"

const PROCESSES = 6
const worker = Path.join(import.meta.dirname, "fixtures", "coldStartWorker.ts")

const assertAllWorked = (outcomes: ReadonlyArray<Outcome>) => {
  for (const [i, outcome] of outcomes.entries()) {
    assert.strictEqual(
      outcome.code,
      0,
      `process ${i}: ${outcome.stdout.slice(0, 2_000)}${outcome.stderr.slice(0, 2_000)}`,
    )
    const report = JSON.parse(outcome.stdout.trim()) as ColdStart.Report
    assert.deepStrictEqual(report, { version: 1, rows: 1, key: "Active/Active" }, `process ${i}`)
  }
}

const inspect = (url: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const migrations = yield* sql<{ readonly migration_id: number }>`
      SELECT migration_id FROM cartable_migrations ORDER BY migration_id`
    const streams = yield* sql<{ readonly n: string }>`
      SELECT count(DISTINCT stream_name) AS n FROM cartable_events WHERE stream_name LIKE 'Cold-%'`
    return { migrations: migrations.map((m) => m.migration_id), streams: Number(streams[0]?.n) }
  }).pipe(Effect.provide(PostgresEventStore.layerDriver({ url })))

const together = (url: string, label: string) =>
  Effect.promise(() =>
    runTogether(
      worker,
      Array.from({ length: PROCESSES }, (_, i) => [url, `${label}${i}`]),
    ),
  )

describeWithServer("PostgreSQL: processes opening one database together", (server) => {
  it.live(
    `${PROCESSES} processes open a fresh database at the same moment: every one migrates or waits, then works`,
    () =>
      Effect.gen(function* () {
        const url = yield* database(server)
        assertAllWorked(yield* together(url, "fresh"))
        assert.deepStrictEqual(yield* inspect(url), { migrations: [1, 2, 3, 4], streams: PROCESSES })
      }).pipe(Effect.scoped),
    120_000,
  )

  it.live(
    `${PROCESSES} processes open a database that needs a new migration at the same moment: one runs it, all work`,
    () =>
      Effect.gen(function* () {
        const url = yield* database(server)
        // A database as the previous version left it (appends under one lock), with events in it.
        yield* Effect.gen(function* () {
          yield* Previous.migrate
          yield* Previous.append("Old-1", 0, [{ type: "Noted", data: "{}" }])
        }).pipe(Effect.provide(Previous.client(url)))
        assertAllWorked(yield* together(url, "upgrade"))
        assert.deepStrictEqual(yield* inspect(url), { migrations: [1, 2, 3, 4], streams: PROCESSES })
      }).pipe(Effect.scoped),
    120_000,
  )
})

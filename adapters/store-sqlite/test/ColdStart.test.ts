/**
 * Cold start and upgrade across real processes (issue 10, section 3): several
 * processes open one SQLite file at the same moment, fresh or needing a migration;
 * every one must open and then work.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as SqlEventStoreDriver from "@cartable/store-sql/SqlEventStoreDriver"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import * as SqlClient from "@effect/sql/SqlClient"
import { afterAll, assert, describe, it } from "@effect/vitest"
import Database from "better-sqlite3"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as ColdStart from "../../store-sql/test/ColdStart.ts"
import { type Outcome, runTogether } from "../../store-sql/test/Processes.ts"

const PROCESSES = 6
const worker = Path.join(import.meta.dirname, "fixtures", "coldStartWorker.ts")
const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-cold-"))
afterAll(() => Fs.rmSync(directory, { recursive: true, force: true }))

const assertAllWorked = (outcomes: ReadonlyArray<Outcome>) => {
  for (const [i, outcome] of outcomes.entries()) {
    assert.strictEqual(outcome.code, 0, `process ${i}: ${outcome.stdout}${outcome.stderr}`)
    const report = JSON.parse(outcome.stdout.trim()) as ColdStart.Report
    assert.deepStrictEqual(report, { version: 1, rows: 1, key: "Active/Active" }, `process ${i}`)
  }
}

/** The migrations recorded in the file and the events written, read by this process once the workers are done. */
const inspect = (filename: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const migrations = yield* sql<{ readonly migration_id: number }>`
      SELECT migration_id FROM cartable_migrations ORDER BY migration_id`
    const streams = yield* sql<{ readonly n: number }>`
      SELECT count(DISTINCT stream_name) AS n FROM cartable_events WHERE stream_name LIKE 'Cold-%'`
    return { migrations: migrations.map((m) => m.migration_id), streams: streams[0]?.n }
  }).pipe(Effect.provide(SqliteEventStore.layerDriver({ filename })))

describe("SQLite: processes opening one file together", () => {
  it.live(
    "a file another connection holds past SQLite's busy timeout (5 s): the store opens once it is free",
    () =>
      Effect.gen(function* () {
        const filename = Path.join(directory, "held.db")
        const holder = new Database(filename)
        holder.exec("BEGIN EXCLUSIVE")
        const release = setTimeout(() => {
          holder.exec("COMMIT")
          holder.close()
        }, 6_000)
        const opened = yield* Effect.scoped(
          Effect.flatMap(Layer.build(SqliteEventStore.layerClient({ filename })), (context) =>
            Effect.map(
              Effect.provide(SqlClient.SqlClient, context).pipe(Effect.flatMap((sql) => sql`PRAGMA journal_mode`)),
              (rows) => rows,
            ),
          ),
        ).pipe(Effect.ensuring(Effect.sync(() => clearTimeout(release))))
        assert.deepStrictEqual(opened, [{ journal_mode: "wal" }])
      }),
    30_000,
  )

  it.live(
    `${PROCESSES} processes open a fresh file at the same moment: every one migrates or waits, then works`,
    () =>
      Effect.gen(function* () {
        const filename = Path.join(directory, "fresh.db")
        const outcomes = yield* Effect.promise(() =>
          runTogether(
            worker,
            Array.from({ length: PROCESSES }, (_, i) => [filename, `fresh${i}`]),
          ),
        )
        assertAllWorked(outcomes)
        assert.deepStrictEqual(yield* inspect(filename), { migrations: [1, 2, 3, 4], streams: PROCESSES })
      }),
    120_000,
  )

  it.live(
    `${PROCESSES} processes open a file that needs a new migration at the same moment: one runs it, all work`,
    () =>
      Effect.gen(function* () {
        const filename = Path.join(directory, "upgrade.db")
        // A file as an older version left it: the log, without the key table and its migration.
        yield* Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          yield* sql`DELETE FROM cartable_migrations WHERE migration_id >= 2`
          yield* sql`DROP TABLE cartable_subject_keys`
        }).pipe(Effect.provide(SqliteEventStore.layerDriver({ filename })))
        const outcomes = yield* Effect.promise(() =>
          runTogether(
            worker,
            Array.from({ length: PROCESSES }, (_, i) => [filename, `upgrade${i}`]),
          ),
        )
        assertAllWorked(outcomes)
        assert.deepStrictEqual(yield* inspect(filename), { migrations: [1, 2, 3, 4], streams: PROCESSES })
      }),
    120_000,
  )

  it.live(
    `${PROCESSES} processes open a file while another process is migrating it: they wait for it, then work`,
    () =>
      Effect.gen(function* () {
        const filename = Path.join(directory, "midway.db")
        // This process plays one that is migrating: migration 1 recorded and its table being
        // created, in a write transaction it commits a moment after the workers were released.
        const go = yield* Deferred.make<void>()
        const migrating = Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          yield* sql`CREATE TABLE cartable_migrations (migration_id integer PRIMARY KEY NOT NULL,
            created_at datetime NOT NULL DEFAULT current_timestamp, name VARCHAR(255) NOT NULL)`
          const conn = yield* sql.reserve
          yield* conn.executeUnprepared("BEGIN IMMEDIATE", [], undefined)
          yield* conn.executeUnprepared(
            "INSERT INTO cartable_migrations (migration_id, name) VALUES (1, 'create_events')",
            [],
            undefined,
          )
          yield* Deferred.await(go)
          yield* Effect.sleep("1500 millis")
          yield* conn.executeUnprepared(SqlEventStoreDriver.eventsTableDdl("sqlite"), [], undefined)
          yield* conn.executeUnprepared("COMMIT", [], undefined)
        }).pipe(Effect.scoped, Effect.provide(SqliteEventStore.layerClient({ filename })))
        const workers = Effect.promise(() =>
          runTogether(
            worker,
            Array.from({ length: PROCESSES }, (_, i) => [filename, `midway${i}`]),
            { onGo: () => Deferred.unsafeDone(go, Effect.void) },
          ),
        )
        const [, outcomes] = yield* Effect.all([migrating, workers], { concurrency: 2 })
        assertAllWorked(outcomes)
        assert.deepStrictEqual(yield* inspect(filename), { migrations: [1, 2, 3, 4], streams: PROCESSES })
      }),
    120_000,
  )
})

import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import * as EventStore from "@cartable/eventlog/EventStore"
import { EventStoreDriver } from "@cartable/eventlog/EventStoreDriver"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import * as EventStoreConformance from "@cartable/testing/EventStoreConformance"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as KeyedReads from "../../store-sql/test/KeyedReads.ts"
import { driverPath, spanNames } from "../../store-sql/test/Observe.ts"

/** A fresh directory, removed with the layer. */
const tempDir = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-sqlite-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true })),
)

const fileStore = Layer.unwrapScoped(
  Effect.map(tempDir, (dir) => SqliteEventStore.layerDriver({ filename: Path.join(dir, "events.db") })),
)

EventStoreConformance.suite("SQLite file (WAL)", fileStore)
EventStoreConformance.suite("SQLite :memory:", SqliteEventStore.layerDriver({ filename: ":memory:" }), { numRuns: 5 })
// The instrumented path (Statement API, spans) is another way to the database: the same laws hold on it.
EventStoreConformance.suite(
  "SQLite :memory:, spans on",
  SqliteEventStore.layerDriver({ filename: ":memory:", spans: true }),
  {
    numRuns: 5,
  },
)

const event = { type: "Noted", schemaVersion: 1, data: '{"_tag":"Noted","id":"1","text":"x"}', metadata: "{}" }

describe("SqliteEventStore", () => {
  it.scoped("layer({ filename, catalog }) is the typed EventStore on the file, its keys in the same database", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const filename = Path.join(dir, "short.db")
      const stream = StreamName.make("Short", "1")
      const metadata = new EventMetadata({
        occurredAt: DateTime.unsafeMake("2025-09-01T08:00:00Z"),
        actor: "t",
        correlationId: "c",
      })
      const noted = { _tag: "Noted", id: "n1", text: "short path" }
      const read = yield* Effect.gen(function* () {
        const store = yield* EventStore.EventStore
        yield* store.append(stream, ExpectedVersion.noStream, [{ event: noted, metadata }])
        yield* store.eraseSubject("subject-1")
        return (yield* store.readStream(stream)).map((r) => r.event)
      }).pipe(Effect.provide(SqliteEventStore.layer({ filename, catalog: EventStoreConformance.catalog })))
      assert.deepStrictEqual(read, [noted])
      // Reopened as the driver alone: the event and the destroyed key are in the file.
      const [rows, keys] = yield* Effect.gen(function* () {
        const driver = yield* EventStoreDriver
        const sql = yield* SqlClient.SqlClient
        const keys = yield* sql<{ readonly n: number }>`SELECT count(*) AS n FROM cartable_subject_keys
          WHERE subject_id = 'subject-1' AND key IS NULL`
        return [yield* driver.readStream(stream, 0), keys[0]?.n] as const
      }).pipe(Effect.provide(SqliteEventStore.layerDriver({ filename })))
      assert.strictEqual(rows.length, 1)
      assert.strictEqual(keys, 1)
    }),
  )

  it.scoped(
    "opens a file in WAL mode with synchronous = NORMAL and a page cache of cacheMiB (better-sqlite3's 16,000 KiB by default)",
    () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const pragmas = Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const [journal] = yield* sql<{ journal_mode: string }>`PRAGMA journal_mode`
          const [sync] = yield* sql<{ synchronous: number }>`PRAGMA synchronous`
          const [cache] = yield* sql<{ cache_size: number }>`PRAGMA cache_size`
          return [journal?.journal_mode, sync?.synchronous, cache?.cache_size]
        })
        const found = yield* pragmas.pipe(
          Effect.provide(SqliteEventStore.layerDriver({ filename: Path.join(dir, "pragmas.db") })),
        )
        assert.deepStrictEqual(found, ["wal", 1, -16000])
        const small = yield* pragmas.pipe(
          Effect.provide(SqliteEventStore.layerDriver({ filename: Path.join(dir, "pragmas.db"), cacheMiB: 8 })),
        )
        assert.deepStrictEqual(small, ["wal", 1, -8 * 1024])
      }),
  )

  it.effect("a page cache that is no size in MiB fails with InvalidArgument, nothing opened", () =>
    Effect.gen(function* () {
      for (const cacheMiB of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
        const error = yield* Effect.flip(
          Effect.provide(EventStoreDriver, SqliteEventStore.layerDriver({ filename: ":memory:", cacheMiB })),
        )
        assert.strictEqual(error._tag, "EventStoreError")
        assert.strictEqual(error._tag === "EventStoreError" && error.reason, "InvalidArgument")
      }
    }),
  )

  it.scoped("keeps its events across reopenings, migrating once", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const store = SqliteEventStore.layerDriver({ filename: Path.join(dir, "reopen.db") })
      const stream = StreamName.make("Reopen", "1")
      const first = yield* Effect.flatMap(EventStoreDriver, (driver) =>
        driver.append(stream, ExpectedVersion.noStream, [event, event]),
      ).pipe(Effect.provide(store))
      const [version, migrations] = yield* Effect.gen(function* () {
        const driver = yield* EventStoreDriver
        const sql = yield* SqlClient.SqlClient
        yield* driver.append(stream, ExpectedVersion.exact(2), [event])
        const info = yield* driver.streamInfo(stream)
        const rows = yield* sql<{ readonly n: number }>`SELECT count(*) AS n FROM cartable_migrations`
        return [info.version, rows[0]?.n] as const
      }).pipe(Effect.provide(store))
      assert.strictEqual(first.streamVersion, 2)
      assert.strictEqual(version, 3)
      assert.isAtLeast(migrations ?? 0, 1)
    }),
  )

  it.effect("runs its statements on the client's connection acquirer (the fast path of docs/performance.md)", () =>
    Effect.gen(function* () {
      const found = yield* driverPath(SqliteEventStore.layerDriver({ filename: ":memory:" }))
      assert.deepStrictEqual(found, { statements: "acquirer", prepared: false, spans: false })
      const instrumented = yield* driverPath(SqliteEventStore.layerDriver({ filename: ":memory:", spans: true }))
      assert.deepStrictEqual(instrumented, { statements: "statement", prepared: false, spans: true })
    }),
  )

  it.effect("spans: none of its own by default; with spans, one per operation and @effect/sql's per statement", () =>
    Effect.gen(function* () {
      const stream = StreamName.make("Spans", "1")
      // Only the operations are observed, not the layer's migrations.
      const spansOf = (options: Partial<SqliteEventStore.Options>) =>
        Effect.gen(function* () {
          const driver = yield* EventStoreDriver
          return yield* spanNames(
            Effect.zipRight(driver.append(stream, ExpectedVersion.noStream, [event]), driver.readStream(stream, 0)),
          )
        }).pipe(Effect.provide(SqliteEventStore.layerDriver({ filename: ":memory:", ...options })))
      assert.deepStrictEqual(yield* spansOf({}), [])
      assert.deepStrictEqual(yield* spansOf({ spans: true }), [
        "SqlEventStoreDriver.append",
        "sql.execute",
        "SqlEventStoreDriver.readStream",
        "sql.execute",
      ])
    }),
  )

  it.effect("a stream read with personal data is one statement, its subjects' keys joined to its rows", () =>
    KeyedReads.scenario(SqliteEventStore.layerDriver({ filename: ":memory:", spans: true })),
  )

  it.effect("an unreadable path fails with Unavailable, naming the file", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Effect.provide(EventStoreDriver, SqliteEventStore.layerDriver({ filename: "/nonexistent-dir/x/events.db" })),
      )
      assert.strictEqual(error._tag, "EventStoreError")
      assert.include(error.message, "/nonexistent-dir/x/events.db")
    }),
  )
})

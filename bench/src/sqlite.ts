/**
 * SQLite: our adapter (the driver, and the typed EventStore over it) against
 * better-sqlite3 doing the same writes on the same table, in WAL mode with
 * synchronous = NORMAL on both sides.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as EventStore from "@cartable/eventlog/EventStore"
import { EventStoreDriver } from "@cartable/eventlog/EventStoreDriver"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Statement from "@effect/sql/Statement"
import Database from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import {
  type Args,
  catalog,
  encodedEvent,
  encodedMetadata,
  type Figure,
  figure,
  foldData,
  type ItemNoted,
  newEvent,
  streamName,
  time,
} from "./harness.ts"

/** The table of the SQLite migration, for the raw driver. */
const DDL = `CREATE TABLE IF NOT EXISTS cartable_events (
  position INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  stream_name TEXT NOT NULL,
  stream_version INTEGER NOT NULL CHECK (stream_version >= 1),
  type TEXT NOT NULL CHECK (type <> ''),
  schema_version INTEGER NOT NULL CHECK (schema_version >= 1),
  data TEXT NOT NULL,
  metadata TEXT NOT NULL,
  CONSTRAINT cartable_events_stream_version UNIQUE (tenant, stream_name, stream_version)
)`

const COLUMNS = "(tenant, stream_name, stream_version, type, schema_version, data, metadata)"
const INSERT = `INSERT INTO cartable_events ${COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?)`

const openRaw = (file: string) => {
  const db = new Database(file)
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = NORMAL")
  db.exec(DDL)
  return db
}

const openOurs = (file: string) =>
  ManagedRuntime.make(
    Layer.provideMerge(
      EventStore.layer(catalog),
      Layer.merge(SqliteEventStore.layer({ filename: file }), SubjectKeyStore.layerMemory),
    ),
  )

type Ours = ReturnType<typeof openOurs>

/** The round-robin order of workload 1: every stream gets its n-th event before any gets its n+1-th. */
const singleOrder = (streams: number, events: number, prefix: string) => {
  const order: Array<readonly [string, number]> = []
  for (let e = 1; e <= events; e++) for (let s = 0; s < streams; s++) order.push([streamName(prefix, s), e])
  return order
}

export const version = (): string => {
  const db = new Database(":memory:")
  const row = db.prepare("SELECT sqlite_version() AS v").get() as { v: string }
  db.close()
  return row.v
}

export const run = async (args: Args): Promise<ReadonlyArray<Figure>> => {
  const sizes = args.sqlite
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-bench-sqlite-"))
  const figures: Array<Figure> = []
  const samples = new Map<string, Array<number>>()
  const sample = (key: string, seconds: number) => samples.set(key, [...(samples.get(key) ?? []), seconds])
  let files = 0
  const file = () => Path.join(dir, `db${++files}.sqlite`)
  const runtimes: Array<Ours> = []
  try {
    const single = `1 event per append, expected version (${sizes.singleStreams.toLocaleString("en")} streams x ${sizes.singleEvents})`
    const batch = `${sizes.batchSize} events per append (${sizes.batchStreams.toLocaleString("en")} streams)`
    const fold = "read and fold each stream"
    const readAll = "read all from position 0 (pages of 1,000)"
    const appends = sizes.singleStreams * sizes.singleEvents
    const batchEvents = sizes.batchStreams * sizes.batchSize

    for (let round = 0; round < args.repeat; round++) {
      // Workload 1 -------------------------------------------------------------
      const order = singleOrder(sizes.singleStreams, sizes.singleEvents, `r${round}s`)
      const raw = openRaw(file())
      const insert = raw.prepare(INSERT)
      sample(
        "single/raw",
        await time(() => {
          for (const [stream, v] of order) {
            const e = encodedEvent(stream, v)
            insert.run("", stream, v, e.type, e.schemaVersion, e.data, e.metadata)
          }
        }),
      )
      // Each variant writes its own file, so that all start from the same empty table.
      const ours = openOurs(file())
      const oursTyped = openOurs(file())
      runtimes.push(ours, oursTyped)
      const driver = await ours.runPromise(EventStoreDriver)
      const store = await oursTyped.runPromise(EventStore.EventStore)
      sample(
        "single/driver",
        await time(() =>
          ours.runPromise(
            Effect.gen(function* () {
              for (const [stream, v] of order) {
                yield* driver.append(stream as StreamName.StreamName, ExpectedVersion.exact(v - 1), [
                  encodedEvent(stream, v),
                ])
              }
            }),
          ),
        ),
      )
      const typedOrder = singleOrder(sizes.singleStreams, sizes.singleEvents, `r${round}t`)
      sample(
        "single/typed",
        await time(() =>
          oursTyped.runPromise(
            Effect.gen(function* () {
              for (const [stream, v] of typedOrder) {
                yield* store.append(stream as StreamName.StreamName, ExpectedVersion.exact(v - 1), [
                  newEvent(stream, v),
                ])
              }
            }),
          ),
        ),
      )

      // Workload 3 and 4, on the stores of workload 1 ------------------------------
      const select = raw.prepare(
        "SELECT position, stream_version, type, schema_version, data, metadata FROM cartable_events WHERE tenant = ? AND stream_name = ? AND stream_version > ? ORDER BY stream_version",
      )
      const streams = Array.from({ length: sizes.singleStreams }, (_, s) => streamName(`r${round}s`, s))
      const typedStreams = Array.from({ length: sizes.singleStreams }, (_, s) => streamName(`r${round}t`, s))
      let check = 0
      sample(
        "fold/raw",
        await time(() => {
          for (const stream of streams) {
            const rows = select.all("", stream, 0) as Array<{ data: string }>
            check += rows.reduce((state, row) => foldData(state, row.data), 0)
          }
        }),
      )
      sample(
        "fold/driver",
        await time(() =>
          ours.runPromise(
            Effect.gen(function* () {
              for (const stream of streams) {
                const rows = yield* driver.readStream(stream as StreamName.StreamName, 0)
                check += rows.reduce((state, row) => foldData(state, row.data), 0)
              }
            }),
          ),
        ),
      )
      sample(
        "fold/typed",
        await time(() =>
          oursTyped.runPromise(
            Effect.gen(function* () {
              for (const stream of typedStreams) {
                const events = yield* store.readStream(stream as StreamName.StreamName)
                check += events.reduce((state, r) => state + (r.event as typeof ItemNoted.Type).seq, 0)
              }
            }),
          ),
        ),
      )
      const page = raw.prepare(
        "SELECT position, stream_name, stream_version, type, schema_version, data, metadata FROM cartable_events WHERE position > ? AND type <> '$tombstone' ORDER BY position LIMIT ?",
      )
      sample(
        "all/raw",
        await time(() => {
          let after = 0
          for (;;) {
            const rows = page.all(after, 1000) as Array<{ position: number; data: string }>
            check += rows.reduce((state, row) => foldData(state, row.data), 0)
            if (rows.length < 1000) break
            after = rows[rows.length - 1]!.position
          }
        }),
      )
      sample(
        "all/driver",
        await time(() =>
          ours.runPromise(
            Effect.gen(function* () {
              let after = 0
              for (;;) {
                const rows = yield* driver.readAll(after, 1000)
                check += rows.reduce((state, row) => foldData(state, row.data), 0)
                if (rows.length < 1000) break
                after = rows[rows.length - 1]!.position
              }
            }),
          ),
        ),
      )
      sample(
        "all/typed",
        await time(() =>
          oursTyped.runPromise(
            Effect.gen(function* () {
              let after = 0
              for (;;) {
                const events = yield* store.readAll(after, 1000)
                check += events.reduce((state, r) => state + (r.event as typeof ItemNoted.Type).seq, 0)
                if (events.length < 1000) break
                after = events[events.length - 1]!.position
              }
            }),
          ),
        ),
      )
      if (check <= 0) throw new Error("the folds read nothing")
      raw.close()

      // Workload 2 ----------------------------------------------------------------
      const rawBatch = openRaw(file())
      const insertOne = rawBatch.prepare(INSERT)
      const inTransaction = rawBatch.transaction((stream: string) => {
        for (let v = 1; v <= sizes.batchSize; v++) {
          const e = encodedEvent(stream, v)
          insertOne.run("", stream, v, e.type, e.schemaVersion, e.data, e.metadata)
        }
      })
      sample(
        "batch/raw-tx",
        await time(() => {
          for (let s = 0; s < sizes.batchStreams; s++) inTransaction(streamName(`r${round}bt`, s))
        }),
      )
      const multi = rawBatch.prepare(
        `INSERT INTO cartable_events ${COLUMNS} VALUES ${Array.from({ length: sizes.batchSize }, () => "(?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
      )
      sample(
        "batch/raw-multi",
        await time(() => {
          for (let s = 0; s < sizes.batchStreams; s++) {
            const stream = streamName(`r${round}bm`, s)
            const params: Array<unknown> = []
            for (let v = 1; v <= sizes.batchSize; v++) {
              const e = encodedEvent(stream, v)
              params.push("", stream, v, e.type, e.schemaVersion, e.data, e.metadata)
            }
            multi.run(...params)
          }
        }),
      )
      rawBatch.close()
      const oursBatch = openOurs(file())
      const oursBatchTyped = openOurs(file())
      runtimes.push(oursBatch, oursBatchTyped)
      const batchDriver = await oursBatch.runPromise(EventStoreDriver)
      const batchStore = await oursBatchTyped.runPromise(EventStore.EventStore)
      sample(
        "batch/driver",
        await time(() =>
          oursBatch.runPromise(
            Effect.gen(function* () {
              for (let s = 0; s < sizes.batchStreams; s++) {
                const stream = streamName(`r${round}bd`, s)
                const events = Array.from({ length: sizes.batchSize }, (_, i) => encodedEvent(stream, i + 1))
                yield* batchDriver.append(stream as StreamName.StreamName, ExpectedVersion.noStream, events)
              }
            }),
          ),
        ),
      )
      sample(
        "batch/typed",
        await time(() =>
          oursBatchTyped.runPromise(
            Effect.gen(function* () {
              for (let s = 0; s < sizes.batchStreams; s++) {
                const stream = streamName(`r${round}by`, s)
                const events = Array.from({ length: sizes.batchSize }, (_, i) => newEvent(stream, i + 1))
                yield* batchStore.append(stream as StreamName.StreamName, ExpectedVersion.noStream, events)
              }
            }),
          ),
        ),
      )
      for (const runtime of runtimes.splice(0)) await runtime.dispose()
    }

    const s = (key: string) => samples.get(key)!
    figures.push(
      figure(single, "raw better-sqlite3: one INSERT, autocommit", appends, "appends", s("single/raw")),
      figure(
        single,
        "our driver (SqliteEventStore)",
        appends,
        "appends",
        s("single/driver"),
        "raw better-sqlite3: one INSERT, autocommit",
      ),
      figure(
        single,
        "typed EventStore over it (Schema encode)",
        appends,
        "appends",
        s("single/typed"),
        "raw better-sqlite3: one INSERT, autocommit",
      ),
      figure(batch, "raw better-sqlite3: transaction of prepared INSERTs", batchEvents, "events", s("batch/raw-tx")),
      figure(batch, "raw better-sqlite3: one multi-row INSERT", batchEvents, "events", s("batch/raw-multi")),
      figure(batch, "our driver (SqliteEventStore)", batchEvents, "events", s("batch/driver"), bestBatch(s)),
      figure(batch, "typed EventStore over it (Schema encode)", batchEvents, "events", s("batch/typed"), bestBatch(s)),
      figure(fold, "raw better-sqlite3: SELECT, JSON.parse, fold", sizes.singleStreams, "streams", s("fold/raw")),
      figure(
        fold,
        "our driver: readStream, JSON.parse, fold",
        sizes.singleStreams,
        "streams",
        s("fold/driver"),
        "raw better-sqlite3: SELECT, JSON.parse, fold",
      ),
      figure(
        fold,
        "typed EventStore: readStream (Schema decode), fold",
        sizes.singleStreams,
        "streams",
        s("fold/typed"),
        "raw better-sqlite3: SELECT, JSON.parse, fold",
      ),
      figure(readAll, "raw better-sqlite3", appends, "events", s("all/raw")),
      figure(readAll, "our driver", appends, "events", s("all/driver"), "raw better-sqlite3"),
      figure(readAll, "typed EventStore (Schema decode)", appends, "events", s("all/typed"), "raw better-sqlite3"),
    )
    figures.push(...(await breakdown(sizes.breakdown, file)))
    return figures
  } finally {
    for (const runtime of runtimes) await runtime.dispose().catch(() => undefined)
    Fs.rmSync(dir, { recursive: true, force: true })
  }
}

const bestBatch = (s: (key: string) => ReadonlyArray<number>): string =>
  Math.min(...s("batch/raw-tx")) <= Math.min(...s("batch/raw-multi"))
    ? "raw better-sqlite3: transaction of prepared INSERTs"
    : "raw better-sqlite3: one multi-row INSERT"

const SENTINEL_STREAM = "Bench-sentinel"
const SENTINEL_DATA = "SENTINEL-DATA"
const SENTINEL_VERSION = 6

/**
 * Where the time of a single append goes: the same appends written seven ways,
 * from the raw driver's bare INSERT to the typed store.
 */
const breakdown = async (count: number, file: () => string): Promise<ReadonlyArray<Figure>> => {
  const workload = `cost of one append (${count.toLocaleString("en")} appends, each to an existing stream)`
  // Every stream holds one event already (written untimed): each timed append
  // expects version 1 and writes version 2, the command handler's usual case.
  const order: Array<readonly [string, number]> = []
  for (let s = 0; s < count; s++) order.push([streamName("k", s), 2])
  const prefill = (path: string, prefix = "Bench-k") => {
    const db = openRaw(path)
    const insert = db.prepare(INSERT)
    db.transaction(() => {
      for (let s = 0; s < count; s++) {
        const stream = `${prefix}${s}`
        const e = encodedEvent(stream, 1)
        insert.run("", stream, 1, e.type, e.schemaVersion, e.data, e.metadata)
      }
    })()
    return db
  }
  const results: Array<Figure> = []
  const baseline = "raw: one INSERT, autocommit"
  const push = (variant: string, seconds: number) =>
    results.push(
      figure(workload, variant, order.length, "appends", [seconds], results.length === 0 ? undefined : baseline),
    )

  {
    const db = prefill(file())
    const insert = db.prepare(INSERT)
    push(
      baseline,
      await time(() => {
        for (const [stream, v] of order) {
          const e = encodedEvent(stream, v)
          insert.run("", stream, v, e.type, e.schemaVersion, e.data, e.metadata)
        }
      }),
    )
    db.close()
  }
  {
    const db = prefill(file())
    const head = db.prepare(
      "SELECT stream_version FROM cartable_events WHERE tenant = ? AND stream_name = ? ORDER BY stream_version DESC LIMIT 1",
    )
    const insert = db.prepare(INSERT)
    const append = db.transaction((stream: string, v: number) => {
      const row = head.get("", stream) as { stream_version: number } | undefined
      if ((row?.stream_version ?? 0) !== v - 1) throw new Error("conflict")
      const e = encodedEvent(stream, v)
      insert.run("", stream, v, e.type, e.schemaVersion, e.data, e.metadata)
    })
    push(
      "raw: transaction, SELECT head, INSERT",
      await time(() => {
        for (const [stream, v] of order) append(stream, v)
      }),
    )
    db.close()
  }
  const captured = await captureAppendStatement(file())
  {
    const db = prefill(file())
    const statement = db.prepare(captured.sql)
    push(
      "raw: our append statement (INSERT ... SELECT with head and guard, RETURNING)",
      await time(() => {
        for (const [stream, v] of order) {
          const e = encodedEvent(stream, v)
          const params = captured.params.map((p) =>
            p === SENTINEL_STREAM ? stream : p === SENTINEL_DATA ? e.data : p === SENTINEL_VERSION ? v - 1 : p,
          )
          const rows = statement.all(...params)
          if (rows.length !== 1) throw new Error("the replayed append was refused")
        }
      }),
    )
    db.close()
  }
  {
    const path = file()
    const runtime = openOurs(path)
    const sql = await runtime.runPromise(SqlClient.SqlClient)
    prefill(path).close()
    push(
      "@effect/sql: one INSERT, autocommit",
      await time(() =>
        runtime.runPromise(
          Effect.gen(function* () {
            for (const [stream, v] of order) {
              const e = encodedEvent(stream, v)
              yield* sql`INSERT INTO cartable_events ${sql.literal(COLUMNS)} VALUES (${""}, ${stream}, ${v}, ${e.type}, ${e.schemaVersion}, ${e.data}, ${e.metadata})`
            }
          }),
        ),
      ),
    )
    await runtime.dispose()
  }
  {
    const path = file()
    const runtime = openOurs(path)
    const sql = await runtime.runPromise(SqlClient.SqlClient)
    prefill(path).close()
    push(
      "@effect/sql: withTransaction, SELECT head, INSERT",
      await time(() =>
        runtime.runPromise(
          Effect.gen(function* () {
            for (const [stream, v] of order) {
              const e = encodedEvent(stream, v)
              yield* Effect.gen(function* () {
                const rows = yield* sql<{
                  stream_version: number
                }>`SELECT stream_version FROM cartable_events WHERE tenant = ${""} AND stream_name = ${stream} ORDER BY stream_version DESC LIMIT 1`
                if ((rows[0]?.stream_version ?? 0) !== v - 1) return yield* Effect.dieMessage("conflict")
                yield* sql`INSERT INTO cartable_events ${sql.literal(COLUMNS)} VALUES (${""}, ${stream}, ${v}, ${e.type}, ${e.schemaVersion}, ${e.data}, ${e.metadata})`
              }).pipe(sql.withTransaction)
            }
          }),
        ),
      ),
    )
    await runtime.dispose()
  }
  {
    const path = file()
    const runtime = openOurs(path)
    await runtime.runPromise(SqlClient.SqlClient)
    prefill(path).close()
    prefill(path, "Bench-y").close()
    push(
      "our driver: the append statement through @effect/sql",
      await time(() =>
        runtime.runPromise(
          Effect.gen(function* () {
            const driver = yield* EventStoreDriver
            for (const [stream, v] of order) {
              yield* driver.append(stream as StreamName.StreamName, ExpectedVersion.exact(v - 1), [
                encodedEvent(stream, v),
              ])
            }
          }),
        ),
      ),
    )
    push(
      "typed EventStore: + Schema encode of event and metadata",
      await time(() =>
        runtime.runPromise(
          Effect.gen(function* () {
            const store = yield* EventStore.EventStore
            for (const [stream, v] of order) {
              const typed = stream.replace("Bench-k", "Bench-y")
              yield* store.append(typed as StreamName.StreamName, ExpectedVersion.exact(v - 1), [newEvent(typed, v)])
            }
          }),
        ),
      ),
    )
    await runtime.dispose()
  }
  return results
}

/** The SQL text and parameters our driver sends for an `Exact` single-event append, captured from @effect/sql. */
const captureAppendStatement = async (
  file: string,
): Promise<{ readonly sql: string; readonly params: ReadonlyArray<unknown> }> => {
  const runtime = openOurs(file)
  try {
    return await runtime.runPromise(
      Effect.gen(function* () {
        const driver = yield* EventStoreDriver
        const stream = StreamName.StreamName.make(SENTINEL_STREAM)
        const filler = Array.from({ length: SENTINEL_VERSION }, (_, i) => encodedEvent(SENTINEL_STREAM, i + 1))
        yield* driver.append(stream, ExpectedVersion.noStream, filler)
        let captured: readonly [string, ReadonlyArray<unknown>] | undefined
        yield* driver
          .append(stream, ExpectedVersion.exact(SENTINEL_VERSION), [
            { type: "ItemNoted", schemaVersion: 1, data: SENTINEL_DATA, metadata: encodedMetadata },
          ])
          .pipe(
            Statement.withTransformer((statement) =>
              Effect.sync(() => {
                captured = statement.compile()
                return statement
              }),
            ),
          )
        if (captured === undefined) return yield* Effect.dieMessage("no statement captured")
        return { sql: captured[0], params: captured[1] }
      }),
    )
  } finally {
    await runtime.dispose()
  }
}

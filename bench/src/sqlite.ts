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
import * as SqlEventStoreDriver from "@cartable/store-sql/SqlEventStoreDriver"
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
  streamName,
  time,
} from "./harness.ts"
import * as Ours from "./ours.ts"
import * as ReadSide from "./projections.ts"
import * as Users from "./users.ts"

/** The table of the adapter's migration, for the raw driver. */
const DDL = SqlEventStoreDriver.eventsTableDdl("sqlite")

const COLUMNS = "(tenant, stream_name, stream_version, type, schema_version, data, metadata)"
const INSERT = `INSERT INTO cartable_events ${COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?)`

const openRaw = (file: string) => {
  const db = new Database(file)
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = NORMAL")
  db.exec(DDL)
  return db
}

// The driver-only layer: the typed store here keeps its keys in memory, so that the figures are the log's own.
const openOurs = (file: string, options: Partial<SqliteEventStore.Options> = {}) =>
  ManagedRuntime.make(
    Layer.provideMerge(
      EventStore.layer(catalog),
      Layer.merge(SqliteEventStore.layerDriver({ filename: file, ...options }), SubjectKeyStore.layerMemory),
    ),
  )

/** Appends per turn when variants take turns. */
const CHUNK = 1000

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
  const runtimes: Array<Ours.Runtime> = []
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
      // Each variant writes its own file, so that all start from the same empty table.
      const ours = openOurs(file())
      const oursTyped = openOurs(file())
      runtimes.push(ours, oursTyped)
      const driver = await Ours.driver(ours)
      const typed = await Ours.typed(oursTyped)
      const typedOrder = singleOrder(sizes.singleStreams, sizes.singleEvents, `r${round}t`)
      // The variants take turns by chunks of the same appends, so that a change of
      // load on the machine falls on all three alike.
      const elapsed = { raw: 0, driver: 0, typed: 0 }
      for (let from = 0; from < order.length; from += CHUNK) {
        const chunk = order.slice(from, from + CHUNK)
        const typedChunk = typedOrder.slice(from, from + CHUNK)
        elapsed.raw += await time(() => {
          for (const [stream, v] of chunk) {
            const e = encodedEvent(stream, v)
            insert.run("", stream, v, e.type, e.schemaVersion, e.data, e.metadata)
          }
        })
        elapsed.driver += await time(() => driver.appendSingles(chunk))
        elapsed.typed += await time(() => typed.appendSingles(typedChunk))
      }
      sample("single/raw", elapsed.raw)
      sample("single/driver", elapsed.driver)
      sample("single/typed", elapsed.typed)

      // Workload 3 and 4, on the stores of workload 1 ------------------------------
      const select = raw.prepare(
        "SELECT position, stream_version, type, schema_version, data, metadata FROM cartable_events WHERE tenant = ? AND stream_name = ? AND stream_version > ? ORDER BY stream_version",
      )
      const streams = Array.from({ length: sizes.singleStreams }, (_, s) => streamName(`r${round}s`, s))
      const typedStreams = Array.from({ length: sizes.singleStreams }, (_, s) => streamName(`r${round}t`, s))
      let check = 0
      const add = (n: number) => {
        check += n
      }
      sample(
        "fold/raw",
        await time(() => {
          for (const stream of streams) {
            const rows = select.all("", stream, 0) as Array<{ data: string }>
            check += rows.reduce((state, row) => foldData(state, row.data), 0)
          }
        }),
      )
      sample("fold/driver", await time(() => driver.foldStreams(streams).then(add)))
      sample("fold/typed", await time(() => typed.foldStreams(typedStreams).then(add)))
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
      sample("all/driver", await time(() => driver.foldAll().then(add)))
      sample("all/typed", await time(() => typed.foldAll().then(add)))
      if (check <= 0) throw new Error("the folds read nothing")
      raw.close()

      // Workload 2, the variants taking turns by chunks of streams ------------------------
      const rawBatch = openRaw(file())
      const insertOne = rawBatch.prepare(INSERT)
      const inTransaction = rawBatch.transaction((stream: string) => {
        for (let v = 1; v <= sizes.batchSize; v++) {
          const e = encodedEvent(stream, v)
          insertOne.run("", stream, v, e.type, e.schemaVersion, e.data, e.metadata)
        }
      })
      const multi = rawBatch.prepare(
        `INSERT INTO cartable_events ${COLUMNS} VALUES ${Array.from({ length: sizes.batchSize }, () => "(?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
      )
      const oursBatch = openOurs(file())
      const oursBatchTyped = openOurs(file())
      runtimes.push(oursBatch, oursBatchTyped)
      const batchDriver = await Ours.driver(oursBatch)
      const batchTyped = await Ours.typed(oursBatchTyped)
      const batchElapsed = { tx: 0, multi: 0, driver: 0, typed: 0 }
      const batchChunk = Math.max(1, Math.floor(CHUNK / sizes.batchSize))
      for (let from = 0; from < sizes.batchStreams; from += batchChunk) {
        const indices = Array.from({ length: Math.min(batchChunk, sizes.batchStreams - from) }, (_, i) => from + i)
        batchElapsed.tx += await time(() => {
          for (const s of indices) inTransaction(streamName(`r${round}bt`, s))
        })
        batchElapsed.multi += await time(() => {
          for (const s of indices) {
            const stream = streamName(`r${round}bm`, s)
            const params: Array<unknown> = []
            for (let v = 1; v <= sizes.batchSize; v++) {
              const e = encodedEvent(stream, v)
              params.push("", stream, v, e.type, e.schemaVersion, e.data, e.metadata)
            }
            multi.run(...params)
          }
        })
        batchElapsed.driver += await time(() => batchDriver.appendBatches(`r${round}bd`, indices, sizes.batchSize))
        batchElapsed.typed += await time(() => batchTyped.appendBatches(`r${round}by`, indices, sizes.batchSize))
      }
      rawBatch.close()
      sample("batch/raw-tx", batchElapsed.tx)
      sample("batch/raw-multi", batchElapsed.multi)
      sample("batch/driver", batchElapsed.driver)
      sample("batch/typed", batchElapsed.typed)
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
        Ours.labels.typedAppend,
        appends,
        "appends",
        s("single/typed"),
        "raw better-sqlite3: one INSERT, autocommit",
      ),
      figure(batch, "raw better-sqlite3: transaction of prepared INSERTs", batchEvents, "events", s("batch/raw-tx")),
      figure(batch, "raw better-sqlite3: one multi-row INSERT", batchEvents, "events", s("batch/raw-multi")),
      figure(batch, "our driver (SqliteEventStore)", batchEvents, "events", s("batch/driver"), bestBatch(s)),
      figure(batch, Ours.labels.typedAppend, batchEvents, "events", s("batch/typed"), bestBatch(s)),
      figure(fold, "raw better-sqlite3: SELECT, JSON.parse, fold", sizes.singleStreams, "streams", s("fold/raw")),
      figure(
        fold,
        Ours.labels.driverFold,
        sizes.singleStreams,
        "streams",
        s("fold/driver"),
        "raw better-sqlite3: SELECT, JSON.parse, fold",
      ),
      figure(
        fold,
        Ours.labels.typedFold,
        sizes.singleStreams,
        "streams",
        s("fold/typed"),
        "raw better-sqlite3: SELECT, JSON.parse, fold",
      ),
      figure(readAll, "raw better-sqlite3", appends, "events", s("all/raw")),
      figure(readAll, Ours.labels.driverAll, appends, "events", s("all/driver"), "raw better-sqlite3"),
      figure(readAll, Ours.labels.typedAll, appends, "events", s("all/typed"), "raw better-sqlite3"),
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
 * Where the time of a single append goes: the same appends written eight ways,
 * from the raw driver's bare INSERT to the typed store, each on its own file. The
 * variants take turns by chunks of `CHUNK` appends, so that a change of load on the
 * machine falls on all of them alike.
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
  type Chunk = ReadonlyArray<readonly [string, number]>
  interface Variant {
    readonly name: string
    readonly run: (chunk: Chunk) => Promise<void> | void
    readonly close: () => Promise<void> | void
  }
  const rawVariant = (name: string, run: (db: Database.Database) => (chunk: Chunk) => void): Variant => {
    const db = prefill(file())
    return {
      name,
      run: run(db),
      close: () => {
        db.close()
      },
    }
  }
  const effectVariant = async (
    name: string,
    options: Partial<SqliteEventStore.Options>,
    run: (chunk: Chunk) => Effect.Effect<void, unknown, EventStore.EventStore | EventStoreDriver | SqlClient.SqlClient>,
    prefixes: ReadonlyArray<string> = ["Bench-k"],
  ): Promise<Variant> => {
    const path = file()
    const runtime = openOurs(path, options)
    await runtime.runPromise(SqlClient.SqlClient)
    for (const prefix of prefixes) prefill(path, prefix).close()
    return { name, run: (chunk) => runtime.runPromise(run(chunk)), close: () => runtime.dispose() }
  }
  const baseline = "raw: one INSERT, autocommit"
  const captured = await captureAppendStatement(file())
  const insertWith = (sql: SqlClient.SqlClient, stream: string, v: number) => {
    const e = encodedEvent(stream, v)
    return sql`INSERT INTO cartable_events ${sql.literal(COLUMNS)} VALUES (${""}, ${stream}, ${v}, ${e.type}, ${e.schemaVersion}, ${e.data}, ${e.metadata})`
  }
  const driverAppends = (chunk: Chunk) =>
    Effect.flatMap(EventStoreDriver, (driver) => Ours.driverAppends(driver, chunk))
  const variants: Array<Variant> = []
  try {
    variants.push(
      rawVariant(baseline, (db) => {
        const insert = db.prepare(INSERT)
        return (chunk) => {
          for (const [stream, v] of chunk) {
            const e = encodedEvent(stream, v)
            insert.run("", stream, v, e.type, e.schemaVersion, e.data, e.metadata)
          }
        }
      }),
      rawVariant("raw: transaction, SELECT head, INSERT", (db) => {
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
        return (chunk) => {
          for (const [stream, v] of chunk) append(stream, v)
        }
      }),
      rawVariant("raw: our append statement (INSERT ... SELECT, EXISTS guard, RETURNING)", (db) => {
        const statement = db.prepare(captured.sql)
        return (chunk) => {
          for (const [stream, v] of chunk) {
            const e = encodedEvent(stream, v)
            const params = captured.params.map((p) =>
              p === SENTINEL_STREAM ? stream : p === SENTINEL_DATA ? e.data : p === SENTINEL_VERSION ? v - 1 : p,
            )
            if (statement.all(...params).length !== 1) throw new Error("the replayed append was refused")
          }
        }
      }),
      await effectVariant("@effect/sql: one INSERT through the Statement API (sql`...`), autocommit", {}, (chunk) =>
        Effect.flatMap(SqlClient.SqlClient, (sql) =>
          Effect.forEach(chunk, ([stream, v]) => insertWith(sql, stream, v), { discard: true }),
        ),
      ),
      await effectVariant("@effect/sql: withTransaction, SELECT head, INSERT", {}, (chunk) =>
        Effect.flatMap(SqlClient.SqlClient, (sql) =>
          Effect.forEach(
            chunk,
            ([stream, v]) =>
              Effect.gen(function* () {
                const rows = yield* sql<{
                  stream_version: number
                }>`SELECT stream_version FROM cartable_events WHERE tenant = ${""} AND stream_name = ${stream} ORDER BY stream_version DESC LIMIT 1`
                if ((rows[0]?.stream_version ?? 0) !== v - 1) return yield* Effect.dieMessage("conflict")
                yield* insertWith(sql, stream, v)
              }).pipe(sql.withTransaction),
            { discard: true },
          ),
        ),
      ),
      await effectVariant(
        "our driver, spans: true (Statement API, a span per operation and per statement)",
        { spans: true },
        driverAppends,
      ),
      await effectVariant("our driver (default): the append statement on the client's connection", {}, driverAppends),
      await effectVariant("typed EventStore: + Schema encode of event and metadata", {}, (chunk) =>
        Effect.flatMap(EventStore.EventStore, (store) => Ours.typedAppends(store, chunk)),
      ),
    )
    const seconds = new Map<string, number>()
    for (let from = 0; from < order.length; from += CHUNK) {
      const chunk = order.slice(from, from + CHUNK)
      for (const variant of variants) {
        seconds.set(variant.name, (seconds.get(variant.name) ?? 0) + (await time(() => variant.run(chunk))))
      }
    }
    return variants.map((variant, i) =>
      figure(
        workload,
        variant.name,
        order.length,
        "appends",
        [seconds.get(variant.name)!],
        i === 0 ? undefined : baseline,
      ),
    )
  } finally {
    for (const variant of variants) await variant.close()
  }
}

/**
 * The SQL text and parameters our driver sends for an `Exact` single-event append,
 * captured from @effect/sql (on the Statement API, which `spans: true` selects: the
 * default path sends the same text past the transformers).
 */
const captureAppendStatement = async (
  file: string,
): Promise<{ readonly sql: string; readonly params: ReadonlyArray<unknown> }> => {
  const runtime = openOurs(file, { spans: true })
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

/**
 * The raw client of `users.ts` on a file the adapter migrates: its statements
 * are prepared on first use, once the table exists.
 */
export const rawClient = (filename: string): Users.Raw => {
  let db: Database.Database | undefined
  let statements:
    | {
        insert: Database.Statement
        stream: Database.Statement
        keyed: Database.Statement
        page: Database.Statement
        keys: Database.Statement
      }
    | undefined
  const prepared = () => {
    if (statements === undefined) {
      db = new Database(filename)
      db.pragma("journal_mode = WAL")
      db.pragma("synchronous = NORMAL")
      statements = {
        insert: db.prepare(INSERT),
        stream: db.prepare(
          "SELECT position, stream_version, type, data, metadata FROM cartable_events WHERE tenant = '' AND stream_name = ? ORDER BY stream_version",
        ),
        keyed: db.prepare(
          `SELECT e.position, e.stream_version, e.type, e.data, e.metadata, k.subject_id AS key_subject, k.key
           FROM cartable_events e LEFT JOIN cartable_subject_keys k ON k.subject_id = ${Users.sealedSubjectSql("sqlite")}
           WHERE e.tenant = '' AND e.stream_name = ? ORDER BY e.stream_version`,
        ),
        page: db.prepare(
          "SELECT position, stream_name, stream_version, type, data, metadata FROM cartable_events WHERE position > ? AND type <> '$tombstone' ORDER BY position LIMIT ?",
        ),
        keys: db.prepare(
          "SELECT subject_id, key FROM cartable_subject_keys WHERE subject_id IN (SELECT value FROM json_each(?))",
        ),
      }
    }
    return statements
  }
  return {
    insert: async (stream, version, type, data, metadata) => {
      prepared().insert.run("", stream, version, type, 1, data, metadata)
    },
    readStream: async (stream) => prepared().stream.all(stream) as Array<Users.RawRow>,
    readStreamKeyed: async (stream) => prepared().keyed.all(stream) as Array<Users.KeyedRawRow>,
    page: async (after, limit) => prepared().page.all(after, limit) as Array<Users.RawRow>,
    keys: async (subjects) =>
      new Map(
        (prepared().keys.all(JSON.stringify(subjects)) as Array<{ subject_id: string; key: Buffer | null }>).map(
          (row) => [row.subject_id, row.key] as const,
        ),
      ),
  }
}

/**
 * The read side on a file: the rebuild of the directory next to better-sqlite3
 * reading the same rows, then the catch-up lag on another file.
 */
export const readSide = async (): Promise<{ readonly figures: ReadonlyArray<Figure>; readonly lag: string }> => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-bench-read-side-"))
  try {
    const filename = Path.join(dir, "rebuild.sqlite")
    const rawReadAll = async () => {
      const db = new Database(filename, { readonly: true })
      try {
        const page = db.prepare(
          "SELECT position, stream_name, stream_version, type, schema_version, data, metadata FROM cartable_events WHERE position > ? AND type <> '$tombstone' ORDER BY position LIMIT ?",
        )
        let after = 0
        let rows = 0
        let check = 0
        for (;;) {
          const read = page.all(after, 1000) as Array<{ position: number; data: string; metadata: string }>
          for (const row of read) {
            const data = JSON.parse(row.data) as { accountId?: string }
            const metadata = JSON.parse(row.metadata) as { occurredAt?: string }
            check += (data.accountId?.length ?? 0) + (metadata.occurredAt?.length ?? 0)
          }
          rows += read.length
          if (read.length < 1000) break
          after = read[read.length - 1]!.position
        }
        if (rows > 0 && check <= 0) throw new Error("the raw read parsed nothing")
        return rows
      } finally {
        db.close()
      }
    }
    const insert: ReadSide.Insert = async (rows, keys) => {
      const db = new Database(filename)
      try {
        const event = db.prepare(INSERT)
        const key = db.prepare("INSERT INTO cartable_subject_keys (subject_id, key) VALUES (?, ?)")
        db.transaction(() => {
          for (const k of keys) key.run(k.subject, k.key)
          for (const r of rows) event.run("", r.stream, r.version, r.type, r.schemaVersion, r.data, r.metadata)
        })()
      } finally {
        db.close()
      }
    }
    const figures = await ReadSide.rebuild(
      SqliteEventStore.layer({ filename, catalog: ReadSide.domainCatalog }),
      insert,
      rawReadAll,
    )
    const lag = await ReadSide.lag(
      SqliteEventStore.layer({ filename: Path.join(dir, "lag.sqlite"), catalog: ReadSide.domainCatalog }),
    )
    return { figures, lag }
  } finally {
    Fs.rmSync(dir, { recursive: true, force: true })
  }
}

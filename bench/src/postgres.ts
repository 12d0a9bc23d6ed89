/**
 * PostgreSQL: our adapter against node-postgres doing the same writes on the same
 * table, each in a database of its own on the server of DATABASE_URL.
 */

import * as EventStore from "@cartable/eventlog/EventStore"
import { EventStoreDriver } from "@cartable/eventlog/EventStoreDriver"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import type * as StreamName from "@cartable/eventlog/StreamName"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as SqlEventStoreDriver from "@cartable/store-sql/SqlEventStoreDriver"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import pg from "pg"
import { type Args, catalog, encodedEvent, type Figure, figure, foldData, streamName, time } from "./harness.ts"
import * as Ours from "./ours.ts"
import * as ReadSide from "./projections.ts"
import * as Users from "./users.ts"

/** The table of the adapter's migration, for the raw driver. */
const DDL = SqlEventStoreDriver.eventsTableDdl("pg")

const COLUMNS = "(tenant, stream_name, stream_version, type, schema_version, data, metadata)"
const INSERT = `INSERT INTO cartable_events ${COLUMNS} VALUES ($1, $2, $3, $4, $5, $6, $7)`

const databaseUrl = (server: string, name: string) => {
  const url = new URL(server)
  url.pathname = `/${name}`
  return url.toString()
}

/** A fresh database per variant, so that all start from the same empty table. */
export const freshDatabase = async (server: string, name: string): Promise<string> => {
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  return databaseUrl(server, name)
}

export const dropDatabases = async (server: string, names: ReadonlyArray<string>) => {
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  try {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  } finally {
    await admin.end()
  }
}

// The driver-only layer: the typed store here keeps its keys in memory, so that the figures are the log's own.
const openOurs = (url: string, maxConnections = 10, options: Partial<PostgresEventStore.Options> = {}) =>
  ManagedRuntime.make(
    Layer.provideMerge(
      EventStore.layer(catalog),
      Layer.merge(PostgresEventStore.layerDriver({ url, maxConnections, ...options }), SubjectKeyStore.layerMemory),
    ),
  )

/** What the driver sends for a one-event append, for the raw client. */
const APPEND_ONE = "SELECT cartable_append_one($1, $2, $3, $4, $5, $6, $7) AS r"

/**
 * The previous append rule, for comparison: the same INSERT under one
 * transaction-scoped advisory lock, held until commit (one statement, autocommit).
 */
const INSERT_LOCKED = `WITH l AS (SELECT pg_advisory_xact_lock(${0x63617274_61626c65n}))
  INSERT INTO cartable_events ${COLUMNS} SELECT $1, $2, $3, $4, $5, $6, $7 FROM l`

/** Appends per writer in each turn of the concurrent-writers workload. */
const WRITER_CHUNK = 125

export const version = async (server: string): Promise<string> => {
  const client = new pg.Client({ connectionString: server })
  await client.connect()
  try {
    const result = await client.query<{ server_version: string }>("SHOW server_version")
    const settings = await client.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method')",
    )
    return `${result.rows[0]?.server_version} (${settings.rows.map((r) => `${r.name}=${r.setting}`).join(", ")})`
  } finally {
    await client.end()
  }
}

export const run = async (args: Args, server: string): Promise<ReadonlyArray<Figure>> => {
  const sizes = args.postgres
  const samples = new Map<string, Array<number>>()
  const sample = (key: string, seconds: number) => samples.set(key, [...(samples.get(key) ?? []), seconds])
  const databases: Array<string> = []
  let n = 0
  const database = async () => {
    const name = `cartable_bench_${process.pid}_${++n}`
    databases.push(name)
    return freshDatabase(server, name)
  }
  try {
    const single = `1 event per append, expected version (${sizes.singleStreams.toLocaleString("en")} streams x ${sizes.singleEvents})`
    const concurrent = `1 event per append, ${sizes.writers} concurrent writers (${sizes.writerAppends.toLocaleString("en")} appends each)`
    const batch = `${sizes.batchSize} events per append (${sizes.batchStreams.toLocaleString("en")} streams)`
    const fold = "read and fold each stream"
    const readAll = "read all from position 0 (pages of 1,000)"
    const appends = sizes.singleStreams * sizes.singleEvents
    const batchEvents = sizes.batchStreams * sizes.batchSize
    const order: Array<readonly [string, number]> = []
    for (let e = 1; e <= sizes.singleEvents; e++) {
      for (let s = 0; s < sizes.singleStreams; s++) order.push([streamName("s", s), e])
    }
    const streams = Array.from({ length: sizes.singleStreams }, (_, s) => streamName("s", s))

    for (let round = 0; round < args.repeat; round++) {
      // Workload 1, then 3 and 4 on the same databases ------------------------------
      const raw = new pg.Client({ connectionString: await database() })
      await raw.connect()
      await raw.query(DDL)
      const ours = openOurs(await database())
      const oursTyped = openOurs(await database())
      try {
        const driver = await Ours.driver(ours)
        const typed = await Ours.typed(oursTyped)
        // The three variants take turns by chunks of the same appends, each on its own
        // database, so that a change of load on the machine falls on all three alike.
        const elapsed = { raw: 0, driver: 0, typed: 0 }
        for (let from = 0; from < order.length; from += CHUNK) {
          const chunk = order.slice(from, from + CHUNK)
          elapsed.raw += await time(async () => {
            for (const [stream, v] of chunk) {
              const e = encodedEvent(stream, v)
              await raw.query(INSERT, ["", stream, v, e.type, e.schemaVersion, e.data, e.metadata])
            }
          })
          elapsed.driver += await time(() => driver.appendSingles(chunk))
          elapsed.typed += await time(() => typed.appendSingles(chunk))
        }
        sample("single/raw", elapsed.raw)
        sample("single/driver", elapsed.driver)
        sample("single/typed", elapsed.typed)
        let check = 0
        const add = (n: number) => {
          check += n
        }
        const select =
          "SELECT position, stream_version, type, schema_version, data, metadata FROM cartable_events WHERE tenant = $1 AND stream_name = $2 AND stream_version > $3 ORDER BY stream_version"
        sample(
          "fold/raw",
          await time(async () => {
            for (const stream of streams) {
              const result = await raw.query<{ data: string }>(select, ["", stream, 0])
              check += result.rows.reduce((state, row) => foldData(state, row.data), 0)
            }
          }),
        )
        sample("fold/driver", await time(() => driver.foldStreams(streams).then(add)))
        sample("fold/typed", await time(() => typed.foldStreams(streams).then(add)))
        const page =
          "SELECT position, stream_name, stream_version, type, schema_version, data, metadata FROM cartable_events WHERE position > $1 AND type <> '$tombstone' ORDER BY position LIMIT $2"
        sample(
          "all/raw",
          await time(async () => {
            let after = 0
            for (;;) {
              const { rows } = await raw.query<{ position: string; data: string }>(page, [after, 1000])
              check += rows.reduce((state, row) => foldData(state, row.data), 0)
              if (rows.length < 1000) break
              after = Number(rows[rows.length - 1]!.position)
            }
          }),
        )
        sample("all/driver", await time(() => driver.foldAll().then(add)))
        sample("all/typed", await time(() => typed.foldAll().then(add)))
        if (check <= 0) throw new Error("the folds read nothing")
      } finally {
        await raw.end()
        await ours.dispose()
        await oursTyped.dispose()
      }

      // Concurrent writers: 8 writers, each on a connection of its own ---------------
      {
        const elapsed = await concurrentWriters(sizes, database)
        sample("concurrent/raw", elapsed.raw)
        sample("concurrent/locked", elapsed.locked)
        sample("concurrent/driver", elapsed.driver)
      }

      // Workload 2 ------------------------------------------------------------------
      {
        const rawBatch = new pg.Client({ connectionString: await database() })
        await rawBatch.connect()
        await rawBatch.query(DDL)
        const placeholders = Array.from({ length: sizes.batchSize }, (_, i) => {
          const b = i * 7
          return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`
        }).join(", ")
        const multi = `INSERT INTO cartable_events ${COLUMNS} VALUES ${placeholders}`
        sample(
          "batch/raw",
          await time(async () => {
            for (let s = 0; s < sizes.batchStreams; s++) {
              const stream = streamName("b", s)
              const params: Array<unknown> = []
              for (let v = 1; v <= sizes.batchSize; v++) {
                const e = encodedEvent(stream, v)
                params.push("", stream, v, e.type, e.schemaVersion, e.data, e.metadata)
              }
              await rawBatch.query(multi, params)
            }
          }),
        )
        await rawBatch.end()
        const runtime = openOurs(await database())
        const runtimeTyped = openOurs(await database())
        try {
          const driver = await Ours.driver(runtime)
          const typed = await Ours.typed(runtimeTyped)
          const indices = Array.from({ length: sizes.batchStreams }, (_, s) => s)
          sample("batch/driver", await time(() => driver.appendBatches("b", indices, sizes.batchSize)))
          sample("batch/typed", await time(() => typed.appendBatches("b", indices, sizes.batchSize)))
        } finally {
          await runtime.dispose()
          await runtimeTyped.dispose()
        }
      }
      await dropDatabases(server, databases.splice(0))
    }

    const s = (key: string) => samples.get(key)!
    const costs = await breakdown(sizes.breakdown, args.repeat, database)
    await dropDatabases(server, databases.splice(0))
    const rawSingle = "raw pg: one INSERT, autocommit"
    const rawConcurrent = `raw pg: one INSERT, autocommit, pool of ${sizes.writers}`
    const rawBatch = "raw pg: one multi-row INSERT"
    const rawFold = "raw pg: SELECT, JSON.parse, fold"
    const rawAll = "raw pg"
    const writes = sizes.writers * sizes.writerAppends
    return [
      figure(single, rawSingle, appends, "appends", s("single/raw")),
      figure(single, "our driver (PostgresEventStore)", appends, "appends", s("single/driver"), rawSingle),
      figure(single, Ours.labels.typedAppend, appends, "appends", s("single/typed"), rawSingle),
      figure(concurrent, rawConcurrent, writes, "appends", s("concurrent/raw")),
      figure(
        concurrent,
        `raw pg: the same INSERT under one advisory lock (the previous rule), pool of ${sizes.writers}`,
        writes,
        "appends",
        s("concurrent/locked"),
        rawConcurrent,
      ),
      figure(
        concurrent,
        `our driver (parallel appends, pool of ${sizes.writers})`,
        writes,
        "appends",
        s("concurrent/driver"),
        rawConcurrent,
      ),
      figure(batch, rawBatch, batchEvents, "events", s("batch/raw")),
      figure(batch, "our driver (PostgresEventStore)", batchEvents, "events", s("batch/driver"), rawBatch),
      figure(batch, Ours.labels.typedAppend, batchEvents, "events", s("batch/typed"), rawBatch),
      figure(fold, rawFold, sizes.singleStreams, "streams", s("fold/raw")),
      figure(fold, Ours.labels.driverFold, sizes.singleStreams, "streams", s("fold/driver"), rawFold),
      figure(fold, Ours.labels.typedFold, sizes.singleStreams, "streams", s("fold/typed"), rawFold),
      figure(readAll, rawAll, appends, "events", s("all/raw")),
      figure(readAll, Ours.labels.driverAll, appends, "events", s("all/driver"), rawAll),
      figure(readAll, Ours.labels.typedAll, appends, "events", s("all/typed"), rawAll),
      ...costs,
    ]
  } finally {
    await dropDatabases(server, databases).catch(() => undefined)
  }
}

/**
 * Concurrent writers: `sizes.writers` writers appending one event to a new stream
 * each time, three ways, each on a database of its own: raw INSERTs on a pool of
 * as many connections, the same INSERTs under one advisory lock (the append rule
 * before migration 0004), and our driver on a pool of as many connections. The
 * three take turns by chunks, so that a change of load on the machine falls on all
 * of them alike.
 */
export const concurrentWriters = async (
  sizes: Args["postgres"],
  database: () => Promise<string>,
): Promise<{ readonly raw: number; readonly locked: number; readonly driver: number }> => {
  const rawPool = new pg.Pool({ connectionString: await database(), max: sizes.writers })
  const lockedPool = new pg.Pool({ connectionString: await database(), max: sizes.writers })
  // The databases are dropped (WITH FORCE) right after: a pool client still closing then is no error.
  for (const pool of [rawPool, lockedPool]) pool.on("error", () => undefined)
  await rawPool.query(DDL)
  await lockedPool.query(DDL)
  const runtime = openOurs(await database(), sizes.writers)
  const elapsed = { raw: 0, locked: 0, driver: 0 }
  try {
    const driver = await runtime.runPromise(EventStoreDriver)
    const writers = Array.from({ length: sizes.writers }, (_, w) => w)
    const rawTurn = (pool: pg.Pool, text: string, from: number, to: number) =>
      Promise.all(
        writers.map(async (w) => {
          for (let i = from; i < to; i++) {
            const stream = streamName(`w${w}-`, i)
            const e = encodedEvent(stream, 1)
            await pool.query(text, ["", stream, 1, e.type, e.schemaVersion, e.data, e.metadata])
          }
        }),
      ).then(() => undefined)
    const driverTurn = (from: number, to: number) =>
      runtime.runPromise(
        Effect.forEach(
          writers,
          (w) =>
            Effect.forEach(
              Array.from({ length: to - from }, (_, k) => from + k),
              (i) => {
                const stream = streamName(`w${w}-`, i)
                return driver.append(stream as StreamName.StreamName, ExpectedVersion.noStream, [
                  encodedEvent(stream, 1),
                ])
              },
              { discard: true },
            ),
          { concurrency: "unbounded", discard: true },
        ),
      )
    // An untimed first turn each (JIT warm-up, pool connections opened).
    await rawTurn(rawPool, INSERT, -10, 0)
    await rawTurn(lockedPool, INSERT_LOCKED, -10, 0)
    await driverTurn(-10, 0)
    for (let from = 0; from < sizes.writerAppends; from += WRITER_CHUNK) {
      const to = Math.min(sizes.writerAppends, from + WRITER_CHUNK)
      elapsed.raw += await time(() => rawTurn(rawPool, INSERT, from, to))
      elapsed.locked += await time(() => rawTurn(lockedPool, INSERT_LOCKED, from, to))
      elapsed.driver += await time(() => driverTurn(from, to))
    }
  } finally {
    await rawPool.end()
    await lockedPool.end()
    await runtime.dispose()
  }
  return elapsed
}

/**
 * Where the time of a single append goes: the same appends (one event, a new
 * stream each) written six ways. The variants take turns by chunks of `CHUNK`
 * appends, each on its own database, so that a change of load on the machine
 * falls on all of them alike; a first chunk each is untimed (JIT warm-up).
 */
const CHUNK = 250

interface Appender {
  readonly name: string
  readonly appendAll: (streams: ReadonlyArray<string>) => Promise<void>
  readonly close: () => Promise<void>
}

const breakdown = async (
  count: number,
  repeat: number,
  database: () => Promise<string>,
): Promise<ReadonlyArray<Figure>> => {
  if (count <= 0) return []
  const total = count * repeat
  const workload = `cost of one append (${total.toLocaleString("en")} appends, each to a new stream)`
  const baseline = "raw pg: one INSERT, autocommit"
  // A database migrated by our driver, so that the raw client calls the same function.
  const migrated = async () => {
    const url = await database()
    const runtime = openOurs(url)
    await runtime.runPromise(EventStoreDriver)
    await runtime.dispose()
    return url
  }
  const raw = async (name: string, url: string, query: (stream: string) => pg.QueryConfig): Promise<Appender> => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    await client.query(DDL)
    return {
      name,
      appendAll: async (streams) => {
        for (const stream of streams) await client.query(query(stream))
      },
      close: () => client.end(),
    }
  }
  const ours = async (name: string, options: Partial<PostgresEventStore.Options>): Promise<Appender> => {
    const runtime = openOurs(await database(), 10, options)
    const driver = await runtime.runPromise(EventStoreDriver)
    return {
      name,
      appendAll: (streams) =>
        runtime.runPromise(
          Effect.forEach(
            streams,
            (stream) =>
              driver.append(stream as StreamName.StreamName, ExpectedVersion.noStream, [encodedEvent(stream, 1)]),
            { discard: true },
          ),
        ),
      close: () => runtime.dispose(),
    }
  }
  const appendValues = (stream: string) => {
    const e = encodedEvent(stream, 1)
    return ["", stream, 0, e.type, e.schemaVersion, e.data, e.metadata]
  }
  const appenders: Array<Appender> = []
  try {
    appenders.push(
      await raw(baseline, await database(), (stream) => {
        const e = encodedEvent(stream, 1)
        return { text: INSERT, values: ["", stream, 1, e.type, e.schemaVersion, e.data, e.metadata] }
      }),
      await raw("raw pg: cartable_append_one, a plain text (planned each call)", await migrated(), (stream) => ({
        text: APPEND_ONE,
        values: appendValues(stream),
      })),
      await raw("raw pg: cartable_append_one, a named prepared statement", await migrated(), (stream) => ({
        name: "append",
        text: APPEND_ONE,
        values: appendValues(stream),
      })),
      await ours("our driver, spans: true, preparedStatements: false (Statement API)", {
        spans: true,
        preparedStatements: false,
      }),
      await ours("our driver, preparedStatements: false", { preparedStatements: false }),
      await ours("our driver (default)", {}),
    )
    const seconds = new Map<string, number>()
    let next = 0
    for (let chunk = -1; chunk * CHUNK < total; chunk++) {
      const size = chunk < 0 ? CHUNK : Math.min(CHUNK, total - chunk * CHUNK)
      const streams = Array.from({ length: size }, () => streamName("p", next++))
      for (const appender of appenders) {
        const elapsed = await time(() => appender.appendAll(streams))
        if (chunk >= 0) seconds.set(appender.name, (seconds.get(appender.name) ?? 0) + elapsed)
      }
    }
    return appenders.map((appender, i) =>
      figure(workload, appender.name, total, "appends", [seconds.get(appender.name)!], i === 0 ? undefined : baseline),
    )
  } finally {
    for (const appender of appenders) await appender.close()
  }
}

/** The raw client of `users.ts` on a database the adapter migrates. */
export const rawClient = async (
  url: string,
): Promise<{ readonly raw: Users.Raw; readonly close: () => Promise<void> }> => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const stream =
    "SELECT position, stream_version, type, data, metadata FROM cartable_events WHERE tenant = '' AND stream_name = $1 ORDER BY stream_version"
  const page =
    "SELECT position, stream_name, stream_version, type, data, metadata FROM cartable_events WHERE position > $1 AND type <> '$tombstone' ORDER BY position LIMIT $2"
  const keyed = `SELECT e.position, e.stream_version, e.type, e.data, e.metadata, k.subject_id AS key_subject, k.key
    FROM cartable_events e LEFT JOIN cartable_subject_keys k ON k.subject_id = ${Users.sealedSubjectSql("pg")}
    WHERE e.tenant = '' AND e.stream_name = $1 ORDER BY e.stream_version`
  return {
    raw: {
      insert: async (name, version, type, data, metadata) => {
        await client.query(INSERT, ["", name, version, type, 1, data, metadata])
      },
      readStream: async (name) => (await client.query<Users.RawRow>(stream, [name])).rows,
      readStreamKeyed: async (name) => (await client.query<Users.KeyedRawRow>(keyed, [name])).rows,
      page: async (after, limit) => (await client.query<Users.RawRow>(page, [after, limit])).rows,
      keys: async (subjects) =>
        new Map(
          (
            await client.query<{ subject_id: string; key: Buffer | null }>(
              "SELECT subject_id, key FROM cartable_subject_keys WHERE subject_id = ANY($1)",
              [subjects],
            )
          ).rows.map((row) => [row.subject_id, row.key] as const),
        ),
    },
    close: () => client.end(),
  }
}

/**
 * The read side on its own databases: the rebuild of the directory next to
 * node-postgres reading the same rows, then the catch-up lag.
 */
export const readSide = async (
  server: string,
): Promise<{ readonly figures: ReadonlyArray<Figure>; readonly lag: string }> => {
  const names = [`cartable_bench_rebuild_${process.pid}`, `cartable_bench_lag_${process.pid}`]
  try {
    const url = await freshDatabase(server, names[0]!)
    const rawReadAll = async () => {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        const page =
          "SELECT position, stream_name, stream_version, type, schema_version, data, metadata FROM cartable_events WHERE position > $1 AND type <> '$tombstone' ORDER BY position LIMIT $2"
        let after = 0
        let rows = 0
        let check = 0
        for (;;) {
          const { rows: read } = await client.query<{ position: string; data: string; metadata: string }>(page, [
            after,
            1000,
          ])
          for (const row of read) {
            const data = JSON.parse(row.data) as { accountId?: string }
            const metadata = JSON.parse(row.metadata) as { occurredAt?: string }
            check += (data.accountId?.length ?? 0) + (metadata.occurredAt?.length ?? 0)
          }
          rows += read.length
          if (read.length < 1000) break
          after = Number(read[read.length - 1]!.position)
        }
        if (rows > 0 && check <= 0) throw new Error("the raw read parsed nothing")
        return rows
      } finally {
        await client.end()
      }
    }
    const insert: ReadSide.Insert = async (rows, keys) => {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        await client.query("BEGIN")
        await client.query(
          "INSERT INTO cartable_subject_keys (subject_id, key) SELECT * FROM unnest($1::text[], $2::bytea[])",
          [keys.map((k) => k.subject), keys.map((k) => Buffer.from(k.key))],
        )
        await client.query(
          `INSERT INTO cartable_events ${COLUMNS}
           SELECT '', * FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::text[], $6::text[])`,
          [
            rows.map((r) => r.stream),
            rows.map((r) => r.version),
            rows.map((r) => r.type),
            rows.map((r) => r.schemaVersion),
            rows.map((r) => r.data),
            rows.map((r) => r.metadata),
          ],
        )
        await client.query("COMMIT")
      } finally {
        await client.end()
      }
    }
    const figures = await ReadSide.rebuild(
      PostgresEventStore.layer({ url, catalog: ReadSide.domainCatalog }),
      insert,
      rawReadAll,
    )
    const lagUrl = await freshDatabase(server, names[1]!)
    const lag = await ReadSide.lag(PostgresEventStore.layer({ url: lagUrl, catalog: ReadSide.domainCatalog }))
    return { figures, lag }
  } finally {
    await dropDatabases(server, names).catch(() => undefined)
  }
}

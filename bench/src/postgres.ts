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
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import pg from "pg"
import {
  type Args,
  catalog,
  encodedEvent,
  type Figure,
  figure,
  foldData,
  type ItemNoted,
  newEvent,
  streamName,
  time,
} from "./harness.ts"

/** The table of the PostgreSQL migration, for the raw driver. */
const DDL = `CREATE TABLE IF NOT EXISTS cartable_events (
  position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
const INSERT = `INSERT INTO cartable_events ${COLUMNS} VALUES ($1, $2, $3, $4, $5, $6, $7)`

const databaseUrl = (server: string, name: string) => {
  const url = new URL(server)
  url.pathname = `/${name}`
  return url.toString()
}

/** A fresh database per variant, so that all start from the same empty table. */
const freshDatabase = async (server: string, name: string): Promise<string> => {
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

const dropDatabases = async (server: string, names: ReadonlyArray<string>) => {
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  try {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  } finally {
    await admin.end()
  }
}

const openOurs = (url: string, maxConnections = 10) =>
  ManagedRuntime.make(
    Layer.provideMerge(
      EventStore.layer(catalog),
      Layer.merge(PostgresEventStore.layer({ url, maxConnections }), SubjectKeyStore.layerMemory),
    ),
  )

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
      sample(
        "single/raw",
        await time(async () => {
          for (const [stream, v] of order) {
            const e = encodedEvent(stream, v)
            await raw.query(INSERT, ["", stream, v, e.type, e.schemaVersion, e.data, e.metadata])
          }
        }),
      )
      const ours = openOurs(await database())
      const oursTyped = openOurs(await database())
      try {
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
        sample(
          "single/typed",
          await time(() =>
            oursTyped.runPromise(
              Effect.gen(function* () {
                for (const [stream, v] of order) {
                  yield* store.append(stream as StreamName.StreamName, ExpectedVersion.exact(v - 1), [
                    newEvent(stream, v),
                  ])
                }
              }),
            ),
          ),
        )
        let check = 0
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
                for (const stream of streams) {
                  const events = yield* store.readStream(stream as StreamName.StreamName)
                  check += events.reduce((state, r) => state + (r.event as typeof ItemNoted.Type).seq, 0)
                }
              }),
            ),
          ),
        )
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
      } finally {
        await raw.end()
        await ours.dispose()
        await oursTyped.dispose()
      }

      // Concurrent writers: what the append lock costs when appends contend --------
      {
        const pool = new pg.Pool({ connectionString: await database(), max: sizes.writers })
        await pool.query(DDL)
        sample(
          "concurrent/raw",
          await time(async () => {
            await Promise.all(
              Array.from({ length: sizes.writers }, async (_, w) => {
                for (let i = 1; i <= sizes.writerAppends; i++) {
                  const stream = streamName(`w${w}-`, i)
                  const e = encodedEvent(stream, 1)
                  await pool.query(INSERT, ["", stream, 1, e.type, e.schemaVersion, e.data, e.metadata])
                }
              }),
            )
          }),
        )
        await pool.end()
        const runtime = openOurs(await database(), sizes.writers)
        try {
          const driver = await runtime.runPromise(EventStoreDriver)
          sample(
            "concurrent/driver",
            await time(() =>
              runtime.runPromise(
                Effect.forEach(
                  Array.from({ length: sizes.writers }, (_, w) => w),
                  (w) =>
                    Effect.forEach(
                      Array.from({ length: sizes.writerAppends }, (_, i) => i + 1),
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
              ),
            ),
          )
        } finally {
          await runtime.dispose()
        }
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
          const driver = await runtime.runPromise(EventStoreDriver)
          const store = await runtimeTyped.runPromise(EventStore.EventStore)
          sample(
            "batch/driver",
            await time(() =>
              runtime.runPromise(
                Effect.gen(function* () {
                  for (let s = 0; s < sizes.batchStreams; s++) {
                    const stream = streamName("b", s)
                    const events = Array.from({ length: sizes.batchSize }, (_, i) => encodedEvent(stream, i + 1))
                    yield* driver.append(stream as StreamName.StreamName, ExpectedVersion.noStream, events)
                  }
                }),
              ),
            ),
          )
          sample(
            "batch/typed",
            await time(() =>
              runtimeTyped.runPromise(
                Effect.gen(function* () {
                  for (let s = 0; s < sizes.batchStreams; s++) {
                    const stream = streamName("b", s)
                    const events = Array.from({ length: sizes.batchSize }, (_, i) => newEvent(stream, i + 1))
                    yield* store.append(stream as StreamName.StreamName, ExpectedVersion.noStream, events)
                  }
                }),
              ),
            ),
          )
        } finally {
          await runtime.dispose()
          await runtimeTyped.dispose()
        }
      }
      await dropDatabases(server, databases.splice(0))
    }

    const s = (key: string) => samples.get(key)!
    const rawSingle = "raw pg: one INSERT, autocommit"
    const rawConcurrent = `raw pg: one INSERT, autocommit, pool of ${sizes.writers}`
    const rawBatch = "raw pg: one multi-row INSERT"
    const rawFold = "raw pg: SELECT, JSON.parse, fold"
    const rawAll = "raw pg"
    const writes = sizes.writers * sizes.writerAppends
    return [
      figure(single, rawSingle, appends, "appends", s("single/raw")),
      figure(single, "our driver (PostgresEventStore)", appends, "appends", s("single/driver"), rawSingle),
      figure(single, "typed EventStore over it (Schema encode)", appends, "appends", s("single/typed"), rawSingle),
      figure(concurrent, rawConcurrent, writes, "appends", s("concurrent/raw")),
      figure(
        concurrent,
        "our driver (appends serialised by the lock)",
        writes,
        "appends",
        s("concurrent/driver"),
        rawConcurrent,
      ),
      figure(batch, rawBatch, batchEvents, "events", s("batch/raw")),
      figure(batch, "our driver (PostgresEventStore)", batchEvents, "events", s("batch/driver"), rawBatch),
      figure(batch, "typed EventStore over it (Schema encode)", batchEvents, "events", s("batch/typed"), rawBatch),
      figure(fold, rawFold, sizes.singleStreams, "streams", s("fold/raw")),
      figure(
        fold,
        "our driver: readStream, JSON.parse, fold",
        sizes.singleStreams,
        "streams",
        s("fold/driver"),
        rawFold,
      ),
      figure(
        fold,
        "typed EventStore: readStream (Schema decode), fold",
        sizes.singleStreams,
        "streams",
        s("fold/typed"),
        rawFold,
      ),
      figure(readAll, rawAll, appends, "events", s("all/raw")),
      figure(readAll, "our driver", appends, "events", s("all/driver"), rawAll),
      figure(readAll, "typed EventStore (Schema decode)", appends, "events", s("all/typed"), rawAll),
    ]
  } finally {
    await dropDatabases(server, databases).catch(() => undefined)
  }
}

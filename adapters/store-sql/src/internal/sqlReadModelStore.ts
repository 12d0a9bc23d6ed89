import {
  type Backend,
  type Checkpoint,
  CheckpointConflict,
  type Commit,
  type Entry,
  type Filter,
  type Found,
  fromBackend,
  keyTaken,
  ReadModelError,
  type StoredDocument,
  unknownIndex,
  unknownTable,
} from "@cartable/projections/ReadModelStore"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type { Fragment } from "@effect/sql/Statement"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Executor from "./executor.ts"
import { statementName } from "./executor.ts"
import { immediateTransaction, migrate } from "./migrations.ts"
import { readModelStore } from "./readModelMigrations.ts"

/**
 * The tables of a read-model table `t`: `rm_d_t` holds its documents (key,
 * body, the index values as put), `rm_i_t` one row per (index, value, key), its
 * primary key serving both the equality and the prefix scans in order, and
 * `rm_k_t` indexes those rows by key, to replace a document's entries. Names are
 * checked (`[a-z][a-z0-9_]*`, at most 48 characters) before they reach a
 * statement, and the prefixes differ, so no two tables can share a name.
 */
const documentsOf = (table: string) => `rm_d_${table}`
const entriesOf = (table: string) => `rm_i_${table}`
const keyIndexOf = (table: string) => `rm_k_${table}`

/** Rows per statement, well under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const CHUNK = 1000
/** Body characters per INSERT statement, so that a batch of large documents is sent in parts. */
const CHUNK_CHARACTERS = 32 * 1024 * 1024

/** PostgreSQL: the advisory lock key that serialises ensureTable and dropTable ("cartrmdl" in ASCII). */
const DDL_LOCK_KEY = 0x63617274_726d646cn

interface DocumentRow {
  readonly key: string
  readonly body: string
  readonly indexes: string
  readonly matched?: string
}

interface EntryRow {
  readonly key: string
  readonly matched?: string | null
}

const chunks = <A>(items: ReadonlyArray<A>, size: number): ReadonlyArray<ReadonlyArray<A>> => {
  const parts: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size))
  return parts
}

/** Documents in parts of at most CHUNK rows and CHUNK_CHARACTERS of bodies. */
const documentChunks = (documents: ReadonlyArray<StoredDocument>): ReadonlyArray<ReadonlyArray<StoredDocument>> => {
  const parts: Array<Array<StoredDocument>> = []
  let part: Array<StoredDocument> = []
  let size = 0
  for (const document of documents) {
    if (part.length > 0 && (part.length === CHUNK || size + document.body.length > CHUNK_CHARACTERS)) {
      parts.push(part)
      part = []
      size = 0
    }
    part.push(document)
    size += document.body.length
  }
  if (part.length > 0) parts.push(part)
  return parts
}

const toDocument = (row: DocumentRow): StoredDocument => ({
  key: row.key,
  body: row.body,
  index: JSON.parse(row.indexes) as Record<string, ReadonlyArray<string>>,
})

const failed = (message: string, table?: string) => (cause: SqlError | Error) => {
  const inner = (cause as { readonly cause?: unknown }).cause
  const detail = inner instanceof Error ? inner.message : cause.message
  return new ReadModelError({
    reason: "Unavailable",
    message: `${message}: ${detail}`,
    cause,
    ...(table === undefined ? {} : { table }),
  })
}

/** A failure of the effect run in a transaction, kept apart from the transaction's own SqlError. */
class Inner<E> {
  constructor(readonly error: E) {}
}

export const make = Effect.gen(function* () {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  yield* migrate(sql, readModelStore).pipe(Effect.mapError(failed("The read-model store's migrations failed")))
  const isPg = sql.onDialectOrElse({ pg: () => true, orElse: () => false })
  // The database's clock, in milliseconds: leases must not depend on the processes' clocks.
  const now = sql.literal(
    isPg ? "(extract(epoch FROM clock_timestamp()) * 1000)::bigint" : "CAST(unixepoch('subsec') * 1000 AS INTEGER)",
  )

  // On SQLite a transaction starts with BEGIN IMMEDIATE, which takes the file's write lock first: a
  // deferred BEGIN that reads, then writes, fails when another process wrote in between. Inside a
  // transaction, the client's own makes a savepoint. Appends of the driver made inside it run on its connection.
  const begin = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | SqlError, R> =>
    isPg
      ? sql.withTransaction(effect)
      : Effect.flatMap(Effect.serviceOption(SqlClient.TransactionConnection), (connection) =>
          Option.isSome(connection) ? sql.withTransaction(effect) : immediateTransaction(sql, effect),
        )

  const withTransaction = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | ReadModelError, R> =>
    begin(Effect.mapError(effect, (error) => new Inner(error))).pipe(
      Effect.catchAll((error) =>
        Effect.fail(error instanceof Inner ? (error.error as E) : failed("The read-model transaction failed")(error)),
      ),
    )

  /**
   * The tables this store has seen and their indexes: a read or a commit checks against it without a
   * round trip. Only a positive answer is trusted: an unknown table or index is read again from
   * `cartable_read_models` before it fails (another process may have created it), and a statement that
   * fails on a table the cache knows forgets it (another process may have dropped it).
   */
  const known = new Map<string, ReadonlySet<string>>()

  const specs = (names: ReadonlyArray<string>) =>
    Effect.map(
      sql<{ readonly name: string; readonly indexes: string }>`SELECT name, indexes FROM cartable_read_models
                                                                WHERE name IN ${sql.in(names)}`,
      (rows) => {
        const found = new Map(rows.map((row) => [row.name, new Set(JSON.parse(row.indexes) as ReadonlyArray<string>)]))
        for (const name of names) {
          const indexes = found.get(name)
          if (indexes === undefined) known.delete(name)
          else known.set(name, indexes)
        }
        return found as ReadonlyMap<string, ReadonlySet<string>>
      },
    )

  const forget = (tables: Iterable<string>) => {
    for (const table of tables) known.delete(table)
  }

  const covers = (indexes: ReadonlySet<string> | undefined, needed: Iterable<string>): boolean => {
    if (indexes === undefined) return false
    for (const index of needed) if (!indexes.has(index)) return false
    return true
  }

  /** The declared indexes of each table, from the cache when it covers what is needed. */
  const specsCovering = (needs: ReadonlyMap<string, ReadonlySet<string>>) =>
    [...needs].every(([table, indexes]) => covers(known.get(table), indexes))
      ? Effect.succeed(known as ReadonlyMap<string, ReadonlySet<string>>)
      : specs([...needs.keys()])

  /** Runs `effect` after checking the table and index; forgets the table when the statement fails. */
  const checked = <A, E, R>(table: string, filter: Filter | undefined, effect: Effect.Effect<A, E | SqlError, R>) =>
    Effect.gen(function* () {
      const needed = filter !== undefined && filter._tag !== "All" ? [filter.index] : []
      // The common case, a table the cache knows read by key: no map to build.
      if (needed.length === 0 && known.has(table)) return yield* Effect.catchAll(effect, dropped(table))
      const found = (yield* specsCovering(new Map([[table, new Set(needed)]]))).get(table)
      if (found === undefined) return yield* Effect.fail(unknownTable(table))
      for (const index of needed) if (!found.has(index)) return yield* Effect.fail(unknownIndex(table, index))
      return yield* Effect.catchAll(effect, dropped(table))
    })

  /** A statement that failed on a cached table: dropped by another process since, said as for one never created. */
  const dropped =
    (table: string) =>
    <E>(error: E): Effect.Effect<never, E | ReadModelError | SqlError> =>
      Effect.flatMap(
        Effect.suspend(() => {
          forget([table])
          return specs([table])
        }),
        (again) => Effect.fail(again.has(table) ? error : unknownTable(table)),
      )

  const mapped =
    (message: string, table?: string) =>
    <A, E, R>(effect: Effect.Effect<A, E | SqlError, R>): Effect.Effect<A, Exclude<E, SqlError> | ReadModelError, R> =>
      Effect.catchIf(
        effect,
        (error): error is SqlError => (error as { readonly _tag?: unknown })._tag === "SqlError",
        (error) => Effect.fail(failed(message, table)(error)),
      ) as Effect.Effect<A, Exclude<E, SqlError> | ReadModelError, R>

  const ddlLock = isPg ? sql`SELECT pg_advisory_xact_lock(${sql.literal(String(DDL_LOCK_KEY))})` : Effect.void

  const ensureTable: Backend["ensureTable"] = (spec) =>
    begin(
      Effect.gen(function* () {
        yield* ddlLock
        const existing = (yield* specs([spec.name])).get(spec.name)
        const merged = [...new Set([...(existing ?? []), ...spec.indexes])].sort()
        if (existing !== undefined && merged.length === existing.size) return
        const text = isPg ? `TEXT COLLATE "C"` : "TEXT"
        const organised = isPg ? "" : " WITHOUT ROWID"
        yield* sql.unsafe(`CREATE TABLE IF NOT EXISTS ${documentsOf(spec.name)} (
          key ${text} PRIMARY KEY, body TEXT NOT NULL, indexes TEXT NOT NULL)${organised}`)
        yield* sql.unsafe(`CREATE TABLE IF NOT EXISTS ${entriesOf(spec.name)} (
          name ${text} NOT NULL, value ${text} NOT NULL, key ${text} NOT NULL,
          PRIMARY KEY (name, value, key))${organised}`)
        yield* sql.unsafe(`CREATE INDEX IF NOT EXISTS ${keyIndexOf(spec.name)} ON ${entriesOf(spec.name)} (key)`)
        const indexes = JSON.stringify(merged)
        yield* sql`INSERT INTO cartable_read_models (name, indexes) VALUES (${spec.name}, ${indexes})
                   ON CONFLICT (name) DO UPDATE SET indexes = excluded.indexes`
        known.delete(spec.name)
      }),
    ).pipe(mapped(`Could not create read-model table ${spec.name}`, spec.name))

  const dropTable: Backend["dropTable"] = (table) =>
    begin(
      Effect.gen(function* () {
        yield* ddlLock
        yield* sql.unsafe(`DROP TABLE IF EXISTS ${entriesOf(table)}`)
        yield* sql.unsafe(`DROP TABLE IF EXISTS ${documentsOf(table)}`)
        yield* sql`DELETE FROM cartable_read_models WHERE name = ${table}`
        known.delete(table)
      }),
    ).pipe(mapped(`Could not drop read-model table ${table}`, table))

  const tables: Backend["tables"] = sql<{ readonly name: string }>`SELECT name FROM cartable_read_models
                                                                    ORDER BY name`.pipe(
    Effect.map((rows) => rows.map((row) => row.name)),
    mapped("Could not list the read-model tables"),
  )

  // A get runs on the driver's direct path (docs/performance.md "Importing a directory"): its two texts
  // per table are compiled once (a named prepared statement each on PostgreSQL), one key as a parameter,
  // several as one JSON array, so that a get is one step on the statement, not a Statement's span and scope.
  const executor = yield* Executor.make(sql, { instrumented: false, preparedStatements: true })
  interface GetTexts {
    readonly one: string
    readonly oneName: string
    readonly many: string
    readonly manyName: string
  }
  const getTexts = new Map<string, GetTexts>()
  const getTextsOf = (table: string): GetTexts => {
    const found = getTexts.get(table)
    if (found !== undefined) return found
    const documents = sql(documentsOf(table))
    const one = sql`SELECT key, body, indexes FROM ${documents} WHERE key = ${""}`.compile()[0]
    const many = isPg
      ? sql`SELECT key, body, indexes FROM ${documents}
            WHERE key IN (SELECT jsonb_array_elements_text(CAST(${""} AS jsonb)))`.compile()[0]
      : sql`SELECT key, body, indexes FROM ${documents} WHERE key IN (SELECT value FROM json_each(${""}))`.compile()[0]
    const texts = {
      one,
      oneName: statementName("cartable_rm_get", one),
      many,
      manyName: statementName("cartable_rm_get", many),
    }
    getTexts.set(table, texts)
    return texts
  }

  const get: Backend["get"] = (table, keys) =>
    checked(
      table,
      undefined,
      Effect.gen(function* () {
        const texts = getTextsOf(table)
        if (keys.length === 1) return (yield* executor.run<DocumentRow>(texts.one, keys, texts.oneName)).map(toDocument)
        const found: Array<StoredDocument> = []
        for (const part of chunks(keys, CHUNK)) {
          const rows = yield* executor.run<DocumentRow>(texts.many, [JSON.stringify(part)], texts.manyName)
          for (const row of rows) found.push(toDocument(row))
        }
        return found
      }),
    ).pipe(mapped(`Could not read read-model table ${table}`, table))

  const where = (filter: Filter, after: { readonly key: string; readonly value: string | undefined } | undefined) => {
    const clauses: Array<Fragment> = []
    if (filter._tag === "All") {
      if (after !== undefined) clauses.push(sql`key > ${after.key}`)
      return clauses
    }
    clauses.push(sql`i.name = ${filter.index}`)
    if (filter._tag === "Equals") {
      clauses.push(sql`i.value = ${filter.value}`)
      if (after !== undefined) clauses.push(sql`i.key > ${after.key}`)
      return clauses
    }
    clauses.push(sql`i.value >= ${filter.prefix}`)
    if (filter.end !== undefined) clauses.push(sql`i.value < ${filter.end}`)
    if (after !== undefined) clauses.push(sql`(i.value, i.key) > (${after.value ?? ""}, ${after.key})`)
    return clauses
  }

  const find: Backend["find"] = (table, scan) =>
    checked(
      table,
      scan.filter,
      Effect.gen(function* () {
        const filter = scan.filter
        const clauses = where(filter, scan.after)
        const documents = sql(documentsOf(table))
        const rows =
          filter._tag === "All"
            ? yield* sql<DocumentRow>`SELECT key, body, indexes FROM ${documents}
                                    WHERE ${sql.and(clauses)} ORDER BY key LIMIT ${scan.limit}`
            : filter._tag === "Equals"
              ? yield* sql<DocumentRow>`SELECT d.key, d.body, d.indexes
                                      FROM ${sql(entriesOf(table))} i JOIN ${documents} d ON d.key = i.key
                                      WHERE ${sql.and(clauses)} ORDER BY i.key LIMIT ${scan.limit}`
              : yield* sql<DocumentRow>`SELECT i.value AS matched, d.key, d.body, d.indexes
                                      FROM ${sql(entriesOf(table))} i JOIN ${documents} d ON d.key = i.key
                                      WHERE ${sql.and(clauses)} ORDER BY i.value, i.key LIMIT ${scan.limit}`
        return rows.map((row): Found => ({ document: toDocument(row), value: row.matched }))
      }),
    ).pipe(mapped(`Could not read read-model table ${table}`, table))

  const entries: Backend["entries"] = (table, scan) =>
    checked(
      table,
      scan.filter,
      Effect.gen(function* () {
        const filter = scan.filter
        const clauses = where(filter, scan.after)
        const rows =
          filter._tag === "All"
            ? yield* sql<EntryRow>`SELECT key FROM ${sql(documentsOf(table))}
                                 WHERE ${sql.and(clauses)} ORDER BY key LIMIT ${scan.limit}`
            : yield* sql<EntryRow>`SELECT i.key, i.value AS matched FROM ${sql(entriesOf(table))} i
                                 WHERE ${sql.and(clauses)}
                                 ORDER BY ${filter._tag === "Equals" ? sql`i.key` : sql`i.value, i.key`}
                                 LIMIT ${scan.limit}`
        return rows.map((row): Entry => ({ key: row.key, value: row.matched ?? undefined }))
      }),
    ).pipe(mapped(`Could not read read-model table ${table}`, table))

  const count: Backend["count"] = (table, filter) =>
    checked(
      table,
      filter,
      Effect.gen(function* () {
        const clauses = where(filter, undefined)
        const [row] =
          filter._tag === "All"
            ? yield* sql<{ readonly n: number | string }>`SELECT count(*) AS n FROM ${sql(documentsOf(table))}`
            : yield* sql<{ readonly n: number | string }>`SELECT count(*) AS n FROM ${sql(entriesOf(table))} i
                                                        WHERE ${sql.and(clauses)}`
        return Number(row?.n ?? 0)
      }),
    ).pipe(mapped(`Could not count read-model table ${table}`, table))

  const positionOf = (id: string) =>
    Effect.map(
      sql<{ readonly position: number | string }>`SELECT position FROM cartable_checkpoints WHERE id = ${id}`,
      (rows) => (rows[0] === undefined ? 0 : Number(rows[0].position)),
    )

  const moveCheckpoint = (move: NonNullable<Commit["checkpoint"]>) =>
    Effect.gen(function* () {
      // The row is the compare-and-set: a concurrent mover waits for it, then finds it moved.
      const moved =
        move.from === 0
          ? yield* sql`INSERT INTO cartable_checkpoints (id, position, updated_at) VALUES (${move.id}, ${move.to}, ${now})
                       ON CONFLICT (id) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
                       WHERE cartable_checkpoints.position = 0 RETURNING id`
          : yield* sql`UPDATE cartable_checkpoints SET position = ${move.to}, updated_at = ${now}
                       WHERE id = ${move.id} AND position = ${move.from} RETURNING id`
      if (moved.length > 0) return
      const actual = yield* positionOf(move.id)
      return yield* Effect.fail(new CheckpointConflict({ id: move.id, expected: move.from, actual }))
    })

  const writeChanges = (changes: Commit["changes"][number]) =>
    Effect.gen(function* () {
      const documents = sql(documentsOf(changes.table))
      const entries = sql(entriesOf(changes.table))
      const touched = [...changes.delete, ...changes.put.map((document) => document.key)]
      for (const part of chunks(touched, CHUNK)) yield* sql`DELETE FROM ${entries} WHERE key IN ${sql.in(part)}`
      for (const part of chunks(changes.delete, CHUNK))
        yield* sql`DELETE FROM ${documents} WHERE key IN ${sql.in(part)}`
      for (const part of documentChunks(changes.put)) {
        const rows = part.map((document) => ({
          key: document.key,
          body: document.body,
          indexes: JSON.stringify(document.index),
        }))
        yield* sql`INSERT INTO ${documents} ${sql.insert(rows)}
                   ON CONFLICT (key) DO UPDATE SET body = excluded.body, indexes = excluded.indexes`
      }
      // An insert is a claim: a key already held (or inserted by a transaction that commits first) is refused.
      for (const part of documentChunks(changes.insert ?? [])) {
        const rows = part.map((document) => ({
          key: document.key,
          body: document.body,
          indexes: JSON.stringify(document.index),
        }))
        const written = yield* sql<{ key: string }>`INSERT INTO ${documents} ${sql.insert(rows)}
                   ON CONFLICT (key) DO NOTHING RETURNING key`
        if (written.length < rows.length) {
          const done = new Set(written.map((row) => row.key))
          return yield* Effect.fail(keyTaken(changes.table, rows.find((row) => !done.has(row.key))!.key))
        }
      }
      const rows = [...changes.put, ...(changes.insert ?? [])].flatMap((document) =>
        Object.entries(document.index).flatMap(([name, values]) =>
          values.map((value) => ({ name, value, key: document.key })),
        ),
      )
      for (const part of chunks(rows, CHUNK)) yield* sql`INSERT INTO ${entries} ${sql.insert(part)}`
    })

  const commit: Backend["commit"] = (commit) =>
    begin(
      Effect.gen(function* () {
        const needs = new Map<string, Set<string>>()
        for (const changes of commit.changes) {
          const indexes = needs.get(changes.table) ?? new Set<string>()
          for (const document of changes.put) for (const index of Object.keys(document.index)) indexes.add(index)
          needs.set(changes.table, indexes)
        }
        const declared = needs.size === 0 ? new Map<string, ReadonlySet<string>>() : yield* specsCovering(needs)
        for (const changes of commit.changes) {
          const indexes = declared.get(changes.table)
          if (indexes === undefined) return yield* Effect.fail(unknownTable(changes.table))
          for (const document of [...changes.put, ...(changes.insert ?? [])]) {
            for (const index of Object.keys(document.index)) {
              if (!indexes.has(index)) return yield* Effect.fail(unknownIndex(changes.table, index))
            }
          }
        }
        if (commit.checkpoint !== undefined) yield* moveCheckpoint(commit.checkpoint)
        yield* Effect.forEach(commit.changes, writeChanges, { discard: true }).pipe(
          Effect.tapError(() => Effect.sync(() => forget(needs.keys()))),
        )
      }),
    ).pipe(mapped("Could not commit to the read-model store"))

  interface CheckpointRow {
    readonly id: string
    readonly position: number | string
    readonly updated_at: number | string
  }
  const toCheckpoint = (row: CheckpointRow): Checkpoint => ({
    id: row.id,
    position: Number(row.position),
    updatedAt: Number(row.updated_at),
  })

  const checkpoint: Backend["checkpoint"] = (id) =>
    sql<CheckpointRow>`SELECT id, position, updated_at FROM cartable_checkpoints WHERE id = ${id}`.pipe(
      Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toCheckpoint)),
      mapped(`Could not read checkpoint ${id}`),
    )

  const checkpoints: Backend["checkpoints"] = sql<CheckpointRow>`SELECT id, position, updated_at
                                                                  FROM cartable_checkpoints ORDER BY id`.pipe(
    Effect.map((rows) => rows.map(toCheckpoint)),
    mapped("Could not read the checkpoints"),
  )

  const resetCheckpoint: Backend["resetCheckpoint"] = (id) =>
    sql`DELETE FROM cartable_checkpoints WHERE id = ${id}`.pipe(
      Effect.asVoid,
      mapped(`Could not reset checkpoint ${id}`),
    )

  // One statement, so that two runners racing for a lease cannot both take it.
  const acquireLease: Backend["acquireLease"] = (id, holder, ttlMillis) =>
    sql`INSERT INTO cartable_leases (id, holder, expires_at) VALUES (${id}, ${holder}, ${now} + ${ttlMillis})
        ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
        WHERE cartable_leases.holder = excluded.holder OR cartable_leases.expires_at <= ${now}
        RETURNING holder`.pipe(
      Effect.map((rows) => rows.length > 0),
      mapped(`Could not acquire lease ${id}`),
    )

  const releaseLease: Backend["releaseLease"] = (id, holder) =>
    sql`DELETE FROM cartable_leases WHERE id = ${id} AND holder = ${holder}`.pipe(
      Effect.asVoid,
      mapped(`Could not release lease ${id}`),
    )

  const leases: Backend["leases"] = sql<{
    readonly id: string
    readonly holder: string
    readonly expires_at: number | string
  }>`SELECT id, holder, expires_at FROM cartable_leases WHERE expires_at > ${now} ORDER BY id`.pipe(
    Effect.map((rows) => rows.map((row) => ({ id: row.id, holder: row.holder, expiresAt: Number(row.expires_at) }))),
    mapped("Could not read the leases"),
  )

  return fromBackend({
    ensureTable,
    dropTable,
    tables,
    get,
    find,
    entries,
    count,
    commit,
    checkpoint,
    checkpoints,
    resetCheckpoint,
    acquireLease,
    releaseLease,
    leases,
    withTransaction,
  })
})

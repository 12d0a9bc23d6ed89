import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { parallelAppends } from "./parallelAppendsMigration.ts"
import { createSubjectKeys } from "./subjectKeysMigration.ts"

/**
 * The table of the event log. `position` is the global order; `tenant` is derived
 * from the stream name so it can become a distribution column (docs/operations.md);
 * UNIQUE(tenant, stream_name, stream_version) is the optimistic-concurrency check.
 * A tombstone is a row of type `$tombstone` after the stream's last event, so that
 * the unique key alone also stops an append racing a tombstone.
 */
/** The events table as the first migration creates it, in a dialect. */
export const eventsTableDdl = (dialect: "pg" | "sqlite"): string => `
      CREATE TABLE IF NOT EXISTS cartable_events (
        position ${dialect === "pg" ? "BIGINT GENERATED ALWAYS AS IDENTITY" : "INTEGER"} PRIMARY KEY,
        tenant TEXT NOT NULL,
        stream_name TEXT NOT NULL,
        stream_version INTEGER NOT NULL CHECK (stream_version >= 1),
        type TEXT NOT NULL CHECK (type <> ''),
        schema_version INTEGER NOT NULL CHECK (schema_version >= 1),
        data TEXT NOT NULL,
        metadata TEXT NOT NULL,
        CONSTRAINT cartable_events_stream_version UNIQUE (tenant, stream_name, stream_version)
      )`

const createEvents = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.onDialectOrElse({
    pg: () => sql.unsafe(eventsTableDdl("pg")),
    orElse: () => sql.unsafe(eventsTableDdl("sqlite")),
  })
  // PostgreSQL only: the append, as one function call (replaced by migration 0004,
  // parallelAppendsMigration.ts: no global lock since). PostgreSQL commits
  // concurrent transactions in any order; the function takes a transaction-scoped
  // advisory lock, held until commit, before it draws positions, so positions are
  // committed in position order and a reader never sees a position below one it
  // saw. Being VOLATILE, it reads the stream's head with a snapshot taken after the
  // lock was granted, so the expected version is checked against the latest
  // commit, and PL/pgSQL keeps its statements planned across calls (the same
  // INSERT sent as text is planned on every call: docs/performance.md).
  // `p_expected`: NULL for any version, 0 for no stream, n for exactly n. It
  // returns the rows written, or none when the expectation or a tombstone refuses
  // the append.
  yield* sql.onDialectOrElse({
    pg: () => sql`
      CREATE OR REPLACE FUNCTION cartable_append(
        p_lock BIGINT, p_tenant TEXT, p_stream TEXT, p_expected INTEGER,
        p_types TEXT[], p_schema_versions INTEGER[], p_data TEXT[], p_metadata TEXT[],
        OUT o_position BIGINT, OUT o_version INTEGER
      ) RETURNS SETOF record LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        head_version INTEGER;
        head_type TEXT;
      BEGIN
        PERFORM pg_advisory_xact_lock(p_lock);
        SELECT e.stream_version, e.type INTO head_version, head_type FROM cartable_events e
        WHERE e.tenant = p_tenant AND e.stream_name = p_stream
        ORDER BY e.stream_version DESC LIMIT 1;
        IF head_type = '$tombstone' OR (p_expected IS NOT NULL AND COALESCE(head_version, 0) <> p_expected) THEN
          RETURN;
        END IF;
        RETURN QUERY
          INSERT INTO cartable_events (tenant, stream_name, stream_version, type, schema_version, data, metadata)
          SELECT p_tenant, p_stream, COALESCE(head_version, 0) + u.k, u.type, u.schema_version, u.data, u.metadata
          FROM unnest(p_types, p_schema_versions, p_data, p_metadata)
            WITH ORDINALITY AS u (type, schema_version, data, metadata, k)
          ORDER BY u.k
          RETURNING position, stream_version;
      END
      $$`,
    orElse: () => Effect.void,
  })
})

/**
 * PostgreSQL only: `cartable_append_one`, the same append as `cartable_append` for
 * the commonest case, one event (a command handler's decision). Scalar parameters
 * and a scalar result spare the server the array literals, `unnest` and the set
 * result: about 20 µs of a 250 µs append (docs/performance.md). It returns
 * `[version, position]`, or NULL when the expectation or a tombstone refuses it.
 * Replaced by migration 0004 (without the global lock).
 */
const createAppendOne = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.onDialectOrElse({
    pg: () => sql`
      CREATE OR REPLACE FUNCTION cartable_append_one(
        p_lock BIGINT, p_tenant TEXT, p_stream TEXT, p_expected INTEGER,
        p_type TEXT, p_schema_version INTEGER, p_data TEXT, p_metadata TEXT
      ) RETURNS BIGINT[] LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        head_version INTEGER;
        head_type TEXT;
        new_position BIGINT;
      BEGIN
        PERFORM pg_advisory_xact_lock(p_lock);
        SELECT e.stream_version, e.type INTO head_version, head_type FROM cartable_events e
        WHERE e.tenant = p_tenant AND e.stream_name = p_stream
        ORDER BY e.stream_version DESC LIMIT 1;
        IF head_type = '$tombstone' OR (p_expected IS NOT NULL AND COALESCE(head_version, 0) <> p_expected) THEN
          RETURN NULL;
        END IF;
        INSERT INTO cartable_events (tenant, stream_name, stream_version, type, schema_version, data, metadata)
        VALUES (p_tenant, p_stream, COALESCE(head_version, 0) + 1, p_type, p_schema_version, p_data, p_metadata)
        RETURNING position INTO new_position;
        RETURN ARRAY[COALESCE(head_version, 0) + 1, new_position];
      END
      $$`,
    orElse: () => Effect.void,
  })
})

/**
 * The migrations of the SQL event store, run by `Migrator.fromRecord` under the
 * `cartable_migrations` table. Keys are `<id>_<name>`; add, never edit or remove.
 */
export const migrations: Record<string, Effect.Effect<void, unknown, SqlClient.SqlClient>> = {
  "0001_create_events": createEvents,
  "0002_subject_keys": createSubjectKeys,
  "0003_append_one": createAppendOne,
  "0004_parallel_appends": parallelAppends,
}

/** The Migrator's own table, prefixed so that it does not collide with the application's. */
export const migrationsTable = "cartable_migrations"

/**
 * PostgreSQL: the advisory lock key that serialises migrations across processes,
 * "cartmigr" in ASCII: apart from the keys of the append path (parallelAppendsMigration.ts),
 * so that migrating never waits for appends it does not touch.
 */
export const MIGRATION_LOCK_KEY = 0x63617274_6d696772n

/** Why the schema could not be brought up to date. */
export class MigrationFailed extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message)
  }
}

/**
 * SQLite: runs `effect` in a `BEGIN IMMEDIATE` transaction, which takes the file's
 * write lock before anything is read (waiting up to the busy timeout for another
 * process). A deferred `BEGIN` would read the migrations table first, then fail to
 * upgrade to a writer while another process migrates; @effect/sql's Migrator takes
 * that failure for "migrations already running" and returns before they are
 * committed, and the process opens on a schema that is not there yet.
 */
export const immediateTransaction = <A, E, R>(
  sql: SqlClient.SqlClient,
  effect: Effect.Effect<A, E, R>,
): Effect.Effect<A, E | SqlError, R> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.scoped(
      Effect.gen(function* () {
        const conn = yield* sql.reserve
        yield* conn.executeUnprepared("BEGIN IMMEDIATE", [], undefined)
        // Statements of `effect`, the Migrator's own transaction among them (a savepoint), run on this connection.
        const exit = yield* Effect.exit(
          restore(Effect.provideService(effect, SqlClient.TransactionConnection, [conn, 0] as const)),
        )
        if (Exit.isSuccess(exit)) {
          yield* conn.executeUnprepared("COMMIT", [], undefined)
          return exit.value
        }
        yield* Effect.ignore(conn.executeUnprepared("ROLLBACK", [], undefined))
        return yield* exit
      }),
    ),
  )

/**
 * PostgreSQL: runs `effect` in a transaction that first takes the migration lock,
 * then creates the migrations table. @effect/sql's Migrator creates its table
 * before it locks it, so processes starting together on a fresh database fail on
 * that CREATE TABLE; under the lock they run one after the other, and the others
 * find the migrations done.
 */
const lockedTransaction = <A, E, R>(
  sql: SqlClient.SqlClient,
  table: string,
  effect: Effect.Effect<A, E, R>,
): Effect.Effect<A, E | SqlError, R> =>
  sql.withTransaction(
    Effect.zipRight(
      Effect.zipRight(
        sql.unsafe(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`),
        // The table as the Migrator would create it, so that its own check finds it.
        sql.unsafe(`CREATE TABLE IF NOT EXISTS ${table} (
          migration_id integer primary key,
          created_at timestamp with time zone not null default now(),
          name text not null
        )`),
      ),
      effect,
    ),
  )

/**
 * A set of migrations and the table that records them. The event store and the
 * read-model store each have their own, so that each numbers its migrations
 * alone (the Migrator skips an id below the highest recorded one).
 */
export interface MigrationSet {
  readonly migrations: Record<string, Effect.Effect<void, unknown, SqlClient.SqlClient>>
  readonly table: string
}

/** The event store's migrations. */
export const eventStore: MigrationSet = { migrations, table: migrationsTable }

/**
 * Brings the schema up to date, race-free across processes: one process runs the
 * migrations a store needs while the others wait, then find them done. It fails
 * unless every migration this version knows is recorded afterwards, so that a
 * store that opened has its whole schema.
 */
export const migrate = (
  sql: SqlClient.SqlClient,
  set: MigrationSet = eventStore,
): Effect.Effect<void, MigrationFailed> => {
  const known = Object.keys(set.migrations).map((key) => Number(key.slice(0, key.indexOf("_"))))
  const run = Migrator.make({})({ loader: Migrator.fromRecord(set.migrations), table: set.table }).pipe(
    Effect.provideService(SqlClient.SqlClient, sql),
  )
  const serialised = sql.onDialectOrElse({
    pg: () => lockedTransaction(sql, set.table, run),
    orElse: () => immediateTransaction(sql, run),
  })
  return serialised.pipe(
    Effect.zipRight(sql.unsafe<{ readonly migration_id: number | string }>(`SELECT migration_id FROM ${set.table}`)),
    Effect.mapError((cause) => {
      // A SqlError's own message is generic ("Failed to execute statement"): the database's is in its cause.
      const inner = (cause as { readonly cause?: unknown }).cause
      const message = inner instanceof Error ? inner.message : cause instanceof Error ? cause.message : String(cause)
      return new MigrationFailed(message, cause)
    }),
    Effect.flatMap((rows) => {
      const done = new Set(rows.map((row) => Number(row.migration_id)))
      const missing = known.filter((id) => !done.has(id))
      return missing.length === 0
        ? Effect.void
        : Effect.fail(new MigrationFailed(`migrations ${missing.join(", ")} are not recorded in ${set.table}`))
    }),
  )
}

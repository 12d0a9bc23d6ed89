import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import type { MigrationSet } from "./migrations.ts"

/**
 * The identity store's tables (docs/identity-store.md): entries with an expiry,
 * and failure windows, one row per namespace and key. Times are milliseconds
 * since the epoch, as the callers passed them (their clock, not the database's).
 * The indexes on the times serve `purge`. Keys compare by code point (`COLLATE
 * "C"` on PostgreSQL, SQLite's default `BINARY`), whatever the database's default.
 */
const createTables = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const text = sql.onDialectOrElse({ pg: () => `TEXT COLLATE "C"`, orElse: () => "TEXT" })
  const integer = sql.onDialectOrElse({ pg: () => "BIGINT", orElse: () => "INTEGER" })
  yield* sql.unsafe(`CREATE TABLE IF NOT EXISTS cartable_identity_entries (
    namespace ${text} NOT NULL,
    key ${text} NOT NULL,
    value TEXT NOT NULL,
    expires_at ${integer} NOT NULL,
    PRIMARY KEY (namespace, key)
  )`)
  yield* sql.unsafe(`CREATE INDEX IF NOT EXISTS cartable_identity_entries_expires_at
    ON cartable_identity_entries (expires_at)`)
  yield* sql.unsafe(`CREATE TABLE IF NOT EXISTS cartable_identity_failures (
    namespace ${text} NOT NULL,
    key ${text} NOT NULL,
    count INTEGER NOT NULL CHECK (count >= 1),
    opened_at ${integer} NOT NULL,
    PRIMARY KEY (namespace, key)
  )`)
  yield* sql.unsafe(`CREATE INDEX IF NOT EXISTS cartable_identity_failures_opened_at
    ON cartable_identity_failures (opened_at)`)
})

/** The identity store's migrations, numbered apart from the event store's and the read models'. */
export const identityStore: MigrationSet = {
  migrations: { "0001_identity_tables": createTables },
  table: "cartable_identity_migrations",
}

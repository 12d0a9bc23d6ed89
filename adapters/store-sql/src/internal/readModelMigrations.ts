import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import type { MigrationSet } from "./migrations.ts"

/**
 * The read-model store's own tables. `cartable_read_models` lists the tables of
 * documents and their declared indexes (a JSON array), which the store checks
 * every call against; `cartable_checkpoints` holds each consumer's position, moved
 * in the transaction of its documents; `cartable_leases` says which runner holds
 * an async projection and until when. Times are milliseconds since the epoch, by
 * the database's clock. Texts compare by code point: `COLLATE "C"` on PostgreSQL,
 * SQLite's default `BINARY`.
 */
const createTables = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const text = sql.onDialectOrElse({ pg: () => `TEXT COLLATE "C"`, orElse: () => "TEXT" })
  const integer = sql.onDialectOrElse({ pg: () => "BIGINT", orElse: () => "INTEGER" })
  yield* sql.unsafe(`CREATE TABLE IF NOT EXISTS cartable_read_models (
    name ${text} PRIMARY KEY,
    indexes TEXT NOT NULL
  )`)
  yield* sql.unsafe(`CREATE TABLE IF NOT EXISTS cartable_checkpoints (
    id ${text} PRIMARY KEY,
    position ${integer} NOT NULL CHECK (position >= 0),
    updated_at ${integer} NOT NULL
  )`)
  yield* sql.unsafe(`CREATE TABLE IF NOT EXISTS cartable_leases (
    id ${text} PRIMARY KEY,
    holder ${text} NOT NULL,
    expires_at ${integer} NOT NULL
  )`)
})

/** The read-model store's migrations, numbered apart from the event store's. */
export const readModelStore: MigrationSet = {
  migrations: { "0001_read_model_tables": createTables },
  table: "cartable_read_model_migrations",
}

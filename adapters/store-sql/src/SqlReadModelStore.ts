/**
 * The read-model store written once against @effect/sql's generic `SqlClient`,
 * for SQLite and PostgreSQL: each read-model table is a table of documents
 * (`rm_d_<name>`: key, JSON body) and a table of index entries (`rm_i_<name>`:
 * index, value, key), ordered by code point (`COLLATE "C"` on PostgreSQL,
 * `BINARY` on SQLite); the store's own tables (`cartable_read_models`,
 * `cartable_checkpoints`, `cartable_leases`) come from its migrations (table
 * `cartable_read_model_migrations`), run when it is built. Leases go by the
 * database's clock. `withTransaction` is the client's transaction (on SQLite
 * begun `IMMEDIATE`), so the event store driver's appends made inside it, on the
 * same client, commit or roll back with it. docs/architecture.md explains the layout.
 *
 * @since 0.1.0
 */

import type { ReadModelError } from "@cartable/projections/ReadModelStore"
import { ReadModelStore } from "@cartable/projections/ReadModelStore"
import type * as SqlClient from "@effect/sql/SqlClient"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as internal from "./internal/sqlReadModelStore.ts"

/**
 * Migrates the store's own tables, then returns the store over the `SqlClient` in context.
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<ReadModelStore.Service, ReadModelError, SqlClient.SqlClient> = internal.make

/**
 * The store as a layer over any `SqlClient` layer (share the event store's
 * client, so that one transaction spans both).
 *
 * @example
 * const Store = SqlReadModelStore.layer.pipe(Layer.provide(SqliteClient.layer({ filename: "cartable.db" })))
 * @since 0.1.0
 */
export const layer: Layer.Layer<ReadModelStore, ReadModelError, SqlClient.SqlClient> = Layer.effect(
  ReadModelStore,
  make,
)

/**
 * The event store driver written once against @effect/sql's generic `SqlClient`:
 * the SQLite and PostgreSQL adapters only provide the client. It runs its own
 * migrations (table `cartable_migrations`) when built.
 *
 * An append is a single INSERT statement: the unique key on (tenant, stream,
 * version) is the optimistic-concurrency check, and a violation maps to
 * `ConcurrencyConflict`. On PostgreSQL appends run in parallel, each on a pool
 * connection (or on the caller's transaction inside `sql.withTransaction`), and
 * `readAll` stops below the lowest position a transaction in flight may still
 * commit, so that a reader never gets an event below one it has passed
 * (docs/operations.md).
 *
 * Statements go to the connection directly rather than through @effect/sql's
 * `Statement` API, whose span, scope and lock cost as much as SQLite's own work
 * (docs/performance.md); `spans: true` restores that path and adds a span per
 * operation. On PostgreSQL, statements are prepared once per connection.
 *
 * @since 0.1.0
 */
import * as EventStoreDriver from "@cartable/eventlog/EventStoreDriver"
import type { EventStoreError } from "@cartable/eventlog/EventStoreError"
import type { StreamName } from "@cartable/eventlog/StreamName"
import type { SubjectKeyStore, SubjectKeyStoreError } from "@cartable/eventlog/SubjectKeyStore"
import { SubjectKeyStore as SubjectKeyStoreTag } from "@cartable/eventlog/SubjectKeyStore"
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as migrations from "./internal/migrations.ts"
import * as internal from "./internal/sqlDriver.ts"
import * as SqlSubjectKeyStore from "./SqlSubjectKeyStore.ts"

/**
 * Options of the SQL driver.
 * - `tenantOf`: the tenant (academy, school) of a stream, stored in the `tenant`
 *   column, the future distribution column (docs/operations.md). It is part of the
 *   unique key: choose it before the first event is written. Default: one tenant, `""`.
 * - `spans`: a span per operation (`SqlEventStoreDriver.append`, …) and @effect/sql's
 *   `sql.execute` span per statement, with its `Statement.withTransformer` hooks.
 *   Default `false`: with them a SQLite append takes 1.5 times as long, and the
 *   typed `EventStore` above already traces each operation.
 * - `preparedStatements`: PostgreSQL only; name the statements so that the server
 *   plans them once per connection (default `true`). Set it to `false` behind a
 *   pooler that does not keep prepared statements (PgBouncer's transaction mode
 *   before 1.21).
 *
 * @since 0.1.0
 */
export interface Options {
  readonly tenantOf?: ((streamName: StreamName) => string) | undefined
  readonly spans?: boolean | undefined
  readonly preparedStatements?: boolean | undefined
}

/**
 * The event type of the row that closes a tombstoned stream. Types starting with
 * `$` are reserved: an append of one fails with `InvalidArgument`.
 *
 * @since 0.1.0
 */
export const TOMBSTONE: string = internal.TOMBSTONE

/**
 * The DDL of the events table as the adapter's migration creates it, for tools
 * that write the same table without the adapter (the benchmark's raw drivers).
 *
 * @since 0.1.0
 */
export const eventsTableDdl: (dialect: "pg" | "sqlite") => string = migrations.eventsTableDdl

/**
 * Migrates the schema, then returns the driver over the `SqlClient` in context.
 *
 * @since 0.1.0
 */
export const make: (
  options?: Options,
) => Effect.Effect<EventStoreDriver.EventStoreDriver.Service, EventStoreError, SqlClient.SqlClient | Scope.Scope> =
  internal.make

/**
 * The driver as a layer over any `SqlClient` layer.
 *
 * @example
 * const Driver = SqlEventStoreDriver.layer().pipe(Layer.provide(SqliteClient.layer({ filename: "cartable.db" })))
 * @since 0.1.0
 */
export const layer = (
  options?: Options,
): Layer.Layer<EventStoreDriver.EventStoreDriver, EventStoreError, SqlClient.SqlClient> =>
  Layer.scoped(EventStoreDriver.EventStoreDriver, make(options))

/**
 * The driver and the subject key store (BR-ACC-9) over one `SqlClient` layer:
 * what a SQL storage adapter provides. The driver reads a stream and the keys of
 * its subjects in one statement (`EventStoreDriver.KeyedReads`), which the typed
 * store uses with this key store.
 *
 * @since 0.1.0
 */
export const layerWithKeys = (
  options?: Options,
): Layer.Layer<
  EventStoreDriver.EventStoreDriver | SubjectKeyStore,
  EventStoreError | SubjectKeyStoreError,
  SqlClient.SqlClient
> =>
  Layer.scopedContext(
    Effect.gen(function* () {
      // The key store first: its migrations (the driver's, a no-op the second time) create both tables.
      const keys = yield* SqlSubjectKeyStore.make
      const driver = yield* internal.make({ ...options, keyStore: keys })
      return Context.make(EventStoreDriver.EventStoreDriver, driver).pipe(Context.add(SubjectKeyStoreTag, keys))
    }),
  )

/**
 * The embedded default event store: SQLite through @effect/sql-sqlite-node
 * (better-sqlite3), in WAL mode with `synchronous = NORMAL`, a file or `:memory:`.
 * The schema is migrated when the layer is built, in one `BEGIN IMMEDIATE`
 * transaction, so that processes opening one file together migrate it once.
 *
 * @example
 * const Store = SqliteEventStore.layer({ filename: "cartable.db", catalog })
 * @since 0.1.0
 */
import type * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import type { EventStoreDriver } from "@cartable/eventlog/EventStoreDriver"
import { EventStoreError } from "@cartable/eventlog/EventStoreError"
import type { SubjectKeyStore, SubjectKeyStoreError } from "@cartable/eventlog/SubjectKeyStore"
import type { IdentityStore, IdentityStoreError } from "@cartable/identity/IdentityStore"
import type { ReadModelError, ReadModelStore } from "@cartable/projections/ReadModelStore"
import * as SqlEventStoreDriver from "@cartable/store-sql/SqlEventStoreDriver"
import * as SqlIdentityStore from "@cartable/store-sql/SqlIdentityStore"
import * as SqlReadModelStore from "@cartable/store-sql/SqlReadModelStore"
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"

/**
 * Where the store lives: a file path (created if absent) or `:memory:`, plus the
 * options of the SQL driver.
 *
 * @since 0.1.0
 */
export interface Options extends SqlEventStoreDriver.Options {
  readonly filename: string
  /**
   * SQLite's page cache of the connection, in MiB (`PRAGMA cache_size`): the pages of
   * the log's and read models' indexes a command reads without asking the OS again.
   * better-sqlite3's by default (16,000 KiB): 2 and 64 MiB import alike (docs/performance.md).
   */
  readonly cacheMiB?: number
}

const unavailable = (filename: string) => (cause: unknown) =>
  new EventStoreError({
    reason: "Unavailable",
    message: `Could not open the SQLite event store ${filename}: ${cause instanceof Error ? cause.message : String(cause)}`,
    cause,
  })

/**
 * The SQLite client alone, configured as the store wants it (WAL, `synchronous =
 * NORMAL`), for services that share the store's connection (a key table, read models).
 *
 * @since 0.1.0
 */
export const layerClient = (
  options: Pick<Options, "filename" | "cacheMiB">,
): Layer.Layer<SqliteClient.SqliteClient | SqlClient.SqlClient, EventStoreError> =>
  Layer.scopedContext(
    Effect.flatMap(Effect.scope, (scope) => {
      const cacheMiB = options.cacheMiB
      if (cacheMiB !== undefined && !(Number.isFinite(cacheMiB) && cacheMiB >= 0)) {
        return Effect.fail(
          new EventStoreError({
            reason: "InvalidArgument",
            message: `A page cache is a size in MiB of 0 or more, got ${cacheMiB}`,
          }),
        )
      }
      // Each attempt in a scope of its own, closed when it fails: a connection opened before a failed
      // pragma does not stay open beside the next attempt's.
      return Effect.flatMap(Scope.fork(scope, ExecutionStrategy.sequential), (attempt) =>
        Scope.extend(open(options.filename, cacheMiB), attempt).pipe(
          Effect.onError((cause) => Scope.close(attempt, Exit.failCause(cause))),
        ),
      ).pipe(Effect.retry({ schedule: busyRetry, while: isBusy }), Effect.mapError(unavailable(options.filename)))
    }).pipe(
      Effect.map((sql) => Context.make(SqliteClient.SqliteClient, sql).pipe(Context.add(SqlClient.SqlClient, sql))),
    ),
  ).pipe(Layer.provide(Reactivity.layer))

const open = (filename: string, cacheMiB: number | undefined) =>
  SqliteClient.make({ filename }).pipe(
    // better-sqlite3 throws when it cannot open the file: a failure of the store, not a defect.
    Effect.catchAllDefect((defect) => Effect.fail(defect)),
    Effect.tap((sql) =>
      Effect.zipRight(
        // WAL makes a commit one append to the log; NORMAL syncs it at checkpoints only:
        // a power cut may lose the last commits, never corrupt the file.
        sql`PRAGMA synchronous = NORMAL`,
        // A negative size is in KiB.
        cacheMiB === undefined ? Effect.void : sql.unsafe(`PRAGMA cache_size = ${-Math.round(cacheMiB * 1024)}`),
      ),
    ),
  )

/**
 * Processes opening a fresh file together: switching it to WAL takes the file for
 * a moment, and SQLite may answer "database is locked" at once, without waiting
 * out its busy timeout (while another connection initialises the WAL).
 */
const isBusy = (error: unknown): boolean =>
  error instanceof Error && (/database is locked|SQLITE_BUSY/.test(error.message) || isBusy(error.cause))
const busyRetry = Schedule.exponential("10 millis").pipe(
  Schedule.union(Schedule.spaced("200 millis")),
  Schedule.upTo("10 seconds"),
)

/**
 * The driver only: the event store driver, the subject key store (BR-ACC-9,
 * docs/erasure.md) and the read-model store on SQLite, with the client they run
 * on (one connection, so that one `ReadModelStore.withTransaction` spans appends
 * and read models: share it rather than opening the file twice). For a typed store of your own over them
 * (other options, a key store elsewhere); {@link layer} is the short path.
 *
 * @example
 * const Driver = SqliteEventStore.layerDriver({ filename: "cartable.db" })
 * @since 0.1.0
 */
export const layerDriver = (
  options: Options,
): Layer.Layer<
  EventStoreDriver | SubjectKeyStore | ReadModelStore | SqliteClient.SqliteClient | SqlClient.SqlClient,
  EventStoreError | SubjectKeyStoreError | ReadModelError
> =>
  Layer.merge(SqlEventStoreDriver.layerWithKeys(options), SqlReadModelStore.layer).pipe(
    Layer.provideMerge(layerClient(options)),
  )

/**
 * What {@link layer} needs: the file, the catalogue of the events it stores, and
 * optionally the typed store's own options (`eventStore: { spans }`).
 *
 * @since 0.1.0
 */
export interface LayerOptions extends Options {
  readonly catalog: EventCatalog.EventCatalog
  readonly eventStore?: EventStore.Options | undefined
}

/**
 * The typed `EventStore` on a SQLite file, ready to use: `EventStore.layer(catalog)`
 * over {@link layerDriver}, whose services (driver, key store, client) it provides too.
 *
 * @example
 * const Store = SqliteEventStore.layer({ filename: "cartable.db", catalog: EventCatalog.make(Domain.events) })
 * @since 0.1.0
 */
export const layer = (
  options: LayerOptions,
): Layer.Layer<
  | EventStore.EventStore
  | EventStoreDriver
  | SubjectKeyStore
  | ReadModelStore
  | SqliteClient.SqliteClient
  | SqlClient.SqlClient,
  EventStoreError | SubjectKeyStoreError | ReadModelError
> => EventStore.layer(options.catalog, options.eventStore).pipe(Layer.provideMerge(layerDriver(options)))

/**
 * The identity store (sessions, single-use codes, failure counters:
 * docs/identity-store.md) on the SQLite client in context: provide it with
 * {@link layer} or {@link layerDriver}, so that it shares the event store's
 * database and connection.
 *
 * @example
 * const Store = SqliteEventStore.layerIdentityStore.pipe(Layer.provideMerge(SqliteEventStore.layer(options)))
 * @since 0.1.0
 */
export const layerIdentityStore: Layer.Layer<IdentityStore, IdentityStoreError, SqlClient.SqlClient> =
  SqlIdentityStore.layer

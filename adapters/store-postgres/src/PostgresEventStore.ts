/**
 * The scale-out event store: PostgreSQL through @effect/sql-pg. Point it at a
 * server with a connection URL (`postgres://user:password@host:5432/database`),
 * or let `layerConfig` read `DATABASE_URL`. The schema is migrated when the layer
 * is built, under an advisory lock, so that processes starting together migrate once.
 *
 * @example
 * const Store = PostgresEventStore.layerConfig({ catalog })
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
import type * as SqlClient from "@effect/sql/SqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

/**
 * The server's URL, the pool size (10 by default) and the options of the SQL driver.
 *
 * @since 0.1.0
 */
export interface Options extends SqlEventStoreDriver.Options {
  readonly url: string | Redacted.Redacted
  readonly maxConnections?: number | undefined
}

const unavailable = (cause: unknown) =>
  new EventStoreError({
    reason: "Unavailable",
    message: `Could not connect to the PostgreSQL event store: ${cause instanceof Error ? cause.message : String(cause)}`,
    cause,
  })

/**
 * The PostgreSQL client alone, for services that share the store's pool.
 *
 * @since 0.1.0
 */
export const layerClient = (
  options: Pick<Options, "url" | "maxConnections">,
): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, EventStoreError> =>
  PgClient.layer({
    url: Redacted.isRedacted(options.url) ? options.url : Redacted.make(options.url),
    maxConnections: options.maxConnections ?? 10,
    applicationName: "cartable",
  }).pipe(Layer.mapError(unavailable))

/**
 * The driver only: the event store driver, the subject key store (BR-ACC-9,
 * docs/erasure.md) and the read-model store on PostgreSQL, with their client
 * (shared, so that one `ReadModelStore.withTransaction` spans appends and read
 * models). For a typed store of your own over them; {@link layer} is the short path.
 *
 * @example
 * const Driver = PostgresEventStore.layerDriver({ url: "postgres://cartable@127.0.0.1/cartable" })
 * @since 0.1.0
 */
export const layerDriver = (
  options: Options,
): Layer.Layer<
  EventStoreDriver | SubjectKeyStore | ReadModelStore | PgClient.PgClient | SqlClient.SqlClient,
  EventStoreError | SubjectKeyStoreError | ReadModelError
> =>
  Layer.merge(SqlEventStoreDriver.layerWithKeys(options), SqlReadModelStore.layer).pipe(
    Layer.provideMerge(layerClient(options)),
  )

/**
 * {@link layerDriver} with the URL read from `DATABASE_URL`.
 *
 * @since 0.1.0
 */
export const layerDriverConfig = (
  options: Omit<Options, "url"> = {},
): Layer.Layer<
  EventStoreDriver | SubjectKeyStore | ReadModelStore | PgClient.PgClient | SqlClient.SqlClient,
  EventStoreError | SubjectKeyStoreError | ReadModelError | ConfigError.ConfigError
> => Layer.unwrapEffect(Config.map(Config.redacted("DATABASE_URL"), (url) => layerDriver({ ...options, url })))

/**
 * What {@link layer} needs: the server, the catalogue of the events it stores, and
 * optionally the typed store's own options (`eventStore: { spans }`).
 *
 * @since 0.1.0
 */
export interface LayerOptions extends Options {
  readonly catalog: EventCatalog.EventCatalog
  readonly eventStore?: EventStore.Options | undefined
}

/**
 * The typed `EventStore` on PostgreSQL, ready to use: `EventStore.layer(catalog)`
 * over {@link layerDriver}, whose services (driver, key store, client) it provides too.
 *
 * @example
 * const Store = PostgresEventStore.layer({ url: "postgres://cartable@127.0.0.1/cartable", catalog })
 * @since 0.1.0
 */
export const layer = (
  options: LayerOptions,
): Layer.Layer<
  EventStore.EventStore | EventStoreDriver | SubjectKeyStore | ReadModelStore | PgClient.PgClient | SqlClient.SqlClient,
  EventStoreError | SubjectKeyStoreError | ReadModelError
> => EventStore.layer(options.catalog, options.eventStore).pipe(Layer.provideMerge(layerDriver(options)))

/**
 * {@link layer} with the URL read from `DATABASE_URL`.
 *
 * @example
 * const Store = PostgresEventStore.layerConfig({ catalog: EventCatalog.make(Domain.events) })
 * @since 0.1.0
 */
export const layerConfig = (
  options: Omit<LayerOptions, "url">,
): Layer.Layer<
  EventStore.EventStore | EventStoreDriver | SubjectKeyStore | ReadModelStore | PgClient.PgClient | SqlClient.SqlClient,
  EventStoreError | SubjectKeyStoreError | ReadModelError | ConfigError.ConfigError
> => Layer.unwrapEffect(Config.map(Config.redacted("DATABASE_URL"), (url) => layer({ ...options, url })))

/**
 * The identity store (sessions, single-use codes, failure counters:
 * docs/identity-store.md) on the PostgreSQL client in context: provide it with
 * {@link layer} or {@link layerDriver}, so that it shares the event store's
 * database and pool.
 *
 * @example
 * const Store = PostgresEventStore.layerIdentityStore.pipe(Layer.provideMerge(PostgresEventStore.layer(options)))
 * @since 0.1.0
 */
export const layerIdentityStore: Layer.Layer<IdentityStore, IdentityStoreError, SqlClient.SqlClient> =
  SqlIdentityStore.layer

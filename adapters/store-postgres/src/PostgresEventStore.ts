/**
 * The scale-out event store: PostgreSQL through @effect/sql-pg. Point it at a
 * server with a connection URL (`postgres://user:password@host:5432/database`),
 * or let `layerConfig` read `DATABASE_URL`. The schema is migrated when the layer
 * is built.
 *
 * @since 0.1.0
 */
import type { EventStoreDriver } from "@cartable/eventlog/EventStoreDriver"
import { EventStoreError } from "@cartable/eventlog/EventStoreError"
import type { SubjectKeyStore, SubjectKeyStoreError } from "@cartable/eventlog/SubjectKeyStore"
import * as SqlEventStoreDriver from "@cartable/store-sql/SqlEventStoreDriver"
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
 * The event store driver and the subject key store (BR-ACC-9, docs/erasure.md) on
 * PostgreSQL, with their client.
 *
 * @example
 * const Store = EventStore.layer(catalog).pipe(
 *   Layer.provide(PostgresEventStore.layer({ url: "postgres://cartable@127.0.0.1/cartable" })),
 * )
 * @since 0.1.0
 */
export const layer = (
  options: Options,
): Layer.Layer<
  EventStoreDriver | SubjectKeyStore | PgClient.PgClient | SqlClient.SqlClient,
  EventStoreError | SubjectKeyStoreError
> => SqlEventStoreDriver.layerWithKeys(options).pipe(Layer.provideMerge(layerClient(options)))

/**
 * {@link layer} with the URL read from `DATABASE_URL`.
 *
 * @since 0.1.0
 */
export const layerConfig = (
  options: Omit<Options, "url"> = {},
): Layer.Layer<
  EventStoreDriver | SubjectKeyStore | PgClient.PgClient | SqlClient.SqlClient,
  EventStoreError | SubjectKeyStoreError | ConfigError.ConfigError
> => Layer.unwrapEffect(Config.map(Config.redacted("DATABASE_URL"), (url) => layer({ ...options, url })))

/**
 * The IdentityStore on the store's own database, written once against the
 * generic `SqlClient` (SQLite and PostgreSQL): tables `cartable_identity_entries`
 * and `cartable_identity_failures` (migrations under `cartable_identity_migrations`,
 * run when it is built). Every operation but `purge` is one statement, so it is
 * atomic across processes without a transaction: `take` is a `DELETE ...
 * RETURNING`, `put` and `recordFailure` are upserts whose condition the database
 * checks on the row it locked (docs/identity-store.md).
 *
 * @since 0.1.0
 */
import { IdentityStore, IdentityStoreError } from "@cartable/identity/IdentityStore"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { identityStore } from "./internal/identityMigrations.ts"
import { migrate } from "./internal/migrations.ts"

const failed = (message: string) => (cause: unknown) =>
  new IdentityStoreError({
    reason: "Unavailable",
    // The driver's message only: a statement's parameters (keys, values) are never part of it.
    message: `${message}: ${cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause)}`,
    cause,
  })

/**
 * The last `opened_at` of a closed window at `at`: a window opened at `o` is closed
 * once `at - o >= window`, that is `o <= at - window`. Times are whole
 * milliseconds, so a fractional window rounds down to the same rows; an infinite
 * one never closes.
 */
const closedUpTo = (at: DateTime.Utc, window: Duration.DurationInput): number => {
  const millis = Duration.toMillis(window)
  return Number.isFinite(millis) ? Math.floor(DateTime.toEpochMillis(at) - millis) : Number.MIN_SAFE_INTEGER
}

/**
 * Runs the identity store's migrations (serialised across processes, like the
 * event store's), then returns the store over the `SqlClient` in context.
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<IdentityStore.Service, IdentityStoreError, SqlClient.SqlClient> = Effect.gen(
  function* () {
    const sql = (yield* SqlClient.SqlClient).withoutTransforms()
    yield* migrate(sql, identityStore).pipe(Effect.mapError(failed("The identity store's migrations failed")))

    const traced =
      (name: string, message: string) =>
      <A>(effect: Effect.Effect<A, SqlError | IdentityStoreError>): Effect.Effect<A, IdentityStoreError> =>
        effect.pipe(
          Effect.mapError((error) => (error._tag === "SqlError" ? failed(message)(error) : error)),
          Effect.withSpan(`SqlIdentityStore.${name}`),
        )

    const put = (namespace: string, key: string, value: string, expiresAt: DateTime.Utc, now: DateTime.Utc) =>
      Effect.gen(function* () {
        // Inserted, or replacing an expired entry; a live one fails the upsert's condition and returns no row.
        const rows = yield* sql<{ readonly put: number }>`
          INSERT INTO cartable_identity_entries (namespace, key, value, expires_at)
          VALUES (${namespace}, ${key}, ${value}, ${DateTime.toEpochMillis(expiresAt)})
          ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
          WHERE cartable_identity_entries.expires_at <= ${DateTime.toEpochMillis(now)}
          RETURNING 1 AS put`
        if (rows.length === 0) {
          return yield* new IdentityStoreError({ reason: "KeyTaken", message: `The ${namespace} key is taken` })
        }
      }).pipe(traced("put", "Could not store an identity entry"))

    const get = (namespace: string, key: string, now: DateTime.Utc) =>
      sql<{ readonly value: string }>`
        SELECT value FROM cartable_identity_entries
        WHERE namespace = ${namespace} AND key = ${key} AND expires_at > ${DateTime.toEpochMillis(now)}`.pipe(
        Effect.map((rows) => Option.fromNullable(rows[0]?.value)),
        traced("get", "Could not read an identity entry"),
      )

    // Of concurrent deletes of one row, one returns it: the others find it gone (single use).
    // An expired entry does not exist for the take, so it is left to purge.
    const take = (namespace: string, key: string, now: DateTime.Utc) =>
      sql<{ readonly value: string }>`
        DELETE FROM cartable_identity_entries
        WHERE namespace = ${namespace} AND key = ${key} AND expires_at > ${DateTime.toEpochMillis(now)}
        RETURNING value`.pipe(
        Effect.map((rows) => Option.fromNullable(rows[0]?.value)),
        traced("take", "Could not take an identity entry"),
      )

    const remove = (namespace: string, key: string) =>
      sql`DELETE FROM cartable_identity_entries WHERE namespace = ${namespace} AND key = ${key}`.pipe(
        Effect.asVoid,
        traced("remove", "Could not remove an identity entry"),
      )

    // Both CASEs read the row as it was before the update: a closed window restarts at `at` with 1.
    const recordFailure = (namespace: string, key: string, at: DateTime.Utc, window: Duration.DurationInput) => {
      const closed = closedUpTo(at, window)
      return sql<{ readonly count: number }>`
        INSERT INTO cartable_identity_failures (namespace, key, count, opened_at)
        VALUES (${namespace}, ${key}, 1, ${DateTime.toEpochMillis(at)})
        ON CONFLICT (namespace, key) DO UPDATE SET
          count = CASE WHEN cartable_identity_failures.opened_at <= ${closed} THEN 1
                       ELSE cartable_identity_failures.count + 1 END,
          opened_at = CASE WHEN cartable_identity_failures.opened_at <= ${closed} THEN excluded.opened_at
                           ELSE cartable_identity_failures.opened_at END
        RETURNING count`.pipe(
        Effect.map((rows) => Number(rows[0]?.count ?? 0)),
        traced("recordFailure", "Could not count a failure"),
      )
    }

    const failures = (namespace: string, key: string, now: DateTime.Utc, window: Duration.DurationInput) =>
      sql<{ readonly count: number }>`
        SELECT count FROM cartable_identity_failures
        WHERE namespace = ${namespace} AND key = ${key} AND opened_at > ${closedUpTo(now, window)}`.pipe(
        Effect.map((rows) => Number(rows[0]?.count ?? 0)),
        traced("failures", "Could not read failures"),
      )

    const clearFailures = (namespace: string, key: string) =>
      sql`DELETE FROM cartable_identity_failures WHERE namespace = ${namespace} AND key = ${key}`.pipe(
        Effect.asVoid,
        traced("clearFailures", "Could not clear failures"),
      )

    // One statement on PostgreSQL, counted by the server; two on SQLite (no DELETE in a WITH there),
    // each atomic: a row written between them is purged next time, if it is due.
    const purge = (now: DateTime.Utc, window: Duration.DurationInput) => {
      const expired = DateTime.toEpochMillis(now)
      const closed = closedUpTo(now, window)
      return sql
        .onDialectOrElse({
          pg: () =>
            sql<{ readonly purged: number | string }>`
              WITH entries AS (DELETE FROM cartable_identity_entries WHERE expires_at <= ${expired} RETURNING 1),
                   windows AS (DELETE FROM cartable_identity_failures WHERE opened_at <= ${closed} RETURNING 1)
              SELECT (SELECT count(*) FROM entries) + (SELECT count(*) FROM windows) AS purged`.pipe(
              Effect.map((rows) => Number(rows[0]?.purged ?? 0)),
            ),
          orElse: () =>
            Effect.zipWith(
              sql`DELETE FROM cartable_identity_entries WHERE expires_at <= ${expired} RETURNING 1`,
              sql`DELETE FROM cartable_identity_failures WHERE opened_at <= ${closed} RETURNING 1`,
              (entries, windows) => entries.length + windows.length,
            ),
        })
        .pipe(traced("purge", "Could not purge the identity store"))
    }

    return IdentityStore.of({ put, get, take, remove, recordFailure, failures, clearFailures, purge })
  },
)

/**
 * The identity store as a layer over any `SqlClient` layer: give it the event
 * store's client, so that one database (and on SQLite one connection) holds both.
 *
 * @example
 * const Identity = SqlIdentityStore.layer.pipe(Layer.provide(SqliteClient.layer({ filename: "cartable.db" })))
 * @since 0.1.0
 */
export const layer: Layer.Layer<IdentityStore, IdentityStoreError, SqlClient.SqlClient> = Layer.effect(
  IdentityStore,
  make,
)

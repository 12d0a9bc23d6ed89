/**
 * The SubjectKeyStore on the store's own database, written once against the
 * generic `SqlClient` (SQLite and PostgreSQL): table `cartable_subject_keys`, one
 * row per data subject, its key set to NULL when destroyed (BR-ACC-9,
 * docs/erasure.md).
 *
 * On SQLite, destroying a key also enables `secure_delete` (freed space is
 * overwritten with zeros) and truncates the WAL, so that no copy of the key is
 * left in the database file or its WAL; while another connection reads an older
 * snapshot, the truncation is retried until it ends (docs/erasure.md). PostgreSQL keeps the old row version
 * until VACUUM, and its WAL and backups keep it longer: see the limits in
 * docs/erasure.md.
 *
 * @since 0.1.0
 */
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Executor from "./internal/executor.ts"
import type { KeyRow } from "./internal/keyRows.ts"
import * as KeyRows from "./internal/keyRows.ts"
import { migrate } from "./internal/migrations.ts"
import * as WalScrubber from "./internal/walScrubber.ts"

const failed = (message: string, subjectId?: string) => (cause: unknown) =>
  new SubjectKeyStore.SubjectKeyStoreError({
    reason: "Unavailable",
    // The driver's message only: a statement's parameters (keys) are never part of it.
    message: `${message}: ${cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause)}`,
    ...(subjectId === undefined ? {} : { subjectId }),
    cause,
  })

const stateOf = (row: KeyRow): Effect.Effect<SubjectKeyStore.KeyState, SubjectKeyStore.SubjectKeyStoreError> => {
  const state = KeyRows.stateOf(row.subject_id, row.key)
  return state instanceof SubjectKeyStore.SubjectKeyStoreError ? Effect.fail(state) : Effect.succeed(state)
}

/**
 * Runs the store's migrations (a no-op once the event store driver ran them; they
 * are serialised across processes, docs/operations.md), then returns the key store
 * over the `SqlClient` in context.
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<
  SubjectKeyStore.SubjectKeyStore.Service,
  SubjectKeyStore.SubjectKeyStoreError,
  SqlClient.SqlClient | Scope.Scope
> = Effect.gen(function* () {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  yield* migrate(sql).pipe(Effect.mapError(failed("The key table's migrations failed")))

  const select = (subjectId: string) =>
    sql<KeyRow>`SELECT subject_id, key FROM cartable_subject_keys WHERE subject_id = ${subjectId}`

  // Insert first: the EventStore keeps the keys it writes with, so a call here is
  // mostly a new subject, one round trip. An existing row (another writer won the
  // race, the key is older than this process, or it was destroyed) is then read.
  const getOrCreate = (subjectId: string) =>
    Effect.gen(function* () {
      const [created] = yield* sql<KeyRow>`INSERT INTO cartable_subject_keys (subject_id, key)
        VALUES (${subjectId}, ${Buffer.from(SubjectKeyStore.generateKey())})
        ON CONFLICT (subject_id) DO NOTHING
        RETURNING subject_id, key`
      const row = created ?? (yield* select(subjectId))[0]
      return row === undefined ? SubjectKeyStore.destroyed : yield* stateOf(row)
    }).pipe(
      Effect.catchTag("SqlError", failed("Could not read or create a subject key", subjectId)),
      Effect.withSpan("SqlSubjectKeyStore.getOrCreate", { captureStackTrace: false }),
    )

  // Every read with personal data looks its subjects up: one fixed text per case,
  // on the driver's direct path (prepared on PostgreSQL), not the Statement API,
  // whose `sql.in` over a page's hundred subjects cost milliseconds on PostgreSQL
  // (docs/performance.md). Many subjects travel as one JSON array parameter.
  const executor = yield* Executor.make(sql, { instrumented: false, preparedStatements: true })
  const selectOneText = sql`SELECT subject_id, key FROM cartable_subject_keys WHERE subject_id = ${""}`.compile()[0]
  const selectManyText = sql.onDialectOrElse({
    pg: () =>
      sql`SELECT subject_id, key FROM cartable_subject_keys
          WHERE subject_id IN (SELECT jsonb_array_elements_text(CAST(${""} AS jsonb)))`.compile()[0],
    orElse: () =>
      sql`SELECT subject_id, key FROM cartable_subject_keys
          WHERE subject_id IN (SELECT value FROM json_each(${""}))`.compile()[0],
  })

  // A read with personal data calls this once per stream or page: one step on the
  // statement, then a synchronous loop, and a span without a captured stack (an
  // `Error` per call, the dearest part of a span).
  const statesOf = (
    subjectIds: ReadonlyArray<string>,
    rows: ReadonlyArray<KeyRow>,
  ): Effect.Effect<ReadonlyMap<string, SubjectKeyStore.KeyState>, SubjectKeyStore.SubjectKeyStoreError> => {
    const states = new Map<string, SubjectKeyStore.KeyState>()
    for (const row of rows) {
      const state = KeyRows.stateOf(row.subject_id, row.key)
      if (state instanceof SubjectKeyStore.SubjectKeyStoreError) return Effect.fail(state)
      states.set(row.subject_id, state)
    }
    // A subject without a row never had a key: nothing it could decrypt.
    for (const subjectId of subjectIds) if (!states.has(subjectId)) states.set(subjectId, SubjectKeyStore.destroyed)
    return Effect.succeed(states)
  }
  const lookup = (subjectIds: ReadonlyArray<string>) =>
    (subjectIds.length === 0
      ? Effect.succeed(new Map<string, SubjectKeyStore.KeyState>())
      : Effect.flatMap(
          subjectIds.length === 1
            ? executor.run<KeyRow>(selectOneText, subjectIds, "cartable_subject_key")
            : executor.run<KeyRow>(selectManyText, [JSON.stringify(subjectIds)], "cartable_subject_keys"),
          (rows) => statesOf(subjectIds, rows),
        )
    ).pipe(
      Effect.catchTag("SqlError", failed("Could not look subject keys up")),
      Effect.withSpan("SqlSubjectKeyStore.lookup", {
        attributes: { subjects: subjectIds.length },
        captureStackTrace: false,
      }),
    )

  // Zeroes the freed cell of the key, then checkpoints the WAL away (internal/walScrubber.ts).
  const scrubber = yield* WalScrubber.make
  const secureDelete: Effect.Effect<void, SqlError> = sql.onDialectOrElse({
    sqlite: () => Effect.asVoid(sql`PRAGMA secure_delete = ON`),
    orElse: () => Effect.void,
  })

  const destroy = (subjectId: string) =>
    Effect.gen(function* () {
      yield* secureDelete
      yield* sql`INSERT INTO cartable_subject_keys (subject_id, key, destroyed_at)
                 VALUES (${subjectId}, NULL, CURRENT_TIMESTAMP)
                 ON CONFLICT (subject_id) DO UPDATE
                 SET key = NULL, destroyed_at = COALESCE(cartable_subject_keys.destroyed_at, CURRENT_TIMESTAMP)`
      // The key is destroyed once the update commits; a reader of an older snapshot only
      // delays the scrubbing of its old copies until it ends.
      yield* scrubber.request
    }).pipe(
      Effect.catchTag("SqlError", failed("Could not destroy a subject key", subjectId)),
      Effect.withSpan("SqlSubjectKeyStore.destroy", { captureStackTrace: false }),
    )

  return { getOrCreate, lookup, destroy } satisfies SubjectKeyStore.SubjectKeyStore.Service
})

/**
 * The key store as a layer over any `SqlClient` layer.
 *
 * @example
 * const Keys = SqlSubjectKeyStore.layer.pipe(Layer.provide(SqliteClient.layer({ filename: "cartable.db" })))
 * @since 0.1.0
 */
export const layer: Layer.Layer<
  SubjectKeyStore.SubjectKeyStore,
  SubjectKeyStore.SubjectKeyStoreError,
  SqlClient.SqlClient
> = Layer.scoped(SubjectKeyStore.SubjectKeyStore, make)

/**
 * A database as the previous version of the store left it (migrations 0001 to
 * 0003: appends under one advisory lock), for the upgrade tests.
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Migrations from "../../store-sql/src/internal/migrations.ts"

/** The advisory lock key the previous version's append functions took ("cartable" in ASCII). */
const PREVIOUS_LOCK_KEY = 0x63617274_61626c65n

/** An encoded event as the previous version wrote it. */
export interface PreviousEvent {
  readonly type: string
  readonly data: string
}

/** The previous version's append to a stream (`expected`: null for any version), through its own functions. */
export const append = (stream: string, expected: number | null, events: ReadonlyArray<PreviousEvent>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    events.length === 1
      ? sql.unsafe(`SELECT cartable_append_one(${PREVIOUS_LOCK_KEY}, '', $1, $2, $3, 1, $4, '{}') AS r`, [
          stream,
          expected,
          events[0]!.type,
          events[0]!.data,
        ])
      : sql.unsafe(
          `SELECT * FROM cartable_append(${PREVIOUS_LOCK_KEY}, '', $1, $2, $3::text[], $4::integer[], $5::text[], $6::text[])`,
          [
            stream,
            expected,
            events.map((e) => e.type),
            events.map(() => 1),
            events.map((e) => e.data),
            events.map(() => "{}"),
          ],
        ),
  )

/** A client on `url`, for {@link migrate} and {@link append}. */
export const client = (url: string): Layer.Layer<SqlClient.SqlClient> =>
  PgClient.layer({ url: Redacted.make(url), maxConnections: 2 }).pipe(Layer.provide(Reactivity.layer), Layer.orDie)

/** Runs the migrations of the previous version only. */
export const migrate = Effect.gen(function* () {
  const { "0004_parallel_appends": _, ...previous } = Migrations.migrations
  yield* Migrator.make({})({ loader: Migrator.fromRecord(previous), table: Migrations.migrationsTable })
})

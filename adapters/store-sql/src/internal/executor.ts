import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"

/**
 * How the driver runs its statements. Through @effect/sql's `Statement` API each
 * statement pays for a tracing span, a scope, the client's connection lock and a
 * transformer lookup: about 15 µs on SQLite, where the INSERT itself takes about
 * 23 µs (docs/performance.md); the scope alone is a third of it. The default path
 * takes the connection from the client's own acquirer (which returns the
 * transaction's connection inside `withTransaction`, and otherwise waits for the
 * client's lock exactly as a statement does) and runs the text on it. `instrumented`
 * keeps the Statement API, with its `sql.execute` spans and
 * `Statement.withTransformer` hooks. Appends take no path of their own: inside
 * the caller's `withTransaction` they run on its connection, like every statement,
 * and otherwise on a pool connection each, in parallel (parallelAppendsMigration.ts).
 */
export interface Executor {
  /** One statement; `name` lets PostgreSQL keep its plan on the connection (a named prepared statement). */
  readonly run: <A extends object>(
    text: string,
    params: ReadonlyArray<unknown>,
    name?: string,
  ) => Effect.Effect<ReadonlyArray<A>, SqlError>
  /** How statements reach the database (see `make`), for the driver's startup log. */
  readonly path: "statement" | "acquirer" | "reserve"
  /** Whether PostgreSQL statements are named prepared statements. */
  readonly prepared: boolean
}

/** A short stable name for a statement text (FNV-1a): its PostgreSQL prepared statement name. */
export const statementName = (prefix: string, text: string): string => {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  return `${prefix}_${(hash >>> 0).toString(36)}`
}

export interface ExecutorOptions {
  readonly instrumented: boolean
  readonly preparedStatements: boolean
}

interface QueryResult {
  readonly rows?: unknown
}

/**
 * node-postgres accepts a query config (`{ name, text }`) wherever it takes a
 * text, and @effect/sql-pg's `executeRaw` hands its text to `client.query`
 * untouched: that is the only way to a named prepared statement through
 * @effect/sql-pg. `make` checks it once and falls back to plain texts otherwise.
 */
const runNamed = <A extends object>(
  conn: Connection,
  name: string,
  text: string,
  params: ReadonlyArray<unknown>,
): Effect.Effect<ReadonlyArray<A>, SqlError> =>
  Effect.map(conn.executeRaw({ name, text } as unknown as string, params), (result) => {
    const rows = (result as QueryResult | null)?.rows
    return Array.isArray(rows) ? (rows as ReadonlyArray<A>) : []
  })

/**
 * Clients whose statement acquirer needs no scope, read in their sources: the
 * SQLite client's takes and releases its one-permit lock around returning its
 * connection (its own `export` and `backup` run it without a scope), PostgreSQL's
 * returns a connection that checks a pool client out per query.
 */
const SCOPE_FREE: ReadonlyArray<string | symbol> = [
  Symbol.for("@effect/sql-sqlite-node/SqliteClient"),
  "~@effect/sql-pg/PgClient",
]

/**
 * The acquirer every statement of `sql` runs on. It is a field of @effect/sql's
 * statements, not of their public interface: when it is absent, or the client is
 * not one of {@link SCOPE_FREE}, the executor reserves a connection per statement
 * instead (a scope more, about 8 µs).
 */
const statementAcquirer = (sql: SqlClient.SqlClient): Effect.Effect<Connection, SqlError> | undefined => {
  if (!SCOPE_FREE.some((id) => id in sql)) return undefined
  const acquirer = (sql.unsafe("SELECT 1") as unknown as { readonly acquirer?: unknown }).acquirer
  return Effect.isEffect(acquirer) ? (acquirer as Effect.Effect<Connection, SqlError>) : undefined
}

export const make = (sql: SqlClient.SqlClient, options: ExecutorOptions): Effect.Effect<Executor> => {
  if (options.instrumented) {
    const run = <A extends object>(text: string, params: ReadonlyArray<unknown>) => sql.unsafe<A>(text, params)
    return Effect.succeed({ run, path: "statement", prepared: false })
  }
  return makeDirect(sql, options)
}

const makeDirect = Effect.fnUntraced(function* (sql: SqlClient.SqlClient, options: ExecutorOptions) {
  const isPg = sql.onDialectOrElse({ pg: () => true, orElse: () => false })

  const probe = runNamed<{ readonly one?: unknown }>
  const prepared =
    isPg &&
    options.preparedStatements &&
    (yield* Effect.scoped(
      Effect.flatMap(sql.reserve, (conn) => probe(conn, "cartable_probe", "SELECT 1 AS one", [])),
    ).pipe(
      Effect.map((rows) => rows.length === 1 && Number(rows[0]?.one) === 1),
      Effect.orElseSucceed(() => false),
    ))

  const onConnection = <A extends object>(
    conn: Connection,
    text: string,
    params: ReadonlyArray<unknown>,
    name: string | undefined,
  ): Effect.Effect<ReadonlyArray<A>, SqlError> =>
    prepared && name !== undefined
      ? runNamed<A>(conn, name, text, params)
      : (conn.execute(text, params, undefined) as Effect.Effect<ReadonlyArray<A>, SqlError>)

  const candidate = statementAcquirer(sql)
  const acquire =
    candidate !== undefined &&
    (yield* Effect.exit(candidate).pipe(
      Effect.map((exit) => Exit.isSuccess(exit) && typeof exit.value?.execute === "function"),
    ))
      ? candidate
      : undefined

  const run = <A extends object>(
    text: string,
    params: ReadonlyArray<unknown>,
    name?: string,
  ): Effect.Effect<ReadonlyArray<A>, SqlError> =>
    acquire !== undefined
      ? Effect.flatMap(acquire, (conn) => onConnection<A>(conn, text, params, name))
      : Effect.flatMap(Effect.serviceOption(SqlClient.TransactionConnection), (transaction) =>
          transaction._tag === "Some"
            ? onConnection<A>(transaction.value[0], text, params, name)
            : Effect.scoped(Effect.flatMap(sql.reserve, (conn) => onConnection<A>(conn, text, params, name))),
        )

  const path = acquire !== undefined ? "acquirer" : "reserve"
  return { run, path, prepared } as Executor
})

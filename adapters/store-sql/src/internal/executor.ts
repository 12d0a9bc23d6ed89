import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"

/**
 * How the driver runs its statements. Through @effect/sql's `Statement` API each
 * statement pays for a tracing span, a scope, the client's connection lock and a
 * transformer lookup: about 15 µs on SQLite, where the INSERT itself takes about
 * 23 µs (docs/performance.md); the scope alone is a third of it. The default path
 * takes the connection from the client's own acquirer (which returns the
 * transaction's connection inside `withTransaction`, and otherwise waits for the
 * client's lock exactly as a statement does) and runs the text on it. `instrumented`
 * keeps the Statement API, with its `sql.execute` spans and
 * `Statement.withTransformer` hooks.
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
  /** The append statement: on PostgreSQL, on the appender connection outside transactions. */
  readonly append: <A extends object>(
    text: string,
    params: ReadonlyArray<unknown>,
    name?: string,
  ) => Effect.Effect<ReadonlyArray<A>, SqlError>
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

const messageOf = (error: SqlError): string => {
  const cause = error.cause as { readonly message?: unknown } | null | undefined
  return typeof cause?.message === "string" ? cause.message : ""
}

/** node-postgres refused to send anything: the connection had died while held. Safe to retry elsewhere. */
const notSent = (error: SqlError) => /is not queryable/.test(messageOf(error))

/** A failure of the connection itself, not of the statement (SQLSTATE classes 08 and 57P, or no SQLSTATE). */
const connectionFailed = (error: SqlError) => {
  const cause = error.cause as { readonly code?: unknown } | null | undefined
  const code = typeof cause?.code === "string" ? cause.code : ""
  return !/^[0-9A-Z]{5}$/.test(code) || code.startsWith("08") || code.startsWith("57P")
}

export const make = (
  sql: SqlClient.SqlClient,
  options: ExecutorOptions,
): Effect.Effect<Executor, never, Scope.Scope> => {
  if (options.instrumented) {
    const run = <A extends object>(text: string, params: ReadonlyArray<unknown>) => sql.unsafe<A>(text, params)
    return Effect.succeed({ run, append: run, path: "statement", prepared: false })
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
  // A pool of one connection cannot spare one for appends: every other statement would wait for it.
  const poolSize = (sql as { readonly config?: { readonly maxConnections?: unknown } }).config?.maxConnections
  if (!isPg || (typeof poolSize === "number" && poolSize < 2)) return { run, append: run, path, prepared } as Executor

  // PostgreSQL: appends take the append lock one after the other anyway, so they
  // share one connection held from the pool: no checkout per append. One
  // statement at a time on it, so that interrupting one (a cancel request to the
  // backend) cannot hit another's. It is released, and another reserved, when it
  // fails as a connection.
  const scope = yield* Effect.scope
  const lock = yield* Effect.makeSemaphore(1)
  let held: readonly [Connection, Scope.CloseableScope] | undefined
  const reserve = Effect.suspend(() =>
    held !== undefined
      ? Effect.succeed(held)
      : Effect.flatMap(Scope.fork(scope, ExecutionStrategy.sequential), (child) =>
          Scope.extend(sql.reserve, child).pipe(
            // Interrupted or failed, the reservation leaves nothing checked out behind it.
            Effect.onExit((exit) => (Exit.isSuccess(exit) ? Effect.void : Scope.close(child, exit))),
            Effect.map((conn) => {
              held = [conn, child] as const
              return held
            }),
          ),
        ),
  )
  const release = (entry: readonly [Connection, Scope.CloseableScope]) =>
    Effect.suspend(() => {
      if (held === entry) held = undefined
      return Scope.close(entry[1], Exit.void)
    })
  const onHeld = <A extends object>(
    text: string,
    params: ReadonlyArray<unknown>,
    name: string | undefined,
    retry: boolean,
  ): Effect.Effect<ReadonlyArray<A>, SqlError> =>
    Effect.flatMap(reserve, (entry) =>
      Effect.catchAll(onConnection<A>(entry[0], text, params, name), (error) => {
        if (!connectionFailed(error)) return Effect.fail(error)
        // Sent or not, the connection is done for. Only a statement never sent is tried again.
        return Effect.zipRight(
          release(entry),
          retry && notSent(error) ? onHeld<A>(text, params, name, false) : Effect.fail(error),
        )
      }),
    )

  const append = <A extends object>(text: string, params: ReadonlyArray<unknown>, name?: string) =>
    Effect.flatMap(Effect.serviceOption(SqlClient.TransactionConnection), (transaction) =>
      transaction._tag === "Some"
        ? onConnection<A>(transaction.value[0], text, params, name)
        : lock.withPermits(1)(onHeld<A>(text, params, name, true)),
    )
  return { run, append, path, prepared } as Executor
})

/**
 * A database of its own for each PostgreSQL test file, created on the server of
 * `DATABASE_URL` and dropped afterwards, so that test files run concurrently.
 */
import { randomUUID } from "node:crypto"
import * as Reactivity from "@effect/experimental/Reactivity"
import * as PgClient from "@effect/sql-pg/PgClient"
import { describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

/** The server the tests use; unset when a developer runs vitest alone. */
export const serverUrl: string | undefined = process.env.DATABASE_URL || undefined

const SKIPPED =
  "SKIPPED: DATABASE_URL is unset. Run `pnpm test` (scripts/test.sh starts a throwaway server), " +
  'or `eval "$(scripts/postgres.sh start)"` then vitest, or point DATABASE_URL at a server you own.'

/** Registers `tests` when a server is configured; otherwise a skipped suite whose name says why. */
export const describeWithServer = (name: string, tests: (url: string) => void): void => {
  if (serverUrl === undefined) {
    console.warn(`${name}: ${SKIPPED}`)
    describe.skip(`${name} (${SKIPPED})`, () => {
      it("needs a PostgreSQL server", () => {})
    })
  } else {
    describe(name, () => tests(serverUrl))
  }
}

const onServer = (url: string, statement: string) =>
  Effect.flatMap(PgClient.make({ url: Redacted.make(url) }), (sql) => sql.unsafe(statement)).pipe(
    Effect.scoped,
    Effect.provide(Reactivity.layer),
    Effect.orDie,
  )

/**
 * The URL of a fresh database on the server, dropped (connections and all) when
 * the scope closes. `options` ends the CREATE DATABASE statement (a collation).
 */
export const database = (server: string, options = "") =>
  Effect.gen(function* () {
    const name = `cartable_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`
    yield* Effect.acquireRelease(onServer(server, `CREATE DATABASE ${name} ${options}`), () =>
      onServer(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    )
    const url = new URL(server)
    url.pathname = `/${name}`
    return url.toString()
  })

/** A fresh database on the server, dropped (connections and all) when the layer is released. */
export const layerWithDatabase = <ROut, E>(
  server: string,
  f: (url: string) => Layer.Layer<ROut, E>,
  options?: string,
) => Layer.unwrapScoped(Effect.map(database(server, options), f))

/**
 * The identity store across real OS processes on one database (issue 13): they
 * race `take` on the same single-use entries and `recordFailure` on one key. Each
 * entry must go to exactly one process, and the failure counts returned must be
 * 1..total, each once, ending at the total.
 */
import { IdentityStore } from "@cartable/identity/IdentityStore"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { ENTRIES, expiresAt, FAILURES_EACH, keyOf, NAMESPACE, now, type Report } from "./IdentityRaceWorker.ts"
import { type Outcome, runTogether } from "./Processes.ts"

/** Puts the entries the workers race for. */
export const seed = Effect.gen(function* () {
  const store = yield* IdentityStore
  for (let i = 0; i < ENTRIES; i++) yield* store.put(NAMESPACE, keyOf(i), `value-${i}`, expiresAt, now)
})

/** What a race runs: the worker script, its database argument, how many processes, the store on that database. */
export interface Race<E> {
  readonly worker: string
  readonly database: string
  readonly processes: number
  readonly layer: Layer.Layer<IdentityStore | SqlClient.SqlClient, E>
}

const byKey = ([a]: readonly [string, string], [b]: readonly [string, string]) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Seeds the entries, runs the workers together, then checks what they got and
 * the store's final state: every entry taken once, by one process, with its own
 * value; the failure counts 1..total, each once.
 */
export const seeded = <E>(race: Race<E>) =>
  Effect.gen(function* () {
    yield* seed
    const reports = yield* together(race, "seeded")
    assert.deepStrictEqual(
      reports.flatMap((report) => report.taken).sort(byKey),
      Array.from({ length: ENTRIES }, (_, i) => [keyOf(i), `value-${i}`] as const).sort(byKey),
    )
    yield* checkFailures(reports)
    const store = yield* IdentityStore
    for (let i = 0; i < ENTRIES; i++) assert.isTrue(Option.isNone(yield* store.get(NAMESPACE, keyOf(i), now)))
  }).pipe(Effect.provide(race.layer))

/**
 * The workers open a database no process opened yet, together: one runs the
 * identity store's migration while the others wait, and all of them then work.
 */
export const fresh = <E>(race: Race<E>) =>
  Effect.gen(function* () {
    const reports = yield* together(race, "fresh")
    yield* Effect.gen(function* () {
      yield* checkFailures(reports)
      const sql = yield* SqlClient.SqlClient
      const migrations = yield* sql<{ readonly migration_id: number }>`
        SELECT migration_id FROM cartable_identity_migrations ORDER BY migration_id`
      assert.deepStrictEqual(
        migrations.map((m) => Number(m.migration_id)),
        [1],
      )
    }).pipe(Effect.provide(race.layer))
  })

const together = <E>(race: Race<E>, mode: "fresh" | "seeded") =>
  Effect.map(
    Effect.promise(() =>
      runTogether(
        race.worker,
        Array.from({ length: race.processes }, (_, i) => [race.database, String(i), mode]),
      ),
    ),
    (outcomes: ReadonlyArray<Outcome>) =>
      outcomes.map((outcome, i) => {
        assert.strictEqual(
          outcome.code,
          0,
          `process ${i}: ${outcome.stdout.slice(0, 2_000)}${outcome.stderr.slice(0, 2_000)}`,
        )
        return JSON.parse(outcome.stdout.trim()) as Report
      }),
  )

const checkFailures = (reports: ReadonlyArray<Report>) =>
  Effect.gen(function* () {
    const total = reports.length * FAILURES_EACH
    assert.deepStrictEqual(
      reports.flatMap((report) => report.counts).sort((a, b) => a - b),
      Array.from({ length: total }, (_, i) => i + 1),
    )
    const store = yield* IdentityStore
    assert.strictEqual(yield* store.failures(NAMESPACE, "login", now, "1 hour"), total)
  })

/**
 * The identity store across real OS processes on one database (issue 13): they
 * race `take` on the same single-use entries and `recordFailure` on one key. Each
 * entry must go to exactly one process, and the failure counts returned must be
 * 1..total, each once, ending at the total.
 */
import { IdentityStore } from "@cartable/identity/IdentityStore"
import { assert } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { ENTRIES, expiresAt, FAILURES_EACH, keyOf, NAMESPACE, now, type Report } from "./IdentityRaceWorker.ts"
import { type Outcome, runTogether } from "./Processes.ts"

/** Puts the entries the workers race for. */
export const seed = Effect.gen(function* () {
  const store = yield* IdentityStore
  for (let i = 0; i < ENTRIES; i++) yield* store.put(NAMESPACE, keyOf(i), `value-${i}`, expiresAt, now)
})

/** Runs `processes` workers together, then checks what they got against the store's final state. */
export const scenario = (worker: string, database: string, processes: number) =>
  Effect.gen(function* () {
    const store = yield* IdentityStore
    yield* seed
    const outcomes: ReadonlyArray<Outcome> = yield* Effect.promise(() =>
      runTogether(
        worker,
        Array.from({ length: processes }, (_, i) => [database, String(i)]),
      ),
    )
    const reports = outcomes.map((outcome, i) => {
      assert.strictEqual(
        outcome.code,
        0,
        `process ${i}: ${outcome.stdout.slice(0, 2_000)}${outcome.stderr.slice(0, 2_000)}`,
      )
      return JSON.parse(outcome.stdout.trim()) as Report
    })
    // Every entry taken once, by one process, with its own value.
    const taken = reports.flatMap((report) => report.taken)
    assert.deepStrictEqual(
      [...taken].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      Array.from({ length: ENTRIES }, (_, i) => [keyOf(i), `value-${i}`] as const).sort(([a], [b]) =>
        a < b ? -1 : a > b ? 1 : 0,
      ),
    )
    const total = processes * FAILURES_EACH
    const counts = reports.flatMap((report) => report.counts).sort((a, b) => a - b)
    assert.deepStrictEqual(
      counts,
      Array.from({ length: total }, (_, i) => i + 1),
    )
    assert.strictEqual(yield* store.failures(NAMESPACE, "login", now, "1 hour"), total)
    for (let i = 0; i < ENTRIES; i++) assert.isTrue(Option.isNone(yield* store.get(NAMESPACE, keyOf(i), now)))
  })

/**
 * The work of one process of the identity race (IdentityRace.ts), apart from the
 * test's assertions so that a worker loads no test runner.
 */
import { IdentityStore } from "@cartable/identity/IdentityStore"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { waitForGo } from "./Processes.ts"

/** How many entries the processes race for, and how many failures each records. */
export const ENTRIES = 120
export const FAILURES_EACH = 40

export const NAMESPACE = "race"
export const now = DateTime.unsafeMake("2026-09-01T08:00:00Z")
export const expiresAt = DateTime.unsafeMake("2026-09-01T09:00:00Z")
export const keyOf = (i: number) => `code-${i}`

/** What a worker prints: the entries it took (key and value) and the failure counts it was given. */
export interface Report {
  readonly taken: ReadonlyArray<readonly [string, string]>
  readonly counts: ReadonlyArray<number>
}

/**
 * One worker's run (`<worker> <database> <id> <fresh|seeded>`): opens the store
 * and waits for `go` (on a fresh database, waits for `go` and then opens it, so
 * that the processes race on its migrations), then interleaves its takes with its
 * failures.
 */
export const work = async <E>(id: number, fresh: boolean, layer: Layer.Layer<IdentityStore, E>): Promise<never> => {
  if (fresh) await waitForGo()
  const program = Effect.gen(function* () {
    const store = yield* IdentityStore
    if (!fresh) yield* Effect.promise(waitForGo)
    // Every process walks the keys in one order, so that they arrive on each key together; one in
    // four walks it backwards, and meets the others head-on.
    const order = Array.from({ length: ENTRIES }, (_, i) => (id % 4 === 3 ? ENTRIES - 1 - i : i))
    const taken: Array<readonly [string, string]> = []
    const counts: Array<number> = []
    for (const [i, k] of order.entries()) {
      const value = yield* store.take(NAMESPACE, keyOf(k), now)
      if (Option.isSome(value)) taken.push([keyOf(k), value.value])
      if (i % 3 === 0 && counts.length < FAILURES_EACH) {
        counts.push(yield* store.recordFailure(NAMESPACE, "login", now, "1 hour"))
      }
    }
    while (counts.length < FAILURES_EACH) counts.push(yield* store.recordFailure(NAMESPACE, "login", now, "1 hour"))
    return { taken, counts } satisfies Report
  })
  const exit = await Effect.runPromiseExit(Effect.provide(program, layer))
  if (exit._tag === "Success") {
    process.stdout.write(`${JSON.stringify(exit.value)}\n`)
    process.exit(0)
  }
  process.stderr.write(`${String(exit.cause)}\n`)
  process.exit(1)
}

/**
 * The background fiber of a consumer (an async projection or a reactor):
 * round after round, then waiting for a wake-up or the poll.
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import type { Failure } from "../ProjectionRuntime.ts"
import type { CheckpointConflict } from "../ReadModelStore.ts"
import type { Core } from "./core.ts"

/**
 * One batch of a consumer under its lease: "waiting" while another runner
 * holds it, else the batch's outcome ("busy" while it left work to do).
 */
export const underLease = <E>(core: Core, id: string, step: Effect.Effect<boolean, E>) =>
  Effect.gen(function* () {
    if (!(yield* core.store.acquireLease(id, core.holder, core.leaseTtl))) {
      yield* core.setLocal(id, { state: "waiting" })
      return "idle" as const
    }
    const caughtUp = yield* step
    yield* core.setLocal(id, { state: caughtUp ? "live" : "catching-up" })
    return caughtUp ? ("idle" as const) : ("busy" as const)
  })

/** `round` says whether it left work to do ("busy") or reached the head ("idle"). */
export const follow = (
  core: Core,
  id: string,
  round: Effect.Effect<"idle" | "busy", Failure | CheckpointConflict>,
): Effect.Effect<never> => {
  const loop: Effect.Effect<never> = Effect.gen(function* () {
    while (true) {
      // Taken before the round, so that an append during it wakes the wait that follows (no lost wake-up).
      const signal = yield* Ref.get(core.wakeUp)
      const outcome = yield* round.pipe(
        // Another runner applied these events first (a lease taken over): read again from its checkpoint.
        Effect.catchTag("CheckpointConflict", () => Effect.succeed("busy" as const)),
        Effect.tapError((error) => core.recordFailure(id, error)),
        Effect.retry(core.retry),
        Effect.orElseSucceed(() => "idle" as const),
      )
      if (outcome === "idle") yield* Effect.raceFirst(Deferred.await(signal), Effect.sleep(core.pollInterval))
    }
  })
  return loop.pipe(Effect.ensuring(core.store.releaseLease(id, core.holder).pipe(Effect.ignore)))
}

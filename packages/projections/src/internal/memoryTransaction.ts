import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"

/**
 * One transaction over memory stores (the read-model store and, in the shared
 * layer, the event store driver). A transaction holds a lock that every call of
 * those stores outside it waits for, so no other fiber sees or interleaves with
 * its writes; each write records how to undo itself, and a failure runs the
 * undos of the transaction in reverse order. A transaction inside another acts
 * as a savepoint (like the SQL stores): its failure undoes its own writes only.
 */
export interface MemoryTransaction {
  /** Records the undo of a write (kept only while a transaction runs). */
  readonly record: (undo: () => void) => void
  /** Runs a store call: at once inside the transaction, after it otherwise. */
  readonly guard: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  readonly withTransaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

export const make: Effect.Effect<MemoryTransaction> = Effect.map(Effect.makeSemaphore(1), (lock) => {
  const inside = FiberRef.unsafeMake(false)
  const undos: Array<() => void> = []
  let depth = 0

  const record = (undo: () => void): void => {
    if (depth > 0) undos.push(undo)
  }

  const rollbackTo = (mark: number): void => {
    while (undos.length > mark) undos.pop()!()
  }

  const run = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.suspend(() => {
        const mark = undos.length
        depth++
        return Effect.onExit(restore(Effect.locally(effect, inside, true)), (exit) =>
          Effect.sync(() => {
            depth--
            if (Exit.isFailure(exit)) rollbackTo(mark)
            if (depth === 0) undos.length = 0
          }),
        )
      }),
    )

  const guard = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(FiberRef.get(inside), (within) => (within ? effect : lock.withPermits(1)(effect)))

  const withTransaction = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(FiberRef.get(inside), (within) => (within ? run(effect) : lock.withPermits(1)(run(effect))))

  return { record, guard, withTransaction }
})

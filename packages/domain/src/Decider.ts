/**
 * The shape every aggregate has: a pure decision function and a total fold.
 *
 * @since 0.1.0
 */
import type * as Either from "effect/Either"

/**
 * A decider. `decide` returns the events a command produces, or a typed error
 * naming the rule it breaks; `evolve` folds one event into the state and never
 * fails. Neither reads a clock or draws randomness: time and ids come in commands.
 *
 * @since 0.1.0
 */
export interface Decider<C, E, S, Err> {
  readonly initialState: S
  readonly decide: (command: C, state: S) => Either.Either<ReadonlyArray<E>, Err>
  readonly evolve: (state: S, event: E) => S
}

/**
 * A decider with what the event log needs to store it: the stream category and
 * the id of the aggregate instance a command targets.
 *
 * @since 0.1.0
 */
export interface Aggregate<C, E, S, Err> extends Decider<C, E, S, Err> {
  readonly category: string
  readonly streamId: (command: C) => string
}

/**
 * Folds events into a state.
 *
 * @since 0.1.0
 */
export const fold = <C, E, S, Err>(decider: Decider<C, E, S, Err>, events: Iterable<E>, from?: S): S => {
  let state = from ?? decider.initialState
  for (const event of events) state = decider.evolve(state, event)
  return state
}

/**
 * Given/when/then for any decider: given past events, when a command is
 * decided, then these events, or a rejection.
 *
 * @example
 * given(Account.aggregate, [provisioned]).when(activate).then([activated])
 * given(Account.aggregate, []).when(manualPupil).thenRejects({ ruleId: "BR-ACC-1" })
 * @since 0.1.0
 */
import * as assert from "node:assert/strict"
import { type Decider, fold } from "@cartable/kernel/Decider"
import * as Either from "effect/Either"

/**
 * The outcome of `when`, with assertions.
 *
 * @since 0.1.0
 */
export interface When<E, S, Err> {
  /** The raw decision. */
  readonly decision: Either.Either<ReadonlyArray<E>, Err>
  /** The state the command was decided against. */
  readonly state: S
  /** Asserts the command was accepted with exactly these events; returns the new state. */
  readonly then: (expected: ReadonlyArray<E>) => S
  /** Asserts the command was accepted; returns the events and the new state. */
  readonly accepted: () => { readonly events: ReadonlyArray<E>; readonly state: S }
  /** Asserts the command was rejected with an error whose fields include `expected`; returns it. */
  readonly thenRejects: (expected: Partial<Err>) => Err
}

/**
 * Starts a spec from past events.
 *
 * @since 0.1.0
 */
export const given = <C, E, S, Err>(decider: Decider<C, E, S, Err>, events: ReadonlyArray<E> = []) => ({
  when: (command: C): When<E, S, Err> => {
    const state = fold(decider, events)
    const decision = decider.decide(command, state)
    const accepted = () => {
      if (Either.isLeft(decision)) {
        assert.fail(`expected the command to be accepted, it was rejected: ${describe(decision.left)}`)
      }
      return { events: decision.right, state: fold(decider, decision.right, state) }
    }
    return {
      decision,
      state,
      accepted,
      // biome-ignore lint/suspicious/noThenProperty: given/when/then is the point; a When is never awaited
      then: (expected) => {
        const result = accepted()
        assert.deepStrictEqual(result.events, expected)
        return result.state
      },
      thenRejects: (expected) => {
        if (Either.isRight(decision)) {
          assert.fail(`expected a rejection, the command was accepted with ${JSON.stringify(decision.right)}`)
        }
        const error = decision.left
        for (const [key, value] of Object.entries(expected)) {
          assert.deepStrictEqual((error as Record<string, unknown>)[key], value, `field ${key} of ${describe(error)}`)
        }
        return error
      },
    }
  },
})

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message} ${JSON.stringify(error)}` : JSON.stringify(error)

/**
 * Decides a sequence of commands from the initial state, keeping the accepted
 * events and skipping rejected commands: the history a real system would have.
 *
 * @since 0.1.0
 */
export const run = <C, E, S, Err>(
  decider: Decider<C, E, S, Err>,
  commands: Iterable<C>,
  from: S = decider.initialState,
): {
  readonly state: S
  readonly events: ReadonlyArray<E>
  readonly steps: ReadonlyArray<{
    readonly command: C
    readonly before: S
    readonly decision: Either.Either<ReadonlyArray<E>, Err>
  }>
} => {
  let state = from
  const events: Array<E> = []
  const steps: Array<{ command: C; before: S; decision: Either.Either<ReadonlyArray<E>, Err> }> = []
  for (const command of commands) {
    const decision = decider.decide(command, state)
    steps.push({ command, before: state, decision })
    if (Either.isRight(decision)) {
      events.push(...decision.right)
      state = fold(decider, decision.right, state)
    }
  }
  return { state, events, steps }
}

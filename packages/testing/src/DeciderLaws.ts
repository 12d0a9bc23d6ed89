/**
 * The laws every aggregate obeys, as a vitest suite to call from a test file.
 * Each law can fail on a wrong `evolve` or `decide`, not only on a wrong codec:
 * docs/testing.md shows a mutant each one kills.
 *
 * @since 0.1.0
 */
import * as assert from "node:assert/strict"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import { type Aggregate, fold } from "@cartable/kernel/Decider"
import { describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Arr from "effect/Array"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as DeciderSpec from "./DeciderSpec.ts"

/**
 * Options of the laws. `commands` draws sequences of commands steered toward a
 * few aggregate instances so that they meet (by default: any commands of the
 * aggregate's Schema); `inertEvents` lists event tags that, by design, change
 * nothing the aggregate decides on (none by default).
 *
 * @since 0.1.0
 */
export interface LawsOptions<C> {
  readonly commands?: FastCheck.Arbitrary<ReadonlyArray<C>>
  readonly inertEvents?: ReadonlyArray<string>
  readonly numRuns?: number
}

/**
 * Registers the law suite of an aggregate:
 * - evolve is total over any sequence of events;
 * - `evolveAll`, when the aggregate has one, equals evolve one event after another;
 * - decide and evolve are deterministic;
 * - every rejection has a message a person can read (and names its rule when it has one);
 * - every event decide records changes the state (an event `evolve` forgets is a
 *   fact the aggregate will not remember);
 * - after every command, the state folded from the decisions equals the state
 *   rebuilt from what the store returns (through the event codec, the
 *   personal-data cipher and erasure), and the store holds exactly the events
 *   decided: a rejected command appends nothing;
 * - commands and events round-trip through their Schema as JSON.
 *
 * @example
 * DeciderLaws.suite(Account.aggregate, { commands: AccountArbitraries.commands })
 * @since 0.1.0
 */
export const suite = <C extends { readonly _tag: string }, E extends { readonly _tag: string }, S, Err, CI, EI>(
  aggregate: Aggregate<C, E, S, Err, CI, EI>,
  options: LawsOptions<C> = {},
): void => {
  const commands = options.commands ?? FastCheck.array(Arbitrary.make(aggregate.Command), { maxLength: 20 })
  const inert = new Set(options.inertEvents ?? [])
  const fastCheck = { numRuns: options.numRuns ?? 100 }
  const encodeEvent = Schema.encodeSync(aggregate.Event)
  const decodeEvent = Schema.decodeUnknownSync(aggregate.Event)
  const encodeCommand = Schema.encodeSync(aggregate.Command)
  const decodeCommand = Schema.decodeUnknownSync(aggregate.Command)
  const catalog = EventCatalog.make(aggregate.events)
  const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

  /** Runs a command sequence, one decider per stream, as the command handler would. */
  const byStream = (sequence: ReadonlyArray<C>) =>
    Object.values(Arr.groupBy(sequence, (command) => aggregate.streamId(command))).map((commands) =>
      DeciderSpec.run(aggregate, commands),
    )

  describe(`${aggregate.category} laws`, () => {
    it.prop(
      "evolve is total over any sequence of events",
      [FastCheck.array(Arbitrary.make(aggregate.Event), { maxLength: 30 })],
      ([events]) => {
        fold(aggregate, events)
      },
      { fastCheck },
    )

    /** The events folded one after another with `evolve` alone: the oracle of `evolveAll`. */
    const oneByOne = (events: ReadonlyArray<E>, from: S): S => events.reduce(aggregate.evolve, from)

    it.prop(
      "evolveAll, when given, equals evolve one event after another and leaves its state unchanged",
      [commands, FastCheck.array(Arbitrary.make(aggregate.Event), { maxLength: 30 })],
      ([sequence, drawn]) => {
        const evolveAll = aggregate.evolveAll
        if (evolveAll === undefined) return
        assert.deepStrictEqual(evolveAll(aggregate.initialState, drawn), oneByOne(drawn, aggregate.initialState))
        for (const history of byStream(sequence)) {
          const events = history.steps.flatMap((step) => (Either.isRight(step.decision) ? step.decision.right : []))
          // From every state the history passes through, the rest of its events.
          let state = aggregate.initialState
          for (let i = 0; i <= events.length; i++) {
            const before = structuredClone(state)
            const rest = events.slice(i)
            assert.deepStrictEqual(evolveAll(state, rest), oneByOne(rest, state), `the events from #${i}`)
            assert.deepStrictEqual(state, before, `evolveAll changed the state it was given (events from #${i})`)
            if (i < events.length) state = aggregate.evolve(state, events[i]!)
          }
        }
      },
      { fastCheck },
    )

    it.prop(
      "decide and evolve are deterministic",
      [commands],
      ([sequence]) => {
        for (const history of byStream(sequence)) {
          for (const step of history.steps) {
            const again = aggregate.decide(step.command, step.before)
            assert.deepStrictEqual(again, step.decision, `decide(${step.command._tag}) twice`)
            if (Either.isRight(step.decision)) {
              assert.deepStrictEqual(
                fold(aggregate, step.decision.right, step.before),
                fold(aggregate, step.decision.right, step.before),
                `evolve after ${step.command._tag} twice`,
              )
            }
          }
        }
      },
      { fastCheck },
    )

    it.prop(
      "every rejection says why, in words a person reads",
      [commands],
      ([sequence]) => {
        for (const history of byStream(sequence)) {
          for (const step of history.steps) {
            if (Either.isRight(step.decision)) continue
            const rejection: unknown = step.decision.left
            const message = rejection instanceof Error ? rejection.message : undefined
            assert.ok(
              typeof message === "string" && message.trim().length > 0,
              `${step.command._tag} was rejected without a message`,
            )
            if (typeof rejection === "object" && rejection !== null && "ruleId" in rejection) {
              assert.ok(
                typeof rejection.ruleId === "string" && rejection.ruleId.length > 0,
                `${step.command._tag}: no rule`,
              )
            }
          }
        }
      },
      { fastCheck },
    )

    it.prop(
      "every event decide records changes the state",
      [commands],
      ([sequence]) => {
        for (const history of byStream(sequence)) {
          for (const step of history.steps) {
            if (Either.isLeft(step.decision)) continue
            let state = step.before
            for (const event of step.decision.right) {
              const next = aggregate.evolve(state, event)
              if (!inert.has(event._tag)) {
                assert.notDeepStrictEqual(next, state, `${event._tag} (after ${step.command._tag}) changed nothing`)
              }
              state = next
            }
          }
        }
      },
      { fastCheck },
    )

    it.effect.prop(
      "the state folded from the decisions equals the state rebuilt from the store, erasure included",
      [commands],
      ([sequence]) =>
        Effect.gen(function* () {
          const handle = yield* CommandHandler.makeTyped(aggregate)
          const states = new Map<string, S>()
          const context = { occurredAt: DateTime.unsafeMake(0) }
          for (const command of sequence) {
            const id = aggregate.streamId(command)
            const before = yield* CommandHandler.load(aggregate, id)
            const expected = aggregate.decide(command, states.get(id) ?? aggregate.initialState)
            const outcome = yield* Effect.either(handle(command, context))
            const after = yield* CommandHandler.load(aggregate, id)
            if (Either.isLeft(expected)) {
              assert.ok(Either.isLeft(outcome), `${command._tag} was rejected by decide but accepted by the handler`)
              assert.equal(after.version, before.version, `rejected ${command._tag} appended events`)
            } else {
              assert.ok(Either.isRight(outcome), `${command._tag} was accepted by decide but refused by the handler`)
              assert.equal(after.version, before.version + expected.right.length)
              states.set(id, fold(aggregate, expected.right, states.get(id) ?? aggregate.initialState))
            }
            assert.deepStrictEqual(
              after.state,
              states.get(id) ?? aggregate.initialState,
              `state of ${id} after ${command._tag}`,
            )
          }
        }).pipe(Effect.provide(EventStore.layerMemory(catalog))),
      { fastCheck: { numRuns: Math.min(fastCheck.numRuns, 50) } },
    )

    it.prop(
      "every command and event round-trips through its Schema",
      [commands],
      ([sequence]) => {
        for (const command of sequence) {
          const encoded = json(encodeCommand(command))
          assert.deepStrictEqual(json(encodeCommand(decodeCommand(encoded))), encoded)
        }
        for (const history of byStream(sequence)) {
          for (const event of history.events) {
            assert.deepStrictEqual(decodeEvent(json(encodeEvent(event))), event)
          }
        }
      },
      { fastCheck },
    )
  })
}

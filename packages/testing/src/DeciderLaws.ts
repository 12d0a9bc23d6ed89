/**
 * The laws every aggregate obeys, as a vitest suite to call from a test file:
 * evolve is total, replaying the recorded events reproduces the state, a
 * rejected command records nothing, and events and commands round-trip
 * through their Schema.
 *
 * @since 0.1.0
 */
import * as assert from "node:assert/strict"
import { type Aggregate, fold } from "@cartable/domain/Decider"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as StreamName from "@cartable/eventlog/StreamName"
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
 * What the laws need to know of an aggregate.
 *
 * @since 0.1.0
 */
export interface LawsOptions<C extends { readonly _tag: string }, E extends { readonly _tag: string }, S, Err> {
  readonly aggregate: Aggregate<C, E, S, Err>
  /** Sequences of commands on a few aggregate instances, steered so they meet. */
  readonly commands: FastCheck.Arbitrary<ReadonlyArray<C>>
  readonly Command: Schema.Schema<C, unknown>
  readonly Event: Schema.Schema<E, unknown>
  /** The aggregate's events keyed by tag, for the event catalogue. */
  readonly events: Readonly<Record<string, EventCatalog.EventSchema>>
  readonly numRuns?: number
}

const streamOf = <C, E, S, Err>(aggregate: Aggregate<C, E, S, Err>, command: C) =>
  `${aggregate.category}-${aggregate.streamId(command)}`

/**
 * Registers the law suite of an aggregate.
 *
 * @since 0.1.0
 */
export const suite = <C extends { readonly _tag: string }, E extends { readonly _tag: string }, S, Err>(
  options: LawsOptions<C, E, S, Err>,
): void => {
  const { aggregate, commands, Command, Event } = options
  const fastCheck = { numRuns: options.numRuns ?? 100 }
  const encodeEvent = Schema.encodeSync(Event)
  const decodeEvent = Schema.decodeUnknownSync(Event)
  const encodeCommand = Schema.encodeSync(Command)
  const decodeCommand = Schema.decodeUnknownSync(Command)

  /** Runs a command sequence, one decider per stream, as the command handler would. */
  const byStream = (sequence: ReadonlyArray<C>) =>
    Object.values(Arr.groupBy(sequence, (command) => streamOf(aggregate, command))).map((commands) =>
      DeciderSpec.run(aggregate, commands),
    )

  describe(`${aggregate.category} laws`, () => {
    it.prop(
      "evolve is total over any sequence of events",
      [FastCheck.array(Arbitrary.make(Event), { maxLength: 30 })],
      ([events]) => {
        fold(aggregate, events)
      },
      { fastCheck },
    )

    it.prop(
      "replaying the events decide produced, through their Schema, reproduces the state",
      [commands],
      ([sequence]) => {
        for (const history of byStream(sequence)) {
          const replayed = history.events.map((event) => decodeEvent(JSON.parse(JSON.stringify(encodeEvent(event)))))
          assert.deepStrictEqual(fold(aggregate, replayed), history.state)
        }
      },
      { fastCheck },
    )

    it.prop(
      "a rejected command produces no events and leaves the state as it was",
      [commands],
      ([sequence]) => {
        for (const history of byStream(sequence)) {
          for (const step of history.steps) {
            if (Either.isLeft(step.decision)) {
              assert.ok(step.decision.left !== undefined)
              assert.deepStrictEqual(DeciderSpec.run(aggregate, [step.command], step.before).state, step.before)
            }
          }
        }
      },
      { fastCheck },
    )

    it.effect.prop(
      "through the command handler, a rejected command leaves the stream unchanged",
      [commands],
      ([sequence]) =>
        Effect.gen(function* () {
          const handle = yield* CommandHandler.make(aggregate)
          const store = yield* EventStore.EventStore
          const context = { occurredAt: DateTime.unsafeMake(0) }
          for (const command of sequence) {
            const streamName = StreamName.make(aggregate.category, aggregate.streamId(command))
            const before = yield* store.streamInfo(streamName)
            const outcome = yield* Effect.either(handle(command, context))
            const after = yield* store.streamInfo(streamName)
            if (Either.isLeft(outcome)) assert.equal(after.version, before.version)
            else assert.equal(after.version, before.version + outcome.right.events.length)
          }
        }).pipe(Effect.provide(EventStore.layerMemory(EventCatalog.make(options.events)))),
      { fastCheck: { numRuns: Math.min(fastCheck.numRuns, 30) } },
    )

    it.prop(
      "every command and event round-trips through its Schema",
      [commands],
      ([sequence]) => {
        for (const command of sequence) {
          const json = JSON.parse(JSON.stringify(encodeCommand(command)))
          assert.deepStrictEqual(JSON.parse(JSON.stringify(encodeCommand(decodeCommand(json)))), json)
        }
        for (const history of byStream(sequence)) {
          for (const event of history.events) {
            const encoded = encodeEvent(event)
            assert.deepStrictEqual(decodeEvent(JSON.parse(JSON.stringify(encoded))), event)
          }
        }
      },
      { fastCheck },
    )
  })
}

/**
 * Runs commands against aggregates stored in the event log: load the stream,
 * fold it with `evolve`, `decide`, append with the expected version, and on a
 * concurrency conflict reload and decide again.
 *
 * @since 0.1.0
 */

import { type Aggregate, type EventDefinition, fold } from "@cartable/kernel/Decider"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as Tracing from "@cartable/kernel/Tracing"
import type * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Metric from "effect/Metric"
import * as Schedule from "effect/Schedule"
import type * as Schema from "effect/Schema"
import * as CommandInput from "./CommandInput.ts"
import * as EventLogMetrics from "./EventLogMetrics.ts"
import type { EventMetadata } from "./EventMetadata.ts"
import { EventStore } from "./EventStore.ts"
import type { StreamAppend } from "./EventStoreDriver.ts"
import { ConcurrencyConflict, EventStoreError } from "./EventStoreError.ts"
import * as ExpectedVersion from "./ExpectedVersion.ts"
import * as MetadataCodec from "./internal/metadataCodec.ts"
import * as Untraced from "./internal/untraced.ts"
import type { NewEvent, RecordedEvent } from "./RecordedEvent.ts"
import * as StreamName from "./StreamName.ts"

/**
 * What the caller knows of the command's context: when it happened (the domain
 * has no clock) and the correlation and causation ids to record.
 *
 * @since 0.1.0
 */
export interface CommandContext {
  readonly occurredAt: DateTime.Utc
  readonly correlationId?: string
  readonly causationId?: string
  /**
   * Who acts, for a command that names no actor of its own: the holder of an
   * account proving himself with a code (first login, renewal, recovery). A
   * command's own `actor` always wins.
   */
  readonly actor?: string
  /**
   * With a `causationId`: the command is applied at most once per causation id
   * on its stream. When an event of the stream already carries this causation
   * id, nothing is decided again and the handler returns the events recorded
   * then. A process manager that may see an event twice (after a crash, before
   * its checkpoint moved) issues its commands this way.
   */
  readonly idempotent?: boolean
}

/**
 * The outcome of an accepted command: the events it recorded (possibly none,
 * for a command that changes nothing) and the stream's version after it.
 *
 * @since 0.1.0
 */
export interface Handled<E> {
  readonly events: ReadonlyArray<E>
  readonly streamVersion: number
}

/**
 * A command handler for one aggregate.
 *
 * @since 0.1.0
 */
export type CommandHandler<C, E, Err> = (
  command: C,
  context: CommandContext,
) => Effect.Effect<Handled<E>, Err | ConcurrencyConflict | EventStoreError>

/**
 * A handler of untrusted input for one aggregate: decodes with the aggregate's
 * command Schema, then handles. Input that does not decode fails with
 * {@link CommandInput.InvalidCommand} and nothing is appended.
 *
 * @since 0.1.0
 */
export type DecodingHandler<E, Err> = (
  input: unknown,
  context: CommandContext,
) => Effect.Effect<Handled<E>, CommandInput.InvalidCommand | Err | ConcurrencyConflict | EventStoreError>

/**
 * The default retry on a concurrency conflict: up to 24 retries, exponential
 * from 2 ms capped at 250 ms, with full jitter so that contenders on one stream
 * spread out instead of colliding again (a burst of 50 concurrent commands on
 * one stream goes through; `pnpm bench` measures it).
 *
 * @since 0.1.0
 */
export const defaultRetry: Schedule.Schedule<unknown, unknown> = Schedule.exponential("2 millis").pipe(
  Schedule.union(Schedule.spaced("250 millis")),
  Schedule.jitteredWith({ min: 0, max: 1 }),
  Schedule.intersect(Schedule.recurs(24)),
)

/**
 * Options of a handler: the Schedule that retries a command after a
 * concurrency conflict (reloading and deciding again each time);
 * `Schedule.stop` never retries.
 *
 * @since 0.1.0
 */
export interface Options {
  readonly retry?: Schedule.Schedule<unknown, unknown>
}

/**
 * An aggregate instance as the log holds it: the folded state and the version
 * of its stream (0 for a stream that does not exist).
 *
 * @since 0.1.0
 */
export interface Loaded<S> {
  readonly state: S
  readonly version: number
}

/**
 * Loads an aggregate instance: reads its stream and folds it.
 *
 * @example
 * const { state, version } = yield* CommandHandler.load(Account.aggregate, "acc-42")
 * @since 0.1.0
 */
export const load = <C extends { readonly _tag: string }, E extends { readonly _tag: string }, S, Err, CI, EI>(
  aggregate: Aggregate<C, E, S, Err, CI, EI>,
  id: string,
): Effect.Effect<Loaded<S>, EventStoreError, EventStore> =>
  Effect.map(history(aggregate, id), (recorded) => loaded(aggregate, recorded))

/** The stream of an instance; an id no stream name can hold is an InvalidArgument, never a throw. */
const streamOf = (category: string, id: string): Effect.Effect<StreamName.StreamName, EventStoreError> =>
  Either.match(StreamName.makeEither(category, id), {
    onLeft: (cause) =>
      Effect.fail(
        new EventStoreError({
          reason: "InvalidArgument",
          message: `No stream name holds the ${category} id ${JSON.stringify(id.slice(0, 100))}`,
          cause,
        }),
      ),
    onRight: Effect.succeed,
  })

/**
 * The recorded events of an aggregate instance, typed with the aggregate's events
 * (erased personal values read as `"[erased]"`).
 *
 * @example
 * const history = yield* CommandHandler.history(Report.aggregate, "rep-1")
 * @since 0.1.0
 */
export const history = <C extends { readonly _tag: string }, E extends { readonly _tag: string }, S, Err, CI, EI>(
  aggregate: Aggregate<C, E, S, Err, CI, EI>,
  id: string,
): Effect.Effect<ReadonlyArray<RecordedEvent<E>>, EventStoreError, EventStore> =>
  Effect.flatMap(EventStore, (store) =>
    Effect.flatMap(streamOf(aggregate.category, id), (streamName) => historyFrom<E>(store, streamName)),
  )

const historyFrom = <E extends { readonly _tag: string }>(
  store: Pick<EventStore.Service, "readStream">,
  streamName: StreamName.StreamName,
): Effect.Effect<ReadonlyArray<RecordedEvent<E>>, EventStoreError> =>
  // The catalogue decoded each event of the aggregate's stream with the aggregate's own Schemas.
  store.readStream(streamName) as Effect.Effect<ReadonlyArray<RecordedEvent<E>>, EventStoreError>

/** The state folded from an instance's events, and the version of its stream. */
const loaded = <C extends { readonly _tag: string }, E extends { readonly _tag: string }, S, Err, CI, EI>(
  aggregate: Aggregate<C, E, S, Err, CI, EI>,
  recorded: ReadonlyArray<RecordedEvent<E>>,
): Loaded<S> => ({
  state: fold(
    aggregate,
    recorded.map((entry) => entry.event),
  ),
  version: recorded.length === 0 ? 0 : recorded[recorded.length - 1]!.streamVersion,
})

/** The streams whose state a handler keeps between commands (see `current` in {@link makeTyped}). */
const CACHED_STREAMS = 64

/** The metadata of a command's events. */
const metadataOf = (command: unknown, context: CommandContext): EventMetadata => {
  const actor = actorOf(command) ?? context.actor
  // Not validated here: the store checks the metadata when it encodes it, and
  // refuses what does not encode (a Schema validation per command cost 5 µs).
  const fields: { -readonly [K in keyof EventMetadata]?: EventMetadata[K] } = { occurredAt: context.occurredAt }
  if (actor !== undefined) fields.actor = actor
  if (context.correlationId !== undefined) fields.correlationId = context.correlationId
  if (context.causationId !== undefined) fields.causationId = context.causationId
  return MetadataCodec.unchecked(fields)
}

/**
 * How a handler reads the instances it decides on. For an aggregate none of whose events holds
 * personal data, the state folded for the stream's last command is kept, and only the events appended
 * since (by anyone) are read and folded on it: a school's stream holds thousands of membership events,
 * and every command read them all. An erasure changes how personal fields read, never a stream's
 * versions, so a state without personal data is the same folded now or then.
 */
const streamStates = <C extends { readonly _tag: string }, E extends { readonly _tag: string }, S, Err, CI, EI>(
  aggregate: Aggregate<C, E, S, Err, CI, EI>,
  store: Pick<EventStore.Service, "readStream">,
) => {
  const cache = holdsNoPersonalData(aggregate) ? new Map<string, Loaded<S>>() : undefined
  const remember = (streamName: string, value: Loaded<S>) => {
    if (cache === undefined) return
    cache.delete(streamName)
    cache.set(streamName, value)
    if (cache.size > CACHED_STREAMS) cache.delete(cache.keys().next().value!)
  }
  /** The instance as the log holds it now, with the events read (all of them when `checkCausation`). */
  const current = (streamName: StreamName.StreamName, checkCausation: boolean) =>
    Effect.gen(function* () {
      const hit = checkCausation ? undefined : cache?.get(streamName)
      if (cache === undefined || checkCausation) {
        const recorded = yield* historyFrom<E>(store, streamName)
        return { ...loaded(aggregate, recorded), recorded }
      }
      const newer = (yield* store.readStream(streamName, hit?.version ?? 0)) as ReadonlyArray<RecordedEvent<E>>
      const state = fold(
        aggregate,
        newer.map((entry) => entry.event),
        hit?.state ?? aggregate.initialState,
      )
      const version = newer.length === 0 ? (hit?.version ?? 0) : newer[newer.length - 1]!.streamVersion
      remember(streamName, { state, version })
      return { state, version, recorded: newer }
    })
  return { current, remember, cached: cache !== undefined }
}

/** Whether no event of the aggregate has a personal field: then its folded state may be kept. */
const holdsNoPersonalData = (aggregate: { readonly events: Readonly<Record<string, EventDefinition>> }): boolean =>
  Object.values(aggregate.events).every(
    (definition) =>
      PersonalData.personalFields(Array.isArray(definition) ? definition[0] : (definition as Schema.Schema.Any)).fields
        .length === 0,
  )

const actorOf = (command: unknown): string | undefined => {
  if (typeof command !== "object" || command === null || !("actor" in command)) return undefined
  const actor = command.actor
  return typeof actor === "object" && actor !== null && "accountId" in actor && typeof actor.accountId === "string"
    ? actor.accountId
    : undefined
}

/**
 * Builds the handler of already-typed commands of an aggregate over the
 * EventStore in context: commands built by the application itself or by a
 * process manager. Input from outside goes through {@link make}.
 *
 * @example
 * const handle = yield* CommandHandler.makeTyped(Account.aggregate)
 * yield* handle(command, { occurredAt: DateTime.unsafeNow() })
 * @since 0.1.0
 */
export const makeTyped = <C extends { readonly _tag: string }, E extends { readonly _tag: string }, S, Err, CI, EI>(
  aggregate: Aggregate<C, E, S, Err, CI, EI>,
  options: Options = {},
): Effect.Effect<CommandHandler<C, E, Err>, never, EventStore> =>
  Effect.map(EventStore, (service) => {
    const retry = options.retry ?? defaultRetry
    // The command's span covers its read and its append: the store's own spans are left out.
    const store = Untraced.of(service)

    const { current, remember, cached } = streamStates(aggregate, store)

    const attempt = (command: C, context: CommandContext) =>
      Effect.gen(function* () {
        const streamName = yield* streamOf(aggregate.category, aggregate.streamId(command))
        const checkCausation = context.idempotent === true && context.causationId !== undefined
        const { state, version, recorded } = yield* current(streamName, checkCausation)
        if (checkCausation) {
          const already = recorded.filter((entry) => entry.metadata.causationId === context.causationId)
          if (already.length > 0) return { events: already.map((entry) => entry.event), streamVersion: version }
        }
        const decision = aggregate.decide(command, state)
        if (Either.isLeft(decision)) return yield* Effect.fail(decision.left)
        const events = decision.right
        if (events.length === 0) return { events, streamVersion: version }
        const metadata = metadataOf(command, context)
        const result = yield* store.append(
          streamName,
          ExpectedVersion.exact(version),
          events.map((event) => ({ event, metadata })),
        )
        if (cached) {
          let next = state
          for (const event of events) next = aggregate.evolve(next, event)
          remember(streamName, { state: next, version: result.streamVersion })
        }
        return { events, streamVersion: result.streamVersion }
      })

    const isConflict = (error: unknown): error is ConcurrencyConflict => error instanceof ConcurrencyConflict
    // The schedule's machinery (its driver, its state) is built only once an attempt met a conflict:
    // the retried effect fails at once with that conflict, so the schedule sees the same failures,
    // in the same order, as a retry around the first attempt would, which every command paid for.
    const retried = (command: C, context: CommandContext, conflict: ConcurrencyConflict) => {
      let first = true
      return Effect.suspend(() => {
        if (!first) return attempt(command, context)
        first = false
        return Effect.fail(conflict)
      }).pipe(Effect.retry({ schedule: retry, while: isConflict }))
    }

    const counted = (tag: string, outcome: EventLogMetrics.CommandOutcome) =>
      Metric.increment(commandCounter(aggregate.category, tag, outcome))
    const outcomeOf = (error: unknown): EventLogMetrics.CommandOutcome =>
      error instanceof EventStoreError || error instanceof ConcurrencyConflict ? "failed" : "rejected"

    return (command: C, context: CommandContext) =>
      attempt(command, context).pipe(
        Effect.catchIf(isConflict, (conflict) => retried(command, context, conflict)),
        Effect.tapBoth({
          onSuccess: () => counted(command._tag, "accepted"),
          onFailure: (error) => counted(command._tag, outcomeOf(error)),
        }),
        Tracing.withSpan("CommandHandler.handle", {
          captureStackTrace: false,
          attributes: { category: aggregate.category, command: command._tag },
        }),
      )
  })

/**
 * Builds the handler of untrusted input for an aggregate: it decodes with the
 * aggregate's command Schema (every offending field named, bounded), then
 * loads, decides and appends, retrying on a concurrency conflict.
 *
 * @example
 * const handle = yield* CommandHandler.make(Account.aggregate)
 * yield* handle(JSON.parse(body), { occurredAt: DateTime.unsafeNow() })
 * @since 0.1.0
 */
export const make = <C extends { readonly _tag: string }, E extends { readonly _tag: string }, S, Err, CI, EI>(
  aggregate: Aggregate<C, E, S, Err, CI, EI>,
  options: Options = {},
): Effect.Effect<DecodingHandler<E, Err>, never, EventStore> =>
  Effect.map(makeTyped(aggregate, options), (handle) => {
    const decode = CommandInput.decode(aggregate.Command)
    return (input, context) => Effect.flatMap(decode(input), (command) => handle(command, context))
  })

/** One counter per aggregate, command tag and outcome, tagged once: the tags are the aggregates' commands. */
const counters = new Map<string, Metric.Metric.Counter<number>>()
const commandCounter = (category: string, tag: string, outcome: EventLogMetrics.CommandOutcome) => {
  const key = `${category} ${outcome} ${tag}`
  let counter = counters.get(key)
  if (counter === undefined) {
    counter = EventLogMetrics.commands.pipe(
      Metric.tagged("category", category),
      Metric.tagged("command", tag),
      Metric.tagged("outcome", outcome),
    )
    counters.set(key, counter)
  }
  return counter
}

/**
 * Commands decided one after another and appended together, in one transaction
 * (`EventStore.appendMany`): each stream's state follows the batch's earlier
 * commands on it, and its append expects the version it was read at. Build one
 * with {@link makeBatch}, decide into it with a {@link BatchDecider}, append its
 * {@link Batch.appends}.
 *
 * @since 0.1.0
 */
export interface Batch {
  /** One append per stream the batch's commands changed, in the order they first changed it. */
  readonly appends: () => ReadonlyArray<StreamAppend<NewEvent>>
  /** The commands decided into the batch that recorded events. */
  readonly size: () => number
  /**
   * Counts the batch's decisions in the commands metric (`accepted`, `rejected`), as
   * {@link makeTyped} counts each command: run it once the batch is appended.
   */
  readonly counted: Effect.Effect<void>
}

interface BatchStream {
  state: unknown
  readonly version: number
  readonly events: Array<NewEvent>
}

interface BatchState extends Batch {
  readonly streams: Map<string, BatchStream>
  readonly outcomes: Array<Metric.Metric.Counter<number>>
  changed: number
}

/**
 * An empty batch.
 *
 * @since 0.1.0
 */
export const makeBatch = (): Batch => {
  const streams = new Map<string, BatchStream>()
  const outcomes: Array<Metric.Metric.Counter<number>> = []
  const batch: BatchState = {
    streams,
    outcomes,
    changed: 0,
    size: () => batch.changed,
    counted: Effect.suspend(() =>
      Effect.forEach(outcomes.splice(0, outcomes.length), Metric.increment, { discard: true }),
    ),
    appends: () =>
      [...streams]
        .filter(([, stream]) => stream.events.length > 0)
        .map(([streamName, stream]) => ({
          streamName: streamName as StreamName.StreamName,
          expected: ExpectedVersion.exact(stream.version),
          events: stream.events,
        })),
  }
  return batch
}

/**
 * Decides a command into a batch: its stream's state is the batch's when an
 * earlier command of the batch touched it, else the log's; nothing is appended.
 * The events decided come back, with the stream and its version after them; a
 * rejection leaves the batch as it was.
 * Causation-idempotent commands (`context.idempotent`) are not for batches.
 *
 * @since 0.1.0
 */
export type BatchDecider<C, E, Err> = (
  command: C,
  context: CommandContext,
  batch: Batch,
) => Effect.Effect<Decided<E>, Err | EventStoreError>

/**
 * A command decided into a batch: its stream, its events, and the stream's version once the batch up
 * to it is appended.
 *
 * @since 0.1.0
 */
export interface Decided<E> {
  readonly streamName: StreamName.StreamName
  readonly events: ReadonlyArray<E>
  readonly streamVersion: number
}

/**
 * Builds the batch decider of an aggregate over the EventStore in context.
 *
 * @example
 * const decideInto = yield* CommandHandler.makeBatchDecider(Account.aggregate)
 * const batch = CommandHandler.makeBatch()
 * yield* decideInto(command, { occurredAt }, batch)
 * yield* store.appendMany!(batch.appends())
 * @since 0.1.0
 */
export const makeBatchDecider = <
  C extends { readonly _tag: string },
  E extends { readonly _tag: string },
  S,
  Err,
  CI,
  EI,
>(
  aggregate: Aggregate<C, E, S, Err, CI, EI>,
): Effect.Effect<BatchDecider<C, E, Err>, never, EventStore> =>
  Effect.map(EventStore, (service) => {
    const { current } = streamStates(aggregate, Untraced.of(service))
    return (command, context, given) =>
      Effect.gen(function* () {
        const batch = given as BatchState
        const streamName = yield* streamOf(aggregate.category, aggregate.streamId(command))
        let stream = batch.streams.get(streamName)
        if (stream === undefined) {
          const { state, version } = yield* current(streamName, false)
          stream = { state, version, events: [] }
          batch.streams.set(streamName, stream)
        }
        const decision = aggregate.decide(command, stream.state as S)
        const outcome = Either.isLeft(decision) ? "rejected" : "accepted"
        batch.outcomes.push(commandCounter(aggregate.category, command._tag, outcome))
        if (Either.isLeft(decision)) return yield* Effect.fail(decision.left)
        const events = decision.right
        if (events.length === 0) return { streamName, events, streamVersion: stream.version + stream.events.length }
        const metadata = metadataOf(command, context)
        let state = stream.state as S
        for (const event of events) {
          stream.events.push({ event, metadata })
          state = aggregate.evolve(state, event)
        }
        stream.state = state
        batch.changed++
        return { streamName, events, streamVersion: stream.version + stream.events.length }
      })
  })

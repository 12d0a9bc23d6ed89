/**
 * Runs commands against aggregates stored in the event log: load the stream,
 * fold it with `evolve`, `decide`, append with the expected version, and on a
 * concurrency conflict reload and decide again.
 *
 * @since 0.1.0
 */
import type { Aggregate } from "@cartable/domain/Decider"
import type * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { EventMetadata } from "./EventMetadata.ts"
import { EventStore } from "./EventStore.ts"
import { ConcurrencyConflict, type EventStoreError } from "./EventStoreError.ts"
import * as ExpectedVersion from "./ExpectedVersion.ts"
import type { AnyEvent } from "./RecordedEvent.ts"
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
 * Options: how many times a command is decided before a conflict is returned.
 *
 * @since 0.1.0
 */
export interface Options {
  readonly maxAttempts?: number
}

const actorOf = (command: unknown): string | undefined => {
  if (typeof command !== "object" || command === null || !("actor" in command)) return undefined
  const actor = command.actor
  return typeof actor === "object" && actor !== null && "accountId" in actor && typeof actor.accountId === "string"
    ? actor.accountId
    : undefined
}

/**
 * Builds the handler of an aggregate over the EventStore in context.
 *
 * @example
 * const handle = yield* CommandHandler.make(Account.aggregate)
 * yield* handle(command, { occurredAt: DateTime.unsafeNow() })
 * @since 0.1.0
 */
export const make = <C extends AnyEvent, E extends AnyEvent, S, Err>(
  aggregate: Aggregate<C, E, S, Err>,
  options: Options = {},
): Effect.Effect<CommandHandler<C, E, Err>, never, EventStore> =>
  Effect.map(EventStore, (store) => {
    const maxAttempts = Math.max(1, options.maxAttempts ?? 5)

    const attempt = (command: C, context: CommandContext) =>
      Effect.gen(function* () {
        const streamName = StreamName.make(aggregate.category, aggregate.streamId(command))
        const recorded = yield* store.readStream(streamName)
        let state = aggregate.initialState
        for (const entry of recorded) state = aggregate.evolve(state, entry.event as E)
        const version = recorded.length === 0 ? 0 : recorded[recorded.length - 1]!.streamVersion
        const decision = aggregate.decide(command, state)
        if (Either.isLeft(decision)) return yield* Effect.fail(decision.left)
        const events = decision.right
        if (events.length === 0) return { events, streamVersion: version }
        const actor = actorOf(command)
        const metadata = new EventMetadata({
          occurredAt: context.occurredAt,
          ...(actor === undefined ? {} : { actor }),
          ...(context.correlationId === undefined ? {} : { correlationId: context.correlationId }),
          ...(context.causationId === undefined ? {} : { causationId: context.causationId }),
        })
        const result = yield* store.append(
          streamName,
          ExpectedVersion.exact(version),
          events.map((event) => ({ event, metadata })),
        )
        return { events, streamVersion: result.streamVersion }
      })

    return (command: C, context: CommandContext) => {
      const loop = (attemptsLeft: number): Effect.Effect<Handled<E>, Err | ConcurrencyConflict | EventStoreError> =>
        attempt(command, context).pipe(
          Effect.catchIf(
            (error): error is ConcurrencyConflict => attemptsLeft > 1 && error instanceof ConcurrencyConflict,
            () => loop(attemptsLeft - 1),
          ),
        )
      return loop(maxAttempts).pipe(
        Effect.withSpan("CommandHandler.handle", {
          captureStackTrace: false,
          attributes: { category: aggregate.category, command: command._tag },
        }),
      )
    }
  })

/**
 * Where a command failed to decode: the path of the field and what is wrong.
 *
 * @since 0.1.0
 */
export const InvalidField = Schema.Struct({ path: Schema.String, message: Schema.String })

/**
 * Input that does not decode as a command: nothing was decided nor appended.
 * `fields` names each offending field with its path (`actor.roles.0.scopeId`).
 *
 * @since 0.1.0
 */
export class InvalidCommand extends Schema.TaggedError<InvalidCommand>("@cartable/eventlog/InvalidCommand")(
  "InvalidCommand",
  { fields: Schema.Array(InvalidField) },
) {
  override get message(): string {
    return `Invalid command: ${this.fields.map((field) => `${field.path || "(root)"}: ${field.message}`).join("; ")}`
  }
}

/**
 * Decodes untrusted input (from an HTTP body, a queue, a CLI) into a command,
 * with every offending field named.
 *
 * @since 0.1.0
 */
export const decodeCommand =
  <C, I>(schema: Schema.Schema<C, I>) =>
  (input: unknown): Effect.Effect<C, InvalidCommand> =>
    Schema.decodeUnknown(schema, { errors: "all", onExcessProperty: "error" })(input).pipe(
      Effect.mapError((error) => {
        const issues = ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => ({
          path: issue.path.map(String).join("."),
          message: issue.message,
        }))
        // In a union of tagged commands, every member whose tag differs reports it: keep
        // only the issues of the member the input meant, unless its tag itself is wrong.
        const meant = issues.filter((issue) => issue.path !== "_tag")
        return new InvalidCommand({ fields: meant.length > 0 ? meant : issues })
      }),
    )

/**
 * A handler for untrusted input: decode with the command Schema, then handle.
 * Input that does not decode fails with {@link InvalidCommand} and the store is
 * left unchanged.
 *
 * @example
 * const handle = yield* CommandHandler.makeDecoding(Account.aggregate, Account.AccountCommand)
 * yield* handle(JSON.parse(body), { occurredAt: DateTime.unsafeNow() })
 * @since 0.1.0
 */
export const makeDecoding = <C extends AnyEvent, I, E extends AnyEvent, S, Err>(
  aggregate: Aggregate<C, E, S, Err>,
  schema: Schema.Schema<C, I>,
  options: Options = {},
): Effect.Effect<
  (
    input: unknown,
    context: CommandContext,
  ) => Effect.Effect<Handled<E>, InvalidCommand | Err | ConcurrencyConflict | EventStoreError>,
  never,
  EventStore
> =>
  Effect.map(make(aggregate, options), (handle) => {
    const decode = decodeCommand(schema)
    return (input, context) => Effect.flatMap(decode(input), (command) => handle(command, context))
  })

/**
 * The shape every aggregate has: a pure decision function, a total fold, and
 * the Schemas of its commands and events, so that one value is all the command
 * handler, the event catalogue and the law suites need.
 *
 * @since 0.1.0
 */
import * as Arr from "effect/Array"
import type * as Either from "effect/Either"
import * as Schema from "effect/Schema"

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
  /**
   * Optional: folds many events at once, equal to evolving them one after another
   * (DeciderLaws checks it) and leaving `state` unchanged. For a state whose
   * `evolve` copies a large collection per event (a school's groups and their
   * members), so that a fold copies it once.
   */
  readonly evolveAll?: ((state: S, events: ReadonlyArray<E>) => S) | undefined
}

/**
 * How a stored event type evolves: its current version (1 by default) and the
 * upcasters that turn the encoded data of version `n` into that of `n + 1`.
 * Upcasters work on plain JSON values and never fail.
 *
 * @since 0.1.0
 */
export interface EventVersioning {
  readonly version?: number
  readonly upcasters?: Readonly<Record<number, (data: unknown) => unknown>>
}

/**
 * One event type as the log stores it: its Schema, or `[schema, versioning]`
 * for an event that has had more than one version.
 *
 * @since 0.1.0
 */
export type EventDefinition = Schema.Schema.AnyNoContext | readonly [Schema.Schema.AnyNoContext, EventVersioning]

/**
 * The event types of an aggregate or a distribution, keyed by `_tag`.
 *
 * @since 0.1.0
 */
export type EventDefinitions = Readonly<Record<string, EventDefinition>>

type SchemaOf<D> = D extends readonly [infer S, EventVersioning] ? S : D

/**
 * The union of the decoded events of a set of definitions.
 *
 * @since 0.1.0
 */
export type EventsType<Defs extends EventDefinitions> = {
  [K in keyof Defs]: Schema.Schema.Type<SchemaOf<Defs[K]>>
}[keyof Defs]

/**
 * The union of the encoded events of a set of definitions.
 *
 * @since 0.1.0
 */
export type EventsEncoded<Defs extends EventDefinitions> = {
  [K in keyof Defs]: Schema.Schema.Encoded<SchemaOf<Defs[K]>>
}[keyof Defs]

/**
 * An aggregate as one value: the decider, the stream category and the id of
 * the instance a command targets, the command Schema (untrusted input decodes
 * with it), and the event Schemas (the catalogue and the codec use them).
 *
 * @since 0.1.0
 */
export interface Aggregate<
  C extends { readonly _tag: string },
  E extends { readonly _tag: string },
  S,
  Err,
  CI = unknown,
  EI = unknown,
> extends Decider<C, E, S, Err> {
  readonly category: string
  readonly streamId: (command: C) => string
  readonly Command: Schema.Schema<C, CI>
  readonly Event: Schema.Schema<E, EI>
  readonly events: EventDefinitions
}

/**
 * Type-level helpers over aggregates.
 *
 * @since 0.1.0
 */
export declare namespace Aggregate {
  /**
   * Any aggregate, as a constraint for functions over several of them.
   *
   * @since 0.1.0
   */
  // biome-ignore lint/suspicious/noExplicitAny: a constraint over every aggregate, as Effect's `Schema.Any`
  export type Any = Aggregate<any, any, any, any, any, any>
  /** @since 0.1.0 */
  export type Command<A> =
    A extends Aggregate<infer C, infer _E, infer _S, infer _Err, infer _CI, infer _EI> ? C : never
  /** @since 0.1.0 */
  export type Event<A> = A extends Aggregate<infer _C, infer E, infer _S, infer _Err, infer _CI, infer _EI> ? E : never
  /** @since 0.1.0 */
  export type State<A> = A extends Aggregate<infer _C, infer _E, infer S, infer _Err, infer _CI, infer _EI> ? S : never
  /** @since 0.1.0 */
  export type Rejection<A> =
    A extends Aggregate<infer _C, infer _E, infer _S, infer Err, infer _CI, infer _EI> ? Err : never
}

/**
 * What {@link aggregate} takes: the decider, the stream category, how a command
 * names its stream, the command Schema and the event definitions.
 *
 * @since 0.1.0
 */
export interface AggregateDefinition<CS extends Schema.Schema.AnyNoContext, Defs extends EventDefinitions, S, Err> {
  readonly category: string
  readonly Command: CS
  readonly events: Defs
  readonly streamId: (command: Schema.Schema.Type<CS>) => string
  readonly initialState: S
  readonly decide: (command: Schema.Schema.Type<CS>, state: S) => Either.Either<ReadonlyArray<EventsType<Defs>>, Err>
  readonly evolve: (state: S, event: EventsType<Defs>) => S
  readonly evolveAll?: ((state: S, events: ReadonlyArray<EventsType<Defs>>) => S) | undefined
}

/**
 * Builds an aggregate; its `Event` Schema is the union of its event definitions.
 *
 * @example
 * export const aggregate = Decider.aggregate({
 *   category: "Loan", Command: LoanCommand, events, streamId: (command) => command.copyId,
 *   initialState, decide, evolve,
 * })
 * @since 0.1.0
 */
export const aggregate = <CS extends Schema.Schema.AnyNoContext, const Defs extends EventDefinitions, S, Err>(
  definition: AggregateDefinition<CS, Defs, S, Err>,
): Aggregate<Schema.Schema.Type<CS>, EventsType<Defs>, S, Err, Schema.Schema.Encoded<CS>, EventsEncoded<Defs>> => {
  const schemas = Object.values(definition.events).map(schemaOf)
  // A Union of the definitions' own Schemas: its types are the unions computed above.
  const Event = (Arr.isNonEmptyReadonlyArray(schemas)
    ? Schema.Union(...schemas)
    : Schema.Never) as unknown as Schema.Schema<EventsType<Defs>, EventsEncoded<Defs>>
  return { ...definition, Event }
}

/**
 * The Schema of an event definition.
 *
 * @since 0.1.0
 */
export const schemaOf = (definition: EventDefinition): Schema.Schema.AnyNoContext =>
  isVersioned(definition) ? definition[0] : definition

const isVersioned = (
  definition: EventDefinition,
): definition is readonly [Schema.Schema.AnyNoContext, EventVersioning] => Array.isArray(definition)

/**
 * Folds events into a state.
 *
 * @since 0.1.0
 */
export const fold = <C, E, S, Err>(decider: Decider<C, E, S, Err>, events: Iterable<E>, from?: S): S => {
  if (decider.evolveAll !== undefined) {
    return decider.evolveAll(from ?? decider.initialState, Array.isArray(events) ? events : [...events])
  }
  let state = from ?? decider.initialState
  for (const event of events) state = decider.evolve(state, event)
  return state
}

/**
 * A reactor (a process manager's trigger): it reacts to events of the log by
 * issuing commands, from its own checkpoint, on the projection runtime. The
 * runtime may hand it an event twice (a crash after the command, before the
 * checkpoint moved): the commands it issues carry a causation id made of the
 * reactor's name and the event's position, and `idempotent: true`, so that a
 * command handler applies each of them once (`CommandHandler.CommandContext`).
 *
 * @since 0.1.0
 */
import type { CommandContext } from "@cartable/eventlog/CommandHandler"
import type { EventStore } from "@cartable/eventlog/EventStore"
import type { RecordedEvent } from "@cartable/eventlog/RecordedEvent"
import type { EventDefinitions, EventsType } from "@cartable/kernel/Decider"
import type * as Effect from "effect/Effect"

/**
 * What a reaction receives beside its event: the context of the `n`-th
 * command it issues for this event (0 by default), with a causation id unique
 * to the reactor, the event and `n`, the event's correlation id, and the
 * time the runtime handles it.
 *
 * @since 0.1.0
 */
export interface Reaction {
  readonly context: (n?: number) => CommandContext
  readonly recorded: RecordedEvent
}

/**
 * A reactor definition.
 *
 * @since 0.1.0
 */
export interface Reactor<R = never> {
  /** 1 to 16 characters of `[a-z0-9_]`, starting with a letter. */
  readonly name: string
  readonly eventTypes: ReadonlySet<string>
  /**
   * Reacts to one event; an event type it does not read gives `undefined`. The
   * runtime provides the `EventStore` (its own, so that inline projections see
   * the reactor's commands); other services (`R`) come from the runtime's layer.
   */
  readonly react: (
    recorded: RecordedEvent,
    reaction: Reaction,
  ) => Effect.Effect<unknown, unknown, R | EventStore> | undefined
}

/**
 * The reactions of a reactor, by event tag.
 *
 * @since 0.1.0
 */
export type Reactions<Defs extends EventDefinitions, R> = {
  readonly [K in EventsType<Defs>["_tag"]]?: (
    event: Extract<EventsType<Defs>, { readonly _tag: K }>,
    reaction: Reaction,
  ) => Effect.Effect<unknown, unknown, R | EventStore>
}

const NAME = /^[a-z][a-z0-9_]{0,15}$/

/**
 * Defines a reactor over a set of event definitions. A reactor whose reactions
 * need services besides the `EventStore` names them: `Reactor.make<Defs, Mailer>(...)`.
 *
 * @example
 * const Deletions = Reactor.make({
 *   name: "deletions",
 *   events: Domain.events,
 *   reactions: {
 *     AccountPreDeleted: (event, { context }) => router.handleTyped(deleteLater(event), context()),
 *   },
 * })
 * @since 0.1.0
 */
export const make = <Defs extends EventDefinitions, R = never>(definition: {
  readonly name: string
  readonly events: Defs
  readonly reactions: Reactions<Defs, R>
}): Reactor<R> => {
  if (!NAME.test(definition.name)) {
    throw new TypeError(`A reactor name is 1 to 16 characters of [a-z0-9_], got "${definition.name}"`)
  }
  const byTag = definition.reactions as Readonly<
    Record<string, (event: unknown, reaction: Reaction) => Effect.Effect<unknown, unknown, R | EventStore>>
  >
  return {
    name: definition.name,
    eventTypes: new Set(Object.keys(byTag).filter((tag) => byTag[tag] !== undefined)),
    react: (recorded, reaction) => byTag[recorded.type]?.(recorded.event, reaction),
  }
}

/**
 * The id of a reactor's checkpoint and lease.
 *
 * @since 0.1.0
 */
export const idOf = (reactor: Reactor<unknown>): string => `reactor:${reactor.name}`

/**
 * The causation id of the `n`-th command a reactor issues for the event at `position`.
 *
 * @since 0.1.0
 */
export const causationId = (reactor: Reactor<unknown>, position: number, n = 0): string =>
  `${idOf(reactor)}:${position}:${n}`

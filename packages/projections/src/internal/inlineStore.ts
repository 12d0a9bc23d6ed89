/**
 * The event store a runtime puts in context: an append applies the inline
 * projections that read its events in the append's own transaction, then wakes
 * the async projections and reactors up.
 */
import type * as EventStore from "@cartable/eventlog/EventStore"
import * as EventStoreModule from "@cartable/eventlog/EventStore"
import type { AppendResult, StreamAppend } from "@cartable/eventlog/EventStoreDriver"
import { type ConcurrencyConflict, EventStoreError } from "@cartable/eventlog/EventStoreError"
import type { ExpectedVersion } from "@cartable/eventlog/ExpectedVersion"
import type { NewEvent, RecordedEvent } from "@cartable/eventlog/RecordedEvent"
import type { StreamName } from "@cartable/eventlog/StreamName"
import * as Effect from "effect/Effect"
import type * as Projection from "../Projection.ts"
import type { Core } from "./core.ts"
import * as Engine from "./engine.ts"

export const make = (
  core: Core,
  inline: ReadonlyArray<Projection.Projection.Any>,
  /** Held by each append: a rebuild of an inline projection takes all of them. */
  gate: <A, E, R>(append: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>,
): EventStore.EventStore.Service => {
  const { events, store } = core
  // The bare store's operations without spans: inside an append's span, or under the command handler's.
  const plain = EventStoreModule.untraced(events)

  /**
   * Appends to streams and applies the inline projections that read their events, in one transaction.
   */
  const appendApplying = <A>(
    appends: ReadonlyArray<StreamAppend<NewEvent>>,
    write: Effect.Effect<ReadonlyArray<AppendResult>, ConcurrencyConflict | EventStoreError>,
    answer: (results: ReadonlyArray<AppendResult>) => A,
  ) =>
    store
      .withTransaction(
        Effect.gen(function* () {
          const results = yield* write
          const concerned = inline.filter((projection) =>
            appends.some((entry) => entry.events.some((event) => projection.eventTypes.has(event.event._tag))),
          )
          if (concerned.length > 0) {
            // The events as the log returns them (positions from the database, erased fields as a rebuild
            // reads them), read back inside the append's transaction, in the log's order. Each projection
            // applies them all at once: one load and one write per table for the whole call. A uniqueness
            // claim (a login) two streams of the call both take is refused like one taken by another
            // append (the engine's KeyTaken), and the call fails with it.
            const recorded: Array<RecordedEvent> = []
            for (let index = 0; index < appends.length; index++) {
              const { streamName, events: newEvents } = appends[index]!
              const after = results[index]!.streamVersion - newEvents.length
              recorded.push(...(yield* plain.readStream(streamName, after)))
            }
            if (appends.length > 1) recorded.sort((a, b) => a.position - b.position)
            for (const projection of concerned) {
              const applied = yield* Engine.apply(projection, recorded, store.get)
              if (applied.failure !== undefined) return yield* Effect.fail(applied.failure)
              yield* store.commit({ changes: applied.changes })
            }
          }
          return answer(results)
        }),
      )
      .pipe(
        // The transaction rolled back: the typed store's keys created in it are gone with it.
        Effect.tapError(() => Effect.sync(() => EventStoreModule.rolledBack(events))),
        Effect.mapError((error) =>
          error._tag === "ConcurrencyConflict" || error._tag === "EventStoreError"
            ? error
            : new EventStoreError({
                reason: "Unavailable",
                message: `The inline projections refused the append: ${error.message}`,
                ...(appends.length === 1 ? { streamName: appends[0]!.streamName } : {}),
                cause: error,
              }),
        ),
        gate,
      )

  /** An append (through `through`, traced or not) and the inline projections that read its events, in one transaction. */
  const appendWith =
    (through: Pick<EventStore.EventStore.Service, "append">) =>
    (streamName: StreamName, expected: ExpectedVersion, newEvents: ReadonlyArray<NewEvent>) =>
      (inline.length > 0
        ? appendApplying(
            [{ streamName, expected, events: newEvents }],
            Effect.map(through.append(streamName, expected, newEvents), (result) => [result]),
            (results) => results[0]!,
          )
        : through.append(streamName, expected, newEvents)
      ).pipe(Effect.tap((result) => Effect.zipRight(core.sawHead(result.lastPosition), core.wake)))

  const many = events.appendMany
  const appendMany =
    many === undefined
      ? undefined
      : (appends: ReadonlyArray<StreamAppend<NewEvent>>) =>
          (inline.length > 0 ? appendApplying(appends, many(appends), (results) => results) : many(appends)).pipe(
            Effect.tap((results) =>
              results.length === 0
                ? Effect.void
                : Effect.zipRight(core.sawHead(Math.max(...results.map((r) => r.lastPosition))), core.wake),
            ),
          )

  const { appendMany: _plain, ...rest } = events
  // Without inline projections an append is the plain one: no transaction around it.
  return EventStoreModule.withUntraced(
    {
      ...rest,
      // The plain store's appendMany would skip the inline projections: only this one is given.
      ...(appendMany === undefined ? {} : { appendMany }),
      append: appendWith(events),
    },
    { readStream: plain.readStream, append: appendWith(plain) },
  )
}

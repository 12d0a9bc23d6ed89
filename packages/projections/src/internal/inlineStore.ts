/**
 * The event store a runtime puts in context: an append applies the inline
 * projections that read its events in the append's own transaction, then wakes
 * the async projections and reactors up.
 */
import type * as EventStore from "@cartable/eventlog/EventStore"
import { EventStoreError } from "@cartable/eventlog/EventStoreError"
import type { ExpectedVersion } from "@cartable/eventlog/ExpectedVersion"
import type { NewEvent } from "@cartable/eventlog/RecordedEvent"
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

  /** An append and the inline projections that read its events, in one transaction. */
  const appendInline = (streamName: StreamName, expected: ExpectedVersion, newEvents: ReadonlyArray<NewEvent>) =>
    store
      .withTransaction(
        Effect.gen(function* () {
          const result = yield* events.append(streamName, expected, newEvents)
          const concerned = inline.filter((projection) =>
            newEvents.some((event) => projection.eventTypes.has(event.event._tag)),
          )
          if (concerned.length > 0) {
            // The events as the log returns them (positions from the database, erased fields as a rebuild
            // reads them), read back inside the append's transaction.
            const recorded = yield* events.readStream(streamName, result.streamVersion - newEvents.length)
            for (const projection of concerned) {
              const applied = yield* Engine.apply(projection, recorded, store.get)
              if (applied.failure !== undefined) return yield* Effect.fail(applied.failure)
              yield* store.commit({ changes: applied.changes })
            }
          }
          return result
        }),
      )
      .pipe(
        Effect.mapError((error) =>
          error._tag === "ConcurrencyConflict" || error._tag === "EventStoreError"
            ? error
            : new EventStoreError({
                reason: "Unavailable",
                message: `The inline projections refused the append: ${error.message}`,
                streamName,
                cause: error,
              }),
        ),
        gate,
      )

  return {
    ...events,
    // Without inline projections an append is the plain one: no transaction around it.
    append: (streamName, expected, newEvents) =>
      (inline.length > 0
        ? appendInline(streamName, expected, newEvents)
        : events.append(streamName, expected, newEvents)
      ).pipe(Effect.tap((result) => Effect.zipRight(core.sawHead(result.lastPosition), core.wake))),
  }
}

/**
 * Time as the log sees it: a clock tick is an event of its own stream
 * (`Clock-ticks`) carrying the instant the scheduler read. The process managers
 * react to ticks and never read a clock, so that a replay, a second runner or a
 * restart decides from the same instants (docs/managers.md).
 *
 * @since 0.1.0
 */
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import * as EventStore from "@cartable/eventlog/EventStore"
import type { EventStoreError } from "@cartable/eventlog/EventStoreError"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"

/**
 * The clock reached `at`: every manager handles what is due by then.
 *
 * @since 0.1.0
 */
export const ClockTicked = Schema.TaggedStruct("ClockTicked", { at: Schema.DateTimeUtc })
/** @since 0.1.0 */
export type ClockTicked = typeof ClockTicked.Type

/**
 * The tick's event definitions: add them to the event catalogue beside the
 * domain's (`EventCatalog.make({ ...Domain.events, ...ClockTick.events })`).
 *
 * @since 0.1.0
 */
export const events = { ClockTicked } as const

/**
 * The stream the ticks are appended to.
 *
 * @since 0.1.0
 */
export const stream: StreamName.StreamName = StreamName.make("Clock", "ticks")

/**
 * The tick command: appends a tick at `at` unless the stream already holds one
 * at or after it (time never goes back, and two schedulers reading one instant
 * record it once). Returns whether it appended.
 *
 * @since 0.1.0
 */
export const tick = Effect.fn("ClockTick.tick")(function* (at: DateTime.Utc) {
  const store = yield* EventStore.EventStore
  return yield* Effect.gen(function* () {
    const { version } = yield* store.streamInfo(stream)
    if (version > 0) {
      const [last] = yield* store.readStream(stream, version - 1)
      if (last !== undefined && !DateTime.lessThan((last.event as ClockTicked).at, at)) return false
    }
    yield* store.append(stream, ExpectedVersion.exact(version), [
      { event: ClockTicked.make({ at }), metadata: new EventMetadata({ occurredAt: at }) },
    ])
    return true
  }).pipe(
    // Another scheduler ticked meanwhile: read its tick and judge again.
    Effect.retry({ while: (error) => error._tag === "ConcurrencyConflict", schedule: Schedule.recurs(5) }),
    Effect.catchTag("ConcurrencyConflict", () => Effect.succeed(false)),
  )
}) as (at: DateTime.Utc) => Effect.Effect<boolean, EventStoreError, EventStore.EventStore>

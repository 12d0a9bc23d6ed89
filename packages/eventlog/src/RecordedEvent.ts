/**
 * The envelope of an event once it is in the log.
 *
 * @since 0.1.0
 */
import type { EventMetadata } from "./EventMetadata.ts"
import type { StreamName } from "./StreamName.ts"

/**
 * Any domain event: a tagged value, `_tag` naming the fact in the past tense.
 *
 * @since 0.1.0
 */
export interface AnyEvent {
  readonly _tag: string
}

/**
 * An event read back from the log. `position` is global and strictly increasing
 * across all streams; `streamVersion` counts the events of its stream from 1.
 * `schemaVersion` is the version the event was written with: `event` has already
 * been upcast to the current one.
 *
 * @since 0.1.0
 */
export interface RecordedEvent<E extends AnyEvent = AnyEvent> {
  readonly position: number
  readonly streamName: StreamName
  readonly streamVersion: number
  readonly type: E["_tag"]
  readonly schemaVersion: number
  readonly event: E
  readonly metadata: EventMetadata
}

/**
 * An event to append, with its metadata.
 *
 * @since 0.1.0
 */
export interface NewEvent<E extends AnyEvent = AnyEvent> {
  readonly event: E
  readonly metadata: EventMetadata
}

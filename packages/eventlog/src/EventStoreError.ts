/**
 * The errors of the EventStore port. Adapters map every driver failure to these,
 * keeping the original as `cause`: no raw SqlError or ParseError leaves the port.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * An append whose expected version did not match the stream's actual version.
 * `actual` is 0 when the stream does not exist.
 *
 * @since 0.1.0
 */
export class ConcurrencyConflict extends Schema.TaggedError<ConcurrencyConflict>(
  "@cartable/eventlog/ConcurrencyConflict",
)("ConcurrencyConflict", {
  streamName: Schema.String,
  expected: Schema.String,
  actual: Schema.Number,
}) {
  override get message(): string {
    return `Concurrency conflict on stream ${this.streamName}: expected ${this.expected}, but it is at version ${this.actual}`
  }
}

/**
 * Why an EventStore call failed.
 * - `Unavailable`: the storage could not be reached or failed (the driver's error is the cause);
 * - `Encode`: an event or its metadata did not encode, nothing was appended;
 * - `Decode`: a stored event did not decode with the catalogue (unknown type, bad data);
 * - `StreamTombstoned`: the stream was tombstoned, it can be neither read nor appended to;
 * - `InvalidArgument`: the call itself was malformed (an empty batch, a negative position).
 *
 * @since 0.1.0
 */
export const EventStoreErrorReason = Schema.Literal(
  "Unavailable",
  "Encode",
  "Decode",
  "StreamTombstoned",
  "InvalidArgument",
)

/** @since 0.1.0 */
export type EventStoreErrorReason = typeof EventStoreErrorReason.Type

/**
 * Every EventStore failure but a concurrency conflict.
 *
 * @since 0.1.0
 */
export class EventStoreError extends Schema.TaggedError<EventStoreError>("@cartable/eventlog/EventStoreError")(
  "EventStoreError",
  {
    reason: EventStoreErrorReason,
    message: Schema.String,
    streamName: Schema.optional(Schema.String),
    cause: Schema.optional(Schema.Defect),
  },
) {}

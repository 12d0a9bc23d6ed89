/**
 * What is recorded beside every event: when, by whom, and in answer to what.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * Event metadata. `occurredAt` comes from the command (the domain has no clock);
 * `correlationId` groups the events of one user action across streams and
 * `causationId` names the message that caused them.
 *
 * @since 0.1.0
 */
export class EventMetadata extends Schema.Class<EventMetadata>("@cartable/eventlog/EventMetadata")({
  occurredAt: Schema.DateTimeUtc,
  actor: Schema.optional(Schema.String),
  correlationId: Schema.optional(Schema.String),
  causationId: Schema.optional(Schema.String),
}) {}

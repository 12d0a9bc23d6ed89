/**
 * How a projection fails: on one event, named with its position, never by
 * skipping it.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * A projection's handler failed on an event: it threw, an update changed a
 * document's key, or a document did not encode with its collection's Schema.
 * The events before it are applied; the projection stops there and retries.
 *
 * @since 0.1.0
 */
export class ProjectionFailed extends Schema.TaggedError<ProjectionFailed>("@cartable/projections/ProjectionFailed")(
  "ProjectionFailed",
  {
    projection: Schema.String,
    version: Schema.Number,
    position: Schema.Number,
    streamName: Schema.String,
    eventType: Schema.String,
    reason: Schema.String,
    cause: Schema.optional(Schema.Defect),
  },
) {
  override get message(): string {
    return `Projection ${this.projection} v${this.version} failed on ${this.eventType} at position ${this.position} (${this.streamName}): ${this.reason}`
  }
}

/**
 * A reactor's reaction to an event failed (its command was refused, or the
 * store failed). The reactor stops at that event and retries it with backoff;
 * the events before it are done.
 *
 * @since 0.1.0
 */
export class ReactorFailed extends Schema.TaggedError<ReactorFailed>("@cartable/projections/ReactorFailed")(
  "ReactorFailed",
  {
    reactor: Schema.String,
    position: Schema.Number,
    streamName: Schema.String,
    eventType: Schema.String,
    reason: Schema.String,
    cause: Schema.optional(Schema.Defect),
  },
) {
  override get message(): string {
    return `Reactor ${this.reactor} failed on ${this.eventType} at position ${this.position} (${this.streamName}): ${this.reason}`
  }
}

/**
 * The metrics of the projection runtime, through Effect's Metric API (exported
 * by `@effect/opentelemetry` with the spans: docs/operations.md, "Tracing and
 * metrics"). Tagged `projection`: a projection's id, `name@version`.
 *
 * @since 0.1.0
 */
import * as Metric from "effect/Metric"

/**
 * How many events of the log a projection has still to read after its last batch
 * (the head it saw less its checkpoint): 0 when live, the backlog while it catches up.
 * Inline projections are at the head by construction and set no value.
 *
 * @since 0.1.0
 */
export const lag = Metric.gauge("cartable.projection.lag", {
  description: "Events of the log a projection has still to read, after its last batch",
})

/**
 * Events a projection applied in its batches (those of the types it handles), by `projection`.
 *
 * @since 0.1.0
 */
export const eventsProjected = Metric.counter("cartable.projection.events_projected", {
  description: "Events applied by a projection's batches",
  incremental: true,
})

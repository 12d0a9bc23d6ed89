/**
 * The metrics of the event log, through Effect's Metric API: an application that
 * installs `@effect/opentelemetry` exports them with its spans (docs/operations.md,
 * "Tracing and metrics"); without it they cost a counter update each. Their tags
 * are bounded sets (a command's tag, an outcome), never an id nor a person's data.
 *
 * @since 0.1.0
 */
import * as Metric from "effect/Metric"

/**
 * Commands a command handler decided, tagged `category` (the aggregate), `command`
 * (its tag) and `outcome`: `accepted` (appended, or nothing to append), `rejected`
 * (a business rule refused it) or `failed` (the store failed, or conflicts outlasted
 * the retries).
 *
 * @since 0.1.0
 */
export const commands = Metric.counter("cartable.commands", {
  description: "Commands decided, by aggregate, command and outcome",
  incremental: true,
})

/**
 * How the outcome of a command is told apart: `rejected` is the aggregate's own
 * error, which names a rule; the store's and the handler's errors are `failed`.
 *
 * @since 0.1.0
 */
export type CommandOutcome = "accepted" | "rejected" | "failed"

/**
 * How long an append to the typed store took, in milliseconds (encoding,
 * encryption and the driver's transaction, inline projections included), tagged
 * `category` (the stream's).
 *
 * @since 0.1.0
 */
export const appendDuration = Metric.timerWithBoundaries(
  "cartable.event_store.append.duration",
  [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500],
  "Duration of an append to the event store, in milliseconds",
)

/**
 * Events appended to the typed store, tagged `category` (the stream's).
 *
 * @since 0.1.0
 */
export const eventsAppended = Metric.counter("cartable.event_store.events_appended", {
  description: "Events appended to the event store, by stream category",
  incremental: true,
})

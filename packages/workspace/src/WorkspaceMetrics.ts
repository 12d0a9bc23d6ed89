/**
 * The metrics of the Workspace, through Effect's Metric API (exported by
 * `@effect/opentelemetry` with the spans: docs/operations.md, "Tracing and
 * metrics"). The commands it hands on are counted by the command handler
 * (`@cartable/eventlog/EventLogMetrics`); this counts those refused before.
 *
 * @since 0.1.0
 */
import * as Metric from "effect/Metric"

/**
 * Intents refused before any aggregate decided, tagged `entry` (`handle` for a
 * signed-in account, `system` for a library process) and `reason`:
 * `InvalidCommand` (a bad or unexpected field), `AccountRefused` (unknown, blocked
 * or deleted account), `UnresolvedFact` (a fact the log does not hold).
 *
 * @since 0.1.0
 */
export const refused = Metric.counter("cartable.workspace.refused", {
  description: "Intents refused before any aggregate decided, by entry point and reason",
  incremental: true,
})

/**
 * The reasons {@link refused} is tagged with.
 *
 * @since 0.1.0
 */
export const reasons: ReadonlyArray<string> = ["InvalidCommand", "AccountRefused", "UnresolvedFact"]

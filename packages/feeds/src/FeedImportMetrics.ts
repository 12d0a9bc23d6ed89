/**
 * The metrics of the directory import, through Effect's Metric API (exported by
 * `@effect/opentelemetry` with the spans: docs/operations.md, "Tracing and metrics").
 *
 * @since 0.1.0
 */
import * as Metric from "effect/Metric"

/**
 * Records of feeds that `FeedImport.run` read, tagged `mode` (`full`,
 * `incremental`) and `outcome`: `imported`, or `reported` (a record with a
 * problem, left out and written to the report).
 *
 * @since 0.1.0
 */
export const records = Metric.counter("cartable.feed_import.records", {
  description: "Feed records read by the directory import, by mode and outcome",
  incremental: true,
})

/**
 * Schools whose full import was held by the BR-FEED-1 threshold, tagged `mode`.
 *
 * @since 0.1.0
 */
export const heldSchools = Metric.counter("cartable.feed_import.held_schools", {
  description: "Schools whose import the BR-FEED-1 threshold held",
  incremental: true,
})

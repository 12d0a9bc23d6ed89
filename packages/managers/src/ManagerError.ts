/**
 * The errors of the managers' configuration.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * A manager's configuration that breaks a rule: an erasure delay beyond the
 * retention limit of BR-ACC-9, or a delay that is not a finite, non-negative duration.
 *
 * @since 0.1.0
 */
export class ConfigurationRefused extends Schema.TaggedError<ConfigurationRefused>(
  "@cartable/managers/ConfigurationRefused",
)("ConfigurationRefused", {
  manager: Schema.String,
  ruleId: Schema.optional(Schema.String),
  message: Schema.String,
}) {}

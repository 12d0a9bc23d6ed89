/**
 * The rollover's error.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * Why a rollover did not run through: years that do not follow each other
 * (`InvalidYears`, before anything is written), or a school whose rules
 * refused a step (`Refused`, with the rule and the school; the schools before
 * it are rolled over, run it again once the cause is fixed).
 *
 * @since 0.1.0
 */
export class RolloverError extends Schema.TaggedError<RolloverError>("@cartable/rollover/RolloverError")(
  "RolloverError",
  {
    reason: Schema.Literal("InvalidYears", "Refused"),
    structureId: Schema.optional(Schema.String),
    ruleId: Schema.optional(Schema.String),
    message: Schema.String,
  },
) {}

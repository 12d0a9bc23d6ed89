/**
 * What is recorded beside every event: when, by whom, and in answer to what.
 *
 * @since 0.1.0
 */
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

const fields = {
  occurredAt: Schema.DateTimeUtc,
  actor: Schema.optional(Schema.String),
  correlationId: Schema.optional(Schema.String),
  causationId: Schema.optional(Schema.String),
}

// A Class's constructor compiles its validator again on every call when a field is a
// transformation (effect 3.22: `typeAST` builds a new AST each time, so the parser
// cache misses): 10 µs per event. Compiled once here, with the same title in its errors.
const validate = ParseResult.validateSync(
  Schema.Struct(fields).annotations({ title: "@cartable/eventlog/EventMetadata (Constructor)" }),
)

const validationDisabled = (options: Schema.MakeOptions | undefined): boolean =>
  typeof options === "boolean" ? options : options?.disableValidation === true

/**
 * Event metadata. `occurredAt` comes from the command (the domain has no clock);
 * `correlationId` groups the events of one user action across streams and
 * `causationId` names the message that caused them.
 *
 * @since 0.1.0
 */
export class EventMetadata extends Schema.Class<EventMetadata>("@cartable/eventlog/EventMetadata")(fields) {
  constructor(props: Schema.Struct.Constructor<typeof fields>, options?: Schema.MakeOptions) {
    super(validationDisabled(options) ? props : validate(props), true)
  }
}

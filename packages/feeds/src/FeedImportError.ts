/**
 * Why an import did not start: options it cannot run with. A store failure
 * stops an import with the store's own error; a record that cannot be imported
 * never stops it (it is reported).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * The import's options are wrong (`InvalidOptions`: a threshold outside 0..1,
 * an empty source), or its report file could not be written (`Unexpected`:
 * the message says which).
 *
 * @since 0.1.0
 */
export class FeedImportError extends Schema.TaggedError<FeedImportError>("@cartable/feeds/FeedImportError")(
  "FeedImportError",
  { reason: Schema.Literal("InvalidOptions", "Unexpected"), message: Schema.String },
) {}

/**
 * A file of an export that cannot be read on: not well-formed XML, a refused
 * DOCTYPE, an encoding the reader does not know or bytes invalid in it, or a
 * read failure. It names the file and the line where reading stopped.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * Why a file stops.
 *
 * @since 0.1.0
 */
export const AafFileErrorReason = Schema.Literal(
  "NotWellFormed",
  "DoctypeRefused",
  "UnsupportedEncoding",
  "BadEncoding",
  "Unreadable",
)

/** @since 0.1.0 */
export type AafFileErrorReason = typeof AafFileErrorReason.Type

/**
 * The file stopped at `line`; the records read before it stand.
 *
 * @since 0.1.0
 */
export class AafFileError extends Schema.TaggedError<AafFileError>()("AafFileError", {
  reason: AafFileErrorReason,
  file: Schema.String,
  line: Schema.Int,
  detail: Schema.String,
}) {
  override get message(): string {
    return `${this.file}:${this.line}: ${this.detail}`
  }
}

/**
 * What a `cartable` command fails with: one error with a `reason`, a message a
 * person reads, and the process's exit code for each reason (docs/cli.md lists
 * them), so that a script tells a missing store from an unknown account.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * Why a command failed:
 * - `Usage`: an option or argument is wrong (also @effect/cli's own validation errors);
 * - `StoreMissing`: the SQLite file does not exist (only `init` creates a store);
 * - `StoreAddress`: `--store` or `DATABASE_URL` is not a store address (a bad URL);
 * - `StoreUnavailable`: the store could not be opened or reached, or failed;
 * - `UnknownProjection`: `rebuild` names no projection the command knows;
 * - `UnknownAccount`: the account is not in the store;
 * - `Refused`: a business rule refused the command (its rule id is in the message);
 * - `AlreadyInitialised`: `init` ran on this store before;
 * - `Busy`: another process runs the projection to rebuild (it holds its lease);
 * - `OutputFailed`: the output file could not be written;
 * - `FeedMissing`: a feed given to `import` is not there (or a folder holds no AAF part);
 * - `ImportHeld`: an import was held for a school by the blocking threshold (BR-FEED-1);
 * - `Unexpected`: anything else (a bug: the message says what).
 *
 * @since 0.1.0
 */
export const Reason = Schema.Literal(
  "Usage",
  "StoreMissing",
  "StoreAddress",
  "StoreUnavailable",
  "UnknownProjection",
  "UnknownAccount",
  "Refused",
  "AlreadyInitialised",
  "Busy",
  "OutputFailed",
  "FeedMissing",
  "ImportHeld",
  "Unexpected",
)

/** @since 0.1.0 */
export type Reason = typeof Reason.Type

/**
 * The exit code of each reason; 0 is success. Codes are stable: scripts test them.
 * Codes from 20 on are left to the commands that come later (`import`).
 *
 * @since 0.1.0
 */
export const exitCodes: { readonly [R in Reason]: number } = {
  Unexpected: 1,
  Usage: 2,
  StoreMissing: 3,
  StoreAddress: 4,
  StoreUnavailable: 5,
  UnknownProjection: 6,
  UnknownAccount: 7,
  Refused: 8,
  AlreadyInitialised: 9,
  Busy: 10,
  OutputFailed: 11,
  FeedMissing: 20,
  ImportHeld: 21,
}

/**
 * A command's failure, printed on stderr as `cartable: <message>` (or as JSON
 * with `--json`) before the process exits with {@link exitCodes}.
 *
 * @since 0.1.0
 */
export class CliError extends Schema.TaggedError<CliError>("@cartable/cli/CliError")("CliError", {
  reason: Reason,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect),
}) {}

/**
 * A failure of this reason.
 *
 * @since 0.1.0
 */
export const make = (reason: Reason, message: string, cause?: unknown): CliError =>
  new CliError(cause === undefined ? { reason, message } : { reason, message, cause })

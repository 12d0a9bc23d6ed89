/**
 * The process manager "pre-deleted -> deleted" (BR-ACC-12, BR-ACC-9): an
 * account pre-deleted and not restored is deleted once its delay is over, at
 * the first clock tick at or after its pre-deletion's instant plus the delay.
 * Its read model keeps each pre-deleted account with its due instant (an
 * inline projection: run it in every process that appends); its reactor, on
 * each tick, deletes the due ones as `account-lifecycle`, once per pre-deletion.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Delay from "./internal/delay.ts"
import * as Due from "./internal/due.ts"
import type { ConfigurationRefused } from "./ManagerError.ts"

/**
 * The delay between a pre-deletion and the deletion by default: 90 days, as the
 * open-source ENT core by default.
 *
 * @since 0.1.0
 */
export const defaultDelay: Duration.Duration = Duration.days(90)

/**
 * The manager: its projection (run it inline) and its reactor.
 *
 * @since 0.1.0
 */
export type Deletions = Due.DueManager

/**
 * A pre-deleted account as the read model keeps it: since when, due when, and
 * the position of its pre-deletion.
 *
 * @since 0.1.0
 */
export type PreDeleted = Due.DueAccount

/**
 * Builds the manager with a delay (default {@link defaultDelay}); a delay that is
 * not a finite, non-negative duration is refused. Changing the delay of a running
 * store: rebuild the projection, so that pending due instants follow it.
 *
 * @example
 * const deletions = yield* Deletions.make({ delay: "30 days" })
 * const Live = ProjectionRuntime.layer({ inline: [deletions.projection], reactors: [deletions.reactor] })
 * @since 0.1.0
 */
export const make = (
  options: { readonly delay?: Duration.DurationInput | undefined } = {},
): Effect.Effect<Deletions, ConfigurationRefused> =>
  Effect.map(Delay.decode("deletions", options.delay, defaultDelay), (delay) =>
    Due.make({
      name: "deletions",
      version: 1,
      delay,
      start: "AccountPreDeleted",
      stop: ["AccountRestored", "AccountDeleted"],
      command: "DeleteAccount",
      process: "account-lifecycle",
    }),
  )

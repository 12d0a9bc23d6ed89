/**
 * The process manager "deleted -> erased" (BR-ACC-9): a deleted account's
 * personal data is erased (`EraseAccountData`) at the first clock tick at or
 * after its deletion's instant plus the delay, which may not exceed the
 * retention limit of three months. Erasure destroys the account's key, so its
 * contributions (report comments, homework-book session content and homework)
 * go with it: docs/domain.md says why nothing is kept.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Delay from "./internal/delay.ts"
import * as Due from "./internal/due.ts"
import type { ConfigurationRefused } from "./ManagerError.ts"

/**
 * The longest delay BR-ACC-9 allows as a fixed duration: three months are 89 days
 * at the shortest (February to April of a common year), so that every deletion's
 * data is erased within three calendar months of it.
 *
 * @since 0.1.0
 */
export const retentionLimit: Duration.Duration = Duration.days(89)

/**
 * The delay between a deletion and the erasure by default: 30 days, well within
 * the limit, so that ticks an hour or a day apart (or a few days of an outage)
 * still erase within three months.
 *
 * @since 0.1.0
 */
export const defaultDelay: Duration.Duration = Duration.days(30)

/**
 * The manager: its projection (run it inline) and its reactor.
 *
 * @since 0.1.0
 */
export type Erasures = Due.DueManager

/**
 * Builds the manager with a delay (default {@link defaultDelay}); a delay above
 * {@link retentionLimit}, negative or infinite is refused (BR-ACC-9).
 *
 * @example
 * const erasures = yield* Erasures.make({ delay: "7 days" })
 * @since 0.1.0
 */
export const make = (
  options: { readonly delay?: Duration.DurationInput | undefined } = {},
): Effect.Effect<Erasures, ConfigurationRefused> =>
  Effect.map(
    Delay.decode("erasures", options.delay, defaultDelay, {
      max: retentionLimit,
      ruleId: "BR-ACC-9",
      message: "Personal data is erased within three months of the deletion: the erasure delay is at most 89 days",
    }),
    (delay) =>
      Due.make({
        name: "erasures",
        version: 1,
        delay,
        start: "AccountDeleted",
        stop: ["AccountDataErased"],
        command: "EraseAccountData",
        process: "account-lifecycle",
      }),
  )

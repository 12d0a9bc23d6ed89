/**
 * The metrics of sign-in, through Effect's Metric API (exported by
 * `@effect/opentelemetry` with the spans: docs/operations.md, "Tracing and
 * metrics"). No login, account id nor address is ever a tag.
 *
 * @since 0.1.0
 */
import * as Metric from "effect/Metric"

/**
 * Sign-ins, tagged `provider` (`local` for a login and password, else the
 * provider's id) and `outcome`: `accepted` (a session opened), `refused` (the one
 * answer of BR-ACC-6: bad credentials, throttled, blocked, or an identity linked
 * to no account) or `failed` (a store or provider failure).
 *
 * @since 0.1.0
 */
export const signIns = Metric.counter("cartable.identity.sign_ins", {
  description: "Sign-ins, by provider and outcome",
  incremental: true,
})

/**
 * What a sign-in's outcome is, from its error's tag (none when a session opened).
 *
 * @since 0.1.0
 */
export const outcomeOf = (error?: { readonly _tag: string }): "accepted" | "refused" | "failed" =>
  error === undefined
    ? "accepted"
    : error._tag === "InvalidCredentials" || error._tag === "IdentityNotLinked"
      ? "refused"
      : "failed"

/**
 * Counts one sign-in through `provider` with the outcome its error tells.
 *
 * @since 0.1.0
 */
export const countSignIn = (provider: string, error?: { readonly _tag: string }) =>
  Metric.increment(Metric.tagged(Metric.tagged(signIns, "provider", provider), "outcome", outcomeOf(error)))

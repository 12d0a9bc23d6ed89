/**
 * Spans that never carry a person's data. A failure's message is written for a
 * person and may quote what he typed (`The login "marie.a" is taken`); a tracer
 * records the failure of a span's effect whole (@effect/opentelemetry puts its
 * message in the status and an `exception` event). The library's entry points
 * trace with {@link withSpan}, whose span records only the failure's tag, rule id
 * and reason; the caller still gets the error itself.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Tracer from "effect/Tracer"

/**
 * What a span records in place of a failure: `AccountRejected BR-ACC-10 LoginTaken`,
 * from the error's `_tag`, `ruleId` and `reason` alone.
 *
 * @since 0.1.0
 */
export class RedactedFailure extends Error {
  constructor(readonly summary: string) {
    super(summary)
    this.name = "RedactedFailure"
  }
}

/**
 * The summary of a failure: its `_tag`, `ruleId` and `reason` when they are strings
 * (a bounded set: an error's tag, a rule's id, a reason literal), never its message.
 *
 * @since 0.1.0
 */
export const summaryOf = (error: unknown): string => {
  if (typeof error !== "object" || error === null) return typeof error
  const { _tag, ruleId, reason } = error as {
    readonly _tag?: unknown
    readonly ruleId?: unknown
    readonly reason?: unknown
  }
  const parts = [_tag, ruleId, reason].filter((part): part is string => typeof part === "string")
  return parts.length === 0 ? "Error" : parts.join(" ")
}

/**
 * `Effect.withSpan`, except that the span sees a failure as its
 * {@link RedactedFailure}; the effect fails with the error itself.
 *
 * @example
 * const handle = decide(command).pipe(Tracing.withSpan("CommandHandler.handle", { attributes: { command: command._tag } }))
 * @since 0.1.0
 */
export const withSpan =
  (name: string, options?: Tracer.SpanOptions) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.suspend(() => {
      // The error of this run, held while the span ends with its summary.
      let failure: { readonly error: E } | undefined
      return self.pipe(
        Effect.catchAll((error) => {
          failure = { error }
          return Effect.fail(new RedactedFailure(summaryOf(error)))
        }),
        Effect.withSpan(name, options),
        Effect.catchAll((redacted) => Effect.fail(failure === undefined ? (redacted as E) : failure.error)),
      )
    })

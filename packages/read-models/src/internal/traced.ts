/**
 * A query service whose every query runs in a span named after it
 * (`Rosters.roster`), so that OpenTelemetry shows what the read side answers.
 */
import * as Effect from "effect/Effect"

/** The service with each query (an effect, or a function returning one) wrapped in a span `<prefix>.<name>`. */
export const traced = <S extends object>(prefix: string, service: S): S =>
  Object.fromEntries(
    Object.entries(service).map(([name, query]) => [
      name,
      Effect.isEffect(query)
        ? Effect.withSpan(query, `${prefix}.${name}`)
        : typeof query === "function"
          ? (...args: ReadonlyArray<unknown>) =>
              Effect.withSpan(
                (query as (...a: ReadonlyArray<unknown>) => Effect.Effect<unknown>)(...args),
                `${prefix}.${name}`,
              )
          : query,
    ]),
  ) as S

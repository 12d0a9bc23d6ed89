import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import { ConfigurationRefused } from "../ManagerError.ts"

/** A configured delay, decoded: finite and not negative, at most `limit` when given. */
export const decode = (
  manager: string,
  input: Duration.DurationInput | undefined,
  fallback: Duration.Duration,
  limit?: { readonly max: Duration.Duration; readonly ruleId: string; readonly message: string },
): Either.Either<Duration.Duration, ConfigurationRefused> => {
  const decoded = Either.try(() => (input === undefined ? fallback : Duration.decode(input)))
  if (Either.isLeft(decoded) || !Duration.isFinite(decoded.right)) {
    return Either.left(new ConfigurationRefused({ manager, message: `The ${manager} delay is a finite duration` }))
  }
  const delay = decoded.right
  if (limit !== undefined && Duration.greaterThan(delay, limit.max)) {
    return Either.left(
      new ConfigurationRefused({
        manager,
        ruleId: limit.ruleId,
        message: `${limit.message}, got ${Duration.format(delay)}`,
      }),
    )
  }
  return Either.right(delay)
}

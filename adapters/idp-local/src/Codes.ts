/**
 * One-time codes (activation, BR-ACC-2; renewal, BR-ACC-5) drawn from the
 * operating system's CSPRNG in the format of `@cartable/domain/Credentials`:
 * 8 characters among 31 without look-alikes (about 40 bits).
 *
 * @since 0.1.0
 */
import * as Crypto from "node:crypto"
import * as Credentials from "@cartable/domain/Credentials"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/**
 * A fresh code. The draw skips biased bytes; 16 bytes fall short with a
 * probability below 1e-9, and then it draws again.
 *
 * @example
 * const activationCode = yield* Codes.generate // e.g. "3n6g8fmj"
 * @since 0.1.0
 */
export const generate: Effect.Effect<Credentials.OneTimeCode> = Effect.sync(() => {
  for (;;) {
    const code = Credentials.codeFromBytes(new Uint8Array(Crypto.randomBytes(16)))
    if (Option.isSome(code)) return code.value
  }
})

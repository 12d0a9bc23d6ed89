/**
 * The PasswordHasher on argon2id (@node-rs/argon2, prebuilt binaries: no build
 * step). Parameters default to OWASP's first recommendation for argon2id
 * (19 MiB, 2 passes, 1 lane); a distribution raises them with {@link layer}'s
 * options, and every hash made with weaker ones is upgraded at its holder's next
 * sign-in (`needsRehash`, then `UpgradePasswordHash`). Hashes are PHC strings
 * (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) with a 16-byte random salt.
 *
 * @since 0.1.0
 */
import * as Crypto from "node:crypto"
import type { PasswordHash } from "@cartable/domain/Credentials"
import { PasswordHasher } from "@cartable/identity/PasswordHasher"
import * as Argon2 from "@node-rs/argon2"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

/**
 * The cost parameters: memory in KiB, passes, lanes.
 *
 * @since 0.1.0
 */
export interface Parameters {
  readonly memoryCost: number
  readonly timeCost: number
  readonly parallelism: number
}

/** OWASP's argon2id recommendation: m=19456 (19 MiB), t=2, p=1. @since 0.1.0 */
export const defaultParameters: Parameters = { memoryCost: 19_456, timeCost: 2, parallelism: 1 }

/** Argon2id in @node-rs/argon2's `Algorithm` (a const enum, which isolated modules cannot import). */
const ARGON2ID = 2

const phc = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/

/**
 * Builds the hasher with these parameters; the dummy hash is computed once here.
 *
 * @since 0.1.0
 */
export const make = (parameters: Parameters = defaultParameters): Effect.Effect<PasswordHasher.Service> =>
  Effect.gen(function* () {
    const options = { ...parameters, algorithm: ARGON2ID, outputLen: 32 }
    const hashOf = (password: string) => Effect.promise(() => Argon2.hash(password, options))
    // A random password nobody knows: what unknown logins are checked against (BR-ACC-6).
    const dummyHash = (yield* hashOf(Crypto.randomBytes(32).toString("base64url"))) as PasswordHash
    return PasswordHasher.of({
      hash: (password) => Effect.map(hashOf(Redacted.value(password)), (hash) => hash as PasswordHash),
      verify: (hash, password) =>
        Effect.promise(() =>
          // A hash it cannot read (another algorithm, corrupted) verifies nothing: a wrong password.
          Argon2.verify(hash, Redacted.value(password)).catch(() => false),
        ),
      needsRehash: (hash) => {
        const match = phc.exec(hash)
        if (match === null) return true
        const [memoryCost, timeCost, parallelism] = match.slice(1).map(Number) as [number, number, number]
        return (
          memoryCost < parameters.memoryCost || timeCost < parameters.timeCost || parallelism < parameters.parallelism
        )
      },
      dummyHash,
    })
  })

/**
 * The hasher as a layer.
 *
 * @example
 * const Hasher = Argon2Hasher.layer({ memoryCost: 65_536, timeCost: 3, parallelism: 1 })
 * @since 0.1.0
 */
export const layer = (parameters: Parameters = defaultParameters): Layer.Layer<PasswordHasher> =>
  Layer.effect(PasswordHasher, make(parameters))

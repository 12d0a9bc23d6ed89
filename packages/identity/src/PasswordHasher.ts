/**
 * The PasswordHasher port: how passwords become the hashes the Account's events
 * keep (BR-ACC-4), and how a sign-in checks one. adapters/idp-local gives the
 * argon2id implementation; a distribution may give scrypt or a KMS-backed one.
 *
 * @since 0.1.0
 */
import type { PasswordHash } from "@cartable/domain/Credentials"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"

/**
 * @since 0.1.0
 */
export declare namespace PasswordHasher {
  /**
   * The operations. `verify` answers false on a hash it cannot read (another
   * algorithm, a corrupted value): a wrong password, never a defect.
   *
   * @since 0.1.0
   */
  export interface Service {
    readonly hash: (password: Redacted.Redacted<string>) => Effect.Effect<PasswordHash>
    readonly verify: (hash: PasswordHash, password: Redacted.Redacted<string>) => Effect.Effect<boolean>
    /** Whether the hash was made with weaker parameters than the current ones (rehash on sign-in). */
    readonly needsRehash: (hash: PasswordHash) => boolean
    /**
     * A hash of a random password with the current parameters: verified on the paths
     * that have no hash (an unknown login, an account without a password), so that
     * every path does the same work (BR-ACC-6).
     */
    readonly dummyHash: PasswordHash
  }
}

/**
 * The PasswordHasher port.
 *
 * @since 0.1.0
 */
export class PasswordHasher extends Context.Tag("@cartable/identity/PasswordHasher")<
  PasswordHasher,
  PasswordHasher.Service
>() {}

/**
 * The pending authorization a `begin` leaves in the IdentityStore until its
 * callback comes back: the PKCE verifier, the nonce and where to go after.
 */
import { createHash } from "node:crypto"
import * as Schema from "effect/Schema"

/** The IdentityStore namespace of pending authorizations. */
export const NAMESPACE = "oidc-pending"

/** What a pending authorization holds (short field names: the store caps values at 4,000 characters). */
export const Pending = Schema.Struct({
  v: Schema.String,
  n: Schema.String,
  r: Schema.optional(Schema.String),
})

/** The stored text of a pending authorization. */
export const PendingJson = Schema.parseJson(Pending)

/**
 * The store key of a state: a digest, so that whoever reads the store cannot
 * complete a sign-in with it, bound to the provider, so that a state begun at
 * one provider is unknown to another.
 */
export const keyOf = (provider: string, state: string): string =>
  createHash("sha256").update(`${provider}\u0000${state}`).digest("base64url")

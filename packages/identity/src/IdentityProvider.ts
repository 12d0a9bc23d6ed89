/**
 * The IdentityProvider port: turns a credential or a protocol response into an
 * {@link ExternalIdentity}, or a typed error. Adapters: adapters/idp-local (the
 * ENT's own logins and passwords), adapters/idp-oidc (OpenID Connect),
 * adapters/idp-cas (CAS 2.0/3.0). Each passes the conformance suite of
 * `@cartable/testing/IdentityProviderConformance`.
 *
 * A provider never decides which account signs in: sign-in does, from the
 * account's linked identities in the log (BR-ACC-10).
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type { ExternalIdentity } from "./ExternalIdentity.ts"
import type { InvalidCredentials, ProviderRefused } from "./IdentityError.ts"

/**
 * A provider of identities for credentials of type `Credential`: a login and a
 * password, an OpenID Connect callback, a CAS service ticket.
 *
 * @since 0.1.0
 */
export interface IdentityProvider<in Credential, out R = never> {
  /** The provider's id, as linked identities name it (`ExternalIdentity.provider`). */
  readonly id: string
  /** Verifies the credential; never a defect on a hostile input. */
  readonly authenticate: (
    credential: Credential,
  ) => Effect.Effect<ExternalIdentity, InvalidCredentials | ProviderRefused, R>
}

/**
 * A provider the browser is sent to (OpenID Connect, CAS): `begin` gives the URL
 * to redirect to, and remembers what the callback must bring back (state, nonce,
 * PKCE verifier) in the `IdentityStore`, single use.
 *
 * @since 0.1.0
 */
export interface RedirectProvider<in Credential, out R = never> extends IdentityProvider<Credential, R> {
  readonly begin: (options?: {
    /** Where the ENT sends the user after sign-in; kept with the pending state. */
    readonly returnTo?: string
  }) => Effect.Effect<{ readonly url: string }, ProviderRefused, R>
}

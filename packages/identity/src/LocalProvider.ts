/**
 * The ENT's own credentials as an identity provider: a login (or alias) and a
 * password. The Tag the sign-in flow asks for; adapters/idp-local implements it
 * (argon2id, with the constant-work path of BR-ACC-6).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Redacted from "effect/Redacted"
import type { IdentityProvider } from "./IdentityProvider.ts"

/**
 * A login (or alias) and a password, as typed by the user.
 *
 * @since 0.1.0
 */
export interface PasswordCredential {
  readonly login: string
  readonly password: Redacted.Redacted<string>
}

/**
 * A login as a user typed it, as logins are matched: logins are lowercase
 * (BR-ACC-10), so capitals and the spaces around it are the same login.
 *
 * @since 0.1.0
 */
export const normaliseLogin = (typed: string): string => typed.trim().toLowerCase()

/**
 * The local provider: its identities are `{ provider: "local", subject: accountId }`.
 *
 * @since 0.1.0
 */
export class LocalProvider extends Context.Tag("@cartable/identity/LocalProvider")<
  LocalProvider,
  IdentityProvider<PasswordCredential>
>() {}

/**
 * The identity flows: sign-in (local credentials or an external provider's
 * identity), first-login activation (BR-ACC-2, BR-ACC-3), renewal with a code
 * (BR-ACC-5), recovery by e-mail (BR-ACC-4), sessions, and the throttling of
 * repeated failures. A session is a random token whose digest the
 * {@link IdentityStore} maps to an account id: the id the Workspace takes
 * (`Workspace.handle(accountId, ...)`), so that nothing a client sends after
 * sign-in changes who acts.
 *
 * Every refusal of a credential (wrong password or code, unknown login, blocked,
 * pre-deleted or deleted account, throttled attempt) is the one
 * {@link InvalidCredentials} value (BR-ACC-6), after the same work.
 *
 * @since 0.1.0
 */

import type { AccountRejected } from "@cartable/domain/Account"
import type { AccountId } from "@cartable/domain/Ids"
import type { InvalidCommand } from "@cartable/eventlog/CommandInput"
import type { EventStore } from "@cartable/eventlog/EventStore"
import type { ConcurrencyConflict, EventStoreError } from "@cartable/eventlog/EventStoreError"
import type { ReadModelError } from "@cartable/projections/ReadModelStore"
import type { Authorization } from "@cartable/read-models/Authorization"
import type { Workspace } from "@cartable/workspace/Workspace"
import type { UnresolvedFact } from "@cartable/workspace/WorkspaceError"
import * as Context from "effect/Context"
import type * as DateTime from "effect/DateTime"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type { ExternalIdentity } from "./ExternalIdentity.ts"
import type { IdentityNotLinked, InvalidCredentials, ProviderRefused, SessionInvalid } from "./IdentityError.ts"
import type { IdentityProvider } from "./IdentityProvider.ts"
import type { IdentityStore, IdentityStoreError } from "./IdentityStore.ts"
import * as internal from "./internal/identity.ts"
import type { LocalProvider, PasswordCredential } from "./LocalProvider.ts"
import type { Mailer } from "./Mailer.ts"
import type { PasswordHasher } from "./PasswordHasher.ts"

/**
 * How many failures stop further attempts, per login and per client address,
 * within a window that opens at the first failure. A throttled attempt does the
 * same work and gets the same answer as a wrong password.
 *
 * @since 0.1.0
 */
export interface ThrottlePolicy {
  readonly maxFailuresPerLogin: number
  readonly maxFailuresPerAddress: number
  readonly window: Duration.DurationInput
}

/** 5 failures per login, 50 per address, in 15 minutes. @since 0.1.0 */
export const defaultThrottle: ThrottlePolicy = {
  maxFailuresPerLogin: 5,
  maxFailuresPerAddress: 50,
  window: "15 minutes",
}

/**
 * How the first sign-in through a provider finds the account to link the
 * identity to (BR-ACC-10): e.g. {@link byFeedId}. Undefined: no account.
 *
 * @since 0.1.0
 */
export interface Designation {
  readonly designate: (
    identity: ExternalIdentity,
  ) => Effect.Effect<AccountId | undefined, ReadModelError, Authorization>
}

/**
 * Designates the account provisioned from the feed person whose external id is
 * the identity's `attribute` (or its subject when no attribute is named): what an
 * academy's CAS or EduConnect release as the AAF jointure id.
 *
 * @example
 * Identity.byFeedId({ source: "AAF", attribute: "ENTPersonJointure" })
 * @since 0.1.0
 */
export const byFeedId: (options: { readonly source: string; readonly attribute?: string }) => Designation =
  internal.byFeedId

/**
 * The options of the flows.
 *
 * @since 0.1.0
 */
export interface Options {
  readonly throttle?: ThrottlePolicy
  /** How long a session stands (8 hours). */
  readonly sessionTtl?: Duration.DurationInput
  /** The link of a recovery e-mail, from its token, and how long it stands (1 hour). */
  readonly recovery?: {
    readonly link: (token: string) => string
    readonly ttl?: Duration.DurationInput
  }
  /** By provider id: how a first sign-in designates the account (none: the identity must be linked already). */
  readonly linking?: Readonly<Record<string, Designation>>
}

/**
 * Where a request comes from: the client's address, for throttling.
 *
 * @since 0.1.0
 */
export interface RequestInfo {
  readonly clientAddress: string
}

/**
 * A signed-in session: the token to give the client (a cookie), the account it
 * is, when it ends.
 *
 * @since 0.1.0
 */
export interface Session {
  readonly token: Redacted.Redacted<string>
  readonly accountId: AccountId
  readonly expiresAt: DateTime.Utc
}

/**
 * @since 0.1.0
 */
export declare namespace Identity {
  /**
   * What the flows' stores may fail with.
   *
   * @since 0.1.0
   */
  export type StoreError = IdentityStoreError | EventStoreError | ReadModelError | ConcurrencyConflict

  /**
   * What the flows run over: the stores, the Authorization facts, the Workspace, the
   * local provider, the hasher and the mailer.
   *
   * @since 0.1.0
   */
  export type Requirements =
    | IdentityStore
    | PasswordHasher
    | LocalProvider
    | Mailer
    | Workspace
    | Authorization
    | EventStore

  /**
   * The flows.
   *
   * @since 0.1.0
   */
  export interface Service {
    /** Signs in with a login (or alias) and a password. */
    readonly signIn: (
      credential: PasswordCredential,
      request: RequestInfo,
    ) => Effect.Effect<Session, InvalidCredentials | StoreError>
    /**
     * Signs in with a provider's credential (an OpenID Connect callback, a CAS
     * ticket): the identity's account by its linked identities, or on a first
     * sign-in the one the provider's {@link Designation} gives, linked then
     * (an `ExternalIdentityLinked` event, by the `sign-in` process).
     */
    readonly signInWith: <C, R>(
      provider: IdentityProvider<C, R>,
      credential: C,
      request: RequestInfo,
    ) => Effect.Effect<
      Session,
      InvalidCredentials | ProviderRefused | IdentityNotLinked | StoreError | UnresolvedFact,
      R
    >
    /**
     * First login (BR-ACC-3): `{ login, activationCode, password, charterAccepted,
     * email, mobile? }`; signs in on success.
     */
    readonly activate: (
      input: unknown,
      request: RequestInfo,
    ) => Effect.Effect<Session, InvalidCommand | InvalidCredentials | AccountRejected | StoreError>
    /** Renewal with a code (BR-ACC-5): `{ login, renewalCode, password }`; signs in on success. */
    readonly renew: (
      input: unknown,
      request: RequestInfo,
    ) => Effect.Effect<Session, InvalidCommand | InvalidCredentials | AccountRejected | StoreError>
    /**
     * Asks for a recovery e-mail (BR-ACC-4): `{ login }`. Answers the same whether or
     * not a message went out (no enumeration); a mail failure is logged.
     */
    readonly requestRecovery: (input: unknown, request: RequestInfo) => Effect.Effect<void, InvalidCommand | StoreError>
    /** Sets a new password with a recovery token: `{ login, token, password }`; signs in on success. */
    readonly recover: (
      input: unknown,
      request: RequestInfo,
    ) => Effect.Effect<Session, InvalidCommand | InvalidCredentials | AccountRejected | StoreError>
    /** The account of a session token; a forged, expired or closed one, or an account now refused, is SessionInvalid. */
    readonly session: (token: string) => Effect.Effect<AccountId, SessionInvalid | IdentityStoreError | ReadModelError>
    /** Closes a session; idempotent. */
    readonly signOut: (token: string) => Effect.Effect<void, IdentityStoreError>
  }
}

/**
 * The identity flows.
 *
 * @since 0.1.0
 */
export class Identity extends Context.Tag("@cartable/identity/Identity")<Identity, Identity.Service>() {}

/**
 * Builds the flows over the stores, the local provider, the hasher and the mailer.
 *
 * @since 0.1.0
 */
export const make: (options?: Options) => Effect.Effect<Identity.Service, never, Identity.Requirements> = internal.make

/**
 * The flows as a layer.
 *
 * @since 0.1.0
 */
export const layer = (options?: Options): Layer.Layer<Identity, never, Identity.Requirements> =>
  Layer.effect(Identity, make(options))

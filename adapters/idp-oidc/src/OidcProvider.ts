/**
 * An OpenID Connect relying party on openid-client 6: the authorization code flow
 * with PKCE (S256), state and nonce, as a {@link RedirectProvider}. `begin` gives
 * the provider's authorization URL and keeps the pending authorization in the
 * {@link IdentityStore} (namespace `oidc-pending`, keyed by a digest of the
 * state, expiring); `authenticate` takes it back, single use, exchanges the code
 * and returns the id token's subject with the released claims.
 *
 * @since 0.1.0
 */
import type { ExternalIdentity } from "@cartable/identity/ExternalIdentity"
import { ExternalIdentity as ExternalIdentitySchema } from "@cartable/identity/ExternalIdentity"
import type { ProviderRefused } from "@cartable/identity/IdentityError"
import type { RedirectProvider } from "@cartable/identity/IdentityProvider"
import { IdentityStore } from "@cartable/identity/IdentityStore"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as client from "openid-client"
import { keyOf, NAMESPACE, PendingJson } from "./internal/pending.ts"
import { refusal, refused } from "./internal/refusal.ts"

/**
 * The credential of an OpenID Connect sign-in: the full callback URL the
 * browser came back with (`https://ent.example/oidc/callback?code=…&state=…`).
 *
 * @since 0.1.0
 */
export interface OidcCallback {
  readonly url: string
}

/**
 * How the relying party is registered at its provider.
 *
 * @since 0.1.0
 */
export interface Options {
  /** The provider's id, as linked identities name it (`EduConnect`, `academy-oidc`). */
  readonly providerId: string
  /** The issuer identifier; its `/.well-known/openid-configuration` is read once, on first use. */
  readonly issuer: string
  readonly clientId: string
  /** Absent for a public client (`token_endpoint_auth_method: none`, PKCE only). */
  readonly clientSecret?: Redacted.Redacted<string> | undefined
  /** How the secret is sent to the token endpoint (`client_secret_basic`). */
  readonly clientAuthentication?: "client_secret_basic" | "client_secret_post" | undefined
  /** The ENT's callback URL, as registered at the provider (no query, no fragment). */
  readonly redirectUri: string
  /** The scopes asked for; `openid` is always among them. */
  readonly scopes?: ReadonlyArray<string> | undefined
  /** The claim that is the subject (`sub`). */
  readonly subjectClaim?: string | undefined
  /** The claims released as attributes, read from the id token, else from the userinfo endpoint (none). */
  readonly attributes?: ReadonlyArray<string> | undefined
  /** How long a begun sign-in may take to come back (10 minutes). */
  readonly pendingTtl?: Duration.DurationInput | undefined
  /** How long each request to the provider may take (10 seconds). */
  readonly timeout?: Duration.DurationInput | undefined
  /**
   * Lets an `http://` issuer on a loopback address (127.0.0.1, ::1, localhost)
   * be used, for tests against a provider started on the machine. Off; never
   * allows plain HTTP to any other host.
   */
  readonly allowInsecureLoopback?: boolean | undefined
}

/**
 * The relying party: a {@link RedirectProvider} of {@link OidcCallback}s, plus
 * `complete`, which also gives back the `returnTo` given to `begin`.
 *
 * @since 0.1.0
 */
export interface OidcProvider extends RedirectProvider<OidcCallback> {
  readonly complete: (callback: OidcCallback) => Effect.Effect<
    {
      readonly identity: ExternalIdentity
      readonly returnTo: Option.Option<string>
    },
    ProviderRefused
  >
}

const MAX_CALLBACK_LENGTH = 8_192
const MAX_STATE_LENGTH = 512
const MAX_RETURN_TO_LENGTH = 2_048

const isLoopback = (url: URL) => ["127.0.0.1", "[::1]", "localhost"].includes(url.hostname)

const parseUrl = (value: string): URL | undefined => {
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}

/** A claim's value as attribute strings; objects and nulls are not released. */
const strings = (value: unknown): ReadonlyArray<string> | undefined => {
  const scalar = (item: unknown) =>
    typeof item === "string" ? item : typeof item === "number" || typeof item === "boolean" ? String(item) : undefined
  if (Array.isArray(value)) return value.flatMap((item) => scalar(item) ?? [])
  const one = scalar(value)
  return one === undefined ? undefined : [one]
}

/**
 * Builds the relying party over the {@link IdentityStore} in context (captured
 * here: `begin` and `authenticate` need nothing more). Fails with an
 * `IllegalArgumentException` on options that cannot work (an issuer or redirect
 * URI that is not a URL, plain HTTP off loopback). The provider's discovery
 * document is read on first use and kept; a failed read is retried next time.
 *
 * @since 0.1.0
 */
export const make = Effect.fn("OidcProvider.make")(function* (options: Options) {
  const store = yield* IdentityStore
  const providerId = options.providerId
  const issuer = parseUrl(options.issuer)
  const redirectUri = parseUrl(options.redirectUri)
  if (issuer === undefined || redirectUri === undefined) {
    return yield* Effect.fail(
      new Cause.IllegalArgumentException(`${providerId}: the issuer and redirect URI must be URLs`),
    )
  }
  if (redirectUri.search !== "" || redirectUri.hash !== "") {
    return yield* Effect.fail(
      new Cause.IllegalArgumentException(`${providerId}: the redirect URI has neither a query nor a fragment`),
    )
  }
  const insecure = issuer.protocol === "http:"
  if (insecure && !(options.allowInsecureLoopback === true && isLoopback(issuer))) {
    return yield* Effect.fail(
      new Cause.IllegalArgumentException(
        `${providerId}: the issuer must be https (plain http only on loopback, with allowInsecureLoopback)`,
      ),
    )
  }
  const scope = [...new Set(["openid", ...(options.scopes ?? [])])].join(" ")
  const subjectClaim = options.subjectClaim ?? "sub"
  const attributes = options.attributes ?? []
  const pendingTtl = Duration.decode(options.pendingTtl ?? Duration.minutes(10))
  const timeoutSeconds = Math.max(1, Math.ceil(Duration.toSeconds(options.timeout ?? Duration.seconds(10))))
  const secret = options.clientSecret === undefined ? undefined : Redacted.value(options.clientSecret)
  const clientAuth =
    secret === undefined
      ? client.None()
      : options.clientAuthentication === "client_secret_post"
        ? client.ClientSecretPost(secret)
        : client.ClientSecretBasic(secret)

  const discover = Effect.tryPromise({
    try: () =>
      client.discovery(issuer, options.clientId, undefined, clientAuth, {
        timeout: timeoutSeconds,
        // The id token's signature is checked against the provider's JWKS, although OpenID Connect lets a client
        // trust the TLS channel of the token endpoint instead: a proxy or a tampered response must not pass.
        execute: insecure
          ? [client.enableNonRepudiationChecks, client.allowInsecureRequests]
          : [client.enableNonRepudiationChecks],
      }),
    catch: (error) => refusal(providerId, error),
  }).pipe(
    Effect.filterOrFail(
      (configuration) => {
        // allowInsecureRequests holds for every endpoint: the document must not send us to plain HTTP elsewhere.
        const metadata = configuration.serverMetadata()
        return [metadata.authorization_endpoint, metadata.token_endpoint, metadata.jwks_uri, metadata.userinfo_endpoint]
          .flatMap((endpoint) => (endpoint === undefined ? [] : [parseUrl(endpoint)]))
          .every((url) => url !== undefined && (url.protocol === "https:" || (insecure && isLoopback(url))))
      },
      () => refused(providerId, "MalformedResponse", "The discovery document lists an endpoint that is not https"),
    ),
  )
  const cache = yield* Ref.make(Option.none<client.Configuration>())
  const configuration = Effect.flatMap(
    Ref.get(cache),
    Option.match({
      onSome: Effect.succeed,
      onNone: () => Effect.tap(discover, (found) => Ref.set(cache, Option.some(found))),
    }),
  )
  const now = Effect.map(Clock.currentTimeMillis, DateTime.unsafeMake)
  const storeUnavailable = () => refused(providerId, "Unavailable", "The identity store is unavailable")
  const call = <A>(promise: () => Promise<A>) =>
    Effect.tryPromise({ try: promise, catch: (error) => refusal(providerId, error) })

  const begin: OidcProvider["begin"] = Effect.fn("OidcProvider.begin")(function* (beginOptions) {
    const returnTo = beginOptions?.returnTo
    if (returnTo !== undefined && returnTo.length > MAX_RETURN_TO_LENGTH) {
      return yield* Effect.fail(refused(providerId, "MalformedResponse", "The return address is too long"))
    }
    const found = yield* configuration
    const state = client.randomState()
    const nonce = client.randomNonce()
    const verifier = client.randomPKCECodeVerifier()
    const challenge = yield* call(() => client.calculatePKCECodeChallenge(verifier))
    const url = yield* Effect.try({
      try: () =>
        client.buildAuthorizationUrl(found, {
          redirect_uri: redirectUri.href,
          scope,
          state,
          nonce,
          code_challenge: challenge,
          code_challenge_method: "S256",
        }),
      catch: (error) => refusal(providerId, error),
    })
    const value = yield* Schema.encode(PendingJson)({
      v: verifier,
      n: nonce,
      ...(returnTo === undefined ? {} : { r: returnTo }),
    }).pipe(Effect.orDie)
    const at = yield* now
    yield* store
      .put(NAMESPACE, keyOf(providerId, state), value, DateTime.addDuration(at, pendingTtl), at)
      .pipe(Effect.mapError(storeUnavailable))
    return { url: url.href }
  })

  const complete: OidcProvider["complete"] = Effect.fn("OidcProvider.complete")(function* (callback) {
    const received = callback.url.length <= MAX_CALLBACK_LENGTH ? parseUrl(callback.url) : undefined
    if (
      received === undefined ||
      received.origin !== redirectUri.origin ||
      received.pathname !== redirectUri.pathname ||
      received.username !== "" ||
      received.password !== ""
    ) {
      return yield* Effect.fail(refused(providerId, "MalformedResponse", "The callback is not at the redirect URI"))
    }
    const states = received.searchParams.getAll("state")
    const state = states[0]
    if (states.length !== 1 || state === undefined || state === "" || state.length > MAX_STATE_LENGTH) {
      return yield* Effect.fail(refused(providerId, "MalformedResponse", "The callback has no single state"))
    }
    // Taken before anything else: whatever follows, this state is spent.
    const stored = yield* Effect.flatMap(now, (at) => store.take(NAMESPACE, keyOf(providerId, state), at)).pipe(
      Effect.mapError(storeUnavailable),
    )
    if (Option.isNone(stored)) {
      return yield* Effect.fail(refused(providerId, "Replayed", "The state is unknown, expired or already used"))
    }
    const pending = yield* Schema.decode(PendingJson)(stored.value).pipe(
      Effect.mapError(() => refused(providerId, "MalformedResponse", "The pending sign-in does not decode")),
    )
    const found = yield* configuration
    // The query on the configured redirect URI: what the token request sends as redirect_uri is ours, not the caller's.
    const current = new URL(redirectUri.href)
    current.search = received.search
    const tokens = yield* call(() =>
      client.authorizationCodeGrant(found, current, {
        pkceCodeVerifier: pending.v,
        expectedState: state,
        expectedNonce: pending.n,
        idTokenExpected: true,
      }),
    )
    const idClaims: Readonly<Record<string, unknown>> = tokens.claims() ?? {}
    const wanted = [subjectClaim, ...attributes]
    const userInfo: Readonly<Record<string, unknown>> =
      wanted.some((claim) => idClaims[claim] === undefined) &&
      found.serverMetadata().userinfo_endpoint !== undefined &&
      typeof idClaims.sub === "string"
        ? yield* call(() => client.fetchUserInfo(found, tokens.access_token, idClaims.sub as string))
        : {}
    // The id token is signed: its claims win over the userinfo endpoint's.
    const claim = (name: string) => idClaims[name] ?? userInfo[name]
    const subject = strings(claim(subjectClaim))
    const released: Record<string, ReadonlyArray<string>> = {}
    for (const name of attributes) {
      const value = strings(claim(name))
      if (value !== undefined) released[name] = value
    }
    const identity = yield* Schema.decodeUnknown(ExternalIdentitySchema)({
      provider: providerId,
      subject: subject?.length === 1 ? subject[0] : undefined,
      attributes: released,
    }).pipe(
      Effect.mapError(() =>
        refused(providerId, "MalformedResponse", `The ${subjectClaim} claim is not a single non-blank string`),
      ),
    )
    return { identity, returnTo: Option.fromNullable(pending.r) }
  })

  const provider: OidcProvider = {
    id: providerId,
    begin,
    complete,
    authenticate: (callback) => Effect.map(complete(callback), ({ identity }) => identity),
  }
  return provider
})

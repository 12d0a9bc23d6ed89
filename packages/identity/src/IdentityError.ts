/**
 * The errors of identity: one for every refused credential (BR-ACC-6: the same
 * value and text whatever the cause), one for a protocol response a provider's
 * adapter refuses, one for an identity no account holds, one for a session that
 * does not stand.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/** The one message of a refused sign-in, in English and French (BR-ACC-6). @since 0.1.0 */
export const INVALID_CREDENTIALS_MESSAGE = "Incorrect login or password / Identifiant ou mot de passe incorrect"

/**
 * A refused credential: wrong password or code, unknown login, blocked,
 * pre-deleted or deleted account, throttled attempt. Always this very value
 * (no reason, no login): a caller cannot tell the causes apart (BR-ACC-6).
 *
 * @since 0.1.0
 */
export class InvalidCredentials extends Schema.TaggedError<InvalidCredentials>("@cartable/identity/InvalidCredentials")(
  "InvalidCredentials",
  { message: Schema.Literal(INVALID_CREDENTIALS_MESSAGE) },
) {}

/** The one refusal value. @since 0.1.0 */
export const invalidCredentials: InvalidCredentials = new InvalidCredentials({ message: INVALID_CREDENTIALS_MESSAGE })

/**
 * Why a provider's adapter refused a protocol response.
 *
 * @since 0.1.0
 */
export const ProviderRefusalReason = Schema.Literal(
  /** The response's signature does not verify (OpenID Connect id token). */
  "BadSignature",
  /** The token is for another client (`aud`). */
  "WrongAudience",
  /** The token or ticket is past its validity. */
  "Expired",
  /** A state, nonce or ticket already used, or never issued here. */
  "Replayed",
  /** The provider says the ticket or code is not valid. */
  "InvalidTicket",
  /** The ticket was issued for another service URL (CAS). */
  "WrongService",
  /** The response does not parse, or lacks what the protocol requires. */
  "MalformedResponse",
  /** The provider did not answer, or answered an HTTP error. */
  "Unavailable",
)

/** @since 0.1.0 */
export type ProviderRefusalReason = typeof ProviderRefusalReason.Type

/**
 * A protocol response refused by a provider's adapter, with the reason (safe to
 * show an operator: the identity is not known yet, so nothing is enumerated).
 *
 * @since 0.1.0
 */
export class ProviderRefused extends Schema.TaggedError<ProviderRefused>("@cartable/identity/ProviderRefused")(
  "ProviderRefused",
  {
    provider: Schema.String,
    reason: ProviderRefusalReason,
    message: Schema.String,
    cause: Schema.optional(Schema.Defect),
  },
) {}

/**
 * An identity vouched for by a provider that no account holds and the directory
 * does not designate (first sign-in without a match), or whose account cannot
 * take it (e.g. EduConnect for a teacher).
 *
 * @since 0.1.0
 */
export class IdentityNotLinked extends Schema.TaggedError<IdentityNotLinked>("@cartable/identity/IdentityNotLinked")(
  "IdentityNotLinked",
  {
    provider: Schema.String,
    reason: Schema.Literal("NoDesignatedAccount", "LinkRefused"),
    message: Schema.String,
  },
) {}

/**
 * A session token that does not stand: unknown (forged), expired or closed.
 * One value for all three.
 *
 * @since 0.1.0
 */
export class SessionInvalid extends Schema.TaggedError<SessionInvalid>("@cartable/identity/SessionInvalid")(
  "SessionInvalid",
  { message: Schema.Literal("The session is not valid: sign in again / Session invalide : reconnectez-vous") },
) {}

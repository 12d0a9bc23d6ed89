/**
 * What openid-client 6 (and oauth4webapi under it) throws, mapped to the reasons
 * of `ProviderRefused`. openid-client wraps oauth4webapi's errors in a
 * `ClientError` with the same `code` and the original as `cause`; the claim a
 * comparison failed on is in the original's own `cause.claim`. Read by duck
 * typing: oauth4webapi is not a dependency of ours, and an error crossing a
 * module copy would fail an `instanceof`.
 */
import { type ProviderRefusalReason, ProviderRefused } from "@cartable/identity/IdentityError"

interface Found {
  readonly reason: ProviderRefusalReason
  readonly message: string
}

const field = (value: unknown, name: string): unknown =>
  typeof value === "object" && value !== null && name in value ? (value as Record<string, unknown>)[name] : undefined

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

/** An OAuth error code as the provider sent it, when it looks like one: never arbitrary text in a message. */
const oauthCode = (value: unknown): string => {
  const code = text(value)
  return code !== undefined && /^[\w.-]{1,64}$/.test(code) ? code : "unknown"
}

const claimOf = (error: unknown): string | undefined => text(field(field(field(error, "cause"), "cause"), "claim"))

const detailOf = (error: unknown): string => text(field(field(error, "cause"), "message")) ?? ""

const classify = (error: unknown): Found => {
  const code = text(field(error, "code"))
  switch (code) {
    case "OAUTH_JWT_CLAIM_COMPARISON_FAILED": {
      const claim = claimOf(error)
      if (claim === "aud" || claim === "azp")
        return { reason: "WrongAudience", message: "The id token was issued to another client" }
      if (claim === "nonce")
        return { reason: "Replayed", message: "The id token's nonce is not the one of this sign-in" }
      return {
        reason: "MalformedResponse",
        message: `The id token's ${claim ?? "claims"} claim is not the expected one`,
      }
    }
    case "OAUTH_JWT_TIMESTAMP_CHECK_FAILED":
      return { reason: "Expired", message: `The id token is past its validity (${claimOf(error) ?? "time"})` }
    case "OAUTH_KEY_SELECTION_FAILED":
      return { reason: "BadSignature", message: "The id token is signed with a key the provider does not publish" }
    case "OAUTH_INVALID_RESPONSE": {
      const detail = detailOf(error)
      if (detail === "JWT signature verification failed")
        return { reason: "BadSignature", message: "The id token's signature does not verify" }
      if (detail.includes('"state"'))
        return { reason: "Replayed", message: "The callback's state is not the one of this sign-in" }
      return { reason: "MalformedResponse", message: "The provider's response is not valid OpenID Connect" }
    }
    case "OAUTH_RESPONSE_BODY_ERROR": {
      const oauthError = oauthCode(field(error, "error"))
      return oauthError === "invalid_grant"
        ? { reason: "InvalidTicket", message: "The provider says the authorization code is not valid (invalid_grant)" }
        : { reason: "Unavailable", message: `The provider's token endpoint answered an error (${oauthError})` }
    }
    case "OAUTH_AUTHORIZATION_RESPONSE_ERROR": {
      const oauthError = oauthCode(field(error, "error"))
      return oauthError === "server_error" || oauthError === "temporarily_unavailable"
        ? { reason: "Unavailable", message: `The provider could not sign the user in (${oauthError})` }
        : { reason: "InvalidTicket", message: `The provider refused the sign-in (${oauthError})` }
    }
    case "OAUTH_RESPONSE_IS_NOT_CONFORM":
    case "OAUTH_WWW_AUTHENTICATE_CHALLENGE":
      return { reason: "Unavailable", message: "The provider answered an HTTP error" }
    case "OAUTH_TIMEOUT":
    case "OAUTH_ABORT":
      return { reason: "Unavailable", message: "The provider did not answer in time" }
  }
  // fetch's own failure (refused, reset, DNS): a TypeError without a code, unlike openid-client's argument checks.
  if (error instanceof TypeError && code === undefined)
    return { reason: "Unavailable", message: "The provider could not be reached" }
  return { reason: "MalformedResponse", message: "The provider's response could not be processed" }
}

/** The refusal of provider `provider` for what openid-client threw (or rejected with). */
export const refusal = (provider: string, error: unknown): ProviderRefused => {
  const { reason, message } = classify(error)
  return new ProviderRefused({ provider, reason, message: `${provider}: ${message}`, cause: error })
}

/** A refusal of the adapter's own checks, before openid-client is asked. */
export const refused = (provider: string, reason: ProviderRefusalReason, message: string): ProviderRefused =>
  new ProviderRefused({ provider, reason, message: `${provider}: ${message}` })

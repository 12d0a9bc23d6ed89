/**
 * A CAS client (protocol 2.0 and 3.0) as an {@link RedirectProvider}: `begin`
 * gives the CAS login URL for the ENT's service, `authenticate` validates the
 * service ticket the browser brings back at `/p3/serviceValidate` (3.0) or
 * `/serviceValidate` (2.0) and returns the CAS user with its released attributes.
 * The response is read with a strict, bounded, DOCTYPE-refusing parse (saxes):
 * docs/idp-cas.md.
 *
 * @example
 * const provider = yield* CasProvider.make({
 *   providerId: "academy-cas",
 *   casUrl: "https://cas.example-academy.fr/cas",
 *   service: "https://ent.example.fr/auth/cas/callback",
 * })
 * @since 0.1.0
 */
import { ExternalIdentity } from "@cartable/identity/ExternalIdentity"
import { type ProviderRefusalReason, ProviderRefused } from "@cartable/identity/IdentityError"
import type { RedirectProvider } from "@cartable/identity/IdentityProvider"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { CasResponse } from "./internal/casResponse.ts"
import { type CallOutcome, fetchResponse } from "./internal/fetchResponse.ts"

/**
 * What the ENT's CAS callback received: the `ticket` query parameter, and the
 * service URL it was called at (the callback URL, without the ticket).
 *
 * @since 0.1.0
 */
export interface CasCredential {
  readonly ticket: string
  readonly service: string
}

/**
 * The configuration of one CAS server for one service.
 *
 * @since 0.1.0
 */
export interface Config {
  /** The provider id, as linked identities name it (`academy-cas`). */
  readonly providerId: string
  /** The CAS server's base URL, under which `/login` and `/p3/serviceValidate` live. */
  readonly casUrl: string
  /** The ENT's callback URL: the only service this provider accepts a ticket for. */
  readonly service: string
  /** `"3.0"` (default) validates at `/p3/serviceValidate`, `"2.0"` at `/serviceValidate`. */
  readonly protocol?: "2.0" | "3.0"
  /** The attribute whose single value is the subject; the default is `cas:user`. */
  readonly subjectAttribute?: string
  /** How long a validation call may take, body included (10 seconds). */
  readonly timeout?: Duration.DurationInput
  /** The largest response body read (1 MiB); a larger one is refused. */
  readonly maxResponseBytes?: number
}

/**
 * The longest ticket accepted (CAS 3.0 §3.1.1 recommends that services accept
 * 256 characters).
 *
 * @since 0.1.0
 */
export const MAX_TICKET_LENGTH = 256

// `ST-` and printable ASCII: Apereo CAS tickets carry a host suffix with dots; nothing
// else (no space, no control, no non-ASCII) has a reason to be in one.
const TICKET = /^ST-[\x21-\x7e]+$/

const httpUrl = (name: string, value: string): Effect.Effect<URL, Cause.IllegalArgumentException> =>
  Effect.try({
    try: () => new URL(value),
    catch: () => new Cause.IllegalArgumentException(`CasProvider: ${name} is not a URL: ${value}`),
  }).pipe(
    Effect.filterOrFail(
      (url) => url.protocol === "https:" || url.protocol === "http:",
      () => new Cause.IllegalArgumentException(`CasProvider: ${name} is not an http(s) URL: ${value}`),
    ),
  )

/** CAS failure codes (CAS 3.0 §2.5.3) and the refusal each one is. */
const failureReason = (code: string): ProviderRefusalReason => {
  switch (code) {
    case "INVALID_TICKET":
    case "INVALID_TICKET_SPEC":
      return "InvalidTicket"
    case "INVALID_SERVICE":
      return "WrongService"
    default:
      return "MalformedResponse"
  }
}

/** A server's text in a message: short and on one line. */
const quote = (text: string): string => {
  const line = text.replace(/\s+/g, " ")
  return line.length > 200 ? `${line.slice(0, 200)}…` : line
}

/**
 * A CAS provider for one server and one service. Fails with an
 * `IllegalArgumentException` when the configuration is not usable (an id that is
 * blank, a URL that is not http(s), a bound that is not a positive integer).
 *
 * @since 0.1.0
 */
export const make = (config: Config): Effect.Effect<RedirectProvider<CasCredential>, Cause.IllegalArgumentException> =>
  Effect.gen(function* () {
    const { providerId, service } = config
    if (providerId.trim() === "" || providerId.trim() !== providerId) {
      return yield* new Cause.IllegalArgumentException(`CasProvider: providerId must be a non-blank trimmed string`)
    }
    const maxBytes = config.maxResponseBytes ?? 1024 * 1024
    if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
      return yield* new Cause.IllegalArgumentException(`CasProvider: maxResponseBytes must be a positive integer`)
    }
    const base = (yield* httpUrl("casUrl", config.casUrl)).href.replace(/\/+$/, "")
    yield* httpUrl("service", service)
    const validatePath = config.protocol === "2.0" ? "/serviceValidate" : "/p3/serviceValidate"
    const timeout = Duration.decode(config.timeout ?? Duration.seconds(10))

    const refused = (reason: ProviderRefusalReason, message: string, cause?: unknown) =>
      new ProviderRefused({
        provider: providerId,
        reason,
        message: `CAS ${providerId}: ${message}`,
        ...(cause === undefined ? {} : { cause }),
      })

    const call = (ticket: string): Effect.Effect<CallOutcome, ProviderRefused> => {
      const url = new URL(`${base}${validatePath}`)
      url.searchParams.set("service", service)
      url.searchParams.set("ticket", ticket)
      return Effect.tryPromise({
        try: (signal) => fetchResponse(url, maxBytes, signal),
        catch: (cause) => refused("Unavailable", `the server could not be reached at ${base}`, cause),
      }).pipe(
        // The timeout interrupts the call, which aborts the fetch through its signal.
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: () => refused("Unavailable", `the server did not answer within ${Duration.format(timeout)}`),
        }),
      )
    }

    const identityOf = (response: CasResponse): Effect.Effect<ExternalIdentity, ProviderRefused> => {
      if (response._tag === "Failure") {
        const reason = failureReason(response.code)
        return Effect.fail(
          refused(reason, `the server refused the ticket: ${quote(response.code)} ${quote(response.description)}`),
        )
      }
      let subject = response.user
      if (config.subjectAttribute !== undefined) {
        const values = response.attributes.get(config.subjectAttribute) ?? []
        if (values.length !== 1 || values[0] === "") {
          return Effect.fail(
            refused(
              "MalformedResponse",
              `the subject attribute ${config.subjectAttribute} has ${values.length} values, not one`,
            ),
          )
        }
        subject = values[0]!
      }
      return Effect.try({
        try: () =>
          new ExternalIdentity({
            provider: providerId,
            subject,
            attributes: Object.fromEntries(response.attributes),
          }),
        catch: (cause) => refused("MalformedResponse", "the response's user is not a usable subject", cause),
      })
    }

    return {
      id: providerId,
      begin: () => Effect.succeed({ url: `${base}/login?service=${encodeURIComponent(service)}` }),
      authenticate: Effect.fn("CasProvider.authenticate")(function* (credential: CasCredential) {
        // The shape is checked at run time too: a callback's query may bring anything.
        const ticket: unknown = credential?.ticket
        const presented: unknown = credential?.service
        if (typeof presented !== "string" || presented !== service) {
          return yield* refused("WrongService", "the ticket was presented for another service")
        }
        if (typeof ticket !== "string" || ticket.length > MAX_TICKET_LENGTH || !TICKET.test(ticket)) {
          return yield* refused("InvalidTicket", "the ticket is not a CAS service ticket (ST-...)")
        }
        const outcome = yield* call(ticket)
        switch (outcome._tag) {
          case "HttpError":
            return yield* refused("Unavailable", `the server answered HTTP ${outcome.status}`)
          case "TooLarge":
            return yield* refused("MalformedResponse", `the response is larger than ${outcome.maxBytes} bytes`)
          case "Refused":
            return yield* refused("MalformedResponse", outcome.error.message, outcome.error)
          case "Response":
            return yield* identityOf(outcome.response)
        }
      }),
    }
  })

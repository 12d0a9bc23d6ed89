/**
 * The library's typed errors to HTTP statuses. An aggregate's rejection keeps
 * its rule id and reason; its reason decides the status (who may: 403, what is
 * not there: 404, the current state: 409, the values: 422). Stores' failures
 * are logged here and answered 503 without their cause.
 *
 * @since 0.1.0
 */
import type { AccountRejected } from "@cartable/domain/Account"
import type { CommunicationRulesRejected } from "@cartable/domain/CommunicationRules"
import type { HomeworkBookRejected } from "@cartable/domain/HomeworkBook"
import type { MessageRejected } from "@cartable/domain/Message"
import type { ReportRejected } from "@cartable/domain/Report"
import type { SectionRejected } from "@cartable/domain/Section"
import type { StructureRejected } from "@cartable/domain/Structure"
import type { TargetedCommunicationRejected } from "@cartable/domain/TargetedCommunication"
import type { InvalidCommand } from "@cartable/eventlog/CommandInput"
import type { ConcurrencyConflict, EventStoreError } from "@cartable/eventlog/EventStoreError"
import type { InvalidCredentials, SessionInvalid } from "@cartable/identity/IdentityError"
import type { IdentityStoreError } from "@cartable/identity/IdentityStore"
import type { ReadModelError } from "@cartable/projections/ReadModelStore"
import type { MailMergeError } from "@cartable/read-models/MailMerge"
import type { AccountRefused, MailMergeRefused, UnresolvedFact } from "@cartable/workspace/WorkspaceError"
import * as Effect from "effect/Effect"
import { BadRequest, Conflict, Forbidden, NotFound, Unauthorized, Unavailable, Unprocessable } from "./ApiError.ts"

/**
 * An aggregate's refusal: the rule it enforces, why, and what to tell the user.
 *
 * @since 0.1.0
 */
export type Rejection =
  | AccountRejected
  | StructureRejected
  | ReportRejected
  | HomeworkBookRejected
  | SectionRejected
  | CommunicationRulesRejected
  | MessageRejected
  | TargetedCommunicationRejected

/**
 * Every error of the library the API's handlers meet.
 *
 * @since 0.1.0
 */
export type LibraryError =
  | Rejection
  | InvalidCommand
  | AccountRefused
  | UnresolvedFact
  | MailMergeRefused
  | MailMergeError
  | SessionInvalid
  | InvalidCredentials
  | ConcurrencyConflict
  | EventStoreError
  | ReadModelError
  | IdentityStoreError

/**
 * What the API answers with.
 *
 * @since 0.1.0
 */
export type HttpError = BadRequest | Unauthorized | Forbidden | NotFound | Conflict | Unprocessable | Unavailable

// Rejection reasons by status; a reason not listed (a distribution's own) is 422.
const forbidden: ReadonlySet<string> = new Set(["NotAuthorized", "ManualCreationRefused", "FeedOwned"])
const notFound: ReadonlySet<string> = new Set(["NotFound"])
const conflict: ReadonlySet<string> = new Set([
  "AlreadyExists",
  "AlreadyHandled",
  "Archived",
  "Cancelled",
  "Closed",
  "DuplicateRelative",
  "Frozen",
  "IdentityConflict",
  "InvalidState",
  "LoginTaken",
])

/**
 * An aggregate's rejection as its status, with `error`, `ruleId` and `reason`.
 *
 * @since 0.1.0
 */
export const fromRejection = (rejection: Rejection): HttpError => {
  const body = { error: rejection._tag, ruleId: rejection.ruleId, reason: rejection.reason, message: rejection.message }
  // The activation flow's wrong code is the one answer of every sign-in refusal (BR-ACC-6).
  if (rejection.reason === "InvalidCredentials")
    return new Unauthorized({ error: "InvalidCredentials", message: rejection.message })
  if (forbidden.has(rejection.reason)) return new Forbidden(body)
  if (notFound.has(rejection.reason)) return new NotFound(body)
  if (conflict.has(rejection.reason)) return new Conflict(body)
  return new Unprocessable(body)
}

/**
 * Any library error as the API's answer.
 *
 * @since 0.1.0
 */
export const toHttp = (error: LibraryError | HttpError): HttpError => {
  switch (error._tag) {
    case "BadRequest":
    case "Unauthorized":
    case "Forbidden":
    case "NotFound":
    case "Conflict":
    case "Unprocessable":
    case "Unavailable":
      return error
    case "InvalidCommand":
      return new BadRequest({ error: error._tag, fields: error.fields, message: error.message })
    case "SessionInvalid":
    case "InvalidCredentials":
      return new Unauthorized({ error: error._tag, message: error.message })
    // No reason in the body: blocked, deleted and unknown answer alike (BR-ACC-6); the reason is for the logs.
    case "AccountRefused":
      return new Forbidden({ error: error._tag, message: error.message })
    case "MailMergeRefused":
      return new Forbidden({ error: error._tag, ruleId: error.ruleId, message: error.message })
    case "MailMergeError":
      return new NotFound({ error: error._tag, reason: error.reason, message: error.message })
    case "UnresolvedFact":
      return new Unprocessable({ error: error._tag, message: error.message })
    case "ConcurrencyConflict":
      return new Conflict({ error: error._tag, message: "Someone changed this at the same time: try again" })
    case "EventStoreError":
    case "ReadModelError":
    case "IdentityStoreError":
      return new Unavailable({ error: error._tag, message: "A store failed; nothing was recorded: try again" })
    default:
      return fromRejection(error)
  }
}

/**
 * The answer each library error gets, by type: what `toHttp` gives it, so that
 * each endpoint declares only the statuses it can answer.
 *
 * @since 0.1.0
 */
export type HttpOf<E> = E extends HttpError
  ? E
  : E extends InvalidCommand
    ? BadRequest
    : E extends SessionInvalid | InvalidCredentials
      ? Unauthorized
      : E extends AccountRefused | MailMergeRefused
        ? Forbidden
        : E extends MailMergeError
          ? NotFound
          : E extends UnresolvedFact
            ? Unprocessable
            : E extends ConcurrencyConflict
              ? Conflict
              : E extends EventStoreError | ReadModelError | IdentityStoreError
                ? Unavailable
                : E extends Rejection
                  ? Unauthorized | Forbidden | NotFound | Conflict | Unprocessable
                  : never

/**
 * A handler's effect with its library errors answered: stores' failures
 * logged with their cause first, since the client only hears "503".
 *
 * @since 0.1.0
 */
export const answer = <A, E extends LibraryError | HttpError, R>(
  effect: Effect.Effect<A, E, R>,
): Effect.Effect<A, HttpOf<E>, R> =>
  Effect.catchAll(effect, (error): Effect.Effect<never, HttpOf<E>> => {
    // toHttp gives each error the answer HttpOf names for its type.
    const http = toHttp(error) as HttpOf<E>
    return http._tag === "Unavailable" ? Effect.zipRight(Effect.logError(error), Effect.fail(http)) : Effect.fail(http)
  })

/**
 * The errors the API answers with, one class per HTTP status. Each body names
 * the library's error (`error`) and, when the refusal enforces a business rule,
 * its `ruleId` and `reason`: a client can tell "not yours to do" (403) from
 * "not now" (409) and "not like that" (422) without parsing a message.
 *
 * @since 0.1.0
 */
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as Schema from "effect/Schema"

/**
 * One offending field of a body: its path (`accountId`, `link.pupilId`) and what is wrong.
 *
 * @since 0.1.0
 */
export const Field = Schema.Struct({ path: Schema.String, message: Schema.String })

/**
 * What every refusal of a rule carries: the library's error tag, the rule and
 * its reason when there is one, and a message a person understands.
 *
 * @since 0.1.0
 */
const refusal = {
  error: Schema.String,
  ruleId: Schema.optional(Schema.String),
  reason: Schema.optional(Schema.String),
  message: Schema.String,
}

/**
 * 400: the body or a parameter does not decode; each field is named (an intent's
 * `actor`, `roles` or a typo: "is unexpected").
 *
 * @since 0.1.0
 */
export class BadRequest extends Schema.TaggedError<BadRequest>()(
  "BadRequest",
  { error: Schema.String, fields: Schema.Array(Field), message: Schema.String },
  HttpApiSchema.annotations({ status: 400, description: "The body does not decode: each offending field named" }),
) {}

/**
 * 401: no session, a forged, expired or closed one, the session of an account
 * blocked since, or a sign-in refused (one answer for every cause, BR-ACC-6).
 *
 * @since 0.1.0
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()(
  "Unauthorized",
  { error: Schema.String, message: Schema.String },
  HttpApiSchema.annotations({ status: 401, description: "No valid session, or the credentials are refused" }),
) {}

/**
 * 403: the signed-in account may not do or read this (an aggregate's
 * `NotAuthorized`, the mail-merge role BR-MM-1, the API's read policy).
 *
 * @since 0.1.0
 */
export class Forbidden extends Schema.TaggedError<Forbidden>()(
  "Forbidden",
  refusal,
  HttpApiSchema.annotations({ status: 403, description: "Not the signed-in account's to do: the rule is named" }),
) {}

/**
 * 404: what the command or the path names is not there (an aggregate's `NotFound`).
 *
 * @since 0.1.0
 */
export class NotFound extends Schema.TaggedError<NotFound>()(
  "NotFound",
  refusal,
  HttpApiSchema.annotations({ status: 404, description: "What the request names does not exist" }),
) {}

/**
 * 409: the rule refuses it in the current state (already exists, login taken,
 * frozen by a visa, already handled), or a write conflict outlasted the retries.
 *
 * @since 0.1.0
 */
export class Conflict extends Schema.TaggedError<Conflict>()(
  "Conflict",
  refusal,
  HttpApiSchema.annotations({ status: 409, description: "Refused in the current state: the rule is named" }),
) {}

/**
 * 422: well-formed, but the rule refuses the values (password policy, a period
 * outside the school year, a link to a non-pupil), or a fact the log does not hold.
 *
 * @since 0.1.0
 */
export class Unprocessable extends Schema.TaggedError<Unprocessable>()(
  "Unprocessable",
  refusal,
  HttpApiSchema.annotations({ status: 422, description: "The values break a rule: the rule is named" }),
) {}

/**
 * 413: a body over the API's limit, refused before it is read.
 *
 * @since 0.1.0
 */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()(
  "PayloadTooLarge",
  { limit: Schema.Number, message: Schema.String },
  HttpApiSchema.annotations({ status: 413, description: "The body is over the limit" }),
) {}

/**
 * 411: a body sent in chunks, without its length: refused rather than read up
 * to the limit, so that every body's size is known before a byte is read.
 *
 * @since 0.1.0
 */
export class LengthRequired extends Schema.TaggedError<LengthRequired>()(
  "LengthRequired",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 411, description: "A body without Content-Length" }),
) {}

/**
 * 503: a store failed; nothing was recorded, the client may try again. The
 * cause stays in the server's log, never in the body.
 *
 * @since 0.1.0
 */
export class Unavailable extends Schema.TaggedError<Unavailable>()(
  "Unavailable",
  { error: Schema.String, message: Schema.String },
  HttpApiSchema.annotations({ status: 503, description: "A store failed; nothing was recorded" }),
) {}

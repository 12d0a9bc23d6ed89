/**
 * The vendor's HTTP API, declared once with @effect/platform's HttpApi: the
 * routes, what they take and give, their errors with their statuses, and the
 * bearer session. The server, the OpenAPI document and the Swagger page are
 * all derived from this declaration.
 *
 * @since 0.1.0
 */
import { Profile } from "@cartable/domain/AccountEvents"
import * as Domain from "@cartable/domain/Domain"
import { GroupId, StructureId } from "@cartable/domain/Ids"
import { LocalDate } from "@cartable/domain/SchoolYear"
import { AccountState } from "@cartable/read-models/Authorization"
import { SessionEntry, VisaEntry } from "@cartable/read-models/HomeworkBooks"
import { Activation } from "@cartable/read-models/MailMerge"
import { ReportEntry, Status } from "@cartable/read-models/ReportQueue"
import * as Intent from "@cartable/workspace/Intent"
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import * as OpenApi from "@effect/platform/OpenApi"
import * as Context from "effect/Context"
import * as Schema from "effect/Schema"
import {
  BadRequest,
  Conflict,
  Forbidden,
  LengthRequired,
  NotFound,
  PayloadTooLarge,
  Unauthorized,
  Unavailable,
  Unprocessable,
} from "./ApiError.ts"

/**
 * The account of the request's session: who acts, whatever the body says.
 *
 * @since 0.1.0
 */
export class CurrentAccount extends Context.Tag("@cartable/example-vendor-http/CurrentAccount")<
  CurrentAccount,
  { readonly accountId: string; readonly token: string }
>() {}

/**
 * The bearer session in front of every route but sign-in and activation.
 *
 * @since 0.1.0
 */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()(
  "@cartable/example-vendor-http/Authentication",
  {
    failure: Schema.Union(Unauthorized, Unavailable),
    provides: CurrentAccount,
    security: { session: HttpApiSecurity.bearer },
  },
) {}

/**
 * An open session, as sign-in and activation give it.
 *
 * @since 0.1.0
 */
export const Session = Schema.Struct({
  token: Schema.String,
  accountId: Schema.String,
  expiresAt: Schema.DateTimeUtc,
})

/** The same bounds the identity flows apply, so that a 10 MB password is refused before it is read whole. */
const SignInPayload = Schema.Struct({
  login: Schema.String.pipe(Schema.maxLength(320)),
  password: Schema.String.pipe(Schema.maxLength(1024)),
})

const intentTags = [...Intent.make(Domain.aggregates).byTag.keys()]

/**
 * A body the library decodes itself (`Workspace.handle`, `Identity.activate`):
 * HttpApi passes it through untouched, so that a field the intent does not have
 * is refused by name rather than silently dropped. The OpenAPI document shows
 * its outline.
 *
 * @since 0.1.0
 */
export const IntentBody = Schema.Unknown.annotations({
  identifier: "Intent",
  description:
    "A command without its fact fields: `_tag` and the command's own fields. `actor`, `roles` and fact fields " +
    "are refused by name: who acts is the session's account.",
  jsonSchema: {
    type: "object",
    required: ["_tag"],
    properties: { _tag: { type: "string", enum: intentTags } },
    additionalProperties: true,
  },
})

const ActivationBody = Schema.Unknown.annotations({
  identifier: "Activation",
  description: "First login (BR-ACC-3): the login and the code of the mail-merge sheet, a password, the charter.",
  jsonSchema: {
    type: "object",
    required: ["login", "activationCode", "password", "charterAccepted", "email"],
    properties: {
      login: { type: "string" },
      activationCode: { type: "string" },
      password: { type: "string" },
      charterAccepted: { type: "boolean" },
      email: { type: "string" },
      mobile: { type: "string" },
    },
  },
})

const rejections = [Forbidden, NotFound, Conflict, Unprocessable] as const

/**
 * Sign-in and activation (open), sign-out and the signed-in account (behind the session).
 *
 * @since 0.1.0
 */
export class SessionGroup extends HttpApiGroup.make("session")
  .add(
    HttpApiEndpoint.post("signIn", "/session")
      .setPayload(SignInPayload)
      .addSuccess(Session)
      .addError(Unauthorized)
      .addError(Conflict)
      .addError(Unavailable)
      .annotate(OpenApi.Summary, "Sign in with a login (or alias) and a password"),
  )
  .add(
    HttpApiEndpoint.post("activate", "/activation")
      .setPayload(ActivationBody)
      .addSuccess(Session)
      .addError(BadRequest)
      .addError(Unauthorized)
      .addError(rejections[0])
      .addError(rejections[1])
      .addError(rejections[2])
      .addError(rejections[3])
      .addError(Unavailable)
      .annotate(OpenApi.Summary, "First login with the activation code (BR-ACC-3); opens a session"),
  )
  .add(
    HttpApiEndpoint.del("signOut", "/session")
      .addSuccess(HttpApiSchema.NoContent)
      .addError(Unavailable)
      .middleware(Authentication)
      .annotate(OpenApi.Summary, "Close the session"),
  )
  .add(
    HttpApiEndpoint.get("me", "/me")
      .addSuccess(Schema.Struct({ accountId: Schema.String, roles: Schema.Array(Schema.Unknown) }))
      .addError(Forbidden)
      .addError(Unavailable)
      .middleware(Authentication)
      .annotate(OpenApi.Summary, "The signed-in account and the roles the log gives it"),
  ) {}

/**
 * Every command, through the Workspace, as the session's account.
 *
 * @since 0.1.0
 */
export class CommandsGroup extends HttpApiGroup.make("commands")
  .add(
    HttpApiEndpoint.post("handle", "/commands")
      .setPayload(IntentBody)
      .addSuccess(Schema.Struct({ events: Schema.Array(Schema.String), streamVersion: Schema.Number }))
      .addError(BadRequest)
      .addError(Unauthorized)
      .addError(rejections[0])
      .addError(rejections[1])
      .addError(rejections[2])
      .addError(rejections[3])
      .addError(Unavailable)
      .annotate(OpenApi.Summary, "Handle an intent as the session's account; the events it recorded"),
  )
  .middleware(Authentication) {}

const school = HttpApiSchema.param("school", StructureId)
const group = HttpApiSchema.param("groupId", GroupId)
const Limit = Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 1_000))

/**
 * DirectoryEntry: what the directory gives of an account (the activation code
 * until activation, BR-ACC-2, for the administrators who print it).
 *
 * @since 0.1.0
 */
export const DirectoryEntry = Schema.Struct({
  id: Schema.String,
  login: Schema.String,
  firstName: Schema.String,
  lastName: Schema.String,
  profile: Profile,
  state: AccountState,
  schools: Schema.Array(Schema.String),
  classes: Schema.Array(Schema.String),
  groups: Schema.Array(Schema.String),
  email: Schema.optional(Schema.String),
  activationCode: Schema.optional(Schema.String),
  relatives: Schema.Array(Schema.Struct({ id: Schema.String, firstName: Schema.String, lastName: Schema.String })),
  children: Schema.Array(Schema.Struct({ id: Schema.String, firstName: Schema.String, lastName: Schema.String })),
})

/**
 * The read models, each behind the API's read policy (README: "Who reads what").
 *
 * @since 0.1.0
 */
export class QueriesGroup extends HttpApiGroup.make("queries")
  .add(
    HttpApiEndpoint.get("directory")`/schools/${school}/directory`
      .setUrlParams(
        Schema.Struct({
          search: Schema.optional(Schema.String.pipe(Schema.maxLength(100))),
          profile: Schema.optional(Profile),
          state: Schema.optional(AccountState),
          classId: Schema.optional(Schema.String),
          limit: Schema.optional(Limit),
          after: Schema.optional(Schema.String),
        }),
      )
      .addSuccess(Schema.Struct({ entries: Schema.Array(DirectoryEntry), next: Schema.optional(Schema.String) }))
      .addError(Forbidden)
      .addError(Unavailable)
      .annotate(OpenApi.Summary, "Search a school's directory (its administrators and direction)"),
  )
  .add(
    HttpApiEndpoint.get("reports", "/reports")
      .setUrlParams(
        Schema.Struct({
          level: Schema.Literal("School", "District", "Department", "Academy", "Platform"),
          scopeId: Schema.optional(StructureId),
          status: Schema.optional(Status),
          limit: Schema.optional(Limit),
          after: Schema.optional(Schema.String),
        }),
      )
      .addSuccess(Schema.Struct({ reports: Schema.Array(ReportEntry), next: Schema.optional(Schema.String) }))
      .addError(BadRequest)
      .addError(Forbidden)
      .addError(Unavailable)
      .annotate(OpenApi.Summary, "The report queue of an administration scope the account holds (BR-SIG-2)"),
  )
  .add(
    HttpApiEndpoint.get("homework")`/schools/${school}/groups/${group}/homework`
      .setUrlParams(Schema.Struct({ from: Schema.optional(LocalDate), to: Schema.optional(LocalDate) }))
      .addSuccess(
        Schema.Array(
          Schema.Struct({ ...SessionEntry.fields, frozen: Schema.Boolean, frozenBy: Schema.optional(VisaEntry) }),
        ),
      )
      .addError(Forbidden)
      .addError(Unavailable)
      .annotate(OpenApi.Summary, "A class's homework book sessions, frozen or not (BR-CDT-1 to 3)"),
  )
  .add(
    HttpApiEndpoint.get("roster")`/schools/${school}/groups/${group}/roster`
      .setUrlParams(Schema.Struct({ on: Schema.optional(LocalDate) }))
      .addSuccess(
        Schema.Array(
          Schema.Struct({ accountId: Schema.String, role: Schema.String, source: Schema.String, since: Schema.String }),
        ),
      )
      .addError(Forbidden)
      .addError(Unavailable)
      .annotate(OpenApi.Summary, "Who is in a class or group, now or on a day"),
  )
  .add(
    HttpApiEndpoint.get("mailMerge")`/schools/${school}/mail-merge.pdf`
      .setUrlParams(
        Schema.Struct({
          activation: Schema.optional(Activation),
          profile: Schema.optional(Profile),
          perPage: Schema.optional(Schema.Literal("1", "2", "8")),
        }),
      )
      .addSuccess(HttpApiSchema.Uint8Array({ contentType: "application/pdf" }))
      .addError(Forbidden)
      .addError(NotFound)
      .addError(Unavailable)
      .annotate(OpenApi.Summary, "The connection sheets as a PDF (role Gestionnaire publipostage, BR-MM-1)"),
  )
  .middleware(Authentication) {}

/**
 * The whole API; a body over the limit (413) or without its length (411) is
 * refused before it is read.
 *
 * @since 0.1.0
 */
export class VendorApi extends HttpApi.make("cartable-vendor")
  .add(SessionGroup)
  .add(CommandsGroup)
  .add(QueriesGroup)
  .addError(PayloadTooLarge)
  .addError(LengthRequired)
  .annotate(OpenApi.Title, "Cartable: a vendor's API")
  .annotate(
    OpenApi.Description,
    "The library behind HTTP: sign-in through the identity flows, every command through the Workspace as the " +
      "session's account, the read models behind the API's read policy.",
  ) {}

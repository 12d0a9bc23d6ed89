/**
 * The API's handlers: each takes who acts from the session (`CurrentAccount`),
 * never from the body, calls the library's entry point for it (the identity
 * flows, `Workspace.handle`, the read models behind `Access`, `MailMergeAccess`)
 * and answers its typed errors through `ErrorMapping`.
 *
 * @since 0.1.0
 */
import * as Identity from "@cartable/identity/Identity"
import * as Directory from "@cartable/read-models/Directory"
import * as HomeworkBooks from "@cartable/read-models/HomeworkBooks"
import * as ReportQueue from "@cartable/read-models/ReportQueue"
import * as Rosters from "@cartable/read-models/Rosters"
import * as MailMergeAccess from "@cartable/workspace/MailMergeAccess"
import * as SignedIn from "@cartable/workspace/SignedIn"
import * as Workspace from "@cartable/workspace/Workspace"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Access from "./Access.ts"
import { Authentication, CurrentAccount, VendorApi } from "./Api.ts"
import { BadRequest } from "./ApiError.ts"
import { answer } from "./ErrorMapping.ts"

/** The client's address, for the identity flows' throttling per address. */
const requestInfo = (request: HttpServerRequest.HttpServerRequest): Identity.RequestInfo => ({
  clientAddress: Option.getOrElse(request.remoteAddress, () => "unknown"),
})

const sessionOf = (session: Identity.Session) => ({
  token: Redacted.value(session.token),
  accountId: session.accountId,
  expiresAt: session.expiresAt,
})

/**
 * The bearer token to the session's account: a forged, expired or closed
 * token, or one of an account blocked since, is 401 (`SessionInvalid`).
 *
 * @since 0.1.0
 */
export const AuthenticationLive = Layer.effect(
  Authentication,
  Effect.map(Identity.Identity, (identity) =>
    Authentication.of({
      session: (bearer) => {
        const token = Redacted.value(bearer)
        return identity.session(token).pipe(
          Effect.map((accountId) => ({ accountId, token })),
          answer,
        )
      },
    }),
  ),
)

/**
 * Sign-in, activation, sign-out and the signed-in account.
 *
 * @since 0.1.0
 */
export const SessionLive = HttpApiBuilder.group(VendorApi, "session", (handlers) =>
  Effect.gen(function* () {
    const identity = yield* Identity.Identity
    return handlers
      .handle("signIn", ({ payload, request }) =>
        identity
          .signIn({ login: payload.login, password: Redacted.make(payload.password) }, requestInfo(request))
          .pipe(Effect.map(sessionOf), answer),
      )
      .handle("activate", ({ payload, request }) =>
        identity.activate(payload, requestInfo(request)).pipe(Effect.map(sessionOf), answer),
      )
      .handle("signOut", () => Effect.flatMap(CurrentAccount, ({ token }) => identity.signOut(token)).pipe(answer))
      .handle("me", () => Effect.flatMap(CurrentAccount, ({ accountId }) => SignedIn.actor(accountId)).pipe(answer))
  }),
)

/**
 * Every command through the trusted entry point, as the session's account.
 *
 * @since 0.1.0
 */
export const CommandsLive = HttpApiBuilder.group(VendorApi, "commands", (handlers) =>
  Effect.gen(function* () {
    const workspace = yield* Workspace.Workspace
    return handlers.handle("handle", ({ payload }) =>
      Effect.gen(function* () {
        const { accountId } = yield* CurrentAccount
        // The body goes to the Workspace as it came: it decodes the intent and refuses any field it has not.
        const handled = yield* workspace.handle(accountId, payload, { occurredAt: yield* DateTime.now })
        return { events: handled.events.map((event) => event._tag), streamVersion: handled.streamVersion }
      }).pipe(answer),
    )
  }),
)

/**
 * The read models, each behind its read rule.
 *
 * @since 0.1.0
 */
export const QueriesLive = HttpApiBuilder.group(VendorApi, "queries", (handlers) =>
  Effect.gen(function* () {
    const directory = yield* Directory.Directory
    const queue = yield* ReportQueue.ReportQueue
    const books = yield* HomeworkBooks.HomeworkBooks
    const rosters = yield* Rosters.Rosters
    const mailMerge = yield* MailMergeAccess.MailMergeAccess
    return handlers
      .handle("directory", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          const { administrator } = yield* Access.schoolReader(accountId, path.school)
          const page = yield* directory.list({ ...urlParams, school: path.school })
          // BR-ACC-2: the activation code is for the administrators who hand it out.
          return administrator
            ? page
            : { ...page, entries: page.entries.map(({ activationCode: _code, ...entry }) => entry) }
        }).pipe(answer),
      )
      .handle("reports", ({ urlParams: { level, scopeId, ...page } }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          if (level !== "Platform" && scopeId === undefined) {
            return yield* new BadRequest({
              error: "InvalidQuery",
              fields: [{ path: "scopeId", message: "is missing" }],
              message: `scopeId: is missing (a ${level} scope names its structure)`,
            })
          }
          const scope: ReportQueue.Scope =
            level === "Platform" || scopeId === undefined ? { level: "Platform" } : { level, scopeId }
          yield* Access.queueReader(accountId, scope)
          return yield* queue.list({ scope, ...page })
        }).pipe(answer),
      )
      .handle("homework", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          yield* Access.groupReader(accountId, path.school, path.groupId)
          return yield* books.sessions({ group: { structureId: path.school, groupId: path.groupId }, ...urlParams })
        }).pipe(answer),
      )
      .handle("roster", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          yield* Access.groupReader(accountId, path.school, path.groupId)
          return yield* rosters.roster({ structureId: path.school, groupId: path.groupId }, urlParams)
        }).pipe(answer),
      )
      .handle("mailMerge", ({ path, urlParams: { perPage, ...filters } }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          // BR-MM-1 is the library's: MailMergeAccess refuses an account without the role of this school.
          return yield* mailMerge.pdf(
            accountId,
            { ...filters, school: path.school },
            { perPage: perPage === undefined ? 1 : perPage === "2" ? 2 : perPage === "8" ? 8 : 1 },
          )
        }).pipe(answer),
      )
  }),
)

/**
 * Every group's handlers and the session middleware, for `HttpApiBuilder.api`.
 *
 * @since 0.1.0
 */
export const layer = Layer.mergeAll(SessionLive, CommandsLive, QueriesLive).pipe(Layer.provide(AuthenticationLive))

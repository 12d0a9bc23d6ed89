/**
 * What the story's people do with the ENT, as a vendor's front end would do it
 * for them: sign in (local credentials, argon2id), then send intents through
 * the trusted entry point with the session's account id only
 * (`workspace.handle`); the library's own processes act through
 * `workspace.system(process)`. A refusal by a business rule is kept, with the
 * rule, and the story goes on.
 *
 * @since 0.1.0
 */
import type { AccountId } from "@cartable/domain/Ids"
import * as Identity from "@cartable/identity/Identity"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as Directory from "@cartable/read-models/Directory"
import type * as SystemProcess from "@cartable/workspace/SystemProcess"
import * as Workspace from "@cartable/workspace/Workspace"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type { StoryClock } from "./StoryClock.ts"

/**
 * A command the ENT refused, with the rule that refused it.
 *
 * @since 0.1.0
 */
export interface Refusal {
  readonly who: string
  readonly intent: string
  readonly ruleId: string
  readonly message: string
}

/** An intent as a client sends it: plain data, which the Workspace decodes. */
type Intent = { readonly _tag: string } & Readonly<Record<string, unknown>>

/** A refusal by a business rule: the aggregates' rejections all name their rule. */
type Rejection = { readonly _tag: string; readonly ruleId: string; readonly message: string }

const isRejection = (error: unknown): error is Rejection =>
  typeof error === "object" &&
  error !== null &&
  "ruleId" in error &&
  typeof error.ruleId === "string" &&
  "_tag" in error &&
  typeof error._tag === "string" &&
  error._tag.endsWith("Rejected")

const request: Identity.RequestInfo = { clientAddress: "192.0.2.10" }

/**
 * The story's access to the ENT, over the stack in context.
 *
 * @since 0.1.0
 */
export const make = (clock: StoryClock, correlationId: string) =>
  Effect.gen(function* () {
    const workspace = yield* Workspace.Workspace
    const identity = yield* Identity.Identity
    const runtime = yield* ProjectionRuntime.ProjectionRuntime
    const directory = yield* Directory.Directory
    const refusals: Array<Refusal> = []
    const passwords = new Map<string, string>()
    const sessions = new Map<string, Identity.Session>()
    const context = () => ({ occurredAt: clock.now(), correlationId })

    /** Keeps a rule's refusal and answers `undefined`; other failures fail. */
    const kept =
      (who: string, intent: string) =>
      <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        Effect.catchIf(effect, isRejection, (rejection) =>
          Effect.sync(() => {
            refusals.push({ who, intent, ruleId: rejection.ruleId, message: rejection.message })
            return undefined
          }),
        )

    /** The account a login signs in to: its session, opened anew when the last one expired. */
    const sessionOf = (login: string) =>
      Effect.gen(function* () {
        const open = sessions.get(login)
        if (open !== undefined) {
          const still = yield* Effect.option(identity.session(Redacted.value(open.token)))
          if (still._tag === "Some") return still.value
        }
        const password = passwords.get(login)
        if (password === undefined) return yield* Effect.dieMessage(`${login} has not activated his account`)
        const session = yield* identity.signIn({ login, password: Redacted.make(password) }, request)
        sessions.set(login, session)
        return session.accountId
      })

    /** Whether a login's password still opens a session: a blocked account gets a wrong password's answer (BR-ACC-6). */
    const canSignIn = (login: string) =>
      Effect.gen(function* () {
        sessions.delete(login)
        const password = passwords.get(login) ?? ""
        const signedIn = yield* Effect.either(identity.signIn({ login, password: Redacted.make(password) }, request))
        if (signedIn._tag === "Left") {
          if (signedIn.left._tag === "InvalidCredentials") return false
          return yield* signedIn.left
        }
        sessions.set(login, signedIn.right)
        return true
      })

    /** What a signed-in person asks: his session's account and the intent, nothing else. */
    const as = (login: string, intent: Intent) =>
      Effect.flatMap(sessionOf(login), (accountId) => workspace.handle(accountId, intent, context())).pipe(
        kept(login, intent._tag),
      )

    /** What one of the library's processes does (the feed's, the timetable's, the install's). */
    const system = (process: SystemProcess.SystemProcess, intent: Intent) =>
      workspace
        .system(process)
        .handle(intent, context())
        .pipe(kept(`system:${process}`, intent._tag))

    /** First login with the code of the mail-merge sheet (BR-ACC-3): kept on success for the next sign-ins. */
    const activate = (input: {
      readonly login: string
      readonly activationCode: string
      readonly password: string
      readonly email: string
    }) =>
      identity.activate({ ...input, charterAccepted: true }, request).pipe(
        Effect.map((session) => {
          passwords.set(input.login, input.password)
          sessions.set(input.login, session)
          return session.accountId
        }),
        kept(input.login, "activation"),
      )

    /**
     * The read models up to the log's head, then the managers' reactors; the
     * read models once more, since a reactor's commands append events (as a
     * screen refreshes).
     */
    const refresh = Effect.zipRight(runtime.catchUp(), runtime.catchUp())

    /** An account of the directory by its login: what an administrator finds by searching a name. */
    const find = (login: string, lastName: string) =>
      Effect.gen(function* () {
        yield* refresh
        const page = yield* directory.list({ search: lastName, limit: 100 })
        const entry = page.entries.find((candidate) => candidate.login === login)
        if (entry === undefined) return yield* Effect.dieMessage(`nobody with the login ${login}`)
        return entry
      })

    return {
      as,
      system,
      activate,
      canSignIn,
      refresh,
      find,
      accountOf: (login: string, lastName: string) =>
        Effect.map(find(login, lastName), (entry) => entry.id as AccountId),
      context,
      refusals: refusals as ReadonlyArray<Refusal>,
    }
  })

/**
 * The story's access to the ENT.
 *
 * @since 0.1.0
 */
export type Ent = Effect.Effect.Success<ReturnType<typeof make>>

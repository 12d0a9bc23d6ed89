import * as Account from "@cartable/domain/Account"
import * as Credentials from "@cartable/domain/Credentials"
import type { AccountId } from "@cartable/domain/Ids"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as CommandInput from "@cartable/eventlog/CommandInput"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import { EventStore } from "@cartable/eventlog/EventStore"
import type { ConcurrencyConflict, EventStoreError } from "@cartable/eventlog/EventStoreError"
import * as Text from "@cartable/kernel/Text"
import * as Tracing from "@cartable/kernel/Tracing"
import type { ReadModelError } from "@cartable/projections/ReadModelStore"
import { Authorization } from "@cartable/read-models/Authorization"
import { Workspace } from "@cartable/workspace/Workspace"
import type { UnresolvedFact } from "@cartable/workspace/WorkspaceError"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { type ExternalIdentity, LOCAL_PROVIDER } from "../ExternalIdentity.ts"
import type { Designation, Identity, Options, RequestInfo, Session } from "../Identity.ts"
import { defaultThrottle } from "../Identity.ts"
import { IdentityNotLinked, type InvalidCredentials, invalidCredentials, SessionInvalid } from "../IdentityError.ts"
import * as IdentityMetrics from "../IdentityMetrics.ts"
import { IdentityStore } from "../IdentityStore.ts"
import { LocalProvider, normaliseLogin } from "../LocalProvider.ts"
import { Mailer } from "../Mailer.ts"
import { PasswordHasher } from "../PasswordHasher.ts"
import { digest, randomToken } from "./tokens.ts"

const SESSION = "session"
const THROTTLE_LOGIN = "throttle-login"
const THROTTLE_ADDRESS = "throttle-address"
const THROTTLE_RECOVERY = "throttle-recovery"
/** Recovery e-mails a login may ask for in one throttle window. */
const RECOVERY_REQUESTS = 3

const isLogin = Schema.is(Credentials.Login)
const typedLogin = Schema.String.pipe(Schema.maxLength(256, { message: () => "a login is at most 256 characters" }))
const password = Schema.Redacted(Text.text(Text.limits.password, "a password"))
const code = Text.line(Text.limits.code, "a code")

const Activation = Schema.Struct({
  login: typedLogin,
  activationCode: code,
  password,
  charterAccepted: Schema.Boolean,
  email: Text.line(Text.limits.email, "an e-mail address"),
  mobile: Schema.optional(Text.line(Text.limits.shortText, "a phone number")),
})
const Renewal = Schema.Struct({ login: typedLogin, renewalCode: code, password })
const RecoveryRequest = Schema.Struct({ login: typedLogin })
const Recovery = Schema.Struct({
  login: typedLogin,
  token: Schema.String.pipe(Schema.maxLength(128, { message: () => "a token is at most 128 characters" })),
  password,
})
const decodeActivation = CommandInput.decode(Activation)
const decodeRenewal = CommandInput.decode(Renewal)
const decodeRecoveryRequest = CommandInput.decode(RecoveryRequest)
const decodeRecovery = CommandInput.decode(Recovery)

/** An instant as a person reads it in a mail: `2026-09-14 09:00 UTC`. */
const until = (at: DateTime.Utc) => `${DateTime.formatIso(at).slice(0, 16).replace("T", " ")} UTC`

const refusedStates: ReadonlySet<string> = new Set(["blocked", "pre-deleted", "deleted"])

/** A refused code or token reads as a wrong password (BR-ACC-6); the other rejections say what to fix. */
const asInvalidCredentials = <A, E extends { readonly _tag: string }, R>(
  effect: Effect.Effect<A, E, R>,
): Effect.Effect<A, E | InvalidCredentials, R> =>
  Effect.catchIf(
    effect,
    (error) =>
      error._tag === "AccountRejected" && (error as unknown as Account.AccountRejected).reason === "InvalidCredentials",
    () => Effect.fail(invalidCredentials),
  )

type StoreFailure = EventStoreError | ConcurrencyConflict | ReadModelError | UnresolvedFact
const storeFailures: ReadonlySet<string> = new Set([
  "EventStoreError",
  "ConcurrencyConflict",
  "ReadModelError",
  "UnresolvedFact",
])
const isStoreFailure = (error: { readonly _tag: string }): error is StoreFailure => storeFailures.has(error._tag)

export const byFeedId = (options: { readonly source: string; readonly attribute?: string }): Designation => ({
  designate: (identity) =>
    Effect.gen(function* () {
      const externalId =
        options.attribute === undefined ? identity.subject : identity.attributes[options.attribute]?.[0]
      if (externalId === undefined) return undefined
      const authorization = yield* Authorization
      return yield* authorization.feedHolder(options.source, externalId)
    }),
})

export const make = (options: Options = {}) =>
  Effect.gen(function* () {
    const store = yield* IdentityStore
    const hasher = yield* PasswordHasher
    const local = yield* LocalProvider
    const mailer = yield* Mailer
    const workspace = yield* Workspace
    const authorization = yield* Authorization
    const eventStore = yield* EventStore
    // The Account's commands only: the flows send nothing else.
    const router = yield* CommandRouter.make({ Account: Account.aggregate })
    const throttle = options.throttle ?? defaultThrottle
    const sessionTtl = options.sessionTtl ?? "8 hours"
    const recoveryTtl = options.recovery?.ttl ?? "1 hour"

    const openSession = (accountId: AccountId) =>
      Effect.gen(function* () {
        const now = yield* DateTime.now
        const token = randomToken()
        const expiresAt = DateTime.addDuration(now, Duration.decode(sessionTtl))
        // The store keeps the token's digest: a copy of the table opens no session.
        yield* store.put(SESSION, digest(token), accountId, expiresAt, now)
        return { token: Redacted.make(token), accountId, expiresAt } satisfies Session
      })

    /**
     * Runs an attempt under the throttle of its login and client address: the attempt
     * is told whether it is throttled (it then does the same work and fails as a wrong
     * password); a refused credential counts a failure, a success clears the login's.
     */
    const guarded = <A, E, R>(
      login: string | undefined,
      request: RequestInfo,
      attempt: (throttled: boolean) => Effect.Effect<A, E | InvalidCredentials, R>,
    ) =>
      Effect.gen(function* () {
        const now = yield* DateTime.now
        const address = digest(request.clientAddress)
        const loginKey = login === undefined ? undefined : digest(login)
        const [byLogin, byAddress] = yield* Effect.all([
          loginKey === undefined ? Effect.succeed(0) : store.failures(THROTTLE_LOGIN, loginKey, now, throttle.window),
          store.failures(THROTTLE_ADDRESS, address, now, throttle.window),
        ])
        const throttled = byLogin >= throttle.maxFailuresPerLogin || byAddress >= throttle.maxFailuresPerAddress
        const outcome = yield* Effect.either(attempt(throttled))
        if (Either.isLeft(outcome) && (outcome.left as { _tag?: unknown })._tag === "InvalidCredentials") {
          yield* Effect.all([
            loginKey === undefined ? Effect.void : store.recordFailure(THROTTLE_LOGIN, loginKey, now, throttle.window),
            store.recordFailure(THROTTLE_ADDRESS, address, now, throttle.window),
          ])
        } else if (Either.isRight(outcome) && loginKey !== undefined) {
          yield* store.clearFailures(THROTTLE_LOGIN, loginKey)
        }
        return yield* outcome
      })

    /** The account may open a session: known, and neither blocked nor (pre-)deleted (BR-ACC-6, BR-ACC-12). */
    const admitted = (accountId: AccountId) =>
      Effect.flatMap(authorization.signedIn(accountId), (signedIn) =>
        signedIn === undefined || refusedStates.has(signedIn.state) ? Effect.fail(invalidCredentials) : Effect.void,
      )

    const signIn: Identity.Service["signIn"] = (credential, request) => {
      const login = typeof credential.login === "string" ? normaliseLogin(credential.login) : ""
      return guarded(login, request, (throttled) =>
        Effect.gen(function* () {
          // The provider does the same work on every path; a throttled success is thrown away.
          const identity = yield* local
            .authenticate({ login, password: credential.password })
            .pipe(Effect.catchTag("ProviderRefused", () => Effect.fail(invalidCredentials)))
          if (throttled) return yield* Effect.fail(invalidCredentials)
          const accountId = identity.subject as AccountId
          yield* admitted(accountId)
          return yield* openSession(accountId)
        }),
      ).pipe(
        Effect.tapBoth({
          onSuccess: () => IdentityMetrics.countSignIn(LOCAL_PROVIDER),
          onFailure: (error) => IdentityMetrics.countSignIn(LOCAL_PROVIDER, error),
        }),
        Tracing.withSpan("Identity.signIn", { captureStackTrace: false }),
      )
    }

    const linkFirstSignIn = (provider: string, subject: string, accountId: AccountId) =>
      Effect.gen(function* () {
        const now = yield* DateTime.now
        yield* workspace
          .system("sign-in")
          .handle({ _tag: "LinkExternalIdentity", accountId, provider, subject }, { occurredAt: now })
          .pipe(
            // The store's failures stay what they are; a refusal of the link (another identity of the
            // provider on the account, EduConnect for a teacher, a subject too long) says why.
            Effect.catchAll(
              (error): Effect.Effect<never, StoreFailure | IdentityNotLinked> =>
                isStoreFailure(error)
                  ? Effect.fail(error)
                  : Effect.fail(new IdentityNotLinked({ provider, reason: "LinkRefused", message: error.message })),
            ),
          )
      })

    /** The account a provider's designation names for an identity no account holds yet (BR-ACC-10). */
    const designatedAccount = (identity: ExternalIdentity) =>
      Effect.gen(function* () {
        const designation = options.linking?.[identity.provider]
        const designated =
          designation === undefined
            ? undefined
            : yield* Effect.provideService(designation.designate(identity), Authorization, authorization)
        if (designated === undefined) {
          return yield* new IdentityNotLinked({
            provider: identity.provider,
            reason: "NoDesignatedAccount",
            message: `No account of this ENT is linked to this ${identity.provider} identity: ask your school's administrator / Aucun compte de l'ENT n'est rattaché à cette identité ${identity.provider} : contactez l'administrateur de votre établissement`,
          })
        }
        return designated
      })

    const signInWith: Identity.Service["signInWith"] = (provider, credential, request) =>
      guarded(undefined, request, (throttled) =>
        Effect.gen(function* () {
          const identity = yield* provider.authenticate(credential)
          if (throttled) return yield* Effect.fail(invalidCredentials)
          const linked: AccountId | undefined =
            identity.provider === LOCAL_PROVIDER
              ? (identity.subject as AccountId)
              : yield* authorization.identityHolder(identity.provider, identity.subject)
          const accountId = linked ?? (yield* designatedAccount(identity))
          // Judged before a first sign-in links anything: a blocked account takes no new identity.
          yield* admitted(accountId)
          if (linked === undefined) yield* linkFirstSignIn(identity.provider, identity.subject, accountId)
          return yield* openSession(accountId)
        }),
      ).pipe(
        Effect.tapBoth({
          onSuccess: () => IdentityMetrics.countSignIn(provider.id),
          onFailure: (error) => IdentityMetrics.countSignIn(provider.id, error),
        }),
        Tracing.withSpan("Identity.signInWith", { captureStackTrace: false, attributes: { provider: provider.id } }),
      )

    /** The account holding a login, or none (also for a string no login can be). */
    const holderOf = (login: string) =>
      isLogin(login) ? authorization.loginHolder(login) : Effect.succeed<AccountId | undefined>(undefined)

    /**
     * The one shape of the flows that prove the holder with a code or a token and set
     * a password: under the throttle, the login's holder read and the new password
     * hashed on every path (an unknown login or a throttled attempt takes as long as a
     * wrong code), then the Account's command as the holder, then a session.
     */
    const proveAndSetPassword = (
      login: string,
      request: RequestInfo,
      password: Redacted.Redacted<string>,
      command: (
        holder: AccountId,
        passwordHash: Redacted.Redacted<Credentials.PasswordHash>,
        now: DateTime.Utc,
      ) => Account.AccountCommand,
    ) =>
      guarded(login, request, (throttled) =>
        Effect.gen(function* () {
          const holder = yield* holderOf(login)
          const passwordHash = yield* hasher.hash(password)
          if (throttled || holder === undefined) return yield* Effect.fail(invalidCredentials)
          const now = yield* DateTime.now
          yield* asInvalidCredentials(
            router.handleTyped(command(holder, Redacted.make(passwordHash), now), { occurredAt: now, actor: holder }),
          )
          return yield* openSession(holder)
        }),
      )

    const activate: Identity.Service["activate"] = (input, request) =>
      Effect.gen(function* () {
        const fields = yield* decodeActivation(input)
        const login = normaliseLogin(fields.login)
        return yield* proveAndSetPassword(login, request, fields.password, (accountId, passwordHash) => ({
          _tag: "ActivateAccount",
          accountId,
          login: login as Credentials.Login,
          activationCode: fields.activationCode,
          password: fields.password,
          passwordHash,
          charterAccepted: fields.charterAccepted,
          email: fields.email,
          ...(fields.mobile === undefined ? {} : { mobile: fields.mobile }),
        }))
      }).pipe(Tracing.withSpan("Identity.activate", { captureStackTrace: false }))

    const renew: Identity.Service["renew"] = (input, request) =>
      Effect.gen(function* () {
        const fields = yield* decodeRenewal(input)
        const login = normaliseLogin(fields.login)
        return yield* proveAndSetPassword(login, request, fields.password, (accountId, passwordHash) => ({
          _tag: "RenewPassword",
          accountId,
          login: login as Credentials.Login,
          renewalCode: fields.renewalCode,
          password: fields.password,
          passwordHash,
        }))
      }).pipe(Tracing.withSpan("Identity.renew", { captureStackTrace: false }))

    /** The address on file of an account, when there is one to write to. */
    const emailOf = (accountId: AccountId) =>
      Effect.map(
        Effect.provideService(CommandHandler.load(Account.aggregate, accountId), EventStore, eventStore),
        ({ state }) => Account.emailOnFile(state),
      )

    const requestRecovery: Identity.Service["requestRecovery"] = (input, _request) =>
      Effect.gen(function* () {
        const fields = yield* decodeRecoveryRequest(input)
        const recovery = options.recovery
        const login = normaliseLogin(fields.login)
        const now = yield* DateTime.now
        // At most a few e-mails per login and window: a flood of requests sends no flood of mail.
        const asked = yield* store.recordFailure(THROTTLE_RECOVERY, digest(login), now, throttle.window)
        const holder = yield* holderOf(login)
        if (recovery === undefined || holder === undefined || asked > RECOVERY_REQUESTS) return
        const token = randomToken()
        const expiresAt = DateTime.addDuration(now, Duration.decode(recoveryTtl))
        const requested = yield* Effect.either(
          router.handleTyped(
            {
              _tag: "RequestPasswordRecovery",
              accountId: holder,
              login: login as Credentials.Login,
              tokenDigest: digest(token),
              expiresAt,
            },
            { occurredAt: now, actor: holder },
          ),
        )
        // Refused (no address, not activated, blocked): the same silence as an unknown login.
        if (Either.isLeft(requested)) {
          if (requested.left._tag === "AccountRejected") return
          return yield* Effect.fail(requested.left)
        }
        const email = yield* emailOf(holder)
        if (email === undefined) return
        yield* mailer
          .send({
            to: email,
            subject: "Password recovery / Réinitialisation du mot de passe",
            text: [
              // The link stands for the configured time, not always an hour: the mail says until when.
              `To choose a new password, open this link once, before ${until(expiresAt)}:`,
              `Pour choisir un nouveau mot de passe, ouvrez ce lien une fois, avant le ${until(expiresAt)} :`,
              "",
              recovery.link(token),
              "",
              "If you did not ask for it, ignore this message. / Si vous n'avez rien demandé, ignorez ce message.",
            ].join("\n"),
          })
          .pipe(
            Effect.catchTag("MailError", (error) =>
              Effect.logWarning("The recovery e-mail could not be sent", { reason: error.reason }),
            ),
          )
      }).pipe(Tracing.withSpan("Identity.requestRecovery", { captureStackTrace: false }))

    const recover: Identity.Service["recover"] = (input, request) =>
      Effect.gen(function* () {
        const fields = yield* decodeRecovery(input)
        const login = normaliseLogin(fields.login)
        return yield* proveAndSetPassword(login, request, fields.password, (accountId, passwordHash, now) => ({
          _tag: "RecoverPassword",
          accountId,
          login: login as Credentials.Login,
          tokenDigest: digest(fields.token),
          recoveredAt: now,
          password: fields.password,
          passwordHash,
        }))
      }).pipe(Tracing.withSpan("Identity.recover", { captureStackTrace: false }))

    const sessionInvalid = new SessionInvalid({
      message: "The session is not valid: sign in again / Session invalide : reconnectez-vous",
    })

    const session: Identity.Service["session"] = (token) =>
      Effect.gen(function* () {
        if (typeof token !== "string" || token.length === 0 || token.length > 128) return yield* sessionInvalid
        const now = yield* DateTime.now
        const found = yield* store.get(SESSION, digest(token), now)
        if (Option.isNone(found)) return yield* sessionInvalid
        const accountId = found.value as AccountId
        // Blocked or deleted since sign-in: the session stops at once (BR-ACC-6).
        const signedIn = yield* authorization.signedIn(accountId)
        if (signedIn === undefined || refusedStates.has(signedIn.state)) return yield* sessionInvalid
        return accountId
      })

    const signOut: Identity.Service["signOut"] = (token) =>
      typeof token === "string" && token.length > 0 && token.length <= 128
        ? store.remove(SESSION, digest(token))
        : Effect.void

    return {
      signIn,
      signInWith,
      activate,
      renew,
      requestRecovery,
      recover,
      session,
      signOut,
    } satisfies Identity.Service
  })

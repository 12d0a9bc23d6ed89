/**
 * The local identity provider: a login (or alias) and a password against the
 * hash the Account's events keep (BR-ACC-4). Every attempt does the same work
 * whatever the outcome (BR-ACC-6): one read of the login's holder, one read of an
 * account stream (a stream that does not exist when the login is unknown), one
 * argon2 verification (against the hasher's dummy hash when there is no hash).
 * Only then is the answer chosen: the identity, or the one `InvalidCredentials`.
 *
 * A hash made with weaker parameters than the hasher's is upgraded after a
 * successful sign-in (`UpgradePasswordHash`, by the `sign-in` process); a failed
 * upgrade is logged and the sign-in stands.
 *
 * @since 0.1.0
 */
import * as Account from "@cartable/domain/Account"
import * as Actor from "@cartable/domain/Actor"
import * as Credentials from "@cartable/domain/Credentials"
import { AccountId } from "@cartable/domain/Ids"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import { EventStore } from "@cartable/eventlog/EventStore"
import { ExternalIdentity, LOCAL_PROVIDER } from "@cartable/identity/ExternalIdentity"
import { invalidCredentials } from "@cartable/identity/IdentityError"
import type { IdentityProvider } from "@cartable/identity/IdentityProvider"
import * as Local from "@cartable/identity/LocalProvider"
import { PasswordHasher } from "@cartable/identity/PasswordHasher"
import * as PersonalData from "@cartable/kernel/PersonalData"
import { Authorization } from "@cartable/read-models/Authorization"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

/**
 * The stream read when the login has no holder: the same read as for an account. Were an
 * account ever given this id, the attempt would still be refused: there is no holder.
 */
const NO_ACCOUNT = AccountId.make("no such account")

const isLogin = Schema.is(Credentials.Login)

/** A login as typed (capitals and spaces aside); anything no login can be reads as the empty key. */
const keyOf = (login: unknown) => {
  const key = typeof login === "string" && login.length <= 256 ? Local.normaliseLogin(login) : ""
  return isLogin(key) ? key : ""
}

/** What the holder read looks up for a string no login can be: the same read, no holder. */
const NO_LOGIN = "-"

/**
 * Builds the provider over the account stream reads, the Authorization facts and
 * the hasher.
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<
  IdentityProvider<Local.PasswordCredential>,
  never,
  EventStore | Authorization | PasswordHasher
> = Effect.gen(function* () {
  const hasher = yield* PasswordHasher
  const authorization = yield* Authorization
  const store = yield* EventStore
  const router = yield* CommandRouter.make({ Account: Account.aggregate })

  const upgrade = (accountId: AccountId, previous: string, credential: Local.PasswordCredential) =>
    Effect.gen(function* () {
      const passwordHash = yield* hasher.hash(credential.password)
      const occurredAt = yield* DateTime.now
      yield* router.handleTyped(
        {
          _tag: "UpgradePasswordHash",
          actor: Actor.system("sign-in"),
          accountId,
          previousHash: Redacted.make(previous as never),
          passwordHash: Redacted.make(passwordHash),
        },
        { occurredAt },
      )
    }).pipe(
      Effect.catchAll((error) => Effect.logWarning("The password hash could not be upgraded", { error: error._tag })),
      Effect.provideService(EventStore, store),
    )

  const authenticate = (credential: Local.PasswordCredential) =>
    Effect.gen(function* () {
      const login = keyOf(credential.login)
      // Read on every path, also for a string no login can be (no holder then): the same work.
      const found = yield* authorization.loginHolder(login === "" ? NO_LOGIN : login)
      const holder = login === "" ? undefined : found
      const streamId = holder ?? NO_ACCOUNT
      const { state } = yield* Effect.provideService(
        CommandHandler.load(Account.aggregate, streamId),
        EventStore,
        store,
      )
      const hash =
        holder !== undefined &&
        state._tag === "Account" &&
        state.passwordHash !== undefined &&
        !PersonalData.isErased(state.passwordHash)
          ? state.passwordHash
          : undefined
      const password = Redacted.isRedacted(credential.password) ? credential.password : Redacted.make("")
      const verified = yield* hasher.verify(hash ?? hasher.dummyHash, password)
      // Decided only now, after the same work: a blocked, (pre-)deleted or unknown account, or a wrong
      // password, are one answer (BR-ACC-6).
      if (holder === undefined || hash === undefined || !verified || !Account.canLogIn(state, login)) {
        return yield* Effect.fail(invalidCredentials)
      }
      if (hasher.needsRehash(hash)) yield* upgrade(holder, hash, { login, password })
      return new ExternalIdentity({ provider: LOCAL_PROVIDER, subject: holder, attributes: {} })
    }).pipe(
      // A store that fails is not a wrong password: it surfaces as a defect of the provider (its port has
      // no error for it), logged with its cause.
      Effect.catchTags({ EventStoreError: Effect.die, ReadModelError: Effect.die }),
      Effect.withSpan("LocalProvider.authenticate", { captureStackTrace: false }),
    )

  return { id: LOCAL_PROVIDER, authenticate }
})

/**
 * The provider under identity's {@link Local.LocalProvider} Tag, which the
 * sign-in flow asks for.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<Local.LocalProvider, never, EventStore | Authorization | PasswordHasher> = Layer.effect(
  Local.LocalProvider,
  make,
)

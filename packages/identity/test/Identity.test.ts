/**
 * The identity flows against DOMAIN.md: activation (BR-ACC-2, BR-ACC-3), renewal
 * (BR-ACC-5), recovery by e-mail (BR-ACC-4), the one answer of a refused sign-in
 * (BR-ACC-6), throttling, sessions, and the first sign-in through an external
 * provider (BR-ACC-10). Oracles come from the rules, not from the code.
 */
import { AccountId } from "@cartable/domain/Ids"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { ExternalIdentity } from "../src/ExternalIdentity.ts"
import * as Identity from "../src/Identity.ts"
import { INVALID_CREDENTIALS_MESSAGE, invalidCredentials } from "../src/IdentityError.ts"
import type { IdentityProvider } from "../src/IdentityProvider.ts"
import * as Mailer from "../src/Mailer.ts"
import { activate, activation, context, ids, logins, request, setup, stack } from "./fixtures.ts"

/**
 * The one refusal of BR-ACC-6: equal to the library's value, with its one text and no other field
 * (a failure in a span is wrapped by Effect to carry the span, so the identity is checked by Equal).
 */
const assertRefused = (error: unknown) => {
  assert.isTrue(Equal.equals(error, invalidCredentials), `not the one refusal: ${String(error)}`)
  assert.strictEqual((error as { message?: unknown }).message, INVALID_CREDENTIALS_MESSAGE)
  assert.deepStrictEqual(Object.keys(error as object), Object.keys(invalidCredentials))
}

const signIn = (login: string, password: string, from = request) =>
  Effect.flatMap(Identity.Identity, (identity) => identity.signIn({ login, password: Redacted.make(password) }, from))

/** The whole log, as the tests compare it before and after an attempt. */
const logSize = Effect.flatMap(EventStore.EventStore, (store) =>
  Effect.map(store.readAll(0, 100_000), (events) => events.length),
)

const accountEvents = (accountId: string) =>
  Effect.flatMap(EventStore.EventStore, (store) =>
    Effect.map(store.readStream(StreamName.make("Account", accountId)), (events) => events.map((event) => event.type)),
  )

const feed = Effect.map(Workspace.Workspace, (workspace) => workspace.system("aaf-import"))

const withStack = (options: Identity.Options = {}) => Effect.provide(stack(options))

describe("Identity: activation (BR-ACC-2, BR-ACC-3)", () => {
  it.effect("BR-ACC-3 first login with the code opens a session on the account; the code stops working at once", () =>
    Effect.gen(function* () {
      yield* setup
      const identity = yield* Identity.Identity
      const session = yield* activate("pupil", "Cartable-2026")
      assert.strictEqual(session.accountId, ids.pupil)
      assert.strictEqual(yield* identity.session(Redacted.value(session.token)), ids.pupil)
      assert.include(yield* accountEvents(ids.pupil), "AccountActivated")
      // BR-ACC-4: the password is nobody's to read: the log holds its argon2id hash, never the password.
      const recorded = yield* Effect.flatMap(EventStore.EventStore, (store) =>
        store.readStream(StreamName.make("Account", ids.pupil)),
      )
      assert.notInclude(JSON.stringify(recorded), "Cartable-2026")
      // The holder acted, proving himself with his code: the log says so (the feed provisioned him).
      assert.deepStrictEqual(
        recorded.map((event) => [event.type, event.metadata.actor]),
        [
          ["AccountProvisioned", "system:aaf-import"],
          ["AccountActivated", ids.pupil],
        ],
      )
      assert.match(JSON.stringify(recorded), /\$argon2id\$v=19\$/)
      // BR-ACC-2: the code is spent.
      const again = yield* Effect.flip(identity.activate(activation("pupil", "Autre-2026"), request))
      assertRefused(again)
      // The chosen password opens the account.
      assert.strictEqual((yield* signIn(logins.pupil, "Cartable-2026")).accountId, ids.pupil)
    }).pipe(withStack()),
  )

  it.effect(
    "BR-ACC-2 two concurrent activations with the same code: exactly one succeeds, one activation is recorded",
    () =>
      Effect.gen(function* () {
        yield* setup
        const identity = yield* Identity.Identity
        const outcomes = yield* Effect.all(
          [
            Effect.either(identity.activate(activation("relative", "Premier-2026"), request)),
            Effect.either(identity.activate(activation("relative", "Second-2026"), { clientAddress: "198.51.100.2" })),
          ],
          { concurrency: 2 },
        )
        assert.strictEqual(outcomes.filter(Either.isRight).length, 1)
        const events = yield* accountEvents(ids.relative)
        assert.strictEqual(events.filter((type) => type === "AccountActivated").length, 1)
        // The winner's password is the one that opens the account, the loser's does not.
        const winner = outcomes[0]._tag === "Right" ? "Premier-2026" : "Second-2026"
        const loser = winner === "Premier-2026" ? "Second-2026" : "Premier-2026"
        assert.strictEqual((yield* signIn(logins.relative, winner)).accountId, ids.relative)
        assertRefused(yield* Effect.flip(signIn(logins.relative, loser)))
      }).pipe(withStack()),
  )

  it.effect(
    "BR-ACC-3 the policy, the charter and the e-mail are checked after the code; a bad code says nothing more",
    () =>
      Effect.gen(function* () {
        yield* setup
        const identity = yield* Identity.Identity
        const before = yield* logSize
        const weak = yield* Effect.flip(identity.activate(activation("teacher", "faible"), request))
        assert.strictEqual(weak._tag, "AccountRejected")
        assert.strictEqual(weak._tag === "AccountRejected" && weak.ruleId, "BR-ACC-3")
        const noCharter = yield* Effect.flip(
          identity.activate(activation("teacher", "Solide-2026", { charterAccepted: false }), request),
        )
        assert.strictEqual(noCharter._tag === "AccountRejected" && noCharter.reason, "CharterNotAccepted")
        // A wrong code with a weak password: the code is judged first, as a wrong password.
        const wrongCode = yield* Effect.flip(
          identity.activate(activation("teacher", "faible", { activationCode: "aaaaaaaa" }), request),
        )
        assertRefused(wrongCode)
        assert.strictEqual(yield* logSize, before)
      }).pipe(withStack()),
  )

  it.effect("password edges: empty, 10 KB and unicode; each typed, none leaves an event behind unless accepted", () =>
    Effect.gen(function* () {
      yield* setup
      const identity = yield* Identity.Identity
      const before = yield* logSize
      const empty = yield* Effect.flip(identity.activate(activation("teacher", ""), request))
      assert.strictEqual(empty._tag, "AccountRejected")
      const huge = yield* Effect.flip(identity.activate(activation("teacher", "Aa1".repeat(3_414)), request))
      assert.strictEqual(huge._tag, "InvalidCommand")
      assert.include(huge._tag === "InvalidCommand" ? huge.message : "", "password")
      assert.strictEqual(yield* logSize, before)
      // Letters of any script count (BR-ACC-3: a lowercase, an uppercase, a digit or special character).
      const session = yield* identity.activate(activation("teacher", "Éléphant-ß9"), request)
      assert.strictEqual(session.accountId, ids.teacher)
      assert.strictEqual((yield* signIn(logins.teacher, "Éléphant-ß9")).accountId, ids.teacher)
      // The same letters in another Unicode form are another password.
      assertRefused(yield* Effect.flip(signIn(logins.teacher, "E\u0301le\u0301phant-ß9")))
    }).pipe(withStack()),
  )
})

describe("Identity: one answer for every refusal (BR-ACC-6)", () => {
  it.effect(
    "BR-ACC-6 wrong password, unknown login, blocked, pre-deleted, deleted, injected logins: the very same error",
    () =>
      Effect.gen(function* () {
        yield* setup
        for (const who of ["pupil", "relative", "teacher", "staff"] as const) yield* activate(who, "Cartable-2026")
        const system = yield* feed
        yield* system.handle({ _tag: "BlockAccount", accountId: ids.relative }, context)
        yield* system.handle({ _tag: "PreDeleteAccount", accountId: ids.teacher }, context)
        yield* system.handle({ _tag: "PreDeleteAccount", accountId: ids.staff }, context)
        yield* system.handle({ _tag: "DeleteAccount", accountId: ids.staff }, context)
        const before = yield* logSize
        const attempts = [
          signIn(logins.pupil, "Mauvais-2026"),
          signIn("personne.inconnue", "Cartable-2026"),
          signIn(logins.relative, "Cartable-2026"),
          signIn(logins.teacher, "Cartable-2026"),
          signIn(logins.staff, "Cartable-2026"),
          signIn("' OR 1=1 --", "Cartable-2026"),
          signIn(`${logins.pupil}\u0000`, "Cartable-2026"),
          signIn("x".repeat(100_000), "Cartable-2026"),
          signIn("", ""),
        ]
        for (const attempt of attempts) {
          const error = yield* Effect.flip(attempt)
          assertRefused(error)
          assert.strictEqual(error.message, INVALID_CREDENTIALS_MESSAGE)
        }
        assert.strictEqual(yield* logSize, before)
        // Unblocking restores access at once (BR-ACC-6); capitals and spaces around a login are the login.
        yield* system.handle({ _tag: "UnblockAccount", accountId: ids.relative }, context)
        assert.strictEqual(
          (yield* signIn(` ${logins.relative.toUpperCase()} `, "Cartable-2026")).accountId,
          ids.relative,
        )
      }).pipe(withStack({ throttle: { maxFailuresPerLogin: 100, maxFailuresPerAddress: 100, window: "1 hour" } })),
  )
})

describe("Identity: throttling", () => {
  it.effect(
    "after the policy's failures for a login, even the right password fails as a wrong one, until the window ends",
    () =>
      Effect.gen(function* () {
        yield* setup
        yield* activate("pupil", "Cartable-2026")
        for (let n = 0; n < 3; n++) {
          assertRefused(yield* Effect.flip(signIn(logins.pupil, "Mauvais")))
        }
        assertRefused(yield* Effect.flip(signIn(logins.pupil, "Cartable-2026")))
        // Another login from the same address is not throttled by this login's failures.
        yield* activate("relative", "Cartable-2026")
        assert.strictEqual((yield* signIn(logins.relative, "Cartable-2026")).accountId, ids.relative)
        yield* TestClock.adjust("10 minutes")
        assert.strictEqual((yield* signIn(logins.pupil, "Cartable-2026")).accountId, ids.pupil)
      }).pipe(withStack({ throttle: { maxFailuresPerLogin: 3, maxFailuresPerAddress: 100, window: "10 minutes" } })),
  )

  it.effect(
    "after the policy's failures from one address, every login from it fails; another address still signs in",
    () =>
      Effect.gen(function* () {
        yield* setup
        yield* activate("pupil", "Cartable-2026")
        const attacker = { clientAddress: "192.0.2.66" }
        for (const login of ["a.b", "c.d", "e.f", "g.h"]) {
          assertRefused(yield* Effect.flip(signIn(login, "x", attacker)))
        }
        assertRefused(yield* Effect.flip(signIn(logins.pupil, "Cartable-2026", attacker)))
        assert.strictEqual((yield* signIn(logins.pupil, "Cartable-2026")).accountId, ids.pupil)
      }).pipe(withStack({ throttle: { maxFailuresPerLogin: 100, maxFailuresPerAddress: 4, window: "10 minutes" } })),
  )

  it.effect(
    "codes are throttled too: a guessed activation code after the limit fails, the code itself still stands",
    () =>
      Effect.gen(function* () {
        yield* setup
        const identity = yield* Identity.Identity
        for (const guess of ["aaaaaaaa", "bbbbbbbb"]) {
          const error = yield* Effect.flip(
            identity.activate(activation("pupil", "Cartable-2026", { activationCode: guess }), request),
          )
          assertRefused(error)
        }
        const right = yield* Effect.flip(identity.activate(activation("pupil", "Cartable-2026"), request))
        assertRefused(right)
        assert.notInclude(yield* accountEvents(ids.pupil), "AccountActivated")
        yield* TestClock.adjust("1 hour")
        assert.strictEqual((yield* activate("pupil", "Cartable-2026")).accountId, ids.pupil)
      }).pipe(withStack({ throttle: { maxFailuresPerLogin: 2, maxFailuresPerAddress: 100, window: "1 hour" } })),
  )
})

describe("Identity: sessions", () => {
  it.effect("a forged, closed or expired token, or one of an account blocked since, is SessionInvalid", () =>
    Effect.gen(function* () {
      yield* setup
      const identity = yield* Identity.Identity
      const session = yield* activate("pupil", "Cartable-2026")
      const token = Redacted.value(session.token)
      for (const forged of ["", "x", token.slice(0, -1), `${token}x`, ids.pupil, "a".repeat(10_000)]) {
        assert.strictEqual((yield* Effect.flip(identity.session(forged)))._tag, "SessionInvalid")
      }
      assert.strictEqual(yield* identity.session(token), ids.pupil)
      const system = yield* feed
      yield* system.handle({ _tag: "BlockAccount", accountId: ids.pupil }, context)
      assert.strictEqual((yield* Effect.flip(identity.session(token)))._tag, "SessionInvalid")
      yield* system.handle({ _tag: "UnblockAccount", accountId: ids.pupil }, context)
      assert.strictEqual(yield* identity.session(token), ids.pupil)
      yield* identity.signOut(token)
      assert.strictEqual((yield* Effect.flip(identity.session(token)))._tag, "SessionInvalid")
      const next = Redacted.value((yield* signIn(logins.pupil, "Cartable-2026")).token)
      yield* TestClock.adjust("2 hours")
      assert.strictEqual((yield* Effect.flip(identity.session(next)))._tag, "SessionInvalid")
    }).pipe(withStack({ sessionTtl: "2 hours" })),
  )
})

describe("Identity: renewal (BR-ACC-4, BR-ACC-5)", () => {
  it.effect("BR-ACC-5 a renewal code replaces the password once; the old password and the code stop working", () =>
    Effect.gen(function* () {
      yield* setup
      const identity = yield* Identity.Identity
      yield* activate("pupil", "Ancien-2026")
      // BR-ACC-5: an administrator issues the code (here the platform's, appointed by the install).
      const workspace = yield* Workspace.Workspace
      yield* workspace.system("install").handle({ _tag: "AppointPlatformAdministrator", accountId: ids.staff }, context)
      yield* workspace.handle(
        ids.staff,
        { _tag: "IssuePasswordRenewalCode", accountId: ids.pupil, renewalCode: "3d3nbrm8" },
        context,
      )
      // BR-ACC-4: once a renewal code is issued, the previous password no longer opens the account.
      assertRefused(yield* Effect.flip(signIn(logins.pupil, "Ancien-2026")))
      const renewal = { login: logins.pupil, renewalCode: "3d3nbrm8", password: "Nouveau-2026" }
      const weak = yield* Effect.flip(identity.renew({ ...renewal, password: "faible" }, request))
      assert.strictEqual(weak._tag === "AccountRejected" && weak.ruleId, "BR-ACC-5")
      assert.strictEqual((yield* identity.renew(renewal, request)).accountId, ids.pupil)
      assertRefused(yield* Effect.flip(identity.renew(renewal, request)))
      assert.strictEqual((yield* signIn(logins.pupil, "Nouveau-2026")).accountId, ids.pupil)
    }).pipe(withStack()),
  )
})

describe("Identity: recovery by e-mail (BR-ACC-4)", () => {
  const tokenOf = (text: string) => /token=([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? ""
  const options: Identity.Options = {
    recovery: { link: (token) => `https://ent.example.org/recover?token=${token}`, ttl: "1 hour" },
  }

  it.effect("BR-ACC-4 the e-mail's token sets a new password once, before it expires", () =>
    Effect.gen(function* () {
      yield* setup
      const identity = yield* Identity.Identity
      const outbox = yield* Mailer.Outbox
      yield* activate("pupil", "Oublie-2026")
      yield* identity.requestRecovery({ login: logins.pupil }, request)
      const [mail] = yield* outbox.sent
      assert.strictEqual(mail?.to, "pupil@example.org")
      // The test clock starts at the epoch; the token stands for the configured hour.
      assert.include(mail?.text, "before 1970-01-01 01:00 UTC")
      const token = tokenOf(mail?.text ?? "")
      assert.lengthOf(token, 43)
      // The log keeps the token's digest only.
      const events = yield* Effect.flatMap(EventStore.EventStore, (store) =>
        store.readStream(StreamName.make("Account", ids.pupil)),
      )
      assert.notInclude(JSON.stringify(events), token)
      const recovery = { login: logins.pupil, token, password: "Retrouve-2026" }
      assert.strictEqual((yield* identity.recover(recovery, request)).accountId, ids.pupil)
      assertRefused(yield* Effect.flip(identity.recover(recovery, request)))
      assert.strictEqual((yield* signIn(logins.pupil, "Retrouve-2026")).accountId, ids.pupil)
      // A second token, used after its hour: a wrong password.
      yield* identity.requestRecovery({ login: logins.pupil }, request)
      const second = tokenOf((yield* outbox.sent)[1]?.text ?? "")
      yield* TestClock.adjust("1 hour")
      assertRefused(
        yield* Effect.flip(identity.recover({ ...recovery, token: second, password: "Encore-2026" }, request)),
      )
    }).pipe(withStack(options)),
  )

  it.effect("BR-ACC-4 BR-ACC-6 an unknown, inactive or blocked login gets the same silence and no e-mail", () =>
    Effect.gen(function* () {
      yield* setup
      const identity = yield* Identity.Identity
      const outbox = yield* Mailer.Outbox
      yield* activate("relative", "Cartable-2026")
      yield* (yield* feed).handle({ _tag: "BlockAccount", accountId: ids.relative }, context)
      const before = yield* logSize
      for (const login of ["personne.inconnue", logins.pupil, logins.relative]) {
        assert.isUndefined(yield* identity.requestRecovery({ login }, request))
      }
      assert.lengthOf(yield* outbox.sent, 0)
      assert.strictEqual(yield* logSize, before)
    }).pipe(withStack(options)),
  )
})

describe("Identity: external providers (BR-ACC-10)", () => {
  /** A provider that vouches for whatever subject it is given, with the jointure id as attribute. */
  const fake = (id: string): IdentityProvider<{ readonly subject: string; readonly jointure?: string }> => ({
    id,
    authenticate: (credential) =>
      Effect.succeed(
        new ExternalIdentity({
          provider: id,
          subject: credential.subject,
          attributes: credential.jointure === undefined ? {} : { jointure: [credential.jointure] },
        }),
      ),
  })
  const linking = { linking: { EduConnect: Identity.byFeedId({ source: "AAF", attribute: "jointure" }) } }

  it.effect(
    "BR-ACC-10 the first sign-in links the identity to the account the feed designates; later ones find it",
    () =>
      Effect.gen(function* () {
        yield* setup
        const identity = yield* Identity.Identity
        const educonnect = fake("EduConnect")
        const first = yield* identity.signInWith(
          educonnect,
          { subject: "ec-42", jointure: `jointure-${ids.pupil}` },
          request,
        )
        assert.strictEqual(first.accountId, ids.pupil)
        assert.include(yield* accountEvents(ids.pupil), "ExternalIdentityLinked")
        const later = yield* identity.signInWith(educonnect, { subject: "ec-42" }, request)
        assert.strictEqual(later.accountId, ids.pupil)
        // No designation, no link: a clear refusal and nothing recorded.
        const before = yield* logSize
        const unknown = yield* Effect.flip(identity.signInWith(educonnect, { subject: "ec-404" }, request))
        assert.strictEqual(unknown._tag === "IdentityNotLinked" && unknown.reason, "NoDesignatedAccount")
        const unlinked = yield* Effect.flip(
          identity.signInWith(fake("academy-cas"), { subject: "x", jointure: `jointure-${ids.staff}` }, request),
        )
        assert.strictEqual(unlinked._tag, "IdentityNotLinked")
        // EduConnect is for pupils and parents (BR-ACC-10): a teacher's designation is refused with the reason.
        const teacher = yield* Effect.flip(
          identity.signInWith(educonnect, { subject: "ec-7", jointure: `jointure-${ids.teacher}` }, request),
        )
        assert.strictEqual(teacher._tag === "IdentityNotLinked" && teacher.reason, "LinkRefused")
        assert.strictEqual(yield* logSize, before)
        // A blocked account's identity signs in no more, as a wrong password.
        yield* (yield* feed).handle({ _tag: "BlockAccount", accountId: ids.pupil }, context)
        assertRefused(yield* Effect.flip(identity.signInWith(educonnect, { subject: "ec-42" }, request)))
      }).pipe(withStack(linking)),
  )

  it.effect("a session's account is the one the log links, never one a credential names", () =>
    Effect.gen(function* () {
      yield* setup
      const identity = yield* Identity.Identity
      const educonnect = fake("EduConnect")
      yield* identity.signInWith(educonnect, { subject: "ec-1", jointure: `jointure-${ids.pupil}` }, request)
      // The same subject with another account's jointure id: still the linked account.
      const session = yield* identity.signInWith(
        educonnect,
        { subject: "ec-1", jointure: `jointure-${ids.relative}` },
        request,
      )
      assert.strictEqual(session.accountId, ids.pupil)
      assert.strictEqual(yield* identity.session(Redacted.value(session.token)), AccountId.make(ids.pupil))
    }).pipe(withStack(linking)),
  )
})

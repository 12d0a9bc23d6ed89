/**
 * The password's hash and the recovery e-mail, as DOMAIN.md says: the password
 * is strictly personal, an administrator only resets it by issuing a renewal
 * code, and a user with an e-mail address on file recovers it by e-mail
 * (BR-ACC-4); a blocked, pre-deleted or deleted account gets the answer of a
 * wrong password (BR-ACC-6).
 */
import * as Account from "@cartable/domain/Account"
import * as Credentials from "@cartable/domain/Credentials"
import { AccountId } from "@cartable/domain/Ids"
import { fold } from "@cartable/kernel/Decider"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as AccountArbitraries from "@cartable/testing/AccountArbitraries"
import { given } from "@cartable/testing/DeciderSpec"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as FastCheck from "effect/FastCheck"
import * as Redacted from "effect/Redacted"

const { actors } = AccountArbitraries
const adminA = actors[0]!
const accountId = AccountId.make("pupil-1")
const login = Credentials.Login.make("marie.a")
const hash = Redacted.value(AccountArbitraries.passwordHash)
const otherHash = Redacted.value(AccountArbitraries.otherPasswordHash)
const [digest, otherDigest] = AccountArbitraries.tokenDigests as [Credentials.TokenDigest, Credentials.TokenDigest]
// From DOMAIN.md BR-ACC-6: a failed login reads exactly like a wrong password.
const wrongPassword = { ruleId: "BR-ACC-6", reason: "InvalidCredentials", message: "Wrong login or password" } as const
const sentAt = DateTime.unsafeMake("2026-09-14T08:00:00Z")
const expiresAt = DateTime.unsafeMake("2026-09-14T09:00:00Z")

type Event = Account.AccountEvent

const provisioned: Event = {
  _tag: "AccountProvisioned",
  accountId,
  profile: "Student",
  origin: { _tag: "Feed", source: "AAF", externalId: "jointure-1" },
  structureId: AccountArbitraries.ids.schools[0]!,
  login,
  firstName: "Marie",
  lastName: "Arnaud",
  activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
}
const activated = (email: string): Event => ({
  _tag: "AccountActivated",
  accountId,
  charterAccepted: true,
  email,
  passwordHash: hash,
})
const requested: Event = { _tag: "PasswordRecoveryRequested", accountId, tokenDigest: digest, expiresAt }
const active = [provisioned, activated("marie.a@example.org")]

const request = (overrides: Partial<Extract<Account.AccountCommand, { _tag: "RequestPasswordRecovery" }>> = {}) =>
  ({
    _tag: "RequestPasswordRecovery",
    accountId,
    login,
    tokenDigest: digest,
    expiresAt,
    ...overrides,
  }) as Account.AccountCommand
const recover = (overrides: Partial<Extract<Account.AccountCommand, { _tag: "RecoverPassword" }>> = {}) =>
  ({
    _tag: "RecoverPassword",
    accountId,
    login,
    tokenDigest: digest,
    recoveredAt: sentAt,
    password: Redacted.make("Nouveau-2026"),
    passwordHash: AccountArbitraries.otherPasswordHash,
    ...overrides,
  }) as Account.AccountCommand
const stateOf = (history: ReadonlyArray<Event>) => fold(Account.aggregate, history) as Account.Account

describe("Account: the password's hash and its recovery", () => {
  it("BR-ACC-4 the hash of the password stands from activation; a renewal code takes it away; renewal, recovery and an upgrade replace it", () => {
    assert.strictEqual(stateOf([provisioned]).passwordHash, undefined)
    assert.strictEqual(stateOf(active).passwordHash, hash)
    const issued: Event = {
      _tag: "PasswordRenewalCodeIssued",
      accountId,
      renewalCode: Credentials.OneTimeCode.make("3d3nbrm8"),
      issuedBy: adminA.accountId,
    }
    // "An administrator can only reset it": the previous password no longer opens the account.
    assert.strictEqual(stateOf([...active, issued]).passwordHash, undefined)
    assert.strictEqual(
      stateOf([...active, issued, { _tag: "PasswordRenewed", accountId, passwordHash: otherHash }]).passwordHash,
      otherHash,
    )
    const recovered = stateOf([
      ...active,
      issued,
      requested,
      { _tag: "PasswordRecovered", accountId, passwordHash: otherHash },
    ])
    assert.strictEqual(recovered.passwordHash, otherHash)
    // One way of setting a password closes the others: the standing renewal code and the token go.
    assert.strictEqual(recovered.renewalCode, undefined)
    assert.strictEqual(recovered.recovery, undefined)
    assert.strictEqual(
      stateOf([...active, { _tag: "PasswordHashUpgraded", accountId, passwordHash: otherHash }]).passwordHash,
      otherHash,
    )
    const erased = stateOf([
      ...active,
      requested,
      { _tag: "AccountPreDeleted", accountId },
      { _tag: "AccountDeleted", accountId },
      { _tag: "AccountDataErased", accountId },
    ])
    assert.strictEqual(erased.passwordHash, PersonalData.ERASED)
    assert.strictEqual(erased.recovery, undefined)
  })

  it.prop(
    "BR-ACC-4 a recovery e-mail is sent only for an activated account with an address on file, with the token's digest",
    [FastCheck.boolean(), FastCheck.boolean()],
    ([isActivated, withEmail]) => {
      const history: ReadonlyArray<Event> = isActivated
        ? [provisioned, activated("marie.a@example.org")]
        : [provisioned]
      const withAddress = withEmail
        ? [
            ...history,
            {
              _tag: "AccountIdentityUpdated",
              accountId,
              firstName: "Marie",
              lastName: "Arnaud",
              email: "marie.a@example.org",
            } as const,
          ]
        : history
      const spec = given(Account.aggregate, withAddress).when(request())
      // Activation records an address (BR-ACC-3): an activated account always has one.
      if (!isActivated) spec.thenRejects({ ruleId: "BR-ACC-4", reason: "InvalidState" })
      else spec.then([requested])
    },
  )

  it("BR-ACC-4 a recovery needs an address on file: none once erased, none before it was given", () => {
    const noAddress = { ...stateOf(active), email: undefined }
    const decision = Account.decide(request(), noAddress)
    assert.ok(decision._tag === "Left")
    assert.strictEqual(decision.left.reason, "NoEmail")
    const erasedAddress = { ...stateOf(active), email: PersonalData.ERASED }
    const erased = Account.decide(request(), erasedAddress)
    assert.ok(erased._tag === "Left")
    assert.strictEqual(erased.left.reason, "NoEmail")
  })

  it.prop(
    "BR-ACC-4 the token works before its expiry, to the millisecond, and once",
    // The edges to the millisecond, then anywhere in the hour around the expiry.
    [FastCheck.oneof(FastCheck.constantFrom(-1, 0, 1), FastCheck.integer({ min: -3_600_000, max: 3_600_000 }))],
    ([offset]) => {
      const at = DateTime.add(expiresAt, { millis: offset })
      const spec = given(Account.aggregate, [...active, requested]).when(recover({ recoveredAt: at }))
      // Written from the rule: the token stands strictly before expiresAt.
      if (offset < 0) {
        spec.then([{ _tag: "PasswordRecovered", accountId, passwordHash: otherHash }])
        given(Account.aggregate, [
          ...active,
          requested,
          { _tag: "PasswordRecovered", accountId, passwordHash: otherHash },
        ])
          .when(recover({ recoveredAt: at }))
          .thenRejects(wrongPassword)
      } else {
        spec.thenRejects(wrongPassword)
      }
    },
  )

  it("BR-ACC-4 only the newest token works, with its own digest; a new password meets the policy", () => {
    const newer: Event = { ...requested, tokenDigest: otherDigest } as Event
    given(Account.aggregate, [...active, requested, newer])
      .when(recover())
      .thenRejects(wrongPassword)
    given(Account.aggregate, [...active, requested, newer])
      .when(recover({ tokenDigest: otherDigest }))
      .then([{ _tag: "PasswordRecovered", accountId, passwordHash: otherHash }])
    given(Account.aggregate, [...active, requested])
      .when(recover({ password: Redacted.make("faible") }))
      .thenRejects({ ruleId: "BR-ACC-4", reason: "PasswordPolicy" })
    given(Account.aggregate, [...active])
      .when(recover())
      .thenRejects(wrongPassword)
  })

  it.prop(
    "BR-ACC-6 BR-ACC-4 a blocked, pre-deleted, deleted or unknown account, or another login, asks and recovers as a wrong password",
    [FastCheck.constantFrom("blocked", "preDeleted", "deleted", "absent", "otherLogin")],
    ([kind]) => {
      const history: ReadonlyArray<Event> =
        kind === "absent"
          ? []
          : kind === "blocked"
            ? [...active, requested, { _tag: "AccountBlocked", accountId, blockedBy: adminA.accountId }]
            : kind === "preDeleted"
              ? [...active, requested, { _tag: "AccountPreDeleted", accountId }]
              : kind === "deleted"
                ? [
                    ...active,
                    requested,
                    { _tag: "AccountPreDeleted", accountId },
                    { _tag: "AccountDeleted", accountId },
                  ]
                : [...active, requested]
      const as = kind === "otherLogin" ? { login: Credentials.Login.make("lucas.martin") } : {}
      given(Account.aggregate, history).when(request(as)).thenRejects(wrongPassword)
      given(Account.aggregate, history).when(recover(as)).thenRejects(wrongPassword)
    },
  )

  it.prop(
    "BR-ACC-4 only the sign-in process upgrades a hash, and only the hash it verified",
    [FastCheck.constantFrom(...actors), FastCheck.boolean()],
    ([actor, sameHash]) => {
      const upgrade: Account.AccountCommand = {
        _tag: "UpgradePasswordHash",
        actor,
        accountId,
        previousHash: sameHash ? AccountArbitraries.passwordHash : AccountArbitraries.otherPasswordHash,
        passwordHash: AccountArbitraries.otherPasswordHash,
      }
      const spec = given(Account.aggregate, active).when(upgrade)
      const isSystem = actor.roles.some((role) => role._tag === "System")
      if (!isSystem) spec.thenRejects({ ruleId: "BR-ACC-4", reason: "NotAuthorized" })
      else if (sameHash) spec.then([{ _tag: "PasswordHashUpgraded", accountId, passwordHash: otherHash }])
      // The password changed since the sign-in verified it: the newer password's hash stands.
      else spec.then([])
    },
  )
})

import * as Account from "@cartable/domain/Account"
import type * as Actor from "@cartable/domain/Actor"
import * as Credentials from "@cartable/domain/Credentials"
import { AccountId } from "@cartable/domain/Ids"
import { fold } from "@cartable/kernel/Decider"
import * as AccountArbitraries from "@cartable/testing/AccountArbitraries"
import * as Arbitraries from "@cartable/testing/Arbitraries"
import * as DeciderLaws from "@cartable/testing/DeciderLaws"
import { given, run } from "@cartable/testing/DeciderSpec"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

const { ids, actors } = AccountArbitraries
const schoolA = ids.schools[0]!
const schoolB = ids.schools[1]!
const adminA = actors[0]!
const adminB = actors[1]!
const feed = actors[3]!
const teacherA = actors[4]!
const pupilId = AccountId.make("pupil-1")
const code = Credentials.OneTimeCode.make("3n6g8fmj")
const login = Credentials.Login.make("marie.a")

const provisioned = (profile: Account.Profile, overrides: Partial<Account.AccountEvent> = {}): Account.AccountEvent =>
  ({
    _tag: "AccountProvisioned",
    accountId: pupilId,
    profile,
    origin: { _tag: "Feed", source: "AAF", externalId: "jointure-1" },
    structureId: schoolA,
    login,
    firstName: "Marie",
    lastName: "Arnaud",
    activationCode: code,
    ...overrides,
  }) as Account.AccountEvent

const activation = (overrides: Partial<typeof Account.ActivateAccount.Type> = {}): Account.AccountCommand => ({
  _tag: "ActivateAccount",
  accountId: pupilId,
  login,
  activationCode: code,
  password: Redacted.make("Secret1"),
  passwordHash: AccountArbitraries.passwordHash,
  charterAccepted: true,
  email: "marie.a@example.org",
  ...overrides,
})

const activated: Account.AccountEvent = {
  _tag: "AccountActivated",
  accountId: pupilId,
  charterAccepted: true,
  email: "marie.a@example.org",
  passwordHash: Redacted.value(AccountArbitraries.passwordHash),
}

const profileArb = AccountArbitraries.profile
// On a fresh log the login and the feed person are free: no holder (BR-ACC-8, BR-ACC-10 have their own tests).
// The provisioning alone: what it may bring (e-mail, schooling, links) has its own test.
const provisionArb = Arbitraries.fromSchema(Account.ProvisionAccount, { structureId: FastCheck.constant(schoolA) }).map(
  ({
    loginHolder: _login,
    feedHolder: _feed,
    pupils: _pupils,
    email: _email,
    schooling: _schooling,
    links: _links,
    ...command
  }) => command,
)
const lifecycleSteps = ["activate", "block", "unblock", "preDelete", "restore", "delete"] as const
const vendor = actors[2]!
const codeArb = Arbitraries.fromSchema(Credentials.OneTimeCode)
// From DOMAIN.md BR-ACC-1: pupils (Élève), relatives (Parent) and teachers come from the feeds.
const feedOnly: ReadonlyArray<Account.Profile> = ["Student", "Relative", "Teacher"]
// From DOMAIN.md BR-ACC-6: a failed login reads exactly like a wrong password.
const wrongPassword = { ruleId: "BR-ACC-6", reason: "InvalidCredentials", message: "Wrong login or password" } as const
// E-mail candidates and whether a person would call them an address.
const emailCandidates: ReadonlyArray<readonly [string, boolean]> = [
  ["marie.a@example.org", true],
  ["m.arnaud+ent@ac-nancy-metz.fr", true],
  ["marie.a", false],
  ["marie@example", false],
  ["marie a@example.org", false],
  ["@example.org", false],
  ["marie.a@", false],
  ["", false],
]

const renewalCode = Credentials.OneTimeCode.make("3d3nbrm8")
const renewalIssued = (code: Credentials.OneTimeCode): Account.AccountEvent => ({
  _tag: "PasswordRenewalCodeIssued",
  accountId: pupilId,
  renewalCode: code,
  issuedBy: AccountId.make("admin-a"),
})
const renew = (code: string, password: string): Account.AccountCommand => ({
  _tag: "RenewPassword",
  accountId: pupilId,
  login,
  renewalCode: code,
  password: Redacted.make(password),
  passwordHash: AccountArbitraries.otherPasswordHash,
})

DeciderLaws.suite(Account.aggregate, { commands: AccountArbitraries.commands })

describe("Account rules", () => {
  it.prop(
    "BR-ACC-1 feed profiles are never created by hand, other profiles are, marked manual",
    [provisionArb, profileArb],
    ([command, profile]) => {
      const manual = { ...command, profile, origin: { _tag: "Manual" as const }, actor: adminA }
      const spec = given(Account.aggregate).when(manual)
      if (feedOnly.includes(profile)) {
        spec.thenRejects({
          ruleId: "BR-ACC-1",
          reason: "ManualCreationRefused",
          message: `${profile} accounts come from the directory feeds and are never created by hand`,
        })
      } else {
        const { state } = spec.accepted()
        assert.strictEqual(state._tag === "Account" && state.origin._tag, "Manual")
      }
      const fromFeed = given(Account.aggregate).when({
        ...command,
        profile,
        actor: feed,
        origin: { _tag: "Feed", source: "AAF", externalId: "x" },
      })
      assert.ok(Either.isRight(fromFeed.decision), "every profile may come from a feed")
      assert.deepStrictEqual([...Account.feedProfiles].sort(), [...feedOnly].sort())
    },
  )

  it.prop(
    "BR-ACC-2 a new account is inactive, its code shown until activation, never after, and it opens the account once",
    [provisionArb, codeArb],
    ([command, otherCode]) => {
      const fromFeed = { ...command, actor: feed, origin: { _tag: "Feed" as const, source: "AAF", externalId: "j1" } }
      const { state, events } = given(Account.aggregate).when(fromFeed).accepted()
      assert.ok(state._tag === "Account")
      assert.strictEqual(Account.statusOf(state), "inactive")
      assert.isFalse(Account.isActive(state))
      assert.strictEqual(Account.visibleActivationCode(state), command.activationCode)
      const activate = activation({
        accountId: command.accountId,
        login: command.login,
        activationCode: command.activationCode,
      })
      if (otherCode !== command.activationCode) {
        given(Account.aggregate, events)
          .when({ ...activate, activationCode: otherCode } as Account.AccountCommand)
          .thenRejects(wrongPassword)
      }
      const after = given(Account.aggregate, events).when(activate).accepted()
      assert.ok(after.state._tag === "Account" && after.state.activationCode === undefined)
      assert.isUndefined(Account.visibleActivationCode(after.state))
      assert.ok(Account.isActive(after.state))
      given(Account.aggregate, [...events, ...after.events])
        .when(activate)
        .thenRejects(wrongPassword)
    },
  )

  it.prop(
    "BR-ACC-3 activation needs the policy's password, the charter and an e-mail, says what is missing, records the hash and never the password",
    [AccountArbitraries.passwordCandidate, FastCheck.boolean(), FastCheck.constantFrom(...emailCandidates)],
    ([candidate, charterAccepted, [email, isAddress]]) => {
      const { password, classes } = candidate
      const spec = given(Account.aggregate, [provisioned("Student")]).when(
        activation({ password: Redacted.make(password), charterAccepted, email }),
      )
      const lacks = [
        ...(candidate.length < 6 ? ["at least 6 characters"] : []),
        ...(classes.has("lowercase") ? [] : ["a lowercase letter"]),
        ...(classes.has("uppercase") ? [] : ["an uppercase letter"]),
        ...(classes.has("digit") || classes.has("special") ? [] : ["a digit or a special character"]),
      ]
      if (lacks.length > 0) {
        spec.thenRejects({
          ruleId: "BR-ACC-3",
          reason: "PasswordPolicy",
          message: `The password needs ${lacks.join(", ")}`,
        })
      } else if (!charterAccepted) {
        spec.thenRejects({
          ruleId: "BR-ACC-3",
          reason: "CharterNotAccepted",
          message: "The charter must be accepted to activate the account",
        })
      } else if (!isAddress) {
        spec.thenRejects({ ruleId: "BR-ACC-3", reason: "InvalidEmail", message: `"${email}" is not an e-mail address` })
      } else {
        const { events } = spec.accepted()
        const passwordHash = Redacted.value(AccountArbitraries.passwordHash)
        assert.deepStrictEqual(events, [
          { _tag: "AccountActivated", accountId: pupilId, charterAccepted: true, email, passwordHash },
        ])
        assert.notInclude(JSON.stringify(events), password)
      }
    },
  )

  it.prop(
    "BR-ACC-3 an optional mobile number is recorded trimmed, and a blank one not at all",
    [
      FastCheck.constantFrom<readonly [string | undefined, string | undefined]>(
        [undefined, undefined],
        ["", undefined],
        ["   ", undefined],
        ["+33 6 12 34 56 78", "+33 6 12 34 56 78"],
        [" 0612345678 ", "0612345678"],
      ),
    ],
    ([[mobile, recorded]]) => {
      given(Account.aggregate, [provisioned("Relative")])
        .when(activation(mobile === undefined ? {} : { mobile }))
        .then([{ ...activated, ...(recorded === undefined ? {} : { mobile: recorded }) } as Account.AccountEvent])
    },
  )

  it.prop(
    "BR-ACC-3 a distribution's stricter policy is enforced at activation and renewal",
    [FastCheck.integer({ min: 6, max: 14 }), AccountArbitraries.passwordCandidate],
    ([minLength, candidate]) => {
      const strict = Account.makeAggregate({ passwordPolicy: { ...Credentials.defaultPasswordPolicy, minLength } })
      const password = `Ab1${candidate.password}`
      const long = [...password].length >= minLength
      const spec = given(strict, [provisioned("Student")]).when(activation({ password: Redacted.make(password) }))
      if (long) spec.accepted()
      else spec.thenRejects({ ruleId: "BR-ACC-3", message: `The password needs at least ${minLength} characters` })
      const renewal = given(strict, [provisioned("Student"), activated, renewalIssued(renewalCode)]).when(
        renew(renewalCode, password),
      )
      if (long) renewal.accepted()
      else renewal.thenRejects({ ruleId: "BR-ACC-5", reason: "PasswordPolicy" })
    },
  )

  it.prop(
    "BR-ACC-4 no event ever holds a password in clear, through activation and renewal",
    [
      AccountArbitraries.passwordCandidate,
      AccountArbitraries.passwordCandidate,
      FastCheck.constantFrom(adminA, teacherA, vendor),
    ],
    ([first, second, issuer]) => {
      const firstPassword = `Aa1xyz${first.password}`
      const secondPassword = `Bb2xyz${second.password}`
      const flow: ReadonlyArray<Account.AccountCommand> = [
        activation({ password: Redacted.make(firstPassword) }),
        {
          _tag: "IssuePasswordRenewalCode",
          actor: issuer,
          accountId: pupilId,
          renewalCode,
          pupilClassIds: [ids.classes[0]!],
        },
        renew(renewalCode, secondPassword),
      ]
      const { events, steps } = run(Account.aggregate, flow, fold(Account.aggregate, [provisioned("Student")]))
      assert.ok(steps.every((step) => Either.isRight(step.decision)))
      assert.deepStrictEqual(
        events.map((event) => event._tag),
        ["AccountActivated", "PasswordRenewalCodeIssued", "PasswordRenewed"],
      )
      const stored = JSON.stringify(events.map((event) => Schema.encodeSync(Account.AccountEvent)(event)))
      assert.notInclude(stored, firstPassword)
      assert.notInclude(stored, secondPassword)
    },
  )

  it.prop("BR-ACC-4 random histories never record a password", [AccountArbitraries.commands], ([commands]) => {
    const { events } = run(Account.aggregate, commands)
    const encoded = JSON.stringify(events.map((event) => Schema.encodeSync(Account.AccountEvent)(event)))
    for (const password of [...ids.validPasswords, ...ids.invalidPasswords]) assert.notInclude(encoded, password)
  })

  it.prop(
    "BR-ACC-5 a renewal code works once, only the newest one works, and only after activation",
    [FastCheck.uniqueArray(codeArb, { minLength: 1, maxLength: 4 }), FastCheck.constantFrom(adminA, vendor, teacherA)],
    ([codes, issuer]) => {
      const issue = (code: Credentials.OneTimeCode): Account.AccountCommand => ({
        _tag: "IssuePasswordRenewalCode",
        actor: issuer,
        accountId: pupilId,
        renewalCode: code,
        pupilClassIds: [ids.classes[0]!],
      })
      given(Account.aggregate, [provisioned("Student")])
        .when(issue(codes[0]!))
        .thenRejects({
          ruleId: "BR-ACC-5",
          reason: "InvalidState",
          message: "The account is not activated yet: its activation code stands",
        })
      const issued = run(
        Account.aggregate,
        codes.map(issue),
        fold(Account.aggregate, [provisioned("Student"), activated]),
      )
      assert.strictEqual(issued.events.length, codes.length)
      const history = [provisioned("Student"), activated, ...issued.events]
      const newest = codes[codes.length - 1]!
      for (const older of codes.slice(0, -1)) {
        given(Account.aggregate, history).when(renew(older, "Secret1")).thenRejects(wrongPassword)
      }
      given(Account.aggregate, history)
        .when(renew(newest, "weak"))
        .thenRejects({ ruleId: "BR-ACC-5", reason: "PasswordPolicy" })
      const renewed = given(Account.aggregate, history)
        .when(renew(newest, "Secret1"))
        .then([
          {
            _tag: "PasswordRenewed",
            accountId: pupilId,
            passwordHash: Redacted.value(AccountArbitraries.otherPasswordHash),
          },
        ])
      assert.ok(renewed._tag === "Account" && renewed.renewalCode === undefined)
      assert.ok(renewed.passwordHash === Redacted.value(AccountArbitraries.otherPasswordHash))
      // The code is spent: the same code a second time is a wrong password (BR-ACC-4, BR-ACC-5).
      given(Account.aggregate, [...history, { _tag: "PasswordRenewed", accountId: pupilId }])
        .when(renew(newest, "Secret2"))
        .thenRejects(wrongPassword)
    },
  )

  it.prop(
    "BR-ACC-6 blocking the account or applications, then unblocking some: exactly what stays blocked stays blocked",
    [
      FastCheck.array(
        FastCheck.tuple(
          FastCheck.boolean(),
          FastCheck.option(FastCheck.constantFrom("messaging", "blog", "homework"), { nil: undefined }),
        ),
        { maxLength: 10 },
      ),
    ],
    ([steps]) => {
      // The model: the whole account's flag and the set of blocked applications.
      let whole = false
      const apps = new Set<string>()
      const commands = steps.map(([blocking, application]): Account.AccountCommand => {
        if (application === undefined) whole = blocking
        else if (blocking) apps.add(application)
        else apps.delete(application)
        return {
          _tag: blocking ? "BlockAccount" : "UnblockAccount",
          actor: adminA,
          accountId: pupilId,
          ...(application === undefined ? {} : { application }),
        }
      })
      const {
        state,
        events,
        steps: decided,
      } = run(Account.aggregate, commands, fold(Account.aggregate, [provisioned("Teacher")]))
      assert.ok(decided.every((step) => Either.isRight(step.decision)))
      assert.ok(state._tag === "Account")
      assert.strictEqual(state.blocked, whole)
      assert.deepStrictEqual([...state.blockedApplications].sort(), [...apps].sort())
      for (const application of ["messaging", "blog", "homework"]) {
        assert.strictEqual(Account.isBlockedFor(state, application), whole || apps.has(application))
      }
      assert.strictEqual(Account.statusOf(state), whole ? "blocked" : "inactive")
      const signIn = given(Account.aggregate, [provisioned("Teacher"), ...events]).when(activation()).decision
      if (whole) {
        assert.deepStrictEqual(signIn, Either.left(Account.invalidCredentials))
        const { ruleId, reason, message } = Account.invalidCredentials
        assert.deepStrictEqual({ ruleId, reason, message }, { ...wrongPassword })
        assert.deepStrictEqual(Account.checkLogin(state, login), Either.left(Account.invalidCredentials))
      } else {
        assert.ok(Either.isRight(signIn), "blocking applications leaves the login open")
        assert.ok(Either.isRight(Account.checkLogin(state, login)))
      }
    },
  )

  it.prop(
    "BR-ACC-7 relatives and accompanying adults: links, flag changes and unlinks leave exactly the links the feed sent",
    [
      FastCheck.array(
        FastCheck.tuple(
          FastCheck.constantFrom(...["p1", "p2", "p3"].map((id) => AccountId.make(id))),
          FastCheck.option(
            FastCheck.record({
              legalAuthority: FastCheck.boolean(),
              financial: FastCheck.boolean(),
              contact: FastCheck.boolean(),
            }),
            { nil: undefined, freq: 4 },
          ),
          FastCheck.option(FastCheck.constantFrom(...Account.AccompanyingKind.literals), { nil: undefined, freq: 3 }),
        ),
        { maxLength: 12 },
      ),
    ],
    ([steps]) => {
      const relative = AccountId.make("relative-1")
      const links = new Map<AccountId, Account.RelativeLink>()
      const accompanied = new Map<AccountId, Account.AccompanyingKind>()
      let expectedEvents = 0
      const commands = steps.flatMap(([pupil, flags, kind]): ReadonlyArray<Account.AccountCommand> => {
        const base = { actor: feed, accountId: relative }
        const current = links.get(pupil)
        const link = flags === undefined ? undefined : { pupilId: pupil, ...flags }
        if (link === undefined) {
          if (current !== undefined) expectedEvents++
          links.delete(pupil)
        } else {
          const same =
            current !== undefined &&
            current.legalAuthority === link.legalAuthority &&
            current.financial === link.financial &&
            current.contact === link.contact
          if (!same) expectedEvents++
          links.set(pupil, link)
        }
        const currentKind = accompanied.get(pupil)
        if (kind === undefined) {
          if (currentKind !== undefined) expectedEvents++
          accompanied.delete(pupil)
        } else {
          if (currentKind !== kind) expectedEvents++
          accompanied.set(pupil, kind)
        }
        return [
          link === undefined
            ? { _tag: "UnlinkRelative", ...base, pupilId: pupil }
            : { _tag: "LinkRelative", ...base, link, pupilProfile: "Student", pupilRelatives: [] },
          kind === undefined
            ? { _tag: "UnlinkAccompanyingAdult", ...base, pupilId: pupil }
            : { _tag: "LinkAccompanyingAdult", ...base, pupilId: pupil, kind, pupilProfile: "Student" },
        ]
      })
      const { state, events } = run(
        Account.aggregate,
        commands,
        Account.evolve(Account.initialState, provisioned("Relative", { accountId: relative } as never)),
      )
      assert.ok(state._tag === "Account")
      assert.strictEqual(events.length, expectedEvents, "no event when a link is sent unchanged")
      assert.deepStrictEqual(
        [...state.relativeOf].sort((a, b) => a.pupilId.localeCompare(b.pupilId)),
        [...links.values()].sort((a, b) => a.pupilId.localeCompare(b.pupilId)),
      )
      assert.deepStrictEqual(
        [...state.accompanies].sort((a, b) => a.pupilId.localeCompare(b.pupilId)),
        [...accompanied]
          .map(([pupilId, kind]) => ({ pupilId, kind }))
          .sort((a, b) => a.pupilId.localeCompare(b.pupilId)),
      )
      const link = { pupilId: AccountId.make("p1"), legalAuthority: true, financial: false, contact: true }
      given(Account.aggregate, [provisioned("Teacher")])
        .when({
          _tag: "LinkRelative",
          actor: feed,
          accountId: pupilId,
          link,
          pupilProfile: "Student",
          pupilRelatives: [],
        })
        .thenRejects({ ruleId: "BR-ACC-7", reason: "InvalidLink" })
      given(Account.aggregate, [provisioned("Relative")])
        .when({
          _tag: "LinkRelative",
          actor: feed,
          accountId: pupilId,
          link: { ...link, pupilId },
          pupilProfile: "Student",
          pupilRelatives: [],
        })
        .thenRejects({ ruleId: "BR-ACC-7", reason: "InvalidLink", message: "An account cannot be its own relative" })
      given(Account.aggregate, [provisioned("Student")])
        .when({
          _tag: "LinkAccompanyingAdult",
          actor: feed,
          accountId: pupilId,
          pupilId: AccountId.make("p1"),
          kind: "AESH",
        })
        .thenRejects({ ruleId: "BR-ACC-7", reason: "InvalidLink" })
    },
  )

  it.prop(
    "BR-ACC-8 a pupil who moves keeps his account, login, codes and links: only his schools change",
    [
      FastCheck.subarray(["activate", "alias", "renewal", "identity", "block"] as const),
      FastCheck.constantFrom(adminB, feed, vendor),
    ],
    ([done, mover]) => {
      const byStep = {
        activate: [activated],
        alias: [{ _tag: "LoginAliasSet", accountId: pupilId, alias: Credentials.Login.make("marie.arnaud") }],
        renewal: [renewalIssued(renewalCode)],
        identity: [{ _tag: "ExternalIdentityLinked", accountId: pupilId, provider: "EduConnect", subject: "ec-1" }],
        block: [{ _tag: "AccountBlocked", accountId: pupilId, application: "messaging", blockedBy: adminA.accountId }],
      } as const satisfies Record<(typeof done)[number], ReadonlyArray<Account.AccountEvent>>
      const history: ReadonlyArray<Account.AccountEvent> = [
        provisioned("Student"),
        ...done.flatMap((step): ReadonlyArray<Account.AccountEvent> => byStep[step]),
      ]
      given(Account.aggregate, history)
        .when({
          _tag: "ProvisionAccount",
          actor: feed,
          accountId: pupilId,
          profile: "Student",
          origin: { _tag: "Feed", source: "AAF", externalId: "another-person" },
          structureId: schoolB,
          login: Credentials.Login.make("marie.a2"),
          firstName: "Marie",
          lastName: "Arnaud",
          activationCode: Credentials.OneTimeCode.make("3d3nbrm8"),
        })
        .thenRejects({ ruleId: "BR-ACC-8", reason: "AlreadyExists" })
      const before = fold(Account.aggregate, history)
      const { state } = given(Account.aggregate, history)
        .when({ _tag: "AttachAccountToStructure", actor: mover, accountId: pupilId, structureId: schoolB })
        .accepted()
      assert.ok(state._tag === "Account" && before._tag === "Account")
      assert.deepStrictEqual(state.structureIds, [schoolA, schoolB])
      assert.deepStrictEqual({ ...state, structureIds: before.structureIds }, before)
      const left = given(Account.aggregate, [
        ...history,
        { _tag: "AccountAttachedToStructure", accountId: pupilId, structureId: schoolB },
      ])
        .when({ _tag: "DetachAccountFromStructure", actor: feed, accountId: pupilId, structureId: schoolA })
        .accepted().state
      assert.ok(left._tag === "Account")
      assert.deepStrictEqual(left.structureIds, [schoolB])
    },
  )

  it.prop(
    "BR-ACC-9 deletion follows pre-deletion, erasure follows deletion",
    [
      FastCheck.array(
        FastCheck.constantFrom(
          ...(["PreDeleteAccount", "RestoreAccount", "DeleteAccount", "EraseAccountData"] as const),
        ),
        { maxLength: 8 },
      ),
    ],
    ([steps]) => {
      let model: "None" | "PreDeleted" | "Deleted" | "Erased" = "None"
      let history: ReadonlyArray<Account.AccountEvent> = [provisioned("Teacher")]
      for (const step of steps) {
        const spec = given(Account.aggregate, history).when({ _tag: step, actor: adminA, accountId: pupilId })
        const expected =
          step === "PreDeleteAccount"
            ? model === "None" || model === "PreDeleted"
            : step === "RestoreAccount"
              ? model === "PreDeleted"
              : step === "DeleteAccount"
                ? model !== "None"
                : model === "Deleted" || model === "Erased"
        assert.strictEqual(Either.isRight(spec.decision), expected, `${step} from ${model}`)
        if (Either.isRight(spec.decision)) {
          history = [...history, ...spec.decision.right]
          if (step === "PreDeleteAccount") model = "PreDeleted"
          if (step === "RestoreAccount") model = "None"
          if (step === "DeleteAccount" && model === "PreDeleted") model = "Deleted"
          if (step === "EraseAccountData") model = "Erased"
        }
      }
    },
  )

  it.prop(
    "BR-ACC-10 a login alias opens the account until removed; EduConnect is for pupils and parents only",
    [profileArb, FastCheck.constantFrom("EduConnect", "Pronote", "CAS", "educonnect")],
    ([profile, provider]) => {
      const history = [provisioned(profile)]
      const alias = Credentials.Login.make("marie.arnaud")
      given(Account.aggregate, history)
        .when({ _tag: "SetLoginAlias", actor: adminA, accountId: pupilId, alias: login })
        .thenRejects({ ruleId: "BR-ACC-10", reason: "InvalidLink", message: "The alias must differ from the login" })
      const set = given(Account.aggregate, history)
        .when({ _tag: "SetLoginAlias", actor: adminA, accountId: pupilId, alias })
        .accepted()
      assert.ok(Either.isRight(Account.checkLogin(set.state, alias)))
      assert.ok(Either.isRight(Account.checkLogin(set.state, login)))
      assert.ok(Either.isLeft(Account.checkLogin(set.state, "marie.other")))
      const removed = given(Account.aggregate, [...history, ...set.events])
        .when({
          _tag: "RemoveLoginAlias",
          actor: pupilId === adminA.accountId ? adminA : { accountId: pupilId, roles: [] },
          accountId: pupilId,
        })
        .accepted().state
      assert.deepStrictEqual(Account.checkLogin(removed, alias), Either.left(Account.invalidCredentials))
      assert.ok(Either.isRight(Account.checkLogin(removed, login)))
      const link = given(Account.aggregate, history).when({
        _tag: "LinkExternalIdentity",
        actor: feed,
        accountId: pupilId,
        provider,
        subject: "ext-42",
      })
      if (provider === "EduConnect" && profile !== "Student" && profile !== "Relative") {
        link.thenRejects({
          ruleId: "BR-ACC-10",
          reason: "InvalidLink",
          message: "EduConnect identities are for pupils and parents only",
        })
      } else {
        const { events } = link.accepted()
        const linked = [...history, ...events]
        given(Account.aggregate, linked)
          .when({ _tag: "LinkExternalIdentity", actor: feed, accountId: pupilId, provider, subject: "ext-42" })
          .then([])
        given(Account.aggregate, linked)
          .when({ _tag: "LinkExternalIdentity", actor: feed, accountId: pupilId, provider, subject: "ext-43" })
          .thenRejects({ ruleId: "BR-ACC-10", reason: "IdentityConflict" })
        const unlinked = given(Account.aggregate, linked)
          .when({ _tag: "UnlinkExternalIdentity", actor: feed, accountId: pupilId, provider })
          .then([{ _tag: "ExternalIdentityUnlinked", accountId: pupilId, provider }])
        assert.ok(unlinked._tag === "Account" && unlinked.externalIdentities.length === 0)
        given(Account.aggregate, [...linked, { _tag: "ExternalIdentityUnlinked", accountId: pupilId, provider }])
          .when({ _tag: "LinkExternalIdentity", actor: feed, accountId: pupilId, provider, subject: "ext-43" })
          .accepted()
      }
    },
  )

  it.prop(
    "BR-ACC-11 granted and revoked rights leave exactly the rights not revoked; pupils and relatives are never administrators",
    [
      profileArb,
      FastCheck.array(
        FastCheck.tuple(FastCheck.boolean(), FastCheck.constantFrom(...AccountArbitraries.scopes.schools)),
        {
          maxLength: 10,
        },
      ),
    ],
    ([profile, steps]) => {
      const staff = profile !== "Student" && profile !== "Relative"
      const rights = new Set<string>()
      let history: ReadonlyArray<Account.AccountEvent> = [provisioned(profile)]
      for (const [grant, structureId] of steps) {
        const spec = given(Account.aggregate, history).when({
          _tag: grant ? "GrantAdministratorRight" : "RevokeAdministratorRight",
          actor: vendor,
          accountId: pupilId,
          structureId,
        })
        if (grant && !staff) {
          spec.thenRejects({
            ruleId: "BR-ACC-11",
            reason: "InvalidState",
            message: "Pupils and relatives cannot be administrators",
          })
          continue
        }
        const changes = grant ? !rights.has(structureId) : rights.has(structureId)
        if (grant) rights.add(structureId)
        else rights.delete(structureId)
        const { events } = spec.accepted()
        assert.strictEqual(events.length, changes ? 1 : 0)
        history = [...history, ...events]
      }
      const state = fold(Account.aggregate, history)
      assert.ok(state._tag === "Account")
      assert.deepStrictEqual([...state.administratorOf].sort(), [...rights].sort())
      for (const structureId of AccountArbitraries.scopes.schools) {
        assert.strictEqual(Account.isAdministratorOf(state, structureId), rights.has(structureId))
      }
    },
  )

  it.prop(
    "BR-ACC-12 the status shown follows the lifecycle: inactive, active, blocked, pre-deleted",
    [
      FastCheck.array(FastCheck.constantFrom(...lifecycleSteps), {
        maxLength: 12,
      }),
    ],
    ([steps]) => {
      // An independent model of the lifecycle: what an administrator should see after these steps.
      let model = { activated: false, blocked: false, deletion: "None" as "None" | "PreDeleted" | "Deleted" }
      let state = fold(Account.aggregate, [provisioned("Teacher")])
      const base = { actor: adminA, accountId: pupilId }
      const commandOf = {
        activate: activation(),
        block: { _tag: "BlockAccount", ...base },
        unblock: { _tag: "UnblockAccount", ...base },
        preDelete: { _tag: "PreDeleteAccount", ...base },
        restore: { _tag: "RestoreAccount", ...base },
        delete: { _tag: "DeleteAccount", ...base },
      } as const satisfies Record<(typeof steps)[number], Account.AccountCommand>
      for (const step of steps) {
        const live = model.deletion === "None"
        if (step === "activate" && live && !model.blocked) model = { ...model, activated: true }
        if (step === "block" && live) model = { ...model, blocked: true }
        if (step === "unblock" && live) model = { ...model, blocked: false }
        if (step === "preDelete" && live) model = { ...model, deletion: "PreDeleted" }
        if (step === "restore" && model.deletion === "PreDeleted") model = { ...model, deletion: "None" }
        if (step === "delete" && model.deletion === "PreDeleted") model = { ...model, deletion: "Deleted" }
        state = run(Account.aggregate, [commandOf[step]], state).state
      }
      const expected =
        model.deletion === "Deleted"
          ? "deleted"
          : model.deletion === "PreDeleted"
            ? "preDeleted"
            : model.blocked
              ? "blocked"
              : model.activated
                ? "active"
                : "inactive"
      assert.ok(state._tag === "Account")
      assert.strictEqual(Account.statusOf(state), expected)
      assert.strictEqual(Account.isActive(state), expected === "active")
    },
  )

  it.prop(
    "BR-ACC-12 restoring a pre-deleted account gives it back as it was; meanwhile it neither logs in nor changes",
    [
      FastCheck.subarray(["activate", "block", "alias", "admin"] as const),
      FastCheck.constantFrom(adminA, feed, vendor),
    ],
    ([done, actor]) => {
      const byStep = {
        activate: [activated],
        block: [{ _tag: "AccountBlocked", accountId: pupilId, blockedBy: adminA.accountId }],
        alias: [{ _tag: "LoginAliasSet", accountId: pupilId, alias: Credentials.Login.make("marie.arnaud") }],
        admin: [
          { _tag: "AdministratorRightGranted", accountId: pupilId, structureId: schoolA, grantedBy: vendor.accountId },
        ],
      } as const satisfies Record<(typeof done)[number], ReadonlyArray<Account.AccountEvent>>
      const history: ReadonlyArray<Account.AccountEvent> = [
        provisioned("Personnel"),
        ...done.flatMap((step): ReadonlyArray<Account.AccountEvent> => byStep[step]),
      ]
      const before = fold(Account.aggregate, history)
      const preDeleted = [...history, { _tag: "AccountPreDeleted", accountId: pupilId } as const]
      given(Account.aggregate, preDeleted).when(activation()).thenRejects(wrongPassword)
      given(Account.aggregate, preDeleted)
        .when({ _tag: "BlockAccount", actor, accountId: pupilId, application: "blog" })
        .thenRejects({
          ruleId: "BR-ACC-12",
          reason: "InvalidState",
          message: `Account ${pupilId} is pre-deleted: restore it first`,
        })
      const restored = given(Account.aggregate, preDeleted)
        .when({ _tag: "RestoreAccount", actor, accountId: pupilId })
        .then([{ _tag: "AccountRestored", accountId: pupilId }])
      assert.deepStrictEqual(restored, before)
    },
  )
})

describe("Account commands from outside", () => {
  it("a command that does not decode names the field", () => {
    const result = Schema.decodeUnknownEither(Account.AccountCommand)({
      _tag: "ProvisionAccount",
      actor: adminA satisfies Actor.Actor,
      accountId: "acc-9",
      profile: "Guest",
      origin: { _tag: "Manual" },
      structureId: "school-a",
      login: "Not A Login",
      firstName: "Ana",
      lastName: "Lopes",
      activationCode: "3n6g8fmj",
    })
    assert.ok(Either.isLeft(result))
    assert.include(String(result.left), "login")
  })
})

import * as Account from "@cartable/domain/Account"
import type * as Actor from "@cartable/domain/Actor"
import * as Credentials from "@cartable/domain/Credentials"
import { fold } from "@cartable/domain/Decider"
import { AccountId, GroupId, StructureId } from "@cartable/domain/Ids"
import * as PersonalData from "@cartable/domain/PersonalData"
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
const stranger = actors[6]!
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
  charterAccepted: true,
  email: "marie.a@example.org",
  ...overrides,
})

const activated: Account.AccountEvent = {
  _tag: "AccountActivated",
  accountId: pupilId,
  charterAccepted: true,
  email: "marie.a@example.org",
}

const profileArb = FastCheck.constantFrom<Account.Profile>("Student", "Relative", "Teacher", "Personnel", "Guest")
const provisionArb = Arbitraries.fromSchema(Account.ProvisionAccount, { structureId: FastCheck.constant(schoolA) })
const passwordArb = FastCheck.string({ minLength: 0, maxLength: 12 })
const lifecycleSteps = ["activate", "block", "unblock", "preDelete", "restore", "delete"] as const
const validPasswordArb = FastCheck.tuple(
  FastCheck.stringMatching(/^[a-z]{4,6}$/),
  FastCheck.stringMatching(/^[A-Z]{1,3}$/),
  FastCheck.stringMatching(/^[0-9!?#-]{1,3}$/),
).map((parts) => parts.join(""))

DeciderLaws.suite({
  aggregate: Account.aggregate,
  commands: AccountArbitraries.commands,
  Command: Account.AccountCommand as Schema.Schema<Account.AccountCommand, unknown>,
  Event: Account.AccountEvent as Schema.Schema<Account.AccountEvent, unknown>,
  events: Account.events,
})

describe("Account rules", () => {
  it.prop(
    "BR-ACC-1 feed profiles are never created by hand, other profiles are, marked manual",
    [provisionArb, profileArb],
    ([command, profile]) => {
      const manual = { ...command, profile, origin: { _tag: "Manual" as const }, actor: adminA }
      const spec = given(Account.aggregate).when(manual)
      if (Account.feedProfiles.includes(profile)) {
        spec.thenRejects({ ruleId: "BR-ACC-1", reason: "ManualCreationRefused" })
      } else {
        const { state } = spec.accepted()
        assert.strictEqual(state._tag === "Account" && state.origin._tag, "Manual")
      }
      given(Account.aggregate)
        .when({ ...command, origin: { _tag: "Manual" }, profile: "Guest", actor: stranger })
        .thenRejects({ ruleId: "BR-ACC-1", reason: "NotAuthorized" })
      given(Account.aggregate)
        .when({ ...command, actor: adminA, origin: { _tag: "Feed", source: "AAF", externalId: "x" } })
        .thenRejects({ ruleId: "BR-ACC-1", reason: "NotAuthorized" })
    },
  )

  it.prop(
    "BR-ACC-2 a new account is inactive and its code is visible until activation, never after",
    [provisionArb, FastCheck.constantFrom(...Credentials.CODE_ALPHABET.split(""))],
    ([command, _]) => {
      const fromFeed = { ...command, actor: feed, origin: { _tag: "Feed" as const, source: "AAF", externalId: "j1" } }
      const { state } = given(Account.aggregate).when(fromFeed).accepted()
      assert.ok(state._tag === "Account")
      assert.strictEqual(Account.statusOf(state), "inactive")
      assert.strictEqual(state.activationCode, command.activationCode)
      const after = given(Account.aggregate, [
        provisioned("Student", { activationCode: command.activationCode } as never),
      ])
        .when(activation({ activationCode: command.activationCode }))
        .accepted().state
      assert.ok(after._tag === "Account" && after.activationCode === undefined)
    },
  )

  it.prop(
    "BR-ACC-2 codes drawn from random bytes use the alphabet without look-alikes",
    [FastCheck.uint8Array({ minLength: 16, maxLength: 16 })],
    ([bytes]) => {
      const drawn = Credentials.codeFromBytes(bytes)
      if (drawn._tag === "Some") {
        assert.match(drawn.value, /^[a-z2-9]{8}$/)
        assert.notMatch(drawn.value, /[01ilo]/)
        assert.ok(Schema.is(Credentials.OneTimeCode)(drawn.value))
      }
    },
  )

  it.prop(
    "BR-ACC-3 activation needs the policy's password, the charter and an e-mail, and records no password",
    [passwordArb, FastCheck.boolean(), FastCheck.constantFrom("marie.a@example.org", "nope")],
    ([password, charterAccepted, email]) => {
      const spec = given(Account.aggregate, [provisioned("Student")]).when(
        activation({ password: Redacted.make(password), charterAccepted, email }),
      )
      const policyOk = Credentials.passwordViolations(Credentials.defaultPasswordPolicy, password).length === 0
      const strong =
        /\p{Ll}/u.test(password) && /\p{Lu}/u.test(password) && /[^\p{L}]/u.test(password) && [...password].length >= 6
      assert.strictEqual(policyOk, strong)
      if (!policyOk) spec.thenRejects({ ruleId: "BR-ACC-3", reason: "PasswordPolicy" })
      else if (!charterAccepted) spec.thenRejects({ ruleId: "BR-ACC-3", reason: "CharterNotAccepted" })
      else if (email === "nope") spec.thenRejects({ ruleId: "BR-ACC-3", reason: "InvalidEmail" })
      else {
        const { events } = spec.accepted()
        assert.strictEqual(events[0]?._tag, "AccountActivated")
        if (password.length > 0) assert.notInclude(JSON.stringify(events), password)
      }
    },
  )

  it.prop(
    "BR-ACC-3 a distribution's stricter policy is enforced",
    [FastCheck.constantFrom("Secret1", "Secret1-longer-pass")],
    ([password]) => {
      const strict = Account.makeAggregate({
        passwordPolicy: { ...Credentials.defaultPasswordPolicy, minLength: 12 },
      })
      const spec = given(strict, [provisioned("Student")]).when(activation({ password: Redacted.make(password) }))
      if (password.length < 12) spec.thenRejects({ ruleId: "BR-ACC-3", reason: "PasswordPolicy" })
      else spec.accepted()
    },
  )

  it.prop(
    "BR-ACC-4 no event ever holds a password in clear, through activation and renewal",
    [validPasswordArb, validPasswordArb, FastCheck.constantFrom(adminA, teacherA)],
    ([first, second, issuer]) => {
      const flow: ReadonlyArray<Account.AccountCommand> = [
        activation({ password: Redacted.make(first) }),
        {
          _tag: "IssuePasswordRenewalCode",
          actor: issuer,
          accountId: pupilId,
          renewalCode: Credentials.OneTimeCode.make("3d3nbrm8"),
          classId: ids.classes[0]!,
        },
        { _tag: "RenewPassword", accountId: pupilId, login, renewalCode: "3d3nbrm8", password: Redacted.make(second) },
      ]
      const { events, steps } = run(Account.aggregate, flow, fold(Account.aggregate, [provisioned("Student")]))
      assert.ok(steps.every((step) => Either.isRight(step.decision)))
      assert.deepStrictEqual(
        events.map((event) => event._tag),
        ["AccountActivated", "PasswordRenewalCodeIssued", "PasswordRenewed"],
      )
      const stored = JSON.stringify(events.map((event) => Schema.encodeSync(Account.AccountEvent)(event)))
      assert.notInclude(stored, first)
      assert.notInclude(stored, second)
    },
  )

  it.prop("BR-ACC-4 random histories never record a password", [AccountArbitraries.commands], ([commands]) => {
    const { events } = run(Account.aggregate, commands)
    const encoded = JSON.stringify(events.map((event) => Schema.encodeSync(Account.AccountEvent)(event)))
    for (const password of [...ids.validPasswords, ...ids.invalidPasswords]) assert.notInclude(encoded, password)
  })

  it.prop(
    "BR-ACC-5 a renewal code comes from an administrator or a teacher of the pupil's class, then a new password",
    [
      FastCheck.constantFrom(...actors),
      FastCheck.option(FastCheck.constantFrom(...ids.classes), { nil: undefined }),
      profileArb,
    ],
    ([actor, classId, profile]) => {
      const history = [provisioned(profile), activated]
      const command: Account.AccountCommand = {
        _tag: "IssuePasswordRenewalCode",
        actor,
        accountId: pupilId,
        renewalCode: Credentials.OneTimeCode.make("3d3nbrm8"),
        ...(classId === undefined ? {} : { classId }),
      }
      const isAdmin = actor === adminA || actor === actors[2]
      const isTeacherOfClass = actor === teacherA && profile === "Student" && classId === ids.classes[0]
      const spec = given(Account.aggregate, history).when(command)
      if (!isAdmin && !isTeacherOfClass) {
        spec.thenRejects({ ruleId: "BR-ACC-5", reason: "NotAuthorized" })
        return
      }
      const { events } = spec.accepted()
      const renewal = given(Account.aggregate, [...history, ...events])
      renewal
        .when({
          _tag: "RenewPassword",
          accountId: pupilId,
          login,
          renewalCode: "3d3nbrm8",
          password: Redacted.make("weak"),
        })
        .thenRejects({ ruleId: "BR-ACC-5", reason: "PasswordPolicy" })
      renewal
        .when({
          _tag: "RenewPassword",
          accountId: pupilId,
          login,
          renewalCode: "wrongcod",
          password: Redacted.make("Secret1"),
        })
        .thenRejects({ reason: "InvalidCredentials" })
      renewal
        .when({
          _tag: "RenewPassword",
          accountId: pupilId,
          login,
          renewalCode: "3d3nbrm8",
          password: Redacted.make("Secret1"),
        })
        .then([{ _tag: "PasswordRenewed", accountId: pupilId }])
    },
  )

  it.prop(
    "BR-ACC-6 a blocked account gets exactly the wrong-password rejection; unblocking restores access at once",
    [FastCheck.boolean()],
    ([wholeAccount]) => {
      const application = wholeAccount ? {} : { application: "messaging" }
      const blocked = given(Account.aggregate, [provisioned("Teacher")])
        .when({ _tag: "BlockAccount", actor: adminA, accountId: pupilId, ...application })
        .accepted()
      const history = [provisioned("Teacher"), ...blocked.events]
      const asBlocked = given(Account.aggregate, history).when(activation()).decision
      const wrongCode = given(Account.aggregate, [provisioned("Teacher")]).when(
        activation({ activationCode: "zzzzzzzz" }),
      ).decision
      if (wholeAccount) {
        assert.ok(Either.isLeft(asBlocked) && Either.isLeft(wrongCode))
        assert.deepStrictEqual({ ...asBlocked.left }, { ...wrongCode.left })
        assert.strictEqual(asBlocked.left.message, wrongCode.left.message)
        assert.ok(Either.isLeft(Account.checkLogin(blocked.state, login)))
      } else {
        assert.ok(Either.isRight(asBlocked), "blocking one application leaves the login open")
      }
      const unblocked = given(Account.aggregate, history)
        .when({ _tag: "UnblockAccount", actor: adminA, accountId: pupilId, ...application })
        .accepted()
      assert.ok(Either.isRight(Account.checkLogin(unblocked.state, login)))
      given(Account.aggregate, [provisioned("Teacher")])
        .when({ _tag: "BlockAccount", actor: stranger, accountId: pupilId })
        .thenRejects({ ruleId: "BR-ACC-6", reason: "NotAuthorized" })
    },
  )

  it.prop(
    "BR-ACC-7 one relative account for all his children, in one or several schools",
    [
      FastCheck.uniqueArray(FastCheck.constantFrom(...["p1", "p2", "p3", "p4"].map((id) => AccountId.make(id))), {
        minLength: 1,
      }),
    ],
    ([pupils]) => {
      const relative = AccountId.make("relative-1")
      const commands: ReadonlyArray<Account.AccountCommand> = pupils.map((pupil) => ({
        _tag: "LinkRelative",
        actor: feed,
        accountId: relative,
        link: { pupilId: pupil, legalAuthority: true, financial: false, contact: true },
      }))
      const { state } = run(
        Account.aggregate,
        commands,
        Account.evolve(Account.initialState, provisioned("Relative", { accountId: relative } as never)),
      )
      assert.ok(state._tag === "Account")
      assert.deepStrictEqual(
        state.relativeOf.map((link) => link.pupilId),
        pupils,
      )
      given(Account.aggregate, [provisioned("Teacher")])
        .when({ ...commands[0]!, accountId: pupilId } as Account.AccountCommand)
        .thenRejects({ ruleId: "BR-ACC-7", reason: "InvalidLink" })
      given(Account.aggregate, [provisioned("Personnel")])
        .when({
          _tag: "LinkAccompanyingAdult",
          actor: adminA,
          accountId: pupilId,
          pupilId: AccountId.make("p1"),
          kind: "AESH",
        })
        .accepted()
    },
  )

  it.prop("BR-ACC-8 a pupil who moves keeps his account, login and codes", [FastCheck.boolean()], ([wasActivated]) => {
    const history = wasActivated ? [provisioned("Student"), activated] : [provisioned("Student")]
    given(Account.aggregate, history)
      .when({
        ...Schema.decodeUnknownSync(Account.ProvisionAccount)({
          _tag: "ProvisionAccount",
          actor: { accountId: "system:aaf", roles: [{ _tag: "System", process: "aaf" }] },
          accountId: pupilId,
          profile: "Student",
          origin: { _tag: "Feed", source: "AAF", externalId: "j" },
          structureId: schoolB,
          login: "marie.a2",
          firstName: "Marie",
          lastName: "Arnaud",
          activationCode: "3d3nbrm8",
        }),
      })
      .thenRejects({ ruleId: "BR-ACC-8", reason: "AlreadyExists" })
    const before = fold(Account.aggregate, history)
    const { state } = given(Account.aggregate, history)
      .when({ _tag: "AttachAccountToStructure", actor: feed, accountId: pupilId, structureId: schoolB })
      .accepted()
    assert.ok(state._tag === "Account" && before._tag === "Account")
    assert.deepStrictEqual(state.structureIds, [schoolA, schoolB])
    assert.deepStrictEqual({ ...state, structureIds: before.structureIds }, before)
  })

  it.prop(
    "BR-ACC-9 deletion follows pre-deletion, erasure follows deletion, personal fields are marked",
    [
      FastCheck.array(
        FastCheck.constantFrom("PreDeleteAccount", "RestoreAccount", "DeleteAccount", "EraseAccountData"),
        { maxLength: 8 },
      ),
    ],
    ([steps]) => {
      let history: Array<Account.AccountEvent> = [provisioned("Teacher")]
      for (const step of steps) {
        const spec = given(Account.aggregate, history).when({
          _tag: step,
          actor: adminA,
          accountId: pupilId,
        } as Account.AccountCommand)
        const before = spec.state
        assert.ok(before._tag === "Account")
        const ok = Either.isRight(spec.decision)
        if (step === "DeleteAccount" && before.deletion === "None") assert.ok(!ok)
        if (step === "EraseAccountData" && before.deletion !== "Deleted") assert.ok(!ok)
        if (ok)
          history = [...history, ...(spec.decision as Either.Right<never, ReadonlyArray<Account.AccountEvent>>).right]
      }
      assert.deepStrictEqual(PersonalData.personalFields(Account.AccountProvisioned), {
        subjectField: "accountId",
        fields: ["login", "firstName", "lastName", "activationCode"],
      })
      assert.deepStrictEqual(PersonalData.personalFields(Account.AccountActivated).fields, ["email", "mobile"])
    },
  )

  it.prop(
    "BR-ACC-10 a login alias opens the account; EduConnect is for pupils and parents only",
    [profileArb, FastCheck.constantFrom("EduConnect", "Pronote", "CAS")],
    ([profile, provider]) => {
      const history = [provisioned(profile)]
      const alias = Credentials.Login.make("marie.arnaud")
      const { state } = given(Account.aggregate, history)
        .when({ _tag: "SetLoginAlias", actor: adminA, accountId: pupilId, alias })
        .accepted()
      assert.ok(Either.isRight(Account.checkLogin(state, alias)))
      const link = given(Account.aggregate, history).when({
        _tag: "LinkExternalIdentity",
        actor: feed,
        accountId: pupilId,
        provider,
        subject: "ext-42",
      })
      if (provider === "EduConnect" && profile !== "Student" && profile !== "Relative") {
        link.thenRejects({ ruleId: "BR-ACC-10", reason: "InvalidLink" })
      } else {
        const { events } = link.accepted()
        given(Account.aggregate, [...history, ...events])
          .when({ _tag: "LinkExternalIdentity", actor: feed, accountId: pupilId, provider, subject: "ext-43" })
          .thenRejects({ ruleId: "BR-ACC-10", reason: "IdentityConflict" })
      }
    },
  )

  it.prop(
    "BR-ACC-11 only an administrator of the school grants or revokes the administrator right",
    [FastCheck.constantFrom(...actors), FastCheck.constantFrom(schoolA, schoolB)],
    ([actor, structureId]) => {
      const spec = given(Account.aggregate, [provisioned("Personnel")]).when({
        _tag: "GrantAdministratorRight",
        actor,
        accountId: pupilId,
        structureId,
      })
      const allowed =
        actor === actors[2] ||
        (actor === adminA && structureId === schoolA) ||
        (actor === adminB && structureId === schoolB)
      if (allowed)
        spec.then([{ _tag: "AdministratorRightGranted", accountId: pupilId, structureId, grantedBy: actor.accountId }])
      else spec.thenRejects({ ruleId: "BR-ACC-11", reason: "NotAuthorized" })
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

  it("a teacher's renewal code needs the pupil's class among his", () => {
    given(Account.aggregate, [provisioned("Student"), activated])
      .when({
        _tag: "IssuePasswordRenewalCode",
        actor: teacherA,
        accountId: pupilId,
        renewalCode: Credentials.OneTimeCode.make("3d3nbrm8"),
        classId: GroupId.make("school-a$5B"),
      })
      .thenRejects({ ruleId: "BR-ACC-5", reason: "NotAuthorized" })
    void StructureId
  })
})

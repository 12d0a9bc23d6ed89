/**
 * Every permission check of the Account aggregate, over random actors of every
 * role kind with right and wrong scopes. The oracle of who may act is written
 * here from DOMAIN.md, never with Actor.ts or Account.ts.
 */
import * as Account from "@cartable/domain/Account"
import type * as Actor from "@cartable/domain/Actor"
import * as Credentials from "@cartable/domain/Credentials"
import { AccountId, type GroupId, type StructureId } from "@cartable/domain/Ids"
import type { RuleId } from "@cartable/domain/Rules"
import { fold } from "@cartable/kernel/Decider"
import * as AccountArbitraries from "@cartable/testing/AccountArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Redacted from "effect/Redacted"

const { scopes, classes } = AccountArbitraries

// --- The oracle, from DOMAIN.md -------------------------------------------
// "administrator of the account's school" (BR-ACC-5, BR-ACC-6, BR-ACC-11): the school's ENT
// administrator (a School-level administrator whose scope is that school), the platform vendor, and, with
// BR-SIG-2's levels, the administrators of the district, department and academy the school sits in, as the
// command's locations fact places it. A school the fact does not place is judged on its id alone.
const isFeed = (actor: Actor.Actor) => actor.roles.some((role) => role._tag === "System")
const scopesOver = (school: StructureId, locations: ReadonlyArray<Actor.Location> | undefined) => {
  const at = locations?.find((location) => location.structureId === school)
  const above =
    at === undefined
      ? []
      : [
          at.districtId && `District ${at.districtId}`,
          at.departmentId && `Department ${at.departmentId}`,
          at.academyId && `Academy ${at.academyId}`,
        ]
  return [`School ${school}`, ...above.filter((scope) => typeof scope === "string")]
}
const administratorOf = (
  actor: Actor.Actor,
  schools: ReadonlyArray<StructureId>,
  locations: ReadonlyArray<Actor.Location> | undefined,
) =>
  actor.roles.some(
    (role) =>
      role._tag === "Administrator" &&
      (role.level === "Platform" ||
        (role.scopeId !== undefined &&
          schools.some((school) => scopesOver(school, locations).includes(`${role.level} ${role.scopeId}`)))),
  )
// BR-ACC-5: "a teacher for pupils of a class he is attached to", in one of the pupil's schools.
const teacherOf = (actor: Actor.Actor, schools: ReadonlyArray<StructureId>, classId: GroupId | undefined) =>
  classId !== undefined &&
  actor.roles.some(
    (role) => role._tag === "Teacher" && schools.includes(role.structureId) && role.groupIds.includes(classId),
  )
const feedOrAdministrator = (
  actor: Actor.Actor,
  schools: ReadonlyArray<StructureId>,
  locations: ReadonlyArray<Actor.Location> | undefined,
) => isFeed(actor) || administratorOf(actor, schools, locations)
const holder = (actor: Actor.Actor, accountId: AccountId) => actor.accountId === accountId

// --- Accounts to act on ----------------------------------------------------
interface Fixture {
  readonly accountId: AccountId
  readonly profile: Account.Profile
  readonly schools: ReadonlyArray<StructureId>
  readonly fromFeed: boolean
  /** The command's locations fact; absent as for a command given without the library's facts. */
  readonly locations: ReadonlyArray<Actor.Location> | undefined
}

const fixture: FastCheck.Arbitrary<Fixture> = FastCheck.record({
  accountId: FastCheck.constantFrom(...AccountArbitraries.ids.accounts),
  profile: AccountArbitraries.profile,
  schools: FastCheck.shuffledSubarray(scopes.schools, { minLength: 1 }),
  fromFeed: FastCheck.boolean(),
  locations: FastCheck.option(AccountArbitraries.schoolLocations, { nil: undefined, freq: 5 }),
})

const login = Credentials.Login.make("marie.a")

/** An activated account of the fixture's profile, attached to its schools. */
const historyOf = (f: Fixture, ...more: ReadonlyArray<Account.AccountEvent>): ReadonlyArray<Account.AccountEvent> => [
  {
    _tag: "AccountProvisioned",
    accountId: f.accountId,
    profile: f.profile,
    origin: f.fromFeed ? { _tag: "Feed", source: "AAF", externalId: `j-${f.accountId}` } : { _tag: "Manual" },
    structureId: f.schools[0]!,
    login,
    firstName: "Marie",
    lastName: "Arnaud",
    activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
  },
  ...f.schools.slice(1).map(
    (structureId): Account.AccountEvent => ({
      _tag: "AccountAttachedToStructure",
      accountId: f.accountId,
      structureId,
    }),
  ),
  { _tag: "AccountActivated", accountId: f.accountId, charterAccepted: true, email: "marie.a@example.org" },
  ...more,
]

const pupil = AccountId.make("pupil-9")
const school = FastCheck.constantFrom(...scopes.schools)

/**
 * Asserts the command is accepted exactly when the oracle allows the actor, and
 * otherwise rejected as not authorized under the rule.
 */
const checkAuthorization = (
  ruleId: RuleId,
  history: ReadonlyArray<Account.AccountEvent>,
  command: Account.AccountCommand,
  allowed: boolean,
  locations: ReadonlyArray<Actor.Location> | undefined,
) => {
  const located = locations === undefined ? command : { ...command, locations }
  const decision = Account.decide(located as Account.AccountCommand, fold(Account.aggregate, history))
  if (allowed) {
    assert.ok(Either.isRight(decision), `expected ${command._tag} to be accepted, got ${JSON.stringify(decision)}`)
  } else {
    assert.ok(Either.isLeft(decision), `expected ${command._tag} to be refused`)
    assert.strictEqual(decision.left.ruleId, ruleId)
    assert.strictEqual(decision.left.reason, "NotAuthorized")
  }
  return decision
}

const byActor = (decision: ReturnType<typeof checkAuthorization>, field: string, actor: Actor.Actor) => {
  if (Either.isRight(decision)) {
    for (const event of decision.right) assert.strictEqual((event as Record<string, unknown>)[field], actor.accountId)
  }
}

// Actors of every kind, acting as one of the pool's accounts (so, at times, the holder) or a stranger.
const anyActor = AccountArbitraries.actor

// Enough runs that each role kind meets each scope: the oracle differs from a mutant only for some pairs.
const fastCheck = { numRuns: 400 }

describe("Account permissions over random actors", () => {
  it.prop(
    "BR-ACC-1 provisioning: a feed account only by the feed, a manual one only by an administrator of its school",
    [fixture, anyActor, school],
    ([f, actor, structureId]) => {
      const manualProfile = f.profile === "Student" || f.profile === "Relative" || f.profile === "Teacher"
      const command: Account.AccountCommand = {
        _tag: "ProvisionAccount",
        actor,
        accountId: f.accountId,
        profile: f.fromFeed || !manualProfile ? f.profile : "Guest",
        origin: f.fromFeed ? { _tag: "Feed", source: "AAF", externalId: "j-1" } : { _tag: "Manual" },
        structureId,
        login,
        firstName: "Marie",
        lastName: "Arnaud",
        activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
      }
      checkAuthorization(
        "BR-ACC-1",
        [],
        command,
        f.fromFeed ? isFeed(actor) : administratorOf(actor, [structureId], f.locations),
        f.locations,
      )
    },
    { fastCheck },
  )

  it.prop(
    "BR-ACC-8 attaching or detaching an account: only the feed or an administrator of that school",
    [fixture, anyActor, school, FastCheck.boolean()],
    ([f, actor, structureId, attach]) => {
      const command: Account.AccountCommand = {
        _tag: attach ? "AttachAccountToStructure" : "DetachAccountFromStructure",
        actor,
        accountId: f.accountId,
        structureId,
      }
      const decision = checkAuthorization(
        "BR-ACC-8",
        historyOf(f),
        command,
        feedOrAdministrator(actor, [structureId], f.locations),
        f.locations,
      )
      if (Either.isRight(decision)) {
        const attached = f.schools.includes(structureId)
        assert.strictEqual(decision.right.length, attach === attached ? 0 : 1)
      }
    },
    { fastCheck },
  )

  it.prop(
    "BR-ACC-9 pre-deleting, restoring, deleting, erasing: only the feed or an administrator of the account's school",
    [
      fixture,
      anyActor,
      FastCheck.constantFrom(...(["PreDeleteAccount", "RestoreAccount", "DeleteAccount", "EraseAccountData"] as const)),
    ],
    ([f, actor, step]) => {
      const { accountId } = f
      // Each step is decided from the state where it applies.
      const before: Record<typeof step, ReadonlyArray<Account.AccountEvent>> = {
        PreDeleteAccount: [],
        RestoreAccount: [{ _tag: "AccountPreDeleted", accountId }],
        DeleteAccount: [{ _tag: "AccountPreDeleted", accountId }],
        EraseAccountData: [
          { _tag: "AccountPreDeleted", accountId },
          { _tag: "AccountDeleted", accountId },
        ],
      }
      const decision = checkAuthorization(
        "BR-ACC-9",
        historyOf(f, ...before[step]),
        { _tag: step, actor, accountId },
        feedOrAdministrator(actor, f.schools, f.locations),
        f.locations,
      )
      if (Either.isRight(decision)) assert.strictEqual(decision.right.length, 1)
    },
    { fastCheck },
  )

  it.prop(
    "BR-ACC-10 setting or removing a login alias: the holder, the feed or an administrator of the account's school",
    [fixture, anyActor, FastCheck.boolean()],
    ([f, actor, set]) => {
      const alias = Credentials.Login.make("marie.arnaud")
      const history = set ? historyOf(f) : historyOf(f, { _tag: "LoginAliasSet", accountId: f.accountId, alias })
      const command: Account.AccountCommand = set
        ? { _tag: "SetLoginAlias", actor, accountId: f.accountId, alias }
        : { _tag: "RemoveLoginAlias", actor, accountId: f.accountId }
      const decision = checkAuthorization(
        "BR-ACC-10",
        history,
        command,
        holder(actor, f.accountId) || feedOrAdministrator(actor, f.schools, f.locations),
        f.locations,
      )
      if (Either.isRight(decision)) assert.strictEqual(decision.right.length, 1)
    },
    { fastCheck },
  )

  it.prop(
    "BR-ACC-10 linking or unlinking an external identity: the holder, the feed or an administrator",
    [fixture, anyActor, FastCheck.boolean()],
    ([f, actor, link]) => {
      const linked: Account.AccountEvent = {
        _tag: "ExternalIdentityLinked",
        accountId: f.accountId,
        provider: "Pronote",
        subject: "pronote-7",
      }
      const command: Account.AccountCommand = link
        ? { _tag: "LinkExternalIdentity", actor, accountId: f.accountId, provider: "Pronote", subject: "pronote-7" }
        : { _tag: "UnlinkExternalIdentity", actor, accountId: f.accountId, provider: "Pronote" }
      const decision = checkAuthorization(
        "BR-ACC-10",
        link ? historyOf(f) : historyOf(f, linked),
        command,
        holder(actor, f.accountId) || feedOrAdministrator(actor, f.schools, f.locations),
        f.locations,
      )
      if (Either.isRight(decision)) assert.strictEqual(decision.right.length, 1)
    },
    { fastCheck },
  )

  it.prop(
    "BR-ACC-11 granting or revoking the administrator right: only an administrator of that school",
    [fixture.filter((f) => f.profile !== "Student" && f.profile !== "Relative"), anyActor, school, FastCheck.boolean()],
    ([f, actor, structureId, grant]) => {
      const granted: Account.AccountEvent = {
        _tag: "AdministratorRightGranted",
        accountId: f.accountId,
        structureId,
        grantedBy: AccountId.make("vendor"),
      }
      const decision = checkAuthorization(
        "BR-ACC-11",
        grant ? historyOf(f) : historyOf(f, granted),
        {
          _tag: grant ? "GrantAdministratorRight" : "RevokeAdministratorRight",
          actor,
          accountId: f.accountId,
          structureId,
        },
        administratorOf(actor, [structureId], f.locations),
        f.locations,
      )
      if (Either.isRight(decision)) assert.strictEqual(decision.right.length, 1)
      byActor(decision, grant ? "grantedBy" : "revokedBy", actor)
    },
    { fastCheck },
  )

  it.prop(
    "BR-ACC-5 issuing a renewal code: an administrator of the account's school, or a teacher of the pupil's class",
    [fixture, anyActor, FastCheck.subarray([...classes])],
    ([f, actor, pupilClassIds]) => {
      const decision = checkAuthorization(
        "BR-ACC-5",
        historyOf(f),
        {
          _tag: "IssuePasswordRenewalCode",
          actor,
          accountId: f.accountId,
          renewalCode: Credentials.OneTimeCode.make("3d3nbrm8"),
          pupilClassIds,
        },
        administratorOf(actor, f.schools, f.locations) ||
          (f.profile === "Student" && pupilClassIds.some((classId) => teacherOf(actor, f.schools, classId))),
        f.locations,
      )
      byActor(decision, "issuedBy", actor)
    },
    { fastCheck },
  )

  it.prop(
    "BR-ACC-5 a teacher issues a renewal code only for a pupil, of a class he teaches, in one of the pupil's schools",
    [
      fixture,
      FastCheck.array(
        FastCheck.record({
          structureId: FastCheck.constantFrom(...scopes.schools),
          groupIds: FastCheck.subarray([...classes], { minLength: 1 }),
        }),
        { minLength: 1, maxLength: 2 },
      ),
      FastCheck.subarray([...classes]),
    ],
    ([f, teaching, pupilClassIds]) => {
      const actor: Actor.Actor = {
        accountId: AccountId.make("teacher-9"),
        roles: teaching.map((t) => ({ _tag: "Teacher", ...t })),
      }
      checkAuthorization(
        "BR-ACC-5",
        historyOf(f),
        {
          _tag: "IssuePasswordRenewalCode",
          actor,
          accountId: f.accountId,
          renewalCode: Credentials.OneTimeCode.make("3d3nbrm8"),
          pupilClassIds,
        },
        f.profile === "Student" && pupilClassIds.some((classId) => teacherOf(actor, f.schools, classId)),
        f.locations,
      )
    },
    { fastCheck },
  )

  it.prop(
    "BR-ACC-6 blocking or unblocking an account or one application: only the feed or an administrator of its school",
    [
      fixture,
      anyActor,
      FastCheck.boolean(),
      FastCheck.option(FastCheck.constantFrom("messaging", "blog"), { nil: undefined }),
    ],
    ([f, actor, blocking, application]) => {
      const app = application === undefined ? {} : { application }
      const blocked: Account.AccountEvent = {
        _tag: "AccountBlocked",
        accountId: f.accountId,
        blockedBy: AccountId.make("vendor"),
        ...app,
      }
      const decision = checkAuthorization(
        "BR-ACC-6",
        blocking ? historyOf(f) : historyOf(f, blocked),
        { _tag: blocking ? "BlockAccount" : "UnblockAccount", actor, accountId: f.accountId, ...app },
        feedOrAdministrator(actor, f.schools, f.locations),
        f.locations,
      )
      if (Either.isRight(decision)) assert.strictEqual(decision.right.length, 1)
      byActor(decision, blocking ? "blockedBy" : "unblockedBy", actor)
    },
    { fastCheck },
  )

  it.prop(
    "BR-ACC-7 linking or unlinking a relative or an accompanying adult: only the feed or an administrator",
    [
      fixture.map((f) => ({ ...f, profile: "Relative" as const })),
      anyActor,
      FastCheck.constantFrom(
        ...(["LinkRelative", "UnlinkRelative", "LinkAccompanyingAdult", "UnlinkAccompanyingAdult"] as const),
      ),
    ],
    ([f, actor, tag]) => {
      const link = { pupilId: pupil, legalAuthority: true, financial: true, contact: true }
      const history = historyOf(
        f,
        { _tag: "RelativeLinked", accountId: f.accountId, link },
        { _tag: "AccompanyingAdultLinked", accountId: f.accountId, pupilId: pupil, kind: "HostFamily" },
      )
      const base = { actor, accountId: f.accountId }
      const command: Record<typeof tag, Account.AccountCommand> = {
        LinkRelative: {
          _tag: "LinkRelative",
          ...base,
          link: { ...link, financial: false },
          pupilProfile: "Student",
          pupilRelatives: [],
        },
        UnlinkRelative: { _tag: "UnlinkRelative", ...base, pupilId: pupil },
        LinkAccompanyingAdult: {
          _tag: "LinkAccompanyingAdult",
          ...base,
          pupilId: pupil,
          kind: "AESH",
          pupilProfile: "Student",
        },
        UnlinkAccompanyingAdult: { _tag: "UnlinkAccompanyingAdult", ...base, pupilId: pupil },
      }
      const decision = checkAuthorization(
        "BR-ACC-7",
        history,
        command[tag],
        feedOrAdministrator(actor, f.schools, f.locations),
        f.locations,
      )
      if (Either.isRight(decision)) assert.strictEqual(decision.right.length, 1)
    },
    { fastCheck },
  )

  it.prop(
    "BR-ACC-9 updating names and e-mail: the feed for a feed account, an administrator of its school for a manual one",
    [fixture, anyActor],
    ([f, actor]) => {
      const decision = checkAuthorization(
        "BR-ACC-9",
        historyOf(f),
        { _tag: "UpdateAccountIdentity", actor, accountId: f.accountId, firstName: "Maria", lastName: "Arnaud" },
        f.fromFeed ? isFeed(actor) : administratorOf(actor, f.schools, f.locations),
        f.locations,
      )
      if (Either.isRight(decision)) assert.strictEqual(decision.right.length, 1)
    },
    { fastCheck },
  )

  it.prop(
    "BR-ACC-3 activation and renewal need no role: login and code alone, whoever sends them",
    [fixture],
    ([f]) => {
      const state = fold(Account.aggregate, historyOf(f).slice(0, -1))
      const activation = Account.decide(
        {
          _tag: "ActivateAccount",
          accountId: f.accountId,
          login,
          activationCode: "3n6g8fmj",
          password: Redacted.make("Secret1"),
          passwordHash: AccountArbitraries.passwordHash,
          charterAccepted: true,
          email: "marie.a@example.org",
        },
        state,
      )
      assert.ok(Either.isRight(activation))
    },
    { fastCheck },
  )
})

// What a refused Account command tells the person who sent it: the rule, the reason and the message, each
// written out here as users read them (an administrator's screen, a feed import's report).
import * as Account from "@cartable/domain/Account"
import type * as Actor from "@cartable/domain/Actor"
import * as Credentials from "@cartable/domain/Credentials"
import { AccountId, GroupId, StructureId } from "@cartable/domain/Ids"
import { fold } from "@cartable/kernel/Decider"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"

type Event = Account.AccountEvent
type Command = Account.AccountCommand

const accountId = AccountId.make("acc-1")
const pupilId = AccountId.make("pupil-9")
const school = StructureId.make("school-a")
const otherSchool = StructureId.make("school-b")
const stranger: Actor.Actor = { accountId: AccountId.make("stranger"), roles: [] }
const admin: Actor.Actor = {
  accountId: AccountId.make("admin-a"),
  roles: [{ _tag: "Administrator", level: "School", scopeId: school }],
}

const history = (profile: Account.Profile, ...more: ReadonlyArray<Event>): ReadonlyArray<Event> => [
  {
    _tag: "AccountProvisioned",
    accountId,
    profile,
    origin: { _tag: "Feed", source: "AAF", externalId: "j-1" },
    structureId: school,
    login: Credentials.Login.make("marie.a"),
    firstName: "Marie",
    lastName: "Arnaud",
    activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
  },
  { _tag: "AccountActivated", accountId, charterAccepted: true, email: "marie.a@example.org" },
  ...more,
]

const refusals: ReadonlyArray<
  readonly [ReadonlyArray<Event>, Command, readonly [Account.AccountRejected["ruleId"], string, string]]
> = [
  [
    history("Student"),
    {
      _tag: "IssuePasswordRenewalCode",
      actor: stranger,
      accountId,
      renewalCode: Credentials.OneTimeCode.make("3d3nbrm8"),
      pupilClassIds: [],
    },
    [
      "BR-ACC-5",
      "NotAuthorized",
      "Only an administrator of the account's school, or a teacher of the pupil's class, issues a renewal code",
    ],
  ],
  [
    history("Student"),
    { _tag: "BlockAccount", actor: stranger, accountId },
    ["BR-ACC-6", "NotAuthorized", "Only the feed or an administrator of the account's school blocks or unblocks it"],
  ],
  [
    history("Student"),
    { _tag: "UnblockAccount", actor: stranger, accountId },
    ["BR-ACC-6", "NotAuthorized", "Only the feed or an administrator of the account's school blocks or unblocks it"],
  ],
  [
    history("Student"),
    { _tag: "AttachAccountToStructure", actor: admin, accountId, structureId: otherSchool },
    ["BR-ACC-8", "NotAuthorized", "Only the feed or an administrator of school-b does this"],
  ],
  [
    history("Student"),
    { _tag: "DetachAccountFromStructure", actor: stranger, accountId, structureId: school },
    ["BR-ACC-8", "NotAuthorized", "Only the feed or an administrator of school-a does this"],
  ],
  [
    history("Relative"),
    {
      _tag: "LinkRelative",
      actor: stranger,
      accountId,
      link: { pupilId, legalAuthority: true, financial: true, contact: true },
      pupilProfile: "Student",
      pupilRelatives: [],
    },
    ["BR-ACC-7", "NotAuthorized", "Only the feed or an administrator links relatives"],
  ],
  [
    history("Teacher"),
    {
      _tag: "LinkRelative",
      actor: admin,
      accountId,
      link: { pupilId, legalAuthority: true, financial: true, contact: true },
      pupilProfile: "Student",
      pupilRelatives: [],
    },
    ["BR-ACC-7", "InvalidLink", "Account acc-1 is not a relative's account"],
  ],
  [
    history("Relative"),
    {
      _tag: "LinkRelative",
      actor: admin,
      accountId,
      link: { pupilId: accountId, legalAuthority: true, financial: true, contact: true },
      pupilProfile: "Student",
      pupilRelatives: [],
    },
    ["BR-ACC-7", "InvalidLink", "An account cannot be its own relative"],
  ],
  [
    history("Relative"),
    { _tag: "UnlinkRelative", actor: stranger, accountId, pupilId },
    ["BR-ACC-7", "NotAuthorized", "Only the feed or an administrator unlinks relatives"],
  ],
  [
    history("Personnel"),
    { _tag: "LinkAccompanyingAdult", actor: stranger, accountId, pupilId, kind: "AESH" },
    ["BR-ACC-7", "NotAuthorized", "Only the feed or an administrator links accompanying adults"],
  ],
  [
    history("Student"),
    { _tag: "LinkAccompanyingAdult", actor: admin, accountId, pupilId, kind: "AESH" },
    ["BR-ACC-7", "InvalidLink", "A pupil cannot be an accompanying adult"],
  ],
  [
    history("Personnel"),
    { _tag: "UnlinkAccompanyingAdult", actor: stranger, accountId, pupilId },
    ["BR-ACC-7", "NotAuthorized", "Only the feed or an administrator unlinks accompanying adults"],
  ],
  [
    history("Student"),
    { _tag: "SetLoginAlias", actor: stranger, accountId, alias: Credentials.Login.make("m.a") },
    ["BR-ACC-10", "NotAuthorized", "Only the holder, the feed or an administrator changes the login alias"],
  ],
  [
    history("Student"),
    { _tag: "RemoveLoginAlias", actor: stranger, accountId },
    ["BR-ACC-10", "NotAuthorized", "Only the holder, the feed or an administrator changes the login alias"],
  ],
  [
    history("Student"),
    { _tag: "SetLoginAlias", actor: admin, accountId, alias: Credentials.Login.make("marie.a") },
    ["BR-ACC-10", "InvalidLink", "The alias must differ from the login"],
  ],
  [
    history("Student"),
    { _tag: "LinkExternalIdentity", actor: stranger, accountId, provider: "EduConnect", subject: "ec-1" },
    ["BR-ACC-10", "NotAuthorized", "Only the holder, the feed or an administrator links an identity"],
  ],
  [
    history("Teacher"),
    { _tag: "LinkExternalIdentity", actor: admin, accountId, provider: "EduConnect", subject: "ec-1" },
    ["BR-ACC-10", "InvalidLink", "EduConnect identities are for pupils and parents only"],
  ],
  [
    history("Student"),
    { _tag: "UnlinkExternalIdentity", actor: stranger, accountId, provider: "EduConnect" },
    ["BR-ACC-10", "NotAuthorized", "Only the holder, the feed or an administrator unlinks an identity"],
  ],
  [
    history("Teacher"),
    { _tag: "GrantAdministratorRight", actor: admin, accountId, structureId: otherSchool },
    ["BR-ACC-11", "NotAuthorized", "Only an administrator of school-b grants or revokes it"],
  ],
  [
    history("Teacher"),
    { _tag: "RevokeAdministratorRight", actor: stranger, accountId, structureId: school },
    ["BR-ACC-11", "NotAuthorized", "Only an administrator of school-a grants or revokes it"],
  ],
  [
    history("Relative"),
    { _tag: "GrantAdministratorRight", actor: admin, accountId, structureId: school },
    ["BR-ACC-11", "InvalidState", "Pupils and relatives cannot be administrators"],
  ],
  ...(["PreDeleteAccount", "RestoreAccount", "DeleteAccount", "EraseAccountData"] as const).map(
    (tag) =>
      [
        history("Student"),
        { _tag: tag, actor: stranger, accountId },
        [
          "BR-ACC-9",
          "NotAuthorized",
          "Only the feed, the platform or an administrator of the account's school deletes accounts",
        ],
      ] as const,
  ),
  [
    history("Student", { _tag: "AccountPreDeleted", accountId }, { _tag: "AccountDeleted", accountId }),
    { _tag: "PreDeleteAccount", actor: admin, accountId },
    ["BR-ACC-12", "InvalidState", "Account acc-1 is deleted"],
  ],
  [
    history("Student"),
    { _tag: "RestoreAccount", actor: admin, accountId },
    ["BR-ACC-12", "InvalidState", "Only a pre-deleted account is restored"],
  ],
  [
    history("Student"),
    { _tag: "DeleteAccount", actor: admin, accountId },
    ["BR-ACC-9", "InvalidState", "Deletion follows pre-deletion: pre-delete the account first"],
  ],
  [
    history("Student"),
    { _tag: "EraseAccountData", actor: admin, accountId },
    ["BR-ACC-9", "InvalidState", "Only a deleted account's personal data is erased"],
  ],
  [
    history("Student"),
    {
      _tag: "UpdateAccountIdentity",
      actor: { accountId: AccountId.make("system:aaf"), roles: [{ _tag: "System", process: "aaf" }] },
      accountId,
      firstName: "Marie",
      lastName: "Arnaud",
      email: "marie.arnaud",
    },
    ["BR-ACC-3", "InvalidEmail", '"marie.arnaud" is not an e-mail address'],
  ],
]

describe("Account: what a refusal says", () => {
  it("each refusal names its rule and reason, and says why in words users read", () => {
    for (const [events, command, expected] of refusals) {
      const decision = Account.decide(command, fold(Account.aggregate, events))
      assert.ok(Either.isLeft(decision), `expected ${command._tag} to be refused`)
      assert.deepStrictEqual([decision.left.ruleId, decision.left.reason, decision.left.message], expected)
    }
  })

  it("BR-ACC-5 a teacher of another class than the pupil's is refused, in the same words", () => {
    const teacher: Actor.Actor = {
      accountId: AccountId.make("teacher-a"),
      roles: [{ _tag: "Teacher", structureId: school, groupIds: [GroupId.make("school-a$6A")] }],
    }
    const decision = Account.decide(
      {
        _tag: "IssuePasswordRenewalCode",
        actor: teacher,
        accountId,
        renewalCode: Credentials.OneTimeCode.make("3d3nbrm8"),
        pupilClassIds: [GroupId.make("school-a$5B")],
      },
      fold(Account.aggregate, history("Student")),
    )
    assert.ok(Either.isLeft(decision))
    assert.strictEqual(decision.left.reason, "NotAuthorized")
  })
})

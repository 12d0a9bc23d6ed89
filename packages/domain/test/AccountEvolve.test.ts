// The account state evolve leaves, written out field by field from the events (DOMAIN.md BR-ACC-2, BR-ACC-9):
// what an erasure turns into the marker and what it leaves absent, and that a second provisioning changes
// nothing. The aggregate laws compare folds with each other; these compare a fold with the expected value.
import * as Account from "@cartable/domain/Account"
import * as Credentials from "@cartable/domain/Credentials"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import { fold } from "@cartable/kernel/Decider"
import * as PersonalData from "@cartable/kernel/PersonalData"
import { assert, describe, it } from "@effect/vitest"

type Event = Account.AccountEvent

const accountId = AccountId.make("acc-1")
const school = StructureId.make("school-a")
const ERASED = PersonalData.ERASED

const provisioned: Event = {
  _tag: "AccountProvisioned",
  accountId,
  profile: "Student",
  origin: { _tag: "Feed", source: "AAF", externalId: "j-1" },
  structureId: school,
  login: Credentials.Login.make("marie.a"),
  firstName: "Marie",
  lastName: "Arnaud",
  activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
}

const fresh: Account.Account = {
  _tag: "Account",
  accountId,
  profile: "Student",
  origin: { _tag: "Feed", source: "AAF", externalId: "j-1" },
  login: Credentials.Login.make("marie.a"),
  firstName: "Marie",
  lastName: "Arnaud",
  email: undefined,
  structureIds: [school],
  activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
  activated: false,
  renewalCode: undefined,
  passwordHash: undefined,
  recovery: undefined,
  blocked: false,
  blockedApplications: [],
  deletion: "None",
  erased: false,
  alias: undefined,
  externalIdentities: [],
  relativeOf: [],
  accompanies: [],
  administratorOf: [],
  platformAdministrator: false,
  inspector: false,
  schooling: [],
}

const end: ReadonlyArray<Event> = [
  { _tag: "AccountPreDeleted", accountId },
  { _tag: "AccountDeleted", accountId },
  { _tag: "AccountDataErased", accountId },
]

describe("Account evolve", () => {
  it("a provisioned account is inactive with its code, and a second provisioning changes nothing", () => {
    assert.deepStrictEqual(fold(Account.aggregate, [provisioned]), fresh)
    const again: Event = { ...provisioned, profile: "Teacher", firstName: "Lucas" }
    assert.deepStrictEqual(fold(Account.aggregate, [provisioned, again]), fresh)
  })

  it("BR-ACC-9 erasing a never-activated account: its names, login and code read as erased, absent values stay absent", () => {
    assert.deepStrictEqual(fold(Account.aggregate, [provisioned, ...end]), {
      ...fresh,
      deletion: "Deleted",
      erased: true,
      login: ERASED,
      firstName: ERASED,
      lastName: ERASED,
      activationCode: ERASED,
    })
  })

  it("BR-ACC-9 erasing an account in use: e-mail, renewal code, alias and external subjects read as erased", () => {
    const history: ReadonlyArray<Event> = [
      provisioned,
      { _tag: "AccountActivated", accountId, charterAccepted: true, email: "marie.a@example.org" },
      {
        _tag: "PasswordRenewalCodeIssued",
        accountId,
        renewalCode: Credentials.OneTimeCode.make("3d3nbrm8"),
        issuedBy: AccountId.make("admin-a"),
      },
      { _tag: "LoginAliasSet", accountId, alias: Credentials.Login.make("marie.arnaud") },
      { _tag: "ExternalIdentityLinked", accountId, provider: "EduConnect", subject: "ec-1" },
      ...end,
    ]
    assert.deepStrictEqual(fold(Account.aggregate, history), {
      ...fresh,
      activated: true,
      deletion: "Deleted",
      erased: true,
      login: ERASED,
      firstName: ERASED,
      lastName: ERASED,
      email: ERASED,
      activationCode: undefined,
      renewalCode: ERASED,
      alias: ERASED,
      externalIdentities: [{ provider: "EduConnect", subject: ERASED }],
    })
  })
})

describe("Account: an e-mail address", () => {
  it("BR-ACC-3 is one address and nothing after it", () => {
    const history: ReadonlyArray<Event> = [provisioned]
    const update = (email: string): Account.AccountCommand => ({
      _tag: "UpdateAccountIdentity",
      actor: { accountId: AccountId.make("system:aaf"), roles: [{ _tag: "System", process: "aaf" }] },
      accountId,
      firstName: "Marie",
      lastName: "Arnaud",
      email,
    })
    const state = fold(Account.aggregate, history)
    for (const email of ["marie@example.fr x", "marie@example.fr\tx", "marie@example.fr@x", "marie@example"]) {
      const decision = Account.decide(update(email), state)
      assert.ok(decision._tag === "Left", email)
      assert.strictEqual(decision.left.reason, "InvalidEmail")
    }
    assert.strictEqual(Account.decide(update("marie@example.fr"), state)._tag, "Right")
  })
})

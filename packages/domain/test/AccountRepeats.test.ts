// Account commands sent again, or about what the account already is, and the answers people read: what is
// already so records nothing, what conflicts is refused with a message naming it. Expected answers and
// messages are written out from docs/domain.md ("Accounts") and DOMAIN.md, not computed with Account.ts.
import * as Account from "@cartable/domain/Account"
import type { Schooling } from "@cartable/domain/AccountEvents"
import type * as Actor from "@cartable/domain/Actor"
import * as Credentials from "@cartable/domain/Credentials"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import { fold } from "@cartable/kernel/Decider"
import * as AccountArbitraries from "@cartable/testing/AccountArbitraries"
import { given } from "@cartable/testing/DeciderSpec"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Redacted from "effect/Redacted"

type Event = Account.AccountEvent
type Command = Account.AccountCommand

const accountId = AccountId.make("acc-1")
const school = StructureId.make("school-a")
const admin: Actor.Actor = {
  accountId: AccountId.make("admin-a"),
  roles: [{ _tag: "Administrator", level: "School", scopeId: school }],
}
const feed: Actor.Actor = { accountId: AccountId.make("system:aaf"), roles: [{ _tag: "System", process: "aaf" }] }
const holder: Actor.Actor = { accountId, roles: [] }
const login = Credentials.Login.make("marie.a")

const provisioned = (profile: Account.Profile, fromFeed: boolean): Event => ({
  _tag: "AccountProvisioned",
  accountId,
  profile,
  origin: fromFeed ? { _tag: "Feed", source: "AAF", externalId: "j-1" } : { _tag: "Manual" },
  structureId: school,
  login,
  firstName: "Marie",
  lastName: "Arnaud",
  activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
})
const activated: Event = { _tag: "AccountActivated", accountId, charterAccepted: true, email: "marie.a@example.org" }
const active = (profile: Account.Profile = "Student", fromFeed = true): ReadonlyArray<Event> => [
  provisioned(profile, fromFeed),
  activated,
]

const message = (history: ReadonlyArray<Event>, command: Command) => {
  const decision = Account.decide(command, fold(Account.aggregate, history))
  assert.ok(Either.isLeft(decision), `expected ${command._tag} to be refused`)
  return [decision.left.ruleId, decision.left.reason, decision.left.message] as const
}

const provision = (actor: Actor.Actor, fromFeed: boolean, profile: Account.Profile = "Personnel"): Command => ({
  _tag: "ProvisionAccount",
  actor,
  accountId,
  profile,
  origin: fromFeed ? { _tag: "Feed", source: "AAF", externalId: "j-1" } : { _tag: "Manual" },
  structureId: school,
  login,
  firstName: "Marie",
  lastName: "Arnaud",
  activationCode: Credentials.OneTimeCode.make("3d3nbrm8"),
})

describe("Account: commands sent again", () => {
  it("BR-ACC-8 a manual account is never re-provisioned, not even by a feed sending no feed person", () => {
    // Only the same feed sending the same person again is a re-import (docs/domain.md).
    for (const actor of [feed, admin]) {
      assert.deepStrictEqual(message([provisioned("Personnel", false), activated], provision(actor, false)), [
        "BR-ACC-8",
        "AlreadyExists",
        "Account acc-1 exists: a pupil keeps his account, attach it to the new school instead",
      ])
    }
    assert.deepStrictEqual(message(active("Student"), provision(feed, true, "Relative")), [
      "BR-ACC-8",
      "AlreadyExists",
      "Account acc-1 is a Student account: one feed person, one profile (only teachers and staff move, between Teacher and Personnel)",
    ])
    given(Account.aggregate, active("Student"))
      .when(provision(feed, true, "Student"))
      .then([])
  })

  it("BR-ACC-1 who provisions, in the words users read", () => {
    assert.deepStrictEqual(message([], provision(admin, true)), [
      "BR-ACC-1",
      "NotAuthorized",
      "Only a directory feed import provisions feed accounts",
    ])
    const stranger: Actor.Actor = { accountId: AccountId.make("stranger"), roles: [] }
    assert.deepStrictEqual(message([], provision(stranger, false)), [
      "BR-ACC-1",
      "NotAuthorized",
      "Only an administrator of school-a creates accounts",
    ])
    assert.deepStrictEqual(message([], provision(admin, false, "Teacher")), [
      "BR-ACC-1",
      "ManualCreationRefused",
      "Teacher accounts come from the directory feeds and are never created by hand",
    ])
  })

  it("BR-ACC-9 a feed account's identity is the feed's, a manual one its administrators'", () => {
    const update = (actor: Actor.Actor): Command => ({
      _tag: "UpdateAccountIdentity",
      actor,
      accountId,
      firstName: "Marie-Anne",
      lastName: "Arnaud",
    })
    const updated: Event = { _tag: "AccountIdentityUpdated", accountId, firstName: "Marie-Anne", lastName: "Arnaud" }
    given(Account.aggregate, active("Student", true)).when(update(feed)).then([updated])
    assert.deepStrictEqual(message(active("Student", true), update(admin)), [
      "BR-ACC-9",
      "NotAuthorized",
      "A feed account's names and e-mail come from the directory feed",
    ])
    given(Account.aggregate, active("Personnel", false)).when(update(admin)).then([updated])
    assert.deepStrictEqual(message(active("Personnel", false), update(feed)), [
      "BR-ACC-9",
      "NotAuthorized",
      "Only an administrator of the account's school corrects its names and e-mail",
    ])
  })

  it.prop(
    "BR-MSG-3 a schooling given again, in any order, records nothing; a changed level is one update; the feed's alone",
    [FastCheck.boolean(), FastCheck.boolean()],
    ([reversed, changed]) => {
      const sixth = { code: "10010012110", label: "6EME" }
      const bilingual = { code: "10010012111", label: "6EME BILANGUE" }
      const fifth = { code: "10110001110", label: "5EME" }
      const other = StructureId.make("school-b")
      const schooling: ReadonlyArray<Schooling> = [
        { structureId: school, levels: [sixth], subLevels: [bilingual], disciplines: [] },
        { structureId: other, levels: [], subLevels: [], disciplines: [{ code: "L1300", label: "MATHEMATIQUES" }] },
      ]
      const set = (actor: Actor.Actor, given: ReadonlyArray<Schooling>): Command => ({
        _tag: "UpdateAccountSchooling",
        actor,
        accountId,
        schooling: given,
      })
      const first = given(Account.aggregate, active()).when(set(feed, schooling)).accepted().events
      assert.strictEqual(first.length, 1)
      // The same values in another order are the same schooling (a re-import appends nothing).
      const again = reversed ? [...schooling].reverse() : schooling
      const next = changed
        ? again.map((entry) =>
            entry.structureId === school ? { ...entry, levels: [fifth], subLevels: [fifth] } : entry,
          )
        : again
      const decided = given(Account.aggregate, [...active(), ...first])
        .when(set(feed, next))
        .accepted().events
      if (!changed) assert.deepStrictEqual(decided, [])
      else {
        assert.strictEqual(decided.length, 1)
        const state = fold(Account.aggregate, [...active(), ...first, ...decided])
        assert.ok(state._tag === "Account")
        assert.deepStrictEqual(state.schooling.find((entry) => entry.structureId === school)?.levels, [fifth])
      }
      // A feed account's schooling is the feed's (as its identity, BR-ACC-9).
      assert.deepStrictEqual(message(active(), set(admin, next)).slice(0, 2), ["BR-MSG-3", "NotAuthorized"])
    },
  )

  it.prop(
    "BR-ACC-6 blocking what is blocked records nothing; each application is blocked on its own",
    [
      FastCheck.constantFrom(undefined, "Messagerie", "Cahier de textes"),
      FastCheck.constantFrom(undefined, "Messagerie", "Cahier de textes"),
    ],
    ([first, second]) => {
      const blocked: Event = {
        _tag: "AccountBlocked",
        accountId,
        blockedBy: admin.accountId,
        ...(first === undefined ? {} : { application: first }),
      }
      const command: Command = {
        _tag: "BlockAccount",
        actor: admin,
        accountId,
        ...(second === undefined ? {} : { application: second }),
      }
      given(Account.aggregate, [...active(), blocked])
        .when(command)
        .then(
          first === second
            ? []
            : [
                {
                  _tag: "AccountBlocked",
                  accountId,
                  blockedBy: admin.accountId,
                  ...(second === undefined ? {} : { application: second }),
                },
              ],
        )
    },
  )

  it("BR-ACC-10 setting the alias it has records nothing", () => {
    const alias = Credentials.Login.make("marie.arnaud")
    const history = [...active(), { _tag: "LoginAliasSet", accountId, alias } satisfies Event]
    given(Account.aggregate, history).when({ _tag: "SetLoginAlias", actor: holder, accountId, alias }).then([])
    const other = Credentials.Login.make("m.arnaud")
    given(Account.aggregate, history)
      .when({ _tag: "SetLoginAlias", actor: holder, accountId, alias: other })
      .then([{ _tag: "LoginAliasSet", accountId, alias: other }])
  })

  it("BR-ACC-10 each provider's identity is linked, refused and unlinked on its own", () => {
    const linked = (provider: string, subject: string): Event => ({
      _tag: "ExternalIdentityLinked",
      accountId,
      provider,
      subject,
    })
    const history = [...active("Student"), linked("EduConnect", "ec-1"), linked("FranceConnect", "fc-1")]
    const link = (provider: string, subject: string): Command => ({
      _tag: "LinkExternalIdentity",
      actor: holder,
      accountId,
      provider,
      subject,
    })
    given(Account.aggregate, history).when(link("FranceConnect", "fc-1")).then([])
    assert.deepStrictEqual(message(history, link("FranceConnect", "ec-1")), [
      "BR-ACC-10",
      "IdentityConflict",
      "Another FranceConnect identity is linked: unlink it before linking a new one",
    ])
    const unlinkFc: Command = { _tag: "UnlinkExternalIdentity", actor: holder, accountId, provider: "FranceConnect" }
    const state = given(Account.aggregate, history)
      .when(unlinkFc)
      .then([{ _tag: "ExternalIdentityUnlinked", accountId, provider: "FranceConnect" }])
    assert.ok(state._tag === "Account")
    assert.deepStrictEqual(state.externalIdentities, [{ provider: "EduConnect", subject: "ec-1" }])
    // The other provider's identity still stands: linking it again records nothing, another is refused.
    const after = [...history, { _tag: "ExternalIdentityUnlinked", accountId, provider: "FranceConnect" } as Event]
    given(Account.aggregate, after).when(link("EduConnect", "ec-1")).then([])
    given(Account.aggregate, after)
      .when(link("FranceConnect", "fc-2"))
      .then([linked("FranceConnect", "fc-2")])
    given(Account.aggregate, after).when(unlinkFc).then([])
  })

  it.prop(
    "BR-ACC-10 an identity linked to another account is refused, the holder itself relinks as a repeat",
    [FastCheck.constantFrom<"none" | "self" | "other">("none", "self", "other")],
    ([holderKind]) => {
      const identityHolder =
        holderKind === "none" ? undefined : holderKind === "self" ? accountId : AccountId.make("acc-2")
      const link: Command = {
        _tag: "LinkExternalIdentity",
        actor: feed,
        accountId,
        provider: "EduConnect",
        subject: "ec-9",
        ...(identityHolder === undefined ? {} : { identityHolder }),
      }
      const spec = given(Account.aggregate, active("Student")).when(link)
      // From BR-ACC-10: an identity is linked to one account ("rapprochement").
      if (holderKind === "other") {
        spec.thenRejects({
          ruleId: "BR-ACC-10",
          reason: "IdentityConflict",
          message: "This EduConnect identity is linked to another account",
        })
      } else {
        spec.then([{ _tag: "ExternalIdentityLinked", accountId, provider: "EduConnect", subject: "ec-9" }])
      }
    },
  )

  it("BR-ACC-7 an account is not its own pupil's accompanying adult", () => {
    assert.deepStrictEqual(
      message(active("Personnel", false), {
        _tag: "LinkAccompanyingAdult",
        actor: admin,
        accountId,
        pupilId: accountId,
        kind: "AESH",
      }),
      ["BR-ACC-7", "InvalidLink", "A pupil cannot be an accompanying adult"],
    )
  })

  it("BR-ACC-9 erasing what is erased records nothing", () => {
    const history: ReadonlyArray<Event> = [
      ...active(),
      { _tag: "AccountPreDeleted", accountId },
      { _tag: "AccountDeleted", accountId },
      { _tag: "AccountDataErased", accountId },
    ]
    given(Account.aggregate, history).when({ _tag: "EraseAccountData", actor: admin, accountId }).then([])
  })
})

describe("Account: a removed or absent account", () => {
  const password = Redacted.make("Secret1")
  const logins: ReadonlyArray<Command> = [
    {
      _tag: "ActivateAccount",
      accountId,
      login,
      activationCode: "3n6g8fmj",
      password,
      passwordHash: AccountArbitraries.passwordHash,
      charterAccepted: true,
      email: "marie.a@example.org",
    },
    {
      _tag: "RenewPassword",
      accountId,
      login,
      renewalCode: "3n6g8fmj",
      password,
      passwordHash: AccountArbitraries.passwordHash,
    },
  ]
  const others: ReadonlyArray<Command> = [
    { _tag: "BlockAccount", actor: admin, accountId },
    { _tag: "SetLoginAlias", actor: holder, accountId, alias: Credentials.Login.make("m.a") },
    { _tag: "AttachAccountToStructure", actor: admin, accountId, structureId: school },
  ]

  it("BR-ACC-12 a (pre-)deleted account answers a login as any wrong login, and is restored before anything else", () => {
    const preDeleted: ReadonlyArray<Event> = [...active(), { _tag: "AccountPreDeleted", accountId }]
    const deleted: ReadonlyArray<Event> = [...preDeleted, { _tag: "AccountDeleted", accountId }]
    for (const [history, word] of [
      [preDeleted, "pre-deleted"],
      [deleted, "deleted"],
    ] as const) {
      for (const command of logins) {
        const decision = Account.decide(command, fold(Account.aggregate, history))
        assert.deepStrictEqual(decision, Either.left(Account.invalidCredentials))
      }
      for (const command of others) {
        assert.deepStrictEqual(message(history, command), [
          "BR-ACC-12",
          "InvalidState",
          `Account acc-1 is ${word}: restore it first`,
        ])
      }
    }
  })

  it("BR-ACC-12 an absent account answers a login as any wrong login, and anything else as not found", () => {
    for (const command of logins) {
      assert.deepStrictEqual(Account.decide(command, Account.initialState), Either.left(Account.invalidCredentials))
    }
    for (const command of others) {
      assert.deepStrictEqual(message([], command), ["BR-ACC-12", "NotFound", "Account acc-1 does not exist"])
    }
  })
})

/**
 * BR-ACC-11 with the levels of BR-SIG-2: administrators of a district, a
 * department or an academy manage the accounts of the schools in their scope,
 * and nowhere else. The oracle is the pool's map written out by hand.
 */
import * as Account from "@cartable/domain/Account"
import type * as Actor from "@cartable/domain/Actor"
import * as Credentials from "@cartable/domain/Credentials"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import type { RuleId } from "@cartable/domain/Rules"
import { fold } from "@cartable/kernel/Decider"
import * as AccountArbitraries from "@cartable/testing/AccountArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"

const [schoolA, schoolB, schoolC] = AccountArbitraries.scopes.schools as [StructureId, StructureId, StructureId]

// The pool's map (AccountArbitraries.locations): A and B in district-1, C in district-2, all three in
// department-57 and academy-nancy. Scopes of other names cover nothing.
const covered: Readonly<Record<string, ReadonlyArray<StructureId>>> = {
  "District district-1": [schoolA, schoolB],
  "District district-2": [schoolC],
  "Department department-57": [schoolA, schoolB, schoolC],
  "Academy academy-nancy": [schoolA, schoolB, schoolC],
}

const level = FastCheck.constantFrom<Actor.AdminLevel>("District", "Department", "Academy")
const scope = FastCheck.constantFrom(
  ...["district-1", "district-2", "department-57", "academy-nancy", "district-3", "school-a"].map((id) =>
    StructureId.make(id),
  ),
)
const administrator = FastCheck.tuple(level, scope).map(
  ([level, scopeId]): Actor.Actor => ({
    accountId: AccountId.make("admin-9"),
    roles: [{ _tag: "Administrator", level, scopeId }],
  }),
)

const accountId = AccountId.make("acc-1")
const history = (schools: ReadonlyArray<StructureId>): ReadonlyArray<Account.AccountEvent> => [
  {
    _tag: "AccountProvisioned",
    accountId,
    profile: "Teacher",
    origin: { _tag: "Feed", source: "AAF", externalId: "j-1" },
    structureId: schools[0]!,
    login: Credentials.Login.make("marie.a"),
    firstName: "Marie",
    lastName: "Arnaud",
    activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
  },
  ...schools.slice(1).map(
    (structureId): Account.AccountEvent => ({
      _tag: "AccountAttachedToStructure",
      accountId,
      structureId,
    }),
  ),
  { _tag: "AccountActivated", accountId, charterAccepted: true, email: "marie.a@example.org" },
]

type Located = ReadonlyArray<Actor.Location>
// Commands on the account's schools, and commands on a school they name, with the rule each checks.
const onAccount: ReadonlyArray<readonly [RuleId, (actor: Actor.Actor, locations: Located) => Account.AccountCommand]> =
  [
    ["BR-ACC-6", (actor, locations) => ({ _tag: "BlockAccount", actor, accountId, locations })],
    ["BR-ACC-9", (actor, locations) => ({ _tag: "PreDeleteAccount", actor, accountId, locations })],
    ["BR-CDT-5", (actor, locations) => ({ _tag: "GrantInspectorAccess", actor, accountId, locations })],
    [
      "BR-ACC-5",
      (actor, locations) => ({
        _tag: "IssuePasswordRenewalCode",
        actor,
        accountId,
        locations,
        renewalCode: Credentials.OneTimeCode.make("3d3nbrm8"),
        pupilClassIds: [],
      }),
    ],
  ]
const onSchool: ReadonlyArray<
  readonly [RuleId, (actor: Actor.Actor, structureId: StructureId, locations: Located) => Account.AccountCommand]
> = [
  [
    "BR-ACC-11",
    (actor, structureId, locations) => ({ _tag: "GrantAdministratorRight", actor, accountId, structureId, locations }),
  ],
  [
    "BR-ACC-8",
    (actor, structureId, locations) => ({ _tag: "AttachAccountToStructure", actor, accountId, structureId, locations }),
  ],
]

const check = (
  ruleId: RuleId,
  command: Account.AccountCommand,
  schools: ReadonlyArray<StructureId>,
  allowed: boolean,
) => {
  const decision = Account.decide(command, fold(Account.aggregate, history(schools)))
  const label = `${command._tag} by ${JSON.stringify((command as { readonly actor: Actor.Actor }).actor.roles)} (${allowed ? "allowed" : "refused"})`
  if (allowed) {
    assert.ok(Either.isRight(decision), `${label}: ${Either.isLeft(decision) ? decision.left.message : ""}`)
    assert.isAbove(decision.right.length, 0, label)
  } else {
    assert.ok(Either.isLeft(decision), label)
    assert.deepStrictEqual(
      { ruleId: decision.left.ruleId, reason: decision.left.reason },
      { ruleId, reason: "NotAuthorized" },
    )
  }
}

const schools = FastCheck.shuffledSubarray([schoolA, schoolB, schoolC], { minLength: 1 })
const scopeOf = (actor: Actor.Actor) => {
  const role = actor.roles[0] as Extract<Actor.Role, { readonly _tag: "Administrator" }>
  return covered[`${role.level} ${role.scopeId}`] ?? []
}

describe("Account administrators above the school", () => {
  it.prop(
    "BR-ACC-11 a district, department or academy administrator manages the accounts of the schools in his scope and nowhere else",
    [administrator, schools, FastCheck.constantFrom(...onAccount)],
    ([actor, accountSchools, [ruleId, make]]) => {
      const allowed = accountSchools.some((school) => scopeOf(actor).includes(school))
      check(ruleId, make(actor, AccountArbitraries.locations), accountSchools, allowed)
    },
    { fastCheck: { numRuns: 300 } },
  )

  it.prop(
    "BR-ACC-11 a district, department or academy administrator grants rights and attaches accounts in the schools of his scope only",
    [administrator, schools, FastCheck.constantFrom(schoolA, schoolB, schoolC), FastCheck.constantFrom(...onSchool)],
    ([actor, accountSchools, target, [ruleId, make]]) => {
      const attached = accountSchools.includes(target)
      const command = make(actor, target, AccountArbitraries.locations)
      // Attaching to a school the account is in records nothing: draw the account elsewhere.
      const inSchools =
        command._tag === "AttachAccountToStructure" && attached
          ? accountSchools.filter((s) => s !== target)
          : accountSchools
      if (inSchools.length === 0) return
      check(ruleId, command, inSchools, scopeOf(actor).includes(target))
    },
    { fastCheck: { numRuns: 300 } },
  )

  it.prop(
    "BR-ACC-11 a school the locations place elsewhere is out of the scope, whatever its id",
    [administrator, schools, FastCheck.constantFrom(...onAccount)],
    ([actor, accountSchools, [ruleId, make]]) => {
      check(ruleId, make(actor, AccountArbitraries.elsewhere), accountSchools, false)
    },
  )
})

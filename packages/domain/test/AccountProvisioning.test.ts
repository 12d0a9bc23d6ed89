import * as Account from "@cartable/domain/Account"
import * as Actor from "@cartable/domain/Actor"
import * as Credentials from "@cartable/domain/Credentials"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"

// What a provisioning brings with it (ProvisionAccount's email, schooling and links) obeys the rules those
// values obey when given later, one command each: BR-ACC-7 for a relative's children, BR-ACC-3 for the
// e-mail, BR-MSG-3 for the schooling; and it is all or nothing. The oracle below is written from the rules,
// not from the decision.

const feed = Actor.system("aaf-import")
const school = StructureId.make("0570001A")
const relativeId = AccountId.make("relative-new")
const pupils = ["pupil-1", "pupil-2", "pupil-3"].map((id) => AccountId.make(id))

// The person provisioned, and other relative accounts the log may already link to a pupil: the same
// person (case and accents aside: seed 004 "doublons responsables") or someone else.
const person = { firstName: "Jean", lastName: "Dupont" }
const others = [
  { accountId: AccountId.make("relative-a"), firstName: "JEAN", lastName: "dupont", same: true },
  { accountId: AccountId.make("relative-b"), firstName: "Jéan", lastName: "Dupont", same: true },
  { accountId: AccountId.make("relative-c"), firstName: "Anne", lastName: "Dupont", same: false },
]
const emails: ReadonlyArray<readonly [string, boolean]> = [
  ["jean.dupont@example.org", true],
  ["jean.dupont", false],
]
const schooling = [
  {
    structureId: school,
    levels: [{ code: "10310019110", label: "3EME" }],
    subLevels: [],
    disciplines: [],
  },
]

const flags = FastCheck.record({
  legalAuthority: FastCheck.boolean(),
  financial: FastCheck.boolean(),
  contact: FastCheck.boolean(),
})
// What the log says of each pupil: his profile (absent: no such account) and the relatives linked to him.
const pupilFacts = FastCheck.record({
  profile: FastCheck.constantFrom<Account.Profile | undefined>("Student", "Student", "Teacher", undefined),
  relatives: FastCheck.subarray(others, { maxLength: 2 }),
})

/** A relative's provisioning by the feed, bringing nothing. */
const relativeProvisioning = {
  _tag: "ProvisionAccount",
  actor: feed,
  accountId: relativeId,
  profile: "Relative",
  origin: { _tag: "Feed", source: "AAF", externalId: "8000001" },
  structureId: school,
  login: Credentials.Login.make("jean.dupont"),
  ...person,
  activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
} satisfies Account.AccountCommand

describe("ProvisionAccount with what it brings", () => {
  it.prop(
    "BR-ACC-7 a relative provisioned with his children is linked to each as a link would be: a child who is no pupil, or who has this person's account already, refuses the whole provisioning",
    [
      FastCheck.constantFrom<Account.Profile>("Relative", "Relative", "Relative", "Teacher"),
      FastCheck.array(FastCheck.tuple(FastCheck.constantFrom(...pupils), flags), { maxLength: 4 }),
      FastCheck.tuple(pupilFacts, pupilFacts, pupilFacts),
      FastCheck.option(FastCheck.constantFrom(...emails), { nil: undefined }),
      FastCheck.boolean(),
    ],
    ([profile, links, facts, email, withSchooling]) => {
      const factOf = new Map(pupils.map((pupilId, i) => [pupilId, facts[i]!]))
      const command: Account.AccountCommand = {
        ...relativeProvisioning,
        profile,
        ...(email === undefined ? {} : { email: email[0] }),
        ...(withSchooling ? { schooling } : {}),
        links: links.map(([pupilId, flags]) => ({ pupilId, ...flags })),
        pupils: [...factOf].map(([pupilId, fact]) => ({
          pupilId,
          ...(fact.profile === undefined ? {} : { profile: fact.profile }),
          relatives: fact.relatives.map(({ accountId, firstName, lastName }) => ({ accountId, firstName, lastName })),
        })),
      }
      const decision = Account.decide(command, Account.initialState)
      // The links are decided in their order: the first one a rule refuses is the provisioning's refusal.
      const refusedLink = links
        .map(([pupilId]) => factOf.get(pupilId)!)
        .map((fact) =>
          fact.profile !== "Student"
            ? "InvalidLink"
            : fact.relatives.some((other) => other.same)
              ? "DuplicateRelative"
              : undefined,
        )
        .find((reason) => reason !== undefined)
      const expected =
        email !== undefined && !email[1]
          ? "InvalidEmail"
          : links.length > 0 && profile !== "Relative"
            ? "InvalidLink"
            : refusedLink
      if (expected !== undefined) {
        assert.ok(Either.isLeft(decision), `refused as ${expected}`)
        assert.strictEqual(decision.left.reason, expected)
        assert.strictEqual(decision.left.ruleId, expected === "InvalidEmail" ? "BR-ACC-3" : "BR-ACC-7")
        return
      }
      assert.ok(Either.isRight(decision), JSON.stringify(Either.isLeft(decision) && decision.left.message))
      const state = decision.right.reduce(Account.evolve, Account.initialState)
      assert.ok(state._tag === "Account")
      // Each child once, with the flags the feed gave last for him.
      const wanted = new Map(links.map(([pupilId, flags]) => [pupilId, { pupilId, ...flags }]))
      assert.deepStrictEqual(
        [...state.relativeOf].sort((a, b) => a.pupilId.localeCompare(b.pupilId)),
        [...wanted.values()].sort((a, b) => a.pupilId.localeCompare(b.pupilId)),
      )
      assert.strictEqual(state.email, email?.[0])
      assert.deepStrictEqual(state.schooling, withSchooling ? schooling : [])
      assert.strictEqual(state.firstName, person.firstName)
      assert.deepStrictEqual(state.structureIds, [school])
      // The events the commands given one after another record: one provisioning, at most one identity,
      // one schooling, and one link per change of a child's flags.
      const tags = decision.right.map((event) => event._tag)
      assert.strictEqual(tags[0], "AccountProvisioned")
      assert.strictEqual(tags.filter((tag) => tag === "AccountIdentityUpdated").length, email === undefined ? 0 : 1)
      assert.strictEqual(tags.filter((tag) => tag === "AccountSchoolingUpdated").length, withSchooling ? 1 : 0)
      let changes = 0
      const current = new Map<string, string>()
      for (const [pupilId, flags] of links) {
        const key = JSON.stringify(flags)
        if (current.get(pupilId) !== key) changes++
        current.set(pupilId, key)
      }
      assert.strictEqual(tags.filter((tag) => tag === "RelativeLinked").length, changes)
    },
  )

  it("BR-ACC-7 a link without the log's word on its pupil (no fact) is refused: a caller cannot vouch for a pupil", () => {
    const decision = Account.decide(
      {
        ...relativeProvisioning,
        links: [{ pupilId: pupils[0]!, legalAuthority: true, financial: true, contact: true }],
      },
      Account.initialState,
    )
    assert.ok(Either.isLeft(decision))
    assert.strictEqual(decision.left.reason, "InvalidLink")
  })

  it("BR-ACC-8 a feed person provisioned again with an e-mail keeps his account and gets the e-mail; the same again records nothing", () => {
    const first = relativeProvisioning
    const state = Either.getOrThrow(Account.decide(first, Account.initialState)).reduce(
      Account.evolve,
      Account.initialState,
    )
    const again = { ...first, email: "jean.dupont@example.org", schooling }
    const events = Either.getOrThrow(Account.decide(again, state))
    assert.deepStrictEqual(
      events.map((event) => event._tag),
      ["AccountIdentityUpdated", "AccountSchoolingUpdated"],
    )
    const after = events.reduce(Account.evolve, state)
    assert.deepStrictEqual(Either.getOrThrow(Account.decide(again, after)), [])
  })
})

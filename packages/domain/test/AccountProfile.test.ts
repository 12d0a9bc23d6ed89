// A feed account's profile: the education staff (the feeds' PersEducNat category) moves between Teacher and
// Personnel as the feed says, keeping the account; nobody else changes profile. The oracle is written from
// DOMAIN.md (BR-ACC-1, BR-ACC-8) and docs/domain.md ("Accounts"), not computed with Account.ts.
import * as Account from "@cartable/domain/Account"
import type * as Actor from "@cartable/domain/Actor"
import * as Credentials from "@cartable/domain/Credentials"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import { fold } from "@cartable/kernel/Decider"
import * as AccountArbitraries from "@cartable/testing/AccountArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"

type Event = Account.AccountEvent

const accountId = AccountId.make("acc-1")
const school = StructureId.make("school-a")
const otherSchool = StructureId.make("school-b")
const staff: ReadonlyArray<Account.Profile> = ["Teacher", "Personnel"]
const isFeed = (actor: Actor.Actor) => actor.roles.some((role) => role._tag === "System")

const provisioned = (profile: Account.Profile, fromFeed: boolean): Event => ({
  _tag: "AccountProvisioned",
  accountId,
  profile,
  origin: fromFeed ? { _tag: "Feed", source: "AAF", externalId: "j-1" } : { _tag: "Manual" },
  structureId: school,
  login: Credentials.Login.make("marie.a"),
  firstName: "Marie",
  lastName: "Arnaud",
  activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
})
const activated: Event = { _tag: "AccountActivated", accountId, charterAccepted: true, email: "marie.a@example.org" }

// Actors of every kind: the pool's (administrators, the feed, teachers, pupils) and random ones, the feed
// one time in three so that its accepted changes are drawn as often as the refusals.
const anyActor = FastCheck.oneof(
  FastCheck.constant(AccountArbitraries.actors.find(isFeed)!),
  FastCheck.constantFrom(...AccountArbitraries.actors),
  AccountArbitraries.actor,
)
const history = FastCheck.record({
  profile: AccountArbitraries.profile,
  fromFeed: FastCheck.boolean(),
  activated: FastCheck.boolean(),
})
const historyOf = (h: { profile: Account.Profile; fromFeed: boolean; activated: boolean }): ReadonlyArray<Event> => [
  provisioned(h.profile, h.fromFeed),
  ...(h.activated ? [activated] : []),
]
const changed = (previous: Account.Profile, profile: Account.Profile): Event => ({
  _tag: "AccountProfileChanged",
  accountId,
  previous,
  profile,
})

describe("Account profiles", () => {
  it.prop(
    "BR-ACC-8 only the feed moves a feed account between Teacher and Personnel, and he keeps his account",
    [history, AccountArbitraries.profile, anyActor],
    ([h, profile, actor]) => {
      const state = fold(Account.aggregate, historyOf(h))
      const decision = Account.decide({ _tag: "ChangeAccountProfile", actor, accountId, profile }, state)
      if (!h.fromFeed || !isFeed(actor)) {
        assert.ok(Either.isLeft(decision), "only the feed changes a feed account's profile")
        assert.deepStrictEqual([decision.left.ruleId, decision.left.reason], ["BR-ACC-8", "NotAuthorized"])
        return
      }
      if (profile === h.profile) return assert.deepStrictEqual(decision, Either.right([]))
      if (!staff.includes(h.profile) || !staff.includes(profile)) {
        assert.ok(Either.isLeft(decision), `a ${h.profile} never becomes a ${profile}`)
        assert.strictEqual(decision.left.ruleId, "BR-ACC-8")
        return
      }
      assert.deepStrictEqual(decision, Either.right([changed(h.profile, profile)]))
      const after = Account.evolve(state, changed(h.profile, profile))
      const before = state as Account.Account
      // Same account, login and codes; only the profile moved.
      assert.deepStrictEqual(after, { ...before, profile })
      // Sent again: nothing more.
      assert.deepStrictEqual(
        Account.decide({ _tag: "ChangeAccountProfile", actor, accountId, profile }, after),
        Either.right([]),
      )
    },
    { fastCheck: { numRuns: 400 } },
  )

  it.prop(
    "BR-ACC-8 a re-import that gives a staff member the other profile moves him, anything else keeps one profile",
    [history, AccountArbitraries.profile, FastCheck.boolean()],
    ([h, profile, elsewhere]) => {
      const feed = AccountArbitraries.actors.find(isFeed)!
      const state = fold(Account.aggregate, historyOf({ ...h, fromFeed: true }))
      const structureId = elsewhere ? otherSchool : school
      const decision = Account.decide(
        Account.ProvisionAccount.make({
          actor: feed,
          accountId,
          profile,
          origin: { _tag: "Feed", source: "AAF", externalId: "j-1" },
          structureId,
          login: Credentials.Login.make("marie.a"),
          firstName: "Marie",
          lastName: "Arnaud",
          activationCode: Credentials.OneTimeCode.make("kd8n3p2q"),
        }),
        state,
      )
      const attach: ReadonlyArray<Event> = elsewhere
        ? [{ _tag: "AccountAttachedToStructure", accountId, structureId: otherSchool }]
        : []
      if (profile === h.profile) return assert.deepStrictEqual(decision, Either.right(attach))
      if (!staff.includes(h.profile) || !staff.includes(profile)) {
        assert.ok(Either.isLeft(decision), `a ${h.profile} is never provisioned again as a ${profile}`)
        assert.deepStrictEqual(
          [decision.left.ruleId, decision.left.reason, decision.left.message],
          [
            "BR-ACC-8",
            "AlreadyExists",
            `Account acc-1 is a ${h.profile} account: one feed person, one profile (only teachers and staff move, between Teacher and Personnel)`,
          ],
        )
        return
      }
      assert.deepStrictEqual(decision, Either.right([changed(h.profile, profile), ...attach]))
    },
    { fastCheck: { numRuns: 300 } },
  )
})

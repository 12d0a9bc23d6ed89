/**
 * BR-ACC-11 with the levels of BR-SIG-2, for homework books: an administrator
 * of a district, a department or an academy opens the books of the schools in
 * his scope, and nowhere else. The oracle is the pool's map written out by hand.
 */
import type * as Actor from "@cartable/domain/Actor"
import * as HomeworkBook from "@cartable/domain/HomeworkBook"
import { AccountId, GroupId, HomeworkBookId, StructureId } from "@cartable/domain/Ids"
import * as SchoolYear from "@cartable/domain/SchoolYear"
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

const administrator = FastCheck.tuple(
  FastCheck.constantFrom<Actor.AdminLevel>("District", "Department", "Academy"),
  FastCheck.constantFrom("district-1", "district-2", "department-57", "academy-nancy", "district-3", "school-a"),
).map(
  ([level, scopeId]): Actor.Actor => ({
    accountId: AccountId.make("admin-9"),
    roles: [{ _tag: "Administrator", level, scopeId: StructureId.make(scopeId) }],
  }),
)

describe("Homework books and administrators above the school", () => {
  it.prop(
    "BR-ACC-11 a district, department or academy administrator opens the homework books of the schools in his scope only",
    [administrator, FastCheck.constantFrom(schoolA, schoolB, schoolC), FastCheck.boolean()],
    ([actor, school, located]) => {
      const role = actor.roles[0] as Extract<Actor.Role, { readonly _tag: "Administrator" }>
      // Without the locations fact, a school is judged on its id: no right above the school covers it.
      const allowed = located && (covered[`${role.level} ${role.scopeId}`] ?? []).includes(school)
      const decision = HomeworkBook.decide(
        {
          _tag: "OpenHomeworkBook",
          actor,
          homeworkBookId: HomeworkBookId.make("hb-1"),
          structureId: school,
          groupId: GroupId.make("class-1"),
          schoolYear: SchoolYear.SchoolYear.make("2026-2027"),
          ...(located ? { locations: AccountArbitraries.locations } : {}),
        },
        HomeworkBook.initialState,
      )
      if (allowed) assert.isTrue(Either.isRight(decision) && decision.right.length === 1)
      else {
        assert.isTrue(Either.isLeft(decision))
        if (Either.isLeft(decision)) {
          assert.deepStrictEqual(
            { ruleId: decision.left.ruleId, reason: decision.left.reason },
            { ruleId: "BR-CDT-1", reason: "NotAuthorized" },
          )
        }
      }
    },
    { fastCheck: { numRuns: 200 } },
  )
})

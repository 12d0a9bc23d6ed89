import * as Actor from "@cartable/domain/Actor"
import { AccountId, GroupId, StructureId } from "@cartable/domain/Ids"
import * as Arbitraries from "@cartable/testing/Arbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"

const schools = ["school-a", "school-b"].map((id) => StructureId.make(id))
const districts = ["district-1", "district-2"].map((id) => StructureId.make(id))
const departments = ["department-1", "department-2"].map((id) => StructureId.make(id))
const academies = ["academy-1", "academy-2"].map((id) => StructureId.make(id))
const groups = ["g-1", "g-2", "g-3"].map((id) => GroupId.make(id))
// Every id may show up at every level, so a role can name the right id at the wrong level.
const scopes = { structureIds: [...schools, ...districts, ...departments, ...academies], groupIds: groups }
const actorArb = Arbitraries.actor(scopes)
// The checks are cheap and some cases rare (a district role without a scope at a school without a district).
const fastCheck = { numRuns: 1000 }

const location = FastCheck.record(
  {
    structureId: FastCheck.constantFrom(...schools),
    districtId: FastCheck.constantFrom(...districts),
    departmentId: FastCheck.constantFrom(...departments),
    academyId: FastCheck.constantFrom(...academies),
  },
  { requiredKeys: ["structureId"] },
)

/**
 * The oracle of BR-SIG-2's scopes, from DOMAIN.md: a school is administered by its
 * own administrators, those of the district (ERUN), department (CPD numérique) and
 * academy (DANE) above it, and the platform vendor, whatever scope he names.
 */
const coveringScopes = (at: Actor.Location): ReadonlyArray<string> => [
  `School ${at.structureId}`,
  ...(at.districtId === undefined ? [] : [`District ${at.districtId}`]),
  ...(at.departmentId === undefined ? [] : [`Department ${at.departmentId}`]),
  ...(at.academyId === undefined ? [] : [`Academy ${at.academyId}`]),
]
const roleCovers = (role: Actor.Role, at: Actor.Location) =>
  role._tag === "Administrator" &&
  (role.level === "Platform" || coveringScopes(at).includes(`${role.level} ${role.scopeId}`))

describe("Actor", () => {
  it.prop(
    "BR-SIG-2 an administrator covers a school from its own level of the hierarchy, the vendor covers all",
    [actorArb, location],
    ([actor, at]) => {
      for (const role of actor.roles)
        assert.strictEqual(Actor.covers(role, at), roleCovers(role, at), JSON.stringify(role))
      assert.strictEqual(
        Actor.administers(actor, at),
        actor.roles.some((role) => roleCovers(role, at)),
      )
    },
    { fastCheck },
  )

  it.prop(
    "BR-SIG-2 a school-level or platform administrator administers one of a list of schools; no other role does",
    [actorArb, FastCheck.uniqueArray(FastCheck.constantFrom(...scopes.structureIds), { maxLength: 3 })],
    ([actor, structureIds]) => {
      const expected = actor.roles.some(
        (role) =>
          role._tag === "Administrator" &&
          (role.level === "Platform" ||
            (role.level === "School" && role.scopeId !== undefined && structureIds.includes(role.scopeId))),
      )
      assert.strictEqual(Actor.administersAny(actor, structureIds), expected)
    },
    { fastCheck },
  )

  it.prop(
    "BR-GRP-3 direction of a school is a Direction role naming that school",
    [actorArb, FastCheck.constantFrom(...scopes.structureIds)],
    ([actor, structureId]) => {
      const expected = actor.roles.some((role) => role._tag === "Direction" && role.structureId === structureId)
      assert.strictEqual(Actor.isDirectionOf(actor, structureId), expected)
    },
    { fastCheck },
  )

  it.prop(
    "BR-GRP-1 a teacher teaches the classes and groups his role lists in its school only",
    [actorArb, FastCheck.constantFrom(...scopes.structureIds), FastCheck.constantFrom(...groups)],
    ([actor, structureId, groupId]) => {
      const expected = actor.roles.some(
        (role) => role._tag === "Teacher" && role.structureId === structureId && role.groupIds.includes(groupId),
      )
      assert.strictEqual(Actor.teaches(actor, structureId, groupId), expected)
    },
    { fastCheck },
  )

  it.prop(
    "the system is any actor with a System role",
    [actorArb],
    ([actor]) => {
      assert.strictEqual(
        Actor.isSystem(actor),
        actor.roles.some((role) => role._tag === "System"),
      )
    },
    { fastCheck },
  )

  it.prop(
    "Actor.system is an automated process: it administers nothing",
    [FastCheck.constantFrom("aaf", "report-follow-up"), location],
    ([process, at]) => {
      const actor = Actor.system(process)
      assert.deepStrictEqual(actor, {
        accountId: AccountId.make(`system:${process}`),
        roles: [{ _tag: "System", process }],
      })
      assert.ok(Actor.isSystem(actor))
      assert.notOk(Actor.administers(actor, at))
      assert.notOk(Actor.administersAny(actor, schools))
    },
    { fastCheck },
  )
})

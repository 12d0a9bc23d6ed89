import type * as Actor from "@cartable/domain/Actor"
import { type AccountId, type GroupId, StructureId } from "@cartable/domain/Ids"
import type { RuleId } from "@cartable/domain/Rules"
import * as Structure from "@cartable/domain/Structure"
import * as Arbitraries from "@cartable/testing/Arbitraries"
import { run } from "@cartable/testing/DeciderSpec"
import * as StructureArbitraries from "@cartable/testing/StructureArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"

const { ids, actors, setup } = StructureArbitraries
const schoolA = ids.schools[0]!
const [year] = ids.years
const { classA, classB, manual, direction } = ids.groups
const [pupil, otherPupil] = ids.pupils as [AccountId, AccountId]
const [teacher, otherTeacher] = ids.teachers as [AccountId, AccountId]

// Right and wrong scopes at every level: school A sits in district-muret, department-31, academy-toulouse.
const scopes = {
  structureIds: [
    schoolA,
    ids.schools[1]!,
    ids.district,
    ids.department,
    ids.academy,
    ...["district-other", "department-other", "academy-other"].map((id) => StructureId.make(id)),
  ],
  groupIds: [classA, classB, manual],
}
const actorArb = FastCheck.oneof(
  { weight: 4, arbitrary: Arbitraries.actor(scopes) },
  { weight: 1, arbitrary: FastCheck.constantFrom(...StructureArbitraries.actorList) },
)

/**
 * The oracle, from DOMAIN.md: school A's ENT administrators and those of the
 * district, department and academy above it, and the platform vendor, administer
 * it (BR-SIG-2); the directory feed is a System actor. Direction, teachers and
 * inspectors hold no right over classes and memberships (decision).
 */
const aboveA = [
  `School ${schoolA}`,
  `District ${ids.district}`,
  `Department ${ids.department}`,
  `Academy ${ids.academy}`,
]
const administersA = (actor: Actor.Actor) =>
  actor.roles.some(
    (role) =>
      role._tag === "Administrator" && (role.level === "Platform" || aboveA.includes(`${role.level} ${role.scopeId}`)),
  )
const isFeed = (actor: Actor.Actor) => actor.roles.some((role) => role._tag === "System")
const isVendor = (actor: Actor.Actor) =>
  actor.roles.some((role) => role._tag === "Administrator" && role.level === "Platform")

type Command = Structure.StructureCommand
type Expected = "Accepted" | { readonly ruleId: RuleId; readonly reason: Structure.StructureRejectionReason }

/** School A with a teacher attached by hand to class A, a pupil the feed put in class A, one in the manual group. */
const before = run(Structure.aggregate, [
  ...setup.filter((command) => command.structureId === schoolA),
  assignment(classA, teacher, "Teacher", "Manual", actors.adminA),
  assignment(classA, pupil, "Student", "Feed", actors.feed),
  assignment(manual, otherPupil, "Member", "Manual", actors.adminA),
])
assert.ok(before.steps.every((step) => Either.isRight(step.decision)))

function assignment(
  groupId: GroupId,
  accountId: AccountId,
  role: Structure.GroupRole,
  source: Structure.Source,
  actor: Actor.Actor,
): Command {
  return { _tag: "AssignToGroup", actor, structureId: schoolA, groupId, accountId, role, source }
}
const removal = (groupId: GroupId, accountId: AccountId, source: Structure.Source, actor: Actor.Actor): Command => ({
  _tag: "UnassignFromGroup",
  actor,
  structureId: schoolA,
  groupId,
  accountId,
  source,
})
const opening = (kind: Structure.GroupKind, owner: Structure.Source, actor: Actor.Actor): Command => ({
  _tag: "OpenGroup",
  actor,
  structureId: schoolA,
  groupId: Structure.groupIdOf(schoolA, `NEW-${kind}`),
  kind,
  name: "Nouveau groupe",
  schoolYear: year!,
  owner,
})

const registration = setup[0]!
if (registration._tag !== "RegisterStructure") throw new Error("the pool's setup starts with a registration")

const allowedOr =
  (ruleId: RuleId, may: (actor: Actor.Actor) => boolean) =>
  (actor: Actor.Actor): Expected =>
    may(actor) ? "Accepted" : { ruleId, reason: "NotAuthorized" }
const byHand = allowedOr("BR-GRP-6", administersA)
const byFeed = allowedOr("BR-GRP-6", isFeed)
/** A feed-owned membership: administrators learn it is the feed's, others that they have no right. */
const feedOwned = (actor: Actor.Actor): Expected =>
  administersA(actor) ? { ruleId: "BR-GRP-6", reason: "FeedOwned" } : { ruleId: "BR-GRP-6", reason: "NotAuthorized" }
const never = (): Expected => ({ ruleId: "BR-GRP-6", reason: "NotAuthorized" })

const cases: ReadonlyArray<{
  readonly name: string
  readonly command: (actor: Actor.Actor) => Command
  readonly expected: (actor: Actor.Actor) => Expected
}> = [
  { name: "open a manual group", command: (a) => opening("ManualGroup", "Manual", a), expected: byHand },
  { name: "open a feed class", command: (a) => opening("Class", "Feed", a), expected: byFeed },
  { name: "open a teaching group by hand", command: (a) => opening("TeachingGroup", "Manual", a), expected: byHand },
  {
    name: "BR-GRP-1 attach a teacher by hand",
    command: (a) => assignment(classA, otherTeacher, "Teacher", "Manual", a),
    expected: byHand,
  },
  {
    name: "BR-GRP-1 attach a teacher from the feed",
    command: (a) => assignment(classA, otherTeacher, "Teacher", "Feed", a),
    expected: byFeed,
  },
  {
    name: "BR-GRP-1 detach a teacher attached by hand",
    command: (a) => removal(classA, teacher, "Manual", a),
    expected: byHand,
  },
  {
    name: "BR-GRP-6 the feed detaches a teacher attached by hand",
    command: (a) => removal(classA, teacher, "Feed", a),
    expected: byFeed,
  },
  {
    name: "BR-GRP-2 put a pupil in a class by hand",
    command: (a) => assignment(classB, otherPupil, "Student", "Manual", a),
    expected: byHand,
  },
  {
    name: "BR-GRP-6 move by hand a pupil the feed placed",
    command: (a) => assignment(classB, pupil, "Student", "Manual", a),
    expected: feedOwned,
  },
  {
    name: "BR-GRP-6 change by hand the role the feed gave",
    command: (a) => assignment(classA, pupil, "Member", "Manual", a),
    expected: feedOwned,
  },
  {
    name: "BR-GRP-6 remove by hand a membership the feed made",
    command: (a) => removal(classA, pupil, "Manual", a),
    expected: feedOwned,
  },
  {
    name: "BR-GRP-6 the feed removes its own membership",
    command: (a) => removal(classA, pupil, "Feed", a),
    expected: byFeed,
  },
  {
    name: "remove a pupil from a manual group",
    command: (a) => removal(manual, otherPupil, "Manual", a),
    expected: byHand,
  },
  {
    name: "BR-GRP-6 a feed membership in a manual group",
    command: (a) => assignment(manual, pupil, "Member", "Feed", a),
    expected: never,
  },
  {
    name: "BR-GRP-6 a feed removal from a manual group",
    command: (a) => removal(manual, otherPupil, "Feed", a),
    expected: never,
  },
  {
    name: "BR-GRP-3 put the new head in Chef d'établissement by hand",
    command: (a) => assignment(direction, ids.head, "Member", "Manual", a),
    expected: byHand,
  },
  {
    name: "BR-GRP-3 put the new head in Chef d'établissement from the feed",
    command: (a) => assignment(direction, ids.head, "Member", "Feed", a),
    expected: byFeed,
  },
  {
    name: "BR-GRP-6 import a class's members",
    command: (actor) => ({
      _tag: "ImportGroupMembers",
      actor,
      structureId: schoolA,
      groupId: classB,
      roles: ["Student"],
      members: [{ accountId: otherPupil, role: "Student" }],
    }),
    expected: byFeed,
  },
  {
    name: "BR-GRP-6 import the members of a manual group",
    command: (actor) => ({
      _tag: "ImportGroupMembers",
      actor,
      structureId: schoolA,
      groupId: manual,
      roles: ["Member"],
      members: [],
    }),
    expected: never,
  },
  {
    name: "BR-GRP-5 rename a feed class",
    command: (actor) => ({ _tag: "RenameGroup", actor, structureId: schoolA, groupId: classA, name: "6e Alpha" }),
    expected: byFeed,
  },
  {
    name: "BR-GRP-5 rename a manual group",
    command: (actor) => ({ _tag: "RenameGroup", actor, structureId: schoolA, groupId: manual, name: "Club cinéma" }),
    expected: byHand,
  },
  {
    name: "close a feed class",
    command: (actor) => ({ _tag: "CloseGroup", actor, structureId: schoolA, groupId: classB }),
    expected: byFeed,
  },
  {
    name: "close a manual group",
    command: (actor) => ({ _tag: "CloseGroup", actor, structureId: schoolA, groupId: manual }),
    expected: byHand,
  },
  {
    name: "BR-GRP-4 close the school year",
    command: (actor) => ({ _tag: "CloseSchoolYear", actor, structureId: schoolA, schoolYear: year! }),
    expected: allowedOr("BR-GRP-4", (actor) => isFeed(actor) || administersA(actor)),
  },
  {
    name: "BR-GRP-5 register a structure again under a corrected name",
    command: (actor) => ({ ...registration, name: "Collège Louise-Paulin", actor }),
    expected: allowedOr("BR-GRP-5", (actor) => isFeed(actor) || isVendor(actor)),
  },
]

describe("Structure rights", () => {
  it.prop(
    "BR-GRP-6 who may change a school's groups and memberships: the feed its own, administrators covering the school theirs",
    [FastCheck.constantFrom(...cases), actorArb],
    ([{ name, command, expected }, actor]) => {
      const decision = Structure.decide(command(actor), before.state)
      const want = expected(actor)
      const label = `${name} by ${JSON.stringify(actor.roles)}`
      if (want === "Accepted") {
        assert.ok(Either.isRight(decision), `${label}: ${Either.isLeft(decision) ? decision.left.message : ""}`)
        assert.isAbove(decision.right.length, 0, label)
      } else {
        assert.ok(Either.isLeft(decision), label)
        assert.deepStrictEqual({ ruleId: decision.left.ruleId, reason: decision.left.reason }, want, label)
      }
    },
    { fastCheck: { numRuns: 1000 } },
  )
})

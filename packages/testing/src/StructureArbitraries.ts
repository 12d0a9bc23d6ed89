/**
 * Arbitraries of Structure commands that meet each other: two schools under
 * one district, department and academy, a few classes and groups of each kind,
 * pupils and teachers, and actors with and without rights. Sequences start by
 * registering the schools and opening the groups, so that random assignments
 * land on groups that exist.
 *
 * @since 0.1.0
 */
import type * as Actor from "@cartable/domain/Actor"
import { AccountId, type GroupId, StructureId } from "@cartable/domain/Ids"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import * as Structure from "@cartable/domain/Structure"
import * as Uai from "@cartable/domain/Uai"
import * as FastCheck from "effect/FastCheck"
import * as Arbitraries from "./Arbitraries.ts"

const schoolA = StructureId.make("school-a")
const schoolB = StructureId.make("school-b")
const group = Structure.groupIdOf

/** The pool's ids. @since 0.1.0 */
export const ids = {
  schools: [schoolA, schoolB],
  uais: [Uai.Uai.make("0571994H"), Uai.Uai.make("0310001H")],
  district: StructureId.make("district-muret"),
  department: StructureId.make("department-31"),
  academy: StructureId.make("academy-toulouse"),
  years: [SchoolYear.starting(2025), SchoolYear.starting(2026)],
  groups: {
    classA: group(schoolA, "6A"),
    classB: group(schoolA, "5B"),
    teaching: group(schoolA, "6A-ANG1"),
    manual: group(schoolA, "CLUB-THEATRE"),
    direction: group(schoolA, "CHEF-ETAB"),
    superAdministrator: group(schoolA, "SUPER-ADMIN"),
    classOfB: group(schoolB, "6A"),
  },
  pupils: ["pupil-1", "pupil-2", "pupil-3"].map((id) => AccountId.make(id)),
  teachers: ["teacher-1", "teacher-2"].map((id) => AccountId.make(id)),
  head: AccountId.make("head-1"),
}

/** The pool's group ids. @since 0.1.0 */
export const groupIds: ReadonlyArray<GroupId> = Object.values(ids.groups)

/** The pool's accounts that join groups. @since 0.1.0 */
export const accountIds: ReadonlyArray<AccountId> = [...ids.pupils, ...ids.teachers, ids.head]

/**
 * Actors of the pool: school administrators of A and of B, the district's,
 * the platform vendor, the feed, a head with no administrator right, a stranger.
 *
 * @since 0.1.0
 */
export const actors = {
  adminA: {
    accountId: AccountId.make("admin-a"),
    roles: [{ _tag: "Administrator", level: "School", scopeId: schoolA }],
  },
  adminB: {
    accountId: AccountId.make("admin-b"),
    roles: [{ _tag: "Administrator", level: "School", scopeId: schoolB }],
  },
  erun: {
    accountId: AccountId.make("erun"),
    roles: [{ _tag: "Administrator", level: "District", scopeId: ids.district }],
  },
  vendor: { accountId: AccountId.make("vendor"), roles: [{ _tag: "Administrator", level: "Platform" }] },
  feed: { accountId: AccountId.make("system:aaf"), roles: [{ _tag: "System", process: "aaf" }] },
  head: { accountId: ids.head, roles: [{ _tag: "Direction", structureId: schoolA }] },
  stranger: { accountId: AccountId.make("stranger"), roles: [] },
} as const satisfies Readonly<Record<string, Actor.Actor>>

const year = ids.years[0]!

const open = (
  structureId: StructureId,
  groupId: GroupId,
  kind: Structure.GroupKind,
  name: string,
  owner: Structure.Source,
  fn?: Structure.GroupFunction,
): Structure.StructureCommand => ({
  _tag: "OpenGroup",
  actor: owner === "Feed" ? actors.feed : actors.adminA,
  structureId,
  groupId,
  kind,
  name,
  schoolYear: year,
  owner,
  ...(fn === undefined ? {} : { function: fn }),
})

/**
 * The commands that set the pool up: both schools registered by the feed under
 * the same district, department and academy, and their groups opened for the
 * first school year of the pool.
 *
 * @since 0.1.0
 */
export const setup: ReadonlyArray<Structure.StructureCommand> = [
  ...ids.schools.map(
    (structureId, i): Structure.StructureCommand => ({
      _tag: "RegisterStructure",
      actor: actors.feed,
      structureId,
      uai: ids.uais[i]!,
      name: i === 0 ? "Collège Louise Paulin" : "École Jean Jaurès",
      kind: i === 0 ? "SecondarySchool" : "PrimarySchool",
      districtId: ids.district,
      departmentId: ids.department,
      academyId: ids.academy,
    }),
  ),
  open(schoolA, ids.groups.classA, "Class", "6e A", "Feed"),
  open(schoolA, ids.groups.classB, "Class", "5e B", "Feed"),
  open(schoolA, ids.groups.teaching, "TeachingGroup", "6A Anglais groupe 1", "Feed"),
  open(schoolA, ids.groups.manual, "ManualGroup", "Club théâtre", "Manual"),
  open(schoolA, ids.groups.direction, "FunctionalGroup", "Chef d'établissement", "Feed", "Direction"),
  open(schoolA, ids.groups.superAdministrator, "FunctionalGroup", "Super Administrateur", "Feed", "SuperAdministrator"),
  open(schoolB, ids.groups.classOfB, "Class", "CM2", "Feed"),
]

const accountArb = FastCheck.constantFrom(...accountIds)
// Students and classes come up twice as often as the rest, so that BR-GRP-2 moves happen.
const roleArb = FastCheck.constantFrom<Structure.GroupRole>("Student", "Student", "Teacher", "Member")
const parentArb = (id: StructureId) => FastCheck.option(FastCheck.constant(id), { nil: undefined })
const groupsOfA = [
  ids.groups.classA,
  ids.groups.classB,
  ids.groups.classA,
  ids.groups.classB,
  ids.groups.teaching,
  ids.groups.manual,
  ids.groups.direction,
  ids.groups.superAdministrator,
]

/** The pool's actors. @since 0.1.0 */
export const actorList: ReadonlyArray<Actor.Actor> = Object.values(actors)

/** The field pool that steers Schema-derived commands. @since 0.1.0 */
export const pool: Arbitraries.Pool = {
  actor: FastCheck.constantFrom(...actorList),
  structureId: FastCheck.constantFrom(...ids.schools),
  uai: FastCheck.constantFrom(...ids.uais),
  districtId: parentArb(ids.district),
  departmentId: parentArb(ids.department),
  academyId: parentArb(ids.academy),
  groupId: FastCheck.constantFrom(...groupIds),
  accountId: accountArb,
  role: roleArb,
  schoolYear: FastCheck.constantFrom(...ids.years),
  name: FastCheck.constantFrom("6e A", "6eA", "Chef d'établissement", "Club théâtre"),
  members: FastCheck.array(FastCheck.record({ accountId: accountArb, role: roleArb }), { maxLength: 4 }),
}

const rightful = (source: Structure.Source, n: number): Actor.Actor =>
  source === "Feed" ? actors.feed : n % 2 === 0 ? actors.adminA : actors.erun

/**
 * Four times in five, a command gets a group of its own school and an actor
 * with the right to send it; otherwise it keeps what was drawn, often a
 * stranger's or another school's, so that rejections are exercised too.
 */
const steer = ([command, n]: readonly [Structure.StructureCommand, number]): Structure.StructureCommand => {
  if (n % 5 === 0) return command
  const groups = command.structureId === schoolA ? groupsOfA : [ids.groups.classOfB]
  const steered = "groupId" in command ? { ...command, groupId: groups[n % groups.length]! } : command
  switch (steered._tag) {
    case "OpenGroup":
      return { ...steered, actor: rightful(steered.owner, n) }
    case "AssignToGroup":
    case "UnassignFromGroup":
      return { ...steered, actor: rightful(steered.source, n) }
    case "ImportGroupMembers":
      return {
        ...steered,
        actor: actors.feed,
        members: steered.members.filter((member) => steered.roles.includes(member.role)),
      }
    default:
      return steered
  }
}

const steered = (arbitrary: FastCheck.Arbitrary<Structure.StructureCommand>) =>
  FastCheck.tuple(arbitrary, FastCheck.nat()).map(steer)

/** Any Structure command, steered by the pool. @since 0.1.0 */
export const command: FastCheck.Arbitrary<Structure.StructureCommand> = steered(
  Arbitraries.oneOf(Structure.commands, pool),
)

/** Sequences of Structure commands, after the pool's {@link setup}. @since 0.1.0 */
export const commands: FastCheck.Arbitrary<ReadonlyArray<Structure.StructureCommand>> = FastCheck.array(command, {
  minLength: 1,
  maxLength: 40,
  size: "max",
}).map((random) => [...setup, ...random])

/**
 * Sequences of membership commands only (assign, unassign, import) in school A,
 * after the setup: the histories BR-GRP-2 and BR-GRP-6 properties replay.
 *
 * @since 0.1.0
 */
export const membershipCommands: FastCheck.Arbitrary<ReadonlyArray<Structure.StructureCommand>> = (() => {
  // Few accounts, mostly two pupils, so that the same pupil meets several classes.
  const accountId = FastCheck.constantFrom(ids.pupils[0]!, ids.pupils[0]!, ids.pupils[1]!, ids.teachers[0]!, ids.head)
  const inA = {
    ...pool,
    structureId: FastCheck.constant(schoolA),
    accountId,
    members: FastCheck.array(FastCheck.record({ accountId, role: roleArb }), { maxLength: 4 }),
  }
  const membership = FastCheck.oneof(
    { arbitrary: Arbitraries.fromSchema(Structure.AssignToGroup, inA), weight: 4 },
    { arbitrary: Arbitraries.fromSchema(Structure.UnassignFromGroup, inA), weight: 1 },
    { arbitrary: Arbitraries.fromSchema(Structure.ImportGroupMembers, inA), weight: 1 },
  )
  return FastCheck.array(steered(membership), { minLength: 1, maxLength: 30, size: "max" }).map((random) => [
    ...setup,
    ...random,
  ])
})()

/**
 * The Structure aggregate: a school or an administrative unit with its UAI and
 * parents, and, for schools, the classes and groups of each school year and
 * their memberships (BR-GRP-1 to BR-GRP-6).
 *
 * @since 0.1.0
 */

import * as Decider from "@cartable/kernel/Decider"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Actor from "./Actor.ts"
import type { AccountId, GroupId, StructureId } from "./Ids.ts"
import { defined } from "./internal/fields.ts"
import { RuleId } from "./Rules.ts"
import type { SchoolYear } from "./SchoolYear.ts"
import * as SchoolYears from "./SchoolYear.ts"
import { StructureCommand } from "./StructureCommands.ts"
import type {
  GroupFunction,
  GroupKind,
  GroupRole,
  Hierarchy,
  Source,
  StructureEvent,
  StructureKind,
  Teaching,
} from "./StructureEvents.ts"
import { events as eventDefinitions } from "./StructureEvents.ts"
import type { Uai } from "./Uai.ts"

export * from "./StructureCommands.ts"
export * from "./StructureEvents.ts"

/**
 * Why a Structure command was rejected.
 *
 * @since 0.1.0
 */
export const StructureRejectionReason = Schema.Literal(
  "NotAuthorized",
  "NotFound",
  "AlreadyExists",
  "InvalidHierarchy",
  "InvalidGroup",
  "InvalidImport",
  "InvalidState",
  "Closed",
  "FeedOwned",
)
/** @since 0.1.0 */
export type StructureRejectionReason = typeof StructureRejectionReason.Type

/**
 * A Structure command broke a rule; nothing was recorded.
 *
 * @since 0.1.0
 */
export class StructureRejected extends Schema.TaggedError<StructureRejected>("@cartable/domain/StructureRejected")(
  "StructureRejected",
  { ruleId: RuleId, reason: StructureRejectionReason, message: Schema.String },
) {}

/**
 * An account's membership of a group.
 *
 * @since 0.1.0
 */
export interface Member extends Teaching {
  readonly role: GroupRole
  readonly source: Source
}

/**
 * A class or group of a school. `schoolYear` is the year it was opened for: a
 * class lives for that year only, other groups persist (BR-GRP-4).
 *
 * @since 0.1.0
 */
export interface Group {
  readonly groupId: GroupId
  readonly kind: GroupKind
  readonly name: string
  readonly schoolYear: SchoolYear
  readonly owner: Source
  readonly function: GroupFunction | undefined
  readonly open: boolean
  readonly members: ReadonlyMap<AccountId, Member>
}

/**
 * A registered structure.
 *
 * @since 0.1.0
 */
export interface Structure {
  readonly _tag: "Structure"
  readonly structureId: StructureId
  readonly uai: Uai
  readonly name: string
  readonly kind: StructureKind
  readonly hierarchy: Hierarchy
  readonly groups: ReadonlyMap<GroupId, Group>
  readonly closedYears: ReadonlyArray<SchoolYear>
  /** The last school year opened with `OpenSchoolYear`, if any (BR-GRP-4). */
  readonly currentYear: SchoolYear | undefined
  /** The digest of the full import held for an administrator's confirmation, if any (BR-FEED-1). */
  readonly heldImport: string | undefined
  /** The digest of the last held import an administrator confirmed, if any (BR-FEED-1). */
  readonly confirmedImport: string | undefined
}

/**
 * The state of a structure stream: absent until registered.
 *
 * @since 0.1.0
 */
export type StructureState = { readonly _tag: "Absent" } | Structure

/** @since 0.1.0 */
export const initialState: StructureState = { _tag: "Absent" }

/**
 * The display names the seeds give the functional groups of BR-GRP-3.
 *
 * @since 0.1.0
 */
export const functionalGroupNames: Readonly<Record<Exclude<GroupFunction, "Other">, string>> = {
  Direction: "Chef d'établissement",
  SuperAdministrator: "Super Administrateur",
  MailMerge: "Gestionnaire publipostage",
}

/**
 * Whether the structure is a school, the only kind with classes and groups.
 *
 * @since 0.1.0
 */
export const isSchool = (structure: Structure): boolean =>
  structure.kind === "PrimarySchool" || structure.kind === "SecondarySchool"

/**
 * Where the structure sits, for `Actor.administers`. A district, department or
 * academy is its own scope, so that its administrators cover it.
 *
 * @since 0.1.0
 */
export const locationOf = (structure: Structure): Actor.Location =>
  locationFrom(structure.structureId, structure.kind, structure.hierarchy)

/**
 * {@link locationOf} from a structure's id, kind and parents, as a read model
 * keeps them.
 *
 * @since 0.1.0
 */
export const locationFrom = (structureId: StructureId, kind: StructureKind, hierarchy: Hierarchy): Actor.Location => {
  const own =
    kind === "District"
      ? { districtId: structureId }
      : kind === "Department"
        ? { departmentId: structureId }
        : kind === "Academy"
          ? { academyId: structureId }
          : {}
  return {
    structureId,
    ...defined("districtId", hierarchy.districtId),
    ...defined("departmentId", hierarchy.departmentId),
    ...defined("academyId", hierarchy.academyId),
    ...own,
  }
}

/**
 * The administration level of a right granted on a structure of this kind (BR-ACC-11, BR-SIG-2).
 *
 * @since 0.1.0
 */
export const adminLevelOf = (kind: StructureKind): Actor.AdminLevel =>
  kind === "PrimarySchool" || kind === "SecondarySchool" ? "School" : kind

const openGroups = (state: StructureState): ReadonlyArray<Group> =>
  state._tag === "Absent" ? [] : [...state.groups.values()].filter((group) => group.open)

const membersWith = (state: StructureState, fn: GroupFunction): ReadonlyArray<AccountId> => [
  ...new Set(
    openGroups(state)
      .filter((group) => group.kind === "FunctionalGroup" && group.function === fn)
      .flatMap((group) => [...group.members.keys()]),
  ),
]

/**
 * The school's direction: members of its "Chef d'établissement" groups (BR-GRP-3).
 * Callers derive the actor's `Direction` role from it.
 *
 * @since 0.1.0
 */
export const directionOf = (state: StructureState): ReadonlyArray<AccountId> => membersWith(state, "Direction")

/**
 * Whether the account is direction of the school (BR-GRP-3).
 *
 * @since 0.1.0
 */
export const isDirection = (state: StructureState, accountId: AccountId): boolean =>
  directionOf(state).includes(accountId)

/**
 * The pupil's class in the school for a school year, if any (BR-GRP-2).
 *
 * @since 0.1.0
 */
export const classOf = (state: StructureState, accountId: AccountId, schoolYear: SchoolYear): GroupId | undefined =>
  openGroups(state).find(
    (group) =>
      group.kind === "Class" && group.schoolYear === schoolYear && group.members.get(accountId)?.role === "Student",
  )?.groupId

/**
 * The open groups the account belongs to, with one role if given (e.g. the
 * classes and groups a teacher teaches, for the actor's `Teacher` role).
 *
 * @since 0.1.0
 */
export const groupsOf = (state: StructureState, accountId: AccountId, role?: GroupRole): ReadonlyArray<GroupId> =>
  openGroups(state)
    .filter((group) => {
      const member = group.members.get(accountId)
      return member !== undefined && (role === undefined || member.role === role)
    })
    .map((group) => group.groupId)

/**
 * Something an administrator should check, which no rule forbids (BR-GRP-3):
 * a school without direction, or a head also in "Super Administrateur", which
 * the seed strongly advises against because it loses rights.
 *
 * @since 0.1.0
 */
export type StructureWarning =
  | { readonly _tag: "NoDirection"; readonly ruleId: "BR-GRP-3"; readonly message: string }
  | {
      readonly _tag: "DirectionInSuperAdministrator"
      readonly ruleId: "BR-GRP-3"
      readonly accountId: AccountId
      readonly message: string
    }

/**
 * The warnings an administration screen shows for the school (BR-GRP-3);
 * empty for a structure that is not a school.
 *
 * @since 0.1.0
 */
export const warningsOf = (state: StructureState): ReadonlyArray<StructureWarning> => {
  if (state._tag === "Absent" || !isSchool(state)) return []
  const direction = directionOf(state)
  const superAdministrators = membersWith(state, "SuperAdministrator")
  const noDirection: ReadonlyArray<StructureWarning> =
    direction.length === 0
      ? [
          {
            _tag: "NoDirection",
            ruleId: "BR-GRP-3",
            message: `Nobody is in "${functionalGroupNames.Direction}" in ${state.name}: put the head there`,
          },
        ]
      : []
  return [
    ...noDirection,
    ...direction
      .filter((accountId) => superAdministrators.includes(accountId))
      .map(
        (accountId): StructureWarning => ({
          _tag: "DirectionInSuperAdministrator",
          ruleId: "BR-GRP-3",
          accountId,
          message:
            `${accountId} is in "${functionalGroupNames.SuperAdministrator}", which loses some direction rights: ` +
            "use an administrator account for administration and the head's account for direction",
        }),
      ),
  ]
}

type Decision = Either.Either<ReadonlyArray<StructureEvent>, StructureRejected>
type Command<Tag extends StructureCommand["_tag"]> = Extract<StructureCommand, { readonly _tag: Tag }>

const reject = (ruleId: RuleId, reason: StructureRejectionReason, message: string): Decision =>
  Either.left(new StructureRejected({ ruleId, reason, message }))
const events = (...list: ReadonlyArray<StructureEvent>): Decision => Either.right(list)
const none: Decision = Either.right([])

const parentKeys = ["districtId", "departmentId", "academyId"] as const

// Optional fields are dropped rather than set to `undefined`, so that an event
// reads back from JSON exactly as it was decided.
const hierarchyOf = (fields: Hierarchy): Hierarchy => {
  const hierarchy: { -readonly [K in keyof Hierarchy]: Hierarchy[K] } = {}
  for (const key of parentKeys) if (fields[key] !== undefined) hierarchy[key] = fields[key]
  return hierarchy
}

const allowedParents: Readonly<Record<StructureKind, ReadonlyArray<(typeof parentKeys)[number]>>> = {
  PrimarySchool: parentKeys,
  SecondarySchool: parentKeys,
  District: ["departmentId", "academyId"],
  Department: ["academyId"],
  Academy: [],
}

const hierarchyProblem = (structureId: StructureId, kind: StructureKind, hierarchy: Hierarchy) => {
  for (const key of parentKeys) {
    const parent = hierarchy[key]
    if (parent === undefined) continue
    if (!allowedParents[kind].includes(key)) return `A ${kind} has no ${key}`
    if (parent === structureId) return `Structure ${structureId} cannot be its own ${key}`
  }
  return undefined
}

const isPlatform = (actor: Actor.Actor) =>
  actor.roles.some((role) => role._tag === "Administrator" && role.level === "Platform")

const register = (command: Command<"RegisterStructure">, state: StructureState): Decision => {
  if (!Actor.isSystem(command.actor) && !isPlatform(command.actor)) {
    return reject("BR-GRP-5", "NotAuthorized", "Only a directory feed or the platform registers structures")
  }
  const { structureId, uai, name, kind } = command
  const hierarchy = hierarchyOf(command)
  const problem = hierarchyProblem(structureId, kind, hierarchy)
  if (problem !== undefined) return reject("BR-SIG-2", "InvalidHierarchy", problem)
  if (state._tag === "Absent")
    return events({ _tag: "StructureRegistered", structureId, uai, name, kind, ...hierarchy })
  if (state.uai !== uai || state.kind !== kind) {
    return reject(
      "BR-GRP-5",
      "AlreadyExists",
      `Structure ${structureId} is the ${state.kind} ${state.uai}: its UAI and kind never change`,
    )
  }
  const moved = parentKeys.some((key) => state.hierarchy[key] !== hierarchy[key])
  return events(
    ...(state.name === name ? [] : [{ _tag: "StructureRenamed", structureId, name } as const]),
    ...(moved ? [{ _tag: "StructureHierarchyChanged", structureId, ...hierarchy } as const] : []),
  )
}

const ownerName = (source: Source) => (source === "Feed" ? "the directory feed" : "an administrator of the school")

/** Feed-owned data is the feed's; manual data is the school's administrators' (BR-GRP-6). */
const mayAct = (actor: Actor.Actor, source: Source, structure: Structure) =>
  source === "Feed" ? Actor.isSystem(actor) : Actor.administers(actor, locationOf(structure))

const notFound = (structure: Structure, groupId: GroupId) =>
  reject("BR-GRP-5", "NotFound", `${structure.name} has no group ${groupId}`)

const closed = (group: Group) => reject("BR-GRP-4", "Closed", `Group ${group.groupId} is closed`)

const openGroup = (command: Command<"OpenGroup">, structure: Structure): Decision => {
  const { structureId, groupId, kind, name, schoolYear, owner } = command
  if (!mayAct(command.actor, owner, structure)) {
    return reject("BR-GRP-6", "NotAuthorized", `Only ${ownerName(owner)} opens ${owner.toLowerCase()} groups`)
  }
  if (kind === "ManualGroup" && owner === "Feed") {
    return reject("BR-GRP-6", "InvalidGroup", "A manual group is the administrators': no feed owns one")
  }
  if ((kind === "FunctionalGroup") !== (command.function !== undefined)) {
    return reject("BR-GRP-3", "InvalidGroup", "A functional group, and only a functional group, has a function")
  }
  const existing = structure.groups.get(groupId)
  if (existing !== undefined) {
    if (existing.owner !== owner) {
      return reject("BR-GRP-6", "NotAuthorized", `Group ${groupId} belongs to ${ownerName(existing.owner)}`)
    }
    if (existing.kind !== kind || existing.function !== command.function) {
      return reject("BR-GRP-5", "InvalidGroup", `Group ${groupId} is a ${existing.kind}: one stable id, one group`)
    }
    if (existing.open && kind === "Class" && existing.schoolYear !== schoolYear) {
      return reject(
        "BR-GRP-4",
        "InvalidState",
        `Class ${groupId} is open for ${existing.schoolYear}: close it before opening it for ${schoolYear}`,
      )
    }
    // A re-import keyed on the stable id: a new label renames, never duplicates (BR-GRP-5).
    if (existing.open) {
      return existing.name === name ? none : events({ _tag: "GroupRenamed", structureId, groupId, name })
    }
  }
  if (kind === "Class" && structure.closedYears.includes(schoolYear)) {
    return reject("BR-GRP-4", "Closed", `School year ${schoolYear} is closed: no class opens for it`)
  }
  const fn = command.function === undefined ? {} : { function: command.function }
  return events({ _tag: "GroupOpened", structureId, groupId, kind, name, schoolYear, owner, ...fn })
}

const renameGroup = (command: Command<"RenameGroup">, structure: Structure): Decision => {
  const group = structure.groups.get(command.groupId)
  if (group === undefined) return notFound(structure, command.groupId)
  if (!mayAct(command.actor, group.owner, structure)) {
    return reject("BR-GRP-6", "NotAuthorized", `Group ${group.groupId} belongs to ${ownerName(group.owner)}`)
  }
  if (!group.open) return closed(group)
  return group.name === command.name
    ? none
    : events({ _tag: "GroupRenamed", structureId: structure.structureId, groupId: group.groupId, name: command.name })
}

const closing = (structure: Structure, group: Group): StructureEvent =>
  group.kind === "Class"
    ? { _tag: "ClassClosed", structureId: structure.structureId, groupId: group.groupId, schoolYear: group.schoolYear }
    : { _tag: "GroupClosed", structureId: structure.structureId, groupId: group.groupId }

const closeGroup = (command: Command<"CloseGroup">, structure: Structure): Decision => {
  const group = structure.groups.get(command.groupId)
  if (group === undefined) return notFound(structure, command.groupId)
  if (!mayAct(command.actor, group.owner, structure)) {
    return reject("BR-GRP-6", "NotAuthorized", `Group ${group.groupId} belongs to ${ownerName(group.owner)}`)
  }
  return group.open ? events(closing(structure, group)) : none
}

const closeSchoolYear = (command: Command<"CloseSchoolYear">, structure: Structure): Decision => {
  if (!Actor.isSystem(command.actor) && !Actor.administers(command.actor, locationOf(structure))) {
    return reject("BR-GRP-4", "NotAuthorized", "Only the feed or an administrator of the school closes a school year")
  }
  if (structure.closedYears.includes(command.schoolYear)) return none
  const classes = [...structure.groups.values()].filter(
    (group) => group.open && group.kind === "Class" && group.schoolYear === command.schoolYear,
  )
  return events(...classes.map((group) => closing(structure, group)), {
    _tag: "SchoolYearClosed",
    structureId: structure.structureId,
    schoolYear: command.schoolYear,
  })
}

/** The school year after `year`: 2027-2028 after 2026-2027. */
const following = (year: SchoolYear): SchoolYear => SchoolYears.starting(Number(year.slice(0, 4)) + 1)

const openSchoolYear = (command: Command<"OpenSchoolYear">, structure: Structure): Decision => {
  if (!Actor.isSystem(command.actor) && !Actor.administers(command.actor, locationOf(structure))) {
    return reject("BR-GRP-4", "NotAuthorized", "Only the feed or an administrator of the school opens a school year")
  }
  const { schoolYear } = command
  if (structure.currentYear === schoolYear) return none
  if (structure.closedYears.includes(schoolYear)) {
    return reject("BR-GRP-4", "Closed", `School year ${schoolYear} is closed: it cannot open again`)
  }
  // (decision) Years open in order, one after the other, after the last opened or closed (`YYYY-YYYY`
  // sorts as text): a rollover never skips a year nor goes back one.
  const last = [...structure.closedYears, ...(structure.currentYear === undefined ? [] : [structure.currentYear])]
    .sort()
    .at(-1)
  if (last !== undefined && schoolYear !== following(last)) {
    return reject(
      "BR-GRP-4",
      "InvalidState",
      `The last school year of ${structure.name} is ${last}: ${following(last)} opens next`,
    )
  }
  return events({ _tag: "SchoolYearOpened", structureId: structure.structureId, schoolYear })
}

/** The other classes of the same year a pupil leaves when he joins `group` (BR-GRP-2). */
const classesToLeave = (structure: Structure, group: Group, accountId: AccountId, role: GroupRole) =>
  group.kind !== "Class" || role !== "Student"
    ? []
    : [...structure.groups.values()].filter(
        (other) =>
          other.groupId !== group.groupId &&
          other.open &&
          other.kind === "Class" &&
          other.schoolYear === group.schoolYear &&
          other.members.get(accountId)?.role === "Student",
      )

const unassigned = (
  structure: Structure,
  groupId: GroupId,
  accountId: AccountId,
  source: Source,
  by: Actor.Actor,
): StructureEvent => ({
  _tag: "GroupUnassigned",
  structureId: structure.structureId,
  groupId,
  accountId,
  source,
  unassignedBy: by.accountId,
})

const assigned = (
  structure: Structure,
  groupId: GroupId,
  member: { readonly accountId: AccountId; readonly role: GroupRole } & Teaching,
  source: Source,
  by: Actor.Actor,
): StructureEvent => ({
  _tag: "GroupAssigned",
  structureId: structure.structureId,
  groupId,
  accountId: member.accountId,
  role: member.role,
  source,
  assignedBy: by.accountId,
  ...teachingOf(member),
})

/** What a teacher teaches, without empty fields, so that an event reads back from JSON as decided. */
const teachingOf = (member: Teaching): Teaching => ({
  ...(member.subjects === undefined || member.subjects.length === 0 ? {} : { subjects: member.subjects }),
  ...(member.principal === true ? { principal: true } : {}),
})

const sameTeaching = (a: Teaching, b: Teaching): boolean => {
  const left = teachingOf(a)
  const right = teachingOf(b)
  return (
    left.principal === right.principal &&
    (left.subjects ?? []).length === (right.subjects ?? []).length &&
    (left.subjects ?? []).every((subject, i) => right.subjects?.[i] === subject)
  )
}

const feedOwned = (accountId: AccountId, groupId: GroupId) =>
  reject(
    "BR-GRP-6",
    "FeedOwned",
    `${accountId}'s membership of ${groupId} comes from the directory feed: it is not edited by hand`,
  )

const assign = (command: Command<"AssignToGroup">, structure: Structure): Decision => {
  const { actor, accountId, role, source } = command
  const group = structure.groups.get(command.groupId)
  if (group === undefined) return notFound(structure, command.groupId)
  if (!group.open) return closed(group)
  if (!mayAct(actor, source, structure)) {
    return reject("BR-GRP-6", "NotAuthorized", `Only ${ownerName(source)} makes ${source.toLowerCase()} memberships`)
  }
  if (source === "Feed" && group.owner === "Manual") {
    return reject("BR-GRP-6", "NotAuthorized", `Group ${group.groupId} is a manual group: it stays the administrators'`)
  }
  const current = group.members.get(accountId)
  if (current?.source === "Feed" && source === "Manual") return feedOwned(accountId, group.groupId)
  if (current?.role === role && current.source === source && sameTeaching(current, command)) return none
  // (decision) A second class in the same year moves the pupil, with an explicit
  // unassignment; by hand, only out of a class he was put in by hand (BR-GRP-2, BR-GRP-6).
  const leaving = classesToLeave(structure, group, accountId, role)
  const fromFeed = leaving.find((other) => source === "Manual" && other.members.get(accountId)?.source === "Feed")
  if (fromFeed !== undefined) return feedOwned(accountId, fromFeed.groupId)
  return events(
    ...leaving.map((other) => unassigned(structure, other.groupId, accountId, source, actor)),
    assigned(structure, group.groupId, command, source, actor),
  )
}

const unassign = (command: Command<"UnassignFromGroup">, structure: Structure): Decision => {
  const { actor, accountId, source } = command
  const group = structure.groups.get(command.groupId)
  if (group === undefined) return notFound(structure, command.groupId)
  if (!mayAct(actor, source, structure)) {
    return reject("BR-GRP-6", "NotAuthorized", `Only ${ownerName(source)} removes ${source.toLowerCase()} memberships`)
  }
  if (source === "Feed" && group.owner === "Manual") {
    return reject("BR-GRP-6", "NotAuthorized", `Group ${group.groupId} is a manual group: it stays the administrators'`)
  }
  const current = group.members.get(accountId)
  if (current === undefined) return none
  if (current.source === "Feed" && source === "Manual") return feedOwned(accountId, group.groupId)
  return events(unassigned(structure, group.groupId, accountId, source, actor))
}

const importMembers = (command: Command<"ImportGroupMembers">, structure: Structure): Decision => {
  const { actor, roles } = command
  const group = structure.groups.get(command.groupId)
  if (group === undefined) return notFound(structure, command.groupId)
  if (!Actor.isSystem(actor)) return reject("BR-GRP-6", "NotAuthorized", "Only a directory feed imports members")
  if (group.owner === "Manual") {
    return reject("BR-GRP-6", "NotAuthorized", `Group ${group.groupId} is a manual group: it stays the administrators'`)
  }
  if (!group.open) return closed(group)
  const stray = command.members.find((member) => !roles.includes(member.role))
  if (stray !== undefined) {
    return reject("BR-GRP-6", "InvalidImport", `${stray.accountId} is listed as ${stray.role}, a role not imported`)
  }
  const wanted = new Map(command.members.map((member) => [member.accountId, member]))
  // The import replaces every membership of the roles it carries, manual edits included (BR-GRP-6).
  const leaving = [...group.members]
    .filter(([accountId, member]) => roles.includes(member.role) && !wanted.has(accountId))
    .map(([accountId]) => unassigned(structure, group.groupId, accountId, "Feed", actor))
  const joining = [...wanted.values()].flatMap((member) => {
    const current = group.members.get(member.accountId)
    if (current?.role === member.role && current.source === "Feed" && sameTeaching(current, member)) return []
    return [
      ...classesToLeave(structure, group, member.accountId, member.role).map((other) =>
        unassigned(structure, other.groupId, member.accountId, "Feed", actor),
      ),
      assigned(structure, group.groupId, member, "Feed", actor),
    ]
  })
  return events(...leaving, ...joining)
}

const holdImport = (command: Command<"HoldFeedImport">, structure: Structure): Decision => {
  if (!Actor.isSystem(command.actor)) {
    return reject("BR-FEED-1", "NotAuthorized", "Only a directory feed import holds itself")
  }
  const { structureId, digest, accounts, preDeletions, moves, threshold } = command
  if (structure.heldImport === digest || structure.confirmedImport === digest) return none
  return events({ _tag: "FeedImportHeld", structureId, digest, accounts, preDeletions, moves, threshold })
}

const confirmImport = (command: Command<"ConfirmFeedImport">, structure: Structure): Decision => {
  if (!Actor.administers(command.actor, locationOf(structure))) {
    return reject("BR-FEED-1", "NotAuthorized", `Only an administrator of ${structure.name} confirms its held import`)
  }
  if (structure.confirmedImport === command.digest) return none
  if (structure.heldImport !== command.digest) {
    return reject("BR-FEED-1", "NotFound", `${structure.name} has no held import ${command.digest}`)
  }
  return events({
    _tag: "FeedImportConfirmed",
    structureId: structure.structureId,
    digest: command.digest,
    confirmedBy: command.actor.accountId,
  })
}

/**
 * Decides a command against a structure's state.
 *
 * @since 0.1.0
 */
export const decide = (command: StructureCommand, state: StructureState): Decision => {
  if (command._tag === "RegisterStructure") return register(command, state)
  if (state._tag === "Absent") {
    return reject("BR-GRP-5", "NotFound", `Structure ${command.structureId} is not registered`)
  }
  if (!isSchool(state)) {
    return reject("BR-GRP-5", "InvalidGroup", `${state.name} is a ${state.kind}: only schools have classes and groups`)
  }
  switch (command._tag) {
    case "OpenGroup":
      return openGroup(command, state)
    case "RenameGroup":
      return renameGroup(command, state)
    case "CloseGroup":
      return closeGroup(command, state)
    case "CloseSchoolYear":
      return closeSchoolYear(command, state)
    case "OpenSchoolYear":
      return openSchoolYear(command, state)
    case "AssignToGroup":
      return assign(command, state)
    case "UnassignFromGroup":
      return unassign(command, state)
    case "ImportGroupMembers":
      return importMembers(command, state)
    case "HoldFeedImport":
      return holdImport(command, state)
    case "ConfirmFeedImport":
      return confirmImport(command, state)
  }
}

const updateGroup = (structure: Structure, groupId: GroupId, f: (group: Group) => Group): Structure => {
  const group = structure.groups.get(groupId)
  return group === undefined ? structure : { ...structure, groups: new Map(structure.groups).set(groupId, f(group)) }
}

const close = (group: Group): Group => ({ ...group, open: false, members: new Map() })

/**
 * Folds one event into the state. Total: an event that does not apply to the
 * state leaves it unchanged.
 *
 * @since 0.1.0
 */
export const evolve = (state: StructureState, event: StructureEvent): StructureState => {
  if (event._tag === "StructureRegistered") {
    return state._tag === "Structure"
      ? state
      : {
          _tag: "Structure",
          structureId: event.structureId,
          uai: event.uai,
          name: event.name,
          kind: event.kind,
          hierarchy: hierarchyOf(event),
          groups: new Map(),
          closedYears: [],
          currentYear: undefined,
          heldImport: undefined,
          confirmedImport: undefined,
        }
  }
  if (state._tag === "Absent") return state
  switch (event._tag) {
    case "StructureRenamed":
      return { ...state, name: event.name }
    case "StructureHierarchyChanged":
      return { ...state, hierarchy: hierarchyOf(event) }
    case "GroupOpened": {
      const existing = state.groups.get(event.groupId)
      const group: Group = {
        groupId: event.groupId,
        kind: event.kind,
        name: event.name,
        schoolYear: event.schoolYear,
        owner: event.owner,
        function: event.function,
        open: true,
        members: existing?.open ? existing.members : new Map(),
      }
      return { ...state, groups: new Map(state.groups).set(event.groupId, group) }
    }
    case "GroupRenamed":
      return updateGroup(state, event.groupId, (group) => ({ ...group, name: event.name }))
    case "GroupClosed":
    case "ClassClosed":
      return updateGroup(state, event.groupId, close)
    case "SchoolYearClosed":
      return {
        ...state,
        closedYears: [...state.closedYears.filter((year) => year !== event.schoolYear), event.schoolYear],
        groups: new Map(
          [...state.groups].map(([groupId, group]) => [
            groupId,
            group.kind === "Class" && group.schoolYear === event.schoolYear ? close(group) : group,
          ]),
        ),
      }
    case "SchoolYearOpened":
      return { ...state, currentYear: event.schoolYear }
    case "FeedImportHeld":
      return { ...state, heldImport: event.digest }
    case "FeedImportConfirmed":
      return { ...state, heldImport: undefined, confirmedImport: event.digest }
    case "GroupAssigned":
      return updateGroup(state, event.groupId, (group) => ({
        ...group,
        members: new Map(group.members).set(event.accountId, memberOf(event)),
      }))
    case "GroupUnassigned":
      return updateGroup(state, event.groupId, (group) => {
        const members = new Map(group.members)
        members.delete(event.accountId)
        return { ...group, members }
      })
  }
}

type Membership = Extract<StructureEvent, { readonly _tag: "GroupAssigned" | "GroupUnassigned" }>

/** A member as a GroupAssigned event records him. */
const memberOf = (event: Extract<StructureEvent, { readonly _tag: "GroupAssigned" }>): Member => ({
  role: event.role,
  source: event.source,
  ...teachingOf(event),
})

const isMembership = (event: StructureEvent): event is Membership =>
  event._tag === "GroupAssigned" || event._tag === "GroupUnassigned"

/**
 * Folds events as {@link evolve} one after another does, copying the groups and a group's members once
 * per fold instead of once per membership event: a school's stream holds thousands of them, and
 * evolving each copied its group's members (the fold was quadratic in a group's size). The maps this
 * fold created are changed in place until an event that `evolve` folds replaces them; the state given
 * is never changed.
 *
 * @since 0.1.0
 */
export const evolveAll = (state: StructureState, events: ReadonlyArray<StructureEvent>): StructureState => {
  let current = state
  // The groups map of `current` when this fold made it, and the groups whose members map it made.
  let groups: Map<GroupId, Group> | undefined
  const owned = new Set<GroupId>()
  for (const event of events) {
    if (current._tag === "Absent" || !isMembership(event)) {
      const next = evolve(current, event)
      if (next._tag === "Absent" || next.groups !== groups) {
        groups = undefined
        owned.clear()
      }
      current = next
      continue
    }
    const group = current.groups.get(event.groupId)
    if (group === undefined) continue
    if (groups === undefined) {
      groups = new Map(current.groups)
      current = { ...current, groups }
    }
    let members: Map<AccountId, Member>
    if (owned.has(event.groupId)) members = group.members as Map<AccountId, Member>
    else {
      members = new Map(group.members)
      groups.set(event.groupId, { ...group, members })
      owned.add(event.groupId)
    }
    if (event._tag === "GroupAssigned") members.set(event.accountId, memberOf(event))
    else members.delete(event.accountId)
  }
  return current
}

/**
 * The Structure aggregate: one stream per structure id.
 *
 * @since 0.1.0
 */
export const aggregate = Decider.aggregate({
  category: "Structure",
  Command: StructureCommand,
  events: eventDefinitions,
  streamId: (command) => command.structureId,
  initialState,
  decide,
  evolve,
  evolveAll,
})

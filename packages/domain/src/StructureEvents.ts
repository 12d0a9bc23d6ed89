/**
 * The events of the Structure aggregate: a school or an administrative unit,
 * its place in the hierarchy, its classes and groups, and who belongs to them
 * (BR-GRP-1 to BR-GRP-6). No event holds personal data: memberships name
 * accounts by id only.
 *
 * @since 0.1.0
 */

import * as Text from "@cartable/kernel/Text"
import * as Schema from "effect/Schema"
import { AccountId, GroupId, StructureId } from "./Ids.ts"
import { SchoolYear } from "./SchoolYear.ts"
import { Uai } from "./Uai.ts"

/**
 * What a structure is: a school (école, collège, lycée) or one of the
 * administrative scopes above schools (circonscription, département, académie).
 *
 * @since 0.1.0
 */
export const StructureKind = Schema.Literal("PrimarySchool", "SecondarySchool", "District", "Department", "Academy")
/** @since 0.1.0 */
export type StructureKind = typeof StructureKind.Type

/**
 * The parents of a structure, from which administrators' scopes are derived
 * (see `Structure.locationOf`).
 *
 * @since 0.1.0
 */
export const Hierarchy = Schema.Struct({
  districtId: Schema.optional(StructureId),
  departmentId: Schema.optional(StructureId),
  academyId: Schema.optional(StructureId),
})
/** @since 0.1.0 */
export type Hierarchy = typeof Hierarchy.Type

/**
 * The kinds of groups: a class (division), a teaching group (groupe
 * d'enseignement), a manual group an administrator makes, and a functional group
 * that confers rights (BR-GRP-3).
 *
 * @since 0.1.0
 */
export const GroupKind = Schema.Literal("Class", "TeachingGroup", "ManualGroup", "FunctionalGroup")
/** @since 0.1.0 */
export type GroupKind = typeof GroupKind.Type

/**
 * What a functional group stands for, whatever its display name: `Direction`
 * is "Chef d'établissement" (BR-GRP-3), `SuperAdministrator` is "Super
 * Administrateur", `MailMerge` is "Gestionnaire publipostage" (BR-MM-1: its members
 * hold the mail-merge role); any other functional group is `Other`.
 *
 * @since 0.1.0
 */
export const GroupFunction = Schema.Literal("Direction", "SuperAdministrator", "MailMerge", "Other")
/** @since 0.1.0 */
export type GroupFunction = typeof GroupFunction.Type

/**
 * Who owns a group or a membership: a directory feed (AAF, timetable import),
 * or an administrator by hand (BR-GRP-6).
 *
 * @since 0.1.0
 */
export const Source = Schema.Literal("Feed", "Manual")
/** @since 0.1.0 */
export type Source = typeof Source.Type

/**
 * An account's role in a group.
 *
 * @since 0.1.0
 */
export const GroupRole = Schema.Literal("Student", "Teacher", "Member")
/** @since 0.1.0 */
export type GroupRole = typeof GroupRole.Type

/** A structure was registered with its UAI, kind and parents (BR-GRP-5). @since 0.1.0 */
export const StructureRegistered = Schema.TaggedStruct("StructureRegistered", {
  structureId: StructureId,
  uai: Uai,
  name: Text.ShortText,
  kind: StructureKind,
  ...Hierarchy.fields,
})

/** A re-import gave the structure a new name; its id and UAI stay (BR-GRP-5). @since 0.1.0 */
export const StructureRenamed = Schema.TaggedStruct("StructureRenamed", {
  structureId: StructureId,
  name: Text.ShortText,
})

/** The structure's parents changed, and with them the scopes that administer it (BR-SIG-2). @since 0.1.0 */
export const StructureHierarchyChanged = Schema.TaggedStruct("StructureHierarchyChanged", {
  structureId: StructureId,
  ...Hierarchy.fields,
})

/**
 * A class or group was opened for a school year, under its stable id (BR-GRP-5).
 * A class lives for that year only; other groups persist across years (BR-GRP-4).
 *
 * @since 0.1.0
 */
export const GroupOpened = Schema.TaggedStruct("GroupOpened", {
  structureId: StructureId,
  groupId: GroupId,
  kind: GroupKind,
  name: Text.ShortText,
  schoolYear: SchoolYear,
  owner: Source,
  function: Schema.optional(GroupFunction),
})

/** A class or group got a new display name; it is the same group (BR-GRP-5). @since 0.1.0 */
export const GroupRenamed = Schema.TaggedStruct("GroupRenamed", {
  structureId: StructureId,
  groupId: GroupId,
  name: Text.ShortText,
})

/** A group other than a class was closed; its memberships end with it. @since 0.1.0 */
export const GroupClosed = Schema.TaggedStruct("GroupClosed", { structureId: StructureId, groupId: GroupId })

/**
 * A class was closed; its memberships end with it, and its class sections are
 * to be deleted (BR-GRP-4).
 *
 * @since 0.1.0
 */
export const ClassClosed = Schema.TaggedStruct("ClassClosed", {
  structureId: StructureId,
  groupId: GroupId,
  schoolYear: SchoolYear,
})

/**
 * A school year was closed: no class opens for it any more; the classes still
 * open for it close with it, teaching groups persist (BR-GRP-4).
 *
 * @since 0.1.0
 */
export const SchoolYearClosed = Schema.TaggedStruct("SchoolYearClosed", {
  structureId: StructureId,
  schoolYear: SchoolYear,
})

/**
 * A school year was opened: the school's current year, after which only the
 * year that follows it opens (BR-GRP-4).
 *
 * @since 0.1.0
 */
export const SchoolYearOpened = Schema.TaggedStruct("SchoolYearOpened", {
  structureId: StructureId,
  schoolYear: SchoolYear,
})

/**
 * What a teacher teaches in a class or group, as the feed says it
 * (`ENTAuxEnsClassesMatieres`, `ENTAuxEnsClassesPrincipal`): the subjects' labels,
 * and whether he is the class's principal teacher (BR-GRP-1). Both absent for
 * pupils and members, and for teachers attached by hand without them.
 *
 * @since 0.1.0
 */
export const Teaching = Schema.Struct({
  subjects: Schema.optional(Schema.Array(Text.ShortText)),
  principal: Schema.optional(Schema.Literal(true)),
})
/** @since 0.1.0 */
export type Teaching = typeof Teaching.Type

/**
 * An account joined a group, or its role or source there changed (BR-GRP-1,
 * BR-GRP-2, BR-GRP-3, BR-GRP-6).
 *
 * @since 0.1.0
 */
export const GroupAssigned = Schema.TaggedStruct("GroupAssigned", {
  structureId: StructureId,
  groupId: GroupId,
  accountId: AccountId,
  role: GroupRole,
  source: Source,
  assignedBy: AccountId,
  ...Teaching.fields,
})

/**
 * An account left a group: removed by hand or by a feed, moved to another
 * class (BR-GRP-2), or replaced by a re-import (BR-GRP-6).
 *
 * @since 0.1.0
 */
export const GroupUnassigned = Schema.TaggedStruct("GroupUnassigned", {
  structureId: StructureId,
  groupId: GroupId,
  accountId: AccountId,
  source: Source,
  unassignedBy: AccountId,
})

/**
 * A full directory import would have pre-deleted or moved away more than the
 * configured share of the school's accounts: nothing was applied to the school,
 * and the import waits for an administrator's confirmation of this very change,
 * named by its digest (BR-FEED-1).
 *
 * @since 0.1.0
 */
export const FeedImportHeld = Schema.TaggedStruct("FeedImportHeld", {
  structureId: StructureId,
  digest: Text.ShortText,
  /** The school's feed accounts before the import. */
  accounts: Schema.NonNegativeInt,
  /** The accounts the import would pre-delete. */
  preDeletions: Schema.NonNegativeInt,
  /** The accounts the import would move to another school. */
  moves: Schema.NonNegativeInt,
  /** The blocking share, between 0 and 1. */
  threshold: Schema.Number,
})

/**
 * An administrator of the school confirmed the held import of this digest: the
 * next import that finds the same change applies it (BR-FEED-1).
 *
 * @since 0.1.0
 */
export const FeedImportConfirmed = Schema.TaggedStruct("FeedImportConfirmed", {
  structureId: StructureId,
  digest: Text.ShortText,
  confirmedBy: AccountId,
})

/**
 * Every Structure event, keyed by tag, for the event catalogue.
 *
 * @since 0.1.0
 */
export const events = {
  StructureRegistered,
  StructureRenamed,
  StructureHierarchyChanged,
  GroupOpened,
  GroupRenamed,
  GroupClosed,
  ClassClosed,
  SchoolYearClosed,
  SchoolYearOpened,
  GroupAssigned,
  GroupUnassigned,
  FeedImportHeld,
  FeedImportConfirmed,
} as const

/**
 * Any Structure event.
 *
 * @since 0.1.0
 */
export const StructureEvent = Schema.Union(...Object.values(events))
/** @since 0.1.0 */
export type StructureEvent = typeof StructureEvent.Type

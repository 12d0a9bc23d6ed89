/**
 * The commands of the Structure aggregate. Every command names its structure
 * (the stream) and its actor; group ids are the feed's stable ids (BR-GRP-5),
 * built with {@link groupIdOf} by feed imports.
 *
 * @since 0.1.0
 */

import * as Text from "@cartable/kernel/Text"
import * as Schema from "effect/Schema"
import { Actor } from "./Actor.ts"
import { fact } from "./Fact.ts"
import { AccountId, GroupId, StructureId } from "./Ids.ts"
import { SchoolYear } from "./SchoolYear.ts"
import { GroupFunction, GroupKind, GroupRole, Hierarchy, Source, StructureKind, Teaching } from "./StructureEvents.ts"
import { Uai } from "./Uai.ts"

/**
 * The stable id of a class or group: its school and the feed's code, never its
 * display name (BR-GRP-5). Throws if the result exceeds a `GroupId`'s 128 characters.
 *
 * @example
 * groupIdOf(StructureId.make("0571994H"), "6A") // "0571994H$6A"
 * @since 0.1.0
 */
export const groupIdOf = (structureId: StructureId, code: string): GroupId => GroupId.make(`${structureId}$${code}`)

/**
 * Register a structure, or refresh it from a re-import: a new name renames it,
 * new parents move it; its UAI and kind never change (BR-GRP-5).
 *
 * @since 0.1.0
 */
export const RegisterStructure = Schema.TaggedStruct("RegisterStructure", {
  actor: fact(Actor),
  structureId: StructureId,
  uai: Uai,
  name: Text.ShortText,
  kind: StructureKind,
  ...Hierarchy.fields,
})

/**
 * Open a class or group for a school year, or refresh it from a re-import: the
 * same id with a new display name renames it, never duplicates it (BR-GRP-5).
 * `function` is required for functional groups and forbidden otherwise.
 *
 * @since 0.1.0
 */
export const OpenGroup = Schema.TaggedStruct("OpenGroup", {
  actor: fact(Actor),
  structureId: StructureId,
  groupId: GroupId,
  kind: GroupKind,
  name: Text.ShortText,
  schoolYear: SchoolYear,
  owner: Source,
  function: Schema.optional(GroupFunction),
})

/** Give a group a new display name (BR-GRP-5). @since 0.1.0 */
export const RenameGroup = Schema.TaggedStruct("RenameGroup", {
  actor: fact(Actor),
  structureId: StructureId,
  groupId: GroupId,
  name: Text.ShortText,
})

/** Close a class or group; its memberships end (BR-GRP-4). @since 0.1.0 */
export const CloseGroup = Schema.TaggedStruct("CloseGroup", {
  actor: fact(Actor),
  structureId: StructureId,
  groupId: GroupId,
})

/** Close a school year: its classes close, teaching groups persist (BR-GRP-4). @since 0.1.0 */
export const CloseSchoolYear = Schema.TaggedStruct("CloseSchoolYear", {
  actor: fact(Actor),
  structureId: StructureId,
  schoolYear: SchoolYear,
})

/**
 * Open a school year, the one after the last opened: the year change of the
 * start-of-year rollover, after the ending year's close (BR-GRP-4). Idempotent.
 *
 * @since 0.1.0
 */
export const OpenSchoolYear = Schema.TaggedStruct("OpenSchoolYear", {
  actor: fact(Actor),
  structureId: StructureId,
  schoolYear: SchoolYear,
})

/**
 * Put an account in a group with a role; `source` says whether the feed or an
 * administrator owns the membership (BR-GRP-1, BR-GRP-2, BR-GRP-6). A teacher
 * may come with what he teaches there; another teaching is a re-assignment.
 *
 * @since 0.1.0
 */
export const AssignToGroup = Schema.TaggedStruct("AssignToGroup", {
  actor: fact(Actor),
  structureId: StructureId,
  groupId: GroupId,
  accountId: AccountId,
  role: GroupRole,
  source: Source,
  ...Teaching.fields,
})

/** Take an account out of a group (BR-GRP-6). @since 0.1.0 */
export const UnassignFromGroup = Schema.TaggedStruct("UnassignFromGroup", {
  actor: fact(Actor),
  structureId: StructureId,
  groupId: GroupId,
  accountId: AccountId,
  source: Source,
})

/**
 * One member of a feed-owned group, as the feed lists it; a teacher with what
 * he teaches there (BR-GRP-1).
 *
 * @since 0.1.0
 */
export const GroupMember = Schema.Struct({ accountId: AccountId, role: GroupRole, ...Teaching.fields })
/** @since 0.1.0 */
export type GroupMember = typeof GroupMember.Type

/**
 * A feed re-import of a group's members: for the `roles` the feed is
 * authoritative for, the group ends up with exactly `members`, manual edits
 * included (BR-GRP-6, BR-FEED-2). A pupils-only feed (ONDE) passes `["Student"]`
 * and leaves the teachers an administrator attached by hand (BR-GRP-1).
 *
 * @since 0.1.0
 */
export const ImportGroupMembers = Schema.TaggedStruct("ImportGroupMembers", {
  actor: fact(Actor),
  structureId: StructureId,
  groupId: GroupId,
  roles: Schema.NonEmptyArray(GroupRole),
  members: Schema.Array(GroupMember),
})

/**
 * Hold a full import for the school: it would pre-delete or move more than the
 * blocking share of its accounts (BR-FEED-1). The directory feed only;
 * idempotent for the same digest.
 *
 * @since 0.1.0
 */
export const HoldFeedImport = Schema.TaggedStruct("HoldFeedImport", {
  actor: fact(Actor),
  structureId: StructureId,
  digest: Text.ShortText,
  accounts: Schema.NonNegativeInt,
  preDeletions: Schema.NonNegativeInt,
  moves: Schema.NonNegativeInt,
  threshold: Schema.Number.pipe(Schema.between(0, 1)),
})

/**
 * An administrator of the school confirms the held import of this digest
 * (BR-FEED-1); the next import that finds the same change applies it.
 *
 * @since 0.1.0
 */
export const ConfirmFeedImport = Schema.TaggedStruct("ConfirmFeedImport", {
  actor: fact(Actor),
  structureId: StructureId,
  digest: Text.ShortText,
})

/**
 * Every Structure command, keyed by tag.
 *
 * @since 0.1.0
 */
export const commands = {
  RegisterStructure,
  OpenGroup,
  RenameGroup,
  CloseGroup,
  CloseSchoolYear,
  OpenSchoolYear,
  AssignToGroup,
  UnassignFromGroup,
  ImportGroupMembers,
  HoldFeedImport,
  ConfirmFeedImport,
} as const

/**
 * Any Structure command.
 *
 * @since 0.1.0
 */
export const StructureCommand = Schema.Union(...Object.values(commands))
/** @since 0.1.0 */
export type StructureCommand = typeof StructureCommand.Type

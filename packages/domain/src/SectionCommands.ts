/**
 * The commands of the Section aggregate. Each targets one section and carries
 * the acting account (a fact) and, where a grant may name him, what the log says
 * of him (`member`: profile, schools, groups): the role he holds in the section
 * comes from its recorded grants and those facts, never from the body.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Actor, schoolLocations } from "./Actor.ts"
import { fact, optionalFact } from "./Fact.ts"
import { GroupId, StructureId } from "./Ids.ts"
import {
  ClosingReason,
  FileId,
  FolderEntryName,
  FolderId,
  FormId,
  FormTitle,
  Grantee,
  PublicationBody,
  PublicationId,
  PublicationService,
  PublicationTitle,
  SectionId,
  SectionName,
  SectionRole,
  SectionServices,
} from "./SectionEvents.ts"
import { SectionMember } from "./SectionRights.ts"
import { GroupKind } from "./StructureEvents.ts"

/**
 * What the log says of the class or group a section is created for: its kind,
 * its school and whether it is open.
 *
 * @since 0.1.0
 */
export const OwnerGroup = Schema.Struct({ kind: GroupKind, structureId: StructureId, open: Schema.Boolean })
/** @since 0.1.0 */
export type OwnerGroup = typeof OwnerGroup.Type

const member = fact(SectionMember)

/**
 * Create a section of a school, or of one of its classes or teaching groups
 * (`groupId`). Facts: the group's kind, school and state from the log
 * (`ownerGroup`, absent when the log does not know the group).
 *
 * @since 0.1.0
 */
export const CreateSection = Schema.TaggedStruct("CreateSection", {
  actor: fact(Actor),
  sectionId: SectionId,
  structureId: StructureId,
  groupId: Schema.optional(GroupId),
  name: SectionName,
  services: SectionServices,
  moderated: Schema.Boolean,
  ownerGroup: optionalFact(OwnerGroup),
  locations: schoolLocations,
})

/** Rename the section, switch its services, turn its moderation on or off (BR-RUB-1). @since 0.1.0 */
export const ConfigureSection = Schema.TaggedStruct("ConfigureSection", {
  actor: fact(Actor),
  member,
  sectionId: SectionId,
  name: SectionName,
  services: SectionServices,
  moderated: Schema.Boolean,
  locations: schoolLocations,
})

/**
 * Close the section: by a manager (`DeletedByManager`, BR-RUB-1), or by the
 * rollover at the end of its class's year (`SchoolYearEnded`, BR-GRP-4).
 *
 * @since 0.1.0
 */
export const CloseSection = Schema.TaggedStruct("CloseSection", {
  actor: fact(Actor),
  member,
  sectionId: SectionId,
  reason: ClosingReason,
  locations: schoolLocations,
})

/** Grant a role to a profile, a group or an account, replacing its former one (BR-RUB-1). @since 0.1.0 */
export const GrantSectionRole = Schema.TaggedStruct("GrantSectionRole", {
  actor: fact(Actor),
  member,
  sectionId: SectionId,
  grantee: Grantee,
  role: SectionRole,
  locations: schoolLocations,
})

/** Withdraw a grantee's role (BR-RUB-1). @since 0.1.0 */
export const RevokeSectionRole = Schema.TaggedStruct("RevokeSectionRole", {
  actor: fact(Actor),
  member,
  sectionId: SectionId,
  grantee: Grantee,
  locations: schoolLocations,
})

/**
 * Write a publication in the section's blog or forum; with `publishNow` it goes
 * online at once, which needs the right to publish directly or a section
 * without moderation (BR-RUB-1).
 *
 * @since 0.1.0
 */
export const ProposePublication = Schema.TaggedStruct("ProposePublication", {
  actor: fact(Actor),
  member,
  sectionId: SectionId,
  publicationId: PublicationId,
  service: PublicationService,
  title: PublicationTitle,
  body: PublicationBody,
  publishNow: Schema.Boolean,
  locations: schoolLocations,
})

/** Validate a proposed publication: it goes online (BR-RUB-1 "Valider tout contenu"). @since 0.1.0 */
export const ValidatePublication = Schema.TaggedStruct("ValidatePublication", {
  actor: fact(Actor),
  member,
  sectionId: SectionId,
  publicationId: PublicationId,
  locations: schoolLocations,
})

/** Put a proposed publication online (BR-RUB-1 "Mettre en ligne"). @since 0.1.0 */
export const PublishPublication = Schema.TaggedStruct("PublishPublication", {
  actor: fact(Actor),
  member,
  sectionId: SectionId,
  publicationId: PublicationId,
  locations: schoolLocations,
})

/** Delete a publication: one's own, or any with the right (BR-RUB-1). @since 0.1.0 */
export const DeletePublication = Schema.TaggedStruct("DeletePublication", {
  actor: fact(Actor),
  member,
  sectionId: SectionId,
  publicationId: PublicationId,
  locations: schoolLocations,
})

/** Create a shared folder (BR-RUB-2). @since 0.1.0 */
export const CreateFolder = Schema.TaggedStruct("CreateFolder", {
  actor: fact(Actor),
  member,
  sectionId: SectionId,
  folderId: FolderId,
  name: FolderEntryName,
  locations: schoolLocations,
})

/** Put a file in a shared folder (BR-RUB-2). @since 0.1.0 */
export const UploadFile = Schema.TaggedStruct("UploadFile", {
  actor: fact(Actor),
  member,
  sectionId: SectionId,
  folderId: FolderId,
  fileId: FileId,
  name: FolderEntryName,
  locations: schoolLocations,
})

/** Delete a file of a shared folder (BR-RUB-2). @since 0.1.0 */
export const DeleteFile = Schema.TaggedStruct("DeleteFile", {
  actor: fact(Actor),
  member,
  sectionId: SectionId,
  folderId: FolderId,
  fileId: FileId,
  locations: schoolLocations,
})

/** Delete a shared folder into the bin, for 90 days (BR-RUB-2). @since 0.1.0 */
export const DeleteFolder = Schema.TaggedStruct("DeleteFolder", {
  actor: fact(Actor),
  member,
  sectionId: SectionId,
  folderId: FolderId,
  locations: schoolLocations,
})

/** Take a folder back out of the bin (BR-RUB-2). @since 0.1.0 */
export const RestoreFolder = Schema.TaggedStruct("RestoreFolder", {
  actor: fact(Actor),
  member,
  sectionId: SectionId,
  folderId: FolderId,
  locations: schoolLocations,
})

/**
 * Empty a folder's place in the bin for good once its 90 days are over: given
 * by the bin's process manager (`section-bin`) only (BR-RUB-2).
 *
 * @since 0.1.0
 */
export const PurgeFolder = Schema.TaggedStruct("PurgeFolder", {
  actor: fact(Actor),
  sectionId: SectionId,
  folderId: FolderId,
})

/**
 * Create a form (a model of form, 004 "Formulaires") in the section: its
 * managers' (BR-RUB-1 "Gérer les formulaires"). Its questions, diffusion and
 * answers are not modelled.
 *
 * @since 0.1.0
 */
export const CreateForm = Schema.TaggedStruct("CreateForm", {
  actor: fact(Actor),
  member,
  sectionId: SectionId,
  formId: FormId,
  title: FormTitle,
  locations: schoolLocations,
})

/** Delete a form of the section (BR-RUB-1 "Gérer les formulaires"). @since 0.1.0 */
export const DeleteForm = Schema.TaggedStruct("DeleteForm", {
  actor: fact(Actor),
  member,
  sectionId: SectionId,
  formId: FormId,
  locations: schoolLocations,
})

/**
 * Every Section command, keyed by tag.
 *
 * @since 0.1.0
 */
export const commands = {
  CreateSection,
  ConfigureSection,
  CloseSection,
  GrantSectionRole,
  RevokeSectionRole,
  ProposePublication,
  ValidatePublication,
  PublishPublication,
  DeletePublication,
  CreateFolder,
  UploadFile,
  DeleteFile,
  DeleteFolder,
  RestoreFolder,
  PurgeFolder,
  CreateForm,
  DeleteForm,
} as const

/**
 * Any Section command.
 *
 * @since 0.1.0
 */
export const SectionCommand = Schema.Union(...Object.values(commands))
/** @since 0.1.0 */
export type SectionCommand = typeof SectionCommand.Type

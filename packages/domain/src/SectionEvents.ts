/**
 * The events of the Section aggregate (rubrique, seed 004 "Rubriques" and
 * "Gestion des comptes : rôles et droits"): a section of a school, a class or a
 * teaching group, its services (blog, forum, shared folders), the roles granted
 * in it (BR-RUB-1), its publications and its shared folders with their bin
 * (BR-RUB-2), and its closing at the end of the school year (BR-GRP-4). What a
 * user writes (titles, bodies, file names) is personal data of its author.
 *
 * @since 0.1.0
 */

import { DataSubjectId, personal } from "@cartable/kernel/PersonalData"
import * as Text from "@cartable/kernel/Text"
import * as Schema from "effect/Schema"
import { Profile } from "./AccountEvents.ts"
import { AccountId, GroupId, StructureId } from "./Ids.ts"
import { brandedId } from "./internal/brandedId.ts"

// The section's own ids: branded like those of Ids.ts (one trimmed line, the stream-name rule).
const id = brandedId

/** A section's (rubrique's) id. @since 0.1.0 */
export const SectionId = id("SectionId", "A section's id")
/** @since 0.1.0 */
export type SectionId = typeof SectionId.Type

/** A publication's id inside a section (a blog article or a forum topic). @since 0.1.0 */
export const PublicationId = id("PublicationId", "A publication's id")
/** @since 0.1.0 */
export type PublicationId = typeof PublicationId.Type

/** A shared folder's id inside a section. @since 0.1.0 */
export const FolderId = id("FolderId", "A shared folder's id")
/** @since 0.1.0 */
export type FolderId = typeof FolderId.Type

/** A form's id inside a section (004 "Formulaires"). @since 0.1.0 */
export const FormId = id("FormId", "A form's id")
/** @since 0.1.0 */
export type FormId = typeof FormId.Type

/** A file's id inside a shared folder. @since 0.1.0 */
export const FileId = id("FileId", "A shared file's id")
/** @since 0.1.0 */
export type FileId = typeof FileId.Type

/**
 * Whose section it is (004): a school's (e.g. "Vie scolaire", "Intendance"), a
 * class's ("Rubrique classe", deleted at the end of the year) or a teaching
 * group's (it persists, BR-GRP-4). A class or group section names its school.
 *
 * @since 0.1.0
 */
export const SectionOwner = Schema.Union(
  Schema.TaggedStruct("School", { structureId: StructureId }),
  Schema.TaggedStruct("Class", { structureId: StructureId, groupId: GroupId }),
  Schema.TaggedStruct("TeachingGroup", { structureId: StructureId, groupId: GroupId }),
)
/** @since 0.1.0 */
export type SectionOwner = typeof SectionOwner.Type

/**
 * The five roles of seed 004 (BR-RUB-1), from the least to the most rights:
 * Visiteur, Rédacteur, Rédacteur avec mise en ligne, Modérateur, Gestionnaire.
 *
 * @since 0.1.0
 */
export const SectionRole = Schema.Literal("Visitor", "Writer", "PublishingWriter", "Moderator", "Manager")
/** @since 0.1.0 */
export type SectionRole = typeof SectionRole.Type

/**
 * Who a role is granted to (004 "Profil / Cible / Rôle"): every account of a
 * profile in the section's school, the members of a group, or one account.
 *
 * @since 0.1.0
 */
export const Grantee = Schema.Union(
  Schema.TaggedStruct("Profile", { profile: Profile }),
  Schema.TaggedStruct("Group", { groupId: GroupId }),
  Schema.TaggedStruct("Account", { accountId: AccountId }),
)
/** @since 0.1.0 */
export type Grantee = typeof Grantee.Type

/**
 * The services a section offers (004: blog, forum, shared folders).
 *
 * @since 0.1.0
 */
export const SectionServices = Schema.Struct({
  blog: Schema.Boolean,
  forum: Schema.Boolean,
  sharedFolders: Schema.Boolean,
})
/** @since 0.1.0 */
export type SectionServices = typeof SectionServices.Type

/**
 * Where a publication is written: the section's blog (articles) or its forum (topics).
 *
 * @since 0.1.0
 */
export const PublicationService = Schema.Literal("Blog", "Forum")
/** @since 0.1.0 */
export type PublicationService = typeof PublicationService.Type

/**
 * Why a section closed: its manager deleted it, or its class's school year
 * ended (BR-GRP-4, the rollover).
 *
 * @since 0.1.0
 */
export const ClosingReason = Schema.Literal("DeletedByManager", "SchoolYearEnded")
/** @since 0.1.0 */
export type ClosingReason = typeof ClosingReason.Type

/** A section's name, as administrators type it (not personal: "Vie scolaire", "6A"). @since 0.1.0 */
export const SectionName = Text.ShortText

/** A publication's title: one line written by its author. @since 0.1.0 */
export const PublicationTitle = Text.trimmedLine(Text.limits.shortText, "a title").annotations({
  identifier: "PublicationTitle",
})

/** A publication's body: free text written by its author. @since 0.1.0 */
export const PublicationBody = Text.FreeText

/** A shared folder's or file's name: one line written by who created it. @since 0.1.0 */
export const FolderEntryName = Text.trimmedLine(Text.limits.shortText, "a file or folder name").annotations({
  identifier: "FolderEntryName",
})

/** A form's title: one line written by who created it. @since 0.1.0 */
export const FormTitle = Text.trimmedLine(Text.limits.shortText, "a form's title").annotations({
  identifier: "FormTitle",
})

/**
 * A section was created for its owner, with its services and whether its
 * publications go through moderation.
 *
 * @since 0.1.0
 */
export const SectionCreated = Schema.TaggedStruct("SectionCreated", {
  sectionId: SectionId,
  owner: SectionOwner,
  name: SectionName,
  services: SectionServices,
  moderated: Schema.Boolean,
  createdBy: AccountId,
})

/** A manager changed the section's name, services or moderation (BR-RUB-1 "Modifier une rubrique"). @since 0.1.0 */
export const SectionConfigured = Schema.TaggedStruct("SectionConfigured", {
  sectionId: SectionId,
  name: SectionName,
  services: SectionServices,
  moderated: Schema.Boolean,
  configuredBy: AccountId,
})

/**
 * The section closed: nothing is written in it any more (BR-RUB-1 "Supprimer
 * une rubrique", BR-GRP-4 at the end of its class's year).
 *
 * @since 0.1.0
 */
export const SectionClosed = Schema.TaggedStruct("SectionClosed", {
  sectionId: SectionId,
  reason: ClosingReason,
  closedBy: AccountId,
})

/** A role was granted in the section, replacing the grantee's former one (BR-RUB-1 "Gérer les acteurs"). @since 0.1.0 */
export const SectionRoleGranted = Schema.TaggedStruct("SectionRoleGranted", {
  sectionId: SectionId,
  grantee: Grantee,
  role: SectionRole,
  grantedBy: AccountId,
})

/** The grantee's role in the section was withdrawn (BR-RUB-1). @since 0.1.0 */
export const SectionRoleRevoked = Schema.TaggedStruct("SectionRoleRevoked", {
  sectionId: SectionId,
  grantee: Grantee,
  revokedBy: AccountId,
})

const author = { [DataSubjectId]: "authorId" }

/**
 * A publication was written; it waits for validation when the section is
 * moderated and its author may not publish directly (BR-RUB-1).
 *
 * @since 0.1.0
 */
export const PublicationProposed = Schema.TaggedStruct("PublicationProposed", {
  sectionId: SectionId,
  publicationId: PublicationId,
  service: PublicationService,
  authorId: AccountId,
  title: personal(PublicationTitle),
  body: personal(PublicationBody),
}).annotations(author)

/** A moderator or manager validated a proposed publication (BR-RUB-1 "Valider tout contenu"). @since 0.1.0 */
export const PublicationValidated = Schema.TaggedStruct("PublicationValidated", {
  sectionId: SectionId,
  publicationId: PublicationId,
  validatedBy: AccountId,
})

/**
 * A publication went online: readers of the section see it, and the news feed
 * shows it (BR-RUB-1 "Mettre en ligne").
 *
 * @since 0.1.0
 */
export const PublicationPublished = Schema.TaggedStruct("PublicationPublished", {
  sectionId: SectionId,
  publicationId: PublicationId,
  service: PublicationService,
  authorId: AccountId,
  publishedBy: AccountId,
})

/** A publication was deleted, by its author or by a moderator or manager (BR-RUB-1). @since 0.1.0 */
export const PublicationDeleted = Schema.TaggedStruct("PublicationDeleted", {
  sectionId: SectionId,
  publicationId: PublicationId,
  deletedBy: AccountId,
})

/** A shared folder was created (BR-RUB-2: no moderation). @since 0.1.0 */
export const FolderCreated = Schema.TaggedStruct("FolderCreated", {
  sectionId: SectionId,
  folderId: FolderId,
  name: personal(FolderEntryName),
  createdBy: AccountId,
}).annotations({ [DataSubjectId]: "createdBy" })

/** A file was put in a shared folder (BR-RUB-2: no moderation). @since 0.1.0 */
export const FileUploaded = Schema.TaggedStruct("FileUploaded", {
  sectionId: SectionId,
  folderId: FolderId,
  fileId: FileId,
  name: personal(FolderEntryName),
  uploadedBy: AccountId,
}).annotations({ [DataSubjectId]: "uploadedBy" })

/** A file was deleted from a shared folder, by a moderator or manager (BR-RUB-2). @since 0.1.0 */
export const FileDeleted = Schema.TaggedStruct("FileDeleted", {
  sectionId: SectionId,
  folderId: FolderId,
  fileId: FileId,
  deletedBy: AccountId,
})

/**
 * A shared folder was deleted into the section's bin, with its files: it stays
 * there 90 days, then goes for good (BR-RUB-2).
 *
 * @since 0.1.0
 */
export const FolderBinned = Schema.TaggedStruct("FolderBinned", {
  sectionId: SectionId,
  folderId: FolderId,
  deletedBy: AccountId,
})

/** A moderator or manager took a folder back out of the bin (BR-RUB-2). @since 0.1.0 */
export const FolderRestored = Schema.TaggedStruct("FolderRestored", {
  sectionId: SectionId,
  folderId: FolderId,
  restoredBy: AccountId,
})

/** A folder's 90 days in the bin were over: it and its files are gone (BR-RUB-2). @since 0.1.0 */
export const FolderPurged = Schema.TaggedStruct("FolderPurged", {
  sectionId: SectionId,
  folderId: FolderId,
})

/**
 * A form (a model of form, 004 "Formulaires") was created in the section by one
 * of its managers (BR-RUB-1 "Gérer les formulaires").
 *
 * @since 0.1.0
 */
export const FormCreated = Schema.TaggedStruct("FormCreated", {
  sectionId: SectionId,
  formId: FormId,
  title: personal(FormTitle),
  createdBy: AccountId,
}).annotations({ [DataSubjectId]: "createdBy" })

/** A form of the section was deleted by one of its managers (BR-RUB-1 "Gérer les formulaires"). @since 0.1.0 */
export const FormDeleted = Schema.TaggedStruct("FormDeleted", {
  sectionId: SectionId,
  formId: FormId,
  deletedBy: AccountId,
})

/**
 * Every Section event, keyed by tag, for the event catalogue.
 *
 * @since 0.1.0
 */
export const events = {
  SectionCreated,
  SectionConfigured,
  SectionClosed,
  SectionRoleGranted,
  SectionRoleRevoked,
  PublicationProposed,
  PublicationValidated,
  PublicationPublished,
  PublicationDeleted,
  FolderCreated,
  FileUploaded,
  FileDeleted,
  FolderBinned,
  FolderRestored,
  FolderPurged,
  FormCreated,
  FormDeleted,
} as const

/**
 * Any Section event.
 *
 * @since 0.1.0
 */
export const SectionEvent = Schema.Union(...Object.values(events))
/** @since 0.1.0 */
export type SectionEvent = typeof SectionEvent.Type

/**
 * The Section aggregate (rubrique): a publication space of a school, a class or
 * a teaching group, with its blog, forum and shared folders, the roles granted
 * in it and the rights matrix of seed 004 (BR-RUB-1), its forms (the matrix's
 * "Gérer les formulaires"), shared folders without moderation and with a 90-day
 * bin (BR-RUB-2), and the closing of class sections
 * at the end of the school year while teaching sections persist (BR-GRP-4).
 *
 * @since 0.1.0
 */

import * as Decider from "@cartable/kernel/Decider"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Actor from "./Actor.ts"
import type { AccountId } from "./Ids.ts"
import { RuleId } from "./Rules.ts"
import { SectionCommand } from "./SectionCommands.ts"
import type {
  ClosingReason,
  FileId,
  FolderId,
  FormId,
  Grantee,
  PublicationId,
  PublicationService,
  SectionEvent,
  SectionId,
  SectionOwner,
  SectionRole,
  SectionServices,
} from "./SectionEvents.ts"
import { events as eventDefinitions } from "./SectionEvents.ts"
import * as SectionRights from "./SectionRights.ts"

export * from "./SectionCommands.ts"
export * from "./SectionEvents.ts"

/**
 * Why a Section command was rejected.
 *
 * @since 0.1.0
 */
export const SectionRejectionReason = Schema.Literal(
  "NotAuthorized",
  "AlreadyExists",
  "NotFound",
  "Closed",
  "ServiceDisabled",
  "InvalidOwner",
  "InvalidState",
  "Persists",
)
/** @since 0.1.0 */
export type SectionRejectionReason = typeof SectionRejectionReason.Type

/**
 * A Section command broke a rule; nothing was recorded.
 *
 * @since 0.1.0
 */
export class SectionRejected extends Schema.TaggedError<SectionRejected>("@cartable/domain/SectionRejected")(
  "SectionRejected",
  { ruleId: RuleId, reason: SectionRejectionReason, message: Schema.String },
) {}

/**
 * A role granted in the section.
 *
 * @since 0.1.0
 */
export interface Grant {
  readonly grantee: Grantee
  readonly role: SectionRole
}

/**
 * A publication: proposed (waiting for validation) or published (online).
 *
 * @since 0.1.0
 */
export interface Publication {
  readonly publicationId: PublicationId
  readonly service: PublicationService
  readonly authorId: AccountId
  readonly status: "Proposed" | "Published"
  readonly validatedBy: AccountId | undefined
}

/**
 * A shared folder, with its files; `binned` while it waits in the bin. A file's
 * id is the folder's own: its deleted files' ids are never given again in it.
 *
 * @since 0.1.0
 */
export interface Folder {
  readonly folderId: FolderId
  readonly files: ReadonlyArray<FileId>
  readonly deletedFiles: ReadonlyArray<FileId>
  readonly binned: boolean
}

/**
 * A created section.
 *
 * @since 0.1.0
 */
export interface Section {
  readonly _tag: "Section"
  readonly sectionId: SectionId
  readonly owner: SectionOwner
  readonly name: string
  readonly services: SectionServices
  readonly moderated: boolean
  readonly grants: ReadonlyArray<Grant>
  readonly publications: ReadonlyArray<Publication>
  readonly folders: ReadonlyArray<Folder>
  /** Deleted publications' ids: never given to a publication again (a folder may take one). */
  readonly deletedPublications: ReadonlyArray<PublicationId>
  /** Purged folders' ids: never given to a folder again (a publication may take one). */
  readonly purgedFolders: ReadonlyArray<FolderId>
  /** The section's forms (004 "Formulaires"), and the deleted ones' ids, never given to a form again. */
  readonly forms: ReadonlyArray<FormId>
  readonly deletedForms: ReadonlyArray<FormId>
  readonly closed: ClosingReason | undefined
}

/**
 * The state of a section stream: absent until created.
 *
 * @since 0.1.0
 */
export type SectionState = { readonly _tag: "Absent" } | Section

/** @since 0.1.0 */
export const initialState: SectionState = { _tag: "Absent" }

type Decision = Either.Either<ReadonlyArray<SectionEvent>, SectionRejected>
type Command<Tag extends SectionCommand["_tag"]> = Extract<SectionCommand, { readonly _tag: Tag }>

const reject = (ruleId: RuleId, reason: SectionRejectionReason, message: string): Decision =>
  Either.left(new SectionRejected({ ruleId, reason, message }))
const events = (...list: ReadonlyArray<SectionEvent>): Decision => Either.right(list)
const none: Decision = Either.right([])

/**
 * The role the command's actor holds in the section (see {@link SectionRights.roleOf}).
 *
 * @since 0.1.0
 */
export const roleIn = (
  section: Section,
  command: {
    readonly actor: Actor.Actor
    readonly member: SectionRights.SectionMember
    readonly locations?: ReadonlyArray<Actor.Location> | undefined
  },
): SectionRole | undefined => SectionRights.roleOf(section, command.actor, command.member, command.locations)

const sameGrantee = (a: Grantee, b: Grantee): boolean =>
  a._tag === b._tag &&
  (a._tag !== "Profile" || a.profile === (b as typeof a).profile) &&
  (a._tag !== "Group" || a.groupId === (b as typeof a).groupId) &&
  (a._tag !== "Account" || a.accountId === (b as typeof a).accountId)

const sameServices = (a: SectionServices, b: SectionServices) =>
  a.blog === b.blog && a.forum === b.forum && a.sharedFolders === b.sharedFolders

const ownerOf = (command: Command<"CreateSection">): SectionOwner | SectionRejected => {
  const { structureId, groupId, ownerGroup } = command
  if (groupId === undefined) return { _tag: "School", structureId }
  const invalid = (message: string) => new SectionRejected({ ruleId: "BR-RUB-1", reason: "InvalidOwner", message })
  if (ownerGroup === undefined || ownerGroup.structureId !== structureId) {
    return invalid(`Group ${groupId} is not a group of ${structureId}`)
  }
  if (!ownerGroup.open) return invalid(`Group ${groupId} is closed: no section is created for it`)
  if (ownerGroup.kind === "Class") return { _tag: "Class", structureId, groupId }
  if (ownerGroup.kind === "TeachingGroup") return { _tag: "TeachingGroup", structureId, groupId }
  return invalid(`Group ${groupId} is a ${ownerGroup.kind}: sections belong to a school, a class or a teaching group`)
}

const sameOwner = (a: SectionOwner, b: SectionOwner) =>
  a._tag === b._tag &&
  a.structureId === b.structureId &&
  (a._tag === "School" || a.groupId === (b as Exclude<SectionOwner, { _tag: "School" }>).groupId)

const create = (command: Command<"CreateSection">, state: SectionState): Decision => {
  const owner = ownerOf(command)
  if (owner instanceof SectionRejected) return Either.left(owner)
  // BR-RUB-1 "Créer une rubrique": the Gestionnaire; a new section's managers are its owner's.
  if (!SectionRights.managesOwner(command.actor, owner, command.locations)) {
    return reject(
      "BR-RUB-1",
      "NotAuthorized",
      owner._tag === "School"
        ? `Only an administrator or the direction of ${owner.structureId} creates its sections`
        : `Only a teacher of ${owner.groupId}, the direction or an administrator of ${owner.structureId} creates its sections`,
    )
  }
  if (state._tag === "Section") {
    return sameOwner(state.owner, owner) && state.closed === undefined
      ? none
      : reject("BR-RUB-1", "AlreadyExists", `Section ${state.sectionId} already exists`)
  }
  return events({
    _tag: "SectionCreated",
    sectionId: command.sectionId,
    owner,
    name: command.name,
    services: command.services,
    moderated: command.moderated,
    createdBy: command.actor.accountId,
  })
}

const notAllowed = (ruleId: RuleId, role: SectionRole | undefined, what: string): Decision =>
  reject(ruleId, "NotAuthorized", `${role === undefined ? "Without a role here" : `As ${role}`}, you may not ${what}`)

const close = (command: Command<"CloseSection">, section: Section): Decision => {
  if (command.reason === "SchoolYearEnded") {
    if (!Actor.isSystem(command.actor)) {
      return reject(
        "BR-GRP-4",
        "NotAuthorized",
        "Only the start-of-year rollover closes a section at the end of the year",
      )
    }
    if (section.owner._tag !== "Class") {
      return reject(
        "BR-GRP-4",
        "Persists",
        `Section ${section.sectionId} is a ${section.owner._tag === "School" ? "school's" : "teaching group's"}: it persists from one year to the next`,
      )
    }
  } else if (!SectionRights.can(roleIn(section, command), "DeleteSection")) {
    return notAllowed("BR-RUB-1", roleIn(section, command), "delete this section")
  }
  return events({
    _tag: "SectionClosed",
    sectionId: section.sectionId,
    reason: command.reason,
    closedBy: command.actor.accountId,
  })
}

const configure = (command: Command<"ConfigureSection">, section: Section): Decision => {
  const role = roleIn(section, command)
  if (!SectionRights.can(role, "ModifySection")) return notAllowed("BR-RUB-1", role, "modify this section")
  const unchanged =
    command.name === section.name &&
    command.moderated === section.moderated &&
    sameServices(command.services, section.services)
  return unchanged
    ? none
    : events({
        _tag: "SectionConfigured",
        sectionId: section.sectionId,
        name: command.name,
        services: command.services,
        moderated: command.moderated,
        configuredBy: command.actor.accountId,
      })
}

const grant = (command: Command<"GrantSectionRole">, section: Section): Decision => {
  const role = roleIn(section, command)
  if (!SectionRights.can(role, "ManageActors")) return notAllowed("BR-RUB-1", role, "manage this section's actors")
  const current = section.grants.find((g) => sameGrantee(g.grantee, command.grantee))
  return current?.role === command.role
    ? none
    : events({
        _tag: "SectionRoleGranted",
        sectionId: section.sectionId,
        grantee: command.grantee,
        role: command.role,
        grantedBy: command.actor.accountId,
      })
}

const revoke = (command: Command<"RevokeSectionRole">, section: Section): Decision => {
  const role = roleIn(section, command)
  if (!SectionRights.can(role, "ManageActors")) return notAllowed("BR-RUB-1", role, "manage this section's actors")
  return section.grants.some((g) => sameGrantee(g.grantee, command.grantee))
    ? events({
        _tag: "SectionRoleRevoked",
        sectionId: section.sectionId,
        grantee: command.grantee,
        revokedBy: command.actor.accountId,
      })
    : none
}

const publicationOf = (section: Section, publicationId: PublicationId) =>
  section.publications.find((p) => p.publicationId === publicationId)

const serviceOn = (section: Section, service: PublicationService) =>
  service === "Blog" ? section.services.blog : section.services.forum

/** Whether the actor may put his own content online without validation: the right, or no moderation here. */
const publishesOwn = (section: Section, role: SectionRole | undefined) =>
  SectionRights.can(role, "PublishDirectly") || (!section.moderated && SectionRights.can(role, "Propose"))

const propose = (command: Command<"ProposePublication">, section: Section): Decision => {
  const role = roleIn(section, command)
  if (!SectionRights.can(role, "Propose")) return notAllowed("BR-RUB-1", role, "propose a content here")
  if (!serviceOn(section, command.service)) {
    return reject("BR-RUB-1", "ServiceDisabled", `The ${command.service.toLowerCase()} of this section is not enabled`)
  }
  if (command.publishNow && !publishesOwn(section, role)) {
    return notAllowed("BR-RUB-1", role, "publish directly in a moderated section: your content waits for validation")
  }
  const { publicationId } = command
  if (publicationOf(section, publicationId) !== undefined || section.deletedPublications.includes(publicationId)) {
    return reject("BR-RUB-1", "AlreadyExists", `Publication ${publicationId} already exists`)
  }
  const base = { sectionId: section.sectionId, publicationId, service: command.service }
  const authorId = command.actor.accountId
  const proposed: SectionEvent = {
    _tag: "PublicationProposed",
    ...base,
    authorId,
    title: command.title,
    body: command.body,
  }
  return command.publishNow
    ? events(proposed, { _tag: "PublicationPublished", ...base, authorId, publishedBy: authorId })
    : events(proposed)
}

const publicationNotFound = (publicationId: PublicationId) =>
  reject("BR-RUB-1", "NotFound", `Publication ${publicationId} does not exist`)

const validate = (command: Command<"ValidatePublication">, section: Section): Decision => {
  const role = roleIn(section, command)
  if (!SectionRights.can(role, "ValidateAny")) return notAllowed("BR-RUB-1", role, "validate contents")
  const publication = publicationOf(section, command.publicationId)
  if (publication === undefined) return publicationNotFound(command.publicationId)
  if (publication.status === "Published") return none
  const base = { sectionId: section.sectionId, publicationId: publication.publicationId }
  // (decision) Validating puts the content online, as the seed's "Valider" does.
  return events(
    { _tag: "PublicationValidated", ...base, validatedBy: command.actor.accountId },
    {
      _tag: "PublicationPublished",
      ...base,
      service: publication.service,
      authorId: publication.authorId,
      publishedBy: command.actor.accountId,
    },
  )
}

const publish = (command: Command<"PublishPublication">, section: Section): Decision => {
  const role = roleIn(section, command)
  const publication = publicationOf(section, command.publicationId)
  const own = publication !== undefined && publication.authorId === command.actor.accountId
  if (!SectionRights.can(role, "PublishAny") && !(own && publishesOwn(section, role))) {
    return notAllowed("BR-RUB-1", role, own ? "publish your content directly" : "publish others' contents")
  }
  if (publication === undefined) return publicationNotFound(command.publicationId)
  return publication.status === "Published"
    ? none
    : events({
        _tag: "PublicationPublished",
        sectionId: section.sectionId,
        publicationId: publication.publicationId,
        service: publication.service,
        authorId: publication.authorId,
        publishedBy: command.actor.accountId,
      })
}

const deletePublication = (command: Command<"DeletePublication">, section: Section): Decision => {
  if (section.deletedPublications.includes(command.publicationId)) return none
  const role = roleIn(section, command)
  const publication = publicationOf(section, command.publicationId)
  const own = publication !== undefined && publication.authorId === command.actor.accountId
  if (!SectionRights.can(role, "DeleteAny") && !(own && SectionRights.can(role, "DeleteOwn"))) {
    return notAllowed("BR-RUB-1", role, own ? "delete your contents" : "delete others' contents")
  }
  if (publication === undefined) return publicationNotFound(command.publicationId)
  return events({
    _tag: "PublicationDeleted",
    sectionId: section.sectionId,
    publicationId: publication.publicationId,
    deletedBy: command.actor.accountId,
  })
}

const folderOf = (section: Section, folderId: FolderId) => section.folders.find((f) => f.folderId === folderId)

/** BR-RUB-2: the folders' right, and the service on. */
const folderRight = (
  command: Parameters<typeof roleIn>[1],
  section: Section,
  right: SectionRights.FolderRight,
  what: string,
): Decision | undefined => {
  const role = roleIn(section, command)
  if (!SectionRights.can(role, right)) return notAllowed("BR-RUB-2", role, what)
  if (!section.services.sharedFolders) {
    return reject("BR-RUB-2", "ServiceDisabled", "The shared folders of this section are not enabled")
  }
  return undefined
}

const folderNotFound = (folderId: FolderId) => reject("BR-RUB-2", "NotFound", `Folder ${folderId} does not exist`)

const inBin = (folderId: FolderId) =>
  reject("BR-RUB-2", "InvalidState", `Folder ${folderId} is in the bin: restore it first`)

const createFolder = (command: Command<"CreateFolder">, section: Section): Decision => {
  const refused = folderRight(command, section, "Upload", "create shared folders")
  if (refused !== undefined) return refused
  if (folderOf(section, command.folderId) !== undefined || section.purgedFolders.includes(command.folderId)) {
    return reject("BR-RUB-2", "AlreadyExists", `Folder ${command.folderId} already exists`)
  }
  return events({
    _tag: "FolderCreated",
    sectionId: section.sectionId,
    folderId: command.folderId,
    name: command.name,
    createdBy: command.actor.accountId,
  })
}

const uploadFile = (command: Command<"UploadFile">, section: Section): Decision => {
  const refused = folderRight(command, section, "Upload", "put files in shared folders")
  if (refused !== undefined) return refused
  const folder = folderOf(section, command.folderId)
  if (folder === undefined) return folderNotFound(command.folderId)
  if (folder.binned) return inBin(folder.folderId)
  if (folder.files.includes(command.fileId) || folder.deletedFiles.includes(command.fileId)) {
    return reject("BR-RUB-2", "AlreadyExists", `File ${command.fileId} already exists`)
  }
  return events({
    _tag: "FileUploaded",
    sectionId: section.sectionId,
    folderId: folder.folderId,
    fileId: command.fileId,
    name: command.name,
    uploadedBy: command.actor.accountId,
  })
}

const deleteFile = (command: Command<"DeleteFile">, section: Section): Decision => {
  const refused = folderRight(command, section, "DeleteFolderContent", "delete shared files")
  if (refused !== undefined) return refused
  const folder = folderOf(section, command.folderId)
  if (folder === undefined) return folderNotFound(command.folderId)
  if (folder.binned) return inBin(folder.folderId)
  if (!folder.files.includes(command.fileId)) {
    return folder.deletedFiles.includes(command.fileId)
      ? none
      : reject("BR-RUB-2", "NotFound", `File ${command.fileId} is not in folder ${folder.folderId}`)
  }
  return events({
    _tag: "FileDeleted",
    sectionId: section.sectionId,
    folderId: folder.folderId,
    fileId: command.fileId,
    deletedBy: command.actor.accountId,
  })
}

const deleteFolder = (command: Command<"DeleteFolder">, section: Section): Decision => {
  const refused = folderRight(command, section, "DeleteFolderContent", "delete shared folders")
  if (refused !== undefined) return refused
  const folder = folderOf(section, command.folderId)
  if (folder === undefined) {
    return section.purgedFolders.includes(command.folderId) ? none : folderNotFound(command.folderId)
  }
  return folder.binned
    ? none
    : events({
        _tag: "FolderBinned",
        sectionId: section.sectionId,
        folderId: folder.folderId,
        deletedBy: command.actor.accountId,
      })
}

const restoreFolder = (command: Command<"RestoreFolder">, section: Section): Decision => {
  const refused = folderRight(command, section, "DeleteFolderContent", "restore shared folders from the bin")
  if (refused !== undefined) return refused
  const folder = folderOf(section, command.folderId)
  if (folder === undefined) {
    return section.purgedFolders.includes(command.folderId)
      ? reject("BR-RUB-2", "NotFound", `Folder ${command.folderId} spent its 90 days in the bin: it is gone`)
      : folderNotFound(command.folderId)
  }
  return folder.binned
    ? events({
        _tag: "FolderRestored",
        sectionId: section.sectionId,
        folderId: folder.folderId,
        restoredBy: command.actor.accountId,
      })
    : none
}

const purgeFolder = (command: Command<"PurgeFolder">, section: Section): Decision => {
  if (!Actor.isSystem(command.actor)) {
    return reject("BR-RUB-2", "NotAuthorized", "Only the bin's process empties it, once a folder's 90 days are over")
  }
  const folder = folderOf(section, command.folderId)
  // Restored meanwhile, or already gone: nothing to purge.
  return folder === undefined || !folder.binned
    ? none
    : events({ _tag: "FolderPurged", sectionId: section.sectionId, folderId: folder.folderId })
}

/** BR-RUB-1 "Gérer les formulaires": the Gestionnaire's. */
const formsRight = (command: Parameters<typeof roleIn>[1], section: Section, what: string): Decision | undefined => {
  const role = roleIn(section, command)
  return SectionRights.can(role, "ManageForms") ? undefined : notAllowed("BR-RUB-1", role, what)
}

const createForm = (command: Command<"CreateForm">, section: Section): Decision => {
  const refused = formsRight(command, section, "create forms here")
  if (refused !== undefined) return refused
  if (section.forms.includes(command.formId) || section.deletedForms.includes(command.formId)) {
    return reject("BR-RUB-1", "AlreadyExists", `Form ${command.formId} already exists`)
  }
  return events({
    _tag: "FormCreated",
    sectionId: section.sectionId,
    formId: command.formId,
    title: command.title,
    createdBy: command.actor.accountId,
  })
}

const deleteForm = (command: Command<"DeleteForm">, section: Section): Decision => {
  const refused = formsRight(command, section, "delete forms here")
  if (refused !== undefined) return refused
  if (section.deletedForms.includes(command.formId)) return none
  if (!section.forms.includes(command.formId)) {
    return reject("BR-RUB-1", "NotFound", `Form ${command.formId} does not exist`)
  }
  return events({
    _tag: "FormDeleted",
    sectionId: section.sectionId,
    formId: command.formId,
    deletedBy: command.actor.accountId,
  })
}

const closedSection = (section: Section): Decision =>
  section.closed === "SchoolYearEnded"
    ? reject("BR-GRP-4", "Closed", `Section ${section.sectionId} closed with its class at the end of the school year`)
    : reject("BR-RUB-1", "Closed", `Section ${section.sectionId} was deleted`)

/**
 * Decides a command against the section's state.
 *
 * @since 0.1.0
 */
export const decide = (command: SectionCommand, state: SectionState): Decision => {
  if (command._tag === "CreateSection") return create(command, state)
  if (state._tag === "Absent") return reject("BR-RUB-1", "NotFound", `Section ${command.sectionId} does not exist`)
  // The bin still empties in a closed section: its folders go at their time.
  if (command._tag === "PurgeFolder") return purgeFolder(command, state)
  if (state.closed !== undefined) return command._tag === "CloseSection" ? none : closedSection(state)
  switch (command._tag) {
    case "ConfigureSection":
      return configure(command, state)
    case "CloseSection":
      return close(command, state)
    case "GrantSectionRole":
      return grant(command, state)
    case "RevokeSectionRole":
      return revoke(command, state)
    case "ProposePublication":
      return propose(command, state)
    case "ValidatePublication":
      return validate(command, state)
    case "PublishPublication":
      return publish(command, state)
    case "DeletePublication":
      return deletePublication(command, state)
    case "CreateFolder":
      return createFolder(command, state)
    case "UploadFile":
      return uploadFile(command, state)
    case "DeleteFile":
      return deleteFile(command, state)
    case "DeleteFolder":
      return deleteFolder(command, state)
    case "RestoreFolder":
      return restoreFolder(command, state)
    case "CreateForm":
      return createForm(command, state)
    case "DeleteForm":
      return deleteForm(command, state)
  }
}

const withId = <A>(ids: ReadonlyArray<A>, id: A): ReadonlyArray<A> => (ids.includes(id) ? ids : [...ids, id])

const mapFolder = (section: Section, folderId: FolderId, f: (folder: Folder) => Folder): ReadonlyArray<Folder> =>
  section.folders.map((folder) => (folder.folderId === folderId ? f(folder) : folder))

/**
 * Folds one event into the state. Total: an event that does not apply to the
 * state leaves it unchanged.
 *
 * @since 0.1.0
 */
export const evolve = (state: SectionState, event: SectionEvent): SectionState => {
  if (event._tag === "SectionCreated") {
    return state._tag === "Section"
      ? state
      : {
          _tag: "Section",
          sectionId: event.sectionId,
          owner: event.owner,
          name: event.name,
          services: event.services,
          moderated: event.moderated,
          grants: [],
          publications: [],
          folders: [],
          deletedPublications: [],
          purgedFolders: [],
          forms: [],
          deletedForms: [],
          closed: undefined,
        }
  }
  if (state._tag === "Absent") return state
  switch (event._tag) {
    case "SectionConfigured":
      return { ...state, name: event.name, services: event.services, moderated: event.moderated }
    case "SectionClosed":
      return state.closed === undefined ? { ...state, closed: event.reason } : state
    case "SectionRoleGranted":
      return {
        ...state,
        grants: [
          ...state.grants.filter((g) => !sameGrantee(g.grantee, event.grantee)),
          { grantee: event.grantee, role: event.role },
        ],
      }
    case "SectionRoleRevoked":
      return { ...state, grants: state.grants.filter((g) => !sameGrantee(g.grantee, event.grantee)) }
    case "PublicationProposed":
      return publicationOf(state, event.publicationId) !== undefined
        ? state
        : {
            ...state,
            publications: [
              ...state.publications,
              {
                publicationId: event.publicationId,
                service: event.service,
                authorId: event.authorId,
                status: "Proposed",
                validatedBy: undefined,
              },
            ],
          }
    case "PublicationValidated":
      return {
        ...state,
        publications: state.publications.map((p) =>
          p.publicationId === event.publicationId ? { ...p, validatedBy: event.validatedBy } : p,
        ),
      }
    case "PublicationPublished":
      return {
        ...state,
        publications: state.publications.map((p) =>
          p.publicationId === event.publicationId ? { ...p, status: "Published" } : p,
        ),
      }
    case "PublicationDeleted":
      return {
        ...state,
        publications: state.publications.filter((p) => p.publicationId !== event.publicationId),
        deletedPublications: withId(state.deletedPublications, event.publicationId),
      }
    case "FolderCreated":
      return folderOf(state, event.folderId) !== undefined
        ? state
        : {
            ...state,
            folders: [...state.folders, { folderId: event.folderId, files: [], deletedFiles: [], binned: false }],
          }
    case "FileUploaded":
      return {
        ...state,
        folders: mapFolder(state, event.folderId, (folder) =>
          folder.files.includes(event.fileId) ? folder : { ...folder, files: [...folder.files, event.fileId] },
        ),
      }
    case "FileDeleted":
      return {
        ...state,
        folders: mapFolder(state, event.folderId, (folder) => ({
          ...folder,
          files: folder.files.filter((file) => file !== event.fileId),
          deletedFiles: withId(folder.deletedFiles, event.fileId),
        })),
      }
    case "FolderBinned":
      return { ...state, folders: mapFolder(state, event.folderId, (folder) => ({ ...folder, binned: true })) }
    case "FolderRestored":
      return { ...state, folders: mapFolder(state, event.folderId, (folder) => ({ ...folder, binned: false })) }
    // Its files go with it: the folder's id never comes back, so neither do they.
    case "FolderPurged":
      return folderOf(state, event.folderId) === undefined
        ? state
        : {
            ...state,
            folders: state.folders.filter((f) => f.folderId !== event.folderId),
            purgedFolders: withId(state.purgedFolders, event.folderId),
          }
    case "FormCreated":
      return { ...state, forms: withId(state.forms, event.formId) }
    case "FormDeleted":
      return {
        ...state,
        forms: state.forms.filter((formId) => formId !== event.formId),
        deletedForms: withId(state.deletedForms, event.formId),
      }
  }
}

/**
 * The Section aggregate: one stream per section.
 *
 * @since 0.1.0
 */
export const aggregate = Decider.aggregate({
  category: "Section",
  Command: SectionCommand,
  events: eventDefinitions,
  streamId: (command) => command.sectionId,
  initialState,
  decide,
  evolve,
})

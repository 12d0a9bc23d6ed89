/**
 * What a reader finds in a section (rubrique) and what he may do there: its
 * publications (online ones for every reader; proposals to their author and to
 * who validates them), its shared folders and, for who may delete, its bin, and,
 * for who manages them, its forms, each with the actions his role allows
 * (BR-RUB-1, BR-RUB-2). The role is computed
 * at query time, as `decide` computes it, from the section's grants and the
 * reader's facts in the Authorization read model, so that a membership or a
 * grant changed shows at once. Titles, bodies and names are their author's
 * personal data: after his `AccountDataErased` they read `PersonalData.ERASED`
 * (BR-ACC-9).
 *
 * @since 0.1.0
 */
import * as Domain from "@cartable/domain/Domain"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import * as SectionEvents from "@cartable/domain/SectionEvents"
import * as SectionRights from "@cartable/domain/SectionRights"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModel from "@cartable/projections/ReadModel"
import type { ReadModelError, ReadModelStore } from "@cartable/projections/ReadModelStore"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { Authorization } from "./Authorization.ts"
import { ascending, joined, keyOf, prefixOf } from "./internal/ordering.ts"

/** A form of a section (004 "Formulaires"): its title and who created it. @since 0.1.0 */
export const FormEntry = Schema.Struct({
  formId: SectionEvents.FormId,
  title: Schema.String,
  createdBy: AccountId,
})
/** @since 0.1.0 */
export type FormEntry = typeof FormEntry.Type

/** A section: its owner, name, services, moderation, grants, forms and whether it closed. @since 0.1.0 */
export const SectionEntry = Schema.Struct({
  sectionId: SectionEvents.SectionId,
  owner: SectionEvents.SectionOwner,
  name: Schema.String,
  services: SectionEvents.SectionServices,
  moderated: Schema.Boolean,
  grants: Schema.Array(Schema.Struct({ grantee: SectionEvents.Grantee, role: SectionEvents.SectionRole })),
  forms: Schema.Array(FormEntry),
  closed: Schema.optional(SectionEvents.ClosingReason),
})
/** @since 0.1.0 */
export type SectionEntry = typeof SectionEntry.Type

/** A publication of a section, proposed or online. @since 0.1.0 */
export const PublicationEntry = Schema.Struct({
  sectionId: SectionEvents.SectionId,
  publicationId: SectionEvents.PublicationId,
  service: SectionEvents.PublicationService,
  authorId: AccountId,
  title: Schema.String,
  body: Schema.String,
  status: Schema.Literal("Proposed", "Published"),
  validatedBy: Schema.optional(AccountId),
  publishedBy: Schema.optional(AccountId),
  position: Schema.Number,
})
/** @since 0.1.0 */
export type PublicationEntry = typeof PublicationEntry.Type

/** A shared folder with its files; `binned` while in the bin (BR-RUB-2). @since 0.1.0 */
export const FolderEntry = Schema.Struct({
  sectionId: SectionEvents.SectionId,
  folderId: SectionEvents.FolderId,
  name: Schema.String,
  createdBy: AccountId,
  binned: Schema.Boolean,
  files: Schema.Array(Schema.Struct({ fileId: SectionEvents.FileId, name: Schema.String, uploadedBy: AccountId })),
  position: Schema.Number,
})
/** @since 0.1.0 */
export type FolderEntry = typeof FolderEntry.Type

/** The sections, by id. @since 0.1.0 */
export const Sections = ReadModel.collection("sections", { document: SectionEntry, key: (s) => s.sectionId })

/** The publications, by section then in the order written. @since 0.1.0 */
export const Publications = ReadModel.collection("publications", {
  document: PublicationEntry,
  key: (p) => keyOf(p.sectionId, p.publicationId),
  indexes: { section: (p) => joined(p.sectionId, ascending(p.position)) },
})

/** The shared folders, by section then in the order created. @since 0.1.0 */
export const Folders = ReadModel.collection("folders", {
  document: FolderEntry,
  key: (f) => keyOf(f.sectionId, f.folderId),
  indexes: { section: (f) => joined(f.sectionId, ascending(f.position)) },
})

/** What each account wrote, so that his erasure reaches it (BR-ACC-9). @since 0.1.0 */
export const Authors = ReadModel.collection("authors", {
  document: Schema.Struct({
    accountId: AccountId,
    publications: Schema.Array(Schema.String),
    folders: Schema.Array(Schema.String),
    sections: Schema.Array(Schema.String),
  }),
  key: (a) => a.accountId,
})

type Into = Projection.Writers<{
  sections: typeof Sections
  publications: typeof Publications
  folders: typeof Folders
  authors: typeof Authors
}>

const wrote = (into: Into, accountId: AccountId, kind: "publications" | "folders" | "sections", key: string) =>
  into.authors.update(accountId, (current) => {
    const author = current ?? { accountId, publications: [], folders: [], sections: [] }
    return author[kind].includes(key) ? author : { ...author, [kind]: [...author[kind], key] }
  })

const erasedName = (name: string, by: AccountId, erased: AccountId) => (by === erased ? PersonalData.ERASED : name)

/**
 * The projection of the sections' contents.
 *
 * @since 0.1.0
 */
export const SectionContentsProjection = Projection.make({
  name: "section_contents",
  // 2: forms (BR-RUB-1 "Gérer les formulaires").
  version: 2,
  events: Domain.events,
  collections: { sections: Sections, publications: Publications, folders: Folders, authors: Authors },
  handlers: {
    SectionCreated: (event, into) =>
      into.sections.update(
        event.sectionId,
        (current) =>
          current ?? {
            sectionId: event.sectionId,
            owner: event.owner,
            name: event.name,
            services: event.services,
            moderated: event.moderated,
            grants: [],
            forms: [],
          },
      ),
    SectionConfigured: (event, into) =>
      into.sections.update(
        event.sectionId,
        (s) => s && { ...s, name: event.name, services: event.services, moderated: event.moderated },
      ),
    SectionClosed: (event, into) =>
      into.sections.update(event.sectionId, (s) => s && { ...s, closed: s.closed ?? event.reason }),
    SectionRoleGranted: (event, into) =>
      into.sections.update(
        event.sectionId,
        (s) =>
          s && {
            ...s,
            grants: [
              ...s.grants.filter((g) => JSON.stringify(g.grantee) !== JSON.stringify(event.grantee)),
              { grantee: event.grantee, role: event.role },
            ],
          },
      ),
    SectionRoleRevoked: (event, into) =>
      into.sections.update(
        event.sectionId,
        (s) =>
          s && { ...s, grants: s.grants.filter((g) => JSON.stringify(g.grantee) !== JSON.stringify(event.grantee)) },
      ),
    PublicationProposed: (event, into, recorded) => {
      const key = keyOf(event.sectionId, event.publicationId)
      return [
        into.publications.update(
          key,
          (current) =>
            current ?? {
              sectionId: event.sectionId,
              publicationId: event.publicationId,
              service: event.service,
              authorId: event.authorId,
              title: event.title,
              body: event.body,
              status: "Proposed",
              position: recorded.position,
            },
        ),
        wrote(into, event.authorId, "publications", key),
      ]
    },
    PublicationValidated: (event, into) =>
      into.publications.update(
        keyOf(event.sectionId, event.publicationId),
        (p) => p && { ...p, validatedBy: event.validatedBy },
      ),
    PublicationPublished: (event, into) =>
      into.publications.update(
        keyOf(event.sectionId, event.publicationId),
        (p) => p && { ...p, status: "Published", publishedBy: event.publishedBy },
      ),
    PublicationDeleted: (event, into) => into.publications.remove(keyOf(event.sectionId, event.publicationId)),
    FolderCreated: (event, into, recorded) => {
      const key = keyOf(event.sectionId, event.folderId)
      return [
        into.folders.update(
          key,
          (current) =>
            current ?? {
              sectionId: event.sectionId,
              folderId: event.folderId,
              name: event.name,
              createdBy: event.createdBy,
              binned: false,
              files: [],
              position: recorded.position,
            },
        ),
        wrote(into, event.createdBy, "folders", key),
      ]
    },
    FileUploaded: (event, into) => {
      const key = keyOf(event.sectionId, event.folderId)
      return [
        into.folders.update(
          key,
          (f) =>
            f && {
              ...f,
              files: [
                ...f.files.filter((file) => file.fileId !== event.fileId),
                { fileId: event.fileId, name: event.name, uploadedBy: event.uploadedBy },
              ],
            },
        ),
        wrote(into, event.uploadedBy, "folders", key),
      ]
    },
    FileDeleted: (event, into) =>
      into.folders.update(
        keyOf(event.sectionId, event.folderId),
        (f) => f && { ...f, files: f.files.filter((file) => file.fileId !== event.fileId) },
      ),
    FolderBinned: (event, into) =>
      into.folders.update(keyOf(event.sectionId, event.folderId), (f) => f && { ...f, binned: true }),
    FolderRestored: (event, into) =>
      into.folders.update(keyOf(event.sectionId, event.folderId), (f) => f && { ...f, binned: false }),
    FolderPurged: (event, into) => into.folders.remove(keyOf(event.sectionId, event.folderId)),
    FormCreated: (event, into) => [
      into.sections.update(
        event.sectionId,
        (s) =>
          s && {
            ...s,
            forms: [
              ...s.forms.filter((form) => form.formId !== event.formId),
              { formId: event.formId, title: event.title, createdBy: event.createdBy },
            ],
          },
      ),
      wrote(into, event.createdBy, "sections", event.sectionId),
    ],
    FormDeleted: (event, into) =>
      into.sections.update(
        event.sectionId,
        (s) => s && { ...s, forms: s.forms.filter((form) => form.formId !== event.formId) },
      ),
    // BR-ACC-9: what he wrote stays, its words erased.
    AccountDataErased: (event, into) =>
      into.authors.read(event.accountId, (author) =>
        author === undefined
          ? []
          : [
              ...author.publications.map((key) =>
                into.publications.update(
                  key,
                  (p) => p && { ...p, title: PersonalData.ERASED, body: PersonalData.ERASED },
                ),
              ),
              ...author.folders.map((key) =>
                into.folders.update(
                  key,
                  (f) =>
                    f && {
                      ...f,
                      name: erasedName(f.name, f.createdBy, event.accountId),
                      files: f.files.map((file) => ({
                        ...file,
                        name: erasedName(file.name, file.uploadedBy, event.accountId),
                      })),
                    },
                ),
              ),
              ...author.sections.map((key) =>
                into.sections.update(
                  key,
                  (s) =>
                    s && {
                      ...s,
                      forms: s.forms.map((form) => ({
                        ...form,
                        title: erasedName(form.title, form.createdBy, event.accountId),
                      })),
                    },
                ),
              ),
            ],
      ),
  },
})

/**
 * What a reader may do with a publication.
 *
 * @since 0.1.0
 */
export type PublicationAction = "Validate" | "Publish" | "Delete"

/**
 * What a reader may do with a shared folder: put files in it, delete it or its
 * files, restore it from the bin.
 *
 * @since 0.1.0
 */
export type FolderAction = "Upload" | "Delete" | "Restore"

/**
 * What a reader may do with a form: delete it (its managers).
 *
 * @since 0.1.0
 */
export type FormAction = "Delete"

/**
 * A section as one reader sees it: his role, his rights there, the contents he
 * may see, each with what he may do with it. A closed section stays readable
 * to who could consult it, with no action left (BR-GRP-4).
 *
 * @since 0.1.0
 */
export interface SectionView {
  readonly section: SectionEntry
  readonly role: SectionEvents.SectionRole | undefined
  readonly rights: ReadonlyArray<SectionRights.SectionRight | SectionRights.FolderRight>
  readonly publications: ReadonlyArray<{
    readonly publication: PublicationEntry
    readonly may: ReadonlyArray<PublicationAction>
  }>
  readonly folders: ReadonlyArray<{ readonly folder: FolderEntry; readonly may: ReadonlyArray<FolderAction> }>
  /** The bin, for who may delete shared folders (BR-RUB-2). */
  readonly bin: ReadonlyArray<{ readonly folder: FolderEntry; readonly may: ReadonlyArray<FolderAction> }>
  /** The forms, for who manages them (BR-RUB-1; their diffusion to others is not modelled). */
  readonly forms: ReadonlyArray<{ readonly form: FormEntry; readonly may: ReadonlyArray<FormAction> }>
}

const allRights: ReadonlyArray<SectionRights.SectionRight | SectionRights.FolderRight> = [
  ...SectionRights.SectionRight.literals,
  ...SectionRights.FolderRight.literals,
]

/**
 * The view of a section for a reader with `role`: what `decide` would accept
 * from him, contents he may see included. Pure: the query computes the role.
 *
 * @since 0.1.0
 */
export const viewOf = (
  section: SectionEntry,
  readerId: AccountId,
  role: SectionEvents.SectionRole | undefined,
  publications: ReadonlyArray<PublicationEntry>,
  folders: ReadonlyArray<FolderEntry>,
): SectionView => {
  const open = section.closed === undefined
  const can = (right: SectionRights.SectionRight | SectionRights.FolderRight) => SectionRights.can(role, right)
  const rights = open
    ? allRights.filter(can)
    : allRights.filter((right) => right === "Consult" || right === "ReadFolders").filter(can)
  const has = (right: SectionRights.SectionRight | SectionRights.FolderRight) => rights.includes(right)
  const publishesOwn = has("PublishDirectly") || (!section.moderated && has("Propose"))
  const visible = has("Consult")
    ? publications.filter(
        (p) =>
          (p.status === "Published" && (p.service === "Blog" ? section.services.blog : section.services.forum)) ||
          p.authorId === readerId ||
          can("ValidateAny"),
      )
    : []
  const folderView = (folder: FolderEntry) => ({
    folder,
    may: (folder.binned
      ? [has("DeleteFolderContent") ? "Restore" : undefined]
      : [has("Upload") ? "Upload" : undefined, has("DeleteFolderContent") ? "Delete" : undefined]
    ).filter((action): action is FolderAction => action !== undefined),
  })
  const shared = section.services.sharedFolders && has("ReadFolders") ? folders : []
  return {
    section,
    role,
    rights,
    publications: visible.map((publication) => {
      const own = publication.authorId === readerId
      const may: Array<PublicationAction> = []
      if (publication.status === "Proposed") {
        if (has("ValidateAny")) may.push("Validate")
        if (has("PublishAny") || (own && publishesOwn)) may.push("Publish")
      }
      if (has("DeleteAny") || (own && has("DeleteOwn"))) may.push("Delete")
      return { publication, may }
    }),
    folders: shared.filter((folder) => !folder.binned).map(folderView),
    bin: has("DeleteFolderContent") ? shared.filter((folder) => folder.binned).map(folderView) : [],
    forms: can("ManageForms")
      ? section.forms.map((form) => ({ form, may: has("ManageForms") ? (["Delete"] as const) : [] }))
      : [],
  }
}

/**
 * @since 0.1.0
 */
export declare namespace SectionContents {
  /**
   * The queries of the sections' contents.
   *
   * @since 0.1.0
   */
  export interface Service {
    /** A section as `readerId` sees it, his role from the log; undefined for a section never created. */
    readonly view: (
      sectionId: SectionEvents.SectionId,
      readerId: AccountId,
    ) => Effect.Effect<SectionView | undefined, ReadModelError>
  }
}

/**
 * The sections' contents query service.
 *
 * @since 0.1.0
 */
export class SectionContents extends Context.Tag("@cartable/read-models/SectionContents")<
  SectionContents,
  SectionContents.Service
>() {}

const allPages = <A>(
  find: (
    after: string | undefined,
  ) => Effect.Effect<{ readonly documents: ReadonlyArray<A>; readonly next?: string | undefined }, ReadModelError>,
) =>
  Effect.gen(function* () {
    const found: Array<A> = []
    let after: string | undefined
    do {
      const page = yield* find(after)
      found.push(...page.documents)
      after = page.next
    } while (after !== undefined)
    return found
  })

/**
 * Builds the query service over the projection's serving tables and the Authorization facts.
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<SectionContents.Service, never, ReadModelStore | Authorization> = Effect.gen(
  function* () {
    const sections = yield* ProjectionRuntime.reader(SectionContentsProjection, "sections")
    const publications = yield* ProjectionRuntime.reader(SectionContentsProjection, "publications")
    const folders = yield* ProjectionRuntime.reader(SectionContentsProjection, "folders")
    const facts = yield* Authorization
    return {
      view: Effect.fn("SectionContents.view")(function* (sectionId, readerId) {
        const section = yield* sections.get(sectionId)
        if (section === undefined) return undefined
        const [actor, member, location] = yield* Effect.all(
          [
            facts.actor(readerId),
            facts.sectionMember(readerId),
            facts.location(StructureId.make(section.owner.structureId)),
          ],
          { concurrency: 3 },
        )
        const role = SectionRights.roleOf(section, actor, member, location === undefined ? undefined : [location])
        const inSection = (index: "section") => (after: string | undefined) =>
          ({ index, prefix: prefixOf(sectionId), after, limit: 500 }) as const
        const [written, shared] = yield* Effect.all(
          [
            allPages((after) => publications.find(inSection("section")(after))),
            allPages((after) => folders.find(inSection("section")(after))),
          ],
          { concurrency: 2 },
        )
        return viewOf(section, readerId, role, written, shared)
      }),
    }
  },
)

/**
 * The query service as a layer.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<SectionContents, never, ReadModelStore | Authorization> = Layer.effect(
  SectionContents,
  make,
)

import type * as Actor from "@cartable/domain/Actor"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import * as Section from "@cartable/domain/Section"
import type * as SectionRights from "@cartable/domain/SectionRights"
import * as DeciderLaws from "@cartable/testing/DeciderLaws"
import { given } from "@cartable/testing/DeciderSpec"
import * as SectionArbitraries from "@cartable/testing/SectionArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"

DeciderLaws.suite(Section.aggregate, { commands: SectionArbitraries.commands })

const { ids, owners } = SectionArbitraries
const school = ids.schools[0]!
const district = StructureId.make("district-57")
const admin = AccountId.make("admin-a")
const other = AccountId.make("acc-other")

type Right = SectionRights.SectionRight | SectionRights.FolderRight
type Role = Section.SectionRole

// The oracle, from seed 004's matrix and its shared-folders case (BR-RUB-1, BR-RUB-2): each role's rights.
const visitor: ReadonlyArray<Right> = ["Consult", "ReadFolders"]
const writer: ReadonlyArray<Right> = [...visitor, "Propose", "DeleteOwn"]
const publishingWriter: ReadonlyArray<Right> = [...writer, "PublishDirectly", "Upload"]
const moderator: ReadonlyArray<Right> = [
  ...publishingWriter,
  "ValidateAny",
  "PublishAny",
  "DeleteAny",
  "DeleteFolderContent",
]
const manager: ReadonlyArray<Right> = [
  ...moderator,
  "CreateSection",
  "ModifySection",
  "DeleteSection",
  "ManageActors",
  "ManageForms",
]
const rightsOf: Record<Role, ReadonlyArray<Right>> = {
  Visitor: visitor,
  Writer: writer,
  PublishingWriter: publishingWriter,
  Moderator: moderator,
  Manager: manager,
}
const order: ReadonlyArray<Role> = ["Visitor", "Writer", "PublishingWriter", "Moderator", "Manager"]

// Who manages a section without a grant (decision from 004, docs/sections.md): an administrator whose scope covers
// the school, its direction, and the teachers of the class or teaching group that owns it.
const managesOwner = (
  actor: Actor.Actor,
  owner: Section.SectionOwner,
  location: { readonly districtId?: string } | undefined,
) =>
  actor.roles.some(
    (role) =>
      (role._tag === "Administrator" &&
        (role.level === "Platform" ||
          (role.level === "School" && role.scopeId === owner.structureId) ||
          (role.level === "District" && location !== undefined && role.scopeId === location.districtId))) ||
      (role._tag === "Direction" && role.structureId === owner.structureId) ||
      (role._tag === "Teacher" &&
        owner._tag !== "School" &&
        role.structureId === owner.structureId &&
        role.groupIds.includes(owner.groupId)),
  )

const expectedRole = (
  actor: Actor.Actor,
  member: SectionRights.SectionMember,
  owner: Section.SectionOwner,
  grants: ReadonlyArray<{ readonly grantee: Section.Grantee; readonly role: Role }>,
  location: { readonly districtId?: string } | undefined,
): Role | undefined => {
  if (managesOwner(actor, owner, location)) return "Manager"
  // The last grant of each grantee counts; of those naming the actor, the highest.
  const last = new Map<string, Role>()
  for (const grant of grants) last.set(JSON.stringify(grant.grantee), grant.role)
  let best = -1
  for (const [key, role] of last) {
    const grantee = JSON.parse(key) as Section.Grantee
    const named =
      (grantee._tag === "Account" && grantee.accountId === actor.accountId) ||
      (grantee._tag === "Group" && member.groupIds.includes(grantee.groupId)) ||
      (grantee._tag === "Profile" && grantee.profile === member.profile && member.structureIds.includes(school))
    if (named) best = Math.max(best, order.indexOf(role))
  }
  return best < 0 ? undefined : order[best]
}

const own = Section.PublicationId.make("pub-own")
const theirs = Section.PublicationId.make("pub-theirs")

const historyOf = (
  index: number,
  actor: Actor.Actor,
  grants: ReadonlyArray<{ readonly grantee: Section.Grantee; readonly role: Role }>,
  moderated: boolean,
): ReadonlyArray<Section.SectionEvent> => {
  const sectionId = ids.sections[index]!
  const proposed = (authorId: AccountId, publicationId: Section.PublicationId): Section.SectionEvent => ({
    _tag: "PublicationProposed",
    sectionId,
    publicationId,
    service: "Blog",
    authorId,
    title: "Sortie",
    body: "",
  })
  return [
    {
      _tag: "SectionCreated",
      sectionId,
      owner: owners[index]!,
      name: "Rubrique",
      services: { blog: true, forum: true, sharedFolders: true },
      moderated,
      createdBy: admin,
    },
    ...grants.map(
      (grant): Section.SectionEvent => ({ _tag: "SectionRoleGranted", sectionId, ...grant, grantedBy: admin }),
    ),
    proposed(actor.accountId, own),
    proposed(other, theirs),
    { _tag: "FolderCreated", sectionId, folderId: ids.folders[0]!, name: "Photos", createdBy: other },
    {
      _tag: "FileUploaded",
      sectionId,
      folderId: ids.folders[0]!,
      fileId: ids.files[0]!,
      name: "sortie.jpg",
      uploadedBy: other,
    },
  ]
}

/** Each exercised right with its command; the oracle says who may give it. */
const exercised = (
  right: Right,
  fields: {
    readonly actor: Actor.Actor
    readonly member: SectionRights.SectionMember
    readonly sectionId: Section.SectionId
    readonly locations?: ReadonlyArray<Actor.Location>
  },
): Section.SectionCommand => {
  switch (right) {
    case "Propose":
      return {
        _tag: "ProposePublication",
        ...fields,
        publicationId: ids.publications[0]!,
        service: "Forum",
        title: "Question",
        body: "",
        publishNow: false,
      }
    case "PublishDirectly":
      return {
        _tag: "ProposePublication",
        ...fields,
        publicationId: ids.publications[0]!,
        service: "Blog",
        title: "Sortie",
        body: "",
        publishNow: true,
      }
    case "DeleteOwn":
      return { _tag: "DeletePublication", ...fields, publicationId: own }
    case "ValidateAny":
      return { _tag: "ValidatePublication", ...fields, publicationId: theirs }
    case "PublishAny":
      return { _tag: "PublishPublication", ...fields, publicationId: theirs }
    case "DeleteAny":
      return { _tag: "DeletePublication", ...fields, publicationId: theirs }
    case "ModifySection":
      return {
        _tag: "ConfigureSection",
        ...fields,
        name: "Renommée",
        services: { blog: true, forum: true, sharedFolders: true },
        moderated: true,
      }
    case "DeleteSection":
      return { _tag: "CloseSection", ...fields, reason: "DeletedByManager" }
    case "ManageActors":
      return {
        _tag: "GrantSectionRole",
        ...fields,
        grantee: { _tag: "Group", groupId: ids.groups[2]! },
        role: "Writer",
      }
    case "Upload":
      return { _tag: "UploadFile", ...fields, folderId: ids.folders[0]!, fileId: ids.files[1]!, name: "fiche.pdf" }
    case "DeleteFolderContent":
      return { _tag: "DeleteFolder", ...fields, folderId: ids.folders[0]! }
    case "ManageForms":
      return { _tag: "CreateForm", ...fields, formId: ids.forms[0]!, title: "Autorisation de sortie" }
    default:
      throw new Error(`no command exercises ${right}`)
  }
}

const exercisable: ReadonlyArray<Right> = [
  "Propose",
  "PublishDirectly",
  "DeleteOwn",
  "ValidateAny",
  "PublishAny",
  "DeleteAny",
  "ModifySection",
  "DeleteSection",
  "ManageActors",
  "Upload",
  "DeleteFolderContent",
  "ManageForms",
]

const grantArb = FastCheck.array(
  FastCheck.record({ grantee: SectionArbitraries.grantee, role: SectionArbitraries.role }),
  { maxLength: 5 },
)

describe("Section rights", () => {
  it.prop(
    "BR-RUB-1 a command is accepted exactly when the role the log gives the actor holds its right, whatever his kind of actor",
    [
      SectionArbitraries.actor,
      SectionArbitraries.member,
      grantArb,
      FastCheck.integer({ min: 0, max: 2 }),
      FastCheck.constantFrom(...exercisable),
      FastCheck.boolean(),
    ],
    ([actor, member, grants, index, right, located]) => {
      const location = { structureId: school, districtId: district }
      const command = exercised(right, {
        actor,
        member,
        sectionId: ids.sections[index]!,
        ...(located ? { locations: [location] } : {}),
      })
      const role = expectedRole(actor, member, owners[index]!, grants, located ? location : undefined)
      const decision = given(Section.aggregate, historyOf(index, actor, grants, true)).when(command).decision
      assert.strictEqual(
        Either.isRight(decision),
        role !== undefined && rightsOf[role].includes(right),
        `${right} as ${role ?? "nobody"}: ${Either.isLeft(decision) ? decision.left.message : "accepted"}`,
      )
    },
    { fastCheck: { numRuns: 500 } },
  )

  it.prop(
    "BR-RUB-1 the role comes from the section's grants and the log's facts: a grant revoked takes its rights away",
    [SectionArbitraries.member, SectionArbitraries.grantee, SectionArbitraries.role],
    ([member, grantee, role]) => {
      const actor: Actor.Actor = { accountId: ids.accounts[0]!, roles: [] }
      const sectionId = ids.sections[1]!
      const history = historyOf(1, actor, [{ grantee, role }], true)
      const revoked: Section.SectionEvent = { _tag: "SectionRoleRevoked", sectionId, grantee, revokedBy: admin }
      const command = exercised("Propose", { actor, member, sectionId })
      const before = given(Section.aggregate, history).when(command).decision
      const after = given(Section.aggregate, [...history, revoked]).when(command).decision
      const named = expectedRole(actor, member, owners[1]!, [{ grantee, role }], undefined) !== undefined
      assert.strictEqual(Either.isRight(before), named && role !== "Visitor")
      assert.isTrue(Either.isLeft(after))
    },
  )
})

describe("Moderation", () => {
  const writer: Actor.Actor = { accountId: ids.accounts[0]!, roles: [] }
  const member: SectionRights.SectionMember = { structureIds: [school], groupIds: [] }
  const grants = [{ grantee: { _tag: "Account" as const, accountId: writer.accountId }, role: "Writer" as const }]

  it.prop(
    "BR-RUB-1 in a moderated section a Rédacteur's content waits for a validation; without moderation it may go online at once",
    [FastCheck.boolean(), FastCheck.integer({ min: 0, max: 2 })],
    ([moderated, index]) => {
      const sectionId = ids.sections[index]!
      const history = historyOf(index, writer, grants, moderated)
      const now = given(Section.aggregate, history).when(
        exercised("PublishDirectly", { actor: writer, member, sectionId }),
      )
      assert.strictEqual(Either.isRight(now.decision), !moderated)
      const proposed = given(Section.aggregate, history)
        .when(exercised("Propose", { actor: writer, member, sectionId }))
        .accepted()
      assert.deepStrictEqual(
        proposed.events.map((e) => e._tag),
        ["PublicationProposed"],
      )
      const publication = proposed.state._tag === "Section" ? proposed.state.publications.at(-1) : undefined
      assert.strictEqual(publication?.status, "Proposed")
      // A moderator's validation puts it online, and says who validated.
      const moderator: Actor.Actor = {
        accountId: admin,
        roles: [{ _tag: "Administrator", level: "School", scopeId: school }],
      }
      const validated = given(Section.aggregate, [...history, ...proposed.events])
        .when({ _tag: "ValidatePublication", actor: moderator, member, sectionId, publicationId: ids.publications[0]! })
        .accepted()
      assert.deepStrictEqual(
        validated.events.map((e) => e._tag),
        ["PublicationValidated", "PublicationPublished"],
      )
    },
  )
})

describe("Class sections at the end of the year", () => {
  const rollover: Actor.Actor = {
    accountId: AccountId.make("system:rollover"),
    roles: [{ _tag: "System", process: "rollover" }],
  }
  it.prop(
    "BR-GRP-4 the end of the year closes a class's section, never a teaching group's or the school's",
    [FastCheck.integer({ min: 0, max: 2 }), SectionArbitraries.actor],
    ([index, someone]) => {
      const sectionId = ids.sections[index]!
      const history = historyOf(index, someone, [], true)
      const close = (actor: Actor.Actor) =>
        given(Section.aggregate, history).when({
          _tag: "CloseSection",
          actor,
          member: { structureIds: [], groupIds: [] },
          sectionId,
          reason: "SchoolYearEnded",
        }).decision
      const byRollover = close(rollover)
      assert.strictEqual(Either.isRight(byRollover), owners[index]!._tag === "Class")
      if (Either.isLeft(byRollover)) assert.strictEqual(byRollover.left.reason, "Persists")
      // Only a process closes a section for the year's end.
      if (!someone.roles.some((role) => role._tag === "System")) assert.isTrue(Either.isLeft(close(someone)))
      // Once closed, nothing is written in it any more.
      if (Either.isRight(byRollover)) {
        const after = given(Section.aggregate, [...history, ...byRollover.right]).when(
          exercised("Propose", {
            actor: { accountId: admin, roles: [{ _tag: "Administrator", level: "Platform" }] },
            member: { structureIds: [], groupIds: [] },
            sectionId,
          }),
        ).decision
        assert.isTrue(Either.isLeft(after) && after.left.ruleId === "BR-GRP-4")
      }
    },
  )
})

describe("Creating a section", () => {
  it.prop(
    "BR-RUB-1 a section is created by who manages its owner, for a school, a class or a teaching group of the log",
    [SectionArbitraries.actor, FastCheck.integer({ min: 0, max: 3 }), FastCheck.boolean()],
    ([actor, index, open]) => {
      // 0, 1, 2: the pool's owners; 3: a manual group, which holds no section.
      const groupId = index === 0 ? undefined : ids.groups[index - 1]!
      const facts = groupId === undefined ? undefined : { ...SectionArbitraries.groupFacts[groupId]!, open }
      const decision = given(Section.aggregate, []).when({
        _tag: "CreateSection",
        actor,
        sectionId: ids.sections[0]!,
        structureId: school,
        ...(groupId === undefined ? {} : { groupId, ownerGroup: facts! }),
        name: "Rubrique",
        services: { blog: true, forum: false, sharedFolders: true },
        moderated: true,
      }).decision
      const validOwner = index === 0 || (index < 3 && open)
      const expected = validOwner && managesOwner(actor, owners[index]!, undefined)
      assert.strictEqual(Either.isRight(decision), expected)
    },
  )
})

describe("Ids gone for good", () => {
  // One id, "x", that each kind may hold: a publication, a folder, a file of folder dir-1 or of dir-2. The oracle
  // (docs/sections.md): a deleted publication's id is never given to a publication again, a purged folder's never
  // to a folder, a deleted file's never to a file of the same folder (a file's id is its folder's); nothing else.
  type Kind = "Publication" | "Folder" | "File of dir-1" | "File of dir-2" | "Form"
  const kinds: ReadonlyArray<Kind> = ["Publication", "Folder", "File of dir-1", "File of dir-2", "Form"]
  const sectionId = ids.sections[0]!
  const [dir1, dir2] = [ids.folders[0]!, ids.folders[1]!]
  const folderOf = (kind: Kind) => (kind === "File of dir-1" ? dir1 : dir2)
  const x = { publicationId: Section.PublicationId.make("x"), folderId: Section.FolderId.make("x") }
  const formX = Section.FormId.make("x")
  const fileX = Section.FileId.make("x")
  const manager: Actor.Actor = {
    accountId: admin,
    roles: [{ _tag: "Administrator", level: "School", scopeId: school }],
  }
  const fields = { actor: manager, member: { structureIds: [], groupIds: [] }, sectionId }

  const gone = (kind: Kind): ReadonlyArray<Section.SectionEvent> => {
    switch (kind) {
      case "Publication":
        return [
          { _tag: "PublicationProposed", sectionId, ...x, service: "Blog", authorId: other, title: "Sortie", body: "" },
          { _tag: "PublicationDeleted", sectionId, publicationId: x.publicationId, deletedBy: admin },
        ]
      case "Folder":
        return [
          { _tag: "FolderCreated", sectionId, folderId: x.folderId, name: "Photos", createdBy: other },
          { _tag: "FolderBinned", sectionId, folderId: x.folderId, deletedBy: admin },
          { _tag: "FolderPurged", sectionId, folderId: x.folderId },
        ]
      case "Form":
        return [
          { _tag: "FormCreated", sectionId, formId: formX, title: "Autorisation", createdBy: other },
          { _tag: "FormDeleted", sectionId, formId: formX, deletedBy: admin },
        ]
      default: {
        const folderId = folderOf(kind)
        return [
          { _tag: "FileUploaded", sectionId, folderId, fileId: fileX, name: "sortie.jpg", uploadedBy: other },
          { _tag: "FileDeleted", sectionId, folderId, fileId: fileX, deletedBy: admin },
        ]
      }
    }
  }
  const creation = (kind: Kind): Section.SectionCommand => {
    switch (kind) {
      case "Publication":
        return {
          _tag: "ProposePublication",
          ...fields,
          publicationId: x.publicationId,
          service: "Forum",
          title: "Question",
          body: "",
          publishNow: false,
        }
      case "Folder":
        return { _tag: "CreateFolder", ...fields, folderId: x.folderId, name: "Devoirs" }
      case "Form":
        return { _tag: "CreateForm", ...fields, formId: formX, title: "Inscriptions" }
      default:
        return { _tag: "UploadFile", ...fields, folderId: folderOf(kind), fileId: fileX, name: "fiche.pdf" }
    }
  }
  const deletion = (kind: Kind): Section.SectionCommand =>
    kind === "Publication"
      ? { _tag: "DeletePublication", ...fields, publicationId: x.publicationId }
      : kind === "Folder"
        ? { _tag: "DeleteFolder", ...fields, folderId: x.folderId }
        : kind === "Form"
          ? { _tag: "DeleteForm", ...fields, formId: formX }
          : { _tag: "DeleteFile", ...fields, folderId: folderOf(kind), fileId: fileX }

  it.prop(
    "BR-RUB-2 a gone id blocks only its own kind: a deleted publication's id stays free for a folder, a purged folder's for a publication, a deleted file's for another folder's file",
    [FastCheck.shuffledSubarray([...kinds]), FastCheck.constantFrom(...kinds)],
    ([goneKinds, kind]) => {
      const history: ReadonlyArray<Section.SectionEvent> = [
        {
          _tag: "SectionCreated",
          sectionId,
          owner: owners[0]!,
          name: "Vie scolaire",
          services: { blog: true, forum: true, sharedFolders: true },
          moderated: true,
          createdBy: admin,
        },
        { _tag: "FolderCreated", sectionId, folderId: dir1, name: "Photos", createdBy: other },
        { _tag: "FolderCreated", sectionId, folderId: dir2, name: "Cours", createdBy: other },
        ...goneKinds.flatMap(gone),
      ]
      const taken = goneKinds.includes(kind)
      const created = given(Section.aggregate, history).when(creation(kind)).decision
      assert.strictEqual(Either.isRight(created), !taken, `${kind} x after ${goneKinds.join(", ") || "nothing"}`)
      if (Either.isLeft(created)) assert.strictEqual(created.left.reason, "AlreadyExists")
      // Deleting it again changes nothing; an id of another kind is not there to delete.
      const deleted = given(Section.aggregate, history).when(deletion(kind)).decision
      if (taken) assert.deepStrictEqual(deleted, Either.right([]))
      else assert.isTrue(Either.isLeft(deleted) && deleted.left.reason === "NotFound")
    },
    { fastCheck: { numRuns: 200 } },
  )
})

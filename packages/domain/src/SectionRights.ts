/**
 * Who may do what in a section (rubrique): the rights matrix of seed 004
 * ("Récapitulatif des droits d'accès", BR-RUB-1), the shared folders' special
 * case (BR-RUB-2), and the role an actor holds in a section, from the grants the
 * section recorded and the facts the log gives about him (profile, schools,
 * groups, teaching, direction, administration): never from a command's body.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Profile } from "./AccountEvents.ts"
import * as Actor from "./Actor.ts"
import { GroupId, StructureId } from "./Ids.ts"
import type { Grantee, SectionOwner, SectionRole } from "./SectionEvents.ts"

/**
 * The rights of the matrix (BR-RUB-1), in the seed's row order: consult the
 * section, propose a content, delete one's own contents, publish directly, validate
 * any content, publish any content, delete any content, create, modify and delete
 * a section, manage its actors, manage its forms.
 *
 * @since 0.1.0
 */
export const SectionRight = Schema.Literal(
  "Consult",
  "Propose",
  "DeleteOwn",
  "PublishDirectly",
  "ValidateAny",
  "PublishAny",
  "DeleteAny",
  "CreateSection",
  "ModifySection",
  "DeleteSection",
  "ManageActors",
  "ManageForms",
)
/** @since 0.1.0 */
export type SectionRight = typeof SectionRight.Type

/**
 * The rights of the shared folders (BR-RUB-2): read them, put files and folders
 * in them, delete files and folders.
 *
 * @since 0.1.0
 */
export const FolderRight = Schema.Literal("ReadFolders", "Upload", "DeleteFolderContent")
/** @since 0.1.0 */
export type FolderRight = typeof FolderRight.Type

/**
 * The roles from the fewest rights to the most. Every row of the seed's matrix is
 * "non" then "oui" in this order, so the rights of several roles are those of the
 * highest one.
 *
 * @since 0.1.0
 */
export const roleOrder: ReadonlyArray<SectionRole> = ["Visitor", "Writer", "PublishingWriter", "Moderator", "Manager"]

const rank = (role: SectionRole): number => roleOrder.indexOf(role)

/** The least role holding each right (the seed's matrix, read row by row). */
const leastRoleFor: { readonly [R in SectionRight | FolderRight]: SectionRole } = {
  Consult: "Visitor",
  Propose: "Writer",
  DeleteOwn: "Writer",
  PublishDirectly: "PublishingWriter",
  ValidateAny: "Moderator",
  PublishAny: "Moderator",
  DeleteAny: "Moderator",
  CreateSection: "Manager",
  ModifySection: "Manager",
  DeleteSection: "Manager",
  ManageActors: "Manager",
  ManageForms: "Manager",
  ReadFolders: "Visitor",
  Upload: "PublishingWriter",
  DeleteFolderContent: "Moderator",
}

/**
 * Whether a role holds a right; no role (undefined) holds none.
 *
 * @since 0.1.0
 */
export const can = (role: SectionRole | undefined, right: SectionRight | FolderRight): boolean =>
  role !== undefined && rank(role) >= rank(leastRoleFor[right])

/**
 * The higher of two roles (undefined is below every role).
 *
 * @since 0.1.0
 */
export const higher = (a: SectionRole | undefined, b: SectionRole | undefined): SectionRole | undefined =>
  a === undefined ? b : b === undefined ? a : rank(a) >= rank(b) ? a : b

/**
 * What the log says of the acting account that grants may target (a fact of
 * every Section command): his profile, the schools he is attached to and the
 * open groups he is a member of. A process has none.
 *
 * @since 0.1.0
 */
export const SectionMember = Schema.Struct({
  profile: Schema.optional(Profile),
  structureIds: Schema.Array(StructureId),
  groupIds: Schema.Array(GroupId),
})
/** @since 0.1.0 */
export type SectionMember = typeof SectionMember.Type

/**
 * Nobody the grants could name: what a process or an unknown account is.
 *
 * @since 0.1.0
 */
export const nobody: SectionMember = { structureIds: [], groupIds: [] }

/**
 * Whether a grant names the actor: his account, a group he is in, or his profile
 * in the section's school.
 *
 * @since 0.1.0
 */
export const names = (
  grantee: Grantee,
  accountId: string,
  member: SectionMember,
  structureId: StructureId,
): boolean => {
  switch (grantee._tag) {
    case "Account":
      return grantee.accountId === accountId
    case "Group":
      return member.groupIds.includes(grantee.groupId)
    case "Profile":
      return grantee.profile === member.profile && member.structureIds.includes(structureId)
  }
}

/**
 * Whether the actor manages every section of the owner without a grant
 * (decision, from 004): the ENT administrators whose scope covers the school
 * ("Paramétrage des rubriques par l'administrateur ENT"), its direction (004
 * "Dans chaque rubrique, le groupe Chef d'établissement ... avec le rôle
 * Gestionnaire") and, for a class or a teaching group, its teachers (004 "Les
 * enseignants sont gestionnaires par défaut"). Who may create a section for an
 * owner is who manages it.
 *
 * @since 0.1.0
 */
export const managesOwner = (
  actor: Actor.Actor,
  owner: SectionOwner,
  locations: ReadonlyArray<Actor.Location> | undefined,
): boolean =>
  Actor.administersSome(actor, [owner.structureId], locations) ||
  Actor.isDirectionOf(actor, owner.structureId) ||
  (owner._tag !== "School" && Actor.teaches(actor, owner.structureId, owner.groupId))

/**
 * The role the actor holds in a section: Gestionnaire when he manages its owner,
 * or else the highest role of the grants that name him; undefined when none does.
 *
 * @since 0.1.0
 */
export const roleOf = (
  section: {
    readonly owner: SectionOwner
    readonly grants: ReadonlyArray<{ readonly grantee: Grantee; readonly role: SectionRole }>
  },
  actor: Actor.Actor,
  member: SectionMember,
  locations?: ReadonlyArray<Actor.Location> | undefined,
): SectionRole | undefined =>
  managesOwner(actor, section.owner, locations)
    ? "Manager"
    : section.grants.reduce<SectionRole | undefined>(
        (best, grant) =>
          names(grant.grantee, actor.accountId, member, section.owner.structureId) ? higher(best, grant.role) : best,
        undefined,
      )

/**
 * Who acts, and what the caller knows of his roles. Every command carries an
 * actor and `decide` checks the right: authorization is a business rule.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { optionalFact } from "./Fact.ts"
import { AccountId, GroupId, StructureId } from "./Ids.ts"

/**
 * The administration levels of BR-SIG-2: a school's ENT administrators, the
 * district's (circonscription, ERUN), the department's (CPD numérique), the
 * academy's (DANE) and the platform vendor's.
 *
 * @since 0.1.0
 */
export const AdminLevel = Schema.Literal("School", "District", "Department", "Academy", "Platform")
/** @since 0.1.0 */
export type AdminLevel = typeof AdminLevel.Type

/**
 * Where a school sits: itself and the administrative scopes above it.
 *
 * @since 0.1.0
 */
export const Location = Schema.Struct({
  structureId: StructureId,
  districtId: Schema.optional(StructureId),
  departmentId: Schema.optional(StructureId),
  academyId: Schema.optional(StructureId),
})
/** @since 0.1.0 */
export type Location = typeof Location.Type

/**
 * Fact of every command an administrator may give: where the schools concerned
 * sit (the account's schools, the school the command names, a homework book's
 * school), so that a district, department or academy administrator is judged on
 * his scope (BR-ACC-11). Absent, an administrator is judged on the schools' ids alone.
 *
 * @since 0.1.0
 */
export const schoolLocations = optionalFact(Schema.Array(Location))

/**
 * A role the caller vouches for:
 * - `Administrator`: ENT administrator at a level (`scopeId` is the school,
 *   district, department or academy; absent for the platform vendor);
 * - `Direction`: member of the functional group "Chef d'établissement" of a school (BR-GRP-3);
 * - `Teacher`: teacher attached to these classes and groups of a school (BR-GRP-1);
 * - `Inspector`: an account with inspector access (BR-CDT-5);
 * - `MailMergeManager`: member of the functional group "Gestionnaire publipostage" of a school (BR-MM-1);
 * - `System`: an automated process of the platform (directory feed import, retention job).
 *
 * @since 0.1.0
 */
export const Role = Schema.Union(
  Schema.TaggedStruct("Administrator", { level: AdminLevel, scopeId: Schema.optional(StructureId) }),
  Schema.TaggedStruct("Direction", { structureId: StructureId }),
  Schema.TaggedStruct("Teacher", { structureId: StructureId, groupIds: Schema.Array(GroupId) }),
  Schema.TaggedStruct("Inspector", {}),
  Schema.TaggedStruct("MailMergeManager", { structureId: StructureId }),
  Schema.TaggedStruct("System", { process: Schema.String }),
)
/** @since 0.1.0 */
export type Role = typeof Role.Type

/**
 * The acting account and its roles.
 *
 * @since 0.1.0
 */
export const Actor = Schema.Struct({
  accountId: AccountId,
  roles: Schema.Array(Role),
})
/** @since 0.1.0 */
export type Actor = typeof Actor.Type

/**
 * Whether an administrator role's scope covers a school at `location`.
 *
 * @since 0.1.0
 */
export const covers = (role: Role, location: Location): boolean => {
  if (role._tag !== "Administrator") return false
  switch (role.level) {
    case "Platform":
      return true
    case "School":
      return role.scopeId === location.structureId
    case "District":
      return role.scopeId !== undefined && role.scopeId === location.districtId
    case "Department":
      return role.scopeId !== undefined && role.scopeId === location.departmentId
    case "Academy":
      return role.scopeId !== undefined && role.scopeId === location.academyId
  }
}

/**
 * Whether the actor administers a school at `location`.
 *
 * @since 0.1.0
 */
export const administers = (actor: Actor, location: Location): boolean =>
  actor.roles.some((role) => covers(role, location))

/**
 * Whether the actor administers at least one of these schools. Only the school
 * level can be checked against a bare id; higher levels need a {@link Location}.
 *
 * @since 0.1.0
 */
export const administersAny = (actor: Actor, structureIds: ReadonlyArray<StructureId>): boolean =>
  actor.roles.some(
    (role) =>
      role._tag === "Administrator" &&
      (role.level === "Platform" || (role.level === "School" && structureIds.some((id) => id === role.scopeId))),
  )

/**
 * Whether the actor administers at least one of these schools: at its location
 * when `locations` has it (every level), by its id otherwise (school and
 * platform levels only, as {@link administersAny}).
 *
 * @since 0.1.0
 */
export const administersSome = (
  actor: Actor,
  structureIds: ReadonlyArray<StructureId>,
  locations: ReadonlyArray<Location> | undefined,
): boolean =>
  structureIds.some((structureId) => {
    const location = locations?.find((known) => known.structureId === structureId)
    return location === undefined ? administersAny(actor, [structureId]) : administers(actor, location)
  }) || administersAny(actor, [])

/**
 * Whether the actor is direction of the school (BR-GRP-3).
 *
 * @since 0.1.0
 */
export const isDirectionOf = (actor: Actor, structureId: StructureId): boolean =>
  actor.roles.some((role) => role._tag === "Direction" && role.structureId === structureId)

/**
 * Whether these roles include inspector access (BR-CDT-5).
 *
 * @since 0.1.0
 */
export const hasInspectorAccess = (roles: ReadonlyArray<Role>): boolean =>
  roles.some((role) => role._tag === "Inspector")

/**
 * Whether the actor holds the mail-merge role "Gestionnaire publipostage" of the school (BR-MM-1).
 *
 * @since 0.1.0
 */
export const isMailMergeManagerOf = (actor: Actor, structureId: StructureId): boolean =>
  actor.roles.some((role) => role._tag === "MailMergeManager" && role.structureId === structureId)

/**
 * Whether the actor is an automated process of the platform.
 *
 * @since 0.1.0
 */
export const isSystem = (actor: Actor): boolean => actor.roles.some((role) => role._tag === "System")

/**
 * Whether the actor teaches the class or group in that school.
 *
 * @since 0.1.0
 */
export const teaches = (actor: Actor, structureId: StructureId, groupId: GroupId): boolean =>
  actor.roles.some(
    (role) => role._tag === "Teacher" && role.structureId === structureId && role.groupIds.includes(groupId),
  )

/**
 * The directory-feed import's actor.
 *
 * @since 0.1.0
 */
export const system = (process: string): Actor => ({
  accountId: AccountId.make(`system:${process}`),
  roles: [{ _tag: "System", process }],
})

/**
 * The documents of the Authorization read model.
 *
 * @since 0.1.0
 */
import { Profile, Schooling } from "@cartable/domain/AccountEvents"
import { AccountId, GroupId, HomeworkBookId, StructureId } from "@cartable/domain/Ids"
import { GroupFunction, GroupKind, GroupRole, StructureKind } from "@cartable/domain/StructureEvents"
import * as Schema from "effect/Schema"

/**
 * An account: who it is and the rights granted to it on the Account stream.
 * Login, alias and names are clear until erased, `PersonalData.ERASED` after.
 *
 * @since 0.1.0
 */
export const AccountEntry = Schema.Struct({
  accountId: AccountId,
  profile: Profile,
  login: Schema.String,
  alias: Schema.optional(Schema.String),
  firstName: Schema.String,
  lastName: Schema.String,
  /** The e-mail on file (the feed's, or the one given at activation); `PersonalData.ERASED` once erased. */
  email: Schema.optional(Schema.String),
  feedKey: Schema.optional(Schema.String),
  /** The external identities linked to the account ("rapprochement", BR-ACC-10), one per provider. */
  identities: Schema.optional(Schema.Array(Schema.Struct({ provider: Schema.String, subject: Schema.String }))),
  structureIds: Schema.Array(StructureId),
  activated: Schema.Boolean,
  blocked: Schema.Boolean,
  blockedApplications: Schema.Array(Schema.String),
  deletion: Schema.Literal("None", "PreDeleted", "Deleted"),
  administratorOf: Schema.Array(StructureId),
  platformAdministrator: Schema.Boolean,
  inspector: Schema.Boolean,
  /** Levels, sub-levels and post disciplines by school, for targeted communication (BR-MSG-3); none once erased. */
  schooling: Schema.optional(Schema.Array(Schooling)),
})
/** @since 0.1.0 */
export type AccountEntry = typeof AccountEntry.Type

/**
 * The open groups an account belongs to, with each group's kind and function.
 *
 * @since 0.1.0
 */
export const Memberships = Schema.Struct({
  accountId: AccountId,
  groups: Schema.Array(
    Schema.Struct({
      structureId: StructureId,
      groupId: GroupId,
      kind: GroupKind,
      role: GroupRole,
      function: Schema.optional(GroupFunction),
    }),
  ),
})
/** @since 0.1.0 */
export type Memberships = typeof Memberships.Type

/**
 * The relative accounts linked to a pupil, in the order linked, with each link's flags (BR-ACC-7).
 *
 * @since 0.1.0
 */
export const Relatives = Schema.Struct({
  pupilId: AccountId,
  links: Schema.Array(
    Schema.Struct({
      relativeId: AccountId,
      legalAuthority: Schema.Boolean,
      financial: Schema.Boolean,
      contact: Schema.Boolean,
    }),
  ),
})
/** @since 0.1.0 */
export type Relatives = typeof Relatives.Type

/**
 * A class or group and its current members.
 *
 * @since 0.1.0
 */
export const GroupEntry = Schema.Struct({
  groupId: GroupId,
  structureId: StructureId,
  kind: GroupKind,
  function: Schema.optional(GroupFunction),
  open: Schema.Boolean,
  members: Schema.Array(Schema.Struct({ accountId: AccountId, role: GroupRole })),
})
/** @since 0.1.0 */
export type GroupEntry = typeof GroupEntry.Type

/**
 * A structure's kind and parents.
 *
 * @since 0.1.0
 */
export const StructureEntry = Schema.Struct({
  structureId: StructureId,
  kind: StructureKind,
  districtId: Schema.optional(StructureId),
  departmentId: Schema.optional(StructureId),
  academyId: Schema.optional(StructureId),
})
/** @since 0.1.0 */
export type StructureEntry = typeof StructureEntry.Type

/**
 * A unique value (a login, an alias, a feed person) and the account holding it.
 *
 * @since 0.1.0
 */
export const Claim = Schema.Struct({ key: Schema.String, accountId: AccountId })
/** @since 0.1.0 */
export type Claim = typeof Claim.Type

/**
 * The school a homework book belongs to.
 *
 * @since 0.1.0
 */
export const BookEntry = Schema.Struct({ homeworkBookId: HomeworkBookId, structureId: StructureId })
/** @since 0.1.0 */
export type BookEntry = typeof BookEntry.Type

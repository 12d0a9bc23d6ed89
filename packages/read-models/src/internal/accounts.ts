/**
 * The fold of accounts the Directory and the Mail-merge share: who a person
 * is, his schools, classes and groups, his state, his relatives and children,
 * his activation code while he has not activated. Each read model stores it in
 * its own collections (their indexes differ), from the same handlers.
 *
 * @since 0.1.0
 */
import { Profile } from "@cartable/domain/AccountEvents"
import type * as Domain from "@cartable/domain/Domain"
import * as PersonalData from "@cartable/kernel/PersonalData"
import type * as Projection from "@cartable/projections/Projection"
import * as ReadModel from "@cartable/projections/ReadModel"
import * as DateTime from "effect/DateTime"
import * as Schema from "effect/Schema"

/**
 * The states an administrator sees (BR-ACC-12): not yet activated, active,
 * blocked, pre-deleted, deleted.
 *
 * @since 0.1.0
 */
export const AccountState = Schema.Literal("inactive", "active", "blocked", "pre-deleted", "deleted")

/**
 * @since 0.1.0
 */
export type AccountState = typeof AccountState.Type

/**
 * An account as both read models keep it. `provisioned` is false for an id
 * that events named (a group membership, a relative's link) before its
 * provisioning reached the log: such a placeholder is never listed.
 *
 * @since 0.1.0
 */
export const AccountDocument = Schema.Struct({
  id: Schema.String,
  provisioned: Schema.Boolean,
  profile: Profile,
  login: Schema.String,
  firstName: Schema.String,
  lastName: Schema.String,
  email: Schema.optional(Schema.String),
  /** BR-ACC-2: kept while the account is not activated, dropped at activation. */
  activationCode: Schema.optional(Schema.String),
  createdAt: Schema.optional(Schema.String),
  schools: Schema.Array(Schema.String),
  classes: Schema.Array(Schema.String),
  groups: Schema.Array(Schema.String),
  activated: Schema.Boolean,
  blocked: Schema.Boolean,
  preDeleted: Schema.Boolean,
  deleted: Schema.Boolean,
  /** The relatives of a pupil (BR-ACC-7). */
  relatives: Schema.Array(Schema.String),
  /** The pupils of a relative, in any school (BR-ACC-7). */
  children: Schema.Array(Schema.String),
})

/**
 * @since 0.1.0
 */
export type AccountDocument = typeof AccountDocument.Type

/**
 * A class or group as the fold keeps it: its kind says whether a membership is
 * a class, its members end with it, its name is what sheets print.
 *
 * @since 0.1.0
 */
export const GroupDocument = Schema.Struct({
  key: Schema.String,
  structureId: Schema.String,
  groupId: Schema.String,
  kind: Schema.Literal("Class", "TeachingGroup", "ManualGroup", "FunctionalGroup"),
  name: Schema.String,
  open: Schema.Boolean,
  members: Schema.Array(Schema.String),
})

/**
 * @since 0.1.0
 */
export type GroupDocument = typeof GroupDocument.Type

/**
 * The collection of the fold's classes and groups, by key (the directory's and the mail-merge's).
 *
 * @since 0.1.0
 */
export const GroupsCollection = ReadModel.collection("groups", { document: GroupDocument, key: (group) => group.key })

/**
 * The state shown for an account: deletion, then pre-deletion, then a block
 * of the whole account, hide what is below them.
 *
 * @since 0.1.0
 */
export const stateOf = (account: AccountDocument): AccountState =>
  account.deleted
    ? "deleted"
    : account.preDeleted
      ? "pre-deleted"
      : account.blocked
        ? "blocked"
        : account.activated
          ? "active"
          : "inactive"

/** An erased value reads as `"[erased]"` in a rebuild: the read models show nothing for it. */
const clear = (value: string): string => (PersonalData.isErased(value) ? "" : value)

const blank = (id: string): AccountDocument => ({
  id,
  provisioned: false,
  profile: "Guest",
  login: "",
  firstName: "",
  lastName: "",
  schools: [],
  classes: [],
  groups: [],
  activated: false,
  blocked: false,
  preDeleted: false,
  deleted: false,
  relatives: [],
  children: [],
})

const add = (list: ReadonlyArray<string>, value: string): ReadonlyArray<string> =>
  list.includes(value) ? list : [...list, value]
const drop = (list: ReadonlyArray<string>, value: string): ReadonlyArray<string> =>
  list.filter((item) => item !== value)

/** The key of a group document: group ids are the feed's, unique within a school. */
export const groupKey = (structureId: string, groupId: string): string => `${structureId}/${groupId}`

/** The collections the fold writes. */
type Collections = {
  readonly accounts: ReadModel.Collection<AccountDocument, typeof AccountDocument.Encoded, string>
  readonly groups: ReadModel.Collection<GroupDocument, typeof GroupDocument.Encoded, string>
}

type Writers = Projection.Writers<Collections>

/** Changes an account, creating its placeholder when events named it first. */
const touch = (into: Writers, id: string, f: (account: AccountDocument) => AccountDocument) =>
  into.accounts.update(id, (current) => f(current ?? blank(id)))

/** Leaves a group: its kind tells which list of the account holds it. */
const leave = (into: Writers, group: GroupDocument, accountId: string) =>
  into.accounts.update(
    accountId,
    (current) =>
      current && {
        ...current,
        classes: group.kind === "Class" ? drop(current.classes, group.groupId) : current.classes,
        groups: group.kind === "Class" ? current.groups : drop(current.groups, group.groupId),
      },
  )

/**
 * The handlers of the shared fold, for a projection whose collections are
 * `accounts` and `groups` of {@link AccountDocument} and {@link GroupDocument}.
 *
 * @since 0.1.0
 */
export const handlers: Projection.Handlers<typeof Domain.events, Collections> = {
  AccountProvisioned: (event, into, recorded) =>
    touch(into, event.accountId, (account) => ({
      ...account,
      provisioned: true,
      profile: event.profile,
      login: clear(event.login),
      firstName: clear(event.firstName),
      lastName: clear(event.lastName),
      activationCode: account.activated ? undefined : clear(event.activationCode),
      createdAt: account.createdAt ?? DateTime.formatIso(recorded.metadata.occurredAt),
      schools: add(account.schools, event.structureId),
    })),
  AccountIdentityUpdated: (event, into) =>
    touch(into, event.accountId, (account) => ({
      ...account,
      firstName: clear(event.firstName),
      lastName: clear(event.lastName),
      email: event.email === undefined ? account.email : clear(event.email),
    })),
  AccountProfileChanged: (event, into) =>
    touch(into, event.accountId, (account) => ({ ...account, profile: event.profile })),
  // BR-ACC-2: the code is shown until activation, never after.
  AccountActivated: (event, into) =>
    touch(into, event.accountId, ({ activationCode: _, ...account }) => ({
      ...account,
      activated: true,
      email: clear(event.email),
    })),
  AccountBlocked: (event, into) =>
    event.application === undefined ? touch(into, event.accountId, (account) => ({ ...account, blocked: true })) : [],
  AccountUnblocked: (event, into) =>
    event.application === undefined ? touch(into, event.accountId, (account) => ({ ...account, blocked: false })) : [],
  AccountAttachedToStructure: (event, into) =>
    touch(into, event.accountId, (account) => ({ ...account, schools: add(account.schools, event.structureId) })),
  AccountDetachedFromStructure: (event, into) =>
    touch(into, event.accountId, (account) => ({ ...account, schools: drop(account.schools, event.structureId) })),
  RelativeLinked: (event, into) => [
    touch(into, event.accountId, (account) => ({ ...account, children: add(account.children, event.link.pupilId) })),
    touch(into, event.link.pupilId, (pupil) => ({ ...pupil, relatives: add(pupil.relatives, event.accountId) })),
  ],
  RelativeUnlinked: (event, into) => [
    touch(into, event.accountId, (account) => ({ ...account, children: drop(account.children, event.pupilId) })),
    touch(into, event.pupilId, (pupil) => ({ ...pupil, relatives: drop(pupil.relatives, event.accountId) })),
  ],
  AccountPreDeleted: (event, into) => touch(into, event.accountId, (account) => ({ ...account, preDeleted: true })),
  AccountRestored: (event, into) => touch(into, event.accountId, (account) => ({ ...account, preDeleted: false })),
  AccountDeleted: (event, into) => touch(into, event.accountId, (account) => ({ ...account, deleted: true })),
  // BR-ACC-9: the read models forget an erased person, and his links with him.
  AccountDataErased: (event, into) =>
    into.accounts.read(event.accountId, (account) => [
      ...(account?.relatives ?? []).map((relative) =>
        into.accounts.update(
          relative,
          (current) => current && { ...current, children: drop(current.children, event.accountId) },
        ),
      ),
      ...(account?.children ?? []).map((child) =>
        into.accounts.update(
          child,
          (current) => current && { ...current, relatives: drop(current.relatives, event.accountId) },
        ),
      ),
      into.accounts.remove(event.accountId),
    ]),
  GroupOpened: (event, into) =>
    into.groups.update(groupKey(event.structureId, event.groupId), (current) => ({
      key: groupKey(event.structureId, event.groupId),
      structureId: event.structureId,
      groupId: event.groupId,
      kind: event.kind,
      name: event.name,
      open: true,
      members: current?.open ? current.members : [],
    })),
  GroupRenamed: (event, into) =>
    into.groups.update(
      groupKey(event.structureId, event.groupId),
      (current) => current && { ...current, name: event.name },
    ),
  GroupClosed: (event, into) => closeGroup(into, event.structureId, event.groupId),
  ClassClosed: (event, into) => closeGroup(into, event.structureId, event.groupId),
  GroupAssigned: (event, into) =>
    into.groups.read(groupKey(event.structureId, event.groupId), (group) => {
      // A group the log never opened counts as a group, not a class.
      const isClass = group?.kind === "Class"
      return [
        ...(group === undefined
          ? []
          : [into.groups.put({ ...group, members: add(group.members, event.accountId) } as GroupDocument)]),
        touch(into, event.accountId, (account) => ({
          ...account,
          classes: isClass ? add(account.classes, event.groupId) : account.classes,
          groups: isClass ? account.groups : add(account.groups, event.groupId),
        })),
      ]
    }),
  GroupUnassigned: (event, into) =>
    into.groups.read(groupKey(event.structureId, event.groupId), (group) => {
      const known: GroupDocument = group ?? {
        key: groupKey(event.structureId, event.groupId),
        structureId: event.structureId,
        groupId: event.groupId,
        kind: "ManualGroup",
        name: "",
        open: false,
        members: [],
      }
      return [
        ...(group === undefined ? [] : [into.groups.put({ ...group, members: drop(group.members, event.accountId) })]),
        leave(into, known, event.accountId),
      ]
    }),
}

/** A closed group's memberships end with it. */
const closeGroup = (into: Writers, structureId: string, groupId: string) =>
  into.groups.read(groupKey(structureId, groupId), (group) =>
    group === undefined
      ? []
      : [
          ...group.members.map((member) => leave(into, group, member)),
          into.groups.put({ ...group, open: false, members: [] }),
        ],
  )

/**
 * Who is in a class or group, whose relatives a pupil has, and who administers
 * a structure, folded from the Structure and Account events: the audiences the
 * news feed sends to. Private to the news feed.
 */
import { AccountId, GroupId, StructureId } from "@cartable/domain/Ids"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import * as StructureEvents from "@cartable/domain/StructureEvents"
import type { Change, Writer } from "@cartable/projections/Projection"
import * as ReadModel from "@cartable/projections/ReadModel"
import * as Schema from "effect/Schema"
import { distinct, keyOf } from "./ordering.ts"

/** A class or group and its members now; a closed group has none (BR-GRP-4). */
export const Group = Schema.Struct({
  structureId: StructureId,
  groupId: GroupId,
  kind: StructureEvents.GroupKind,
  schoolYear: SchoolYear.SchoolYear,
  open: Schema.Boolean,
  members: Schema.Array(AccountId),
})
export type Group = typeof Group.Type

export const groupKey = (structureId: string, groupId: string): string => keyOf(structureId, groupId)

export const Groups = ReadModel.collection("groups", {
  document: Group,
  key: (group) => groupKey(group.structureId, group.groupId),
})

/** The classes a school opened, by year, so that closing a year closes them. */
export const Schools = ReadModel.collection("schools", {
  document: Schema.Struct({
    structureId: StructureId,
    classes: Schema.Array(Schema.Struct({ groupId: GroupId, schoolYear: SchoolYear.SchoolYear })),
  }),
  key: (school) => school.structureId,
})

/** The accounts granted the administrator right on a structure (BR-ACC-11). */
export const Administrators = ReadModel.collection("admins", {
  document: Schema.Struct({ structureId: StructureId, accountIds: Schema.Array(AccountId) }),
  key: (admins) => admins.structureId,
})

/** The relatives linked to each pupil (BR-ACC-7), who follow his homework book. */
export const Relatives = ReadModel.collection("relatives", {
  document: Schema.Struct({ pupilId: AccountId, relatives: Schema.Array(AccountId) }),
  key: (pupil) => pupil.pupilId,
})

/** The collections of the audiences, for a projection's `collections`. */
export const collections = { groups: Groups, schools: Schools, admins: Administrators, relatives: Relatives } as const

type Into = {
  readonly groups: Writer<Group>
  readonly schools: Writer<ReadModel.Collection.Document<typeof Schools>>
  readonly admins: Writer<ReadModel.Collection.Document<typeof Administrators>>
  readonly relatives: Writer<ReadModel.Collection.Document<typeof Relatives>>
}

const close = (group: Group): Group => ({ ...group, open: false, members: [] })

const membersOf = (group: Group | undefined, change: (members: ReadonlyArray<AccountId>) => ReadonlyArray<AccountId>) =>
  group && { ...group, members: change(group.members) }

/**
 * The handlers that keep the audiences, as `Structure.evolve` keeps groups: a
 * group reopened while open keeps its members, a closed one starts empty.
 */
export const handlers = {
  GroupOpened: (event: typeof StructureEvents.GroupOpened.Type, into: Into): ReadonlyArray<Change> => [
    into.groups.update(groupKey(event.structureId, event.groupId), (current) => ({
      structureId: event.structureId,
      groupId: event.groupId,
      kind: event.kind,
      schoolYear: event.schoolYear,
      open: true,
      members: current?.open ? current.members : [],
    })),
    ...(event.kind === "Class"
      ? [
          into.schools.update(event.structureId, (current) => ({
            structureId: event.structureId,
            classes: [
              ...(current?.classes ?? []).filter((known) => known.groupId !== event.groupId),
              { groupId: event.groupId, schoolYear: event.schoolYear },
            ],
          })),
        ]
      : []),
  ],
  GroupClosed: (event: { readonly structureId: StructureId; readonly groupId: GroupId }, into: Into) =>
    into.groups.update(groupKey(event.structureId, event.groupId), (current) => current && close(current)),
  SchoolYearClosed: (event: typeof StructureEvents.SchoolYearClosed.Type, into: Into) =>
    into.schools.read(event.structureId, (school) =>
      (school?.classes ?? [])
        .filter((known) => known.schoolYear === event.schoolYear)
        .map((known) =>
          into.groups.update(
            groupKey(event.structureId, known.groupId),
            (current) => current && (current.kind === "Class" ? close(current) : current),
          ),
        ),
    ),
  GroupAssigned: (event: typeof StructureEvents.GroupAssigned.Type, into: Into) =>
    into.groups.update(groupKey(event.structureId, event.groupId), (current) =>
      membersOf(current, (members) => distinct([...members, event.accountId])),
    ),
  GroupUnassigned: (event: typeof StructureEvents.GroupUnassigned.Type, into: Into) =>
    into.groups.update(groupKey(event.structureId, event.groupId), (current) =>
      membersOf(current, (members) => members.filter((member) => member !== event.accountId)),
    ),
  AdministratorRightGranted: (
    event: { readonly accountId: AccountId; readonly structureId: StructureId },
    into: Into,
  ) =>
    into.admins.update(event.structureId, (current) => ({
      structureId: event.structureId,
      accountIds: distinct([...(current?.accountIds ?? []), event.accountId]),
    })),
  AdministratorRightRevoked: (
    event: { readonly accountId: AccountId; readonly structureId: StructureId },
    into: Into,
  ) =>
    into.admins.update(
      event.structureId,
      (current) =>
        current && { ...current, accountIds: current.accountIds.filter((accountId) => accountId !== event.accountId) },
    ),
  RelativeLinked: (
    event: { readonly accountId: AccountId; readonly link: { readonly pupilId: AccountId } },
    into: Into,
  ) =>
    into.relatives.update(event.link.pupilId, (current) => ({
      pupilId: event.link.pupilId,
      relatives: distinct([...(current?.relatives ?? []), event.accountId]),
    })),
  RelativeUnlinked: (event: { readonly accountId: AccountId; readonly pupilId: AccountId }, into: Into) =>
    into.relatives.update(
      event.pupilId,
      (current) => current && { ...current, relatives: current.relatives.filter((r) => r !== event.accountId) },
    ),
}

/**
 * Who is in a class or group, whose relatives a pupil has, who administers a
 * structure and which accounts of each profile a school has, folded from the
 * Structure and Account events: the audiences the news feed sends to. Private
 * to the news feed.
 */
import * as AccountEvents from "@cartable/domain/AccountEvents"
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

/** Each account's profile and schools, to place it among a school's profiles when it is attached there. */
export const People = ReadModel.collection("people", {
  document: Schema.Struct({
    accountId: AccountId,
    profile: AccountEvents.Profile,
    structureIds: Schema.Array(StructureId),
  }),
  key: (person) => person.accountId,
})

export const profileKey = (structureId: string, profile: AccountEvents.Profile): string => keyOf(structureId, profile)

/**
 * The accounts of a profile attached to a school: whom a section's grant to that
 * profile names (BR-RUB-1, as `SectionRights.names` reads the same facts).
 */
export const Profiles = ReadModel.collection("profiles", {
  document: Schema.Struct({
    structureId: StructureId,
    profile: AccountEvents.Profile,
    accountIds: Schema.Array(AccountId),
  }),
  key: (audience) => profileKey(audience.structureId, audience.profile),
})

/** The collections of the audiences, for a projection's `collections`. */
export const collections = {
  groups: Groups,
  schools: Schools,
  admins: Administrators,
  relatives: Relatives,
  people: People,
  profiles: Profiles,
} as const

type Into = {
  readonly groups: Writer<Group>
  readonly schools: Writer<ReadModel.Collection.Document<typeof Schools>>
  readonly admins: Writer<ReadModel.Collection.Document<typeof Administrators>>
  readonly relatives: Writer<ReadModel.Collection.Document<typeof Relatives>>
  readonly people: Writer<ReadModel.Collection.Document<typeof People>>
  readonly profiles: Writer<ReadModel.Collection.Document<typeof Profiles>>
}

const close = (group: Group): Group => ({ ...group, open: false, members: [] })

/** The account joins (or leaves) its profile's audience in one school. */
const inProfile = (
  into: Into,
  structureId: StructureId,
  profile: AccountEvents.Profile,
  accountId: AccountId,
  joins: boolean,
): Change =>
  into.profiles.update(profileKey(structureId, profile), (current) => {
    const accountIds = current?.accountIds ?? []
    const next = joins ? distinct([...accountIds, accountId]) : accountIds.filter((id) => id !== accountId)
    return next.length === 0 ? undefined : { structureId, profile, accountIds: next }
  })

/** An account attached to (or detached from) a school: its profile's audience there follows. */
const attached = (into: Into, accountId: AccountId, structureId: StructureId, joins: boolean): Change =>
  into.people.read(accountId, (person) =>
    person === undefined || person.structureIds.includes(structureId) === joins
      ? []
      : [
          into.people.put({
            ...person,
            structureIds: joins
              ? [...person.structureIds, structureId]
              : person.structureIds.filter((id) => id !== structureId),
          }),
          inProfile(into, structureId, person.profile, accountId, joins),
        ],
  )

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
  AccountProvisioned: (event: typeof AccountEvents.AccountProvisioned.Type, into: Into) =>
    into.people.read(event.accountId, (known) =>
      known !== undefined
        ? []
        : [
            into.people.put({ accountId: event.accountId, profile: event.profile, structureIds: [event.structureId] }),
            inProfile(into, event.structureId, event.profile, event.accountId, true),
          ],
    ),
  // A teacher who stops teaching (or a staff member who starts) leaves one profile's audience for the
  // other in each of his schools (BR-ACC-8).
  AccountProfileChanged: (event: typeof AccountEvents.AccountProfileChanged.Type, into: Into) =>
    into.people.read(event.accountId, (person) =>
      person === undefined || person.profile === event.profile
        ? []
        : [
            into.people.put({ ...person, profile: event.profile }),
            ...person.structureIds.flatMap((structureId) => [
              inProfile(into, structureId, person.profile, event.accountId, false),
              inProfile(into, structureId, event.profile, event.accountId, true),
            ]),
          ],
    ),
  AccountAttachedToStructure: (event: typeof AccountEvents.AccountAttachedToStructure.Type, into: Into) =>
    attached(into, event.accountId, event.structureId, true),
  AccountDetachedFromStructure: (event: typeof AccountEvents.AccountDetachedFromStructure.Type, into: Into) =>
    attached(into, event.accountId, event.structureId, false),
  RelativeUnlinked: (event: { readonly accountId: AccountId; readonly pupilId: AccountId }, into: Into) =>
    into.relatives.update(
      event.pupilId,
      (current) => current && { ...current, relatives: current.relatives.filter((r) => r !== event.accountId) },
    ),
}

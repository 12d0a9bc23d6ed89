/**
 * Rosters: the pupils, teachers and members of every class and group of a
 * school, with their history (BR-GRP-1, BR-GRP-2): who was in 5A on a given
 * date, a pupil's classes over the years, a teacher's classes of a year.
 *
 * A membership is a list of spells, each from the day the account joined (or
 * took a new role) to the day it left: `GroupAssigned` opens one,
 * `GroupUnassigned`, `GroupClosed`, `ClassClosed` and `SchoolYearClosed` end
 * it. Days are the events' `occurredAt` read in Europe/Paris, and a spell holds
 * its first day, not its last: whoever joins on day D is in the roster on D,
 * whoever leaves on D is not (the roster of a day is the group as that day
 * ends). No personal data is held: accounts are named by id (their names come
 * from the directory).
 *
 * @since 0.1.0
 */
import * as Domain from "@cartable/domain/Domain"
import { AccountId, GroupId, StructureId } from "@cartable/domain/Ids"
import * as SchoolYears from "@cartable/domain/SchoolYear"
import { LocalDate, SchoolYear } from "@cartable/domain/SchoolYear"
import { GroupFunction, GroupKind, GroupRole, Source } from "@cartable/domain/StructureEvents"
import type { RecordedEvent } from "@cartable/eventlog/RecordedEvent"
import type * as Projection from "@cartable/projections/Projection"
import * as Projections from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModel from "@cartable/projections/ReadModel"
import type { ReadModelError, ReadModelStore } from "@cartable/projections/ReadModelStore"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { everything } from "./internal/pages.ts"
import { dayOf } from "./internal/schoolDay.ts"
import { traced } from "./internal/traced.ts"

/**
 * A school as the rosters know it: its name and every group it ever opened.
 *
 * @since 0.1.0
 */
export const SchoolEntry = Schema.Struct({
  structureId: StructureId,
  name: Schema.String,
  groupIds: Schema.Array(GroupId),
})
/** @since 0.1.0 */
export type SchoolEntry = typeof SchoolEntry.Type

/**
 * A class or group as it stands: its kind, name, the school year it was last
 * opened for, whether it is open, and its current members (by id).
 *
 * @since 0.1.0
 */
export const GroupEntry = Schema.Struct({
  structureId: StructureId,
  groupId: GroupId,
  kind: GroupKind,
  name: Schema.String,
  schoolYear: SchoolYear,
  owner: Source,
  function: Schema.optional(GroupFunction),
  open: Schema.Boolean,
  members: Schema.Array(AccountId),
})
/** @since 0.1.0 */
export type GroupEntry = typeof GroupEntry.Type

/**
 * One uninterrupted stay of an account in a group with one role: from its
 * first day (`from`) to the day it ended (`to`, absent while it lasts), with the
 * instants of both ends. `schoolYear` is the year the group was opened for when
 * the spell began (a class's year; a teaching group persists across years).
 *
 * @since 0.1.0
 */
export const Spell = Schema.Struct({
  role: GroupRole,
  source: Source,
  kind: GroupKind,
  schoolYear: SchoolYear,
  from: LocalDate,
  to: Schema.optional(LocalDate),
  fromInstant: Schema.String,
  toInstant: Schema.optional(Schema.String),
})
/** @since 0.1.0 */
export type Spell = typeof Spell.Type

/**
 * An account's membership of one group: its spells, oldest first; the last is
 * open while the account is a member.
 *
 * @since 0.1.0
 */
export const MembershipEntry = Schema.Struct({
  structureId: StructureId,
  groupId: GroupId,
  accountId: AccountId,
  spells: Schema.Array(Spell),
})
/** @since 0.1.0 */
export type MembershipEntry = typeof MembershipEntry.Type

/** The key of a group within its school: group ids are stable within a school (BR-GRP-5). */
const groupKey = (structureId: string, groupId: string): string => JSON.stringify([structureId, groupId])
const membershipKey = (structureId: string, groupId: string, accountId: string): string =>
  JSON.stringify([structureId, groupId, accountId])

const isOpen = (spell: Spell): boolean => spell.to === undefined

/** The schools, by id. @since 0.1.0 */
export const Schools = ReadModel.collection("schools", {
  document: SchoolEntry,
  key: (school) => school.structureId,
})

/** The groups, by school and id; found by school. @since 0.1.0 */
export const Groups = ReadModel.collection("groups", {
  document: GroupEntry,
  key: (group) => groupKey(group.structureId, group.groupId),
  indexes: { school: (group) => group.structureId },
})

/** The memberships, found by group, by account, and by the group they are current in. @since 0.1.0 */
export const Memberships = ReadModel.collection("memberships", {
  document: MembershipEntry,
  key: (membership) => membershipKey(membership.structureId, membership.groupId, membership.accountId),
  indexes: {
    group: (membership) => groupKey(membership.structureId, membership.groupId),
    account: (membership) => membership.accountId,
    current: (membership) => {
      const last = membership.spells.at(-1)
      return last !== undefined && isOpen(last) ? groupKey(membership.structureId, membership.groupId) : undefined
    },
  },
})

const collections = { schools: Schools, groups: Groups, memberships: Memberships }
type Into = Projection.Writers<typeof collections>

/** Ends the account's open spell in the group, at that instant. */
const endSpell = (into: Into, group: GroupEntry, accountId: string, at: string, day: LocalDate) =>
  into.memberships.update(
    membershipKey(group.structureId, group.groupId, accountId),
    (current) =>
      current && {
        ...current,
        spells: current.spells.map((spell) => (isOpen(spell) ? { ...spell, to: day, toInstant: at } : spell)),
      },
  )

/** Closes a group: it keeps its name, loses its members, and every open spell ends. */
const closeGroup = (into: Into, group: GroupEntry, at: string, day: LocalDate) => [
  into.groups.put({ ...group, open: false, members: [] }),
  ...group.members.map((accountId) => endSpell(into, group, accountId, at, day)),
]

/** When an event happened: its instant (ISO 8601, UTC) and its school day. */
const when = (recorded: RecordedEvent) => ({
  at: DateTime.formatIso(recorded.metadata.occurredAt),
  day: dayOf(recorded.metadata.occurredAt),
})

/**
 * The rosters' projection: schools, groups and memberships with their spells,
 * from the Structure events and their `occurredAt`.
 *
 * @since 0.1.0
 */
export const RostersProjection = Projections.make({
  name: "rosters",
  version: 1,
  events: Domain.events,
  collections,
  handlers: {
    StructureRegistered: (event, into) =>
      into.schools.update(event.structureId, (current) => ({
        structureId: event.structureId,
        name: event.name,
        groupIds: current?.groupIds ?? [],
      })),
    StructureRenamed: (event, into) =>
      into.schools.update(event.structureId, (current) => current && { ...current, name: event.name }),
    GroupOpened: (event, into) => [
      into.schools.update(
        event.structureId,
        (current) =>
          current && {
            ...current,
            groupIds: current.groupIds.includes(event.groupId)
              ? current.groupIds
              : [...current.groupIds, event.groupId],
          },
      ),
      // As the aggregate: an open group opened again keeps its members; a closed one reopens empty.
      into.groups.update(groupKey(event.structureId, event.groupId), (current) => ({
        structureId: event.structureId,
        groupId: event.groupId,
        kind: event.kind,
        name: event.name,
        schoolYear: event.schoolYear,
        owner: event.owner,
        ...(event.function === undefined ? {} : { function: event.function }),
        open: true,
        members: current?.open ? current.members : [],
      })),
    ],
    GroupRenamed: (event, into) =>
      into.groups.update(
        groupKey(event.structureId, event.groupId),
        (current) => current && { ...current, name: event.name },
      ),
    GroupClosed: (event, into, recorded) =>
      into.groups.read(groupKey(event.structureId, event.groupId), (group) => {
        const { at, day } = when(recorded)
        return group === undefined ? [] : closeGroup(into, group, at, day)
      }),
    ClassClosed: (event, into, recorded) =>
      into.groups.read(groupKey(event.structureId, event.groupId), (group) => {
        const { at, day } = when(recorded)
        return group === undefined ? [] : closeGroup(into, group, at, day)
      }),
    // The year's classes close with it (BR-GRP-4); teaching and other groups persist.
    SchoolYearClosed: (event, into, recorded) =>
      into.schools.read(event.structureId, (school) => {
        const { at, day } = when(recorded)
        return (school?.groupIds ?? []).map((groupId) =>
          into.groups.read(groupKey(event.structureId, groupId), (group) =>
            group?.open && group.kind === "Class" && group.schoolYear === event.schoolYear
              ? closeGroup(into, group, at, day)
              : [],
          ),
        )
      }),
    GroupAssigned: (event, into, recorded) =>
      into.groups.read(groupKey(event.structureId, event.groupId), (group) => {
        if (group === undefined) return []
        const { at, day } = when(recorded)
        const spell: Spell = {
          role: event.role,
          source: event.source,
          kind: group.kind,
          schoolYear: group.schoolYear,
          from: day,
          fromInstant: at,
        }
        return [
          into.groups.put({
            ...group,
            members: group.members.includes(event.accountId) ? group.members : [...group.members, event.accountId],
          }),
          into.memberships.update(membershipKey(event.structureId, event.groupId, event.accountId), (current) => {
            const spells = current?.spells ?? []
            const last = spells.at(-1)
            // A new source alone keeps the stay going; a new role starts a new spell the same instant.
            const next =
              last !== undefined && isOpen(last)
                ? last.role === event.role
                  ? [...spells.slice(0, -1), { ...last, source: event.source }]
                  : [...spells.slice(0, -1), { ...last, to: day, toInstant: at }, spell]
                : [...spells, spell]
            return {
              structureId: event.structureId,
              groupId: event.groupId,
              accountId: event.accountId,
              spells: next,
            }
          }),
        ]
      }),
    GroupUnassigned: (event, into, recorded) =>
      into.groups.read(groupKey(event.structureId, event.groupId), (group) => {
        if (group === undefined) return []
        const { at, day } = when(recorded)
        return [
          into.groups.put({ ...group, members: group.members.filter((accountId) => accountId !== event.accountId) }),
          endSpell(into, group, event.accountId, at, day),
        ]
      }),
  },
})

/**
 * A class or group of a school.
 *
 * @since 0.1.0
 */
export interface GroupRef {
  readonly structureId: StructureId
  readonly groupId: GroupId
}

/**
 * A member of a roster: who, with which role and source, since which day.
 *
 * @since 0.1.0
 */
export interface RosterMember {
  readonly accountId: AccountId
  readonly role: GroupRole
  readonly source: Source
  readonly since: LocalDate
}

/**
 * One spell of an account in a group, with the group's current name: a line of
 * a pupil's or a teacher's history.
 *
 * @since 0.1.0
 */
export interface Placement extends Spell {
  readonly structureId: StructureId
  readonly groupId: GroupId
  readonly name: string
}

/**
 * Whether a spell covers day `on`: from its first day included to the day it
 * ended excluded.
 *
 * @since 0.1.0
 */
export const covers = (spell: Spell, on: LocalDate): boolean =>
  spell.from <= on && (spell.to === undefined || on < spell.to)

/**
 * Whether a spell counts in a school year: a class's spell in the year it was
 * opened for; another group's when one of its days falls in the year (1
 * September to 31 August). A spell that ended the day it began (no day in
 * any roster) counts in none.
 *
 * @since 0.1.0
 */
export const countsIn = (spell: Spell, schoolYear: SchoolYear): boolean => {
  if (spell.to !== undefined && spell.to <= spell.from) return false
  if (spell.kind === "Class") return spell.schoolYear === schoolYear
  const year = SchoolYears.period(schoolYear)
  return spell.from <= year.to && (spell.to === undefined || spell.to > year.from)
}

const byMember = (a: RosterMember, b: RosterMember) =>
  a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0
const byStart = (a: Placement, b: Placement) =>
  a.fromInstant < b.fromInstant ? -1 : a.fromInstant > b.fromInstant ? 1 : a.groupId < b.groupId ? -1 : 1

/**
 * @since 0.1.0
 */
export declare namespace Rosters {
  /** What the rosters answer. */
  export interface Service {
    /** Every school, by id, with the groups it opened. */
    readonly schools: Effect.Effect<ReadonlyArray<SchoolEntry>, ReadModelError>
    /** The school and every group it opened, if the school is known. */
    readonly school: (structureId: StructureId) => Effect.Effect<SchoolEntry | undefined, ReadModelError>
    /** A class or group as it stands now. */
    readonly group: (ref: GroupRef) => Effect.Effect<GroupEntry | undefined, ReadModelError>
    /** The groups of a school, by key, optionally of one kind, last opened for one year, or open only. */
    readonly groups: (filter: {
      readonly structureId: StructureId
      readonly kind?: GroupKind | undefined
      readonly schoolYear?: SchoolYear | undefined
      readonly open?: boolean | undefined
    }) => Effect.Effect<ReadonlyArray<GroupEntry>, ReadModelError>
    /**
     * The roster of a group, ordered by account id: its members now, or on day
     * `on` (joined that day or before, not left by that day), optionally of one role.
     */
    readonly roster: (
      ref: GroupRef,
      options?: { readonly on?: LocalDate | undefined; readonly role?: GroupRole | undefined },
    ) => Effect.Effect<ReadonlyArray<RosterMember>, ReadModelError>
    /**
     * An account's classes and groups over time, oldest first: every spell, in
     * one school or all, optionally only those counting in one school year.
     */
    readonly historyOf: (
      accountId: AccountId,
      options?: { readonly structureId?: StructureId | undefined; readonly schoolYear?: SchoolYear | undefined },
    ) => Effect.Effect<ReadonlyArray<Placement>, ReadModelError>
    /** A teacher's classes and groups of a school year (BR-GRP-1): the spells with the role Teacher counting in it. */
    readonly teacherAssignments: (
      accountId: AccountId,
      schoolYear: SchoolYear,
      options?: { readonly structureId?: StructureId | undefined },
    ) => Effect.Effect<ReadonlyArray<Placement>, ReadModelError>
  }
}

/**
 * The rosters' query service.
 *
 * @since 0.1.0
 */
export class Rosters extends Context.Tag("@cartable/read-models/Rosters")<Rosters, Rosters.Service>() {}

/**
 * Builds the query service over the serving version of {@link RostersProjection}.
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<Rosters.Service, never, ReadModelStore> = Effect.gen(function* () {
  const store = yield* Effect.context<ReadModelStore>()
  const reader = <K extends keyof typeof collections & string>(name: K) =>
    ProjectionRuntime.readerOf([RostersProjection], name).pipe(Effect.provide(store))
  const placements = (memberships: ReadonlyArray<MembershipEntry>) =>
    Effect.gen(function* () {
      const groups = yield* reader("groups")
      const found = yield* groups.getMany(memberships.map((m) => groupKey(m.structureId, m.groupId)))
      const names = new Map(found.map((group) => [groupKey(group.structureId, group.groupId), group.name]))
      return memberships.flatMap((membership) =>
        membership.spells.map(
          (spell): Placement => ({
            ...spell,
            structureId: membership.structureId,
            groupId: membership.groupId,
            name: names.get(groupKey(membership.structureId, membership.groupId)) ?? membership.groupId,
          }),
        ),
      )
    })

  const historyOf: Rosters.Service["historyOf"] = (accountId, options) =>
    Effect.gen(function* () {
      const memberships = yield* everything(yield* reader("memberships"), { index: "account", equals: accountId })
      const inSchool = memberships.filter(
        (m) => options?.structureId === undefined || m.structureId === options.structureId,
      )
      const all = yield* placements(inSchool)
      const year = options?.schoolYear
      return all.filter((placement) => year === undefined || countsIn(placement, year)).sort(byStart)
    })

  return Rosters.of(
    traced("Rosters", {
      schools: Effect.flatMap(reader("schools"), (schools) => everything(schools, {})),
      school: (structureId) => Effect.flatMap(reader("schools"), (schools) => schools.get(structureId)),
      group: (ref) => Effect.flatMap(reader("groups"), (groups) => groups.get(groupKey(ref.structureId, ref.groupId))),
      groups: (filter) =>
        Effect.gen(function* () {
          const all = yield* everything(yield* reader("groups"), { index: "school", equals: filter.structureId })
          return all.filter(
            (group) =>
              (filter.kind === undefined || group.kind === filter.kind) &&
              (filter.schoolYear === undefined || group.schoolYear === filter.schoolYear) &&
              (filter.open === undefined || group.open === filter.open),
          )
        }),
      roster: (ref, options) =>
        Effect.gen(function* () {
          const memberships = yield* reader("memberships")
          const key = groupKey(ref.structureId, ref.groupId)
          const on = options?.on
          const found =
            on === undefined
              ? yield* everything(memberships, { index: "current", equals: key })
              : yield* everything(memberships, { index: "group", equals: key })
          return found
            .flatMap((membership): ReadonlyArray<RosterMember> => {
              const spell =
                on === undefined ? membership.spells.find(isOpen) : membership.spells.find((s) => covers(s, on))
              return spell === undefined || (options?.role !== undefined && spell.role !== options.role)
                ? []
                : [{ accountId: membership.accountId, role: spell.role, source: spell.source, since: spell.from }]
            })
            .sort(byMember)
        }),
      historyOf,
      teacherAssignments: (accountId, schoolYear, options) =>
        Effect.map(historyOf(accountId, { ...options, schoolYear }), (all) =>
          all.filter((placement) => placement.role === "Teacher"),
        ),
    }),
  )
})

/**
 * The query service as a layer, over the store the runtime writes in.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<Rosters, never, ReadModelStore> = Layer.effect(Rosters, make)

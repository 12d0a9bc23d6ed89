/**
 * Arbitraries of HomeworkBook commands that meet each other: two books of one
 * school, a few sessions, subjects and teachers (of the group and not),
 * direction, administrators and an inspector, with dates drawn from a handful
 * of days of one school year so that visas, sessions and inspections overlap.
 *
 * @since 0.1.0
 */
import * as Actor from "@cartable/domain/Actor"
import * as HomeworkBook from "@cartable/domain/HomeworkBook"
import {
  AccountId,
  GroupId,
  HomeworkBookId,
  InspectionId,
  SessionId,
  StructureId,
  SubjectCode,
} from "@cartable/domain/Ids"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import * as FastCheck from "effect/FastCheck"
import type * as Schema from "effect/Schema"
import * as Arbitraries from "./Arbitraries.ts"

const year = SchoolYear.starting(2025)

/**
 * The date `offset` days after `date` (before it when negative).
 *
 * @since 0.1.0
 */
export const shift = (date: SchoolYear.LocalDate, offset: number): SchoolYear.LocalDate =>
  new Date(Date.parse(`${date}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10) as SchoolYear.LocalDate

/** A day of the pool's school year, `offset` days after 1 September. */
const day = (offset: number): SchoolYear.LocalDate => shift("2025-09-01" as SchoolYear.LocalDate, offset)

/** The pool's ids and dates. @since 0.1.0 */
export const ids = {
  schoolYear: year,
  otherSchoolYear: SchoolYear.starting(2026),
  books: [HomeworkBookId.make("cdt-6A-2025"), HomeworkBookId.make("cdt-5B-2025")],
  schools: [StructureId.make("school-a"), StructureId.make("school-b")],
  groups: [GroupId.make("school-a$6A"), GroupId.make("school-a$5B")],
  sessions: ["s1", "s2", "s3", "s4"].map((id) => SessionId.make(id)),
  subjects: [SubjectCode.make("MATHS"), SubjectCode.make("FRANCAIS"), SubjectCode.make("HIST-GEO")],
  teachers: [AccountId.make("teacher-1"), AccountId.make("teacher-2"), AccountId.make("teacher-3")],
  inspector: AccountId.make("inspector-1"),
  inspections: [InspectionId.make("insp-1"), InspectionId.make("insp-2")],
  /** A few days of the school year, a week or two apart, so that periods hold several of them. */
  days: [10, 17, 24, 31, 38, 45, 52, 59].map(day),
  /** Days outside the pool's school year, on either side. */
  outsideDays: [day(-3), day(370)],
}

const role = {
  teacherOf: (...groupIds: ReadonlyArray<GroupId>): Actor.Role => ({
    _tag: "Teacher",
    structureId: ids.schools[0]!,
    groupIds: [...groupIds],
  }),
}

/**
 * Actors of the pool, by name: teachers of 6A (`teacher1`), of both groups
 * (`teacher2`), of 5B only (`teacher3`), direction of each school, a school
 * administrator, the platform vendor, an inspector, the timetable import and a stranger.
 *
 * @since 0.1.0
 */
export const named = {
  teacher1: { accountId: ids.teachers[0]!, roles: [role.teacherOf(ids.groups[0]!)] },
  teacher2: { accountId: ids.teachers[1]!, roles: [role.teacherOf(ids.groups[0]!, ids.groups[1]!)] },
  teacher3: { accountId: ids.teachers[2]!, roles: [role.teacherOf(ids.groups[1]!)] },
  directionA: { accountId: AccountId.make("head-a"), roles: [{ _tag: "Direction", structureId: ids.schools[0]! }] },
  directionB: { accountId: AccountId.make("head-b"), roles: [{ _tag: "Direction", structureId: ids.schools[1]! }] },
  adminA: {
    accountId: AccountId.make("admin-a"),
    roles: [{ _tag: "Administrator", level: "School", scopeId: ids.schools[0]! }],
  },
  vendor: { accountId: AccountId.make("vendor"), roles: [{ _tag: "Administrator", level: "Platform" }] },
  inspector: { accountId: ids.inspector, roles: [{ _tag: "Inspector" }] },
  timetable: { accountId: AccountId.make("system:timetable"), roles: [{ _tag: "System", process: "timetable" }] },
  stranger: { accountId: AccountId.make("stranger"), roles: [] },
} as const satisfies Record<string, Actor.Actor>

/** Every actor of the pool. @since 0.1.0 */
export const actors: ReadonlyArray<Actor.Actor> = Object.values(named)

/** A date of the pool, now and then outside the school year. @since 0.1.0 */
export const date: FastCheck.Arbitrary<SchoolYear.LocalDate> = FastCheck.oneof(
  { arbitrary: FastCheck.constantFrom(...ids.days), weight: 12 },
  { arbitrary: FastCheck.constantFrom(...ids.outsideDays), weight: 1 },
)

/** A period between two days of the pool, up to 49 days. @since 0.1.0 */
export const period: FastCheck.Arbitrary<SchoolYear.Period> = FastCheck.tuple(
  FastCheck.constantFrom(...ids.days),
  FastCheck.constantFrom(...ids.days),
).map(([a, b]) => (a <= b ? { from: a, to: b } : { from: b, to: a }))

/** A period of the pool cut to an inspection's longest window, 31 days (BR-CDT-5). */
const cut = (period: SchoolYear.Period): SchoolYear.Period => {
  const last = shift(period.from, 30)
  return period.to <= last ? period : { from: period.from, to: last }
}

/** An inspection window from a day of the pool, at most 31 days. @since 0.1.0 */
export const window: FastCheck.Arbitrary<SchoolYear.Period> = period.map(cut)

/** A visa scope over the pool's subjects and teachers. @since 0.1.0 */
export const scope: FastCheck.Arbitrary<HomeworkBook.VisaScope> = FastCheck.oneof(
  FastCheck.constant({ _tag: "AllSessions" as const }),
  FastCheck.constantFrom(...ids.subjects).map((subject) => ({ _tag: "Subject" as const, subject })),
  FastCheck.constantFrom(...ids.teachers).map((teacherId) => ({ _tag: "Teacher" as const, teacherId })),
)

/**
 * An actor of the pool, weighted toward those whose commands succeed: the
 * teachers of 6A and the direction of school A.
 *
 * @since 0.1.0
 */
export const actor: FastCheck.Arbitrary<Actor.Actor> = FastCheck.oneof(
  { arbitrary: FastCheck.constantFrom(named.teacher1, named.teacher2), weight: 6 },
  { arbitrary: FastCheck.constant(named.directionA), weight: 2 },
  { arbitrary: FastCheck.constantFrom(...actors), weight: 6 },
)

/** The field pool that steers Schema-derived commands. @since 0.1.0 */
export const pool: Arbitraries.Pool = {
  actor,
  homeworkBookId: FastCheck.constantFrom(...ids.books),
  structureId: FastCheck.oneof(
    { arbitrary: FastCheck.constant(ids.schools[0]!), weight: 6 },
    { arbitrary: FastCheck.constant(ids.schools[1]!), weight: 1 },
  ),
  groupId: FastCheck.constantFrom(...ids.groups),
  schoolYear: FastCheck.oneof(
    { arbitrary: FastCheck.constant(ids.schoolYear), weight: 6 },
    { arbitrary: FastCheck.constant(ids.otherSchoolYear), weight: 1 },
  ),
  sessionId: FastCheck.constantFrom(...ids.sessions),
  subject: FastCheck.constantFrom(...ids.subjects),
  teacherId: FastCheck.oneof(
    { arbitrary: FastCheck.constantFrom(ids.teachers[0]!, ids.teachers[1]!), weight: 3 },
    { arbitrary: FastCheck.constant(ids.teachers[2]!), weight: 1 },
  ),
  date,
  content: FastCheck.constantFrom("", "Théorème de Pythagore", "Lecture : chapitre 3"),
  homework: FastCheck.constantFrom("", "Exercices 4 et 5 p. 112"),
  period,
  scope,
  inspectionId: FastCheck.constantFrom(...ids.inspections),
  inspectorId: FastCheck.constantFrom(ids.inspector, ids.teachers[2]!),
  // The facts the library resolves: mostly an inspector with access, at the pool's first school.
  inspectorRoles: FastCheck.oneof(
    { arbitrary: FastCheck.constant([{ _tag: "Inspector" as const }]), weight: 4 },
    { arbitrary: FastCheck.constant([]), weight: 1 },
  ),
  location: FastCheck.constant({ structureId: ids.schools[0]! }),
}

/**
 * The sessions a teacher of the pool usually writes: two ids each, so that a
 * teacher's edits and deletions often find his own sessions.
 */
const ownSessions = (teacherIndex: number) => [
  ids.sessions[(teacherIndex * 2) % 4]!,
  ids.sessions[(teacherIndex * 2 + 1) % 4]!,
]

const steer = (command: HomeworkBook.HomeworkBookCommand, draw: number): HomeworkBook.HomeworkBookCommand => {
  if (draw === 3) return command
  if (command._tag === "ScheduleInspection" || command._tag === "RescheduleInspection") {
    return { ...command, period: cut(command.period) }
  }
  const teacherIndex = ids.teachers.indexOf(command.actor.accountId)
  if (teacherIndex < 0) return command
  const sessionId = ownSessions(teacherIndex)[draw % 2]!
  switch (command._tag) {
    case "RecordSession":
      return { ...command, sessionId, teacherId: command.actor.accountId }
    case "EditSession":
    case "DeleteSession":
      return { ...command, sessionId }
    default:
      return command
  }
}

/** How often each command comes: sessions and visas more than the rest. */
const weights: { readonly [Tag in keyof typeof HomeworkBook.commands]: number } = {
  OpenHomeworkBook: 1,
  RecordSession: 4,
  EditSession: 3,
  DeleteSession: 2,
  PlaceVisa: 2,
  ScheduleInspection: 1,
  RescheduleInspection: 1,
  CancelInspection: 1,
  ArchiveHomeworkBook: 1,
}

/**
 * Any HomeworkBook command, steered by the pool. Most of a teacher's session
 * commands name his own sessions, so that recording, editing and deleting,
 * and their refusal once frozen, happen often.
 *
 * @since 0.1.0
 */
export const command: FastCheck.Arbitrary<HomeworkBook.HomeworkBookCommand> = FastCheck.tuple(
  FastCheck.oneof(
    ...Object.entries(HomeworkBook.commands).map(([tag, schema]) => ({
      arbitrary: Arbitraries.fromSchema(
        schema as Schema.Schema<HomeworkBook.HomeworkBookCommand, Schema.Schema.Encoded<typeof schema>>,
        pool,
      ),
      weight: weights[tag as keyof typeof weights],
    })),
  ),
  FastCheck.integer({ min: 0, max: 3 }),
).map(([command, draw]) => steer(command, draw))

const opening = (homeworkBookId: HomeworkBookId, groupId: GroupId): HomeworkBook.HomeworkBookCommand => ({
  _tag: "OpenHomeworkBook",
  actor: named.timetable,
  homeworkBookId,
  structureId: ids.schools[0]!,
  groupId,
  schoolYear: ids.schoolYear,
})

/**
 * Sequences of HomeworkBook commands on the pool's two books, each opened by
 * the timetable import first, or not (then commands meet an absent book).
 *
 * @since 0.1.0
 */
export const commands: FastCheck.Arbitrary<ReadonlyArray<HomeworkBook.HomeworkBookCommand>> = FastCheck.tuple(
  FastCheck.subarray([opening(ids.books[0]!, ids.groups[0]!), opening(ids.books[1]!, ids.groups[1]!)]),
  FastCheck.array(command, { minLength: 1, maxLength: 40 }),
).map(([openings, sequence]) => [...openings, ...sequence])

/**
 * Sequences of commands on one book (6A, school A, the pool's year), opened
 * by the first command, so that every later command meets it.
 *
 * @since 0.1.0
 */
export const bookCommands: FastCheck.Arbitrary<ReadonlyArray<HomeworkBook.HomeworkBookCommand>> = FastCheck.array(
  command.map((c) => ({ ...c, homeworkBookId: ids.books[0]! })),
  { minLength: 10, maxLength: 60 },
).map((sequence) => [opening(ids.books[0]!, ids.groups[0]!), ...sequence])

/**
 * A date at the edge of `date`: the day before, the day itself or the day
 * after, and now and then up to two months away on either side.
 *
 * @since 0.1.0
 */
export const around = (date: SchoolYear.LocalDate): FastCheck.Arbitrary<SchoolYear.LocalDate> =>
  FastCheck.oneof(
    { arbitrary: FastCheck.integer({ min: -1, max: 1 }), weight: 3 },
    { arbitrary: FastCheck.integer({ min: -60, max: 60 }), weight: 1 },
  ).map((offset) => shift(date, offset))

/**
 * Any day of the pool's school year (1 September 2025 to 31 August 2026), or
 * a few days outside it.
 *
 * @since 0.1.0
 */
export const anyDay: FastCheck.Arbitrary<SchoolYear.LocalDate> = FastCheck.integer({ min: -5, max: 369 }).map(day)

/**
 * A period starting on any day of the pool's school year and lasting 1 to
 * `maxDays` days, first and last included.
 *
 * @since 0.1.0
 */
export const anyPeriod = (maxDays = 60): FastCheck.Arbitrary<SchoolYear.Period> =>
  FastCheck.tuple(FastCheck.integer({ min: 0, max: 364 }), FastCheck.integer({ min: 1, max: maxDays })).map(
    ([start, days]) => ({ from: day(start), to: day(start + days - 1) }),
  )

/**
 * The accounts random actors act as: the pool's teachers, both heads, the
 * school administrator, the vendor, the inspector and a stranger.
 *
 * @since 0.1.0
 */
export const accounts: ReadonlyArray<AccountId> = [...new Set(actors.map((a) => a.accountId))].filter(
  (accountId) => accountId !== named.timetable.accountId,
)

/** Administrator scopes: the book's school, another school, a district, or none. */
const scopeId = FastCheck.option(
  FastCheck.oneof(
    { arbitrary: FastCheck.constant(ids.schools[0]!), weight: 3 },
    { arbitrary: FastCheck.constantFrom(ids.schools[1]!, StructureId.make("district-31")), weight: 2 },
  ),
  { nil: undefined },
)

const rolePool: Arbitraries.Pool = {
  structureId: FastCheck.oneof(
    { arbitrary: FastCheck.constant(ids.schools[0]!), weight: 3 },
    { arbitrary: FastCheck.constant(ids.schools[1]!), weight: 1 },
  ),
  groupIds: FastCheck.subarray([...ids.groups]),
  process: FastCheck.constantFrom("timetable", "retention"),
}

/**
 * A role of any kind `Actor.Role` has, Schema-derived so that a new kind is
 * drawn too, with scopes drawn right (the book's school and group) and wrong
 * (another school, another group, a district, none).
 *
 * @since 0.1.0
 */
export const anyRole: FastCheck.Arbitrary<Actor.Role> = FastCheck.oneof(
  ...Actor.Role.members.map((member) =>
    Arbitraries.fromSchema(
      member as unknown as Schema.Schema<Actor.Role, Schema.Schema.Encoded<typeof member>>,
      rolePool,
    ),
  ),
).chain((drawn) => {
  if (drawn._tag !== "Administrator") return FastCheck.constant(drawn)
  return scopeId.map((scope): Actor.Role => {
    const { scopeId: _, ...rest } = drawn
    return scope === undefined ? rest : { ...rest, scopeId: scope }
  })
})

/**
 * A random actor: one of {@link accounts} with zero to three random roles.
 *
 * @since 0.1.0
 */
export const anyActor: FastCheck.Arbitrary<Actor.Actor> = FastCheck.record({
  accountId: FastCheck.constantFrom(...accounts),
  roles: FastCheck.array(anyRole, { maxLength: 3 }),
})

/**
 * The pool's first book (6A of school A, 2025-2026) as opened by the timetable
 * import: the history most rule tests start from.
 *
 * @since 0.1.0
 */
export const opened: typeof HomeworkBook.HomeworkBookOpened.Type = {
  _tag: "HomeworkBookOpened",
  homeworkBookId: ids.books[0]!,
  structureId: ids.schools[0]!,
  groupId: ids.groups[0]!,
  schoolYear: ids.schoolYear,
  openedBy: named.timetable.accountId,
}

/**
 * A session recorded in the pool's first book by its own teacher.
 *
 * @since 0.1.0
 */
export const recorded = (session: {
  readonly sessionId: SessionId
  readonly subject: SubjectCode
  readonly teacherId: AccountId
  readonly date: SchoolYear.LocalDate
}): HomeworkBook.HomeworkBookEvent => ({
  _tag: "SessionRecorded",
  homeworkBookId: ids.books[0]!,
  ...session,
  content: "Théorème de Pythagore",
  homework: "Exercices 4 et 5",
  recordedBy: session.teacherId,
})

/**
 * A visa of the pool's first book, placed by the direction of school A.
 *
 * @since 0.1.0
 */
export const visaPlaced = (
  period: SchoolYear.Period,
  scope: HomeworkBook.VisaScope,
): HomeworkBook.HomeworkBookEvent => ({
  _tag: "VisaPlaced",
  homeworkBookId: ids.books[0]!,
  period,
  scope,
  placedBy: named.directionA.accountId,
})

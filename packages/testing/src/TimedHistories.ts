/**
 * Random histories of every aggregate with the time each command happened:
 * the pools' commands of accounts, structures, reports and homework books
 * interleaved, a clock that moves by minutes, hours and days across midnight
 * in Paris (where off-by-one-day mistakes hide), and now and then the erasure
 * of a teacher who wrote in the homework books (BR-ACC-9). For read models
 * whose documents depend on `occurredAt` (rosters with their history).
 *
 * @since 0.1.0
 */
import * as Account from "@cartable/domain/Account"
import * as Credentials from "@cartable/domain/Credentials"
import type * as Domain from "@cartable/domain/Domain"
import * as HomeworkBook from "@cartable/domain/HomeworkBook"
import { AccountId, SessionId, StructureId } from "@cartable/domain/Ids"
import * as DateTime from "effect/DateTime"
import * as FastCheck from "effect/FastCheck"
import * as AccountArbitraries from "./AccountArbitraries.ts"
import { interleave } from "./Histories.ts"
import * as HomeworkBookArbitraries from "./HomeworkBookArbitraries.ts"
import * as ReportArbitraries from "./ReportArbitraries.ts"
import * as StructureArbitraries from "./StructureArbitraries.ts"

/**
 * A command and the instant it is sent at.
 *
 * @since 0.1.0
 */
export interface TimedCommand {
  readonly command: Domain.Command
  readonly occurredAt: DateTime.Utc
}

/** 23:30 in Paris on 31 August 2025, the eve of the pools' first school year. */
const start = Date.parse("2025-08-31T21:30:00Z")
const MINUTE = 60_000

/** Steps of the clock: none, across midnight (30 minutes from 23:30), an hour, a day, a week. */
const step = FastCheck.constantFrom(0, 30, 60, 23 * 60, 24 * 60, 25 * 60, 7 * 24 * 60)

/**
 * The life of a homework book's teacher ending in erasure: provisioned by the
 * feed in school A, then pre-deleted, deleted and erased by its administrator.
 */
const teacherErasure: FastCheck.Arbitrary<ReadonlyArray<Domain.Command>> = FastCheck.constantFrom(
  ...HomeworkBookArbitraries.ids.teachers.slice(0, 2),
).map((accountId) => {
  const admin = AccountArbitraries.actors[0]!
  const feed = { accountId: AccountId.make("system:aaf"), roles: [{ _tag: "System", process: "aaf" }] } as const
  return [
    Account.ProvisionAccount.make({
      actor: feed,
      accountId,
      profile: "Teacher",
      origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${accountId}` },
      structureId: StructureId.make("school-a"),
      login: Credentials.Login.make(`jeanne.martin.${accountId.slice(-1)}`),
      firstName: "Jeanne",
      lastName: "Martin",
      activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
    }),
    Account.PreDeleteAccount.make({ actor: admin, accountId }),
    Account.DeleteAccount.make({ actor: admin, accountId }),
    Account.EraseAccountData.make({ actor: admin, accountId }),
  ]
})

const hb = HomeworkBookArbitraries.ids
const inBook = { homeworkBookId: hb.books[0]! }
/** The facts the library resolves for an inspection: the book's school, an inspector with access. */
const inspectionFacts = { location: { structureId: hb.schools[0]! } }
const sessionId = FastCheck.constantFrom(
  ...["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"].map((id) => SessionId.make(id)),
)
const teacher = FastCheck.constantFrom(hb.teachers[0]!, hb.teachers[1]!)
const text = FastCheck.constantFrom("", "Théorème de Pythagore", "Exercices 3 et 4 p. 52")
const bookDate = FastCheck.oneof(
  { arbitrary: FastCheck.constantFrom(...hb.days), weight: 3 },
  { arbitrary: FastCheck.constantFrom(...hb.days).chain(HomeworkBookArbitraries.around), weight: 1 },
)
const { named } = HomeworkBookArbitraries

/**
 * What happens in one busy book (6A of school A): sessions recorded by the
 * timetable import for its two teachers, edited and deleted by them, visas by
 * direction and inspections by the administrator, on the pool's days and
 * their edges, so that visas freeze sessions and windows open and close.
 */
const busyBook: FastCheck.Arbitrary<ReadonlyArray<Domain.Command>> = FastCheck.array(
  FastCheck.oneof(
    {
      weight: 5,
      arbitrary: FastCheck.record({
        sessionId,
        teacherId: teacher,
        subject: FastCheck.constantFrom(...hb.subjects),
        date: bookDate,
        content: text,
        homework: text,
      }).map((fields) => HomeworkBook.RecordSession.make({ ...fields, ...inBook, actor: named.timetable })),
    },
    {
      weight: 2,
      arbitrary: FastCheck.record({
        sessionId,
        actor: FastCheck.constantFrom(named.teacher1, named.teacher2),
        subject: FastCheck.constantFrom(...hb.subjects),
        date: bookDate,
        content: text,
        homework: text,
      }).map((fields) => HomeworkBook.EditSession.make({ ...fields, ...inBook })),
    },
    {
      weight: 1,
      arbitrary: FastCheck.record({
        sessionId,
        actor: FastCheck.constantFrom(named.teacher1, named.teacher2, named.adminA),
      }).map((fields) => HomeworkBook.DeleteSession.make({ ...fields, ...inBook })),
    },
    {
      weight: 2,
      arbitrary: FastCheck.record({ period: HomeworkBookArbitraries.period, scope: HomeworkBookArbitraries.scope }).map(
        (fields) => HomeworkBook.PlaceVisa.make({ ...fields, ...inBook, actor: named.directionA }),
      ),
    },
    {
      weight: 2,
      arbitrary: FastCheck.record({
        inspectionId: FastCheck.constantFrom(...hb.inspections),
        teacherId: teacher,
        period: HomeworkBookArbitraries.window,
      }).map((fields) =>
        HomeworkBook.ScheduleInspection.make({
          ...fields,
          ...inBook,
          ...inspectionFacts,
          actor: named.adminA,
          inspectorId: hb.inspector,
          inspectorRoles: [{ _tag: "Inspector" }],
        }),
      ),
    },
    {
      weight: 1,
      arbitrary: FastCheck.record({
        inspectionId: FastCheck.constantFrom(...hb.inspections),
        period: HomeworkBookArbitraries.window,
      }).map((fields) =>
        HomeworkBook.RescheduleInspection.make({ ...fields, ...inBook, ...inspectionFacts, actor: named.adminA }),
      ),
    },
    {
      weight: 1,
      arbitrary: FastCheck.constantFrom(...hb.inspections).map((inspectionId) =>
        HomeworkBook.CancelInspection.make({ ...inBook, ...inspectionFacts, inspectionId, actor: named.adminA }),
      ),
    },
  ),
  { minLength: 10, maxLength: 40, size: "max" },
).map((activity) => [
  HomeworkBook.OpenHomeworkBook.make({
    actor: named.timetable,
    ...inBook,
    structureId: hb.schools[0]!,
    groupId: hb.groups[0]!,
    schoolYear: hb.schoolYear,
  }),
  ...activity,
])

/**
 * Commands of every aggregate interleaved, memberships drawn often, each with
 * its instant; half of the histories erase a teacher of the books somewhere
 * in the middle.
 *
 * @since 0.1.0
 */
export const histories: FastCheck.Arbitrary<ReadonlyArray<TimedCommand>> = FastCheck.tuple(
  AccountArbitraries.commands,
  FastCheck.oneof(StructureArbitraries.commands, StructureArbitraries.membershipCommands),
  ReportArbitraries.commands,
  FastCheck.oneof({ arbitrary: HomeworkBookArbitraries.commands, weight: 1 }, { arbitrary: busyBook, weight: 3 }),
  FastCheck.option(teacherErasure, { nil: [], freq: 2 }),
  FastCheck.array(FastCheck.nat(4), { minLength: 64, maxLength: 64 }),
  FastCheck.array(step, { minLength: 64, maxLength: 64 }),
).map(([accounts, structures, reports, books, erasure, picks, steps]) => {
  let at = start
  return interleave<Domain.Command>([accounts, structures, reports, books, erasure], picks).map(
    ({ item }, i): TimedCommand => {
      at += steps[i % steps.length]! * MINUTE
      return { command: item, occurredAt: DateTime.unsafeMake(at) }
    },
  )
})

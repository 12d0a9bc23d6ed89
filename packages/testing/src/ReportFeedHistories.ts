/**
 * Random command histories of every aggregate, interleaved, for the report
 * queue, the news feed and the audit trail: a small world first (classes with
 * members, administrators of the school and the district, homework books with
 * sessions), then the pools' own histories, with reports steered toward the
 * notifications the homework books make (`HomeworkBook-<book>@<version>`) at
 * school A of the structures' pool, often made by accounts whose data the
 * account histories erase.
 *
 * @since 0.1.0
 */
import * as Account from "@cartable/domain/Account"
import type * as Actor from "@cartable/domain/Actor"
import * as Credentials from "@cartable/domain/Credentials"
import type * as Domain from "@cartable/domain/Domain"
import { AccountId, SessionId, type StructureId, SubjectCode } from "@cartable/domain/Ids"
import type * as Report from "@cartable/domain/Report"
import * as FastCheck from "effect/FastCheck"
import * as AccountArbitraries from "./AccountArbitraries.ts"
import { interleave } from "./Histories.ts"
import * as HomeworkBookArbitraries from "./HomeworkBookArbitraries.ts"
import * as ReportArbitraries from "./ReportArbitraries.ts"
import * as StructureArbitraries from "./StructureArbitraries.ts"

/**
 * The ids of notifications the news feed makes of the pool's homework books:
 * a book's stream and the version of a session recorded or edited in it.
 *
 * @since 0.1.0
 */
export const notificationIds: ReadonlyArray<string> = HomeworkBookArbitraries.ids.books.flatMap((book) =>
  [2, 3, 4].map((version) => `HomeworkBook-${book}@${version}`),
)

/**
 * School A of the structures' pool, where its groups and homework books are.
 *
 * @since 0.1.0
 */
export const schoolA: Actor.Location = {
  structureId: StructureArbitraries.ids.schools[0]!,
  districtId: StructureArbitraries.ids.district,
  departmentId: StructureArbitraries.ids.department,
  academyId: StructureArbitraries.ids.academy,
}

const S = StructureArbitraries.ids
const H = HomeworkBookArbitraries.ids

const member = (
  accountId: AccountId,
  groupId: (typeof S.groups)[keyof typeof S.groups],
  role: "Student" | "Teacher",
) => ({
  _tag: "AssignToGroup" as const,
  actor: StructureArbitraries.actors.feed,
  structureId: schoolA.structureId,
  groupId,
  accountId,
  role,
  source: "Feed" as const,
})

const staff = (accountId: string, structureId: StructureId, granter: Actor.Actor): ReadonlyArray<Domain.Command> => [
  Account.ProvisionAccount.make({
    actor: StructureArbitraries.actors.feed,
    accountId: AccountId.make(accountId),
    profile: "Personnel",
    origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${accountId}` },
    structureId: schoolA.structureId,
    login: Credentials.Login.make(accountId),
    firstName: "Laure",
    lastName: "Martin",
    activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
  }),
  Account.GrantAdministratorRight.make({ actor: granter, accountId: AccountId.make(accountId), structureId }),
]

const session = (book: number, sessionId: string, day: number): Domain.Command => ({
  _tag: "RecordSession",
  actor: HomeworkBookArbitraries.named.teacher2,
  homeworkBookId: H.books[book]!,
  sessionId: SessionId.make(sessionId),
  subject: SubjectCode.make("MATHS"),
  teacherId: HomeworkBookArbitraries.named.teacher2.accountId,
  date: H.days[day]!,
  content: "Fractions",
  homework: "Exercices 3 et 4",
})

/**
 * The world the random commands start from: the structures' setup; the
 * account pool's accounts and a pupil in 6A, another in 5B, a teacher of both;
 * administrators of school A and of its district; both homework books, each
 * with a session (notifications `@2`).
 *
 * @since 0.1.0
 */
export const world: ReadonlyArray<Domain.Command> = [
  ...StructureArbitraries.setup,
  ...AccountArbitraries.ids.accounts.map((accountId) => member(accountId, S.groups.classA, "Student")),
  member(S.pupils[0]!, S.groups.classA, "Student"),
  member(S.pupils[1]!, S.groups.classB, "Student"),
  member(HomeworkBookArbitraries.named.teacher2.accountId, S.groups.classA, "Teacher"),
  member(HomeworkBookArbitraries.named.teacher2.accountId, S.groups.classB, "Teacher"),
  ...staff("staff-a", schoolA.structureId, StructureArbitraries.actors.adminA),
  ...staff("staff-erun", S.district, StructureArbitraries.actors.vendor),
  ...H.books.map(
    (homeworkBookId, i): Domain.Command => ({
      _tag: "OpenHomeworkBook",
      actor: HomeworkBookArbitraries.named.timetable,
      homeworkBookId,
      structureId: schoolA.structureId,
      groupId: HomeworkBookArbitraries.ids.groups[i]!,
      schoolYear: H.schoolYear,
    }),
  ),
  session(0, "s1", 0),
  session(1, "s2", 1),
]

const steer = ([command, n]: readonly [Report.ReportCommand, number]): Report.ReportCommand => {
  if (n % 4 === 0) return command
  if (command._tag === "HandleReport") {
    // An administrator who covers school A, deleting two times in three (BR-SIG-3).
    return {
      ...command,
      actor: n % 2 === 0 ? ReportArbitraries.actors.schoolAdminA : ReportArbitraries.actors.vendor,
      decision: n % 3 === 0 ? "Kept" : "Deleted",
      blockAuthor: false,
    }
  }
  if (command._tag !== "ReportContent") return command
  const reporter = AccountArbitraries.ids.accounts[n % AccountArbitraries.ids.accounts.length]!
  return {
    ...command,
    actor: n % 3 === 0 ? command.actor : { accountId: reporter, roles: [] },
    structureId: schoolA.structureId,
    location: schoolA,
    reporterSchools: [schoolA.structureId],
    // Mostly the notifications of the world's sessions, which are in feeds; now and then a later one.
    content: {
      kind: "Notification",
      contentId: n % 3 === 0 ? notificationIds[n % notificationIds.length]! : notificationIds[(n % 2) * 3]!,
    },
    comment: "Photo d'un élève",
  }
}

// Handlings and dismissals mostly name a report made before them, so that they succeed.
const reports = FastCheck.array(FastCheck.tuple(ReportArbitraries.command, FastCheck.nat()), {
  minLength: 1,
  maxLength: 20,
  size: "max",
}).map((drawn) => {
  const made: Array<Report.ReportCommand["reportId"]> = []
  return drawn.map(([command, n]) => {
    const steered = steer([command, n])
    if (steered._tag === "ReportContent") {
      made.push(steered.reportId)
      return steered
    }
    return made.length === 0 || n % 5 === 0 ? steered : { ...steered, reportId: made[n % made.length]! }
  })
})

/**
 * Commands of every aggregate, interleaved, each aggregate's in its own order.
 *
 * @since 0.1.0
 */
export const commands: FastCheck.Arbitrary<ReadonlyArray<Domain.Command>> = FastCheck.tuple(
  AccountArbitraries.commands,
  StructureArbitraries.commands,
  reports,
  HomeworkBookArbitraries.commands,
  FastCheck.array(FastCheck.nat(3), { minLength: 64, maxLength: 64 }),
).map(([accounts, structures, reported, books, picks]) => [
  ...world,
  ...interleave<Domain.Command>([accounts, structures, reported, books], picks).map(({ item }) => item),
])

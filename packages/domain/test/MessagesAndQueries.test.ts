// What refused HomeworkBook and Report commands tell people (rule, reason and message, written out as users
// read them), what the read-side queries answer for a book or an account that does not exist, and the
// administrator scopes that cover nothing.
import * as Account from "@cartable/domain/Account"
import * as AccountQueries from "@cartable/domain/AccountQueries"
import * as Actor from "@cartable/domain/Actor"
import * as HomeworkBook from "@cartable/domain/HomeworkBook"
import * as HomeworkBookQueries from "@cartable/domain/HomeworkBookQueries"
import { AccountId, SessionId, StructureId } from "@cartable/domain/Ids"
import * as Report from "@cartable/domain/Report"
import type * as SchoolYear from "@cartable/domain/SchoolYear"
import { fold } from "@cartable/kernel/Decider"
import * as HomeworkBookArbitraries from "@cartable/testing/HomeworkBookArbitraries"
import * as ReportArbitraries from "@cartable/testing/ReportArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"

const { ids, named, opened, recorded, visaPlaced, shift } = HomeworkBookArbitraries
const bookId = ids.books[0]!
const [d0, d1, d2] = [ids.days[0]!, ids.days[1]!, ids.days[2]!]
const session = {
  sessionId: ids.sessions[0]!,
  subject: ids.subjects[0]!,
  teacherId: ids.teachers[0]!,
  date: d1,
}

type BookCommand = HomeworkBook.HomeworkBookCommand
type BookEvent = HomeworkBook.HomeworkBookEvent

const refusedBook = (history: ReadonlyArray<BookEvent>, command: BookCommand) => {
  const decision = HomeworkBook.decide(command, fold(HomeworkBook.aggregate, history))
  assert.ok(Either.isLeft(decision), `expected ${command._tag} to be refused, got ${JSON.stringify(decision)}`)
  return [decision.left.ruleId, decision.left.reason, decision.left.message]
}

const record = (actor: Actor.Actor, date: SchoolYear.LocalDate): BookCommand => ({
  _tag: "RecordSession",
  actor,
  homeworkBookId: bookId,
  sessionId: ids.sessions[1]!,
  subject: ids.subjects[0]!,
  teacherId: ids.teachers[0]!,
  date,
  content: "Lecture",
  homework: "",
})
const edit = (actor: Actor.Actor, date = session.date, sessionId = session.sessionId): BookCommand => ({
  _tag: "EditSession",
  actor,
  homeworkBookId: bookId,
  sessionId,
  subject: session.subject,
  date,
  content: "Réécrit",
  homework: "",
})
const remove = (actor: Actor.Actor, sessionId = session.sessionId): BookCommand => ({
  _tag: "DeleteSession",
  actor,
  homeworkBookId: bookId,
  sessionId,
})

describe("HomeworkBook: what a refusal says", () => {
  const withSession = [opened, recorded(session)]
  const visa = visaPlaced({ from: d0, to: d1 }, { _tag: "AllSessions" })
  const frozen = [...withSession, visa]

  it("opening, recording, editing and deleting", () => {
    assert.deepStrictEqual(
      refusedBook([], {
        _tag: "OpenHomeworkBook",
        actor: named.teacher1,
        homeworkBookId: bookId,
        structureId: ids.schools[0]!,
        groupId: ids.groups[0]!,
        schoolYear: ids.schoolYear,
      }),
      [
        "BR-CDT-1",
        "NotAuthorized",
        "Only the timetable import, the direction or an administrator of school-a opens a homework book",
      ],
    )
    assert.deepStrictEqual(refusedBook([], remove(named.teacher1)), [
      "BR-CDT-1",
      "NotFound",
      "Homework book cdt-6A-2025 is not open",
    ])
    assert.deepStrictEqual(refusedBook(withSession, record(named.teacher3, d1)), [
      "BR-CDT-1",
      "NotAuthorized",
      "Only a teacher of school-a$6A records his own sessions",
    ])
    // 31 August 2026 is the last day of 2025-2026, 1 September 2026 the first of the next (BR-CDT-1).
    const firstOfNext = "2026-09-01" as SchoolYear.LocalDate
    assert.deepStrictEqual(refusedBook(withSession, record(named.timetable, firstOfNext)), [
      "BR-CDT-1",
      "OutsideSchoolYear",
      "2026-09-01 is outside the school year 2025-2026",
    ])
    assert.deepStrictEqual(refusedBook(frozen, record(named.timetable, d0)), [
      "BR-CDT-3",
      "Frozen",
      `A visa covers ${d0}: no session can be recorded there any more`,
    ])
    const unknown = SessionId.make("s9")
    assert.deepStrictEqual(refusedBook(withSession, edit(named.teacher1, session.date, unknown)), [
      "BR-CDT-1",
      "NotFound",
      "Session s9 does not exist",
    ])
    assert.deepStrictEqual(refusedBook(withSession, remove(named.teacher1, unknown)), [
      "BR-CDT-1",
      "NotFound",
      "Session s9 does not exist",
    ])
    assert.deepStrictEqual(refusedBook(withSession, edit(named.teacher2)), [
      "BR-CDT-1",
      "NotAuthorized",
      "Only the session's teacher, still teaching the group, edits it",
    ])
    assert.deepStrictEqual(refusedBook(withSession, remove(named.teacher2)), [
      "BR-CDT-1",
      "NotAuthorized",
      "Only the session's teacher or an administrator of the school deletes it",
    ])
    const visaLater = [...withSession, visaPlaced({ from: d2, to: d2 }, { _tag: "AllSessions" })]
    assert.deepStrictEqual(refusedBook(visaLater, edit(named.teacher1, d2)), [
      "BR-CDT-3",
      "Frozen",
      `A visa covers ${d2}: a session cannot be moved there`,
    ])
  })

  it("a frozen session, told apart for administrators (BR-CDT-4) and others (BR-CDT-3)", () => {
    assert.deepStrictEqual(refusedBook(frozen, edit(named.teacher1)), [
      "BR-CDT-3",
      "Frozen",
      "Session s1 is frozen by a visa and can no longer be modified",
    ])
    assert.deepStrictEqual(refusedBook(frozen, remove(named.teacher1)), [
      "BR-CDT-3",
      "Frozen",
      "Session s1 is frozen by a visa and can no longer be deleted",
    ])
    for (const admin of [named.adminA, named.vendor]) {
      for (const command of [edit(admin), remove(admin)]) {
        assert.deepStrictEqual(refusedBook(frozen, command), [
          "BR-CDT-4",
          "Frozen",
          "Session s1 is frozen by a visa: administrators cannot unlock it",
        ])
      }
    }
  })

  it("visas and inspections", () => {
    const place = (actor: BookCommand["actor"], period: SchoolYear.Period): BookCommand => ({
      _tag: "PlaceVisa",
      actor,
      homeworkBookId: bookId,
      period,
      scope: { _tag: "AllSessions" },
    })
    assert.deepStrictEqual(refusedBook(withSession, place(named.adminA, { from: d0, to: d1 })), [
      "BR-CDT-2",
      "NotAuthorized",
      "Only the direction of school-a places a visa",
    ])
    assert.deepStrictEqual(refusedBook(withSession, place(named.directionA, { from: d1, to: d0 })), [
      "BR-CDT-2",
      "InvalidPeriod",
      "A visa's period must not end before it starts",
    ])
    assert.deepStrictEqual(
      refusedBook(withSession, place(named.directionA, { from: d0, to: "2026-09-01" as SchoolYear.LocalDate })),
      ["BR-CDT-2", "OutsideSchoolYear", "A visa's period lies within the school year 2025-2026"],
    )
    const schedule = (actor: BookCommand["actor"], period: SchoolYear.Period): BookCommand => ({
      _tag: "ScheduleInspection",
      inspectorRoles: [{ _tag: "Inspector" }],
      location: { structureId: HomeworkBookArbitraries.ids.schools[0]! },
      actor,
      homeworkBookId: bookId,
      inspectionId: ids.inspections[0]!,
      inspectorId: ids.inspector,
      teacherId: ids.teachers[0]!,
      period,
    })
    assert.deepStrictEqual(refusedBook(withSession, schedule(named.directionA, { from: d0, to: d1 })), [
      "BR-CDT-5",
      "NotAuthorized",
      "Only an administrator of school-a manages inspections",
    ])
    assert.deepStrictEqual(refusedBook(withSession, schedule(named.adminA, { from: d1, to: d0 })), [
      "BR-CDT-5",
      "InvalidPeriod",
      "An inspection's end date must not come before its start date",
    ])
    assert.deepStrictEqual(refusedBook(withSession, schedule(named.adminA, { from: d0, to: shift(d0, 31) })), [
      "BR-CDT-5",
      "InvalidPeriod",
      `An inspection lasts at most 31 days, start and end included; ${d0} to ${shift(d0, 31)} is 32`,
    ])
  })
})

describe("Report: what a refusal says", () => {
  const { actors } = ReportArbitraries
  const reportId = ReportArbitraries.ids.reports[0]!
  const [t0, t1] = [ReportArbitraries.ids.times[0]!, ReportArbitraries.ids.times[1]!]
  const location = ReportArbitraries.ids.locations[0]!
  const reportContent = (authorId?: AccountId): Report.ReportCommand => ({
    _tag: "ReportContent",
    actor: actors.pupil,
    reportId,
    structureId: location.structureId,
    location,
    reporterSchools: [location.structureId],
    content: { kind: "Notification", contentId: "notif-42", ...(authorId ? { authorId } : {}) },
    reportedAt: t0,
  })
  const handle = (decision: Report.ReportDecision, blockAuthor: boolean): Report.ReportCommand => ({
    _tag: "HandleReport",
    actor: actors.schoolAdminA,
    reportId,
    decision,
    handledAt: t1,
    blockAuthor,
  })
  const refused = (history: ReadonlyArray<Report.ReportCommand>, command: Report.ReportCommand) => {
    let state = Report.initialState
    for (const past of history) {
      const decision = Report.decide(past, state)
      assert.ok(Either.isRight(decision))
      state = fold(Report.aggregate, decision.right, state)
    }
    const decision = Report.decide(command, state)
    assert.ok(Either.isLeft(decision), `expected ${command._tag} to be refused`)
    return [decision.left.ruleId, decision.left.reason, decision.left.message]
  }

  it("each refusal says why", () => {
    assert.deepStrictEqual(refused([], handle("Kept", false)), ["BR-SIG-3", "NotFound", "Report rep-1 does not exist"])
    assert.deepStrictEqual(
      refused([], { _tag: "DismissReportAlert", actor: actors.schoolAdminA, reportId, dismissedAt: t1 }),
      ["BR-SIG-4", "NotFound", "Report rep-1 does not exist"],
    )
    const author = ReportArbitraries.ids.authors[0]!
    assert.deepStrictEqual(refused([reportContent(author)], reportContent(author)), [
      "BR-SIG-1",
      "AlreadyExists",
      "Report rep-1 exists: a new report needs a new id",
    ])
    assert.deepStrictEqual(refused([reportContent(author)], handle("Kept", true)), [
      "BR-SIG-5",
      "InvalidFollowUp",
      "Blocking the author follows the deletion of his content",
    ])
    assert.deepStrictEqual(refused([reportContent()], handle("Deleted", true)), [
      "BR-SIG-5",
      "UnknownAuthor",
      "The reported content has no known author to block",
    ])
  })

  it("BR-SIG-4 the report's history shows each dismissal, by whom and when", () => {
    let state = Report.initialState
    for (const command of [
      reportContent(),
      { _tag: "DismissReportAlert", actor: actors.schoolAdminA, reportId, dismissedAt: t1 } as const,
    ]) {
      const decision = Report.decide(command, state)
      assert.ok(Either.isRight(decision))
      state = fold(Report.aggregate, decision.right, state)
    }
    assert.ok(state._tag === "Report")
    assert.deepStrictEqual(state.history, [
      { _tag: "Reported", by: actors.pupil.accountId, at: t0 },
      { _tag: "AlertDismissed", by: actors.schoolAdminA.accountId, at: t1 },
    ])
  })
})

describe("queries of what does not exist", () => {
  it("an absent homework book has no session, visa, reader or author", () => {
    const absent = HomeworkBook.initialState
    assert.isFalse(HomeworkBookQueries.coveredByVisa(absent, session))
    assert.strictEqual(HomeworkBookQueries.sessionOf(absent, session.sessionId), undefined)
    assert.isFalse(HomeworkBookQueries.isFrozen(absent, session.sessionId))
    assert.deepStrictEqual(HomeworkBookQueries.frozenSessions(absent), [])
    assert.isFalse(HomeworkBookQueries.canRead(absent, ids.inspector, d0))
    assert.deepStrictEqual(HomeworkBookQueries.readableSessions(absent, ids.inspector, d0), [])
  })

  it("a session the book does not hold is not frozen, even under a visa of every session", () => {
    const state = fold(HomeworkBook.aggregate, [
      opened,
      recorded(session),
      visaPlaced({ from: d0, to: d2 }, { _tag: "AllSessions" }),
    ])
    assert.isTrue(HomeworkBookQueries.isFrozen(state, session.sessionId))
    assert.isFalse(HomeworkBookQueries.isFrozen(state, SessionId.make("s9")))
  })

  it("an absent account is neither blocked nor an administrator", () => {
    const absent = Account.initialState
    assert.isFalse(AccountQueries.isActive(absent))
    assert.isFalse(AccountQueries.canLogIn(absent, "marie.a"))
    assert.isFalse(AccountQueries.isBlockedFor(absent, "Messagerie"))
    assert.strictEqual(AccountQueries.visibleActivationCode(absent), undefined)
    assert.isFalse(AccountQueries.isAdministratorOf(absent, StructureId.make("school-a")))
  })

  it("BR-SIG-2 an administrator of a level without a scope covers no school of that level", () => {
    const location = { structureId: StructureId.make("school-a") }
    for (const level of ["School", "District", "Department", "Academy"] as const) {
      const actor = { accountId: AccountId.make("x"), roles: [{ _tag: "Administrator", level }] } as const
      assert.isFalse(Actor.administers(actor, location), level)
    }
  })
})

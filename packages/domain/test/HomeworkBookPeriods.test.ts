/**
 * The period rules of the homework book, to the day: dates are drawn at each
 * edge (the day before, the day, the day after). Every period includes its
 * first and last day (docs/domain.md); the oracle counts days, apart from the
 * code's comparison of ISO strings.
 */
import type * as Actor from "@cartable/domain/Actor"
import * as HomeworkBook from "@cartable/domain/HomeworkBook"
import { InspectionId, SessionId } from "@cartable/domain/Ids"
import type * as SchoolYear from "@cartable/domain/SchoolYear"
import { fold } from "@cartable/kernel/Decider"
import { given } from "@cartable/testing/DeciderSpec"
import * as HomeworkBookArbitraries from "@cartable/testing/HomeworkBookArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"

const { ids, named, opened, recorded, visaPlaced, around, anyDay, anyPeriod, shift } = HomeworkBookArbitraries
const bookId = ids.books[0]!
const school = ids.schools[0]!
const group = ids.groups[0]!
const fastCheck = { numRuns: 300 }

/** The book's school year 2025-2026, from DOMAIN.md: 1 September to 31 August. */
const firstDay = "2025-09-01" as SchoolYear.LocalDate
const lastDay = "2026-08-31" as SchoolYear.LocalDate

const dayOf = (date: SchoolYear.LocalDate) => Math.round(new Date(`${date}T00:00:00Z`).getTime() / 86_400_000)
const inside = (period: SchoolYear.Period, date: SchoolYear.LocalDate) =>
  dayOf(period.from) <= dayOf(date) && dayOf(date) <= dayOf(period.to)
const inYear = (date: SchoolYear.LocalDate) => inside({ from: firstDay, to: lastDay }, date)

/** A date next to either end of the school year. */
const yearEdge = FastCheck.oneof(around(firstDay), around(lastDay))
/** A date next to either end of a period. */
const edgeOf = (period: SchoolYear.Period) => FastCheck.oneof(around(period.from), around(period.to))
/** A period of the school year, of 1 to `maxDays` days. */
const periodInYear = (maxDays?: number) => anyPeriod(maxDays).filter((period) => inYear(period.to))

const teacherOf = (teacherId: Actor.Actor["accountId"]): Actor.Actor => ({
  accountId: teacherId,
  roles: [{ _tag: "Teacher", structureId: school, groupIds: [group] }],
})

const session = (date: SchoolYear.LocalDate, sessionId = ids.sessions[0]!) => ({
  sessionId,
  subject: ids.subjects[0]!,
  teacherId: ids.teachers[0]!,
  date,
})
const teacher = teacherOf(ids.teachers[0]!)

const edit = (sessionId: SessionId, date: SchoolYear.LocalDate): typeof HomeworkBook.EditSession.Type => ({
  _tag: "EditSession",
  actor: teacher,
  homeworkBookId: bookId,
  sessionId,
  subject: ids.subjects[0]!,
  date,
  content: "Corrigé",
  homework: "",
})

const inspectionId = InspectionId.make("insp-period")
const scheduled = (period: SchoolYear.Period): HomeworkBook.HomeworkBookEvent => ({
  _tag: "InspectionScheduled",
  homeworkBookId: bookId,
  inspectionId,
  inspectorId: ids.inspector,
  teacherId: ids.teachers[0]!,
  period,
  scheduledBy: named.adminA.accountId,
})
const schedule = (period: SchoolYear.Period): HomeworkBook.HomeworkBookCommand => ({
  _tag: "ScheduleInspection",
  inspectorRoles: [{ _tag: "Inspector" }],
  location: { structureId: HomeworkBookArbitraries.ids.schools[0]! },
  actor: named.adminA,
  homeworkBookId: bookId,
  inspectionId,
  inspectorId: ids.inspector,
  teacherId: ids.teachers[0]!,
  period,
})
const reschedule = (period: SchoolYear.Period): HomeworkBook.HomeworkBookCommand => ({
  _tag: "RescheduleInspection",
  location: { structureId: HomeworkBookArbitraries.ids.schools[0]! },
  actor: named.adminA,
  homeworkBookId: bookId,
  inspectionId,
  period,
})

/** How many days an inspection window spans, drawn thick around the 31-day limit. */
const windowDays = FastCheck.oneof(
  { arbitrary: FastCheck.integer({ min: 29, max: 33 }), weight: 3 },
  { arbitrary: FastCheck.integer({ min: 1, max: 120 }), weight: 1 },
)

describe("HomeworkBook periods", () => {
  it.prop(
    "BR-CDT-1 a session is dated within the school year, 1 September and 31 August included",
    [yearEdge],
    ([date]) => {
      const recording = given(HomeworkBook.aggregate, [opened]).when({
        _tag: "RecordSession",
        actor: named.timetable,
        homeworkBookId: bookId,
        ...session(date),
        content: "",
        homework: "",
      })
      const moving = given(HomeworkBook.aggregate, [
        opened,
        recorded(session("2026-01-15" as SchoolYear.LocalDate)),
      ]).when(edit(ids.sessions[0]!, date))
      for (const spec of [recording, moving]) {
        if (inYear(date)) spec.accepted()
        else spec.thenRejects({ ruleId: "BR-CDT-1", reason: "OutsideSchoolYear" })
      }
    },
    { fastCheck },
  )

  it.prop(
    "BR-CDT-2 a visa's period lies within the school year, 1 September and 31 August included",
    [yearEdge, yearEdge],
    ([a, b]) => {
      const period = dayOf(a) <= dayOf(b) ? { from: a, to: b } : { from: b, to: a }
      const spec = given(HomeworkBook.aggregate, [opened]).when({
        _tag: "PlaceVisa",
        actor: named.directionA,
        homeworkBookId: bookId,
        period,
        scope: { _tag: "AllSessions" },
      })
      if (inYear(period.from) && inYear(period.to)) spec.accepted()
      else spec.thenRejects({ ruleId: "BR-CDT-2", reason: "OutsideSchoolYear" })
    },
    { fastCheck },
  )

  it.prop(
    "BR-CDT-2 BR-CDT-5 a period ending before it starts is refused; one of a single day is not",
    [anyDay.filter(inYear), FastCheck.integer({ min: -3, max: 0 })],
    ([from, offset]) => {
      const period = { from, to: shift(from, offset) }
      const visa = given(HomeworkBook.aggregate, [opened]).when({
        _tag: "PlaceVisa",
        actor: named.directionA,
        homeworkBookId: bookId,
        period,
        scope: { _tag: "AllSessions" },
      })
      const inspection = given(HomeworkBook.aggregate, [opened]).when(schedule(period))
      const moved = given(HomeworkBook.aggregate, [opened, scheduled({ from, to: from })]).when(reschedule(period))
      if (offset < 0) {
        visa.thenRejects({ ruleId: "BR-CDT-2", reason: "InvalidPeriod" })
        inspection.thenRejects({ ruleId: "BR-CDT-5", reason: "InvalidPeriod" })
        moved.thenRejects({ ruleId: "BR-CDT-5", reason: "InvalidPeriod" })
      } else if (inYear(period.to)) {
        visa.accepted()
        inspection.accepted()
        moved.then([])
      }
    },
    { fastCheck },
  )

  it.prop(
    "BR-CDT-3 a visa freezes the sessions dated from its first to its last day, both included, and closes them to new ones",
    [periodInYear().chain((period) => FastCheck.tuple(FastCheck.constant(period), edgeOf(period).filter(inYear)))],
    ([[period, date]]) => {
      const own = session(date)
      // A second session, far from the period, that the teacher tries to move onto `date`.
      const far = session(inside(period, firstDay) ? lastDay : firstDay, ids.sessions[1]!)
      const history = [opened, recorded(own), recorded(far), visaPlaced(period, { _tag: "AllSessions" })]
      const frozen = inside(period, date)
      assert.strictEqual(HomeworkBook.isFrozen(fold(HomeworkBook.aggregate, history), own.sessionId), frozen)
      const attempts = [
        given(HomeworkBook.aggregate, history).when({ ...edit(own.sessionId, date), content: "Réécrit" }),
        given(HomeworkBook.aggregate, history).when({
          _tag: "DeleteSession",
          actor: teacher,
          homeworkBookId: bookId,
          sessionId: own.sessionId,
        }),
        given(HomeworkBook.aggregate, history).when({
          _tag: "RecordSession",
          actor: teacher,
          homeworkBookId: bookId,
          ...session(date, SessionId.make("new")),
          content: "",
          homework: "",
        }),
        given(HomeworkBook.aggregate, history).when(edit(far.sessionId, date)),
      ]
      for (const spec of attempts) {
        if (frozen) spec.thenRejects({ ruleId: "BR-CDT-3", reason: "Frozen" })
        else spec.accepted()
      }
    },
    { fastCheck },
  )

  it.prop(
    "BR-CDT-5 (decision) an inspection window spans at most 31 days, start and end included",
    [anyDay.filter(inYear), windowDays, periodInYear(31)],
    ([from, days, first]) => {
      const period = { from, to: shift(from, days - 1) }
      const scheduling = given(HomeworkBook.aggregate, [opened]).when(schedule(period))
      const rescheduling = given(HomeworkBook.aggregate, [opened, scheduled(first)]).when(reschedule(period))
      for (const spec of [scheduling, rescheduling]) {
        if (days <= 31) spec.accepted()
        else {
          const error = spec.thenRejects({ ruleId: "BR-CDT-5", reason: "InvalidPeriod" })
          assert.include(error.message, `${days}`)
        }
      }
    },
    { fastCheck },
  )

  it.prop(
    "BR-CDT-5 an inspector reads the teacher's sessions from the start to the end date, both included",
    [periodInYear(31).chain((period) => FastCheck.tuple(FastCheck.constant(period), edgeOf(period)))],
    ([[period, on]]) => {
      const own = session(period.from)
      const state = fold(HomeworkBook.aggregate, [opened, recorded(own), scheduled(period)])
      const open = inside(period, on)
      assert.strictEqual(HomeworkBook.canRead(state, ids.inspector, on), open)
      assert.strictEqual(HomeworkBook.canRead(state, ids.inspector, on, own.sessionId), open)
      assert.deepStrictEqual(
        HomeworkBook.readableSessions(state, ids.inspector, on).map((s) => s.sessionId),
        open ? [own.sessionId] : [],
      )
    },
    { fastCheck },
  )

  it.prop(
    "BR-CDT-5 rescheduling moves the inspector's access to the new window, to the day",
    [
      FastCheck.tuple(periodInYear(31), periodInYear(31)).chain(([before, after]) =>
        FastCheck.tuple(
          FastCheck.constant(before),
          FastCheck.constant(after),
          FastCheck.oneof(edgeOf(before), edgeOf(after)),
        ),
      ),
    ],
    ([[before, after, on]]) => {
      const history = [opened, recorded(session(before.from)), scheduled(before)]
      assert.strictEqual(
        HomeworkBook.canRead(fold(HomeworkBook.aggregate, history), ids.inspector, on),
        inside(before, on),
      )
      const { state } = given(HomeworkBook.aggregate, history).when(reschedule(after)).accepted()
      assert.strictEqual(HomeworkBook.canRead(state, ids.inspector, on), inside(after, on))
      assert.strictEqual(HomeworkBook.readableSessions(state, ids.inspector, on).length, inside(after, on) ? 1 : 0)
    },
    { fastCheck },
  )

  it.prop(
    "BR-CDT-5 cancelling ends the inspector's access on every day; a cancelled inspection is neither rescheduled nor scheduled again",
    [periodInYear(31).chain((period) => FastCheck.tuple(FastCheck.constant(period), edgeOf(period), periodInYear(31)))],
    ([[period, on, other]]) => {
      const history = [opened, recorded(session(period.from)), scheduled(period)]
      const { events, state } = given(HomeworkBook.aggregate, history)
        .when({
          _tag: "CancelInspection",
          actor: named.adminA,
          homeworkBookId: bookId,
          inspectionId,
          location: { structureId: HomeworkBookArbitraries.ids.schools[0]! },
        })
        .accepted()
      assert.strictEqual(HomeworkBook.canRead(state, ids.inspector, on), false)
      assert.deepStrictEqual(HomeworkBook.readableSessions(state, ids.inspector, on), [])
      const cancelled = [...history, ...events]
      given(HomeworkBook.aggregate, cancelled)
        .when({
          _tag: "CancelInspection",
          actor: named.adminA,
          homeworkBookId: bookId,
          inspectionId,
          location: { structureId: HomeworkBookArbitraries.ids.schools[0]! },
        })
        .then([])
      given(HomeworkBook.aggregate, cancelled)
        .when(reschedule(other))
        .thenRejects({ ruleId: "BR-CDT-5", reason: "Cancelled" })
      given(HomeworkBook.aggregate, cancelled)
        .when(schedule(period))
        .thenRejects({ ruleId: "BR-CDT-5", reason: "AlreadyExists" })
      given(HomeworkBook.aggregate, [opened])
        .when(reschedule(other))
        .thenRejects({ ruleId: "BR-CDT-5", reason: "NotFound" })
    },
    { fastCheck },
  )
})

// Commands sent again (a retried request, a timetable import run twice) and the state each answer leaves:
// what is already so records nothing, what conflicts with it is refused, and evolve keeps each book's
// lists apart. The expected answers are written out from docs/domain.md ("Homework book"), not computed
// with the aggregate's own comparisons.
import * as HomeworkBook from "@cartable/domain/HomeworkBook"
import { AccountId, GroupId, InspectionId, SessionId, StructureId } from "@cartable/domain/Ids"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import { fold } from "@cartable/kernel/Decider"
import { given } from "@cartable/testing/DeciderSpec"
import * as HomeworkBookArbitraries from "@cartable/testing/HomeworkBookArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"

const { ids, named, opened, recorded, visaPlaced } = HomeworkBookArbitraries
const bookId = ids.books[0]!
const [d0, d1, d2, d3] = [ids.days[0]!, ids.days[1]!, ids.days[2]!, ids.days[3]!]

type Event = HomeworkBook.HomeworkBookEvent
type Scope = HomeworkBook.VisaScope

const scopeArb: FastCheck.Arbitrary<Scope> = HomeworkBookArbitraries.scope
const periodArb = HomeworkBookArbitraries.period

/** Two scopes are the same visa scope when every field is: written out, apart from the code's `sameScope`. */
const sameScope = (a: Scope, b: Scope) => JSON.stringify(a) === JSON.stringify(b)

const placeVisa = (period: SchoolYear.Period, scope: Scope) =>
  ({ _tag: "PlaceVisa", actor: named.directionA, homeworkBookId: bookId, period, scope }) as const

const schedule = (
  inspectionId: InspectionId,
  period: SchoolYear.Period,
  teacherId = ids.teachers[0]!,
  inspectorId = ids.inspector,
) =>
  ({
    _tag: "ScheduleInspection",
    inspectorRoles: [{ _tag: "Inspector" }],
    location: { structureId: HomeworkBookArbitraries.ids.schools[0]! },
    actor: named.adminA,
    homeworkBookId: bookId,
    inspectionId,
    inspectorId,
    teacherId,
    period,
  }) as const

const scheduled = (inspectionId: InspectionId, period: SchoolYear.Period, teacherId = ids.teachers[0]!): Event => ({
  _tag: "InspectionScheduled",
  homeworkBookId: bookId,
  inspectionId,
  inspectorId: ids.inspector,
  teacherId,
  period,
  scheduledBy: named.adminA.accountId,
})

const [insp1, insp2] = [ids.inspections[0]!, ids.inspections[1]!]
const session = (i: number) => ({
  sessionId: ids.sessions[i]!,
  subject: ids.subjects[0]!,
  teacherId: ids.teachers[0]!,
  date: ids.days[i]!,
})

describe("HomeworkBook: commands sent again", () => {
  it.prop(
    "BR-CDT-2 placing a visa of the same period and scope again records nothing; any other visa is recorded",
    [periodArb, scopeArb, periodArb, scopeArb],
    ([firstPeriod, firstScope, period, scope]) => {
      const history = [opened, visaPlaced(firstPeriod, firstScope)]
      const same = firstPeriod.from === period.from && firstPeriod.to === period.to && sameScope(firstScope, scope)
      given(HomeworkBook.aggregate, history)
        .when(placeVisa(period, scope))
        .then(same ? [] : [visaPlaced(period, scope)])
    },
  )

  it("BR-CDT-2 the visa compared is each scope's own subject or teacher", () => {
    const history = [opened, visaPlaced({ from: d0, to: d1 }, { _tag: "Subject", subject: ids.subjects[0]! })]
    const other = { _tag: "Subject", subject: ids.subjects[1]! } as const
    given(HomeworkBook.aggregate, history)
      .when(placeVisa({ from: d0, to: d1 }, other))
      .then([visaPlaced({ from: d0, to: d1 }, other)])
    const byTeacher = [opened, visaPlaced({ from: d0, to: d1 }, { _tag: "Teacher", teacherId: ids.teachers[0]! })]
    const otherTeacher = { _tag: "Teacher", teacherId: ids.teachers[1]! } as const
    given(HomeworkBook.aggregate, byTeacher)
      .when(placeVisa({ from: d0, to: d1 }, otherTeacher))
      .then([visaPlaced({ from: d0, to: d1 }, otherTeacher)])
    given(HomeworkBook.aggregate, byTeacher)
      .when(placeVisa({ from: d0, to: d1 }, { _tag: "Teacher", teacherId: ids.teachers[0]! }))
      .then([])
    given(HomeworkBook.aggregate, history)
      .when(placeVisa({ from: d0, to: d1 }, { _tag: "Subject", subject: ids.subjects[0]! }))
      .then([])
  })

  it.prop(
    "BR-CDT-1 an edit that changes nothing records nothing; one that changes the subject, date, content or homework is recorded",
    [
      FastCheck.record({
        subject: FastCheck.constantFrom(...ids.subjects),
        date: FastCheck.constantFrom(...ids.days),
        content: FastCheck.constantFrom("Théorème de Pythagore", "Thalès"),
        homework: FastCheck.constantFrom("Exercices 4 et 5", ""),
      }),
    ],
    ([next]) => {
      const original = session(0)
      const history = [opened, recorded(original)]
      const edit = {
        _tag: "EditSession",
        actor: named.teacher1,
        homeworkBookId: bookId,
        sessionId: original.sessionId,
        ...next,
      } as const
      // What `recorded` wrote: the pool's subject and day, "Théorème de Pythagore", "Exercices 4 et 5".
      const unchanged =
        next.subject === original.subject &&
        next.date === original.date &&
        next.content === "Théorème de Pythagore" &&
        next.homework === "Exercices 4 et 5"
      given(HomeworkBook.aggregate, history)
        .when(edit)
        .then(
          unchanged
            ? []
            : [
                {
                  _tag: "SessionEdited",
                  homeworkBookId: bookId,
                  sessionId: original.sessionId,
                  teacherId: original.teacherId,
                  ...next,
                },
              ],
        )
    },
  )

  it.prop(
    "BR-CDT-5 scheduling an inspection again records nothing; under its id with another inspector, teacher or window it is refused",
    [
      FastCheck.constantFrom(ids.inspector, ids.teachers[2]!),
      FastCheck.constantFrom(...ids.teachers),
      FastCheck.constantFrom({ from: d0, to: d1 }, { from: d0, to: d2 }, { from: d1, to: d2 }),
    ],
    ([inspectorId, teacherId, period]) => {
      const first = { from: d0, to: d1 }
      const history = [opened, scheduled(insp1, first)]
      const spec = given(HomeworkBook.aggregate, history).when(schedule(insp1, period, teacherId, inspectorId))
      const same =
        inspectorId === ids.inspector &&
        teacherId === ids.teachers[0] &&
        period.from === first.from &&
        period.to === first.to
      if (same) spec.then([])
      else {
        const error = spec.thenRejects({ ruleId: "BR-CDT-5", reason: "AlreadyExists" })
        assert.strictEqual(error.message, "Inspection insp-1 already exists")
      }
    },
  )

  it("BR-CDT-5 a cancelled inspection is not scheduled again under its id, even as it was", () => {
    const history: ReadonlyArray<Event> = [
      opened,
      scheduled(insp1, { from: d0, to: d1 }),
      { _tag: "InspectionCancelled", homeworkBookId: bookId, inspectionId: insp1, cancelledBy: named.adminA.accountId },
    ]
    given(HomeworkBook.aggregate, history)
      .when(schedule(insp1, { from: d0, to: d1 }))
      .thenRejects({ ruleId: "BR-CDT-5", reason: "AlreadyExists" })
    const error = given(HomeworkBook.aggregate, history)
      .when({
        _tag: "RescheduleInspection",
        location: { structureId: HomeworkBookArbitraries.ids.schools[0]! },
        actor: named.adminA,
        homeworkBookId: bookId,
        inspectionId: insp1,
        period: { from: d1, to: d2 },
      })
      .thenRejects({ ruleId: "BR-CDT-5", reason: "Cancelled" })
    assert.strictEqual(error.message, "Inspection insp-1 was cancelled: schedule a new one")
  })

  it("BR-CDT-5 rescheduling and cancelling act on the inspection named, not on another of the book", () => {
    const history: ReadonlyArray<Event> = [
      opened,
      scheduled(insp1, { from: d0, to: d1 }),
      scheduled(insp2, { from: d2, to: d3 }, ids.teachers[1]!),
    ]
    const reschedule = {
      _tag: "RescheduleInspection",
      location: { structureId: HomeworkBookArbitraries.ids.schools[0]! },
      actor: named.adminA,
      homeworkBookId: bookId,
      inspectionId: insp2,
      period: { from: d2, to: d3 },
    } as const
    // insp-2 already has this window: nothing to record (insp-1's differs).
    given(HomeworkBook.aggregate, history).when(reschedule).then([])
    const moved = { from: d1, to: d3 }
    const state = given(HomeworkBook.aggregate, history)
      .when({ ...reschedule, period: moved })
      .then([
        {
          _tag: "InspectionRescheduled",
          homeworkBookId: bookId,
          inspectionId: insp2,
          period: moved,
          rescheduledBy: named.adminA.accountId,
        },
      ])
    assert.ok(state._tag === "HomeworkBook")
    assert.deepStrictEqual(
      state.inspections.map((i) => [i.inspectionId, i.period, i.cancelled]),
      [
        [insp1, { from: d0, to: d1 }, false],
        [insp2, moved, false],
      ],
    )
    const cancel = {
      _tag: "CancelInspection",
      location: { structureId: HomeworkBookArbitraries.ids.schools[0]! },
      actor: named.adminA,
      homeworkBookId: bookId,
      inspectionId: insp2,
    } as const
    const afterCancel = given(HomeworkBook.aggregate, history)
      .when(cancel)
      .then([
        {
          _tag: "InspectionCancelled",
          homeworkBookId: bookId,
          inspectionId: insp2,
          cancelledBy: named.adminA.accountId,
        },
      ])
    assert.ok(afterCancel._tag === "HomeworkBook")
    assert.deepStrictEqual(
      afterCancel.inspections.map((i) => [i.inspectionId, i.cancelled]),
      [
        [insp1, false],
        [insp2, true],
      ],
    )
    const unknown = InspectionId.make("insp-9")
    const error = given(HomeworkBook.aggregate, history)
      .when({ ...cancel, inspectionId: unknown })
      .thenRejects({ ruleId: "BR-CDT-5", reason: "NotFound" })
    assert.strictEqual(error.message, "Inspection insp-9 does not exist")
  })

  it.prop(
    "BR-CDT-1 opening an open book again records nothing; for another school, group or year it is refused",
    [
      FastCheck.constantFrom(...ids.schools),
      FastCheck.constantFrom(...ids.groups),
      FastCheck.constantFrom(ids.schoolYear, ids.otherSchoolYear),
    ],
    ([structureId, groupId, schoolYear]) => {
      const spec = given(HomeworkBook.aggregate, [opened]).when({
        _tag: "OpenHomeworkBook",
        actor: named.timetable,
        homeworkBookId: bookId,
        structureId,
        groupId,
        schoolYear,
      })
      if (structureId === "school-a" && groupId === "school-a$6A" && schoolYear === "2025-2026") spec.then([])
      else {
        const error = spec.thenRejects({ ruleId: "BR-CDT-1", reason: "AlreadyExists" })
        assert.strictEqual(error.message, "Homework book cdt-6A-2025 is open for another group or year")
      }
    },
  )
})

describe("HomeworkBook: evolve", () => {
  it("an opened book starts with no session, deleted id, visa or inspection, not archived, and a second opening changes nothing", () => {
    const expected: HomeworkBook.HomeworkBookState = {
      _tag: "HomeworkBook",
      homeworkBookId: bookId,
      structureId: StructureId.make("school-a"),
      groupId: GroupId.make("school-a$6A"),
      schoolYear: SchoolYear.starting(2025),
      sessions: [],
      deletedSessionIds: [],
      visas: [],
      inspections: [],
      archived: false,
    }
    assert.deepStrictEqual(fold(HomeworkBook.aggregate, [opened]), expected)
    const again: Event = { ...opened, groupId: GroupId.make("school-a$5B"), schoolYear: ids.otherSchoolYear }
    assert.deepStrictEqual(fold(HomeworkBook.aggregate, [opened, again]), expected)
  })

  it("BR-CDT-1 every deleted session's id stays taken, the first as well as the last", () => {
    const history: ReadonlyArray<Event> = [
      opened,
      recorded(session(0)),
      recorded(session(1)),
      {
        _tag: "SessionDeleted",
        homeworkBookId: bookId,
        sessionId: ids.sessions[0]!,
        deletedBy: AccountId.make("teacher-1"),
      },
      {
        _tag: "SessionDeleted",
        homeworkBookId: bookId,
        sessionId: ids.sessions[1]!,
        deletedBy: AccountId.make("teacher-1"),
      },
    ]
    const state = fold(HomeworkBook.aggregate, history)
    assert.ok(state._tag === "HomeworkBook")
    assert.deepStrictEqual(state.deletedSessionIds, [SessionId.make("s1"), SessionId.make("s2")])
    assert.deepStrictEqual(state.sessions, [])
    for (const i of [0, 1]) {
      const decision = HomeworkBook.decide(
        {
          _tag: "RecordSession",
          actor: named.teacher1,
          homeworkBookId: bookId,
          ...session(i),
          content: "",
          homework: "",
        },
        state,
      )
      assert.ok(Either.isLeft(decision))
      assert.strictEqual(decision.left.message, `Session s${i + 1} already exists`)
    }
  })
})

describe("HomeworkBook: an edit of the homework alone", () => {
  it("BR-CDT-1 is recorded: the homework is part of the session", () => {
    const original = session(0)
    given(HomeworkBook.aggregate, [opened, recorded(original)])
      .when({
        _tag: "EditSession",
        actor: named.teacher1,
        homeworkBookId: bookId,
        sessionId: original.sessionId,
        subject: original.subject,
        date: original.date,
        content: "Théorème de Pythagore",
        homework: "Exercice 6",
      })
      .then([
        {
          _tag: "SessionEdited",
          homeworkBookId: bookId,
          sessionId: original.sessionId,
          subject: original.subject,
          teacherId: original.teacherId,
          date: original.date,
          content: "Théorème de Pythagore",
          homework: "Exercice 6",
        },
      ])
  })
})

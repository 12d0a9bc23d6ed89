/**
 * The domain's part of the start-of-year rollover (BR-GRP-4): a school opens
 * its years in order, and a class's homework book archived with its class
 * takes no session change any more. Oracles from DOMAIN.md: class sections go
 * at the end of the year, teaching sections persist; a year runs from
 * 1 September to 31 August.
 */
import type * as Actor from "@cartable/domain/Actor"
import * as HomeworkBook from "@cartable/domain/HomeworkBook"
import type { SessionId } from "@cartable/domain/Ids"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import * as Structure from "@cartable/domain/Structure"
import { given, run } from "@cartable/testing/DeciderSpec"
import * as HomeworkBookArbitraries from "@cartable/testing/HomeworkBookArbitraries"
import * as StructureArbitraries from "@cartable/testing/StructureArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"

const { actors, setup } = StructureArbitraries
const schoolA = StructureArbitraries.ids.schools[0]!
const setupEvents = run(
  Structure.aggregate,
  setup.filter((c) => c.structureId === schoolA),
).events

/** A year operation, by its first calendar year (2027 is 2027-2028). */
type YearStep = { readonly _tag: "Open" | "Close"; readonly start: number }
const yearStep: FastCheck.Arbitrary<YearStep> = FastCheck.record({
  _tag: FastCheck.constantFrom("Open" as const, "Close" as const),
  start: FastCheck.integer({ min: 2024, max: 2029 }),
})

const commandOf = (step: YearStep, actor: Actor.Actor = actors.feed): Structure.StructureCommand => ({
  _tag: step._tag === "Open" ? "OpenSchoolYear" : "CloseSchoolYear",
  actor,
  structureId: schoolA,
  schoolYear: SchoolYear.starting(step.start),
})

describe("Structure: school years open in order", () => {
  it.prop(
    "BR-GRP-4 a school year opens once, only the year after the last one opened or closed, never a closed one",
    [FastCheck.array(yearStep, { maxLength: 12 }), FastCheck.constantFrom(actors.feed, actors.adminA, actors.erun)],
    ([steps, actor]) => {
      // The oracle: years as numbers; the last is the latest opened or closed.
      let current: number | undefined
      const closed = new Set<number>()
      let events = setupEvents
      for (const step of steps) {
        const decision = given(Structure.aggregate, events).when(commandOf(step, actor))
        if (step._tag === "Close") {
          assert.ok(Either.isRight(decision.decision))
          closed.add(step.start)
        } else {
          const last = Math.max(...closed, current ?? Number.NEGATIVE_INFINITY)
          if (current === step.start) decision.then([])
          else if (closed.has(step.start)) decision.thenRejects({ ruleId: "BR-GRP-4", reason: "Closed" })
          else if (Number.isFinite(last) && step.start !== last + 1) {
            decision.thenRejects({ ruleId: "BR-GRP-4", reason: "InvalidState" })
          } else {
            decision.then([
              { _tag: "SchoolYearOpened", structureId: schoolA, schoolYear: SchoolYear.starting(step.start) },
            ])
            current = step.start
          }
        }
        if (Either.isRight(decision.decision)) events = [...events, ...decision.decision.right]
      }
      const state = given(Structure.aggregate, events).when(commandOf({ _tag: "Open", start: 2024 })).state
      assert.ok(state._tag === "Structure")
      assert.strictEqual(state.currentYear, current === undefined ? undefined : SchoolYear.starting(current))
    },
  )

  it.prop(
    "BR-GRP-4 only the feed or an administrator whose scope covers the school opens a school year",
    [FastCheck.constantFrom(actors.adminB, actors.head, actors.stranger)],
    ([actor]) => {
      given(Structure.aggregate, setupEvents)
        .when(commandOf({ _tag: "Open", start: 2026 }, actor))
        .thenRejects({ ruleId: "BR-GRP-4", reason: "NotAuthorized" })
    },
  )
})

const { ids, named } = HomeworkBookArbitraries
const yearOfBooks = ids.schoolYear
const { from: firstDay, to: lastDay } = SchoolYear.period(yearOfBooks)
const bookId = ids.books[0]!
const opened: HomeworkBook.HomeworkBookEvent = {
  _tag: "HomeworkBookOpened",
  homeworkBookId: bookId,
  structureId: ids.schools[0]!,
  groupId: ids.groups[0]!,
  schoolYear: yearOfBooks,
  openedBy: named.timetable.accountId,
}
const recorded = (sessionId: SessionId, date: SchoolYear.LocalDate): HomeworkBook.HomeworkBookEvent => ({
  _tag: "SessionRecorded",
  homeworkBookId: bookId,
  sessionId,
  subject: ids.subjects[0]!,
  teacherId: named.teacher1.accountId,
  date,
  content: "Les fractions",
  homework: "",
  recordedBy: named.teacher1.accountId,
})
const archived: HomeworkBook.HomeworkBookEvent = {
  _tag: "HomeworkBookArchived",
  homeworkBookId: bookId,
  archivedBy: named.timetable.accountId,
}

/** A day of the book's year, its first and last days (1 September, 31 August) one draw in three. */
const dayOfYear = FastCheck.oneof(
  FastCheck.constantFrom(firstDay, lastDay),
  SchoolYear.arbitraryDateIn(yearOfBooks)(FastCheck),
)

describe("HomeworkBook: a class's book archived with its class", () => {
  it.prop(
    "BR-GRP-4 an archived book takes no new, edited or deleted session on any day of its year, 1 September and 31 August included; an unarchived one does",
    [dayOfYear, FastCheck.constantFrom(named.timetable, named.teacher1, named.teacher2)],
    ([date, actor]) => {
      const sessionId = ids.sessions[0]!
      const newSession = ids.sessions[1]!
      const record: HomeworkBook.HomeworkBookCommand = {
        _tag: "RecordSession",
        actor,
        homeworkBookId: bookId,
        sessionId: newSession,
        subject: ids.subjects[0]!,
        teacherId: actor === named.timetable ? named.teacher1.accountId : actor.accountId,
        date,
        content: "Révisions",
        homework: "",
      }
      const edit: HomeworkBook.HomeworkBookCommand = {
        _tag: "EditSession",
        actor: named.teacher1,
        homeworkBookId: bookId,
        sessionId,
        subject: ids.subjects[1]!,
        date,
        content: "Corrigé",
        homework: "",
      }
      const remove: HomeworkBook.HomeworkBookCommand = {
        _tag: "DeleteSession",
        actor: named.teacher1,
        homeworkBookId: bookId,
        sessionId,
        locations: undefined,
      }
      const history = [opened, recorded(sessionId, date)]
      for (const command of [record, edit, remove]) {
        given(HomeworkBook.aggregate, [...history, archived])
          .when(command)
          .thenRejects({
            ruleId: "BR-GRP-4",
            reason: "Archived",
          })
        given(HomeworkBook.aggregate, history).when(command).accepted()
      }
    },
  )

  it.prop(
    "BR-GRP-4 an archived book stays readable and keeps its sessions; the year still ends on 31 August for an unarchived one",
    [dayOfYear],
    ([date]) => {
      const sessionId = ids.sessions[0]!
      const state = given(HomeworkBook.aggregate, [opened, recorded(sessionId, date), archived]).when({
        _tag: "ArchiveHomeworkBook",
        actor: named.timetable,
        homeworkBookId: bookId,
      })
      // Archiving twice records nothing; the session stays as it was written.
      assert.deepStrictEqual(state.decision, Either.right([]))
      assert.ok(state.state._tag === "HomeworkBook" && state.state.archived)
      assert.deepStrictEqual(
        state.state.sessions.map((s) => [s.sessionId, s.date]),
        [[sessionId, date]],
      )
      // 1 September of the next year belongs to the next year's book, archived or not.
      const nextYearDay = SchoolYear.period(ids.otherSchoolYear).from
      given(HomeworkBook.aggregate, [opened])
        .when({
          _tag: "RecordSession",
          actor: named.timetable,
          homeworkBookId: bookId,
          sessionId: ids.sessions[2]!,
          subject: ids.subjects[0]!,
          teacherId: named.teacher1.accountId,
          date: nextYearDay,
          content: "",
          homework: "",
        })
        .thenRejects({ ruleId: "BR-CDT-1", reason: "OutsideSchoolYear" })
    },
  )

  it.prop(
    "BR-GRP-4 only the rollover (a system process) archives a book, once",
    [FastCheck.constantFrom(...HomeworkBookArbitraries.actors)],
    ([actor]) => {
      const decision = given(HomeworkBook.aggregate, [opened]).when({
        _tag: "ArchiveHomeworkBook",
        actor,
        homeworkBookId: bookId,
      })
      if (actor === named.timetable) {
        decision.then([{ _tag: "HomeworkBookArchived", homeworkBookId: bookId, archivedBy: actor.accountId }])
      } else decision.thenRejects({ ruleId: "BR-GRP-4", reason: "NotAuthorized" })
    },
  )
})

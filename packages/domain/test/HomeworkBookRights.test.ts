/**
 * Who may do what in a homework book, over random actors of every role kind
 * with right and wrong scopes. The oracle is written from DOMAIN.md and the
 * decisions of docs/domain.md, without the predicates of Actor.ts.
 */
import type * as Actor from "@cartable/domain/Actor"
import * as HomeworkBook from "@cartable/domain/HomeworkBook"
import { InspectionId, SessionId, StructureId } from "@cartable/domain/Ids"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import { fold } from "@cartable/kernel/Decider"
import { given } from "@cartable/testing/DeciderSpec"
import * as HomeworkBookArbitraries from "@cartable/testing/HomeworkBookArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"

const { ids, named, opened, recorded, visaPlaced, anyActor, anyRole, accounts } = HomeworkBookArbitraries
const bookId = ids.books[0]!
const school = ids.schools[0]!
const group = ids.groups[0]!
const fastCheck = { numRuns: 400 }

type Role = Actor.Role
const has = (actor: Actor.Actor, test: (role: Role) => boolean) => actor.roles.some(test)
/** An automated process of the platform (the timetable import). */
const isSystem = (actor: Actor.Actor) => has(actor, (role) => role._tag === "System")
/** Member of "Chef d'établissement" of the book's school (BR-GRP-3). */
const isDirection = (actor: Actor.Actor) =>
  has(actor, (role) => role._tag === "Direction" && role.structureId === school)
/** Teacher of the book's class in the book's school (BR-GRP-1). */
const teachesGroup = (actor: Actor.Actor) =>
  has(actor, (role) => role._tag === "Teacher" && role.structureId === school && role.groupIds.includes(group))
/** The school's own ENT administrator, or the platform vendor's (decision: the book knows no district). */
const administersSchool = (actor: Actor.Actor) =>
  has(
    actor,
    (role) =>
      role._tag === "Administrator" &&
      (role.level === "Platform" || (role.level === "School" && role.scopeId === school)),
  )
const isAdministrator = (actor: Actor.Actor) => has(actor, (role) => role._tag === "Administrator")

/** An actor, and a teacher id that is now his, now any account's. */
const actorAndTeacher = anyActor.chain((actor) =>
  FastCheck.tuple(
    FastCheck.constant(actor),
    FastCheck.oneof(FastCheck.constant(actor.accountId), FastCheck.constantFrom(...accounts)),
  ),
)

const dateInYear = FastCheck.integer({ min: 0, max: 364 }).map((offset) =>
  HomeworkBookArbitraries.shift(SchoolYear.period(ids.schoolYear).from, offset),
)
const subject = FastCheck.constantFrom(...ids.subjects)
const periodInYear = HomeworkBookArbitraries.anyPeriod(31).filter(
  (period) => period.to <= SchoolYear.period(ids.schoolYear).to,
)

const sessionOf = (teacherId: Actor.Actor["accountId"], date: SchoolYear.LocalDate, code = ids.subjects[0]!) => ({
  sessionId: ids.sessions[0]!,
  subject: code,
  teacherId,
  date,
})

describe("HomeworkBook rights", () => {
  it.prop(
    "BR-CDT-1 the timetable import, the direction or an administrator of the school opens its homework book",
    [anyActor],
    ([actor]) => {
      const command: HomeworkBook.HomeworkBookCommand = {
        _tag: "OpenHomeworkBook",
        actor,
        homeworkBookId: bookId,
        structureId: school,
        groupId: group,
        schoolYear: ids.schoolYear,
      }
      const allowed = isSystem(actor) || isDirection(actor) || administersSchool(actor)
      const opening = given(HomeworkBook.aggregate, []).when(command)
      const again = given(HomeworkBook.aggregate, [opened]).when(command)
      if (allowed) {
        opening.then([{ ...opened, openedBy: actor.accountId }])
        again.then([])
      } else {
        opening.thenRejects({ ruleId: "BR-CDT-1", reason: "NotAuthorized" })
        again.thenRejects({ ruleId: "BR-CDT-1", reason: "NotAuthorized" })
      }
    },
    { fastCheck },
  )

  it.prop(
    "BR-CDT-1 a teacher of the class records his own sessions; the timetable import records anyone's",
    [actorAndTeacher, dateInYear, subject],
    ([[actor, teacherId], date, code]) => {
      const session = sessionOf(teacherId, date, code)
      const spec = given(HomeworkBook.aggregate, [opened]).when({
        _tag: "RecordSession",
        actor,
        homeworkBookId: bookId,
        ...session,
        content: "Lecture : chapitre 3",
        homework: "",
      })
      if (isSystem(actor) || (actor.accountId === teacherId && teachesGroup(actor))) {
        spec.then([
          {
            _tag: "SessionRecorded",
            homeworkBookId: bookId,
            ...session,
            content: "Lecture : chapitre 3",
            homework: "",
            recordedBy: actor.accountId,
          },
        ])
      } else spec.thenRejects({ ruleId: "BR-CDT-1", reason: "NotAuthorized" })
    },
    { fastCheck },
  )

  it.prop(
    "BR-CDT-1 only the session's teacher, still teaching the class, edits it: not direction, not administrators",
    [actorAndTeacher, dateInYear, dateInYear],
    ([[actor, teacherId], date, moved]) => {
      const session = sessionOf(teacherId, date)
      const history = [opened, recorded(session)]
      const author = actor.accountId === teacherId && teachesGroup(actor)
      assert.strictEqual(HomeworkBook.canWrite(fold(HomeworkBook.aggregate, history), actor, session.sessionId), author)
      const spec = given(HomeworkBook.aggregate, history).when({
        _tag: "EditSession",
        actor,
        homeworkBookId: bookId,
        sessionId: session.sessionId,
        subject: ids.subjects[1]!,
        date: moved,
        content: "Corrigé du contrôle",
        homework: "Relire le cours",
      })
      if (author) {
        spec.then([
          {
            _tag: "SessionEdited",
            homeworkBookId: bookId,
            sessionId: session.sessionId,
            teacherId,
            subject: ids.subjects[1]!,
            date: moved,
            content: "Corrigé du contrôle",
            homework: "Relire le cours",
          },
        ])
      } else spec.thenRejects({ ruleId: "BR-CDT-1", reason: "NotAuthorized" })
    },
    { fastCheck },
  )

  it.prop(
    "BR-CDT-1 (decision) the session's teacher or an administrator of the school deletes an unfrozen session; one of another school is refused",
    [actorAndTeacher, dateInYear, FastCheck.constantFrom(ids.schools[1]!, StructureId.make("district-31"))],
    ([[actor, teacherId], date, elsewhere]) => {
      const session = sessionOf(teacherId, date)
      const history = [opened, recorded(session)]
      const remove = (who: Actor.Actor) =>
        given(HomeworkBook.aggregate, history).when({
          _tag: "DeleteSession",
          actor: who,
          homeworkBookId: bookId,
          sessionId: session.sessionId,
        })
      const author = actor.accountId === teacherId && teachesGroup(actor)
      if (author || administersSchool(actor)) {
        remove(actor).then([
          { _tag: "SessionDeleted", homeworkBookId: bookId, sessionId: session.sessionId, deletedBy: actor.accountId },
        ])
      } else remove(actor).thenRejects({ ruleId: "BR-CDT-1", reason: "NotAuthorized" })
      for (const level of ["School", "District", "Department", "Academy"] as const) {
        remove({
          accountId: actor.accountId,
          roles: [{ _tag: "Administrator", level, scopeId: elsewhere }],
        }).thenRejects({
          ruleId: "BR-CDT-1",
          reason: "NotAuthorized",
        })
      }
    },
    { fastCheck },
  )

  it.prop(
    "BR-CDT-2 only the direction of the book's school places a visa",
    [anyActor, periodInYear, HomeworkBookArbitraries.scope],
    ([actor, period, scope]) => {
      const spec = given(HomeworkBook.aggregate, [opened]).when({
        _tag: "PlaceVisa",
        actor,
        homeworkBookId: bookId,
        period,
        scope,
      })
      if (isDirection(actor)) {
        spec.then([{ _tag: "VisaPlaced", homeworkBookId: bookId, period, scope, placedBy: actor.accountId }])
      } else spec.thenRejects({ ruleId: "BR-CDT-2", reason: "NotAuthorized" })
    },
    { fastCheck },
  )

  it.prop(
    "BR-CDT-5 only an administrator of the school schedules, reschedules and cancels an inspection",
    [anyActor, periodInYear, periodInYear, FastCheck.constantFrom(...accounts)],
    ([actor, period, moved, teacherId]) => {
      const inspectionId = InspectionId.make("insp-rights")
      const scheduled: typeof HomeworkBook.InspectionScheduled.Type = {
        _tag: "InspectionScheduled",
        homeworkBookId: bookId,
        inspectionId,
        inspectorId: ids.inspector,
        teacherId,
        period,
        scheduledBy: named.adminA.accountId,
      }
      const allowed = administersSchool(actor)
      const scheduling = given(HomeworkBook.aggregate, [opened]).when({
        _tag: "ScheduleInspection",
        inspectorRoles: [{ _tag: "Inspector" }],
        location: { structureId: HomeworkBookArbitraries.ids.schools[0]! },
        actor,
        homeworkBookId: bookId,
        inspectionId,
        inspectorId: ids.inspector,
        teacherId,
        period,
      })
      const rescheduling = given(HomeworkBook.aggregate, [opened, scheduled]).when({
        _tag: "RescheduleInspection",
        location: { structureId: HomeworkBookArbitraries.ids.schools[0]! },
        actor,
        homeworkBookId: bookId,
        inspectionId,
        period: moved,
      })
      const cancelling = given(HomeworkBook.aggregate, [opened, scheduled]).when({
        _tag: "CancelInspection",
        location: { structureId: HomeworkBookArbitraries.ids.schools[0]! },
        actor,
        homeworkBookId: bookId,
        inspectionId,
      })
      if (allowed) {
        scheduling.then([{ ...scheduled, scheduledBy: actor.accountId }])
        const same = moved.from === period.from && moved.to === period.to
        rescheduling.then(
          same
            ? []
            : [
                {
                  _tag: "InspectionRescheduled",
                  homeworkBookId: bookId,
                  inspectionId,
                  period: moved,
                  rescheduledBy: actor.accountId,
                },
              ],
        )
        cancelling.then([
          { _tag: "InspectionCancelled", homeworkBookId: bookId, inspectionId, cancelledBy: actor.accountId },
        ])
      } else {
        for (const spec of [scheduling, rescheduling, cancelling]) {
          spec.thenRejects({ ruleId: "BR-CDT-5", reason: "NotAuthorized" })
        }
      }
    },
    { fastCheck },
  )

  it.prop(
    "BR-CDT-4 an administrator of any level and scope cannot unlock a frozen session: editing or deleting it is refused",
    [
      anyActor,
      anyRole.filter((role) => role._tag === "Administrator"),
      dateInYear,
      FastCheck.constantFrom(...ids.teachers),
    ],
    ([actor, adminRole, date, teacherId]) => {
      const session = sessionOf(teacherId, date)
      const history = [opened, recorded(session), visaPlaced({ from: date, to: date }, { _tag: "AllSessions" })]
      const state = fold(HomeworkBook.aggregate, history)
      const author: Actor.Actor = {
        accountId: teacherId,
        roles: [{ _tag: "Teacher", structureId: school, groupIds: [group] }],
      }
      for (const who of [actor, { ...actor, roles: [...actor.roles, adminRole] }, author]) {
        const ruleId = isAdministrator(who) ? "BR-CDT-4" : "BR-CDT-3"
        assert.strictEqual(HomeworkBook.canWrite(state, who, session.sessionId), false)
        given(HomeworkBook.aggregate, history)
          .when({
            _tag: "EditSession",
            actor: who,
            homeworkBookId: bookId,
            sessionId: session.sessionId,
            subject: session.subject,
            date,
            content: "",
            homework: "",
          })
          .thenRejects({ ruleId, reason: "Frozen" })
        given(HomeworkBook.aggregate, history)
          .when({ _tag: "DeleteSession", actor: who, homeworkBookId: bookId, sessionId: session.sessionId })
          .thenRejects({ ruleId, reason: "Frozen" })
      }
      const later = { ...session, sessionId: SessionId.make("later") }
      given(HomeworkBook.aggregate, history)
        .when({ _tag: "RecordSession", actor: author, homeworkBookId: bookId, ...later, content: "", homework: "" })
        .thenRejects({ ruleId: "BR-CDT-3", reason: "Frozen" })
    },
    { fastCheck },
  )
})

import type * as Actor from "@cartable/domain/Actor"
import * as HomeworkBook from "@cartable/domain/HomeworkBook"
import { SessionId } from "@cartable/domain/Ids"
import type * as SchoolYear from "@cartable/domain/SchoolYear"
import { fold } from "@cartable/kernel/Decider"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as DeciderLaws from "@cartable/testing/DeciderLaws"
import { given, run } from "@cartable/testing/DeciderSpec"
import * as HomeworkBookArbitraries from "@cartable/testing/HomeworkBookArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

const { ids, named, actors, opened, recorded } = HomeworkBookArbitraries
const bookId = ids.books[0]!
const school = ids.schools[0]!
const group = ids.groups[0]!
const inspector = named.inspector

type Event = HomeworkBook.HomeworkBookEvent
type Command = HomeworkBook.HomeworkBookCommand

/** A session as drawn for a test: who teaches it, in which subject, on which day. */
interface Drawn {
  readonly sessionId: SessionId
  readonly subject: HomeworkBook.Session["subject"]
  readonly teacherId: HomeworkBook.Session["teacherId"]
  readonly date: SchoolYear.LocalDate
}

/** Up to five sessions of the pool's subjects and teachers, on the pool's days. */
const sessionsArb: FastCheck.Arbitrary<ReadonlyArray<Drawn>> = FastCheck.array(
  FastCheck.record({
    subject: FastCheck.constantFrom(...ids.subjects),
    teacherId: FastCheck.constantFrom(...ids.teachers),
    date: FastCheck.constantFrom(...ids.days),
  }),
  { minLength: 1, maxLength: ids.sessions.length },
).map((drawn) => drawn.map((session, i) => ({ ...session, sessionId: ids.sessions[i]! })))

const actorArb = FastCheck.constantFrom(...actors)
const visaOf = HomeworkBookArbitraries.visaPlaced
/** Written out here, apart from the code's own `visaCovers`, so a wrong rule there is caught. */
const expectedFrozen = (session: Drawn, period: SchoolYear.Period, scope: HomeworkBook.VisaScope) =>
  period.from <= session.date &&
  session.date <= period.to &&
  (scope._tag === "AllSessions" ||
    (scope._tag === "Subject" && scope.subject === session.subject) ||
    (scope._tag === "Teacher" && scope.teacherId === session.teacherId))

/** Teachers of 6A in the pool: teacher-1 and teacher-2; teacher-3 teaches 5B only. */
const teachesSixA = (actor: Actor.Actor) => actor === named.teacher1 || actor === named.teacher2

const edit = (actor: Actor.Actor, session: Drawn, overrides: Partial<Drawn> = {}): Command => ({
  _tag: "EditSession",
  actor,
  homeworkBookId: bookId,
  sessionId: session.sessionId,
  subject: overrides.subject ?? session.subject,
  date: overrides.date ?? session.date,
  content: "Corrigé du contrôle",
  homework: "",
})

const remove = (actor: Actor.Actor, session: Drawn): Command => ({
  _tag: "DeleteSession",
  actor,
  homeworkBookId: bookId,
  sessionId: session.sessionId,
})

const record = (actor: Actor.Actor, session: Drawn): Command => ({
  _tag: "RecordSession",
  actor,
  homeworkBookId: bookId,
  ...session,
  content: "Lecture : chapitre 3",
  homework: "",
})

DeciderLaws.suite(HomeworkBook.aggregate, { commands: HomeworkBookArbitraries.commands })

describe("HomeworkBook rules", () => {
  it.prop(
    "BR-CDT-1 a teacher of the group records his own sessions, dated in the school year; the timetable import any",
    [
      actorArb,
      FastCheck.constantFrom(...ids.teachers),
      HomeworkBookArbitraries.date,
      FastCheck.constantFrom(...ids.subjects),
    ],
    ([actor, teacherId, date, subject]) => {
      const session = { sessionId: ids.sessions[0]!, subject, teacherId, date }
      const spec = given(HomeworkBook.aggregate, [opened]).when(record(actor, session))
      const allowed = actor === named.timetable || (teachesSixA(actor) && actor.accountId === teacherId)
      if (!allowed) spec.thenRejects({ ruleId: "BR-CDT-1", reason: "NotAuthorized" })
      else if (ids.outsideDays.includes(date)) spec.thenRejects({ ruleId: "BR-CDT-1", reason: "OutsideSchoolYear" })
      else {
        const { state } = spec.accepted()
        assert.ok(state._tag === "HomeworkBook")
        assert.deepStrictEqual(state.sessions, [
          { ...session, content: "Lecture : chapitre 3", homework: "" } satisfies HomeworkBook.Session,
        ])
        given(HomeworkBook.aggregate, [opened, recorded(session)])
          .when(record(actor, session))
          .thenRejects({ ruleId: "BR-CDT-1", reason: "AlreadyExists" })
      }
    },
  )

  it.prop(
    "BR-CDT-1 only the session's teacher, still teaching the group, edits it; direction does not; admins delete",
    [actorArb, sessionsArb],
    ([actor, sessions]) => {
      const session = sessions[0]!
      const history = [opened, recorded(session)]
      const author = actor.accountId === session.teacherId && teachesSixA(actor)
      const editing = given(HomeworkBook.aggregate, history).when(edit(actor, session))
      assert.strictEqual(HomeworkBook.canWrite(editing.state, actor, session.sessionId), author)
      if (author) {
        editing.then([
          {
            _tag: "SessionEdited",
            homeworkBookId: bookId,
            sessionId: session.sessionId,
            teacherId: session.teacherId,
            subject: session.subject,
            date: session.date,
            content: "Corrigé du contrôle",
            homework: "",
          },
        ])
      } else editing.thenRejects({ ruleId: "BR-CDT-1", reason: "NotAuthorized" })
      const deleting = given(HomeworkBook.aggregate, history).when(remove(actor, session))
      if (author || actor === named.adminA || actor === named.vendor) {
        const { state } = deleting.accepted()
        assert.ok(state._tag === "HomeworkBook" && state.sessions.length === 0)
        given(HomeworkBook.aggregate, [...history, ...deleting.accepted().events])
          .when(record(named.timetable, session))
          .thenRejects({ ruleId: "BR-CDT-1", reason: "AlreadyExists" })
      } else deleting.thenRejects({ ruleId: "BR-CDT-1", reason: "NotAuthorized" })
      assert.deepStrictEqual(PersonalData.personalFields(HomeworkBook.SessionRecorded), {
        subjectField: "teacherId",
        fields: ["content", "homework"],
      })
      assert.deepStrictEqual(PersonalData.personalFields(HomeworkBook.SessionEdited), {
        subjectField: "teacherId",
        fields: ["content", "homework"],
      })
    },
  )

  it.prop(
    "BR-CDT-2 only the school's direction places a visa, on all sessions, one subject or one teacher",
    [actorArb, sessionsArb, HomeworkBookArbitraries.period, HomeworkBookArbitraries.scope],
    ([actor, sessions, period, scope]) => {
      const spec = given(HomeworkBook.aggregate, [opened, ...sessions.map(recorded)]).when({
        _tag: "PlaceVisa",
        actor,
        homeworkBookId: bookId,
        period,
        scope,
      })
      if (actor !== named.directionA) {
        spec.thenRejects({ ruleId: "BR-CDT-2", reason: "NotAuthorized" })
        return
      }
      const { state } = spec.accepted()
      assert.deepStrictEqual(
        HomeworkBook.frozenSessions(state).map((s) => s.sessionId),
        sessions.filter((s) => expectedFrozen(s, period, scope)).map((s) => s.sessionId),
      )
      given(HomeworkBook.aggregate, [opened])
        .when({
          _tag: "PlaceVisa",
          actor,
          homeworkBookId: bookId,
          period: { from: period.from, to: ids.outsideDays[1]! },
          scope,
        })
        .thenRejects({ ruleId: "BR-CDT-2", reason: "OutsideSchoolYear" })
    },
  )

  it.prop(
    "BR-CDT-3 a visa freezes what it covers: no edit, no delete, no new session there, by anyone",
    [actorArb, sessionsArb, HomeworkBookArbitraries.period, HomeworkBookArbitraries.scope],
    ([actor, sessions, period, scope]) => {
      const history = [opened, ...sessions.map(recorded), visaOf(period, scope)]
      const state = fold(HomeworkBook.aggregate, history)
      for (const session of sessions) {
        const frozen = expectedFrozen(session, period, scope)
        assert.strictEqual(HomeworkBook.isFrozen(state, session.sessionId), frozen)
        const author: Actor.Actor = {
          accountId: session.teacherId,
          roles: [{ _tag: "Teacher", structureId: school, groupIds: [group] }],
        }
        for (const who of [actor, author]) {
          for (const command of [edit(who, session), remove(who, session)]) {
            const spec = given(HomeworkBook.aggregate, history).when(command)
            if (frozen) {
              spec.thenRejects({ reason: "Frozen" })
              assert.strictEqual(HomeworkBook.canWrite(state, who, session.sessionId), false)
            } else if (who === author) spec.accepted()
          }
        }
        if (!frozen) {
          const moved = { ...session, date: period.from }
          const moving = given(HomeworkBook.aggregate, history).when(edit(author, session, moved))
          if (expectedFrozen(moved, period, scope)) moving.thenRejects({ ruleId: "BR-CDT-3", reason: "Frozen" })
          else moving.accepted()
        }
        const later = { ...session, sessionId: SessionId.make("later") }
        const recording = given(HomeworkBook.aggregate, history).when(record(author, later))
        if (frozen) recording.thenRejects({ ruleId: "BR-CDT-3", reason: "Frozen" })
        else recording.accepted()
      }
    },
  )

  it.prop(
    "BR-CDT-3 no sequence of commands changes or removes a session once frozen",
    [HomeworkBookArbitraries.bookCommands],
    ([commands]) => {
      for (const step of run(HomeworkBook.aggregate, commands).steps) {
        if (Either.isLeft(step.decision)) continue
        const after = fold(HomeworkBook.aggregate, step.decision.right, step.before)
        assert.ok(after._tag === "HomeworkBook" || step.before._tag === "Absent")
        for (const session of HomeworkBook.frozenSessions(step.before)) {
          assert.deepStrictEqual(
            after._tag === "HomeworkBook" ? after.sessions.find((s) => s.sessionId === session.sessionId) : undefined,
            session,
          )
        }
      }
    },
  )

  it("BR-CDT-4 no command lifts a visa or unlocks a session", () => {
    for (const tag of Object.keys(HomeworkBook.commands)) {
      assert.notMatch(tag, /unlock|unfreeze|lift|withdraw|cancelvisa|removevisa/i)
    }
  })

  it.prop("BR-CDT-4 no command of anyone removes a visa", [HomeworkBookArbitraries.bookCommands], ([commands]) => {
    let visas: ReadonlyArray<HomeworkBook.Visa> = []
    for (const step of run(HomeworkBook.aggregate, commands).steps) {
      if (step.before._tag === "HomeworkBook") {
        assert.deepStrictEqual(step.before.visas.slice(0, visas.length), visas)
        visas = step.before.visas
      }
    }
  })

  it.prop(
    "BR-CDT-5 an inspector reads the inspected teacher's sessions only, and never writes",
    [sessionsArb, HomeworkBookArbitraries.window, FastCheck.constantFrom(...ids.teachers)],
    ([sessions, period, teacherId]) => {
      const history = [opened, ...sessions.map(recorded)]
      const { state, events } = given(HomeworkBook.aggregate, history)
        .when({
          _tag: "ScheduleInspection",
          inspectorRoles: [{ _tag: "Inspector" }],
          location: { structureId: HomeworkBookArbitraries.ids.schools[0]! },
          actor: named.adminA,
          homeworkBookId: bookId,
          inspectionId: ids.inspections[0]!,
          inspectorId: inspector.accountId,
          teacherId,
          period,
        })
        .accepted()
      const on = period.from
      assert.strictEqual(HomeworkBook.canRead(state, inspector.accountId, on), true)
      assert.strictEqual(HomeworkBook.canRead(state, named.stranger.accountId, on), false)
      for (const session of sessions) {
        assert.strictEqual(
          HomeworkBook.canRead(state, inspector.accountId, on, session.sessionId),
          session.teacherId === teacherId,
        )
        assert.strictEqual(HomeworkBook.canWrite(state, inspector, session.sessionId), false)
        for (const command of [edit(inspector, session), remove(inspector, session)]) {
          given(HomeworkBook.aggregate, [...history, ...events])
            .when(command)
            .thenRejects({ reason: "NotAuthorized" })
        }
      }
      assert.deepStrictEqual(
        HomeworkBook.readableSessions(state, inspector.accountId, on).map((s) => s.sessionId),
        sessions.filter((s) => s.teacherId === teacherId).map((s) => s.sessionId),
      )
      given(HomeworkBook.aggregate, [...history, ...events])
        .when(record(inspector, { ...sessions[0]!, sessionId: SessionId.make("by-inspector") }))
        .thenRejects({ ruleId: "BR-CDT-1", reason: "NotAuthorized" })
    },
  )

  it.prop(
    "BR-CDT-1 a deleted session is gone for good: no longer read, edited nor deleted again, its id never reused",
    [sessionsArb, FastCheck.nat()],
    ([sessions, pick]) => {
      const session = sessions[pick % sessions.length]!
      const inspection: Event = {
        _tag: "InspectionScheduled",
        homeworkBookId: bookId,
        inspectionId: ids.inspections[0]!,
        inspectorId: inspector.accountId,
        teacherId: session.teacherId,
        period: { from: session.date, to: session.date },
        scheduledBy: named.adminA.accountId,
      }
      const history = [opened, ...sessions.map(recorded), inspection]
      const author: Actor.Actor = {
        accountId: session.teacherId,
        roles: [{ _tag: "Teacher", structureId: school, groupIds: [group] }],
      }
      assert.isTrue(
        HomeworkBook.canRead(
          fold(HomeworkBook.aggregate, history),
          inspector.accountId,
          session.date,
          session.sessionId,
        ),
      )
      const { events, state } = given(HomeworkBook.aggregate, history).when(remove(author, session)).accepted()
      assert.deepStrictEqual(
        state._tag === "HomeworkBook" ? state.sessions.map((s) => s.sessionId) : [],
        sessions.filter((s) => s !== session).map((s) => s.sessionId),
      )
      assert.isFalse(HomeworkBook.canRead(state, inspector.accountId, session.date, session.sessionId))
      assert.isFalse(HomeworkBook.canWrite(state, author, session.sessionId))
      assert.notInclude(
        HomeworkBook.readableSessions(state, inspector.accountId, session.date).map((s) => s.sessionId),
        session.sessionId,
      )
      const after = [...history, ...events]
      given(HomeworkBook.aggregate, after).when(remove(author, session)).then([])
      given(HomeworkBook.aggregate, after)
        .when(edit(author, session))
        .thenRejects({ ruleId: "BR-CDT-1", reason: "NotFound" })
      given(HomeworkBook.aggregate, after)
        .when(record(named.timetable, session))
        .thenRejects({ ruleId: "BR-CDT-1", reason: "AlreadyExists" })
    },
  )

  it.prop(
    "BR-CDT-1 an edit rewrites the session in place: the other sessions and their order are unchanged",
    [sessionsArb, FastCheck.nat()],
    ([sessions, pick]) => {
      const session = sessions[pick % sessions.length]!
      const author: Actor.Actor = {
        accountId: session.teacherId,
        roles: [{ _tag: "Teacher", structureId: school, groupIds: [group] }],
      }
      const history = [opened, ...sessions.map(recorded)]
      const before = fold(HomeworkBook.aggregate, history)
      const { state } = given(HomeworkBook.aggregate, history).when(edit(author, session)).accepted()
      assert.ok(before._tag === "HomeworkBook" && state._tag === "HomeworkBook")
      assert.deepStrictEqual(
        state.sessions,
        before.sessions.map((s) =>
          s.sessionId === session.sessionId ? { ...s, content: "Corrigé du contrôle", homework: "" } : s,
        ),
      )
    },
  )

  it("BR-CDT-5 an inspection's start and end dates are both required", () => {
    const command = Schema.encodeSync(HomeworkBook.HomeworkBookCommand)({
      _tag: "ScheduleInspection",
      inspectorRoles: [{ _tag: "Inspector" }],
      location: { structureId: HomeworkBookArbitraries.ids.schools[0]! },
      actor: named.adminA,
      homeworkBookId: bookId,
      inspectionId: ids.inspections[1]!,
      inspectorId: inspector.accountId,
      teacherId: ids.teachers[0]!,
      period: { from: ids.days[0]!, to: ids.days[1]! },
    })
    for (const period of [{ from: "2025-10-01" }, { to: "2025-10-01" }]) {
      const decoded = Schema.decodeUnknownEither(HomeworkBook.HomeworkBookCommand)({ ...command, period })
      assert.ok(Either.isLeft(decoded))
      assert.include(String(decoded.left), "from" in period ? '["to"]' : '["from"]')
    }
  })
})

/**
 * The HomeworkBook aggregate (cahier de textes): the sessions of one class or
 * group for one school year, the visas that freeze them and the inspections
 * that open them to an inspector (BR-CDT-1 to BR-CDT-5).
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Actor from "./Actor.ts"
import * as Decider from "./Decider.ts"
import { HomeworkBookCommand } from "./HomeworkBookCommands.ts"
import type { HomeworkBookEvent, VisaScope } from "./HomeworkBookEvents.ts"
import { events as eventDefinitions } from "./HomeworkBookEvents.ts"
import type { AccountId, GroupId, HomeworkBookId, InspectionId, SessionId, StructureId, SubjectCode } from "./Ids.ts"
import { without } from "./internal/fields.ts"
import { RuleId } from "./Rules.ts"
import * as SchoolYear from "./SchoolYear.ts"

export * from "./HomeworkBookCommands.ts"
export * from "./HomeworkBookEvents.ts"

/**
 * Why a HomeworkBook command was rejected.
 *
 * @since 0.1.0
 */
export const HomeworkBookRejectionReason = Schema.Literal(
  "NotAuthorized",
  "AlreadyExists",
  "NotFound",
  "OutsideSchoolYear",
  "Frozen",
  "InvalidPeriod",
)
/** @since 0.1.0 */
export type HomeworkBookRejectionReason = typeof HomeworkBookRejectionReason.Type

/**
 * A HomeworkBook command broke a rule; nothing was recorded.
 *
 * @since 0.1.0
 */
export class HomeworkBookRejected extends Schema.TaggedError<HomeworkBookRejected>(
  "@cartable/domain/HomeworkBookRejected",
)("HomeworkBookRejected", { ruleId: RuleId, reason: HomeworkBookRejectionReason, message: Schema.String }) {}

/**
 * A session (séance) of the book (BR-CDT-1).
 *
 * @since 0.1.0
 */
export interface Session {
  readonly sessionId: SessionId
  readonly subject: SubjectCode
  readonly teacherId: AccountId
  readonly date: SchoolYear.LocalDate
  readonly content: string
  readonly homework: string
}

/**
 * A visa placed by direction (BR-CDT-2). Visas are never lifted (BR-CDT-4).
 *
 * @since 0.1.0
 */
export interface Visa {
  readonly period: SchoolYear.Period
  readonly scope: VisaScope
  readonly placedBy: AccountId
}

/**
 * An inspection of one teacher's sessions by an inspector (BR-CDT-5).
 *
 * @since 0.1.0
 */
export interface Inspection {
  readonly inspectionId: InspectionId
  readonly inspectorId: AccountId
  readonly teacherId: AccountId
  readonly period: SchoolYear.Period
  readonly cancelled: boolean
}

/**
 * An opened homework book.
 *
 * @since 0.1.0
 */
export interface HomeworkBook {
  readonly _tag: "HomeworkBook"
  readonly homeworkBookId: HomeworkBookId
  readonly structureId: StructureId
  readonly groupId: GroupId
  readonly schoolYear: SchoolYear.SchoolYear
  readonly sessions: ReadonlyArray<Session>
  /** Kept so that a deleted session's id is never given to another session. */
  readonly deletedSessionIds: ReadonlyArray<SessionId>
  readonly visas: ReadonlyArray<Visa>
  readonly inspections: ReadonlyArray<Inspection>
}

/**
 * The state of a homework book stream: absent until opened.
 *
 * @since 0.1.0
 */
export type HomeworkBookState = { readonly _tag: "Absent" } | HomeworkBook

/** @since 0.1.0 */
export const initialState: HomeworkBookState = { _tag: "Absent" }

/**
 * Whether a visa covers a session of that subject, teacher and date: the date
 * lies in the visa's period and the session matches its scope (BR-CDT-3).
 *
 * @since 0.1.0
 */
export const visaCovers = (visa: Visa, session: Pick<Session, "subject" | "teacherId" | "date">): boolean => {
  if (!SchoolYear.within(visa.period, session.date)) return false
  switch (visa.scope._tag) {
    case "AllSessions":
      return true
    case "Subject":
      return visa.scope.subject === session.subject
    case "Teacher":
      return visa.scope.teacherId === session.teacherId
  }
}

const covered = (book: HomeworkBook, session: Pick<Session, "subject" | "teacherId" | "date">) =>
  book.visas.some((visa) => visaCovers(visa, session))

/**
 * Whether the session is frozen by a visa: nobody may modify or delete it any
 * more (BR-CDT-3, BR-CDT-4). False for a session the book does not hold.
 *
 * @since 0.1.0
 */
export const isFrozen = (state: HomeworkBookState, sessionId: SessionId): boolean => {
  if (state._tag === "Absent") return false
  const session = state.sessions.find((s) => s.sessionId === sessionId)
  return session !== undefined && covered(state, session)
}

/**
 * The sessions frozen by a visa (BR-CDT-3).
 *
 * @since 0.1.0
 */
export const frozenSessions = (state: HomeworkBookState): ReadonlyArray<Session> =>
  state._tag === "Absent" ? [] : state.sessions.filter((session) => covered(state, session))

const activeInspections = (state: HomeworkBookState, accountId: AccountId, on: SchoolYear.LocalDate) =>
  state._tag === "Absent"
    ? []
    : state.inspections.filter(
        (inspection) =>
          !inspection.cancelled && inspection.inspectorId === accountId && SchoolYear.within(inspection.period, on),
      )

/**
 * The read access this book grants by itself through inspections (BR-CDT-5): on
 * day `on`, whether `accountId` inspects a teacher here, and, given a session,
 * whether it is that teacher's. Access from roles (pupils and parents of the
 * class, its teachers, direction) is decided from the actor, not here.
 *
 * @since 0.1.0
 */
export const canRead = (
  state: HomeworkBookState,
  accountId: AccountId,
  on: SchoolYear.LocalDate,
  sessionId?: SessionId,
): boolean => {
  const inspections = activeInspections(state, accountId, on)
  if (sessionId === undefined || state._tag === "Absent") return inspections.length > 0
  const session = state.sessions.find((s) => s.sessionId === sessionId)
  return session !== undefined && inspections.some((inspection) => inspection.teacherId === session.teacherId)
}

/**
 * The sessions an inspector may read on day `on` (BR-CDT-5).
 *
 * @since 0.1.0
 */
export const readableSessions = (
  state: HomeworkBookState,
  accountId: AccountId,
  on: SchoolYear.LocalDate,
): ReadonlyArray<Session> => {
  const teachers = activeInspections(state, accountId, on).map((inspection) => inspection.teacherId)
  return state._tag === "Absent" ? [] : state.sessions.filter((session) => teachers.includes(session.teacherId))
}

const authors = (actor: Actor.Actor, book: HomeworkBook, session: Session) =>
  actor.accountId === session.teacherId && Actor.teaches(actor, book.structureId, book.groupId)

/**
 * Whether the actor may rewrite the session now: it is his own, he still
 * teaches the group, and no visa froze it (BR-CDT-1, BR-CDT-3). An inspection
 * never grants it (BR-CDT-5).
 *
 * @since 0.1.0
 */
export const canWrite = (state: HomeworkBookState, actor: Actor.Actor, sessionId: SessionId): boolean => {
  if (state._tag === "Absent") return false
  const session = state.sessions.find((s) => s.sessionId === sessionId)
  return session !== undefined && !covered(state, session) && authors(actor, state, session)
}

const reject = (ruleId: RuleId, reason: HomeworkBookRejectionReason, message: string) =>
  Either.left(new HomeworkBookRejected({ ruleId, reason, message }))

const events = (...list: ReadonlyArray<HomeworkBookEvent>) => Either.right(list)
const none = Either.right<ReadonlyArray<HomeworkBookEvent>>([])

type Decision = Either.Either<ReadonlyArray<HomeworkBookEvent>, HomeworkBookRejected>

const isAdministrator = (actor: Actor.Actor) => actor.roles.some((role) => role._tag === "Administrator")

const yearOf = (book: HomeworkBook): SchoolYear.Period => SchoolYear.period(book.schoolYear)

const inSchoolYear = (book: HomeworkBook, date: SchoolYear.LocalDate) => SchoolYear.within(yearOf(book), date)

const samePeriod = (a: SchoolYear.Period, b: SchoolYear.Period) => a.from === b.from && a.to === b.to

const sameScope = (a: VisaScope, b: VisaScope) =>
  a._tag === b._tag &&
  (a._tag !== "Subject" || a.subject === (b as typeof a).subject) &&
  (a._tag !== "Teacher" || a.teacherId === (b as typeof a).teacherId)

/**
 * The freeze applies to everyone; an administrator is told it is BR-CDT-4 that
 * stops him, since he is the one who might expect to unlock it.
 */
const frozen = (actor: Actor.Actor, session: Session, what: string) =>
  isAdministrator(actor)
    ? reject("BR-CDT-4", "Frozen", `Session ${session.sessionId} is frozen by a visa: administrators cannot unlock it`)
    : reject("BR-CDT-3", "Frozen", `Session ${session.sessionId} is frozen by a visa and can no longer be ${what}`)

const decideExisting = (command: HomeworkBookCommand, book: HomeworkBook): Decision => {
  switch (command._tag) {
    case "OpenHomeworkBook":
      return command.structureId === book.structureId &&
        command.groupId === book.groupId &&
        command.schoolYear === book.schoolYear
        ? none
        : reject("BR-CDT-1", "AlreadyExists", `Homework book ${book.homeworkBookId} is open for another group or year`)
    case "RecordSession": {
      const generated = Actor.isSystem(command.actor)
      if (
        !generated &&
        !(command.actor.accountId === command.teacherId && Actor.teaches(command.actor, book.structureId, book.groupId))
      ) {
        return reject("BR-CDT-1", "NotAuthorized", `Only a teacher of ${book.groupId} records his own sessions`)
      }
      if (!inSchoolYear(book, command.date)) {
        return reject("BR-CDT-1", "OutsideSchoolYear", `${command.date} is outside the school year ${book.schoolYear}`)
      }
      if (
        book.sessions.some((s) => s.sessionId === command.sessionId) ||
        book.deletedSessionIds.includes(command.sessionId)
      ) {
        return reject("BR-CDT-1", "AlreadyExists", `Session ${command.sessionId} already exists`)
      }
      if (covered(book, command)) {
        return reject("BR-CDT-3", "Frozen", `A visa covers ${command.date}: no session can be recorded there any more`)
      }
      return events({
        _tag: "SessionRecorded",
        homeworkBookId: book.homeworkBookId,
        sessionId: command.sessionId,
        subject: command.subject,
        teacherId: command.teacherId,
        date: command.date,
        content: command.content,
        homework: command.homework,
        recordedBy: command.actor.accountId,
      })
    }
    case "EditSession": {
      const session = book.sessions.find((s) => s.sessionId === command.sessionId)
      if (session === undefined) return reject("BR-CDT-1", "NotFound", `Session ${command.sessionId} does not exist`)
      if (covered(book, session)) return frozen(command.actor, session, "modified")
      if (!authors(command.actor, book, session)) {
        return reject("BR-CDT-1", "NotAuthorized", "Only the session's teacher, still teaching the group, edits it")
      }
      if (!inSchoolYear(book, command.date)) {
        return reject("BR-CDT-1", "OutsideSchoolYear", `${command.date} is outside the school year ${book.schoolYear}`)
      }
      const next: Session = {
        sessionId: session.sessionId,
        subject: command.subject,
        teacherId: session.teacherId,
        date: command.date,
        content: command.content,
        homework: command.homework,
      }
      if (covered(book, next)) {
        return reject("BR-CDT-3", "Frozen", `A visa covers ${command.date}: a session cannot be moved there`)
      }
      if (
        next.subject === session.subject &&
        next.date === session.date &&
        next.content === session.content &&
        next.homework === session.homework
      ) {
        return none
      }
      return events({ _tag: "SessionEdited", homeworkBookId: book.homeworkBookId, ...next })
    }
    case "DeleteSession": {
      if (book.deletedSessionIds.includes(command.sessionId)) return none
      const session = book.sessions.find((s) => s.sessionId === command.sessionId)
      if (session === undefined) return reject("BR-CDT-1", "NotFound", `Session ${command.sessionId} does not exist`)
      if (covered(book, session)) return frozen(command.actor, session, "deleted")
      if (!authors(command.actor, book, session) && !Actor.administersAny(command.actor, [book.structureId])) {
        return reject(
          "BR-CDT-1",
          "NotAuthorized",
          "Only the session's teacher or an administrator of the school deletes it",
        )
      }
      return events({
        _tag: "SessionDeleted",
        homeworkBookId: book.homeworkBookId,
        sessionId: session.sessionId,
        deletedBy: command.actor.accountId,
      })
    }
    case "PlaceVisa": {
      if (!Actor.isDirectionOf(command.actor, book.structureId)) {
        return reject("BR-CDT-2", "NotAuthorized", `Only the direction of ${book.structureId} places a visa`)
      }
      if (command.period.from > command.period.to) {
        return reject("BR-CDT-2", "InvalidPeriod", "A visa's period must not end before it starts")
      }
      const year = yearOf(book)
      if (!SchoolYear.within(year, command.period.from) || !SchoolYear.within(year, command.period.to)) {
        return reject("BR-CDT-2", "OutsideSchoolYear", `A visa's period lies within the school year ${book.schoolYear}`)
      }
      if (book.visas.some((visa) => samePeriod(visa.period, command.period) && sameScope(visa.scope, command.scope))) {
        return none
      }
      return events({
        _tag: "VisaPlaced",
        homeworkBookId: book.homeworkBookId,
        period: command.period,
        scope: command.scope,
        placedBy: command.actor.accountId,
      })
    }
    case "ScheduleInspection":
    case "CancelInspection": {
      if (
        !Actor.isDirectionOf(command.actor, book.structureId) &&
        !Actor.administersAny(command.actor, [book.structureId])
      ) {
        return reject(
          "BR-CDT-5",
          "NotAuthorized",
          `Only the direction or an administrator of ${book.structureId} manages inspections`,
        )
      }
      const current = book.inspections.find((inspection) => inspection.inspectionId === command.inspectionId)
      if (command._tag === "CancelInspection") {
        if (current === undefined) {
          return reject("BR-CDT-5", "NotFound", `Inspection ${command.inspectionId} does not exist`)
        }
        return current.cancelled
          ? none
          : events({
              _tag: "InspectionCancelled",
              homeworkBookId: book.homeworkBookId,
              inspectionId: command.inspectionId,
              cancelledBy: command.actor.accountId,
            })
      }
      if (command.period.from > command.period.to) {
        return reject("BR-CDT-5", "InvalidPeriod", "An inspection's end date must not come before its start date")
      }
      if (current !== undefined) {
        return !current.cancelled &&
          current.inspectorId === command.inspectorId &&
          current.teacherId === command.teacherId &&
          samePeriod(current.period, command.period)
          ? none
          : reject("BR-CDT-5", "AlreadyExists", `Inspection ${command.inspectionId} already exists`)
      }
      return events({
        _tag: "InspectionScheduled",
        homeworkBookId: book.homeworkBookId,
        inspectionId: command.inspectionId,
        inspectorId: command.inspectorId,
        teacherId: command.teacherId,
        period: command.period,
        scheduledBy: command.actor.accountId,
      })
    }
  }
}

const decideAbsent = (command: HomeworkBookCommand): Decision => {
  if (command._tag !== "OpenHomeworkBook") {
    return reject("BR-CDT-1", "NotFound", `Homework book ${command.homeworkBookId} is not open`)
  }
  if (
    !Actor.isSystem(command.actor) &&
    !Actor.isDirectionOf(command.actor, command.structureId) &&
    !Actor.administersAny(command.actor, [command.structureId])
  ) {
    return reject(
      "BR-CDT-1",
      "NotAuthorized",
      `Only the timetable import, the direction or an administrator of ${command.structureId} opens a homework book`,
    )
  }
  return events({
    _tag: "HomeworkBookOpened",
    homeworkBookId: command.homeworkBookId,
    structureId: command.structureId,
    groupId: command.groupId,
    schoolYear: command.schoolYear,
    openedBy: command.actor.accountId,
  })
}

/**
 * Decides a command against the book's state.
 *
 * @since 0.1.0
 */
export const decide = (command: HomeworkBookCommand, state: HomeworkBookState): Decision =>
  state._tag === "Absent" ? decideAbsent(command) : decideExisting(command, state)

/**
 * Folds one event into the state. Total: an event that does not apply to the
 * state leaves it unchanged.
 *
 * @since 0.1.0
 */
export const evolve = (state: HomeworkBookState, event: HomeworkBookEvent): HomeworkBookState => {
  if (event._tag === "HomeworkBookOpened") {
    return state._tag === "HomeworkBook"
      ? state
      : {
          _tag: "HomeworkBook",
          homeworkBookId: event.homeworkBookId,
          structureId: event.structureId,
          groupId: event.groupId,
          schoolYear: event.schoolYear,
          sessions: [],
          deletedSessionIds: [],
          visas: [],
          inspections: [],
        }
  }
  if (state._tag === "Absent") return state
  switch (event._tag) {
    case "SessionRecorded":
      return {
        ...state,
        sessions: [
          ...without(state.sessions, (s) => s.sessionId === event.sessionId),
          {
            sessionId: event.sessionId,
            subject: event.subject,
            teacherId: event.teacherId,
            date: event.date,
            content: event.content,
            homework: event.homework,
          },
        ],
      }
    case "SessionEdited":
      return {
        ...state,
        sessions: state.sessions.map((s) =>
          s.sessionId === event.sessionId
            ? { ...s, subject: event.subject, date: event.date, content: event.content, homework: event.homework }
            : s,
        ),
      }
    case "SessionDeleted":
      return {
        ...state,
        sessions: without(state.sessions, (s) => s.sessionId === event.sessionId),
        deletedSessionIds: [...without(state.deletedSessionIds, (id) => id === event.sessionId), event.sessionId],
      }
    case "VisaPlaced":
      return {
        ...state,
        visas: [...state.visas, { period: event.period, scope: event.scope, placedBy: event.placedBy }],
      }
    case "InspectionScheduled":
      return {
        ...state,
        inspections: [
          ...without(state.inspections, (i) => i.inspectionId === event.inspectionId),
          {
            inspectionId: event.inspectionId,
            inspectorId: event.inspectorId,
            teacherId: event.teacherId,
            period: event.period,
            cancelled: false,
          },
        ],
      }
    case "InspectionCancelled":
      return {
        ...state,
        inspections: state.inspections.map((i) =>
          i.inspectionId === event.inspectionId ? { ...i, cancelled: true } : i,
        ),
      }
  }
}

/**
 * The HomeworkBook aggregate: one stream per homework book.
 *
 * @since 0.1.0
 */
export const aggregate = Decider.aggregate({
  category: "HomeworkBook",
  Command: HomeworkBookCommand,
  events: eventDefinitions,
  streamId: (command) => command.homeworkBookId,
  initialState,
  decide,
  evolve,
})

/**
 * The HomeworkBook aggregate (cahier de textes): the sessions of one class or
 * group for one school year, the visas that freeze them and the inspections
 * that open them to an inspector (BR-CDT-1 to BR-CDT-5).
 *
 * @since 0.1.0
 */

import * as Decider from "@cartable/kernel/Decider"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Actor from "./Actor.ts"
import { HomeworkBookCommand } from "./HomeworkBookCommands.ts"
import type { HomeworkBookEvent, VisaScope } from "./HomeworkBookEvents.ts"
import { events as eventDefinitions } from "./HomeworkBookEvents.ts"
import { coveredByVisa, isAuthor, sessionOf } from "./HomeworkBookQueries.ts"
import type { AccountId, GroupId, HomeworkBookId, InspectionId, SessionId, StructureId, SubjectCode } from "./Ids.ts"
import { RuleId } from "./Rules.ts"
import * as SchoolYear from "./SchoolYear.ts"

export * from "./HomeworkBookCommands.ts"
export * from "./HomeworkBookEvents.ts"
export * from "./HomeworkBookQueries.ts"

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
  "Cancelled",
  "Archived",
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
  /** Archived with its class at the end of the year: no session changes any more (BR-GRP-4). */
  readonly archived: boolean
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
 * The longest inspection window, in days, its start and end dates included
 * (BR-CDT-5, decision): the seed's "about a week before to a week after the
 * visit" is 15 days, and its own example (20/02 to 20/03) 29; a month covers both.
 *
 * @since 0.1.0
 */
export const inspectionMaxDays = 31

type Decision = Either.Either<ReadonlyArray<HomeworkBookEvent>, HomeworkBookRejected>
type Command<Tag extends HomeworkBookCommand["_tag"]> = Extract<HomeworkBookCommand, { readonly _tag: Tag }>

const reject = (ruleId: RuleId, reason: HomeworkBookRejectionReason, message: string): Decision =>
  Either.left(new HomeworkBookRejected({ ruleId, reason, message }))
const events = (...list: ReadonlyArray<HomeworkBookEvent>): Decision => Either.right(list)
const none: Decision = Either.right([])

const yearOf = (book: HomeworkBook): SchoolYear.Period => SchoolYear.period(book.schoolYear)

const inSchoolYear = (book: HomeworkBook, date: SchoolYear.LocalDate) => SchoolYear.within(yearOf(book), date)

const outsideYear = (book: HomeworkBook, date: SchoolYear.LocalDate) =>
  reject("BR-CDT-1", "OutsideSchoolYear", `${date} is outside the school year ${book.schoolYear}`)

const dayNumber = (date: SchoolYear.LocalDate) => Date.parse(`${date}T00:00:00Z`) / 86_400_000

/** The days a period spans, its first and last included. */
const spanInDays = (period: SchoolYear.Period) => dayNumber(period.to) - dayNumber(period.from) + 1

const samePeriod = (a: SchoolYear.Period, b: SchoolYear.Period) => a.from === b.from && a.to === b.to

const sameScope = (a: VisaScope, b: VisaScope) =>
  a._tag === b._tag &&
  (a._tag !== "Subject" || a.subject === (b as typeof a).subject) &&
  (a._tag !== "Teacher" || a.teacherId === (b as typeof a).teacherId)

const isAdministrator = (actor: Actor.Actor) => actor.roles.some((role) => role._tag === "Administrator")

/**
 * The school's own ENT administrators and the platform vendor. The book knows
 * its school, not the district, department or academy above it, so their
 * administrators are not recognised here (decision).
 */
/** An administrator of the school, at its level or above when its location is known (BR-ACC-11). */
const administersSchool = (
  actor: Actor.Actor,
  structureId: StructureId,
  locations: ReadonlyArray<Actor.Location> | undefined,
) => Actor.administersSome(actor, [structureId], locations)

/**
 * The freeze applies to everyone; an administrator is told it is BR-CDT-4 that
 * stops him, since he is the one who might expect to unlock it.
 */
const frozen = (actor: Actor.Actor, session: Session, what: string) =>
  isAdministrator(actor)
    ? reject("BR-CDT-4", "Frozen", `Session ${session.sessionId} is frozen by a visa: administrators cannot unlock it`)
    : reject("BR-CDT-3", "Frozen", `Session ${session.sessionId} is frozen by a visa and can no longer be ${what}`)

/** The book's content closed with its class (BR-GRP-4): nobody writes in it any more, the system included. */
const archived = (book: HomeworkBook, what: string) =>
  reject(
    "BR-GRP-4",
    "Archived",
    `Homework book ${book.homeworkBookId} was archived with its class at the end of ${book.schoolYear}: no session can be ${what}`,
  )

const archive = (command: Command<"ArchiveHomeworkBook">, book: HomeworkBook): Decision => {
  if (!Actor.isSystem(command.actor)) {
    return reject("BR-GRP-4", "NotAuthorized", "Only the start-of-year rollover archives a homework book")
  }
  return book.archived
    ? none
    : events({ _tag: "HomeworkBookArchived", homeworkBookId: book.homeworkBookId, archivedBy: command.actor.accountId })
}

const open = (command: Command<"OpenHomeworkBook">, state: HomeworkBookState): Decision => {
  const { actor, structureId } = command
  if (
    !Actor.isSystem(actor) &&
    !Actor.isDirectionOf(actor, structureId) &&
    !administersSchool(actor, structureId, command.locations)
  ) {
    return reject(
      "BR-CDT-1",
      "NotAuthorized",
      `Only the timetable import, the direction or an administrator of ${structureId} opens a homework book`,
    )
  }
  if (state._tag === "Absent") {
    return events({
      _tag: "HomeworkBookOpened",
      homeworkBookId: command.homeworkBookId,
      structureId,
      groupId: command.groupId,
      schoolYear: command.schoolYear,
      openedBy: actor.accountId,
    })
  }
  return structureId === state.structureId &&
    command.groupId === state.groupId &&
    command.schoolYear === state.schoolYear
    ? none
    : reject("BR-CDT-1", "AlreadyExists", `Homework book ${state.homeworkBookId} is open for another group or year`)
}

const recordSession = (command: Command<"RecordSession">, book: HomeworkBook): Decision => {
  const { actor, sessionId } = command
  const ownSession = actor.accountId === command.teacherId && Actor.teaches(actor, book.structureId, book.groupId)
  if (!Actor.isSystem(actor) && !ownSession) {
    return reject("BR-CDT-1", "NotAuthorized", `Only a teacher of ${book.groupId} records his own sessions`)
  }
  if (!inSchoolYear(book, command.date)) return outsideYear(book, command.date)
  if (sessionOf(book, sessionId) !== undefined || book.deletedSessionIds.includes(sessionId)) {
    return reject("BR-CDT-1", "AlreadyExists", `Session ${sessionId} already exists`)
  }
  // (decision) A visa also closes its period to new sessions (BR-CDT-3).
  if (coveredByVisa(book, command)) {
    return reject("BR-CDT-3", "Frozen", `A visa covers ${command.date}: no session can be recorded there any more`)
  }
  return events({
    _tag: "SessionRecorded",
    homeworkBookId: book.homeworkBookId,
    sessionId,
    subject: command.subject,
    teacherId: command.teacherId,
    date: command.date,
    content: command.content,
    homework: command.homework,
    recordedBy: actor.accountId,
  })
}

const editSession = (command: Command<"EditSession">, book: HomeworkBook): Decision => {
  const session = sessionOf(book, command.sessionId)
  if (session === undefined) return reject("BR-CDT-1", "NotFound", `Session ${command.sessionId} does not exist`)
  if (coveredByVisa(book, session)) return frozen(command.actor, session, "modified")
  if (!isAuthor(book, command.actor, session)) {
    return reject("BR-CDT-1", "NotAuthorized", "Only the session's teacher, still teaching the group, edits it")
  }
  if (!inSchoolYear(book, command.date)) return outsideYear(book, command.date)
  const next: Session = {
    sessionId: session.sessionId,
    subject: command.subject,
    teacherId: session.teacherId,
    date: command.date,
    content: command.content,
    homework: command.homework,
  }
  if (coveredByVisa(book, next)) {
    return reject("BR-CDT-3", "Frozen", `A visa covers ${command.date}: a session cannot be moved there`)
  }
  const unchanged =
    next.subject === session.subject &&
    next.date === session.date &&
    next.content === session.content &&
    next.homework === session.homework
  return unchanged ? none : events({ _tag: "SessionEdited", homeworkBookId: book.homeworkBookId, ...next })
}

const deleteSession = (command: Command<"DeleteSession">, book: HomeworkBook): Decision => {
  if (book.deletedSessionIds.includes(command.sessionId)) return none
  const session = sessionOf(book, command.sessionId)
  if (session === undefined) return reject("BR-CDT-1", "NotFound", `Session ${command.sessionId} does not exist`)
  if (coveredByVisa(book, session)) return frozen(command.actor, session, "deleted")
  // (decision) An administrator of the school may delete an unfrozen session: moderation.
  if (
    !isAuthor(book, command.actor, session) &&
    !administersSchool(command.actor, book.structureId, command.locations)
  ) {
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

const placeVisa = (command: Command<"PlaceVisa">, book: HomeworkBook): Decision => {
  const { actor, period, scope } = command
  if (!Actor.isDirectionOf(actor, book.structureId)) {
    return reject("BR-CDT-2", "NotAuthorized", `Only the direction of ${book.structureId} places a visa`)
  }
  if (period.from > period.to) {
    return reject("BR-CDT-2", "InvalidPeriod", "A visa's period must not end before it starts")
  }
  if (!inSchoolYear(book, period.from) || !inSchoolYear(book, period.to)) {
    return reject("BR-CDT-2", "OutsideSchoolYear", `A visa's period lies within the school year ${book.schoolYear}`)
  }
  if (book.visas.some((visa) => samePeriod(visa.period, period) && sameScope(visa.scope, scope))) return none
  return events({
    _tag: "VisaPlaced",
    homeworkBookId: book.homeworkBookId,
    period,
    scope,
    placedBy: actor.accountId,
  })
}

/**
 * Seed 004: the school's ENT administrator manages inspections (Gestion emploi du
 * temps > Inspections); (decision) so does an administrator whose scope covers
 * the school, judged on its location from the log. A location of another school
 * covers nothing above this one.
 */
const mayManageInspections = (actor: Actor.Actor, book: HomeworkBook, location: Actor.Location) =>
  Actor.administers(actor, location.structureId === book.structureId ? location : { structureId: book.structureId })

const notInspectionManager = (book: HomeworkBook) =>
  reject("BR-CDT-5", "NotAuthorized", `Only an administrator of ${book.structureId} manages inspections`)

const invalidWindow = (period: SchoolYear.Period): Decision | undefined => {
  if (period.from > period.to) {
    return reject("BR-CDT-5", "InvalidPeriod", "An inspection's end date must not come before its start date")
  }
  const days = spanInDays(period)
  return days > inspectionMaxDays
    ? reject(
        "BR-CDT-5",
        "InvalidPeriod",
        `An inspection lasts at most ${inspectionMaxDays} days, start and end included; ${period.from} to ${period.to} is ${days}`,
      )
    : undefined
}

const inspectionOf = (book: HomeworkBook, inspectionId: InspectionId) =>
  book.inspections.find((inspection) => inspection.inspectionId === inspectionId)

const inspectionNotFound = (inspectionId: InspectionId) =>
  reject("BR-CDT-5", "NotFound", `Inspection ${inspectionId} does not exist`)

const scheduleInspection = (command: Command<"ScheduleInspection">, book: HomeworkBook): Decision => {
  if (!mayManageInspections(command.actor, book, command.location)) return notInspectionManager(book)
  // BR-CDT-5: the inspection names an account the log gives inspector access.
  if (!Actor.hasInspectorAccess(command.inspectorRoles)) {
    return reject("BR-CDT-5", "NotAuthorized", `Account ${command.inspectorId} has no inspector access`)
  }
  const invalid = invalidWindow(command.period)
  if (invalid !== undefined) return invalid
  const current = inspectionOf(book, command.inspectionId)
  if (current !== undefined) {
    const same =
      !current.cancelled &&
      current.inspectorId === command.inspectorId &&
      current.teacherId === command.teacherId &&
      samePeriod(current.period, command.period)
    return same ? none : reject("BR-CDT-5", "AlreadyExists", `Inspection ${command.inspectionId} already exists`)
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

const rescheduleInspection = (command: Command<"RescheduleInspection">, book: HomeworkBook): Decision => {
  if (!mayManageInspections(command.actor, book, command.location)) return notInspectionManager(book)
  const current = inspectionOf(book, command.inspectionId)
  if (current === undefined) return inspectionNotFound(command.inspectionId)
  if (current.cancelled) {
    return reject("BR-CDT-5", "Cancelled", `Inspection ${command.inspectionId} was cancelled: schedule a new one`)
  }
  const invalid = invalidWindow(command.period)
  if (invalid !== undefined) return invalid
  if (samePeriod(current.period, command.period)) return none
  return events({
    _tag: "InspectionRescheduled",
    homeworkBookId: book.homeworkBookId,
    inspectionId: command.inspectionId,
    period: command.period,
    rescheduledBy: command.actor.accountId,
  })
}

const cancelInspection = (command: Command<"CancelInspection">, book: HomeworkBook): Decision => {
  if (!mayManageInspections(command.actor, book, command.location)) return notInspectionManager(book)
  const current = inspectionOf(book, command.inspectionId)
  if (current === undefined) return inspectionNotFound(command.inspectionId)
  if (current.cancelled) return none
  return events({
    _tag: "InspectionCancelled",
    homeworkBookId: book.homeworkBookId,
    inspectionId: command.inspectionId,
    cancelledBy: command.actor.accountId,
  })
}

/**
 * Decides a command against the book's state.
 *
 * @since 0.1.0
 */
export const decide = (command: HomeworkBookCommand, state: HomeworkBookState): Decision => {
  if (command._tag === "OpenHomeworkBook") return open(command, state)
  if (state._tag === "Absent") {
    return reject("BR-CDT-1", "NotFound", `Homework book ${command.homeworkBookId} is not open`)
  }
  switch (command._tag) {
    case "RecordSession":
      return state.archived ? archived(state, "recorded") : recordSession(command, state)
    case "EditSession":
      return state.archived ? archived(state, "modified") : editSession(command, state)
    case "DeleteSession":
      return state.archived ? archived(state, "deleted") : deleteSession(command, state)
    case "ArchiveHomeworkBook":
      return archive(command, state)
    case "PlaceVisa":
      return placeVisa(command, state)
    case "ScheduleInspection":
      return scheduleInspection(command, state)
    case "RescheduleInspection":
      return rescheduleInspection(command, state)
    case "CancelInspection":
      return cancelInspection(command, state)
  }
}

/**
 * The one list update evolve needs: the first item `match` selects becomes
 * `f` of it, in place, or leaves the list when `f` gives undefined; with no
 * match, what `f` gives for none is appended.
 */
const update = <A>(
  list: ReadonlyArray<A>,
  match: (a: A) => boolean,
  f: (current: A | undefined) => A | undefined,
): ReadonlyArray<A> => {
  const index = list.findIndex(match)
  const next = f(index < 0 ? undefined : list[index])
  if (index < 0) return next === undefined ? list : [...list, next]
  return next === undefined ? list.filter((_, i) => i !== index) : list.map((a, i) => (i === index ? next : a))
}

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
          archived: false,
        }
  }
  if (state._tag === "Absent") return state
  const session = (sessionId: SessionId, f: (current: Session | undefined) => Session | undefined) =>
    update(state.sessions, (s) => s.sessionId === sessionId, f)
  const inspection = (inspectionId: InspectionId, f: (current: Inspection | undefined) => Inspection | undefined) =>
    update(state.inspections, (i) => i.inspectionId === inspectionId, f)
  switch (event._tag) {
    case "SessionRecorded": {
      const { sessionId, subject, teacherId, date, content, homework } = event
      return {
        ...state,
        sessions: session(sessionId, () => ({ sessionId, subject, teacherId, date, content, homework })),
      }
    }
    case "SessionEdited": {
      const { subject, date, content, homework } = event
      return { ...state, sessions: session(event.sessionId, (s) => s && { ...s, subject, date, content, homework }) }
    }
    case "SessionDeleted":
      return {
        ...state,
        sessions: session(event.sessionId, () => undefined),
        deletedSessionIds: update(
          state.deletedSessionIds,
          (id) => id === event.sessionId,
          () => event.sessionId,
        ),
      }
    case "VisaPlaced":
      return {
        ...state,
        visas: [...state.visas, { period: event.period, scope: event.scope, placedBy: event.placedBy }],
      }
    case "InspectionScheduled": {
      const { inspectionId, inspectorId, teacherId, period } = event
      return {
        ...state,
        inspections: inspection(inspectionId, () => ({
          inspectionId,
          inspectorId,
          teacherId,
          period,
          cancelled: false,
        })),
      }
    }
    case "InspectionRescheduled":
      return { ...state, inspections: inspection(event.inspectionId, (i) => i && { ...i, period: event.period }) }
    case "InspectionCancelled":
      return { ...state, inspections: inspection(event.inspectionId, (i) => i && { ...i, cancelled: true }) }
    case "HomeworkBookArchived":
      return { ...state, archived: true }
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

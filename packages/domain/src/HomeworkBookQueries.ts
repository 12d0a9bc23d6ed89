/**
 * What a homework book answers about itself: which sessions a visa froze, who
 * may still rewrite a session, and what an inspector may read on a given day
 * (BR-CDT-1, BR-CDT-3, BR-CDT-5). Every period here includes both its first
 * and its last day.
 *
 * @since 0.1.0
 */
import * as Actor from "./Actor.ts"
import type { HomeworkBookState, Session, Visa } from "./HomeworkBook.ts"
import type { AccountId, SessionId } from "./Ids.ts"
import * as SchoolYear from "./SchoolYear.ts"

/**
 * What a visa looks at in a session: its subject, teacher and date.
 *
 * @since 0.1.0
 */
export type Covered = Pick<Session, "subject" | "teacherId" | "date">

/**
 * Whether a visa covers a session of that subject, teacher and date: the date
 * lies in the visa's period, first and last day included, and the session
 * matches its scope (BR-CDT-3).
 *
 * @since 0.1.0
 */
export const visaCovers = (visa: Visa, session: Covered): boolean => {
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

/**
 * Whether any visa of the book covers a session of that subject, teacher and
 * date, recorded or not yet: such a session is frozen, or may not be recorded
 * or moved there (BR-CDT-3).
 *
 * @since 0.1.0
 */
export const coveredByVisa = (state: HomeworkBookState, session: Covered): boolean =>
  state._tag === "HomeworkBook" && state.visas.some((visa) => visaCovers(visa, session))

/**
 * The session of that id, if the book holds it (deleted sessions are gone).
 *
 * @since 0.1.0
 */
export const sessionOf = (state: HomeworkBookState, sessionId: SessionId): Session | undefined =>
  state._tag === "HomeworkBook" ? state.sessions.find((session) => session.sessionId === sessionId) : undefined

/**
 * Whether the session is frozen by a visa: nobody may modify or delete it any
 * more (BR-CDT-3, BR-CDT-4). False for a session the book does not hold.
 *
 * @since 0.1.0
 */
export const isFrozen = (state: HomeworkBookState, sessionId: SessionId): boolean => {
  const session = sessionOf(state, sessionId)
  return session !== undefined && coveredByVisa(state, session)
}

/**
 * The sessions frozen by a visa (BR-CDT-3).
 *
 * @since 0.1.0
 */
export const frozenSessions = (state: HomeworkBookState): ReadonlyArray<Session> =>
  state._tag === "Absent" ? [] : state.sessions.filter((session) => coveredByVisa(state, session))

/**
 * Whether the actor wrote the session and may still: it is his own and he
 * still teaches the book's group (BR-CDT-1).
 *
 * @since 0.1.0
 */
export const isAuthor = (state: HomeworkBookState, actor: Actor.Actor, session: Session): boolean =>
  state._tag === "HomeworkBook" &&
  actor.accountId === session.teacherId &&
  Actor.teaches(actor, state.structureId, state.groupId)

/**
 * Whether the actor may rewrite the session now: it is his own, he still
 * teaches the group, and no visa froze it (BR-CDT-1, BR-CDT-3). An inspection
 * never grants it (BR-CDT-5).
 *
 * @since 0.1.0
 */
export const canWrite = (state: HomeworkBookState, actor: Actor.Actor, sessionId: SessionId): boolean => {
  const session = sessionOf(state, sessionId)
  return session !== undefined && !coveredByVisa(state, session) && isAuthor(state, actor, session)
}

/** The teachers whose sessions `accountId` inspects on day `on`. */
const inspectedTeachers = (state: HomeworkBookState, accountId: AccountId, on: SchoolYear.LocalDate) =>
  state._tag === "Absent"
    ? []
    : state.inspections
        .filter(
          (inspection) =>
            !inspection.cancelled && inspection.inspectorId === accountId && SchoolYear.within(inspection.period, on),
        )
        .map((inspection) => inspection.teacherId)

/**
 * The read access this book grants by itself through inspections (BR-CDT-5): on
 * day `on`, from the window's start to its end date included, whether
 * `accountId` inspects a teacher here, and, given a session, whether it is
 * that teacher's. Access from roles (pupils and parents of the class, its
 * teachers, direction) is decided from the actor, not here.
 *
 * @since 0.1.0
 */
export const canRead = (
  state: HomeworkBookState,
  accountId: AccountId,
  on: SchoolYear.LocalDate,
  sessionId?: SessionId,
): boolean => {
  const teachers = inspectedTeachers(state, accountId, on)
  if (sessionId === undefined) return teachers.length > 0
  const session = sessionOf(state, sessionId)
  return session !== undefined && teachers.includes(session.teacherId)
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
  const teachers = inspectedTeachers(state, accountId, on)
  return state._tag === "Absent" ? [] : state.sessions.filter((session) => teachers.includes(session.teacherId))
}

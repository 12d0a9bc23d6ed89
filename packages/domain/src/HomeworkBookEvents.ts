/**
 * The events of the HomeworkBook aggregate (cahier de textes): sessions, visas
 * and inspections of one class or group for one school year. What teachers
 * write is personal data of the teacher, marked for crypto-shredding (BR-ACC-9).
 *
 * @since 0.1.0
 */

import { DataSubjectId, personal } from "@cartable/kernel/PersonalData"
import * as Text from "@cartable/kernel/Text"
import * as Schema from "effect/Schema"
import { AccountId, GroupId, HomeworkBookId, InspectionId, SessionId, StructureId, SubjectCode } from "./Ids.ts"
import { LocalDate, Period, SchoolYear } from "./SchoolYear.ts"

/**
 * What a visa covers (BR-CDT-2, 004 "toutes, par matière, par enseignant"):
 * every session, one subject's, or one teacher's.
 *
 * @since 0.1.0
 */
export const VisaScope = Schema.Union(
  Schema.TaggedStruct("AllSessions", {}),
  Schema.TaggedStruct("Subject", { subject: SubjectCode }),
  Schema.TaggedStruct("Teacher", { teacherId: AccountId }),
)
/** @since 0.1.0 */
export type VisaScope = typeof VisaScope.Type

/**
 * The free text of a session: what was done (content) and the work to do
 * (homework). Either may be empty, e.g. a session generated from the timetable.
 * It is `Text.FreeText`: at most 200,000 characters.
 *
 * @since 0.1.0
 */
export const SessionText = Text.FreeText

const author = { [DataSubjectId]: "teacherId" }

/** The homework book of a class or group for a school year was opened. @since 0.1.0 */
export const HomeworkBookOpened = Schema.TaggedStruct("HomeworkBookOpened", {
  homeworkBookId: HomeworkBookId,
  structureId: StructureId,
  groupId: GroupId,
  schoolYear: SchoolYear,
  openedBy: AccountId,
})

/** A session (séance) was recorded with its subject, teacher, date, content and homework (BR-CDT-1). @since 0.1.0 */
export const SessionRecorded = Schema.TaggedStruct("SessionRecorded", {
  homeworkBookId: HomeworkBookId,
  sessionId: SessionId,
  subject: SubjectCode,
  teacherId: AccountId,
  date: LocalDate,
  content: personal(SessionText),
  homework: personal(SessionText),
  recordedBy: AccountId,
}).annotations(author)

/** The session's teacher rewrote it; the event holds its new values (BR-CDT-1). @since 0.1.0 */
export const SessionEdited = Schema.TaggedStruct("SessionEdited", {
  homeworkBookId: HomeworkBookId,
  sessionId: SessionId,
  teacherId: AccountId,
  subject: SubjectCode,
  date: LocalDate,
  content: personal(SessionText),
  homework: personal(SessionText),
}).annotations(author)

/** A session was deleted (BR-CDT-1). @since 0.1.0 */
export const SessionDeleted = Schema.TaggedStruct("SessionDeleted", {
  homeworkBookId: HomeworkBookId,
  sessionId: SessionId,
  deletedBy: AccountId,
})

/**
 * Direction placed a visa over a period: every session it covers is frozen for
 * good, and none can be recorded there any more (BR-CDT-2, BR-CDT-3).
 *
 * @since 0.1.0
 */
export const VisaPlaced = Schema.TaggedStruct("VisaPlaced", {
  homeworkBookId: HomeworkBookId,
  period: Period,
  scope: VisaScope,
  placedBy: AccountId,
})

/** An inspector was given read access to a teacher's sessions between two dates (BR-CDT-5). @since 0.1.0 */
export const InspectionScheduled = Schema.TaggedStruct("InspectionScheduled", {
  homeworkBookId: HomeworkBookId,
  inspectionId: InspectionId,
  inspectorId: AccountId,
  teacherId: AccountId,
  period: Period,
  scheduledBy: AccountId,
})

/** An inspection's window moved: the inspector reads in the new window only (BR-CDT-5). @since 0.1.0 */
export const InspectionRescheduled = Schema.TaggedStruct("InspectionRescheduled", {
  homeworkBookId: HomeworkBookId,
  inspectionId: InspectionId,
  period: Period,
  rescheduledBy: AccountId,
})

/** An inspection was cancelled: the inspector's access ends at once (BR-CDT-5). @since 0.1.0 */
export const InspectionCancelled = Schema.TaggedStruct("InspectionCancelled", {
  homeworkBookId: HomeworkBookId,
  inspectionId: InspectionId,
  cancelledBy: AccountId,
})

/**
 * The book of a class whose year ended was archived: read-only, its content
 * closed with its class (BR-GRP-4).
 *
 * @since 0.1.0
 */
export const HomeworkBookArchived = Schema.TaggedStruct("HomeworkBookArchived", {
  homeworkBookId: HomeworkBookId,
  archivedBy: AccountId,
})

/**
 * Every HomeworkBook event, keyed by tag, for the event catalogue.
 *
 * @since 0.1.0
 */
export const events = {
  HomeworkBookOpened,
  SessionRecorded,
  SessionEdited,
  SessionDeleted,
  VisaPlaced,
  InspectionScheduled,
  InspectionRescheduled,
  InspectionCancelled,
  HomeworkBookArchived,
} as const

/**
 * Any HomeworkBook event.
 *
 * @since 0.1.0
 */
export const HomeworkBookEvent = Schema.Union(...Object.values(events))
/** @since 0.1.0 */
export type HomeworkBookEvent = typeof HomeworkBookEvent.Type

/**
 * The commands of the HomeworkBook aggregate. Each targets one homework book
 * (one class or group, one school year) and carries the acting account.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Actor, Location, Role, schoolLocations } from "./Actor.ts"
import { fact } from "./Fact.ts"
import { SessionText, VisaScope } from "./HomeworkBookEvents.ts"
import { AccountId, GroupId, HomeworkBookId, InspectionId, SessionId, StructureId, SubjectCode } from "./Ids.ts"
import { LocalDate, Period, SchoolYear } from "./SchoolYear.ts"

/** Open the homework book of a class or group for a school year. @since 0.1.0 */
export const OpenHomeworkBook = Schema.TaggedStruct("OpenHomeworkBook", {
  actor: fact(Actor),
  homeworkBookId: HomeworkBookId,
  structureId: StructureId,
  groupId: GroupId,
  schoolYear: SchoolYear,
  locations: schoolLocations,
})

/**
 * Record a session (BR-CDT-1). A teacher records his own (`teacherId` is
 * himself); the timetable import may generate sessions for any teacher.
 *
 * @since 0.1.0
 */
export const RecordSession = Schema.TaggedStruct("RecordSession", {
  actor: fact(Actor),
  homeworkBookId: HomeworkBookId,
  sessionId: SessionId,
  subject: SubjectCode,
  teacherId: AccountId,
  date: LocalDate,
  content: SessionText,
  homework: SessionText,
})

/** Rewrite a session: its subject, date, content and homework (BR-CDT-1, BR-CDT-3). @since 0.1.0 */
export const EditSession = Schema.TaggedStruct("EditSession", {
  actor: fact(Actor),
  homeworkBookId: HomeworkBookId,
  sessionId: SessionId,
  subject: SubjectCode,
  date: LocalDate,
  content: SessionText,
  homework: SessionText,
})

/** Delete a session (BR-CDT-1, BR-CDT-3, BR-CDT-4). @since 0.1.0 */
export const DeleteSession = Schema.TaggedStruct("DeleteSession", {
  actor: fact(Actor),
  homeworkBookId: HomeworkBookId,
  sessionId: SessionId,
  locations: schoolLocations,
})

/** Place a visa over a period on all sessions, one subject or one teacher (BR-CDT-2). @since 0.1.0 */
export const PlaceVisa = Schema.TaggedStruct("PlaceVisa", {
  actor: fact(Actor),
  homeworkBookId: HomeworkBookId,
  period: Period,
  scope: VisaScope,
})

/**
 * Give an inspector read access to a teacher's sessions from a start to an end
 * date, both included, spanning at most `HomeworkBook.inspectionMaxDays` (31) days
 * (BR-CDT-5). Granted by an administrator whose scope covers the school. Facts:
 * the inspector's roles (he must have inspector access) and the school's location.
 *
 * @since 0.1.0
 */
export const ScheduleInspection = Schema.TaggedStruct("ScheduleInspection", {
  actor: fact(Actor),
  homeworkBookId: HomeworkBookId,
  inspectionId: InspectionId,
  inspectorId: AccountId,
  teacherId: AccountId,
  period: Period,
  inspectorRoles: fact(Schema.Array(Role)),
  location: fact(Location),
})

/** Move an inspection's window: the inspector's access follows it (BR-CDT-5). @since 0.1.0 */
export const RescheduleInspection = Schema.TaggedStruct("RescheduleInspection", {
  actor: fact(Actor),
  homeworkBookId: HomeworkBookId,
  inspectionId: InspectionId,
  period: Period,
  location: fact(Location),
})

/** Cancel an inspection: the inspector's access ends at once (BR-CDT-5). @since 0.1.0 */
export const CancelInspection = Schema.TaggedStruct("CancelInspection", {
  actor: fact(Actor),
  homeworkBookId: HomeworkBookId,
  inspectionId: InspectionId,
  location: fact(Location),
})

/**
 * Archive the homework book of a class whose year ended: it stays readable,
 * visas and inspections included, and no session is recorded, edited or
 * deleted in it any more (BR-GRP-4). Issued by the start-of-year rollover.
 *
 * @since 0.1.0
 */
export const ArchiveHomeworkBook = Schema.TaggedStruct("ArchiveHomeworkBook", {
  actor: fact(Actor),
  homeworkBookId: HomeworkBookId,
})

/**
 * Every HomeworkBook command, keyed by tag. There is deliberately no command
 * that lifts a visa or unfreezes a session (BR-CDT-4).
 *
 * @since 0.1.0
 */
export const commands = {
  OpenHomeworkBook,
  RecordSession,
  EditSession,
  DeleteSession,
  PlaceVisa,
  ScheduleInspection,
  RescheduleInspection,
  CancelInspection,
  ArchiveHomeworkBook,
} as const

/**
 * Any HomeworkBook command.
 *
 * @since 0.1.0
 */
export const HomeworkBookCommand = Schema.Union(...Object.values(commands))
/** @since 0.1.0 */
export type HomeworkBookCommand = typeof HomeworkBookCommand.Type

/**
 * Identifiers of the domain, branded so that one cannot stand for another.
 * Ids come in commands: the domain never makes them up. Every id is one line of
 * 1 to 128 characters without surrounding spaces (`Text.trimmedLine`): the same
 * character rule as stream names, so that any id names a stream.
 *
 * @since 0.1.0
 */

import { brandedId } from "./internal/brandedId.ts"

const id = brandedId

/** An account's id. @since 0.1.0 */
export const AccountId = id("AccountId", "An account's id")
/** @since 0.1.0 */
export type AccountId = typeof AccountId.Type

/** A structure's id (a school, or a district, department or academy). @since 0.1.0 */
export const StructureId = id("StructureId", "A structure's id")
/** @since 0.1.0 */
export type StructureId = typeof StructureId.Type

/**
 * A class's or group's id: stable across re-imports (the feed's school + code,
 * BR-GRP-5), never the display name.
 *
 * @since 0.1.0
 */
export const GroupId = id("GroupId", "A class's or group's stable id")
/** @since 0.1.0 */
export type GroupId = typeof GroupId.Type

/** A report's (signalement's) id. @since 0.1.0 */
export const ReportId = id("ReportId", "A report's id")
/** @since 0.1.0 */
export type ReportId = typeof ReportId.Type

/** A homework book's id (one per class or group and school year). @since 0.1.0 */
export const HomeworkBookId = id("HomeworkBookId", "A homework book's id")
/** @since 0.1.0 */
export type HomeworkBookId = typeof HomeworkBookId.Type

/** A session's (séance's) id inside a homework book. @since 0.1.0 */
export const SessionId = id("SessionId", "A session's id")
/** @since 0.1.0 */
export type SessionId = typeof SessionId.Type

/** A subject's code (e.g. the feed's ENTMatJointure or a discipline code). @since 0.1.0 */
export const SubjectCode = id("SubjectCode", "A subject's code")
/** @since 0.1.0 */
export type SubjectCode = typeof SubjectCode.Type

/** An inspection's id inside a homework book (BR-CDT-5). @since 0.1.0 */
export const InspectionId = id("InspectionId", "An inspection's id")
/** @since 0.1.0 */
export type InspectionId = typeof InspectionId.Type

/**
 * The start-of-year rollover (BR-GRP-4): for every registered school, closes
 * the ending year's classes (their memberships end), archives their
 * homework books (class content, read-only from then on) and closes their
 * sections (rubriques de classe), keeps teaching, manual and functional groups
 * with their members, books and sections, and opens the new year. It acts through the Workspace as the `rollover` process, one
 * idempotent command at a time: a second run appends nothing, and a run
 * stopped midway and run again ends in the state of one uninterrupted run.
 *
 * @since 0.1.0
 */
import type * as Domain from "@cartable/domain/Domain"
import type { GroupId, HomeworkBookId, StructureId } from "@cartable/domain/Ids"
import type * as SchoolYear from "@cartable/domain/SchoolYear"
import type { SectionId } from "@cartable/domain/SectionEvents"
import type { GroupKind } from "@cartable/domain/StructureEvents"
import type { EventStore } from "@cartable/eventlog/EventStore"
import type { Workspace } from "@cartable/workspace/Workspace"
import type * as DateTime from "effect/DateTime"
import type * as Effect from "effect/Effect"
import * as internal from "./internal/rollover.ts"
import type { RolloverError } from "./RolloverError.ts"

export { RolloverError } from "./RolloverError.ts"

/**
 * What to roll over: the ending year and the one that opens, which must follow
 * it. `occurredAt` is the instant the log records (the clock's now by default).
 *
 * @since 0.1.0
 */
export interface Options {
  readonly from: SchoolYear.SchoolYear
  readonly to: SchoolYear.SchoolYear
  readonly occurredAt?: DateTime.Utc | undefined
}

/**
 * A class or group named in the report, with its members when the run ended
 * (zero for a closed class).
 *
 * @since 0.1.0
 */
export interface GroupLine {
  readonly groupId: GroupId
  readonly kind: GroupKind
  readonly name: string
  readonly members: number
}

/**
 * A homework book named in the report, with its class or group.
 *
 * @since 0.1.0
 */
export interface BookLine {
  readonly homeworkBookId: HomeworkBookId
  readonly groupId: GroupId
}

/**
 * A section named in the report, with its class or teaching group.
 *
 * @since 0.1.0
 */
export interface SectionLine {
  readonly sectionId: SectionId
  readonly groupId: GroupId
}

/**
 * What the run did in one school: what it closed (this run, not an earlier
 * one), and what the school keeps into the new year.
 *
 * @since 0.1.0
 */
export interface SchoolReport {
  readonly structureId: StructureId
  readonly name: string
  /** The ending year's classes this run closed; their memberships ended. */
  readonly closedClasses: ReadonlyArray<GroupLine>
  /** The books of the ending year's classes this run archived (BR-GRP-4). */
  readonly archivedBooks: ReadonlyArray<BookLine>
  /** The sections of the ending year's classes this run closed (BR-GRP-4). */
  readonly closedSections: ReadonlyArray<SectionLine>
  /** Whether this run closed the ending year, and opened the new one. */
  readonly yearClosed: boolean
  readonly yearOpened: boolean
  /** The groups that stay open (teaching, manual and functional groups), with their members. */
  readonly keptGroups: ReadonlyArray<GroupLine>
  /** The ending year's books of groups other than classes: kept, not archived. */
  readonly keptBooks: ReadonlyArray<BookLine>
  /** The teaching groups' sections: they persist (BR-GRP-4). */
  readonly keptSections: ReadonlyArray<SectionLine>
}

/**
 * The run's report: every registered school, by id, and how many events the run appended.
 *
 * @since 0.1.0
 */
export interface Report {
  readonly from: SchoolYear.SchoolYear
  readonly to: SchoolYear.SchoolYear
  readonly schools: ReadonlyArray<SchoolReport>
  readonly events: number
}

/**
 * Runs the rollover over every school the log registered, through the
 * Workspace in context (as `workspace.system("rollover")`), reading the log
 * from the EventStore in context.
 *
 * @example
 * const report = yield* Rollover.run({ from: SchoolYear.starting(2026), to: SchoolYear.starting(2027) })
 * console.log(Rollover.format(report))
 * @since 0.1.0
 */
export const run: (
  options: Options,
) => Effect.Effect<Report, RolloverError | Workspace.SystemError<typeof Domain.aggregates>, Workspace | EventStore> =
  internal.run

/**
 * The report as text, one block per school: what was closed (classes and their sections), archived and kept.
 *
 * @since 0.1.0
 */
export const format: (report: Report) => string = internal.format

/**
 * Whether `to` is the school year right after `from` (2027-2028 after 2026-2027).
 *
 * @since 0.1.0
 */
export const follows: (from: SchoolYear.SchoolYear, to: SchoolYear.SchoolYear) => boolean = internal.follows

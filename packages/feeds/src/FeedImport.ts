/**
 * The directory import: the records of an AAF export (or of the CSV variant)
 * turned into the commands of the domain, through the Workspace's `aaf-import`
 * process, so that every fact comes from the log (ARCHITECTURE.md principle 9).
 *
 * - Schools are registered under their UAI, with their classes and groups for
 *   the school year, keyed on the feed's codes (BR-GRP-5); the people of each
 *   are provisioned once per feed person (BR-ACC-8, BR-ACC-7), their names and
 *   e-mail kept up to date, their schools attached; pupils' relatives linked
 *   with their flags; classes, groups and the direction filled by the feed,
 *   which owns those memberships (BR-GRP-6, BR-FEED-2), teachers with their
 *   subjects and principal classes (BR-GRP-1).
 * - A full import pre-deletes the accounts of its schools it does not find
 *   (BR-ACC-12) and restores those that come back; a school whose import would
 *   pre-delete or move away more than the blocking share of its accounts is held
 *   for an administrator's confirmation, applying nothing (BR-FEED-1).
 * - Every step is idempotent: the same export imported twice appends nothing
 *   the second time, and an import killed midway ends, run again, where one
 *   uninterrupted run would have.
 *
 * @since 0.1.0
 */

import type { OneTimeCode } from "@cartable/domain/Credentials"
import type { SchoolYear } from "@cartable/domain/SchoolYear"
import type { EventStore } from "@cartable/eventlog/EventStore"
import type { EventStoreError } from "@cartable/eventlog/EventStoreError"
import * as Tracing from "@cartable/kernel/Tracing"
import type { ReadModelError } from "@cartable/projections/ReadModelStore"
import type { Authorization } from "@cartable/read-models/Authorization"
import type { Workspace } from "@cartable/workspace/Workspace"
import type * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import type * as Stream from "effect/Stream"
import type { AafElement } from "./AafRecord.ts"
import type { FeedImportError } from "./FeedImportError.ts"
import * as FeedImportMetrics from "./FeedImportMetrics.ts"
import type { ImportProblem } from "./ImportProblem.ts"
import * as internal from "./internal/importRun.ts"

/**
 * How to import:
 * - `mode`: `full` (the export is the whole directory of its schools: absent
 *   accounts are pre-deleted, feed groups no longer listed are closed) or
 *   `incremental` (add, modify and delete requests only);
 * - `source`: the feed's name in the accounts' origin (`AAF` by default): the
 *   same person from two feeds would be two feed persons;
 * - `schoolYear`: the year classes are opened for (the school's current year);
 * - `occurredAt`: when the import runs (the domain has no clock);
 * - `activationCode`: where new accounts' codes come from (a CSPRNG:
 *   `@cartable/idp-local/Codes`'s `generate`);
 * - `threshold`: the blocking share of BR-FEED-1, from 0 to 1 (0.1 by default);
 * - `correlationId`: recorded on every event of the run;
 * - `reportFile`: a file the run writes its problems and warnings to, one per
 *   line (`ImportProblem.header`), for the administrator who checks the import;
 * - `onProgress`: told, once the export is read, how many people are done out
 *   of how many (a progress bar's figures);
 * - `batchSize`: how many commands of a phase go in one transaction (200 by
 *   default; 1: each command in its own, as `workspace.system(...).handle`).
 *
 * @since 0.1.0
 */
export interface Options {
  readonly mode: "full" | "incremental"
  readonly source?: string | undefined
  readonly schoolYear: SchoolYear
  readonly occurredAt: DateTime.Utc
  readonly activationCode: Effect.Effect<OneTimeCode>
  readonly threshold?: number | undefined
  readonly correlationId?: string | undefined
  readonly reportFile?: string | undefined
  readonly onProgress?: ((done: number, total: number) => void) | undefined
  readonly batchSize?: number | undefined
  /**
   * How many passes over the people: 1 (the default) holds the plan of every person until the import
   * ends; 2 checks the export as it reads it, keeping in memory only each person's schools and links and
   * setting his draft aside in a temporary file (encrypted with a key only the process holds, unlinked
   * once open), then reads the drafts back, planning and importing each person in turn, so that memory
   * stays nearly flat with the export's size (docs/feed-import.md "Memory"). Either way the stream is
   * run once.
   */
  readonly passes?: 1 | 2 | undefined
}

/**
 * A school whose full import was held (BR-FEED-1): its accounts before, what
 * the import would have done, and the digest an administrator confirms with
 * `ConfirmFeedImport`.
 *
 * @since 0.1.0
 */
export interface HeldSchool {
  readonly structureId: string
  readonly digest: string
  readonly accounts: number
  readonly preDeletions: number
  readonly moves: number
  readonly share: number
  readonly threshold: number
}

/**
 * One step of an import, in the order they run: `reading` (the export read into
 * its plan; with `passes: 2` the people's drafts are read back from their
 * temporary file in `people`), `schools`, `people`, `groups` (classes, groups and the direction
 * with their members), `links` (relatives' links), `absent` (a full export's
 * pre-deletions), `deletions` and `modifications` (an incremental export's).
 * `seconds` by the Effect `Clock`; `events` appended by the step.
 *
 * @since 0.1.0
 */
export interface Phase {
  readonly name: "reading" | "schools" | "people" | "groups" | "links" | "absent" | "deletions" | "modifications"
  readonly seconds: number
  readonly events: number
}

/**
 * What an import did. `read = imported + reported`: every record read was
 * either imported or reported with its reason (`problems`, severity
 * `problem`); `warnings` are values left out of records that were imported.
 * The counts of what changed come from the events appended.
 *
 * @since 0.1.0
 */
export interface Report {
  readonly read: number
  readonly imported: number
  readonly reported: number
  readonly problems: ReadonlyArray<ImportProblem>
  readonly held: ReadonlyArray<HeldSchool>
  readonly schools: number
  readonly accounts: {
    readonly provisioned: number
    readonly updated: number
    readonly preDeleted: number
    readonly restored: number
  }
  /** Events appended by the run: 0 for an export imported again. */
  readonly events: number
  /** Where the run's time went, step by step: an operator's view of a slow import. */
  readonly phases: ReadonlyArray<Phase>
}

/**
 * Why an import stopped: the stores failed (run it again: it picks up where it
 * stopped), or the options are wrong.
 *
 * @since 0.1.0
 */
export type Error = EventStoreError | ReadModelError | FeedImportError

/**
 * Imports the elements of an export (`AafReader.readExport(folder)`), a stream
 * the import reads once.
 *
 * @example
 * const report = yield* FeedImport.run(AafReader.readExport("exports/2026-09-01"), {
 *   mode: "full",
 *   schoolYear: SchoolYear.starting(2026),
 *   occurredAt: DateTime.unsafeNow(),
 *   activationCode: Codes.generate,
 * })
 * @since 0.1.0
 */
export const run: <E, R>(
  elements: Stream.Stream<AafElement, E, R>,
  options: Options,
) => Effect.Effect<Report, Error | E, R | Workspace | Authorization | EventStore> = (elements, options) =>
  internal.run(elements, options).pipe(
    Effect.tap((report) => {
      const counted = (metric: typeof FeedImportMetrics.records) => Metric.tagged(metric, "mode", options.mode)
      return Effect.all([
        Metric.incrementBy(Metric.tagged(counted(FeedImportMetrics.records), "outcome", "imported"), report.imported),
        Metric.incrementBy(Metric.tagged(counted(FeedImportMetrics.records), "outcome", "reported"), report.reported),
        Metric.incrementBy(counted(FeedImportMetrics.heldSchools), report.held.length),
      ])
    }),
    Tracing.withSpan("FeedImport.run", { captureStackTrace: false, attributes: { mode: options.mode } }),
  )

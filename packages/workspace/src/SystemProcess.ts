/**
 * The library's own automated processes: the only actors that act as `System`.
 * A closed list, so that no string from outside names a process, and the log's
 * metadata says which one acted (`system:aaf-import`).
 *
 * @since 0.1.0
 */
import * as Actor from "@cartable/domain/Actor"
import * as Schema from "effect/Schema"

/**
 * The processes that act as `System`:
 * - `aaf-import`: the directory feed import (AAF, fed by SIECLE/ONDE/STSweb, BR-ACC-1);
 * - `timetable-import`: the timetable import (STSweb, timetable software, BR-FEED-2);
 * - `report-follow-up`: the process manager that follows a handled report up (BR-SIG-3, BR-SIG-5);
 * - `account-lifecycle`: the process managers that delete a pre-deleted account once its delay is over
 *   and erase a deleted account's personal data within the retention limit (BR-ACC-9, BR-ACC-12);
 * - `install`: `cartable init`, which appoints the first platform administrator;
 * - `sign-in`: @cartable/identity's sign-in, which links an external identity on first sign-in
 *   (BR-ACC-10) and upgrades a password's hash;
 * - `rollover`: @cartable/rollover's start-of-year rollover, which closes the ending year's classes and
 *   archives their homework books, then opens the new year (BR-GRP-4);
 * - `section-bin`: the process manager that empties a section's bin of the folders deleted 90 days ago
 *   (BR-RUB-2).
 * - `targeted-communication`: the process manager that publishes a targeted communication when its window
 *   opens, its recipients resolved from the directory then (BR-MSG-3).
 *
 * @since 0.1.0
 */
export const SystemProcess = Schema.Literal(
  "aaf-import",
  "timetable-import",
  "report-follow-up",
  "account-lifecycle",
  "install",
  "sign-in",
  "rollover",
  "section-bin",
  "targeted-communication",
)

/** @since 0.1.0 */
export type SystemProcess = typeof SystemProcess.Type

/**
 * Whether a value names one of the library's processes.
 *
 * @since 0.1.0
 */
export const isSystemProcess: (value: unknown) => value is SystemProcess = Schema.is(SystemProcess)

/**
 * The actor of a process: its own account id (`system:<process>`) and the `System` role.
 *
 * @since 0.1.0
 */
export const actor = (process: SystemProcess): Actor.Actor => Actor.system(process)

/**
 * The calendar day an event happened on, as a school sees it: its `occurredAt`
 * instant read in the time zone of metropolitan French schools.
 */
import type { LocalDate } from "@cartable/domain/SchoolYear"
import * as DateTime from "effect/DateTime"

/** The time zone the rosters count days in (decision: metropolitan France, the ENT's schools). */
export const timeZone = "Europe/Paris"

// en-CA formats dates as YYYY-MM-DD; one formatter, built once (they are costly to make).
const formatter = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })

/** The school day of an instant: 2026-08-31T22:30:00Z is 1 September 2026 in Paris. */
export const dayOf = (at: DateTime.DateTime): LocalDate => formatter.format(DateTime.toDate(at)) as LocalDate

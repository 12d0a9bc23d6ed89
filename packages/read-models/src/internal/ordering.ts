/**
 * Index values and keys that page in a stable order, newest first. Private to
 * the report queue, the news feed and the audit trail.
 */
import * as DateTime from "effect/DateTime"

/**
 * Separates the parts of an index value. Ids are single lines without control
 * characters (`Text.trimmedLine`), so no part holds it, and a prefix that ends
 * with it never matches a longer id (`school-a` does not match `school-ab`).
 */
export const SEP = "\u0001"

/** An index value made of parts, joined by {@link SEP}. */
export const joined = (...parts: ReadonlyArray<string>): string => parts.join(SEP)

/** The prefix that selects every value starting with these parts. */
export const prefixOf = (...parts: ReadonlyArray<string>): string => `${joined(...parts)}${SEP}`

/** A document key made of several ids, unambiguous whatever they hold. */
export const keyOf = (...parts: ReadonlyArray<string>): string => JSON.stringify(parts)

const WIDTH = 16

/**
 * A non-negative integer as a fixed-width text that sorts in decreasing order:
 * the store orders by code point, so the newest (largest) comes first.
 */
export const descending = (n: number): string => (Number.MAX_SAFE_INTEGER - n).toString().padStart(WIDTH, "0")

/** A log position as a fixed-width text in increasing order: the key of one entry per event. */
export const ascending = (n: number): string => n.toString().padStart(WIDTH, "0")

/** A UTC date as a text that sorts newest first (dates before 1970 do not occur here). */
export const newestFirst = (at: DateTime.Utc): string => descending(Math.max(0, DateTime.toEpochMillis(at)))

/** The values of a list without repeats, in the order they first come. */
export const distinct = <A>(values: ReadonlyArray<A>): ReadonlyArray<A> => [...new Set(values)]

/**
 * The reader's counts: every record read is either good or bad, so that an
 * import can print "imported + reported = read".
 *
 * @since 0.1.0
 */
import type { AafElement, BadRecordReason, Category } from "./AafRecord.ts"

/**
 * The counts of a read: `read === good + bad`.
 *
 * @since 0.1.0
 */
export interface AafSummary {
  readonly read: number
  readonly good: number
  readonly bad: number
  readonly goodByCategory: Readonly<Partial<Record<Category, number>>>
  readonly badByReason: Readonly<Partial<Record<BadRecordReason, number>>>
}

/**
 * Nothing read yet.
 *
 * @since 0.1.0
 */
export const empty: AafSummary = { read: 0, good: 0, bad: 0, goodByCategory: {}, badByReason: {} }

/**
 * The counts with one more element.
 *
 * @since 0.1.0
 */
export const add = (summary: AafSummary, element: AafElement): AafSummary =>
  element._tag === "BadRecord"
    ? {
        ...summary,
        read: summary.read + 1,
        bad: summary.bad + 1,
        badByReason: { ...summary.badByReason, [element.reason]: (summary.badByReason[element.reason] ?? 0) + 1 },
      }
    : {
        ...summary,
        read: summary.read + 1,
        good: summary.good + 1,
        goodByCategory: {
          ...summary.goodByCategory,
          [element.category]: (summary.goodByCategory[element.category] ?? 0) + 1,
        },
      }

/**
 * One line for a person: `read 120: 117 good + 3 bad (InvalidUai 1, MissingId 2)`.
 *
 * @since 0.1.0
 */
export const format = (summary: AafSummary): string => {
  const reasons = Object.entries(summary.badByReason)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ")
  return `read ${summary.read}: ${summary.good} good + ${summary.bad} bad${reasons === "" ? "" : ` (${reasons})`}`
}

/**
 * A mutable count for long reads: `add` each element, then take the `summary`.
 *
 * @since 0.1.0
 */
export const counter = (): { readonly add: (element: AafElement) => void; readonly summary: () => AafSummary } => {
  let good = 0
  let bad = 0
  const goodByCategory: Partial<Record<Category, number>> = {}
  const badByReason: Partial<Record<BadRecordReason, number>> = {}
  return {
    add: (element) => {
      if (element._tag === "BadRecord") {
        bad++
        badByReason[element.reason] = (badByReason[element.reason] ?? 0) + 1
      } else {
        good++
        goodByCategory[element.category] = (goodByCategory[element.category] ?? 0) + 1
      }
    },
    summary: () => ({
      read: good + bad,
      good,
      bad,
      goodByCategory: { ...goodByCategory },
      badByReason: { ...badByReason },
    }),
  }
}

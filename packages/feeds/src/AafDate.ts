/**
 * A calendar date as the AAF writes it, `dd/mm/yyyy` (birth dates, class entry
 * dates), checked to the day: 29/02 only in leap years, no 31/04.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Malformed from "./AafMalformed.ts"

/**
 * A valid calendar day.
 *
 * @since 0.1.0
 */
export const AafDate = Schema.Struct({
  year: Schema.Int,
  month: Schema.Int,
  day: Schema.Int,
})

/** @since 0.1.0 */
export type AafDate = typeof AafDate.Type

const shape = /^(\d{2})\/(\d{2})\/(\d{4})$/

/**
 * Whether `year` is a leap year of the Gregorian calendar.
 *
 * @since 0.1.0
 */
export const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0

/**
 * The number of days of a month (1 to 12) in a year.
 *
 * @since 0.1.0
 */
export const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31

/**
 * Reads `dd/mm/yyyy`; the left side says why the text is not a date.
 *
 * @example
 * AafDate.parse("29/02/2024") // Right({ year: 2024, month: 2, day: 29 })
 * @since 0.1.0
 */
export const parse = (text: string): Either.Either<AafDate, Malformed.AafMalformed> => {
  const match = shape.exec(text)
  if (match === null) return Either.left(Malformed.date(`"${text}" is not a date dd/mm/yyyy`))
  const day = Number(match[1])
  const month = Number(match[2])
  const year = Number(match[3])
  if (year === 0) return Either.left(Malformed.date(`"${text}": there is no year 0`))
  if (month < 1 || month > 12) return Either.left(Malformed.date(`"${text}": there is no month ${month}`))
  if (day < 1 || day > daysInMonth(year, month))
    return Either.left(Malformed.date(`"${text}": month ${month} of ${year} has no day ${day}`))
  return Either.right({ year, month, day })
}

/**
 * Writes a date back as `dd/mm/yyyy`.
 *
 * @since 0.1.0
 */
export const format = (date: AafDate): string =>
  `${String(date.day).padStart(2, "0")}/${String(date.month).padStart(2, "0")}/${String(date.year).padStart(4, "0")}`

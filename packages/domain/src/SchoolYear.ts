/**
 * School years run from 1 September to 31 August and are named by their two
 * calendar years, `2026-2027`.
 *
 * @since 0.1.0
 */
import type * as Arbitrary from "effect/Arbitrary"
import type * as Brand from "effect/Brand"
import type * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

/** @since 0.1.0 */
export type SchoolYear = string & Brand.Brand<"SchoolYear">

/**
 * A school year, `YYYY-YYYY` with consecutive years.
 *
 * @since 0.1.0
 */
export const SchoolYear: Schema.brand<
  Schema.filter<Schema.filter<typeof Schema.String>>,
  "SchoolYear"
> = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{4}$/),
  Schema.filter((s) => Number(s.slice(5)) === Number(s.slice(0, 4)) + 1 || "the second year must follow the first"),
  Schema.brand("SchoolYear"),
  Schema.annotations({
    identifier: "SchoolYear",
    description: "A school year such as 2026-2027",
    arbitrary: () => (fc) => fc.integer({ min: 2015, max: 2040 }).map((y) => `${y}-${y + 1}` as SchoolYear),
  }),
)

/**
 * The school year starting in September of `year`.
 *
 * @since 0.1.0
 */
export const starting = (year: number): SchoolYear => SchoolYear.make(`${year}-${year + 1}`)

/** @since 0.1.0 */
export type LocalDate = string & Brand.Brand<"LocalDate">

/**
 * A calendar date, `YYYY-MM-DD` (sessions, visa periods, inspections).
 *
 * @since 0.1.0
 */
export const LocalDate: Schema.brand<
  Schema.filter<Schema.filter<typeof Schema.String>>,
  "LocalDate"
> = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{2}-\d{2}$/),
  Schema.filter(
    (s) =>
      (!Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)) ||
      "not a calendar date",
  ),
  Schema.brand("LocalDate"),
  Schema.annotations({
    identifier: "LocalDate",
    description: "A calendar date, YYYY-MM-DD",
    arbitrary: () => (fc) => fc.integer({ min: 2024, max: 2030 }).chain((year) => anyDateIn(fc, year)),
  }),
)

const DAY = 86_400_000

const dateInYear = (startYear: number, dayOffset: number): LocalDate =>
  new Date(Date.UTC(startYear, 8, 1) + dayOffset * DAY).toISOString().slice(0, 10) as LocalDate

// 365 or 366 days: a school year ending in a leap year holds 29 February, and still ends on 31 August.
const daysIn = (startYear: number) => (Date.UTC(startYear + 1, 8, 1) - Date.UTC(startYear, 8, 1)) / DAY

// One day in six is an edge (1 September, 31 August), where off-by-one-day mistakes hide.
const anyDateIn = (fc: typeof FastCheck, startYear: number) =>
  fc
    .oneof(
      { weight: 5, arbitrary: fc.integer({ min: 0, max: daysIn(startYear) - 1 }) },
      { weight: 1, arbitrary: fc.constantFrom(0, daysIn(startYear) - 1) },
    )
    .map((day) => dateInYear(startYear, day))

/**
 * The school year a date falls in.
 *
 * @since 0.1.0
 */
export const of = (date: LocalDate): SchoolYear => {
  const year = Number(date.slice(0, 4))
  return starting(Number(date.slice(5, 7)) >= 9 ? year : year - 1)
}

/**
 * An arbitrary date inside the given school year (for property tests).
 *
 * @since 0.1.0
 */
export const arbitraryDateIn =
  (year: SchoolYear): Arbitrary.LazyArbitrary<LocalDate> =>
  (fc) =>
    anyDateIn(fc, Number(year.slice(0, 4)))

/**
 * An inclusive period of dates.
 *
 * @since 0.1.0
 */
export const Period = Schema.Struct({ from: LocalDate, to: LocalDate }).pipe(
  Schema.filter((p) => p.from <= p.to || "a period must not end before it starts"),
)

/** @since 0.1.0 */
export type Period = typeof Period.Type

/**
 * A school year as a period: 1 September to 31 August.
 *
 * @since 0.1.0
 */
export const period = (year: SchoolYear): Period => ({
  from: `${year.slice(0, 4)}-09-01` as LocalDate,
  to: `${year.slice(5)}-08-31` as LocalDate,
})

/**
 * Whether a date lies within a period (both ends included).
 *
 * @since 0.1.0
 */
export const within = (period: Period, date: LocalDate): boolean => period.from <= date && date <= period.to

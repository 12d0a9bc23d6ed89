import * as SchoolYear from "@cartable/domain/SchoolYear"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

// A calendar written by hand (no Date), the oracle of what SchoolYear.ts computes with Date.
const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
const daysInMonth = (year: number, month: number) =>
  [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!

interface Day {
  readonly year: number
  readonly month: number
  readonly day: number
}
const pad = (n: number, width: number) => String(n).padStart(width, "0")
const iso = (d: Day) => `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}` as SchoolYear.LocalDate
const next = ({ year, month, day }: Day): Day =>
  day < daysInMonth(year, month)
    ? { year, month, day: day + 1 }
    : month < 12
      ? { year, month: month + 1, day: 1 }
      : { year: year + 1, month: 1, day: 1 }
const previous = ({ year, month, day }: Day): Day =>
  day > 1
    ? { year, month, day: day - 1 }
    : month > 1
      ? { year, month: month - 1, day: daysInMonth(year, month - 1) }
      : { year: year - 1, month: 12, day: 31 }
const shift = (d: Day, days: number): Day => {
  let at = d
  for (let i = 0; i < Math.abs(days); i++) at = days > 0 ? next(at) : previous(at)
  return at
}
const compare = (a: Day, b: Day) => a.year - b.year || a.month - b.month || a.day - b.day

// Years with every kind of February: leap (2024, 2000), common (2025), century common (2100, 1900).
const yearArb = FastCheck.oneof(
  FastCheck.constantFrom(1900, 2000, 2023, 2024, 2025, 2027, 2028, 2099, 2100),
  FastCheck.integer({ min: 1901, max: 2998 }),
)
const rentree = (year: number): Day => ({ year, month: 9, day: 1 })
/** A day within three days of a rentrée (1 September), drawn with its offset from it. */
const edgeArb = FastCheck.tuple(yearArb, FastCheck.integer({ min: -3, max: 3 }))

describe("SchoolYear", () => {
  it.prop(
    "a school year runs from 1 September to 31 August: the days around the rentrée fall on either side",
    [edgeArb],
    ([[year, offset]]) => {
      const date = iso(shift(rentree(year), offset))
      // Before 1 September, the year that started the September before.
      const expected = offset < 0 ? `${year - 1}-${year}` : `${year}-${year + 1}`
      assert.strictEqual(SchoolYear.of(date), expected, date)
    },
  )

  it.prop(
    "a school year's period is 1 September to 31 August, both included, 365 or 366 days",
    [yearArb, FastCheck.integer({ min: -2, max: 2 })],
    ([year, offset]) => {
      const schoolYear = SchoolYear.starting(year)
      assert.strictEqual(schoolYear, `${year}-${year + 1}`)
      const period = SchoolYear.period(schoolYear)
      assert.deepStrictEqual(period, { from: `${pad(year, 4)}-09-01`, to: `${pad(year + 1, 4)}-08-31` })
      const start = rentree(year)
      const end: Day = { year: year + 1, month: 8, day: 31 }
      for (const edge of [start, end]) {
        const day = shift(edge, offset)
        const inside = compare(day, start) >= 0 && compare(day, end) <= 0
        assert.strictEqual(SchoolYear.within(period, iso(day)), inside, iso(day))
      }
      assert.strictEqual(
        shift(start, isLeap(year + 1) ? 365 : 364).day,
        31,
        "the last day of the school year is 31 August",
      )
    },
  )

  it.prop(
    "within includes both ends of any period and nothing a day outside",
    [
      FastCheck.tuple(yearArb, FastCheck.integer({ min: 1, max: 12 }), FastCheck.integer({ min: 1, max: 28 })),
      FastCheck.integer({ min: 0, max: 40 }),
      FastCheck.integer({ min: -2, max: 2 }),
    ],
    ([[year, month, day], length, offset]) => {
      const from: Day = { year, month, day }
      const to = shift(from, length)
      const period = Schema.decodeSync(SchoolYear.Period)({ from: iso(from), to: iso(to) })
      for (const [edge, inside] of [
        [shift(from, offset), offset >= 0 && offset <= length],
        [shift(to, offset), offset <= 0 && -offset <= length],
      ] as const) {
        assert.strictEqual(SchoolYear.within(period, iso(edge)), inside, `${iso(edge)} in ${iso(from)}..${iso(to)}`)
      }
    },
  )

  it.prop(
    "a period that ends before it starts does not decode",
    [
      FastCheck.tuple(yearArb, FastCheck.integer({ min: 1, max: 12 }), FastCheck.integer({ min: 1, max: 28 })),
      FastCheck.integer({ min: -3, max: 3 }),
    ],
    ([[year, month, day], length]) => {
      const from: Day = { year, month, day }
      const result = Schema.decodeUnknownEither(SchoolYear.Period)({ from: iso(from), to: iso(shift(from, length)) })
      assert.strictEqual(Either.isRight(result), length >= 0)
      if (Either.isLeft(result)) assert.include(String(result.left), "a period must not end before it starts")
    },
  )

  it.prop(
    "a calendar date decodes; 29 February only in leap years, no day 0, no month 13",
    [
      FastCheck.oneof(yearArb, FastCheck.integer({ min: 0, max: 9999 })),
      FastCheck.integer({ min: 0, max: 13 }),
      FastCheck.oneof(FastCheck.integer({ min: 0, max: 32 }), FastCheck.constantFrom(28, 29, 30, 31)),
    ],
    ([year, month, day]) => {
      const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`
      const valid = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
      const result = Schema.decodeUnknownEither(SchoolYear.LocalDate)(text)
      assert.strictEqual(Either.isRight(result), valid, text)
      if (Either.isLeft(result)) assert.include(String(result.left), "not a calendar date")
    },
  )

  it.prop(
    "a date is YYYY-MM-DD and nothing else",
    [
      FastCheck.constantFrom(
        "2025-9-01",
        "2025-09-1",
        "25-09-01",
        "2025/09/01",
        " 2025-09-01",
        "2025-09-01 ",
        "2025-09-01T00:00:00Z",
        "",
      ),
    ],
    ([text]) => {
      const result = Schema.decodeUnknownEither(SchoolYear.LocalDate)(text)
      assert.ok(Either.isLeft(result), text)
      // The shape is checked first, and its message says which shape is expected.
      assert.include(String(result.left), "matching the pattern")
    },
  )

  it.prop(
    "a school year is two consecutive years, YYYY-YYYY",
    [FastCheck.integer({ min: 0, max: 9998 }), FastCheck.integer({ min: -2, max: 2 })],
    ([first, gap]) => {
      const second = first + 1 + gap
      const text = `${pad(first, 4)}-${pad(second, 4)}`
      const result = Schema.decodeUnknownEither(SchoolYear.SchoolYear)(text)
      assert.strictEqual(Either.isRight(result), gap === 0 && second <= 9999, text)
      if (Either.isLeft(result) && second <= 9999 && second >= 0) {
        assert.include(String(result.left), "the second year must follow the first")
      }
      for (const bad of ["2025/2026", "25-26", "2025-2026 ", "2025–2026"]) {
        assert.ok(Either.isLeft(Schema.decodeUnknownEither(SchoolYear.SchoolYear)(bad)), bad)
      }
    },
  )

  it.prop(
    "dates drawn inside a school year fall in it, its first and last day included",
    [yearArb],
    ([year]) => {
      const schoolYear = SchoolYear.starting(year)
      const drawn = FastCheck.sample(
        FastCheck.constant(null).chain(() => SchoolYear.arbitraryDateIn(schoolYear)(FastCheck)),
        {
          numRuns: 400,
          seed: year,
        },
      )
      const start = rentree(year)
      const end: Day = { year: year + 1, month: 8, day: 31 }
      for (const date of drawn) {
        const [y, m, d] = date.split("-").map(Number) as [number, number, number]
        const day = { year: y, month: m, day: d }
        assert.ok(compare(day, start) >= 0 && compare(day, end) <= 0, date)
      }
      assert.include(drawn, iso(start))
      assert.include(drawn, iso(end))
    },
    { fastCheck: { numRuns: 10 } },
  )
})

/**
 * The `$`-compound values and the dates: what is written reads back equal, and
 * what does not fit is a typed refusal, never a throw. The calendar oracle is
 * the platform's own date arithmetic, not the code under test.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import * as AafClassEntry from "../src/AafClassEntry.ts"
import * as AafDate from "../src/AafDate.ts"
import * as AafFunction from "../src/AafFunction.ts"
import * as AafMembership from "../src/AafMembership.ts"
import * as AafRelativeLink from "../src/AafRelativeLink.ts"
import * as AafTeaching from "../src/AafTeaching.ts"

/** A field of a compound value: no `$`, may hold accents, spaces and slashes. */
const field = fc.stringMatching(/^[A-Za-z0-9À-ÿ' /_.-]{1,12}$/)
const optionalField = fc.oneof(fc.constant(""), field)
const date = fc
  .date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2099, 11, 31)), noInvalidDate: true })
  .map((d) => ({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }))

const membership = fc.record({ structureId: field, code: field })
const relativeLink = fc.record({
  relativeId: field,
  relation: fc.constantFrom("1", "2", "10", "20", "30", "41", "50", "70", "90"),
  financial: fc.boolean(),
  legal: fc.constantFrom(0 as const, 1 as const, 2 as const),
  contact: fc.boolean(),
  payment: fc.boolean(),
})
const fn = fc.record({
  structureId: field,
  code: fc.constantFrom("ENS", "DIR", "EDU", "DOC", "ORI"),
  label: optionalField,
  disciplineCode: optionalField,
  disciplineLabel: optionalField,
})
const teaching = fc.record({ structureId: field, code: field, subjectCode: field })
const classEntry = fc.record({ structureId: field, date, code: field })

const roundTrip = <A>(
  name: string,
  arb: fc.Arbitrary<A>,
  format: (a: A) => string,
  parse: (s: string) => Either.Either<A, unknown>,
) =>
  it.prop(`${name}: a written value reads back equal`, [arb], ([value]) => {
    assert.deepStrictEqual(parse(format(value)), Either.right(value))
  })

describe("compound values", () => {
  roundTrip("structureId$code", membership, AafMembership.format, AafMembership.parse)
  roundTrip("ENTElevePersRelEleve", relativeLink, AafRelativeLink.format, AafRelativeLink.parse)
  roundTrip("ENTPersonFonctions", fn, AafFunction.format, AafFunction.parse)
  roundTrip("ENTAuxEnsClassesMatieres", teaching, AafTeaching.format, AafTeaching.parse)
  roundTrip("ENTEleveDateEntreeClasses", classEntry, AafClassEntry.format, AafClassEntry.parse)

  it.prop("any text is read or refused with a reason, never thrown", [fc.string({ maxLength: 60 })], ([text]) => {
    for (const parse of [
      AafMembership.parse,
      AafRelativeLink.parse,
      AafFunction.parse,
      AafTeaching.parse,
      AafClassEntry.parse,
      AafDate.parse,
    ] as ReadonlyArray<(s: string) => Either.Either<unknown, { reason: string; message: string }>>) {
      const result = parse(text)
      if (Either.isLeft(result)) assert.include(["MalformedValue", "MalformedDate"], result.left.reason)
    }
  })

  it.prop(
    "a value with one field too many or too few is refused",
    [fc.array(field, { minLength: 1, maxLength: 8 })],
    ([fields]) => {
      const text = fields.join("$")
      assert.strictEqual(Either.isRight(AafMembership.parse(text)), fields.length === 2)
      assert.strictEqual(Either.isRight(AafTeaching.parse(text)), fields.length === 3)
      assert.strictEqual(Either.isRight(AafFunction.parse(text)), fields.length === 5)
    },
  )

  it("parent relations and parental authority as the format defines them", () => {
    const read = (s: string) => Either.getOrThrow(AafRelativeLink.parse(s))
    for (const code of ["1", "2", "10", "20"]) assert.isTrue(AafRelativeLink.isParent(read(`r$${code}$0$0$0$0`)))
    for (const code of ["30", "41", "50", "70", "90", "3", "11"]) {
      assert.isFalse(AafRelativeLink.isParent(read(`r$${code}$0$0$0$0`)))
    }
    assert.isFalse(AafRelativeLink.hasParentalAuthority(read("r$10$1$0$1$1")))
    assert.isTrue(AafRelativeLink.hasParentalAuthority(read("r$10$1$1$1$1")))
    assert.isTrue(AafRelativeLink.hasParentalAuthority(read("r$20$1$2$1$1")))
    for (const bad of ["r$10$2$1$1$1", "r$10$1$3$1$1", "r$10$1$1$1", "r$x$1$1$1$1", "$10$1$1$1$1", "r$10$1$1$1$1$"]) {
      const result = AafRelativeLink.parse(bad)
      assert.isTrue(Either.isLeft(result), bad)
    }
  })
})

describe("dates dd/mm/yyyy", () => {
  const oracle = (year: number, month: number, day: number) => {
    const d = new Date(Date.UTC(2000, 0, 1))
    d.setUTCFullYear(year, month - 1, day)
    return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day
  }
  const pad = (n: number, w: number) => String(n).padStart(w, "0")

  it.prop(
    "a day is valid exactly when the calendar has it",
    [fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })],
    ([year, month, day]) => {
      const result = AafDate.parse(`${pad(day, 2)}/${pad(month, 2)}/${pad(year, 4)}`)
      assert.strictEqual(Either.isRight(result), oracle(year, month, day))
      if (Either.isRight(result)) assert.deepStrictEqual(result.right, { year, month, day })
      else assert.strictEqual(result.left.reason, "MalformedDate")
    },
  )

  it("leap years at the edges: 1900 no, 2000 yes, 2024 yes, 2023 no", () => {
    const valid = (s: string) => Either.isRight(AafDate.parse(s))
    assert.isFalse(valid("29/02/1900"))
    assert.isTrue(valid("29/02/2000"))
    assert.isTrue(valid("29/02/2024"))
    assert.isFalse(valid("29/02/2023"))
    assert.isTrue(valid("28/02/2023"))
    assert.isFalse(valid("01/03/2023 "))
    assert.isTrue(valid("31/12/2023"))
    assert.isFalse(valid("31/11/2023"))
    assert.isFalse(valid("1/1/2023"))
    assert.isFalse(valid("2023-01-01"))
    assert.isFalse(valid("00/01/2023"))
  })
})

import * as Uai from "@cartable/domain/Uai"
import { assert, describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

const decode = Schema.decodeUnknownEither(Uai.Uai)
const digitsArb = FastCheck.oneof(
  FastCheck.integer({ min: 0, max: 9_999_999 }),
  // Both ends of the range, and the first multiples of 23 where the letter wraps around to A.
  FastCheck.constantFrom(0, 22, 23, 24, 9_999_999),
).map((n) => String(n).padStart(7, "0"))
// The oracle's alphabet, written out: the 26 letters without I, O and Q (23 letters), in order.
const letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
const letterOf = (digits: string) => letters[Number(digits) % 23]!

describe("Uai", () => {
  it("decodes the seeds' UAI", () => {
    assert.strictEqual(Uai.checkLetter("0571994"), "H")
    assert.ok(Either.isRight(decode("0571994H")))
    assert.strictEqual(Uai.CHECK_ALPHABET, letters)
  })

  it.prop("the check letter is the 7 digits mod 23 in the alphabet without I, O, Q", [digitsArb], ([digits]) => {
    assert.strictEqual(Uai.checkLetter(digits), letterOf(digits))
    assert.ok(Uai.isValid(`${digits}${letterOf(digits)}`))
  })

  it.prop("generated UAIs decode, and their letter is the digits mod 23", [Arbitrary.make(Uai.Uai)], ([uai]) => {
    assert.ok(Either.isRight(decode(uai)))
    assert.ok(Uai.isValid(uai))
    assert.strictEqual(uai[7], letterOf(uai.slice(0, 7)))
  })

  it.prop(
    "a wrong check letter is rejected with a message naming the UAI",
    [digitsArb, FastCheck.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ")],
    ([digits, letter]) => {
      const code = `${digits}${letter}`
      const result = decode(code)
      if (letter === letterOf(digits)) {
        assert.ok(Either.isRight(result))
        return
      }
      assert.ok(Either.isLeft(result))
      assert.include(
        String(result.left),
        `UAI ${code} has a wrong check letter: ${digits} calls for ${letterOf(digits)}`,
      )
      assert.notOk(Uai.isValid(code))
    },
  )

  it.prop(
    "anything but 7 digits and a letter is rejected, naming the input",
    [FastCheck.constantFrom("0571994", "571994H", "0571994h", "05719940", "0571994HH", "A571994H", "")],
    ([code]) => {
      const result = decode(code)
      assert.ok(Either.isLeft(result))
      assert.include(String(result.left), `"${code}" is not a UAI: 7 digits and a check letter are expected`)
      assert.notOk(Uai.isValid(code))
    },
  )
})

import * as Uai from "@cartable/domain/Uai"
import { assert, describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

const decode = Schema.decodeUnknownEither(Uai.Uai)
const digitsArb = FastCheck.integer({ min: 0, max: 9_999_999 }).map((n) => String(n).padStart(7, "0"))

describe("Uai", () => {
  it("decodes the seeds' UAI", () => {
    assert.strictEqual(Uai.checkLetter("0571994"), "H")
    assert.ok(Either.isRight(decode("0571994H")))
  })

  it.prop("generated UAIs decode, and their letter is the digits mod 23", [Arbitrary.make(Uai.Uai)], ([uai]) => {
    assert.ok(Either.isRight(decode(uai)))
    assert.ok(Uai.isValid(uai))
    assert.strictEqual(uai[7], Uai.CHECK_ALPHABET[Number(uai.slice(0, 7)) % 23])
  })

  it.prop(
    "a wrong check letter is rejected with a message naming the UAI",
    [digitsArb, FastCheck.constantFrom(...Uai.CHECK_ALPHABET)],
    ([digits, letter]) => {
      const code = `${digits}${letter}`
      const result = decode(code)
      if (letter === Uai.checkLetter(digits)) {
        assert.ok(Either.isRight(result))
        return
      }
      assert.ok(Either.isLeft(result))
      assert.include(String(result.left), code)
      assert.notOk(Uai.isValid(code))
    },
  )

  it.prop(
    "anything but 7 digits and a letter is rejected, naming the input",
    [FastCheck.constantFrom("0571994", "571994H", "0571994h", "05719940", "0571994HH", "A571994H", "")],
    ([code]) => {
      const result = decode(code)
      assert.ok(Either.isLeft(result))
      assert.include(String(result.left), `"${code}"`)
      assert.notOk(Uai.isValid(code))
    },
  )
})

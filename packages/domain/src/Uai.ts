/**
 * The UAI (Unité Administrative Immatriculée, formerly RNE): the national code
 * of a school or an administrative unit, 7 digits and a check letter, e.g.
 * `0571994H`.
 *
 * @since 0.1.0
 */
import type * as Brand from "effect/Brand"
import * as Schema from "effect/Schema"

/**
 * The check letters: the Latin alphabet without I, O and Q, which look like
 * digits; the letter of a UAI is this string at (its 7 digits mod 23).
 *
 * @since 0.1.0
 */
export const CHECK_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ"

const shape = /^\d{7}[A-Z]$/

/**
 * The check letter of 7 digits.
 *
 * @example
 * Uai.checkLetter("0571994") // "H"
 * @since 0.1.0
 */
export const checkLetter = (digits: string): string => CHECK_ALPHABET[Number(digits) % CHECK_ALPHABET.length]!

/**
 * Whether a string is a UAI: 7 digits and their check letter.
 *
 * @since 0.1.0
 */
export const isValid = (code: string): boolean => shape.test(code) && checkLetter(code.slice(0, 7)) === code[7]

/** @since 0.1.0 */
export type Uai = string & Brand.Brand<"Uai">

/**
 * A UAI code. Decoding names the rejected code, so a feed line with a mistyped
 * UAI is easy to find.
 *
 * @since 0.1.0
 */
export const Uai: Schema.brand<Schema.filter<Schema.filter<typeof Schema.String>>, "Uai"> = Schema.String.pipe(
  Schema.filter((code) => shape.test(code) || `"${code}" is not a UAI: 7 digits and a check letter are expected`),
  Schema.filter(
    (code) =>
      checkLetter(code.slice(0, 7)) === code[7] ||
      `UAI ${code} has a wrong check letter: ${code.slice(0, 7)} calls for ${checkLetter(code.slice(0, 7))}`,
  ),
  Schema.brand("Uai"),
  Schema.annotations({
    identifier: "Uai",
    description: "A UAI code: 7 digits and a check letter, e.g. 0571994H",
    arbitrary: () => (fc) =>
      fc
        .integer({ min: 0, max: 9_999_999 })
        .map((n) => String(n).padStart(7, "0"))
        .map((digits) => `${digits}${checkLetter(digits)}` as Uai),
  }),
)

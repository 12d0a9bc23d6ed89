/**
 * `ENTPersonFonctions` on staff: `structureId$functionCode$functionLabel$disciplineCode$disciplineLabel`,
 * one value per school and function (`ENS` teaching, `DIR` direction, `EDU`
 * education, `DOC` library, ...).
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type * as Malformed from "./AafMalformed.ts"
import * as Compound from "./internal/compound.ts"

/**
 * One function of a person in one school; the labels and the discipline may be empty.
 *
 * @since 0.1.0
 */
export const AafFunction = Schema.Struct({
  structureId: Schema.String,
  code: Schema.String,
  label: Schema.String,
  disciplineCode: Schema.String,
  disciplineLabel: Schema.String,
})

/** @since 0.1.0 */
export type AafFunction = typeof AafFunction.Type

/**
 * Reads the five fields; the school and the function code must not be empty.
 *
 * @since 0.1.0
 */
export const parse = (value: string): Either.Either<AafFunction, Malformed.AafMalformed> =>
  Either.gen(function* () {
    const parts = yield* Compound.split(
      value,
      5,
      "structureId$functionCode$functionLabel$disciplineCode$disciplineLabel",
    )
    const structureId = yield* Compound.required(parts, 0, "structure id", value)
    const code = yield* Compound.required(parts, 1, "function code", value)
    return { structureId, code, label: parts[2]!, disciplineCode: parts[3]!, disciplineLabel: parts[4]! }
  })

/**
 * Writes the value back as the format has it.
 *
 * @since 0.1.0
 */
export const format = (f: AafFunction): string =>
  `${f.structureId}$${f.code}$${f.label}$${f.disciplineCode}$${f.disciplineLabel}`

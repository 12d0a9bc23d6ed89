/**
 * `ENTEleveDateEntreeClasses` on a pupil: `structureId$dd/mm/yyyy$class`, the day
 * the pupil entered a class.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as AafDate from "./AafDate.ts"
import type * as Malformed from "./AafMalformed.ts"
import * as Compound from "./internal/compound.ts"

/**
 * The entry of a pupil into a class of a school, on a day.
 *
 * @since 0.1.0
 */
export const AafClassEntry = Schema.Struct({
  structureId: Schema.String,
  date: AafDate.AafDate,
  code: Schema.String,
})

/** @since 0.1.0 */
export type AafClassEntry = typeof AafClassEntry.Type

/**
 * Reads `structureId$dd/mm/yyyy$class`; the date is checked to the day.
 *
 * @since 0.1.0
 */
export const parse = (value: string): Either.Either<AafClassEntry, Malformed.AafMalformed> =>
  Either.gen(function* () {
    const parts = yield* Compound.split(value, 3, "structureId$dd/mm/yyyy$class")
    const structureId = yield* Compound.required(parts, 0, "structure id", value)
    const date = yield* AafDate.parse(parts[1]!)
    const code = yield* Compound.required(parts, 2, "class", value)
    return { structureId, date, code }
  })

/**
 * Writes the value back as the format has it.
 *
 * @since 0.1.0
 */
export const format = (entry: AafClassEntry): string =>
  `${entry.structureId}$${AafDate.format(entry.date)}$${entry.code}`

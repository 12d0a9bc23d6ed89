/**
 * `structureId$code`: a class or a group of a school (`ENTEleveClasses`,
 * `ENTEleveGroupes`, `ENTAuxEnsClasses`, `ENTAuxEnsGroupes`), and a class whose
 * principal teacher the person is (`ENTAuxEnsClassesPrincipal`). A class or a
 * group is identified by its school and its code, never by its code alone.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type * as Malformed from "./AafMalformed.ts"
import * as Compound from "./internal/compound.ts"

/**
 * A class or group: the school's jointure id and the code within the school.
 *
 * @since 0.1.0
 */
export const AafMembership = Schema.Struct({
  structureId: Schema.String,
  code: Schema.String,
})

/** @since 0.1.0 */
export type AafMembership = typeof AafMembership.Type

/**
 * Reads `structureId$code`; the left side says why the value does not fit.
 *
 * @since 0.1.0
 */
export const parse = (value: string): Either.Either<AafMembership, Malformed.AafMalformed> =>
  Either.gen(function* () {
    const parts = yield* Compound.split(value, 2, "structureId$code")
    const structureId = yield* Compound.required(parts, 0, "structure id", value)
    const code = yield* Compound.required(parts, 1, "code", value)
    return { structureId, code }
  })

/**
 * Writes the value back as the format has it.
 *
 * @since 0.1.0
 */
export const format = (membership: AafMembership): string => `${membership.structureId}$${membership.code}`

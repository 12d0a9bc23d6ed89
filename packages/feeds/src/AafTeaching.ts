/**
 * `ENTAuxEnsClassesMatieres` / `ENTAuxEnsGroupesMatieres` on a teacher:
 * `structureId$classOrGroup$subjectCode`, what the teacher teaches to which class or group.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type * as Malformed from "./AafMalformed.ts"
import * as Compound from "./internal/compound.ts"

/**
 * A subject taught to a class or a group of a school.
 *
 * @since 0.1.0
 */
export const AafTeaching = Schema.Struct({
  structureId: Schema.String,
  code: Schema.String,
  subjectCode: Schema.String,
})

/** @since 0.1.0 */
export type AafTeaching = typeof AafTeaching.Type

/**
 * Reads `structureId$classOrGroup$subjectCode`, three non-empty fields.
 *
 * @since 0.1.0
 */
export const parse = (value: string): Either.Either<AafTeaching, Malformed.AafMalformed> =>
  Either.gen(function* () {
    const parts = yield* Compound.split(value, 3, "structureId$classOrGroup$subjectCode")
    const structureId = yield* Compound.required(parts, 0, "structure id", value)
    const code = yield* Compound.required(parts, 1, "class or group", value)
    const subjectCode = yield* Compound.required(parts, 2, "subject code", value)
    return { structureId, code, subjectCode }
  })

/**
 * Writes the value back as the format has it.
 *
 * @since 0.1.0
 */
export const format = (t: AafTeaching): string => `${t.structureId}$${t.code}$${t.subjectCode}`

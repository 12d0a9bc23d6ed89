/**
 * `ENTElevePersRelEleve` on a pupil: `relativeId$relation$financial$legal$contact$payment`,
 * one value per relative. The older attributes that repeat these links
 * (`ENTEleveParents`, `ENTElevePere`, ...) are deprecated and not read.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Malformed from "./AafMalformed.ts"
import * as Compound from "./internal/compound.ts"

/**
 * The relation codes that denote a parent (1, 2, 10, 20); the other codes are
 * other relatives or persons in charge.
 *
 * @since 0.1.0
 */
export const PARENT_RELATIONS: ReadonlySet<string> = new Set(["1", "2", "10", "20"])

/**
 * The `legal` field: 0 no parental authority, 1 or 2 parental authority.
 *
 * @since 0.1.0
 */
export const Legal = Schema.Literal(0, 1, 2)

/** @since 0.1.0 */
export type Legal = typeof Legal.Type

/**
 * A pupil's link to one relative, with the flags the format carries.
 *
 * @since 0.1.0
 */
export const AafRelativeLink = Schema.Struct({
  relativeId: Schema.String,
  relation: Schema.String,
  financial: Schema.Boolean,
  legal: Legal,
  contact: Schema.Boolean,
  payment: Schema.Boolean,
})

/** @since 0.1.0 */
export type AafRelativeLink = typeof AafRelativeLink.Type

/**
 * Whether the relative is a parent (relation 1, 2, 10 or 20).
 *
 * @since 0.1.0
 */
export const isParent = (link: AafRelativeLink): boolean => PARENT_RELATIONS.has(link.relation)

/**
 * Whether the relative holds parental authority (`legal` 1 or 2).
 *
 * @since 0.1.0
 */
export const hasParentalAuthority = (link: AafRelativeLink): boolean => link.legal !== 0

const relationShape = /^\d{1,2}$/

/**
 * Reads `relativeId$relation$financial$legal$contact$payment`; the left side says why the value does not fit.
 *
 * @since 0.1.0
 */
export const parse = (value: string): Either.Either<AafRelativeLink, Malformed.AafMalformed> =>
  Either.gen(function* () {
    const parts = yield* Compound.split(value, 6, "relativeId$relation$financial$legal$contact$payment")
    const relativeId = yield* Compound.required(parts, 0, "relative id", value)
    const relation = yield* Compound.required(parts, 1, "relation", value)
    if (!relationShape.test(relation))
      return yield* Either.left(Malformed.value(`"${value}": relation "${relation}" is not a code`))
    const financial = yield* Compound.flag(parts[2]!, "financial", value)
    const legalText = parts[3]!
    if (legalText !== "0" && legalText !== "1" && legalText !== "2") {
      return yield* Either.left(Malformed.value(`"${value}": legal is "${legalText}", 0, 1 or 2 expected`))
    }
    const contact = yield* Compound.flag(parts[4]!, "contact", value)
    const payment = yield* Compound.flag(parts[5]!, "payment", value)
    return { relativeId, relation, financial, legal: Number(legalText) as Legal, contact, payment }
  })

const bit = (b: boolean) => (b ? "1" : "0")

/**
 * Writes the value back as the format has it.
 *
 * @since 0.1.0
 */
export const format = (link: AafRelativeLink): string =>
  `${link.relativeId}$${link.relation}$${bit(link.financial)}$${link.legal}$${bit(link.contact)}$${bit(link.payment)}`

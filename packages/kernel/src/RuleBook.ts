/**
 * Business rules by id, for the core and for a distribution's own: each rule a
 * title and its sources, the ids a Schema for the `ruleId` field of rejections.
 * Tests name the rule they check by starting with its id.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * One rule: a one-line statement and the documents it comes from.
 *
 * @since 0.1.0
 */
export interface Rule {
  readonly title: string
  readonly source: string
}

/**
 * A set of rules keyed by id, and the Schema of those ids.
 *
 * @since 0.1.0
 */
export interface RuleBook<Id extends string> {
  readonly rules: { readonly [K in Id]: Rule }
  readonly ids: ReadonlyArray<Id>
  readonly RuleId: Schema.Schema<Id>
}

/**
 * Builds a rule book from rules keyed by id.
 *
 * @example
 * export const LoanRules = RuleBook.make({
 *   "CDI-1": { title: "Only the school's library staff lends and takes back", source: "distribution" },
 * })
 * class LoanRejected extends Schema.TaggedError<LoanRejected>()("LoanRejected", { ruleId: LoanRules.RuleId }) {}
 * @since 0.1.0
 */
export const make = <const R extends Readonly<Record<string, Rule>>>(rules: R): RuleBook<Extract<keyof R, string>> => {
  type Id = Extract<keyof R, string>
  const ids = Object.keys(rules) as Array<Id>
  const [first, ...rest] = ids
  if (first === undefined) throw new Error("A rule book holds at least one rule")
  return { rules, ids, RuleId: Schema.Literal(first, ...rest) }
}

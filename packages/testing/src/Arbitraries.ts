/**
 * Arbitraries for property tests: Schema-derived (`Arbitrary.make`, with the
 * domain's own generators for UAIs, logins, codes and dates), steered toward a
 * small pool of ids so that random commands meet each other.
 *
 * @since 0.1.0
 */
import * as Arbitrary from "effect/Arbitrary"
import * as FastCheck from "effect/FastCheck"
import type * as Schema from "effect/Schema"

/**
 * Field overrides: for each field name, the arbitrary that replaces the
 * Schema-derived one wherever a command has that field.
 *
 * @since 0.1.0
 */
export type Pool = Readonly<Record<string, FastCheck.Arbitrary<unknown>>>

/**
 * An arbitrary of one Schema with some fields drawn from a pool.
 *
 * @since 0.1.0
 */
export const fromSchema = <A, I>(schema: Schema.Schema<A, I>, pool: Pool = {}): FastCheck.Arbitrary<A> => {
  const base = Arbitrary.make(schema)
  return base.chain((value) => {
    if (typeof value !== "object" || value === null) return FastCheck.constant(value)
    const overrides: Record<string, FastCheck.Arbitrary<unknown>> = {}
    for (const key of Object.keys(pool)) if (key in value) overrides[key] = pool[key]!
    return FastCheck.record(overrides).map((picked) => ({ ...value, ...picked }) as A)
  })
}

/**
 * An arbitrary of any of the given Schemas (e.g. every command of an aggregate),
 * each steered by the pool.
 *
 * @since 0.1.0
 */
export const oneOf = <S extends Schema.Schema.AnyNoContext>(
  schemas: Readonly<Record<string, S>>,
  pool: Pool = {},
): FastCheck.Arbitrary<Schema.Schema.Type<S>> =>
  FastCheck.oneof(
    ...Object.values(schemas).map((schema) =>
      fromSchema(schema as Schema.Schema<Schema.Schema.Type<S>, Schema.Schema.Encoded<S>>, pool),
    ),
  )

/**
 * Arbitraries for property tests: Schema-derived (`Arbitrary.make`, with the
 * domain's own generators for UAIs, logins, codes and dates), steered toward a
 * small pool of ids so that random commands meet each other.
 *
 * @since 0.1.0
 */
import type * as Actor from "@cartable/domain/Actor"
import { AccountId, type GroupId, type StructureId } from "@cartable/domain/Ids"
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

/**
 * What {@link actor} draws scopes from: the structure ids administrator,
 * direction and teacher roles name (include right and wrong ones, and ids of
 * every level, so that a school id also shows up as a district scope), and the
 * groups teacher roles list.
 *
 * @since 0.1.0
 */
export interface ActorScopes {
  readonly structureIds: ReadonlyArray<StructureId>
  readonly groupIds: ReadonlyArray<GroupId>
  readonly accountIds?: ReadonlyArray<AccountId>
}

/**
 * One role of any kind: administrator of any level with any scope from the pool
 * (or none), direction or teacher of a structure of the pool, inspector, system.
 *
 * @since 0.1.0
 */
export const role = (scopes: ActorScopes): FastCheck.Arbitrary<Actor.Role> => {
  const structureId = FastCheck.constantFrom(...scopes.structureIds)
  return FastCheck.oneof(
    {
      weight: 4,
      arbitrary: FastCheck.record(
        {
          _tag: FastCheck.constant("Administrator" as const),
          level: FastCheck.constantFrom<Actor.AdminLevel>("School", "District", "Department", "Academy", "Platform"),
          scopeId: structureId,
        },
        { requiredKeys: ["_tag", "level"] },
      ),
    },
    { weight: 1, arbitrary: FastCheck.record({ _tag: FastCheck.constant("Direction" as const), structureId }) },
    {
      weight: 1,
      arbitrary: FastCheck.record({
        _tag: FastCheck.constant("Teacher" as const),
        structureId,
        groupIds: FastCheck.uniqueArray(FastCheck.constantFrom(...scopes.groupIds), { maxLength: 3 }),
      }),
    },
    { weight: 1, arbitrary: FastCheck.constant({ _tag: "Inspector" as const }) },
    {
      weight: 1,
      arbitrary: FastCheck.record({
        _tag: FastCheck.constant("System" as const),
        process: FastCheck.constantFrom("aaf", "sts-edt", "report-follow-up"),
      }),
    },
  )
}

/**
 * Actors of every role kind, with zero to three roles over right and wrong
 * scopes: the input space of a permission check (CONVENTIONS.md 17).
 *
 * @since 0.1.0
 */
export const actor = (scopes: ActorScopes): FastCheck.Arbitrary<Actor.Actor> =>
  FastCheck.record({
    accountId: FastCheck.constantFrom(
      ...(scopes.accountIds ?? ["acc-1", "acc-2", "acc-3"].map((id) => AccountId.make(id))),
    ),
    roles: FastCheck.array(role(scopes), { maxLength: 3 }),
  })

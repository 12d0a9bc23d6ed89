/**
 * Every document a query of a collection matches, page after page: for the
 * queries whose answer is small by nature (a group's members, a person's groups).
 */
import type * as ReadModel from "@cartable/projections/ReadModel"
import type { ReadModelError } from "@cartable/projections/ReadModelStore"
import * as Effect from "effect/Effect"

const PAGE = 500

/** Every document of the query, in the store's order (by key within an index value), `pageSize` a read. */
export const everything = <A, Idx extends string>(
  reader: ReadModel.Reader<A, Idx>,
  query: Omit<ReadModel.TypedQuery<Idx>, "after" | "limit">,
  pageSize = PAGE,
): Effect.Effect<ReadonlyArray<A>, ReadModelError> =>
  Effect.gen(function* () {
    const all: Array<A> = []
    let after: string | undefined
    do {
      const page = yield* reader.find({ ...query, after, limit: pageSize })
      all.push(...page.documents)
      after = page.next
    } while (after !== undefined)
    return all
  })

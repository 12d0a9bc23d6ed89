/**
 * Pages of a read model filtered beyond what one index scan says: the scan
 * gives the order, a predicate drops what other filters refuse, and the cursor
 * is where the scan stopped, so that no document is seen twice or skipped.
 *
 * @since 0.1.0
 */
import type * as ReadModel from "@cartable/projections/ReadModel"
import { ReadModelError } from "@cartable/projections/ReadModelStore"
import * as Effect from "effect/Effect"

/**
 * One prefix scan of an index. With `valuesOf` (the document's values of that
 * index), a document found under several values matching the prefix is given
 * once, under the least of them.
 *
 * @since 0.1.0
 */
export interface Scan<A, Idx extends string> {
  readonly index: Idx
  readonly prefix: string
  readonly valuesOf?: ((document: A) => ReadonlyArray<string>) | undefined
}

/** Where a page stopped: the store's cursor, and the (value, key) of the last row for deduplicating scans. */
interface Cursor {
  readonly s: string
  readonly v?: string | undefined
  readonly k?: string | undefined
}

const encode = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url")

const decode = (cursor: string): Effect.Effect<Cursor, ReadModelError> =>
  Effect.try({
    try: () => {
      const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"))
      if (typeof parsed !== "object" || parsed === null || typeof (parsed as Cursor).s !== "string") {
        throw new TypeError("not a cursor")
      }
      return parsed as Cursor
    },
    catch: (cause) =>
      new ReadModelError({
        reason: "InvalidArgument",
        message: "The cursor is not the `next` of a page of this read model",
        cause,
      }),
  })

/**
 * A page size between 1 and `max`, `fallback` when absent; out-of-range values are clamped.
 *
 * @since 0.1.0
 */
export const limitOf = (limit: number | undefined, fallback: number, max: number): number =>
  limit === undefined || !Number.isFinite(limit) ? fallback : Math.max(1, Math.min(max, Math.floor(limit)))

const before = (v1: string, k1: string, v2: string, k2: string) => v1 < v2 || (v1 === v2 && k1 < k2)

/**
 * Up to `limit` documents of the scan that `keep` accepts, and the cursor after
 * them. It asks the store for as many rows as are still missing, so that the
 * store's cursor is exactly past the last row read.
 *
 * @since 0.1.0
 */
export const collect = <A extends { readonly id: string }, Idx extends string>(
  reader: ReadModel.Reader<A, Idx>,
  scan: Scan<A, Idx>,
  keep: (document: A) => boolean,
  options: { readonly after?: string | undefined; readonly limit: number },
): Effect.Effect<{ readonly documents: ReadonlyArray<A>; readonly next?: string | undefined }, ReadModelError> =>
  Effect.gen(function* () {
    const start = options.after === undefined ? undefined : yield* decode(options.after)
    let storeCursor = start?.s
    let lastValue = start?.v ?? ""
    let lastKey = start?.k ?? ""
    const documents: Array<A> = []
    do {
      const page = yield* reader.find({
        index: scan.index,
        prefix: scan.prefix,
        after: storeCursor,
        limit: options.limit - documents.length,
      })
      for (const document of page.documents) {
        if (scan.valuesOf !== undefined) {
          // The store gives rows by (value, key): this row is the first value of the document after the last row.
          const matching = scan
            .valuesOf(document)
            .filter((value) => value.startsWith(scan.prefix))
            .sort()
          const value =
            matching.find((candidate) => before(lastValue, lastKey, candidate, document.id)) ?? matching[0] ?? ""
          lastValue = value
          lastKey = document.id
          if (value !== matching[0]) continue
        }
        if (keep(document)) documents.push(document)
      }
      storeCursor = page.next
    } while (storeCursor !== undefined && documents.length < options.limit)
    return {
      documents,
      next:
        storeCursor === undefined
          ? undefined
          : encode(scan.valuesOf === undefined ? { s: storeCursor } : { s: storeCursor, v: lastValue, k: lastKey }),
    }
  })

/**
 * The reads a handler chains to look at several of its own documents. Private
 * to the report queue, the news feed and the audit trail.
 */
import type { Change, Writer } from "@cartable/projections/Projection"

/**
 * Reads the documents of `keys` one after the other (a handler reads one key
 * at a time) and gives the changes that follow from all of them.
 */
export const readEach = <A>(
  writer: Writer<A>,
  keys: ReadonlyArray<string>,
  next: (found: ReadonlyArray<A>) => ReadonlyArray<Change>,
  found: ReadonlyArray<A> = [],
): ReadonlyArray<Change> => {
  const [first, ...rest] = keys
  if (first === undefined) return next(found)
  return [
    writer.read(first, (current) => readEach(writer, rest, next, current === undefined ? found : [...found, current])),
  ]
}

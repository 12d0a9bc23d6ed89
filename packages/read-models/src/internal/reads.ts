/**
 * The reads a handler chains to look at several of its own documents, and an
 * update that is safe after a read. Private to the report queue, the news feed
 * and the audit trail.
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

/**
 * An update for the changes that follow a read. The runtime loads the documents
 * of the changes a handler returns before applying them, and a read's own key,
 * but not the keys of updates a read's continuation returns: such an update
 * would see `undefined` for a stored document. Reading the key first loads it.
 */
export const updateAfterRead = <A>(
  writer: Writer<A>,
  key: string,
  update: (current: A | undefined) => A | undefined,
): Change => writer.read(key, () => writer.update(key, update))

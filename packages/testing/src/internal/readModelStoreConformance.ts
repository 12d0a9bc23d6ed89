import * as EventStoreDriver from "@cartable/eventlog/EventStoreDriver"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import { assert, type Vitest } from "@effect/vitest"
import * as Effect from "effect/Effect"

/** The `it` of the read-model conformance suite: its tests run with the store and the driver of one layer. */
export type SuiteIt = Vitest.MethodsNonLive<ReadModelStore.ReadModelStore | EventStoreDriver.EventStoreDriver, true>

export const services = Effect.all({
  store: ReadModelStore.ReadModelStore,
  driver: EventStoreDriver.EventStoreDriver,
})

export type Failure = ReadModelStore.ReadModelError | ReadModelStore.CheckpointConflict

/** Asserts a ReadModelError of `reason` whose message stays short whatever the input's size. */
export const assertReason = (error: Failure, reason: ReadModelStore.ReadModelErrorReason, what: string): void => {
  assert.strictEqual(error._tag, "ReadModelError", `${what}: ${error.message}`)
  assert.strictEqual((error as ReadModelStore.ReadModelError).reason, reason, `${what}: ${error.message}`)
  assert.isBelow(error.message.length, 400, `${what}: the message echoes its input`)
}

/** Table names unique to a run of the suite, so that it can share a store with other tests. */
export const makeNames = (): ((label: string) => string) => {
  const run = Math.random().toString(36).slice(2, 8)
  let counter = 0
  return (label) => `${label}_${run}_${counter++}`
}

/** A document whose body names its key and a version, found under `index`. */
export const doc = (
  key: string,
  index: Readonly<Record<string, ReadonlyArray<string>>> = {},
  version = 1,
): ReadModelStore.StoredDocument => ({ key, body: JSON.stringify({ key, version }), index })

/** Writes documents to a table in one commit. */
export const put = (table: string, documents: ReadonlyArray<ReadModelStore.StoredDocument>) =>
  Effect.flatMap(ReadModelStore.ReadModelStore, (store) =>
    store.commit({ changes: [{ table, put: documents, delete: [] }] }),
  )

/** Every page of a query, `sizes` giving the page sizes in turn (the last one repeats). */
export const readAllPages = (
  table: string,
  query: Omit<ReadModelStore.Query, "after" | "limit">,
  sizes: ReadonlyArray<number>,
) =>
  Effect.gen(function* () {
    const store = yield* ReadModelStore.ReadModelStore
    const documents: Array<ReadModelStore.StoredDocument> = []
    let after: string | undefined
    for (let page = 0; ; page++) {
      const limit = sizes[Math.min(page, sizes.length - 1)]!
      const result = yield* store.find(table, { ...query, limit, ...(after === undefined ? {} : { after }) })
      assert.isAtMost(result.documents.length, limit)
      documents.push(...result.documents)
      if (result.next === undefined) return documents
      // A page followed by another is full.
      assert.strictEqual(result.documents.length, limit)
      after = result.next
    }
  })

/**
 * Every page of a query read as entries (keys and matched values), `sizes`
 * giving the page sizes in turn; with `mixed`, every other page is read with
 * `find` from the same cursor (a cursor of one continues the other).
 */
export const readAllEntries = (
  table: string,
  query: Omit<ReadModelStore.Query, "after" | "limit">,
  sizes: ReadonlyArray<number>,
  mixed: boolean,
) =>
  Effect.gen(function* () {
    const store = yield* ReadModelStore.ReadModelStore
    const entries: Array<ReadModelStore.Entry> = []
    let after: string | undefined
    for (let page = 0; ; page++) {
      const limit = sizes[Math.min(page, sizes.length - 1)]!
      const asked = { ...query, limit, ...(after === undefined ? {} : { after }) }
      const result =
        mixed && page % 2 === 1
          ? yield* Effect.map(store.find(table, asked), (found) => ({
              // A document's matched value is not in a page of documents: only its key is compared.
              entries: found.documents.map((d) => ({ key: d.key, value: "(find)" })),
              next: found.next,
            }))
          : yield* store.entries(table, asked)
      assert.isAtMost(result.entries.length, limit)
      entries.push(...result.entries)
      if (result.next === undefined) return entries
      assert.strictEqual(result.entries.length, limit)
      after = result.next
    }
  })

/**
 * The oracle of order: strings compared by their code points, written apart from
 * the stores' own comparison (which adjusts UTF-16 units).
 */
export const byCodePoints = (a: string, b: string): number => {
  const x = Array.from(a, (c) => c.codePointAt(0)!)
  const y = Array.from(b, (c) => c.codePointAt(0)!)
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!
  return x.length - y.length
}

/** What a query returns, computed from the documents alone (the model of the property tests). */
export const model = (
  documents: ReadonlyArray<ReadModelStore.StoredDocument>,
  query: Omit<ReadModelStore.Query, "after" | "limit">,
): ReadonlyArray<string> => modelEntries(documents, query).map((entry) => entry.key)

/** The entries a query returns (keys and matched values), computed from the documents alone. */
export const modelEntries = (
  documents: ReadonlyArray<ReadModelStore.StoredDocument>,
  query: Omit<ReadModelStore.Query, "after" | "limit">,
): ReadonlyArray<ReadModelStore.Entry> => {
  if (query.index === undefined) {
    return documents
      .map((d) => d.key)
      .sort(byCodePoints)
      .map((key) => ({ key, value: undefined }))
  }
  const index = query.index
  const rows = documents.flatMap((d) => [...new Set(d.index[index] ?? [])].map((value) => [value, d.key] as const))
  const matching = rows.filter(([value]) =>
    query.equals !== undefined ? value === query.equals : value.startsWith(query.prefix ?? ""),
  )
  return matching
    .sort((a, b) => byCodePoints(a[0], b[0]) || byCodePoints(a[1], b[1]))
    .map(([value, key]) => ({ key, value }))
}

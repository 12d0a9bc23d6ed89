import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type {
  Backend,
  Checkpoint,
  Entry,
  Filter,
  Found,
  ReadModelStore,
  Scan,
  StoredDocument,
} from "../ReadModelStore.ts"
import { CheckpointConflict, type ReadModelError } from "../ReadModelStore.ts"
import { compare, compareEntries } from "./codePoint.ts"
import type { MemoryTransaction } from "./memoryTransaction.ts"
import { fromBackend, keyTaken, unknownIndex, unknownTable } from "./storeValidation.ts"

type IndexEntry = readonly [value: string, key: string]

interface Table {
  readonly indexes: Set<string>
  readonly documents: Map<string, StoredDocument>
  // Sorted views, rebuilt on the first read after a write.
  keys: Array<string> | undefined
  entries: Map<string, Array<IndexEntry>> | undefined
}

interface Lease {
  readonly holder: string
  readonly expiresAt: number
}

/** The first index of a sorted array whose element is not before the bound (`below` says "before"). */
const search = <A>(array: ReadonlyArray<A>, below: (element: A) => boolean): number => {
  let low = 0
  let high = array.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (below(array[middle]!)) low = middle + 1
    else high = middle
  }
  return low
}

const sortedKeys = (table: Table): ReadonlyArray<string> => {
  if (table.keys === undefined) table.keys = [...table.documents.keys()].sort(compare)
  return table.keys
}

const sortedEntries = (table: Table, index: string): ReadonlyArray<IndexEntry> => {
  if (table.entries === undefined) {
    const entries = new Map<string, Array<IndexEntry>>()
    for (const name of table.indexes) entries.set(name, [])
    for (const document of table.documents.values()) {
      for (const [name, values] of Object.entries(document.index)) {
        const list = entries.get(name)
        if (list !== undefined) for (const value of values) list.push([value, document.key])
      }
    }
    for (const list of entries.values()) list.sort(compareEntries)
    table.entries = entries
  }
  return table.entries.get(index) ?? []
}

/** The entries of an indexed filter from its start (or after the cursor), and whether an entry still matches. */
const range = (
  table: Table,
  filter: Exclude<Filter, { readonly _tag: "All" }>,
  after: Scan["after"],
): {
  readonly entries: ReadonlyArray<IndexEntry>
  readonly start: number
  readonly matches: (entry: IndexEntry) => boolean
} => {
  const entries = sortedEntries(table, filter.index)
  const from: IndexEntry =
    after === undefined
      ? [filter._tag === "Equals" ? filter.value : filter.prefix, ""]
      : [after.value ?? (filter._tag === "Equals" ? filter.value : ""), after.key]
  const start =
    after === undefined
      ? search(entries, (entry) => compareEntries(entry, from) < 0)
      : search(entries, (entry) => compareEntries(entry, from) <= 0)
  const matches =
    filter._tag === "Equals"
      ? (entry: IndexEntry) => entry[0] === filter.value
      : (entry: IndexEntry) => entry[0].startsWith(filter.prefix)
  return { entries, start, matches }
}

/** The rows of a scan, keys and matched values, in the order of a query. */
const scanned = (table: Table, scan: Scan): ReadonlyArray<Entry> => {
  const filter = scan.filter
  if (filter._tag === "All") {
    const keys = sortedKeys(table)
    const after = scan.after
    const start = after === undefined ? 0 : search(keys, (key) => compare(key, after.key) <= 0)
    return keys.slice(start, start + scan.limit).map((key) => ({ key, value: undefined }))
  }
  const { entries, matches, start } = range(table, filter, scan.after)
  const found: Array<Entry> = []
  for (let i = start; i < entries.length && found.length < scan.limit && matches(entries[i]!); i++) {
    const [value, key] = entries[i]!
    found.push({ key, value })
  }
  return found
}

/** The memory backend over a transaction (its own, or one shared with the event driver). */
export const make = (transaction: MemoryTransaction): ReadModelStore.Service => {
  const tables = new Map<string, Table>()
  const checkpoints = new Map<string, Checkpoint>()
  const leases = new Map<string, Lease>()
  const { guard, record } = transaction

  const changed = (table: Table): void => {
    table.keys = undefined
    table.entries = undefined
  }

  const tableOf = (name: string) =>
    Effect.suspend(() => {
      const table = tables.get(name)
      return table === undefined ? Effect.fail(unknownTable(name)) : Effect.succeed(table)
    })

  const indexedTable = (name: string, filter: Filter) =>
    Effect.flatMap(tableOf(name), (table) =>
      filter._tag === "All" || table.indexes.has(filter.index)
        ? Effect.succeed(table)
        : Effect.fail(unknownIndex(name, filter.index)),
    )

  const setCheckpoint = (id: string, next: Checkpoint | undefined): void => {
    const previous = checkpoints.get(id)
    if (next === undefined) checkpoints.delete(id)
    else checkpoints.set(id, next)
    record(() => {
      if (previous === undefined) checkpoints.delete(id)
      else checkpoints.set(id, previous)
    })
  }

  const setLease = (id: string, next: Lease | undefined): void => {
    const previous = leases.get(id)
    if (next === undefined) leases.delete(id)
    else leases.set(id, next)
    record(() => {
      if (previous === undefined) leases.delete(id)
      else leases.set(id, previous)
    })
  }

  const setDocument = (table: Table, key: string, next: StoredDocument | undefined): void => {
    const previous = table.documents.get(key)
    if (previous === undefined && next === undefined) return
    if (next === undefined) table.documents.delete(key)
    else table.documents.set(key, next)
    changed(table)
    record(() => {
      if (previous === undefined) table.documents.delete(key)
      else table.documents.set(key, previous)
      changed(table)
    })
  }

  const backend: Backend = {
    ensureTable: (spec) =>
      guard(
        Effect.sync(() => {
          const existing = tables.get(spec.name)
          if (existing === undefined) {
            tables.set(spec.name, {
              indexes: new Set(spec.indexes),
              documents: new Map(),
              keys: undefined,
              entries: undefined,
            })
            record(() => tables.delete(spec.name))
            return
          }
          const added = spec.indexes.filter((index) => !existing.indexes.has(index))
          for (const index of added) existing.indexes.add(index)
          changed(existing)
          record(() => {
            for (const index of added) existing.indexes.delete(index)
            changed(existing)
          })
        }),
      ),
    dropTable: (name) =>
      guard(
        Effect.sync(() => {
          const existing = tables.get(name)
          if (existing === undefined) return
          tables.delete(name)
          record(() => tables.set(name, existing))
        }),
      ),
    tables: guard(Effect.sync(() => [...tables.keys()].sort(compare))),
    get: (name, keys) =>
      guard(
        Effect.map(tableOf(name), (table) =>
          keys.flatMap((key) => {
            const document = table.documents.get(key)
            return document === undefined ? [] : [document]
          }),
        ),
      ),
    find: (name, scan) =>
      guard(
        Effect.map(
          indexedTable(name, scan.filter),
          (table): ReadonlyArray<Found> =>
            scanned(table, scan).map(({ key, value }) => ({ document: table.documents.get(key)!, value })),
        ),
      ),
    entries: (name, scan) => guard(Effect.map(indexedTable(name, scan.filter), (table) => scanned(table, scan))),
    count: (name, filter) =>
      guard(
        Effect.map(indexedTable(name, filter), (table) => {
          if (filter._tag === "All") return table.documents.size
          const { entries, matches, start } = range(table, filter, undefined)
          let end = start
          while (end < entries.length && matches(entries[end]!)) end++
          return end - start
        }),
      ),
    commit: (commit) =>
      guard(
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.suspend((): Effect.Effect<void, ReadModelError | CheckpointConflict> => {
            // Everything is checked before anything is written: a commit is all or nothing.
            const targets: Array<Table> = []
            for (const changes of commit.changes) {
              const table = tables.get(changes.table)
              if (table === undefined) return Effect.fail(unknownTable(changes.table))
              for (const document of [...changes.put, ...(changes.insert ?? [])]) {
                for (const index of Object.keys(document.index)) {
                  if (!table.indexes.has(index)) return Effect.fail(unknownIndex(changes.table, index))
                }
              }
              const taken = changes.insert?.find((document) => table.documents.has(document.key))
              if (taken !== undefined) return Effect.fail(keyTaken(changes.table, taken.key))
              targets.push(table)
            }
            const move = commit.checkpoint
            if (move !== undefined) {
              const actual = checkpoints.get(move.id)?.position ?? 0
              if (actual !== move.from) {
                return Effect.fail(new CheckpointConflict({ id: move.id, expected: move.from, actual }))
              }
            }
            commit.changes.forEach((changes, i) => {
              const table = targets[i]!
              for (const key of changes.delete) setDocument(table, key, undefined)
              for (const document of changes.put) setDocument(table, document.key, document)
              for (const document of changes.insert ?? []) setDocument(table, document.key, document)
            })
            if (move !== undefined) setCheckpoint(move.id, { id: move.id, position: move.to, updatedAt: now })
            return Effect.void
          }),
        ),
      ),
    checkpoint: (id) => guard(Effect.sync(() => Option.fromNullable(checkpoints.get(id)))),
    checkpoints: guard(Effect.sync(() => [...checkpoints.values()].sort((a, b) => compare(a.id, b.id)))),
    resetCheckpoint: (id) => guard(Effect.sync(() => setCheckpoint(id, undefined))),
    acquireLease: (id, holder, ttlMillis) =>
      guard(
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.sync(() => {
            const lease = leases.get(id)
            if (lease !== undefined && lease.holder !== holder && lease.expiresAt > now) return false
            setLease(id, { holder, expiresAt: now + ttlMillis })
            return true
          }),
        ),
      ),
    releaseLease: (id, holder) =>
      guard(
        Effect.sync(() => {
          if (leases.get(id)?.holder === holder) setLease(id, undefined)
        }),
      ),
    leases: guard(
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.sync(() =>
          [...leases.entries()]
            .filter(([, lease]) => lease.expiresAt > now)
            .map(([id, lease]) => ({ id, holder: lease.holder, expiresAt: lease.expiresAt }))
            .sort((a, b) => compare(a.id, b.id)),
        ),
      ),
    ),
    withTransaction: transaction.withTransaction,
  }
  return fromBackend(backend)
}

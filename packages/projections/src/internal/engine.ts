import type { RecordedEvent } from "@cartable/eventlog/RecordedEvent"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Projection from "../Projection.ts"
import { ProjectionFailed } from "../ProjectionError.ts"
import * as ReadModel from "../ReadModel.ts"
import type { ReadModelError, StoredDocument, TableChanges } from "../ReadModelStore.ts"
import { keyTaken } from "./storeValidation.ts"

/** Loads the stored documents of these keys of a table (the ones that exist). */
export type Load = (
  table: string,
  keys: ReadonlyArray<string>,
) => Effect.Effect<ReadonlyArray<StoredDocument>, ReadModelError>

/**
 * What a batch of events gives: the table changes of the events applied, the
 * position of the last of them (`undefined`: none), and the failure that
 * stopped the batch, if one did.
 */
export interface Applied {
  readonly changes: ReadonlyArray<TableChanges>
  readonly lastApplied: number | undefined
  readonly failure: ProjectionFailed | undefined
}

interface Entry {
  readonly document: unknown
  readonly by: RecordedEvent
  /** Written by an insert: the store writes it only where the key is free. */
  readonly insert?: boolean
}

const reasonOf = (cause: unknown): string =>
  ParseResult.isParseError(cause) ? cause.message : cause instanceof Error ? cause.message : String(cause)

const failed = (projection: Projection.Projection.Any, recorded: RecordedEvent, reason: string, cause?: unknown) =>
  new ProjectionFailed({
    projection: projection.name,
    version: projection.version,
    position: recorded.position,
    streamName: recorded.streamName,
    eventType: recorded.type,
    reason,
    ...(cause === undefined ? {} : { cause }),
  })

/**
 * Applies a batch of events, in order, to the documents they touch: the
 * handlers give the changes, the documents that updates read are loaded in one
 * call per table, the changes are folded in memory, and what changed is
 * encoded. A failure keeps what the events before it did.
 */
export const apply = (
  projection: Projection.Projection.Any,
  events: ReadonlyArray<RecordedEvent>,
  load: Load,
): Effect.Effect<Applied, ReadModelError> =>
  Effect.gen(function* () {
    /** Applies the events before `recorded` alone, and stops at it. */
    const stopAt = (recorded: RecordedEvent, reason: string, cause: unknown) =>
      Effect.map(
        apply(projection, events.slice(0, events.indexOf(recorded)), load),
        (before): Applied => ({ ...before, failure: before.failure ?? failed(projection, recorded, reason, cause) }),
      )

    // 1. The changes of every event the projection reads; a handler that throws stops the batch there.
    const batch: Array<{ readonly recorded: RecordedEvent; readonly changes: ReadonlyArray<Projection.Change> }> = []
    let considered = events.length
    let failure: ProjectionFailed | undefined
    for (let i = 0; i < events.length; i++) {
      const recorded = events[i]!
      if (!projection.eventTypes.has(recorded.type)) continue
      try {
        batch.push({ recorded, changes: projection.changes(recorded) })
      } catch (cause) {
        failure = failed(projection, recorded, `its handler threw: ${reasonOf(cause)}`, cause)
        considered = i
        break
      }
    }

    // 2. The current documents the updates and reads ask for, one load per table; later reads load on demand.
    const loaded = new Map<string, Map<string, unknown>>()
    /** Loads the documents of these keys not loaded yet; a stored document that does not decode is returned. */
    const ensureLoaded = (alias: string, keys: Iterable<string>) =>
      Effect.gen(function* () {
        const documents = entryOf(loaded, alias, () => new Map<string, unknown>())
        const missing = [...new Set(keys)].filter((key) => !documents.has(key))
        if (missing.length === 0) return undefined
        const collection = collectionOf(projection, alias)
        const stored = yield* load(Projection.tableOf(projection, alias), missing)
        for (const key of missing) documents.set(key, undefined)
        for (const document of stored) {
          try {
            documents.set(document.key, ReadModel.decodeDocument(collection, document))
          } catch (cause) {
            return { key: document.key, name: collection.name, cause }
          }
        }
        return undefined
      })
    const undecodable = (recorded: RecordedEvent, bad: { key: string; name: string; cause: unknown }) =>
      stopAt(
        recorded,
        `the stored document "${bad.key}" of ${bad.name} does not decode (a Schema changed without a new projection version?): ${reasonOf(bad.cause)}`,
        bad.cause,
      )
    const wanted = new Map<string, Set<string>>()
    const firstWanting = new Map<string, RecordedEvent>()
    for (const { recorded, changes } of batch) {
      for (const change of changes) {
        if (change._tag !== "Update" && change._tag !== "Read" && change._tag !== "Insert") continue
        // An insert loads its key to refuse a claim already held.
        const key = change._tag === "Insert" ? keyOf(projection, change.collection, change.document) : change.key
        if (key === undefined) continue
        entryOf(wanted, change.collection, () => new Set<string>()).add(key)
        if (!firstWanting.has(`${change.collection}\u0000${key}`)) {
          firstWanting.set(`${change.collection}\u0000${key}`, recorded)
        }
      }
    }
    for (const [alias, keys] of wanted) {
      const bad = yield* ensureLoaded(alias, keys)
      if (bad !== undefined) return yield* undecodable(firstWanting.get(`${alias}\u0000${bad.key}`)!, bad)
    }

    // 3. The changes folded in memory, an event's all or nothing.
    const working = new Map<string, Map<string, Entry>>()
    const current = (alias: string, key: string): unknown => {
      const entry = working.get(alias)?.get(key)
      return entry !== undefined ? entry.document : loaded.get(alias)?.get(key)
    }
    for (const { recorded, changes } of batch) {
      if (failure !== undefined && recorded.position >= failure.position) break
      const staged = new Map<string, Map<string, Entry>>()
      const stagedOrCurrent = (alias: string, key: string): unknown => {
        const entry = staged.get(alias)?.get(key)
        return entry !== undefined ? entry.document : current(alias, key)
      }
      const stage = (alias: string, key: string, document: unknown, insert = false) => {
        entryOf(staged, alias, () => new Map<string, Entry>()).set(key, { document, by: recorded, insert })
      }
      // A read's changes come right after it, before the event's next changes.
      const queue: Array<Projection.Change> = [...changes]
      let refused: unknown
      while (queue.length > 0 && refused === undefined) {
        const change = queue.shift()!
        // A read's continuation may update, read or insert keys step 2 did not load: load them now.
        if (change._tag === "Read" || change._tag === "Insert" || change._tag === "Update") {
          const key = change._tag === "Insert" ? keyOf(projection, change.collection, change.document) : change.key
          const bad = key === undefined ? undefined : yield* ensureLoaded(change.collection, [key])
          if (bad !== undefined) return yield* undecodable(recorded, bad)
        }
        try {
          const collection = collectionOf(projection, change.collection)
          switch (change._tag) {
            case "Put": {
              stage(change.collection, collection.key(change.document), change.document)
              break
            }
            case "Insert": {
              const key = collection.key(change.document)
              if (stagedOrCurrent(change.collection, key) !== undefined)
                throw keyTaken(Projection.tableOf(projection, change.collection), key)
              stage(change.collection, key, change.document, true)
              break
            }
            case "Update": {
              const next = change.update(stagedOrCurrent(change.collection, change.key))
              if (next !== undefined && collection.key(next) !== change.key) {
                throw new Error(
                  `an update of "${change.key}" in ${collection.name} returned a document of key "${collection.key(next)}"`,
                )
              }
              stage(change.collection, change.key, next)
              break
            }
            case "Remove": {
              stage(change.collection, change.key, undefined)
              break
            }
            case "Read": {
              const next = change.next(stagedOrCurrent(change.collection, change.key))
              queue.unshift(...next)
              break
            }
          }
        } catch (cause) {
          refused = cause
        }
      }
      if (refused !== undefined) {
        failure = failed(projection, recorded, reasonOf(refused), refused)
        considered = events.indexOf(recorded)
        break
      }
      for (const [alias, entries] of staged) {
        const target = entryOf(working, alias, () => new Map<string, Entry>())
        for (const [key, entry] of entries) target.set(key, entry)
      }
    }

    // 4. What changed, encoded; a document that does not encode stops the batch at the event that wrote it.
    const changes: Array<TableChanges> = []
    for (const [alias, entries] of working) {
      const collection = collectionOf(projection, alias)
      const put: Array<StoredDocument> = []
      const insert: Array<StoredDocument> = []
      const remove: Array<string> = []
      for (const [key, entry] of entries) {
        if (entry.document === undefined) {
          remove.push(key)
          continue
        }
        try {
          // A claim of a key the store holds (removed earlier in the batch) overwrites it; a free one is inserted.
          const target = entry.insert === true && loaded.get(alias)?.get(key) === undefined ? insert : put
          target.push(ReadModel.encodeDocument(collection, entry.document))
        } catch (cause) {
          return yield* stopAt(entry.by, `a document of ${collection.name} does not encode: ${reasonOf(cause)}`, cause)
        }
      }
      changes.push({
        table: Projection.tableOf(projection, alias),
        put,
        delete: remove,
        ...(insert.length === 0 ? {} : { insert }),
      })
    }
    return { changes, lastApplied: considered === 0 ? undefined : events[considered - 1]!.position, failure }
  })

/** The key of a document to insert, or undefined when its collection's key function throws (refused later). */
const keyOf = (projection: Projection.Projection.Any, alias: string, document: unknown): string | undefined => {
  try {
    return collectionOf(projection, alias).key(document)
  } catch {
    return undefined
  }
}

const collectionOf = (projection: Projection.Projection.Any, alias: string) => {
  const collection = projection.collections[alias]
  if (collection === undefined) throw new Error(`Projection ${projection.name} has no collection "${alias}"`)
  return collection
}

/** The value of `key` in `map`, created by `make` when absent. */
const entryOf = <K, V>(map: Map<K, V>, key: K, make: () => V): V => {
  const found = map.get(key)
  if (found !== undefined) return found
  const made = make()
  map.set(key, made)
  return made
}

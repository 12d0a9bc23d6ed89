/**
 * The read-model store port: where projections keep their documents and their
 * checkpoints. It stores encoded documents only (a key, a JSON body, the values
 * of the declared indexes); the typed read models above it encode and decode
 * with Schema, as the typed event store does over its driver.
 *
 * Why documents with indexed fields rather than typed tables: docs/architecture.md.
 *
 * @since 0.1.0
 */
import type { EventStoreDriver } from "@cartable/eventlog/EventStoreDriver"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as MemoryLayer from "./internal/memoryLayer.ts"
import * as StoreValidation from "./internal/storeValidation.ts"

/**
 * A table of documents and the names of its indexes. A table name is 1 to 48
 * characters of `[a-z0-9_]`, starting with a letter, and does not start with
 * `cartable_` (the store's own tables); 48 leaves room for the SQL stores'
 * prefixes and suffixes within PostgreSQL's 63-byte identifiers. Index names
 * follow the same rule, up to 63 characters.
 *
 * @since 0.1.0
 */
export interface TableSpec {
  readonly name: string
  readonly indexes: ReadonlyArray<string>
}

/**
 * A document as stored. `body` is a JSON text; `index` gives, for each declared
 * index, the values the document is found under (none, one or several: a pupil
 * found under each of his groups); naming an index the table does not declare
 * fails with `UnknownIndex`. Keys (not empty) and index values are well-formed
 * strings without U+0000 of at most 512 UTF-16 units and 1,024 bytes of UTF-8
 * (PostgreSQL's B-tree entries must hold a value and a key: 341 CJK characters);
 * a body is at most 16 MiB of UTF-8. A document reads back with its body unchanged and its index values
 * deduplicated, in code-point order, indexes without values left out.
 *
 * @since 0.1.0
 */
export interface StoredDocument {
  readonly key: string
  readonly body: string
  readonly index: Readonly<Record<string, ReadonlyArray<string>>>
}

/**
 * Which documents of a table to read, a page at a time (`equals` and `prefix`
 * need `index`, and `index` needs exactly one of them).
 * - no `index`: every document, by key;
 * - `index` with `equals`: the documents with that value, by key;
 * - `index` with `prefix`: the documents with a value starting with it (`""`:
 *   any value), by value then key; a document found under two matching values
 *   comes twice, once per value.
 * Order is by Unicode code point (the SQL stores compare bytes of UTF-8, which is
 * the same order), so it is stable and equal on every store. `after` is the
 * `next` cursor of the previous page of the same query (a cursor altered, or of
 * another table or filter, is `InvalidArgument`); `limit` is an integer from 1
 * to 10,000. A page read after writes continues strictly after the cursor's
 * position: documents written before it are not seen, none is seen twice.
 *
 * @since 0.1.0
 */
export interface Query {
  readonly index?: string | undefined
  readonly equals?: string | undefined
  readonly prefix?: string | undefined
  readonly after?: string | undefined
  readonly limit: number
}

/**
 * A page of documents: `next` is the cursor of the following page, absent on
 * the last one (a full page has a `next` only when more documents follow).
 *
 * @since 0.1.0
 */
export interface Page {
  readonly documents: ReadonlyArray<StoredDocument>
  readonly next?: string | undefined
}

/**
 * A key a query matches and the index value it was matched under (the
 * `equals` value, or the value starting with the prefix; absent for a query
 * without an index).
 *
 * @since 0.1.0
 */
export interface Entry {
  readonly key: string
  readonly value: string | undefined
}

/**
 * A page of {@link Entry}, in the order and with the cursors of {@link Page}:
 * a cursor of one continues the other of the same query.
 *
 * @since 0.1.0
 */
export interface EntryPage {
  readonly entries: ReadonlyArray<Entry>
  readonly next?: string | undefined
}

/**
 * The changes of one table in a {@link Commit}: documents written whole (a
 * document replaces the one of its key, index values included), keys deleted
 * (an absent key is no error), and documents inserted: written only where their
 * key holds no document, as a uniqueness claim (a login taken). A key that holds
 * one fails the commit with `KeyTaken` and nothing is written; of two
 * transactions inserting one key at once, the second fails once the first
 * commits. A key is in at most one of the three lists, and in it once; a table
 * comes at most once in a commit (`InvalidArgument`).
 *
 * @since 0.1.0
 */
export interface TableChanges {
  readonly table: string
  readonly put: ReadonlyArray<StoredDocument>
  readonly delete: ReadonlyArray<string>
  readonly insert?: ReadonlyArray<StoredDocument> | undefined
}

/**
 * A checkpoint move: `id` names the consumer (a projection version, a reactor),
 * `from` is the position it was at (0: nothing applied yet), `to` the position of
 * the last event the commit applies (integers, `to` ≥ `from` ≥ 0). Ids, like
 * lease ids and holders, are non-empty texts as keys are.
 *
 * @since 0.1.0
 */
export interface CheckpointMove {
  readonly id: string
  readonly from: number
  readonly to: number
}

/**
 * What a projection applies at once: the changes of its tables and, for an
 * async projection, the move of its checkpoint. All of it or nothing.
 *
 * @since 0.1.0
 */
export interface Commit {
  readonly changes: ReadonlyArray<TableChanges>
  readonly checkpoint?: CheckpointMove | undefined
}

/**
 * A consumer's checkpoint: the position of the last event it applied, and when
 * it moved last (milliseconds since the epoch, by the store's clock).
 *
 * @since 0.1.0
 */
export interface Checkpoint {
  readonly id: string
  readonly position: number
  readonly updatedAt: number
}

/**
 * A lease that runs: which runner holds it, and until when (milliseconds since
 * the epoch, by the store's clock, as {@link Checkpoint.updatedAt}).
 *
 * @since 0.1.0
 */
export interface Lease {
  readonly id: string
  readonly holder: string
  readonly expiresAt: number
}

/**
 * Why a read-model store call failed.
 * - `Unavailable`: the storage could not be reached or failed (the driver's error is the cause);
 * - `InvalidArgument`: the call was malformed (a bad table or index name, a limit of 0,
 *   a key or value too long or not well-formed, a body that is not JSON, a bad cursor);
 * - `UnknownTable`: the table was never created with `ensureTable`, or was dropped;
 * - `UnknownIndex`: the query names an index the table does not declare;
 * - `KeyTaken`: a commit inserts a document under a key that holds one (see {@link TableChanges}).
 *
 * @since 0.1.0
 */
export const ReadModelErrorReason = Schema.Literal(
  "Unavailable",
  "InvalidArgument",
  "UnknownTable",
  "UnknownIndex",
  "KeyTaken",
)

/** @since 0.1.0 */
export type ReadModelErrorReason = typeof ReadModelErrorReason.Type

/**
 * Every read-model store failure but a checkpoint conflict.
 *
 * @since 0.1.0
 */
export class ReadModelError extends Schema.TaggedError<ReadModelError>("@cartable/projections/ReadModelError")(
  "ReadModelError",
  {
    reason: ReadModelErrorReason,
    message: Schema.String,
    table: Schema.optional(Schema.String),
    cause: Schema.optional(Schema.Defect),
  },
) {}

/**
 * A commit whose checkpoint was no longer at `from`: another runner applied
 * these events first. Nothing of the commit was written.
 *
 * @since 0.1.0
 */
export class CheckpointConflict extends Schema.TaggedError<CheckpointConflict>(
  "@cartable/projections/CheckpointConflict",
)("CheckpointConflict", {
  id: Schema.String,
  expected: Schema.Number,
  actual: Schema.Number,
}) {
  override get message(): string {
    return `Checkpoint ${this.id} was expected at ${this.expected}, but it is at ${this.actual}`
  }
}

/**
 * @since 0.1.0
 */
export declare namespace ReadModelStore {
  /**
   * The operations of a read-model store. Every call is atomic.
   *
   * @since 0.1.0
   */
  export interface Service {
    /**
     * Creates the table and its indexes if absent (idempotent); a table that
     * exists with other indexes gets the new ones added (none is removed). Its
     * documents are not re-indexed: they are found under a new index only once
     * written again, so a projection that adds an index rebuilds (a new version).
     */
    readonly ensureTable: (spec: TableSpec) => Effect.Effect<void, ReadModelError>
    /** Drops the table and everything in it (idempotent). */
    readonly dropTable: (table: string) => Effect.Effect<void, ReadModelError>
    /** The names of the tables that exist, in code-point order. */
    readonly tables: Effect.Effect<ReadonlyArray<string>, ReadModelError>
    /** The documents of these keys that exist, in the order of `keys` (a key asked twice comes once; at most 10,000 keys). */
    readonly get: (
      table: string,
      keys: ReadonlyArray<string>,
    ) => Effect.Effect<ReadonlyArray<StoredDocument>, ReadModelError>
    /** A page of documents (see {@link Query}). */
    readonly find: (table: string, query: Query) => Effect.Effect<Page, ReadModelError>
    /**
     * The page `find` would return, as keys and matched values, read from the
     * index alone (no document is read): where a value holds what a reader needs,
     * a scan of a whole school costs a fraction of `find`'s.
     */
    readonly entries: (table: string, query: Query) => Effect.Effect<EntryPage, ReadModelError>
    /** How many documents the query would return over all its pages (`after` and `limit` ignored). */
    readonly count: (table: string, query?: Omit<Query, "after" | "limit">) => Effect.Effect<number, ReadModelError>
    /**
     * Applies the changes and moves the checkpoint, all or nothing: when the
     * checkpoint is not at `from` (absent counts as 0), nothing is written and the
     * call fails with {@link CheckpointConflict}.
     */
    readonly commit: (commit: Commit) => Effect.Effect<void, ReadModelError | CheckpointConflict>
    /** The checkpoint of a consumer, if it ever moved. */
    readonly checkpoint: (id: string) => Effect.Effect<Option.Option<Checkpoint>, ReadModelError>
    /** Every checkpoint, by id. */
    readonly checkpoints: Effect.Effect<ReadonlyArray<Checkpoint>, ReadModelError>
    /** Removes a checkpoint (a rebuild starts again from 0). */
    readonly resetCheckpoint: (id: string) => Effect.Effect<void, ReadModelError>
    /**
     * Takes or renews the lease `id` for `holder` for `ttlMillis` (1 to
     * 86,400,000), by the store's clock (the database's on SQL, so that the
     * processes' clocks do not matter): true when `holder` holds it afterwards
     * (it was free, expired, or already its own), false when another holder's
     * lease runs.
     */
    readonly acquireLease: (id: string, holder: string, ttlMillis: number) => Effect.Effect<boolean, ReadModelError>
    /** Gives the lease up if `holder` holds it (otherwise does nothing). */
    readonly releaseLease: (id: string, holder: string) => Effect.Effect<void, ReadModelError>
    /**
     * The leases that run now by the store's clock (expired or released ones left out), by id: who
     * runs what, for an operator's status read from another process.
     */
    readonly leases: Effect.Effect<ReadonlyArray<Lease>, ReadModelError>
    /**
     * Runs `effect` in one transaction: the store's writes and the appends of the
     * event store driver of the same adapter layer made inside it are committed
     * together when it succeeds and rolled back together when it fails. This is
     * what inline projections run in. A transaction inside another is a
     * savepoint: its failure undoes its own writes only. On memory, the other
     * calls wait while a transaction runs.
     */
    readonly withTransaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | ReadModelError, R>
  }
}

/**
 * The read-model store port, implemented by each storage adapter.
 *
 * @since 0.1.0
 */
export class ReadModelStore extends Context.Tag("@cartable/projections/ReadModelStore")<
  ReadModelStore,
  ReadModelStore.Service
>() {}

/**
 * Which documents a {@link Backend} scans, once the store checked the query:
 * all of them by key, those with one value of an index by key, or those with a
 * value starting with a prefix by value then key. `end` is the least string
 * above every string starting with the prefix, in code-point order (absent: no
 * bound), so that a SQL store scans the range `prefix <= value < end`.
 *
 * @since 0.1.0
 */
export type Filter =
  | { readonly _tag: "All" }
  | { readonly _tag: "Equals"; readonly index: string; readonly value: string }
  | { readonly _tag: "Prefix"; readonly index: string; readonly prefix: string; readonly end: string | undefined }

/**
 * A page to scan: the filter, where the previous page ended (its last key, and
 * for a prefix scan its last value), and how many rows at most.
 *
 * @since 0.1.0
 */
export interface Scan {
  readonly filter: Filter
  readonly after: { readonly key: string; readonly value: string | undefined } | undefined
  readonly limit: number
}

/**
 * A row of a scan: the document and, for a prefix scan, the value it was found under.
 *
 * @since 0.1.0
 */
export interface Found {
  readonly document: StoredDocument
  readonly value: string | undefined
}

/**
 * What a storage adapter implements; {@link fromBackend} makes the store of it.
 * Its arguments are already checked and normalised: names valid, index values
 * deduplicated and in code-point order (lists without values left out), keys of
 * `get` distinct (it returns the documents found, in any order), commits free of
 * duplicates. It checks what needs the storage: `UnknownTable`, `UnknownIndex`
 * (of a query, or of a document's `index`), the checkpoint. `find` returns at
 * most `scan.limit` rows, strictly after `scan.after`, in the order of {@link Query}.
 *
 * @since 0.1.0
 */
export interface Backend extends Omit<ReadModelStore.Service, "find" | "entries" | "count"> {
  readonly find: (table: string, scan: Scan) => Effect.Effect<ReadonlyArray<Found>, ReadModelError>
  /** The rows `find` would return, without their documents: `{ key, value }` (the value of every filter but `All`). */
  readonly entries: (table: string, scan: Scan) => Effect.Effect<ReadonlyArray<Entry>, ReadModelError>
  readonly count: (table: string, filter: Filter) => Effect.Effect<number, ReadModelError>
}

/**
 * The error of a table that does not exist, worded alike by every backend.
 *
 * @since 0.1.0
 */
export const unknownTable: (table: string) => ReadModelError = StoreValidation.unknownTable

/**
 * The error of an index the table does not declare, worded alike by every backend.
 *
 * @since 0.1.0
 */
export const unknownIndex: (table: string, index: string) => ReadModelError = StoreValidation.unknownIndex

/**
 * The error of a commit that inserts under a key holding a document, for every backend.
 *
 * @since 0.1.0
 */
export const keyTaken: (table: string, key: string) => ReadModelError = StoreValidation.keyTaken

/**
 * The store over a backend: every call's arguments are checked here, the same
 * way for every adapter, and fail with `InvalidArgument` before the backend sees
 * them; cursors are made and read here (a cursor is bound to its table and
 * filter: an altered one, or one of another query, is `InvalidArgument`).
 *
 * @since 0.1.0
 */
export const fromBackend: (backend: Backend) => ReadModelStore.Service = StoreValidation.fromBackend

/**
 * A store that keeps everything in memory, for tests and demos. Its order is the
 * code-point order of the SQL stores; `withTransaction` holds the other calls
 * back while it runs and undoes its writes when it fails.
 *
 * @since 0.1.0
 */
export const makeMemory: Effect.Effect<ReadModelStore.Service> = MemoryLayer.makeStore

/**
 * The in-memory store as a layer. Its transactions span its own writes only:
 * with an event store driver, use {@link layerMemoryWithDriver}.
 *
 * @since 0.1.0
 */
export const layerMemory: Layer.Layer<ReadModelStore> = Layer.effect(ReadModelStore, makeMemory)

/**
 * An in-memory store and an in-memory event store driver sharing one
 * transaction, as a SQL adapter's layer shares its connection: inside
 * `withTransaction`, the driver's appends and the store's writes are kept or
 * undone together. This is the memory setting of inline projections.
 *
 * @since 0.1.0
 */
export const layerMemoryWithDriver: Layer.Layer<ReadModelStore | EventStoreDriver> = Layer.effectContext(
  MemoryLayer.makeWithDriver,
)

/**
 * The driver port: what a storage adapter implements. It stores and returns
 * encoded rows only; encoding, decoding, upcasting and encryption of personal
 * data happen once, above it, in {@link EventStore}.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { ConcurrencyConflict, EventStoreError } from "./EventStoreError.ts"
import type { ExpectedVersion } from "./ExpectedVersion.ts"
import * as DriverValidation from "./internal/driverValidation.ts"
import * as MemoryDriver from "./internal/memoryDriver.ts"
import type { StreamName } from "./StreamName.ts"
import type { KeyState, SubjectKeyStore, SubjectKeyStoreError } from "./SubjectKeyStore.ts"

/**
 * An event encoded for storage: `data` and `metadata` are JSON texts.
 *
 * @since 0.1.0
 */
export interface EncodedEvent {
  readonly type: string
  readonly schemaVersion: number
  readonly data: string
  readonly metadata: string
}

/**
 * A stored row: the encoded event with its stream version and global position.
 *
 * @since 0.1.0
 */
export interface StoredEvent extends EncodedEvent {
  readonly position: number
  readonly streamName: StreamName
  readonly streamVersion: number
}

/**
 * A stream's metadata: its current version (0 when it has no event) and whether
 * it was tombstoned.
 *
 * @since 0.1.0
 */
export interface StreamInfo {
  readonly version: number
  readonly tombstoned: boolean
}

/**
 * What an append returns: the stream's new version and the global position of
 * the last event appended.
 *
 * @since 0.1.0
 */
export interface AppendResult {
  readonly streamVersion: number
  readonly lastPosition: number
}

/**
 * One stream's part of an append to several streams ({@link EventStoreDriver.Service.appendMany}):
 * the stream, the version it must be at, and its events (at least one).
 *
 * @since 0.1.0
 */
export interface StreamAppend<A = EncodedEvent> {
  readonly streamName: StreamName
  readonly expected: ExpectedVersion
  readonly events: ReadonlyArray<A>
}

/**
 * A stream's rows read together with the key states of subjects their sealed
 * envelopes name. `keys` may lack some of them (a subject written another way,
 * a key the read could not match): the typed store looks those up in its key store.
 *
 * @since 0.1.0
 */
export interface KeyedRows {
  readonly events: ReadonlyArray<StoredEvent>
  readonly keys: ReadonlyMap<string, KeyState>
}

/**
 * Reads of a driver whose database also holds a key store's table: the rows
 * and their subjects' keys in one statement, so that a stream read with personal
 * data costs one statement and sees the keys in the same snapshot as the rows.
 * The typed store uses them only when `keyStore` is the key store it was given.
 *
 * @since 0.1.0
 */
export interface KeyedReads {
  /** The key store whose keys these reads return. */
  readonly keyStore: SubjectKeyStore.Service
  /** `readStream`, with the key states of the rows' subjects. */
  readonly readStream: (
    streamName: StreamName,
    afterVersion: number,
  ) => Effect.Effect<KeyedRows, EventStoreError | SubjectKeyStoreError>
}

/**
 * @since 0.1.0
 */
export declare namespace EventStoreDriver {
  /**
   * The operations of a driver. Every one is atomic: an append writes its whole
   * batch or nothing. A malformed call fails with `InvalidArgument`, naming the
   * argument, before anything is read or written (see {@link validating}).
   * `readStream`
   * returns the events with a version greater than `afterVersion`; `readAll` at
   * most `limit` events with a position greater than `afterPosition`, in position
   * order, fewer than `limit` only at the end of the log, and never skips an event
   * a later call could return (positions a reader has passed are never filled in later).
   *
   * @since 0.1.0
   */
  export interface Service {
    readonly append: (
      streamName: StreamName,
      expected: ExpectedVersion,
      events: ReadonlyArray<EncodedEvent>,
    ) => Effect.Effect<AppendResult, ConcurrencyConflict | EventStoreError>
    readonly readStream: (
      streamName: StreamName,
      afterVersion: number,
    ) => Effect.Effect<ReadonlyArray<StoredEvent>, EventStoreError>
    readonly readAll: (
      afterPosition: number,
      limit: number,
    ) => Effect.Effect<ReadonlyArray<StoredEvent>, EventStoreError>
    readonly streamInfo: (streamName: StreamName) => Effect.Effect<StreamInfo, EventStoreError>
    readonly tombstone: (streamName: StreamName) => Effect.Effect<void, EventStoreError>
    /**
     * The position of the last event committed that `readAll` returns (tombstone markers aside), 0 for an
     * empty log: how far a reader has to go, for an operator's status (`cartable status`).
     */
    readonly head: Effect.Effect<number, EventStoreError>
    /**
     * Optional: appends to several streams in one transaction, all or nothing, each stream checked
     * against its own expected version; the results follow the appends' order. A stream may appear once
     * per call. A conflict on any stream appends nothing and fails with that stream's
     * `ConcurrencyConflict`. What a bulk writer (the directory import) uses to commit many commands at once.
     */
    readonly appendMany?: (
      appends: ReadonlyArray<StreamAppend>,
    ) => Effect.Effect<ReadonlyArray<AppendResult>, ConcurrencyConflict | EventStoreError>
    /** Optional: reads that return the keys of a key store sharing the driver's database ({@link KeyedReads}). */
    readonly keyedReads?: KeyedReads | undefined
  }
}

/**
 * The driver port, implemented by each storage adapter.
 *
 * @since 0.1.0
 */
export class EventStoreDriver extends Context.Tag("@cartable/eventlog/EventStoreDriver")<
  EventStoreDriver,
  EventStoreDriver.Service
>() {}

/**
 * The longest stream name, and event type, a driver accepts: 768 bytes of UTF-8,
 * what the longest valid stream name (`StreamName.MAX_LENGTH` units) can take. It
 * keeps every store's unique key under PostgreSQL's B-tree entry limit (about
 * 2,700 bytes), so that a name one store takes, every store takes.
 *
 * @since 0.1.0
 */
export const maxNameBytes: number = DriverValidation.MAX_NAME_BYTES

/**
 * Wraps a driver so that every call's arguments are checked first, the same way
 * for every store; a driver's `make` returns its service through it. A malformed
 * call fails with `EventStoreError` reason `InvalidArgument`, its message naming
 * the argument (`streamName`, `expected.version`, `events[2].schemaVersion`,
 * `afterVersion`, `afterPosition`, `limit`), and reaches no storage:
 * - a stream name not of the form `<Category>-<id>`, not well-formed UTF-16 (a lone
 *   surrogate), or over {@link maxNameBytes};
 * - an expected version other than `any`, `noStream` or `exact(n)` with n an integer ≥ 0;
 * - an empty batch; an event whose type is empty, reserved (starts with `$`), not
 *   well-formed or over {@link maxNameBytes}, whose `schemaVersion` is not an integer
 *   ≥ 1 (1.5, `Infinity`, `NaN`), or whose `data` or `metadata` is not a well-formed text;
 * - a version, position or limit that is not an integer ≥ 0.
 *
 * @since 0.1.0
 */
export const validating: (driver: EventStoreDriver.Service) => EventStoreDriver.Service = DriverValidation.validating

/**
 * A driver that keeps everything in memory, for tests and demos.
 *
 * @since 0.1.0
 */
export const makeMemory: Effect.Effect<EventStoreDriver.Service> = MemoryDriver.make

/**
 * The in-memory driver, reporting to `record` how to undo each write it makes
 * (an append, a tombstone). It is what a memory transaction spanning the driver
 * and another memory store builds on (the read-model store's memory layer): the
 * transaction keeps the undos of its writes and runs them in reverse order when
 * it fails. The caller must keep other writers out while it may undo.
 *
 * @since 0.1.0
 */
export const makeMemoryRecording: (record: (undo: () => void) => void) => Effect.Effect<EventStoreDriver.Service> =
  MemoryDriver.makeRecording

/**
 * The in-memory driver as a layer.
 *
 * @since 0.1.0
 */
export const layerMemory: Layer.Layer<EventStoreDriver> = Layer.effect(EventStoreDriver, makeMemory)

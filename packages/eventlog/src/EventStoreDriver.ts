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
import * as MemoryDriver from "./internal/memoryDriver.ts"
import type { StreamName } from "./StreamName.ts"

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
 * @since 0.1.0
 */
export declare namespace EventStoreDriver {
  /**
   * The operations of a driver. Every one is atomic: an append writes its whole
   * batch or nothing, and refuses an empty batch or an event type starting with
   * `$` (reserved for the store's own rows) with `InvalidArgument`. `readStream`
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
 * A driver that keeps everything in memory, for tests and demos.
 *
 * @since 0.1.0
 */
export const makeMemory: Effect.Effect<EventStoreDriver.Service> = MemoryDriver.make

/**
 * The in-memory driver as a layer.
 *
 * @since 0.1.0
 */
export const layerMemory: Layer.Layer<EventStoreDriver> = Layer.effect(EventStoreDriver, makeMemory)

/**
 * The EventStore port: the typed event log the rest of the library talks to.
 * It encodes events through the {@link EventCatalog.EventCatalog}, hands encoded
 * rows to an {@link EventStoreDriver}, and decodes (upcasting) what it reads.
 * Personal fields are encrypted with their subject's key from the
 * {@link SubjectKeyStore} on the way in and decrypted, or read as `ERASED` once the
 * key is destroyed, on the way out (BR-ACC-9, docs/erasure.md).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as EventCatalog from "./EventCatalog.ts"
import * as EventStoreDriver from "./EventStoreDriver.ts"
import type { ConcurrencyConflict, EventStoreError } from "./EventStoreError.ts"
import type { ExpectedVersion } from "./ExpectedVersion.ts"
import * as internal from "./internal/eventStore.ts"
import * as Untraced from "./internal/untraced.ts"
import type { AnyEvent, NewEvent, RecordedEvent } from "./RecordedEvent.ts"
import type { StreamName } from "./StreamName.ts"
import * as SubjectKeyStore from "./SubjectKeyStore.ts"

/**
 * @since 0.1.0
 */
export declare namespace EventStore {
  /**
   * The operations of the event log.
   *
   * @since 0.1.0
   */
  export interface Service {
    /** Appends a batch atomically if the stream is at `expected`; the batch may not be empty. */
    readonly append: (
      streamName: StreamName,
      expected: ExpectedVersion,
      events: ReadonlyArray<NewEvent>,
    ) => Effect.Effect<EventStoreDriver.AppendResult, ConcurrencyConflict | EventStoreError>
    /**
     * Optional: appends to several streams in one transaction, all or nothing, each stream checked
     * against its own expected version (`EventStoreDriver.Service.appendMany`); a stream appears once
     * per call. The typed store fails with `InvalidArgument` when its driver lacks it. A wrapper of a
     * store that changes `append` (the projection runtime's inline store) must give its own or none.
     */
    readonly appendMany?: (
      appends: ReadonlyArray<EventStoreDriver.StreamAppend<NewEvent>>,
    ) => Effect.Effect<ReadonlyArray<EventStoreDriver.AppendResult>, ConcurrencyConflict | EventStoreError>
    /** The events of a stream with a version greater than `afterVersion` (0: from the start). */
    readonly readStream: (
      streamName: StreamName,
      afterVersion?: number,
    ) => Effect.Effect<ReadonlyArray<RecordedEvent>, EventStoreError>
    /** At most `limit` events of all streams with a position greater than `afterPosition`, in order. */
    readonly readAll: (
      afterPosition: number,
      limit: number,
    ) => Effect.Effect<ReadonlyArray<RecordedEvent<AnyEvent>>, EventStoreError>
    /**
     * A page of the log for a reader of some event types (a projection): the
     * rows of {@link readAll}, of which only the events of `types` are decoded;
     * the others are skipped, neither decoded nor decrypted. With `decrypt: false`
     * no personal value is decrypted nor any key looked up: each personal field
     * throws `PersonalDataUnread` when read (UnreadPersonalData).
     */
    readonly readAllOfTypes: (
      afterPosition: number,
      limit: number,
      types: ReadonlySet<string>,
      options?: EventStore.ReadOptions,
    ) => Effect.Effect<EventStore.Page, EventStoreError>
    /** The stream's current version (0 when absent) and whether it is tombstoned. */
    readonly streamInfo: (streamName: StreamName) => Effect.Effect<EventStoreDriver.StreamInfo, EventStoreError>
    /** Closes a stream for good: it can be neither read nor appended to again. */
    readonly tombstone: (streamName: StreamName) => Effect.Effect<void, EventStoreError>
    /**
     * Destroys the subject's key: every personal field of its events, past and
     * future, reads as `ERASED` (BR-ACC-9). Idempotent. Appending an erasure event
     * (`PersonalData.ErasesDataSubjectId`, e.g. `AccountDataErased`) does it too.
     */
    readonly eraseSubject: (subjectId: string) => Effect.Effect<void, EventStoreError>
    /**
     * The position of the last event of the log `readAll` returns (0: empty), read from the store: what
     * another process (an operator's `cartable status`) measures a projection's lag against.
     */
    readonly head: Effect.Effect<number, EventStoreError>
  }

  /**
   * Options of a read. `decrypt` (default true): `false` for a reader that reads
   * no personal field (a projection declaring `personal: false`), which then
   * pays neither the key lookups nor the decryptions; its events' personal
   * fields hold no value and throw `PersonalDataUnread` when read.
   *
   * @since 0.1.0
   */
  export interface ReadOptions {
    readonly decrypt?: boolean
  }

  /**
   * A page of {@link Service.readAllOfTypes}: the events of the types asked for,
   * how many rows were read (`rows < limit`: the end of the log), and the
   * position of the last one (`afterPosition` when none), to read on from.
   *
   * @since 0.1.0
   */
  export interface Page {
    readonly events: ReadonlyArray<RecordedEvent<AnyEvent>>
    readonly rows: number
    readonly lastPosition: number
  }
}

/**
 * The EventStore port.
 *
 * @since 0.1.0
 */
export class EventStore extends Context.Tag("@cartable/eventlog/EventStore")<EventStore, EventStore.Service>() {}

/**
 * Tells a typed store that a transaction around its appends rolled back (the
 * projection runtime's inline store calls it): the store forgets the subject keys
 * it keeps for writing, whose rows the transaction may have taken with it, so
 * that it never encrypts with a key the database no longer holds. A store of
 * another implementation is left alone.
 *
 * @since 0.1.0
 */
export const rolledBack: (store: EventStore.Service) => void = Untraced.notifyRolledBack

/**
 * A store's `readStream` and `append` without their own spans, for a caller
 * whose own span covers them (the command handler's one span per command); a
 * store that has none gives its traced operations.
 *
 * @since 0.1.0
 */
export const untraced: (store: EventStore.Service) => Pick<EventStore.Service, "readStream" | "append"> = Untraced.of

/**
 * Gives a wrapper of a store (the projection runtime's inline store) its own
 * untraced operations, so that the command handler over it keeps one span per
 * command. Returns the wrapper.
 *
 * @since 0.1.0
 */
export const withUntraced: <S extends EventStore.Service>(
  store: S,
  operations: Pick<EventStore.Service, "readStream" | "append">,
) => S = Untraced.attach

/**
 * Options of the typed store. `spans` (default true) opens a tracing span per
 * call (`EventStore.append`, ...), for OpenTelemetry; an Effect span costs about
 * 6 µs, a third of an in-memory append, so a bulk import may turn them off.
 *
 * @since 0.1.0
 */
export interface Options {
  readonly spans?: boolean
}

/**
 * Builds the typed store over the driver and the key store in context.
 *
 * @since 0.1.0
 */
export const make: (
  catalog: EventCatalog.EventCatalog,
  options?: Options,
) => Effect.Effect<EventStore.Service, never, EventStoreDriver.EventStoreDriver | SubjectKeyStore.SubjectKeyStore> =
  internal.make

/**
 * The typed store as a layer over a driver layer and a key store layer (storage
 * adapters provide both, from one database).
 *
 * @example
 * const Store = EventStore.layer(catalog).pipe(
 *   Layer.provide([EventStoreDriver.layerMemory, SubjectKeyStore.layerMemory]),
 * )
 * @since 0.1.0
 */
export const layer = (
  catalog: EventCatalog.EventCatalog,
  options?: Options,
): Layer.Layer<EventStore, never, EventStoreDriver.EventStoreDriver | SubjectKeyStore.SubjectKeyStore> =>
  Layer.effect(EventStore, make(catalog, options))

/**
 * An in-memory event log, for tests, demos and property suites.
 *
 * @since 0.1.0
 */
export const layerMemory = (catalog: EventCatalog.EventCatalog, options?: Options): Layer.Layer<EventStore> =>
  layer(catalog, options).pipe(Layer.provide([EventStoreDriver.layerMemory, SubjectKeyStore.layerMemory]))

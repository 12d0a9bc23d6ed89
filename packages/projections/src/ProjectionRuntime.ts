/**
 * The projection runtime: it keeps read models up to date with the log.
 * - Async projections follow the log from a checkpoint that moves in the same
 *   commit as their documents (so an event is never applied twice nor skipped,
 *   whatever stops the process); one runner holds each through a lease, others
 *   wait and take over when it dies; they poll, and wake up at once on appends
 *   made through this runtime's store.
 * - Inline projections are applied in the transaction of the append itself:
 *   once a command returns, they show it.
 * - A new version rebuilds beside the serving one; the switch of serving
 *   version commits with the checkpoint that catches up (see {@link readerOf}).
 * - A handler that fails stops its projection at that event with a typed
 *   {@link ProjectionFailed}, retried with backoff, visible in {@link status}.
 *
 * @since 0.1.0
 */
import * as EventStore from "@cartable/eventlog/EventStore"
import type { EventStoreError } from "@cartable/eventlog/EventStoreError"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Registry from "./internal/registry.ts"
import * as internal from "./internal/runtime.ts"
import * as Projection from "./Projection.ts"
import type { ProjectionFailed, ReactorFailed } from "./ProjectionError.ts"
import type * as Reactor from "./Reactor.ts"
import * as ReadModel from "./ReadModel.ts"
import { type CheckpointConflict, type ReadModelError, ReadModelStore } from "./ReadModelStore.ts"

/**
 * What a projection is doing:
 * - `catching-up`: behind the head, applying batches;
 * - `live`: at the head, following new events;
 * - `waiting`: another runner holds its lease;
 * - `failed`: stopped on an event (see `lastError`), retrying with backoff;
 * - `retired`: a newer version serves, this one is not run any more.
 *
 * @since 0.1.0
 */
export type ProjectionState = "catching-up" | "live" | "waiting" | "failed" | "retired"

/**
 * The status of one projection version, for an operator.
 *
 * @since 0.1.0
 */
export interface ProjectionStatus {
  readonly name: string
  readonly version: number
  /** Reactors have version 0 and never serve readers. */
  readonly mode: "inline" | "async" | "reactor"
  readonly state: ProjectionState
  /** Whether this version serves readers (see {@link readerOf}). */
  readonly serving: boolean
  /** The position of the last event applied. */
  readonly position: number
  /** The last position of the log this runtime has seen. */
  readonly head: number
  /** How many events of the log are not applied yet (as far as this runtime knows the head). */
  readonly lagEvents: number
  /** Age in seconds (by its `occurredAt`) of the oldest event not applied yet; 0 when none is. */
  readonly lagSeconds: number
  readonly lastError?: Registry.LastError | undefined
}

/**
 * How the runtime runs. Defaults: batches of 500 events (5,000 in a rebuild), a poll every second,
 * leases of 30 seconds renewed at each batch, retries after a failure from
 * 100 ms doubling to 30 s.
 *
 * @since 0.1.0
 */
export interface Options<R = never> {
  /** Projections run from their checkpoint, in background fibers. */
  readonly async?: ReadonlyArray<Projection.Projection.Any> | undefined
  /** Projections applied in the transaction of each append. */
  readonly inline?: ReadonlyArray<Projection.Projection.Any> | undefined
  /** Reactors run from their checkpoint, in background fibers; their commands go through the runtime's store. */
  readonly reactors?: ReadonlyArray<Reactor.Reactor<R>> | undefined
  readonly batchSize?: number | undefined
  /** Events per batch of a rebuild (default the larger of 5,000 and `batchSize`): fewer, larger commits. */
  readonly rebuildBatchSize?: number | undefined
  readonly pollInterval?: Duration.DurationInput | undefined
  readonly leaseTtl?: Duration.DurationInput | undefined
  readonly retry?: Schedule.Schedule<unknown, unknown> | undefined
  /** Start the background fibers (default true); false leaves it to {@link ProjectionRuntime.Service.catchUp}. */
  readonly background?: boolean | undefined
}

/**
 * What a runtime call may fail with.
 *
 * @since 0.1.0
 */
export type Failure = ProjectionFailed | ReactorFailed | ReadModelError | EventStoreError

/**
 * @since 0.1.0
 */
export declare namespace ProjectionRuntime {
  /**
   * What the runtime offers.
   *
   * @since 0.1.0
   */
  export interface Service {
    /** The status of every projection version it runs. */
    readonly status: Effect.Effect<ReadonlyArray<ProjectionStatus>, ReadModelError | EventStoreError>
    /** Runs one projection (or all async ones, then all reactors) up to the head now, in the calling fiber; fails on the first failing event. */
    readonly catchUp: (projection?: Projection.Projection.Any) => Effect.Effect<void, Failure | CheckpointConflict>
    /** Runs the reactor of this name up to the head now, in the calling fiber. */
    readonly catchUpReactor: (name: string) => Effect.Effect<void, Failure | CheckpointConflict>
    /** Drops the projection's tables and checkpoint, and replays the log from position 0 up to the head. */
    readonly rebuild: (projection: Projection.Projection.Any) => Effect.Effect<void, Failure | CheckpointConflict>
    /** The version of a projection that serves readers, if one does. */
    readonly serving: (name: string) => Effect.Effect<number | undefined, ReadModelError>
    /** Drops the tables, checkpoint and state of a version that no longer serves. */
    readonly retire: (projection: Projection.Projection.Any) => Effect.Effect<void, ReadModelError>
    /** Wakes the async projections up (the runtime's store does it after each append). */
    readonly wake: Effect.Effect<void>
  }
}

/**
 * The projection runtime.
 *
 * @since 0.1.0
 */
export class ProjectionRuntime extends Context.Tag("@cartable/projections/ProjectionRuntime")<
  ProjectionRuntime,
  ProjectionRuntime.Service
>() {}

/**
 * Builds the runtime over the typed event store and the read-model store in
 * context, and, unless `background: false`, starts one fiber per async
 * projection in the layer's scope. It also returns the store that appends
 * through the inline projections: {@link layer} puts it in place of the
 * `EventStore` it was given.
 *
 * @since 0.1.0
 */
export const make: <R = never>(
  options: Options<R>,
) => Effect.Effect<
  { readonly runtime: ProjectionRuntime.Service; readonly inlineStore: EventStore.EventStore.Service },
  ReadModelError | ProjectionFailed | EventStoreError | CheckpointConflict,
  EventStore.EventStore | ReadModelStore | Scope.Scope | R
> = internal.make

/**
 * The runtime as a layer, and the `EventStore` in its place that applies the
 * inline projections and wakes the async ones on each append. Provide it over
 * a storage adapter's layer (which gives the event store and the read-model
 * store on one database).
 *
 * @example
 * const Live = ProjectionRuntime.layer({ inline: [Directory], async: [Stats] }).pipe(
 *   Layer.provideMerge(SqliteEventStore.layer({ filename: "cartable.db", catalog })),
 * )
 * @since 0.1.0
 */
export const layer = <R = never>(
  options: Options<R>,
): Layer.Layer<
  ProjectionRuntime | EventStore.EventStore,
  ReadModelError | ProjectionFailed | ReactorFailed | EventStoreError | CheckpointConflict,
  EventStore.EventStore | ReadModelStore | R
> =>
  Layer.scopedContext(
    Effect.map(make(options), ({ runtime, inlineStore }) =>
      Context.make(ProjectionRuntime, runtime).pipe(Context.add(EventStore.EventStore, inlineStore)),
    ),
  )

/**
 * A reader of a collection of the version that serves, among versions of one
 * projection whose collection has the same document type (a rebuild with a
 * corrected handler): the newest one once it has caught up, the older one until then.
 *
 * @since 0.1.0
 */
export const readerOf = <Cs extends Readonly<Record<string, ReadModel.Collection.Any>>, K extends keyof Cs & string>(
  versions: readonly [Projection.Projection<Cs>, ...ReadonlyArray<Projection.Projection<Cs>>],
  collection: K,
): Effect.Effect<
  ReadModel.Reader<ReadModel.Collection.Document<Cs[K]>, ReadModel.Collection.Index<Cs[K]>>,
  ReadModelError,
  ReadModelStore
> =>
  Effect.gen(function* () {
    const store = yield* ReadModelStore
    const serving = yield* Registry.serving(store, versions[0].name)
    const chosen = versions.find((projection) => projection.version === serving) ?? versions[0]
    return yield* reader(chosen, collection)
  })

/**
 * A reader of a collection of one projection version.
 *
 * @since 0.1.0
 */
export const reader = <Cs extends Readonly<Record<string, ReadModel.Collection.Any>>, K extends keyof Cs & string>(
  projection: Projection.Projection<Cs>,
  collection: K,
): Effect.Effect<
  ReadModel.Reader<ReadModel.Collection.Document<Cs[K]>, ReadModel.Collection.Index<Cs[K]>>,
  never,
  ReadModelStore
> =>
  ReadModel.reader(projection.collections[collection]!, Projection.tableOf(projection, collection)) as Effect.Effect<
    ReadModel.Reader<ReadModel.Collection.Document<Cs[K]>, ReadModel.Collection.Index<Cs[K]>>,
    never,
    ReadModelStore
  >

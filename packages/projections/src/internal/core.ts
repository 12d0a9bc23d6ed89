/**
 * What every part of a runtime shares: the two stores, this runtime's holder
 * id, its options resolved, the local states, the head it has seen, the
 * wake-up signal, and how a failure is recorded for the status.
 */
import * as EventStore from "@cartable/eventlog/EventStore"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as Projection from "../Projection.ts"
import { ProjectionFailed, ReactorFailed } from "../ProjectionError.ts"
import type { Failure, Options, ProjectionState } from "../ProjectionRuntime.ts"
import { type CheckpointConflict, ReadModelError, ReadModelStore } from "../ReadModelStore.ts"
import * as Registry from "./registry.ts"

/** What this runtime knows of one consumer (projection version or reactor). */
export interface Local {
  readonly state: ProjectionState
  readonly lastError?: Registry.LastError | undefined
}

export interface Core {
  readonly events: EventStore.EventStore.Service
  readonly store: ReadModelStore.Service
  /** This runtime's id in the leases it takes. */
  readonly holder: string
  readonly batchSize: number
  readonly rebuildBatchSize: number
  readonly pollInterval: Duration.Duration
  readonly leaseTtl: number
  readonly retry: Schedule.Schedule<unknown, unknown>
  readonly local: Ref.Ref<ReadonlyMap<string, Local>>
  /** The last position of the log this runtime has seen. */
  readonly head: Ref.Ref<number>
  /** Completed by {@link Core.wake}; a consumer takes it before a round, so no wake-up is lost. */
  readonly wakeUp: Ref.Ref<Deferred.Deferred<void>>
  readonly wake: Effect.Effect<void>
  readonly setLocal: (id: string, entry: Local) => Effect.Effect<void>
  readonly sawHead: (position: number) => Effect.Effect<void>
  /** The checkpoint's position, 0 without one. */
  readonly positionAt: (id: string) => Effect.Effect<number, ReadModelError>
  /** Marks the consumer failed, locally and in the registry (so that another process sees it). */
  readonly recordFailure: (id: string, error: Failure | CheckpointConflict) => Effect.Effect<void>
}

/** A commit without a checkpoint move cannot conflict. */
export const noCheckpoint = <A, R>(effect: Effect.Effect<A, ReadModelError | CheckpointConflict, R>) =>
  Effect.catchTag(effect, "CheckpointConflict", (conflict) => Effect.die(conflict))

export const make = Effect.fnUntraced(function* <R>(options: Options<R>) {
  const events = yield* EventStore.EventStore
  const store = yield* ReadModelStore
  const batchSize = options.batchSize ?? 500
  const local = yield* Ref.make<ReadonlyMap<string, Local>>(new Map())
  const head = yield* Ref.make(0)
  const wakeUp = yield* Ref.make(yield* Deferred.make<void>())
  const setLocal = (id: string, entry: Local) => Ref.update(local, (map) => new Map(map).set(id, entry))
  const positionAt = (id: string) =>
    Effect.map(store.checkpoint(id), (checkpoint) => (checkpoint._tag === "Some" ? checkpoint.value.position : 0))
  const recordFailure = (id: string, error: Failure | CheckpointConflict) =>
    Effect.gen(function* () {
      const at = yield* Clock.currentTimeMillis
      const lastError: Registry.LastError =
        error instanceof ProjectionFailed || error instanceof ReactorFailed
          ? {
              message: error.message,
              position: error.position,
              eventType: error.eventType,
              streamName: error.streamName,
              at,
            }
          : { message: error.message, at }
      yield* setLocal(id, { state: "failed", lastError })
      const previous = yield* Registry.versionState(store, id)
      yield* store.commit({
        changes: [Registry.putVersion({ _tag: "Version", id, inlineLive: previous?.inlineLive ?? false, lastError })],
      })
    }).pipe(Effect.catchAll(() => Effect.void))
  const core: Core = {
    events,
    store,
    holder: crypto.randomUUID(),
    batchSize,
    rebuildBatchSize: options.rebuildBatchSize ?? Math.max(batchSize, 5000),
    pollInterval: Duration.decode(options.pollInterval ?? "1 second"),
    leaseTtl: Duration.toMillis(options.leaseTtl ?? "30 seconds"),
    retry: options.retry ?? Schedule.union(Schedule.exponential("100 millis"), Schedule.spaced("30 seconds")),
    local,
    head,
    wakeUp,
    wake: Effect.flatMap(Deferred.make<void>(), (next) =>
      Effect.flatMap(Ref.getAndSet(wakeUp, next), (previous) => Deferred.succeed(previous, undefined)),
    ).pipe(Effect.asVoid),
    setLocal,
    sawHead: (position) => Ref.update(head, (h) => Math.max(h, position)),
    positionAt,
    recordFailure,
  }
  return core
})

/** Creates the projection's tables when they do not exist (a new version gets new tables). */
export const ensureTables = (core: Core, projection: Projection.Projection.Any) =>
  Effect.forEach(
    Object.entries(projection.collections),
    ([alias, collection]) =>
      core.store.ensureTable({ name: Projection.tableOf(projection, alias), indexes: Object.keys(collection.indexes) }),
    { discard: true },
  )

/** Fails with an invalid argument: a call the runtime cannot honour. */
export const invalid = (message: string) => new ReadModelError({ reason: "InvalidArgument", message })

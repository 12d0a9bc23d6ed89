/**
 * How a projection version moves forward: batch by batch from its checkpoint,
 * each batch committed with the checkpoint's move, and the switch of serving
 * version when a new version reaches the head. Also its rebuild and retirement.
 */
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as Ref from "effect/Ref"
import * as Projection from "../Projection.ts"
import * as ProjectionMetrics from "../ProjectionMetrics.ts"
import * as Core from "./core.ts"
import * as Engine from "./engine.ts"
import { underLease } from "./follow.ts"
import * as Registry from "./registry.ts"

/**
 * One batch: read from the checkpoint, apply, commit with the checkpoint move
 * (and the switch of serving version when it reaches the head). True when the
 * projection is at the head. `serving` is the version known to serve, if the
 * caller just read it: a projection that serves does not read it again.
 */
export const step = (core: Core.Core, projection: Projection.Projection.Any, size: number, serving?: number) =>
  Effect.gen(function* () {
    const { events, store } = core
    const id = Projection.idOf(projection)
    const from = yield* core.positionAt(id)
    // Only the events it handles are decoded: the others only move the checkpoint.
    // A projection that reads no personal field pays no key lookup nor decryption.
    const page = yield* events.readAllOfTypes(from, size, projection.eventTypes, { decrypt: projection.personal })
    yield* core.sawHead(page.lastPosition)
    const applied = yield* Engine.apply(projection, page.events, store.get)
    const caughtUp = page.rows < size && applied.failure === undefined
    // Read again right before the switch: another process may have switched to a newer version meanwhile.
    const current =
      !caughtUp || serving === projection.version ? serving : yield* Registry.serving(store, projection.name)
    const switches = caughtUp && (current === undefined || current < projection.version)
    // Past the skipped events too, unless a failure stopped the batch before its end.
    const to = applied.failure === undefined ? page.lastPosition : (applied.lastApplied ?? from)
    if (to > from || switches) {
      yield* store.commit({
        changes: switches
          ? [...applied.changes, Registry.putServing(projection.name, projection.version)]
          : applied.changes,
        checkpoint: { id, from, to },
      })
    }
    const head = yield* Ref.get(core.head)
    yield* Metric.set(Metric.tagged(ProjectionMetrics.lag, "projection", id), Math.max(0, head - to))
    yield* Metric.incrementBy(Metric.tagged(ProjectionMetrics.eventsProjected, "projection", id), page.events.length)
    yield* Effect.annotateCurrentSpan({ from, to, events: page.events.length })
    if (applied.failure !== undefined) return yield* Effect.fail(applied.failure)
    return caughtUp
  }).pipe(
    // One span per batch (a few hundred events), not per event.
    Effect.withSpan("ProjectionRuntime.batch", {
      captureStackTrace: false,
      attributes: { projection: Projection.idOf(projection), size },
    }),
  )

/** Batches of `size` events up to the head, in the calling fiber. */
export const catchUp = (core: Core.Core, projection: Projection.Projection.Any, size = core.batchSize) => {
  const id = Projection.idOf(projection)
  return Effect.gen(function* () {
    yield* core.setLocal(id, { state: "catching-up" })
    while (!(yield* step(core, projection, size))) {
      /* next batch */
    }
    yield* core.setLocal(id, { state: "live" })
  }).pipe(Effect.tapError((error) => core.recordFailure(id, error)))
}

/**
 * One round of a background projection: retired once a newer version serves;
 * otherwise one batch under its lease, large while it is not the serving
 * version yet (a rebuild beside), the usual size once it serves.
 */
export const round = (core: Core.Core, projection: Projection.Projection.Any) =>
  Effect.gen(function* () {
    const id = Projection.idOf(projection)
    const serving = yield* Registry.serving(core.store, projection.name)
    if (serving !== undefined && serving > projection.version) {
      yield* core.setLocal(id, { state: "retired" })
      return "idle" as const
    }
    const size = serving === projection.version ? core.batchSize : core.rebuildBatchSize
    return yield* underLease(core, id, step(core, projection, size, serving))
  })

/** Drops the projection's tables and checkpoint, and replays the log from position 0. */
export const rebuild = (core: Core.Core, projection: Projection.Projection.Any) =>
  Effect.gen(function* () {
    yield* Effect.forEach(
      Object.keys(projection.collections),
      (alias) => core.store.dropTable(Projection.tableOf(projection, alias)),
      { discard: true },
    )
    yield* core.store.resetCheckpoint(Projection.idOf(projection))
    yield* Core.ensureTables(core, projection)
    yield* catchUp(core, projection, core.rebuildBatchSize)
  })

/** Drops the tables, checkpoint and state of a version that no longer serves. */
export const retire = (core: Core.Core, projection: Projection.Projection.Any) =>
  Effect.gen(function* () {
    const { store } = core
    const serving = yield* Registry.serving(store, projection.name)
    if (serving === projection.version) {
      return yield* Effect.fail(
        Core.invalid(`Projection ${Projection.idOf(projection)} serves readers: it cannot be retired`),
      )
    }
    yield* Effect.forEach(
      Object.keys(projection.collections),
      (alias) => store.dropTable(Projection.tableOf(projection, alias)),
      { discard: true },
    )
    yield* store.resetCheckpoint(Projection.idOf(projection))
    yield* store.commit({ changes: [Registry.removeVersion(Projection.idOf(projection))] }).pipe(Core.noCheckpoint)
  })

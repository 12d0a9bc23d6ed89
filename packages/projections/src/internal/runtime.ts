/**
 * The projection runtime's implementation (ProjectionRuntime.ts says what it
 * does): the consumers' loops, the inline store, status, rebuilds.
 */
import * as EventStore from "@cartable/eventlog/EventStore"
import { EventStoreError } from "@cartable/eventlog/EventStoreError"
import type { ExpectedVersion } from "@cartable/eventlog/ExpectedVersion"
import type { NewEvent } from "@cartable/eventlog/RecordedEvent"
import type { StreamName } from "@cartable/eventlog/StreamName"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as Projection from "../Projection.ts"
import { ProjectionFailed, ReactorFailed } from "../ProjectionError.ts"
import type { Failure, Options, ProjectionRuntime, ProjectionState, ProjectionStatus } from "../ProjectionRuntime.ts"
import * as Reactor from "../Reactor.ts"
import { type CheckpointConflict, ReadModelError, ReadModelStore } from "../ReadModelStore.ts"
import * as Engine from "./engine.ts"
import * as Registry from "./registry.ts"

/** Concurrent appends through one runtime, at most: the permits of its append gate. */
const APPENDS = 1_000_000

interface Local {
  readonly state: ProjectionState
  readonly lastError?: Registry.LastError | undefined
}

/** A commit without a checkpoint move cannot conflict. */
const noCheckpoint = <A, R>(effect: Effect.Effect<A, ReadModelError | CheckpointConflict, R>) =>
  Effect.catchTag(effect, "CheckpointConflict", (conflict) => Effect.die(conflict))

/**
 * Builds the runtime over the typed event store and the read-model store in
 * context, and, unless `background: false`, starts one fiber per async
 * projection in the layer's scope. It also returns the store that appends
 * through the inline projections: {@link layer} puts it in place of the
 * `EventStore` it was given.
 *
 * @since 0.1.0
 */
export const make = Effect.fnUntraced(function* <R = never>(options: Options<R>) {
  const reactorContext = yield* Effect.context<R>()
  const events = yield* EventStore.EventStore
  const store = yield* ReadModelStore
  const asyncProjections = options.async ?? []
  const inlineProjections = options.inline ?? []
  const batchSize = options.batchSize ?? 500
  const rebuildBatchSize = options.rebuildBatchSize ?? Math.max(batchSize, 5000)
  const pollInterval = Duration.decode(options.pollInterval ?? "1 second")
  const leaseTtl = Duration.toMillis(options.leaseTtl ?? "30 seconds")
  const retry: Schedule.Schedule<unknown, unknown> =
    options.retry ?? Schedule.union(Schedule.exponential("100 millis"), Schedule.spaced("30 seconds"))
  const holder = crypto.randomUUID()
  const reactors = options.reactors ?? []
  const all = [...inlineProjections, ...asyncProjections]

  const ids = new Set<string>()
  for (const id of [...all.map(Projection.idOf), ...reactors.map(Reactor.idOf)]) {
    if (ids.has(id)) throw new TypeError(`${id} is given twice`)
    ids.add(id)
  }

  const local = yield* Ref.make(new Map<string, Local>())
  /** Appends take one permit; a rebuild of an inline projection takes them all. */
  const appendGate = yield* Effect.makeSemaphore(APPENDS)
  const head = yield* Ref.make(0)
  const wakeUp = yield* Ref.make(yield* Deferred.make<void>())
  const wake = Effect.flatMap(Deferred.make<void>(), (next) =>
    Effect.flatMap(Ref.getAndSet(wakeUp, next), (previous) => Deferred.succeed(previous, undefined)),
  ).pipe(Effect.asVoid)
  const setLocalId = (id: string, entry: Local) => Ref.update(local, (map) => new Map(map).set(id, entry))
  const setLocal = (projection: Projection.Projection.Any, entry: Local) =>
    setLocalId(Projection.idOf(projection), entry)

  const ensureTables = (projection: Projection.Projection.Any) =>
    Effect.forEach(
      Object.entries(projection.collections),
      ([alias, collection]) =>
        store.ensureTable({ name: Projection.tableOf(projection, alias), indexes: Object.keys(collection.indexes) }),
      { discard: true },
    )
  yield* Registry.ensure(store)
  yield* Effect.forEach(all, ensureTables, { discard: true })

  const positionAt = (id: string) =>
    Effect.map(store.checkpoint(id), (checkpoint) => (checkpoint._tag === "Some" ? checkpoint.value.position : 0))
  const positionOf = (projection: Projection.Projection.Any) => positionAt(Projection.idOf(projection))

  const recordFailure = (projection: Projection.Projection.Any, error: Failure | CheckpointConflict) =>
    recordFailureOf(Projection.idOf(projection), error)
  const recordFailureOf = (id: string, error: Failure | CheckpointConflict) =>
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
      yield* setLocalId(id, { state: "failed", lastError })
      const previous = yield* Registry.versionState(store, id)
      yield* store.commit({
        changes: [
          Registry.putVersion({
            _tag: "Version",
            id,
            inlineLive: previous?.inlineLive ?? false,
            lastError,
          }),
        ],
      })
    }).pipe(Effect.catchAll(() => Effect.void))

  /**
   * One batch: read from the checkpoint, apply, commit with the checkpoint
   * move (and the switch of serving version when it reaches the head). True
   * when the projection is at the head.
   */
  const step = (projection: Projection.Projection.Any, size: number) =>
    Effect.gen(function* () {
      const id = Projection.idOf(projection)
      const from = yield* positionOf(projection)
      // Only the events it handles are decoded: the others only move the checkpoint.
      const page = yield* events.readAllOfTypes(from, size, projection.eventTypes)
      yield* Ref.update(head, (h) => Math.max(h, page.lastPosition))
      const applied = yield* Engine.apply(projection, page.events, store.get)
      const caughtUp = page.rows < size && applied.failure === undefined
      const serving = caughtUp ? yield* Registry.serving(store, projection.name) : undefined
      const switches = caughtUp && (serving === undefined || serving < projection.version)
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
      if (applied.failure !== undefined) return yield* Effect.fail(applied.failure)
      return caughtUp
    })

  /** Batches of `size` events up to the head. */
  const catchUpBy = (projection: Projection.Projection.Any, size: number) =>
    Effect.gen(function* () {
      yield* setLocal(projection, { state: "catching-up" })
      while (!(yield* step(projection, size))) {
        /* next batch */
      }
      yield* setLocal(projection, { state: "live" })
    }).pipe(Effect.tapError((error) => recordFailure(projection, error)))

  const catchUpOne = (projection: Projection.Projection.Any) => catchUpBy(projection, batchSize)

  /** A newer version serves: this one is not run any more. */
  const isRetired = (projection: Projection.Projection.Any) =>
    Effect.map(
      Registry.serving(store, projection.name),
      (serving) => serving !== undefined && serving > projection.version,
    )

  /**
   * The background fiber of a consumer (an async projection or a reactor):
   * under its lease, batch after batch, then waiting for a wake-up or the poll.
   */
  const follow = (
    id: string,
    step: Effect.Effect<boolean, Failure | CheckpointConflict>,
    retired: Effect.Effect<boolean, ReadModelError>,
  ) => {
    const round = Effect.gen(function* () {
      if (yield* retired) {
        yield* setLocalId(id, { state: "retired" })
        return "idle" as const
      }
      if (!(yield* store.acquireLease(id, holder, leaseTtl))) {
        yield* setLocalId(id, { state: "waiting" })
        return "idle" as const
      }
      const caughtUp = yield* step
      yield* setLocalId(id, { state: caughtUp ? "live" : "catching-up" })
      return caughtUp ? ("idle" as const) : ("busy" as const)
    })
    const loop: Effect.Effect<never> = Effect.gen(function* () {
      while (true) {
        // Taken before the round, so that an append during it wakes the wait that follows (no lost wake-up).
        const signal = yield* Ref.get(wakeUp)
        const outcome = yield* round.pipe(
          // Another runner applied these events first (a lease taken over): read again from its checkpoint.
          Effect.catchTag("CheckpointConflict", () => Effect.succeed("busy" as const)),
          Effect.tapError((error) => recordFailureOf(id, error)),
          Effect.retry(retry),
          Effect.orElseSucceed(() => "idle" as const),
        )
        if (outcome === "idle") yield* Effect.raceFirst(Deferred.await(signal), Effect.sleep(pollInterval))
      }
    })
    return loop.pipe(Effect.ensuring(store.releaseLease(id, holder).pipe(Effect.ignore)))
  }

  /**
   * One batch of a reactor: each event it reads is reacted to, then its
   * checkpoint moves past it; a failed reaction stops the batch there.
   */
  const reactorStep = (reactor: Reactor.Reactor<R>) =>
    Effect.gen(function* () {
      const id = Reactor.idOf(reactor)
      let from = yield* positionAt(id)
      const batch = yield* events.readAll(from, batchSize)
      /** Moves the checkpoint past the events read so far that needed nothing. */
      const passed = (position: number) =>
        position > from
          ? Effect.as(store.commit({ changes: [], checkpoint: { id, from, to: position } }), position)
          : Effect.succeed(from)
      let seen = from
      for (const recorded of batch) {
        yield* Ref.update(head, (h) => Math.max(h, recorded.position))
        if (!reactor.eventTypes.has(recorded.type)) {
          seen = recorded.position
          continue
        }
        const now = DateTime.unsafeMake(yield* Clock.currentTimeMillis)
        const reaction = reactor.react(recorded, {
          recorded,
          context: (n = 0) => {
            const causationId = Reactor.causationId(reactor, recorded.position, n)
            return {
              occurredAt: now,
              correlationId: recorded.metadata.correlationId ?? causationId,
              causationId,
              idempotent: true,
            }
          },
        })
        if (reaction !== undefined) {
          from = yield* passed(seen)
          yield* reaction.pipe(
            Effect.provide(reactorContext),
            Effect.provideService(EventStore.EventStore, inlineStore),
            Effect.catchAllCause((cause) =>
              Effect.fail(
                new ReactorFailed({
                  reactor: reactor.name,
                  position: recorded.position,
                  streamName: recorded.streamName,
                  eventType: recorded.type,
                  reason:
                    Cause.isFailType(cause) && cause.error instanceof Error ? cause.error.message : Cause.pretty(cause),
                  cause: Cause.squash(cause),
                }),
              ),
            ),
          )
        }
        from = yield* passed(recorded.position)
        seen = from
      }
      yield* passed(seen)
      return batch.length < batchSize
    })

  const catchUpReactor = (reactor: Reactor.Reactor<R>) =>
    Effect.gen(function* () {
      const id = Reactor.idOf(reactor)
      yield* setLocalId(id, { state: "catching-up" })
      while (!(yield* reactorStep(reactor))) {
        /* next batch */
      }
      yield* setLocalId(id, { state: "live" })
    }).pipe(Effect.tapError((error) => recordFailureOf(Reactor.idOf(reactor), error)))

  // Inline projections catch up before the runtime is ready, then are marked live.
  for (const projection of inlineProjections) {
    const state = yield* Registry.versionState(store, Projection.idOf(projection))
    if (state?.inlineLive === true) {
      yield* setLocal(projection, { state: "live" })
      continue
    }
    yield* catchUpOne(projection)
    yield* store
      .commit({
        changes: [Registry.putVersion({ _tag: "Version", id: Projection.idOf(projection), inlineLive: true })],
      })
      .pipe(noCheckpoint)
  }

  if (options.background ?? true) {
    yield* Effect.forEach(
      asyncProjections,
      (projection) =>
        Effect.forkScoped(follow(Projection.idOf(projection), step(projection, batchSize), isRetired(projection))),
      { discard: true },
    )
    yield* Effect.forEach(
      reactors,
      (reactor) => Effect.forkScoped(follow(Reactor.idOf(reactor), reactorStep(reactor), Effect.succeed(false))),
      { discard: true },
    )
  }

  const status = Effect.gen(function* () {
    const states = yield* Ref.get(local)
    const now = yield* Clock.currentTimeMillis
    const known = yield* Ref.get(head)
    const consumers = [
      ...all.map((projection) => ({
        id: Projection.idOf(projection),
        name: projection.name,
        version: projection.version,
        mode: inlineProjections.includes(projection) ? ("inline" as const) : ("async" as const),
      })),
      ...reactors.map((reactor) => ({
        id: Reactor.idOf(reactor),
        name: reactor.name,
        version: 0,
        mode: "reactor" as const,
      })),
    ]
    return yield* Effect.forEach(consumers, ({ id, name, version, mode }) =>
      Effect.gen(function* () {
        const checkpoint = yield* positionAt(id)
        const persisted = yield* Registry.versionState(store, id)
        const serving = mode === "reactor" ? undefined : yield* Registry.serving(store, name)
        const entry = states.get(id)
        // A live inline projection is at the head by construction: its checkpoint only served its catch-up.
        const inlineLive = mode === "inline" && entry?.state === "live"
        const next = inlineLive ? [] : yield* events.readAll(checkpoint, 1)
        const headNow = Math.max(known, checkpoint, next[0]?.position ?? 0)
        const position = inlineLive ? headNow : checkpoint
        const oldest = next[0]
        return {
          name,
          version,
          mode,
          state: entry?.state ?? "waiting",
          serving: serving === version,
          position,
          head: headNow,
          lagEvents: Math.max(0, headNow - position),
          lagSeconds: oldest === undefined ? 0 : Math.max(0, (now - oldest.metadata.occurredAt.epochMillis) / 1000),
          lastError: entry?.lastError ?? persisted?.lastError,
        } satisfies ProjectionStatus
      }),
    )
  })

  const rebuild = (projection: Projection.Projection.Any) =>
    Effect.gen(function* () {
      yield* Effect.forEach(
        Object.keys(projection.collections),
        (alias) => store.dropTable(Projection.tableOf(projection, alias)),
        { discard: true },
      )
      yield* store.resetCheckpoint(Projection.idOf(projection))
      yield* ensureTables(projection)
      yield* catchUpBy(projection, rebuildBatchSize)
    })

  const retire = (projection: Projection.Projection.Any) =>
    Effect.gen(function* () {
      const serving = yield* Registry.serving(store, projection.name)
      if (serving === projection.version) {
        return yield* Effect.fail(
          new ReadModelError({
            reason: "InvalidArgument",
            message: `Projection ${Projection.idOf(projection)} serves readers: it cannot be retired`,
          }),
        )
      }
      yield* Effect.forEach(
        Object.keys(projection.collections),
        (alias) => store.dropTable(Projection.tableOf(projection, alias)),
        { discard: true },
      )
      yield* store.resetCheckpoint(Projection.idOf(projection))
      yield* store.commit({ changes: [Registry.removeVersion(Projection.idOf(projection))] }).pipe(noCheckpoint)
    })

  const runtime: ProjectionRuntime.Service = {
    status,
    catchUp: (projection) =>
      projection === undefined
        ? Effect.zipRight(
            Effect.forEach(asyncProjections, catchUpOne, { discard: true }),
            Effect.forEach(reactors, catchUpReactor, { discard: true }),
          )
        : catchUpOne(projection),
    catchUpReactor: (name) => {
      const reactor = reactors.find((candidate) => candidate.name === name)
      return reactor === undefined
        ? Effect.fail(new ReadModelError({ reason: "InvalidArgument", message: `The runtime runs no reactor ${name}` }))
        : catchUpReactor(reactor)
    },
    // An inline projection's appends apply it without a checkpoint: while it rebuilds, no append may run.
    rebuild: (projection) =>
      // By id: a definition built twice is the same projection.
      inlineProjections.some((inline) => Projection.idOf(inline) === Projection.idOf(projection))
        ? appendGate.withPermits(APPENDS)(rebuild(projection))
        : rebuild(projection),
    serving: (name) => Registry.serving(store, name),
    retire,
    wake,
  }

  /** An append and the inline projections that read its events, in one transaction. */
  const appendInline = (streamName: StreamName, expected: ExpectedVersion, newEvents: ReadonlyArray<NewEvent>) =>
    store
      .withTransaction(
        Effect.gen(function* () {
          const result = yield* events.append(streamName, expected, newEvents)
          const concerned = inlineProjections.filter((projection) =>
            newEvents.some((event) => projection.eventTypes.has(event.event._tag)),
          )
          if (concerned.length > 0) {
            // The events as the log returns them (positions from the database, erased fields as a rebuild
            // reads them), read back inside the append's transaction.
            const recorded = yield* events.readStream(streamName, result.streamVersion - newEvents.length)
            for (const projection of concerned) {
              const applied = yield* Engine.apply(projection, recorded, store.get)
              if (applied.failure !== undefined) return yield* Effect.fail(applied.failure)
              yield* store.commit({ changes: applied.changes })
            }
          }
          return result
        }),
      )
      .pipe(
        Effect.mapError((error) =>
          error._tag === "ConcurrencyConflict" || error._tag === "EventStoreError"
            ? error
            : new EventStoreError({
                reason: "Unavailable",
                message: `The inline projections refused the append: ${error.message}`,
                streamName,
                cause: error,
              }),
        ),
        // A rebuild of an inline projection takes every permit: no append runs meanwhile.
        appendGate.withPermits(1),
      )

  /**
   * The store the runtime puts in context: appends apply the inline projections
   * (without any, an append is the plain one: no transaction around it) and wake
   * the async projections and reactors up.
   */
  const inlineStore: EventStore.EventStore.Service = {
    ...events,
    append: (streamName, expected, newEvents) =>
      (inlineProjections.length > 0
        ? appendInline(streamName, expected, newEvents)
        : events.append(streamName, expected, newEvents)
      ).pipe(
        Effect.tap((result) =>
          Effect.zipRight(
            Ref.update(head, (h) => Math.max(h, result.lastPosition)),
            wake,
          ),
        ),
      ),
  }

  return { runtime, inlineStore }
})

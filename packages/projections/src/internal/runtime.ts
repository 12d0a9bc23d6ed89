/**
 * The projection runtime's implementation (ProjectionRuntime.ts says what it
 * does): wires the consumers of core.ts, projectionSteps.ts, reactorSteps.ts
 * and follow.ts, the inline store and the status into one service.
 */
import * as Effect from "effect/Effect"
import * as Projection from "../Projection.ts"
import type { Options, ProjectionRuntime } from "../ProjectionRuntime.ts"
import * as Reactor from "../Reactor.ts"
import * as Core from "./core.ts"
import { follow } from "./follow.ts"
import * as InlineStore from "./inlineStore.ts"
import * as ProjectionSteps from "./projectionSteps.ts"
import * as ReactorSteps from "./reactorSteps.ts"
import * as Registry from "./registry.ts"
import * as Status from "./status.ts"

/** Concurrent appends through one runtime, at most: the permits of its append gate. */
const APPENDS = 1_000_000

/**
 * Builds the runtime over the typed event store and the read-model store in
 * context, and, unless `background: false`, starts one fiber per async
 * projection and reactor in the layer's scope. It also returns the store that
 * appends through the inline projections: {@link layer} puts it in place of
 * the `EventStore` it was given.
 *
 * @since 0.1.0
 */
export const make = Effect.fnUntraced(function* <R = never>(options: Options<R>) {
  const reactorContext = yield* Effect.context<R>()
  const core = yield* Core.make(options)
  const asyncProjections = options.async ?? []
  const inlineProjections = options.inline ?? []
  const reactors = options.reactors ?? []
  const all = [...inlineProjections, ...asyncProjections]

  const ids = new Set<string>()
  for (const id of [...all.map(Projection.idOf), ...reactors.map(Reactor.idOf)]) {
    if (ids.has(id)) throw new TypeError(`${id} is given twice`)
    ids.add(id)
  }

  /** Appends take one permit; a rebuild of an inline projection takes them all. */
  const appendGate = yield* Effect.makeSemaphore(APPENDS)
  const inlineStore = InlineStore.make(core, inlineProjections, appendGate.withPermits(1))

  yield* Registry.ensure(core.store)
  yield* Effect.forEach(all, (projection) => Core.ensureTables(core, projection), { discard: true })

  // Inline projections catch up before the runtime is ready, then are marked live.
  for (const projection of inlineProjections) {
    const id = Projection.idOf(projection)
    const state = yield* Registry.versionState(core.store, id)
    if (state?.inlineLive === true) {
      yield* core.setLocal(id, { state: "live" })
      continue
    }
    yield* ProjectionSteps.catchUp(core, projection)
    yield* core.store
      .commit({ changes: [Registry.putVersion({ _tag: "Version", id, inlineLive: true })] })
      .pipe(Core.noCheckpoint)
  }

  if (options.background ?? true) {
    yield* Effect.forEach(
      asyncProjections,
      (projection) =>
        Effect.forkScoped(follow(core, Projection.idOf(projection), ProjectionSteps.round(core, projection))),
      { discard: true },
    )
    yield* Effect.forEach(
      reactors,
      (reactor) =>
        Effect.forkScoped(
          follow(core, Reactor.idOf(reactor), ReactorSteps.round(core, reactor, reactorContext, inlineStore)),
        ),
      { discard: true },
    )
  }

  const consumers: ReadonlyArray<Status.Consumer> = [
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
  const catchUpReactor = (reactor: Reactor.Reactor<R>) =>
    ReactorSteps.catchUp(core, reactor, reactorContext, inlineStore)

  const runtime: ProjectionRuntime.Service = {
    status: Status.status(core, consumers),
    catchUp: (projection) =>
      projection === undefined
        ? Effect.zipRight(
            Effect.forEach(asyncProjections, (each) => ProjectionSteps.catchUp(core, each), { discard: true }),
            Effect.forEach(reactors, catchUpReactor, { discard: true }),
          )
        : ProjectionSteps.catchUp(core, projection).pipe(
            Effect.withSpan("ProjectionRuntime.catchUp", {
              captureStackTrace: false,
              attributes: { projection: Projection.idOf(projection) },
            }),
          ),
    catchUpReactor: (name) => {
      const reactor = reactors.find((candidate) => candidate.name === name)
      return reactor === undefined
        ? Effect.fail(Core.invalid(`The runtime runs no reactor ${name}`))
        : catchUpReactor(reactor)
    },
    // An inline projection's appends apply it without a checkpoint: while it rebuilds, no append may run.
    rebuild: (projection) =>
      // By id: a definition built twice is the same projection.
      (inlineProjections.some((inline) => Projection.idOf(inline) === Projection.idOf(projection))
        ? appendGate.withPermits(APPENDS)(ProjectionSteps.rebuild(core, projection))
        : ProjectionSteps.rebuild(core, projection)
      ).pipe(
        Effect.withSpan("ProjectionRuntime.rebuild", {
          captureStackTrace: false,
          attributes: { projection: Projection.idOf(projection) },
        }),
      ),
    serving: (name) => Registry.serving(core.store, name),
    retire: (projection) => ProjectionSteps.retire(core, projection),
    wake: core.wake,
  }

  return { runtime, inlineStore }
})

/**
 * `cartable rebuild [projection]`: replays the log from position 0 into one
 * projection (or every one), with a progress bar on a terminal. It holds the
 * projection's lease while it runs, and refuses (`Busy`) one that another
 * process runs.
 *
 * @since 0.1.0
 */
import * as EventStore from "@cartable/eventlog/EventStore"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import { ReadModelStore } from "@cartable/projections/ReadModelStore"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Output from "./Output.ts"
import * as Progress from "./Progress.ts"
import * as ReadSide from "./ReadSide.ts"
import * as Store from "./Store.ts"

/**
 * What a rebuild did, for `--json`.
 *
 * @since 0.1.0
 */
export interface Rebuilt {
  readonly projection: string
  readonly version: number
  readonly events: number
  readonly seconds: number
}

const projectionArg = Args.text({ name: "projection" }).pipe(
  Args.withDescription(`The projection to rebuild (default: all): ${ReadSide.all.map((p) => p.name).join(", ")}`),
  Args.optional,
)

const rebuildOne = (projection: Projection.Projection.Any, json: boolean) =>
  Effect.gen(function* () {
    const runtime = yield* ProjectionRuntime.ProjectionRuntime
    const store = yield* ReadModelStore
    const events = yield* EventStore.EventStore
    const id = Projection.idOf(projection)
    const total = yield* events.head.pipe(Effect.mapError(ReadSide.failed))
    const start = yield* Clock.currentTimeMillis
    yield* ReadSide.underLease(
      projection,
      Progress.track(
        {
          label: `${projection.name} v${projection.version}`,
          unit: "events",
          total,
          done: Effect.map(store.checkpoint(id), Option.match({ onNone: () => 0, onSome: (c) => c.position })),
          enabled: Output.interactive(json),
        },
        runtime.rebuild(projection).pipe(Effect.mapError(ReadSide.failed)),
      ),
    ).pipe(Effect.scoped)
    const seconds = ((yield* Clock.currentTimeMillis) - start) / 1000
    return { projection: projection.name, version: projection.version, events: total, seconds } satisfies Rebuilt
  })

/**
 * The `rebuild` command.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "rebuild",
  { projection: projectionArg, store: Store.option, json: Output.json },
  ({ projection, store, json }) =>
    Effect.gen(function* () {
      const address = yield* Store.resolve(store)
      const chosen = Option.isSome(projection) ? [yield* ReadSide.find(projection.value)] : ReadSide.all
      const rebuilt = yield* Effect.forEach(chosen, (each) => rebuildOne(each, json)).pipe(
        Effect.provide(ReadSide.runtime.pipe(Layer.provideMerge(Store.layer(address)))),
      )
      yield* Output.emit(json, { store: Store.describe(address), rebuilt }, (value) =>
        value.rebuilt
          .map(
            (one) =>
              `Rebuilt ${one.projection} v${one.version}: ${Output.count(one.events)} events in ${Output.duration(one.seconds)}`,
          )
          .join("\n"),
      )
    }),
).pipe(Command.withDescription("Replay the log from position 0 into a projection (default: every projection)"))

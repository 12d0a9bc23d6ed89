/**
 * The scheduler port: where time enters the managers, as tick commands
 * ({@link ClockTick.tick}). In production a fiber reads the real `Clock` and
 * ticks at a fixed interval ({@link layerEvery}); tests drive the same fiber
 * with `TestClock`, or call {@link Scheduler.Service.tick} with the instants
 * they want.
 *
 * @since 0.1.0
 */
import * as EventStore from "@cartable/eventlog/EventStore"
import type { EventStoreError } from "@cartable/eventlog/EventStoreError"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as ClockTick from "./ClockTick.ts"

/**
 * @since 0.1.0
 */
export declare namespace Scheduler {
  /**
   * What the scheduler offers: the tick command, with the instant it carries.
   *
   * @since 0.1.0
   */
  export interface Service {
    /** Records a tick at `at` (nothing when the log holds one at or after it); true when recorded. */
    readonly tick: (at: DateTime.Utc) => Effect.Effect<boolean, EventStoreError>
  }
}

/**
 * The scheduler.
 *
 * @since 0.1.0
 */
export class Scheduler extends Context.Tag("@cartable/managers/Scheduler")<Scheduler, Scheduler.Service>() {}

/**
 * The scheduler over the `EventStore` in context (the projection runtime's, so
 * that the managers' reactors wake up on each tick).
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<Scheduler.Service, never, EventStore.EventStore> = Effect.map(
  EventStore.EventStore,
  (store) => ({ tick: (at) => Effect.provideService(ClockTick.tick(at), EventStore.EventStore, store) }),
)

/**
 * The scheduler as a layer.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<Scheduler, never, EventStore.EventStore> = Layer.effect(Scheduler, make)

/**
 * Ticks now, then every `every`, at the instant the `Clock` reads; a tick that
 * fails (the store down) is logged and the next one comes at its time. Runs
 * until interrupted.
 *
 * @since 0.1.0
 */
export const run = (options: { readonly every: Duration.DurationInput }): Effect.Effect<never, never, Scheduler> =>
  Effect.flatMap(Scheduler, (scheduler) =>
    Clock.currentTimeMillis.pipe(
      Effect.flatMap((millis) => scheduler.tick(DateTime.unsafeMake(millis))),
      Effect.catchAll((error) =>
        Effect.logWarning("Scheduler: a clock tick failed; the next one comes at its time", error),
      ),
      Effect.repeat(Schedule.fixed(Duration.decode(options.every))),
      Effect.zipRight(Effect.never),
    ),
  )

/**
 * The ticking fiber, in the layer's scope: in production `every` is the
 * granularity of the managers' due dates (a due account waits at most that long).
 *
 * @example
 * const Ticks = Scheduler.layerEvery({ every: "1 hour" }).pipe(Layer.provide(Scheduler.layer))
 * @since 0.1.0
 */
export const layerEvery = (options: { readonly every: Duration.DurationInput }): Layer.Layer<never, never, Scheduler> =>
  Layer.scopedDiscard(Effect.forkScoped(run(options)))

/**
 * The story's clock: Effect's `Clock` reading an instant the story moves, so
 * that everything the library dates with the clock (sessions, activations, the
 * rollover's default instant) happens on the story's day, and a year plays in
 * seconds. The domain reads no clock; the managers see time only through the
 * ticks the story records with the same instant.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"

/**
 * A clock the story sets, and Effect's `Clock` reading it.
 *
 * @since 0.1.0
 */
export interface StoryClock {
  readonly clock: Clock.Clock
  /** Moves the clock to an instant (ISO 8601) and returns it. */
  readonly set: (iso: string) => DateTime.Utc
  readonly now: () => DateTime.Utc
}

/**
 * A clock starting at `iso`; sleeping still waits in real time.
 *
 * @since 0.1.0
 */
export const make = (iso: string): StoryClock => {
  let millis = DateTime.toEpochMillis(DateTime.unsafeMake(iso))
  const real = Clock.make()
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => millis,
    currentTimeMillis: Effect.sync(() => millis),
    unsafeCurrentTimeNanos: () => BigInt(millis) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(millis) * 1_000_000n),
    sleep: (duration) => real.sleep(duration),
  }
  return {
    clock,
    set: (next) => {
      millis = DateTime.toEpochMillis(DateTime.unsafeMake(next))
      return DateTime.unsafeMake(millis)
    },
    now: () => DateTime.unsafeMake(millis),
  }
}

/**
 * A progress bar with its rate and time left, for the long commands (a
 * rebuild, an import): drawn on stdout with the ANSI documents of
 * @effect/printer-ansi, as @effect/cli's prompts draw theirs, and only when
 * stdout is a terminal; a script piping the output gets none of it.
 *
 * @since 0.1.0
 */
import * as Ansi from "@effect/printer-ansi/Ansi"
import * as Doc from "@effect/printer-ansi/AnsiDoc"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { count, duration } from "./Output.ts"

/**
 * Where a piece of work stands: how many units are done out of how many, and
 * since when it runs.
 *
 * @since 0.1.0
 */
export interface Snapshot {
  readonly done: number
  readonly total: number
  readonly elapsedMillis: number
}

/** Characters of the bar itself. */
const WIDTH = 28

/**
 * The line of a snapshot, without colours: label, bar, percentage, counts,
 * rate and time left (`done in` once finished).
 *
 * @example
 * line("directory", { done: 2500, total: 10000, elapsedMillis: 1000 }, "events", false)
 * // "directory [#######.....................]  25%  2,500/10,000 events  2,500 events/s  ETA 3s"
 * @since 0.1.0
 */
export const line = (label: string, snapshot: Snapshot, unit: string, finished: boolean): string => {
  const total = Math.max(snapshot.total, snapshot.done)
  const ratio = total === 0 ? 1 : snapshot.done / total
  const filled = Math.round(ratio * WIDTH)
  const seconds = snapshot.elapsedMillis / 1000
  const rate = seconds > 0 ? snapshot.done / seconds : 0
  const left = finished
    ? `done in ${duration(seconds)}`
    : rate > 0
      ? `ETA ${duration((total - snapshot.done) / rate)}`
      : "ETA -"
  return [
    `${label} [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}]`,
    `${String(Math.floor(ratio * 100)).padStart(3)}%`,
    `${count(snapshot.done)}/${count(total)} ${unit}`,
    `${count(Math.round(rate))} ${unit}/s`,
    left,
  ].join("  ")
}

/** The line drawn over the previous one: erased, back to the first column, then the text in bold. */
const frame = (text: string): string =>
  Doc.render(Doc.cat(Doc.cat(Doc.eraseLine, Doc.cursorLeft), Doc.annotate(Doc.text(text), Ansi.bold)), {
    style: "pretty",
  })

/**
 * Runs `work` while drawing its progress every 100 ms from `done` (errors of
 * `done` draw nothing), then the finished line; with `enabled` false it only runs the work.
 *
 * @since 0.1.0
 */
export const track = <A, E, R, E2, R2>(
  options: {
    readonly label: string
    readonly unit: string
    /** The total, or how to read it when it is known only once the work started. */
    readonly total: number | (() => number)
    readonly done: Effect.Effect<number, E2, R2>
    readonly enabled: boolean
  },
  work: Effect.Effect<A, E, R>,
): Effect.Effect<A, E, R | R2> => {
  if (!options.enabled) return work
  const write = (text: string) => Effect.sync(() => process.stdout.write(text))
  return Effect.gen(function* () {
    const start = yield* Clock.currentTimeMillis
    const totalNow = () => (typeof options.total === "number" ? options.total : options.total())
    const draw = (done: number, finished: boolean) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        write(
          frame(line(options.label, { done, total: totalNow(), elapsedMillis: now - start }, options.unit, finished)),
        ),
      )
    const drawing = yield* Effect.fork(
      Effect.forever(
        Effect.zipRight(
          options.done.pipe(
            Effect.flatMap((done) => draw(done, false)),
            Effect.ignore,
          ),
          Effect.sleep("100 millis"),
        ),
      ),
    )
    const result = yield* work.pipe(
      Effect.onExit(() => Fiber.interrupt(drawing)),
      Effect.tapErrorCause(() => write("\n")),
    )
    yield* draw(totalNow(), true)
    yield* write("\n")
    return result
  })
}

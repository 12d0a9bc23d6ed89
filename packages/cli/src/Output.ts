/**
 * What a command prints: a text for a person, or one JSON document for a
 * script (`--json`), on stdout; errors on stderr. The progress bar draws only
 * when stdout is a terminal and `--json` is off.
 *
 * @since 0.1.0
 */
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import type * as Effect from "effect/Effect"

/**
 * The `--json` option every command takes.
 *
 * @since 0.1.0
 */
export const json: Options.Options<boolean> = Options.boolean("json").pipe(
  Options.withDescription("Print one JSON document for scripts instead of text"),
)

/**
 * Prints the value as JSON with `--json`, else the text made of it.
 *
 * @since 0.1.0
 */
export const emit = <A>(asJson: boolean, value: A, text: (value: A) => string): Effect.Effect<void> =>
  Console.log(asJson ? JSON.stringify(value, null, 2) : text(value))

/**
 * Whether stdout is a terminal a person watches (the progress bar draws there).
 *
 * @since 0.1.0
 */
export const interactive = (asJson: boolean): boolean => !asJson && process.stdout.isTTY === true

/**
 * Lays out rows under a header, each column as wide as its widest cell.
 *
 * @since 0.1.0
 */
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd()
  return [line(header), ...rows.map(line)].join("\n")
}

/**
 * A count with its thousands separated, as a person reads it.
 *
 * @since 0.1.0
 */
export const count = (n: number): string => n.toLocaleString("en")

/**
 * A duration in seconds, short: `45s`, `3m 20s`, `2h 5m`, `3d 4h`.
 *
 * @since 0.1.0
 */
export const duration = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`
}

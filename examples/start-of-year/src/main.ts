/**
 * `pnpm start`: one school's first days of the year through the library's
 * Workspace, from the academy's example export, then what the read models say,
 * and, a year on, the rollover into the next year with its report. The log and
 * the read models share a SQLite file (`start-of-year.db`, made anew each run,
 * left for you to inspect); pass `--memory` to keep them in memory.
 */
import { rmSync } from "node:fs"
import { resolve } from "node:path"
import * as Stack from "@cartable/example-school-year/Stack"
import * as StoryClock from "@cartable/example-school-year/StoryClock"
import * as Year from "@cartable/example-school-year/year"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Summary from "./Summary.ts"
import { play } from "./scenario.ts"

const inMemory = process.argv.includes("--memory")
const filename = inMemory ? ":memory:" : resolve("start-of-year.db")
if (!inMemory) for (const suffix of ["", "-wal", "-shm"]) rmSync(`${filename}${suffix}`, { force: true })
const clock = StoryClock.make("2025-09-01T00:00:00Z")

const program = Effect.gen(function* () {
  yield* Console.log(`Cartable demo: a school's start of year (event log: ${inMemory ? "in memory" : filename})\n`)
  let n = 0
  const story = yield* play({ clock, say: (line) => Console.log(`${++n}. ${line}`) })
  yield* Console.log("\nRefused, with the rule that refused it:")
  for (const refusal of story.ent.refusals)
    yield* Console.log(`  ${refusal.ruleId} ${refusal.intent}: ${refusal.message}`)
  yield* Console.log("\nWhat the read models now say:")
  for (const line of yield* Summary.describe) yield* Console.log(`  ${line}`)
  yield* Console.log("\nA year on, before the next year's import: the rollover")
  yield* Year.rollover({ ...story, say: (text) => Console.log(`  ${text.split("\n").join("\n  ")}`) })
})

// The library logs its housekeeping at info level: the demo keeps warnings and errors only.
Effect.runPromise(
  program.pipe(
    Effect.provide(Stack.layer({ filename })),
    Effect.scoped,
    Effect.withClock(clock.clock),
    Logger.withMinimumLogLevel(LogLevel.Warning),
  ),
).catch((error) => {
  console.error(error)
  process.exitCode = 1
})

/**
 * `pnpm --filter @cartable/example-school-year start`: a whole school year of
 * one collège on the embedded SQLite store (`school-year.db`, made anew each
 * run, left for you to inspect, with the mail-merge sheets beside it in
 * `school-year-sheets.pdf`); `--memory` keeps the store in memory.
 */
import { rmSync } from "node:fs"
import { resolve } from "node:path"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Stack from "./Stack.ts"
import * as StoryClock from "./StoryClock.ts"
import { play } from "./year.ts"

const inMemory = process.argv.includes("--memory")
const filename = inMemory ? ":memory:" : resolve("school-year.db")
if (!inMemory) for (const suffix of ["", "-wal", "-shm"]) rmSync(`${filename}${suffix}`, { force: true })
const clock = StoryClock.make("2025-09-01T00:00:00Z")

const program = Effect.gen(function* () {
  yield* Console.log(
    `Cartable: a school year of the Collège Jean-Jaurès (store: ${inMemory ? "in memory" : filename})\n`,
  )
  let n = 0
  const outcome = yield* play({
    clock,
    sheetsFile: inMemory ? undefined : resolve("school-year-sheets.pdf"),
    // A step's first line numbered, the next ones (a report) indented under it.
    say: (text) => Console.log(`${++n}. ${text.split("\n").join("\n   ")}`),
  })
  yield* Console.log("\nRefused, with the rule that refused it:")
  for (const refusal of outcome.refusals) {
    yield* Console.log(`  ${refusal.ruleId} ${refusal.intent} by ${refusal.who}: ${refusal.message}`)
  }
  yield* Console.log(
    `\nThe year ends: ${outcome.rollover.events} event(s) appended by the rollover into ${outcome.rollover.to}`,
  )
})

// The library logs its housekeeping at info level (the SQLite adapter's WAL scrub after an erasure):
// the story's output keeps warnings and errors only.
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

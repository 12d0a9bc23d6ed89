/**
 * `pnpm start`: plays one school's start of year through the domain and prints
 * what happened, read back from the event log. The log is a SQLite file
 * (`start-of-year.db`, made anew each run, left for you to inspect); pass
 * `--memory` to keep it in memory.
 */
import { rmSync } from "node:fs"
import { resolve } from "node:path"
import * as Domain from "@cartable/domain/Domain"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Summary from "./Summary.ts"
import { play } from "./scenario.ts"

const catalog = EventCatalog.make(Domain.events)
const inMemory = process.argv.includes("--memory")
const filename = resolve("start-of-year.db")

const store = inMemory
  ? EventStore.layerMemory(catalog)
  : Layer.unwrapEffect(
      Effect.sync(() => {
        for (const suffix of ["", "-wal", "-shm"]) rmSync(`${filename}${suffix}`, { force: true })
        return SqliteEventStore.layer({ filename, catalog })
      }),
    )

const program = Effect.gen(function* () {
  yield* Console.log(`Cartable demo: a school's start of year (event log: ${inMemory ? "in memory" : filename})\n`)
  let n = 0
  const refusals = yield* play((line) => Console.log(`${++n}. ${line}`))
  yield* Console.log("\nRefused, with the rule that refused it:")
  for (const refusal of refusals) yield* Console.log(`  ${refusal.ruleId} ${refusal.command}: ${refusal.message}`)
  yield* Console.log("\nWhat the event log now says:")
  for (const line of Summary.describe(yield* Summary.readEverything)) yield* Console.log(`  ${line}`)
})

Effect.runPromise(program.pipe(Effect.provide(store))).catch((error) => {
  console.error(error)
  process.exitCode = 1
})

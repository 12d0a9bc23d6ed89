/**
 * `pnpm start`: plays one school's start of year through the domain and prints
 * what happened, read back from the read models the projection runtime keeps.
 * The log and the read models share a SQLite file (`start-of-year.db`, made
 * anew each run, left for you to inspect); pass `--memory` to keep them in memory.
 */
import { rmSync } from "node:fs"
import { resolve } from "node:path"
import * as Domain from "@cartable/domain/Domain"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Summary from "./Summary.ts"
import { play } from "./scenario.ts"

const catalog = EventCatalog.make(Domain.events)
const inMemory = process.argv.includes("--memory")
const filename = resolve("start-of-year.db")

const storage = inMemory
  ? EventStore.layer(catalog).pipe(
      Layer.provideMerge(Layer.merge(ReadModelStore.layerMemoryWithDriver, SubjectKeyStore.layerMemory)),
    )
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
  yield* Console.log("\nWhat the read models now say:")
  for (const line of yield* Summary.describe) yield* Console.log(`  ${line}`)
})

Effect.runPromise(program.pipe(Effect.provide(Summary.layer(storage)), Effect.scoped)).catch((error) => {
  console.error(error)
  process.exitCode = 1
})

/**
 * `pnpm start`: plays one school's start of year through the domain, on the
 * in-memory store, and prints what happened, read back from the event log.
 */
import * as Domain from "@cartable/domain/Domain"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Summary from "./Summary.ts"
import { play } from "./scenario.ts"

const catalog = EventCatalog.make(Domain.events)

const program = Effect.gen(function* () {
  yield* Console.log("Cartable demo: a school's start of year\n")
  let n = 0
  const refusals = yield* play((line) => Console.log(`${++n}. ${line}`))
  yield* Console.log("\nRefused, with the rule that refused it:")
  for (const refusal of refusals) yield* Console.log(`  ${refusal.ruleId} ${refusal.command}: ${refusal.message}`)
  yield* Console.log("\nWhat the event log now says:")
  for (const line of Summary.describe(yield* Summary.readEverything)) yield* Console.log(`  ${line}`)
})

Effect.runPromise(program.pipe(Effect.provide(EventStore.layerMemory(catalog)))).catch((error) => {
  console.error(error)
  process.exitCode = 1
})

import * as Domain from "@cartable/domain/Domain"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Summary from "../src/Summary.ts"
import { play } from "../src/scenario.ts"

describe("the start-of-year demo", () => {
  it.effect("plays the year and the log tells what happened", () =>
    Effect.gen(function* () {
      const refusals = yield* play(() => Effect.void)
      assert.deepStrictEqual(
        refusals.map((refusal) => refusal.ruleId),
        ["BR-ACC-1", "BR-ACC-3", "BR-SIG-3", "BR-CDT-3", "BR-CDT-4"],
      )
      const events = yield* Summary.readEverything
      const states = Summary.foldAll(events)
      const statuses = states.Account.flatMap((state) => (state._tag === "Account" ? [state.accountId] : []))
      assert.strictEqual(statuses.length, 10)
      const types = new Set(events.map((event) => event.type))
      for (const type of ["AccountActivated", "GroupAssigned", "ReportHandled", "VisaPlaced", "AccountBlocked"]) {
        assert.ok(types.has(type), `${type} is in the log`)
      }
      const lines = Summary.describe(events)
      assert.ok(lines.some((line) => line.includes("Class 6e A: pupils p-lea, p-ines; teachers t-durand, t-nguyen")))
      assert.ok(lines.some((line) => line.includes("frozen: s1, s2, s3")))
    }).pipe(Effect.provide(EventStore.layerMemory(EventCatalog.make(Domain.events)))),
  )
})

import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { Live, program } from "../src/main.ts"

describe("example: school directory", () => {
  it.effect("searches the inline directory, waits for the statistics, reads the status, rebuilds", () =>
    Effect.gen(function* () {
      const result = yield* program
      assert.deepStrictEqual(result.search, ["marc.durand", "marie.anquet", "marius.bonnet"])
      assert.strictEqual(result.inSchoolA, 3)
      assert.deepStrictEqual(result.active, ["marie.anquet"])
      assert.deepStrictEqual(result.statistics, [
        { school: "school-a", provisioned: 3, activated: 1 },
        { school: "school-b", provisioned: 1, activated: 0 },
      ])
      assert.deepStrictEqual(
        result.status.map(({ name, mode, lagEvents }) => [name, mode, lagEvents]),
        [
          ["directory", "inline", 0],
          ["statistics", "async", 0],
        ],
      )
      assert.isTrue(result.rebuiltIsEqual)
    }).pipe(Effect.provide(Live), Effect.scoped),
  )
})

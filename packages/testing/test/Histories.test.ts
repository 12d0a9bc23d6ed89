import { interleave } from "@cartable/testing/Histories"
import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"

describe("interleave", () => {
  it("takes the queue a pick names, or the next non-empty one, or the first", () => {
    const order = interleave([["a1", "a2"], ["b1"], ["c1", "c2"]], [2, 1, 1, 0, 2]).map(({ item }) => item)
    assert.deepStrictEqual(order, ["c1", "b1", "c2", "a1", "a2"])
  })

  it.prop(
    "keeps every item once and each queue's own order",
    [
      FastCheck.array(FastCheck.array(FastCheck.nat(), { maxLength: 6 }), { maxLength: 4 }),
      FastCheck.array(FastCheck.nat(5)),
    ],
    ([queues, picks]) => {
      const tagged = queues.map((queue, q) => queue.map((value, i) => `${q}.${i}.${value}`))
      const out = interleave(tagged, picks).map(({ item }) => item)
      assert.deepStrictEqual([...out].sort(), tagged.flat().sort())
      for (const queue of tagged)
        assert.deepStrictEqual(
          out.filter((item) => queue.includes(item)),
          queue,
        )
    },
  )
})

import * as EventStoreDriver from "@cartable/eventlog/EventStoreDriver"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import type { StreamName } from "@cartable/eventlog/StreamName"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

const doc = (key: string, tags: ReadonlyArray<string> = []): ReadModelStore.StoredDocument => ({
  key,
  body: JSON.stringify({ key }),
  index: tags.length === 0 ? {} : { tag: tags },
})

describe("ReadModelStore memory", () => {
  it.effect("round trip, find, cursor, code-point order", () =>
    Effect.gen(function* () {
      const store = yield* ReadModelStore.makeMemory
      yield* store.ensureTable({ name: "things", indexes: ["tag"] })
      const keys = ["b", "a", "\u{1F600}", "\uE000", "c"]
      yield* store.commit({ changes: [{ table: "things", put: keys.map((k) => doc(k, ["x", k])), delete: [] }] })
      const first = yield* store.find("things", { limit: 2 })
      assert.deepStrictEqual(
        first.documents.map((d) => d.key),
        ["a", "b"],
      )
      const second = yield* store.find("things", { limit: 10, after: first.next })
      assert.deepStrictEqual(
        second.documents.map((d) => d.key),
        ["c", "\uE000", "\u{1F600}"],
      )
      assert.isUndefined(second.next)
      const byTag = yield* store.find("things", { index: "tag", equals: "x", limit: 10 })
      assert.strictEqual(byTag.documents.length, 5)
      assert.strictEqual(yield* store.count("things", { index: "tag", prefix: "" }), 10)
      const bad = yield* Effect.flip(store.find("things", { limit: 1, after: "nope" }))
      assert.strictEqual(bad._tag === "ReadModelError" && bad.reason, "InvalidArgument")
    }),
  )

  it.effect("a failed transaction leaves neither the event nor the document", () =>
    Effect.gen(function* () {
      const store = yield* ReadModelStore.ReadModelStore
      const driver = yield* EventStoreDriver.EventStoreDriver
      yield* store.ensureTable({ name: "things", indexes: [] })
      const stream = "Thing-1" as StreamName
      const event = { type: "Noted", schemaVersion: 1, data: "{}", metadata: "{}" }
      yield* store
        .withTransaction(
          Effect.gen(function* () {
            yield* driver.append(stream, ExpectedVersion.any, [event])
            yield* store.commit({
              changes: [{ table: "things", put: [doc("a")], delete: [] }],
              checkpoint: { id: "p", from: 0, to: 1 },
            })
            return yield* Effect.fail("boom" as const)
          }),
        )
        .pipe(Effect.flip)
      assert.deepStrictEqual(yield* driver.readAll(0, 10), [])
      assert.deepStrictEqual(yield* store.get("things", ["a"]), [])
      assert.isTrue(Option.isNone(yield* store.checkpoint("p")))
      yield* store.withTransaction(
        Effect.gen(function* () {
          yield* driver.append(stream, ExpectedVersion.any, [event])
          yield* store.commit({ changes: [{ table: "things", put: [doc("a")], delete: [] }] })
        }),
      )
      assert.strictEqual((yield* driver.readAll(0, 10)).length, 1)
      assert.strictEqual((yield* store.get("things", ["a"])).length, 1)
    }).pipe(Effect.provide(ReadModelStore.layerMemoryWithDriver)),
  )
})

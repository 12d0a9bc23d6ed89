/**
 * Two read-model stores on one database, as two processes would hold them: a
 * table or an index the other one created is found, and a table the other one
 * dropped reads as unknown, although each store keeps what it has seen in memory.
 */
import { ReadModelStore } from "@cartable/projections/ReadModelStore"
import { assert } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"

const document = (key: string, index: Record<string, ReadonlyArray<string>>) => ({
  key,
  body: JSON.stringify({ key }),
  index,
})

const reasonOf = (exit: Exit.Exit<unknown, { readonly _tag: string; readonly reason?: string }>) =>
  Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error.reason : undefined

export const scenario = <E>(one: Layer.Layer<ReadModelStore, E>, other: Layer.Layer<ReadModelStore, E>) =>
  Effect.gen(function* () {
    const a = Context.get(yield* Layer.build(one), ReadModelStore)
    const b = Context.get(yield* Layer.build(other), ReadModelStore)
    yield* a.ensureTable({ name: "shared", indexes: ["school"] })
    yield* a.commit({ changes: [{ table: "shared", put: [document("k1", { school: ["s1"] })], delete: [] }] })
    // `a` has seen the table; `b` adds an index to it.
    assert.strictEqual((yield* a.find("shared", { limit: 10 })).documents.length, 1)
    yield* b.ensureTable({ name: "shared", indexes: ["school", "login"] })
    yield* a.commit({ changes: [{ table: "shared", put: [document("k2", { login: ["marie.a"] })], delete: [] }] })
    const byLogin = yield* a.find("shared", { index: "login", equals: "marie.a", limit: 10 })
    assert.deepStrictEqual(
      byLogin.documents.map((found) => found.key),
      ["k2"],
    )
    // `b` drops it: `a`'s reads and writes say the table is unknown, as if it never existed.
    yield* b.dropTable("shared")
    assert.strictEqual(reasonOf(yield* Effect.exit(a.get("shared", ["k1"]))), "UnknownTable")
    assert.strictEqual(reasonOf(yield* Effect.exit(a.find("shared", { limit: 1 }))), "UnknownTable")
    assert.strictEqual(
      reasonOf(yield* Effect.exit(a.commit({ changes: [{ table: "shared", put: [document("k3", {})], delete: [] }] }))),
      "UnknownTable",
    )
    // Created again by `b`: `a` writes and reads it.
    yield* b.ensureTable({ name: "shared", indexes: [] })
    yield* a.commit({ changes: [{ table: "shared", put: [document("k4", {})], delete: [] }] })
    assert.deepStrictEqual(
      (yield* a.get("shared", ["k4"])).map((found) => found.key),
      ["k4"],
    )
  })

import type * as ReadModelStore from "@cartable/projections/ReadModelStore"
import { assert } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { assertReason, doc, type Failure, type SuiteIt, services } from "./readModelStoreConformance.ts"

const BAD_TABLES: ReadonlyArray<unknown> = [
  "",
  "Upper",
  "1starts_with_digit",
  "has-dash",
  "has space",
  "é",
  `t${"x".repeat(48)}`,
  "cartable_events",
  undefined,
  42,
]
const BAD_INDEXES: ReadonlyArray<unknown> = ["", "By", "9x", "a-b", `i${"x".repeat(63)}`, "cartable_x", null]
const BAD_TEXTS: ReadonlyArray<readonly [unknown, string]> = [
  ["x".repeat(513), "513 units"],
  ["中".repeat(342), "1,026 bytes of UTF-8"],
  [`中${"é".repeat(511)}`, "512 units, 1,025 bytes of UTF-8"],
  ["\ud800", "a lone high surrogate"],
  ["a\udc00b", "a lone low surrogate"],
  ["a\u0000b", "U+0000"],
  [7, "a number"],
  [undefined, "undefined"],
]
const BAD_LIMITS: ReadonlyArray<number> = [0, -1, 10_001, 1.5, Number.NaN, Number.POSITIVE_INFINITY]
const BAD_POSITIONS: ReadonlyArray<number> = [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]
const BAD_TTLS: ReadonlyArray<number> = [0, -5, 1.5, Number.NaN, 86_400_001]

const as = <A>(value: unknown): A => value as A

/**
 * Every malformed call answers `InvalidArgument`, the same on every store, and
 * writes nothing: names, keys, values, bodies, limits, cursors, checkpoint
 * positions and lease durations out of their domain.
 */
export const register = (it: SuiteIt, fresh: (label: string) => string): void => {
  const invalid = (what: string) => (error: Failure) => assertReason(error, "InvalidArgument", what)

  it.effect("a malformed table or index name answers InvalidArgument, on every call that takes one", () =>
    Effect.gen(function* () {
      const { store } = yield* services
      const table = fresh("names")
      yield* store.ensureTable({ name: table, indexes: ["tag"] })
      for (const name of BAD_TABLES) {
        const bad = as<string>(name)
        const what = `table ${JSON.stringify(name)}`
        invalid(`ensureTable ${what}`)(yield* Effect.flip(store.ensureTable({ name: bad, indexes: [] })))
        invalid(`dropTable ${what}`)(yield* Effect.flip(store.dropTable(bad)))
        invalid(`get ${what}`)(yield* Effect.flip(store.get(bad, ["k"])))
        invalid(`find ${what}`)(yield* Effect.flip(store.find(bad, { limit: 1 })))
        invalid(`count ${what}`)(yield* Effect.flip(store.count(bad)))
        invalid(`commit ${what}`)(yield* Effect.flip(store.commit({ changes: [{ table: bad, put: [], delete: [] }] })))
      }
      for (const name of BAD_INDEXES) {
        const bad = as<string>(name)
        const what = `index ${JSON.stringify(name)}`
        invalid(`ensureTable ${what}`)(yield* Effect.flip(store.ensureTable({ name: table, indexes: [bad] })))
        invalid(`find ${what}`)(yield* Effect.flip(store.find(table, { index: bad, equals: "x", limit: 1 })))
        invalid(`count ${what}`)(yield* Effect.flip(store.count(table, { index: bad, prefix: "" })))
        // As a key of a document's index, a name is always a string.
        if (typeof name === "string")
          invalid(`put ${what}`)(
            yield* Effect.flip(store.commit({ changes: [{ table, put: [doc("k", { [bad]: ["v"] })], delete: [] }] })),
          )
      }
      // The longest names are taken.
      const longest = `t${"x".repeat(47)}`
      yield* store.ensureTable({ name: longest, indexes: [`i${"x".repeat(62)}`] })
      yield* store.dropTable(longest)
      assert.deepStrictEqual(yield* store.count(table), 0)
    }),
  )

  it.effect("a malformed key, index value or id answers InvalidArgument; 512 units are taken", () =>
    Effect.gen(function* () {
      const { store } = yield* services
      const table = fresh("texts")
      yield* store.ensureTable({ name: table, indexes: ["tag"] })
      const cases: ReadonlyArray<readonly [unknown, string]> = [...BAD_TEXTS, ["", "empty"]]
      for (const [value, label] of cases) {
        const bad = as<string>(value)
        invalid(`key ${label}`)(yield* Effect.flip(store.commit({ changes: [{ table, put: [doc(bad)], delete: [] }] })))
        invalid(`delete ${label}`)(yield* Effect.flip(store.commit({ changes: [{ table, put: [], delete: [bad] }] })))
        invalid(`get ${label}`)(yield* Effect.flip(store.get(table, ["ok", bad])))
        invalid(`checkpoint ${label}`)(yield* Effect.flip(store.checkpoint(bad)))
        invalid(`resetCheckpoint ${label}`)(yield* Effect.flip(store.resetCheckpoint(bad)))
        invalid(`commit checkpoint ${label}`)(
          yield* Effect.flip(store.commit({ changes: [], checkpoint: { id: bad, from: 0, to: 1 } })),
        )
        invalid(`lease id ${label}`)(yield* Effect.flip(store.acquireLease(bad, "me", 1000)))
        invalid(`lease holder ${label}`)(yield* Effect.flip(store.acquireLease("lease", bad, 1000)))
        invalid(`release ${label}`)(yield* Effect.flip(store.releaseLease(bad, "me")))
      }
      for (const [value, label] of BAD_TEXTS) {
        const bad = as<string>(value)
        invalid(`index value ${label}`)(
          yield* Effect.flip(store.commit({ changes: [{ table, put: [doc("k", { tag: [bad] })], delete: [] }] })),
        )
        invalid(`equals ${label}`)(yield* Effect.flip(store.find(table, { index: "tag", equals: bad, limit: 1 })))
        invalid(`prefix ${label}`)(yield* Effect.flip(store.count(table, { index: "tag", prefix: bad })))
      }
      invalid("index values not an array")(
        yield* Effect.flip(store.commit({ changes: [{ table, put: [doc("k", as({ tag: "v" }))], delete: [] }] })),
      )
      // The largest entry any store must take: a key and a value of 1,024 bytes each, random
      // (PostgreSQL compresses a repetitive entry, which would hide an entry too large).
      const cjk = () =>
        `${Array.from({ length: 341 }, () => String.fromCharCode(0x4e00 + Math.floor(Math.random() * 20_000))).join("")}x`
      const longest = [cjk(), cjk(), "é".repeat(512), "😀".repeat(256), "x".repeat(512)]
      yield* store.commit({ changes: [{ table, put: [doc(longest[0]!, { tag: longest.slice(1) })], delete: [] }] })
      for (const value of longest.slice(1)) {
        assert.deepStrictEqual(
          (yield* store.find(table, { index: "tag", equals: value, limit: 5 })).documents.map((d) => d.key),
          [longest[0]!],
        )
      }
      assert.strictEqual(yield* store.count(table), 1, "only the valid document was written")
    }),
  )

  it.effect("a body that is not a JSON text, not well-formed, or over 16 MiB answers InvalidArgument", () =>
    Effect.gen(function* () {
      const { store } = yield* services
      const table = fresh("bodies")
      yield* store.ensureTable({ name: table, indexes: [] })
      const oversized = `"${"x".repeat(16 * 1024 * 1024 - 1)}"`
      const cases: ReadonlyArray<readonly [unknown, string]> = [
        ["", "empty"],
        ["{", "truncated"],
        ["{'a': 1}", "single quotes"],
        ["undefined", "undefined"],
        ['"\ud800"', "a lone surrogate"],
        [oversized, "16 MiB + 1 byte"],
        [`"${"é".repeat(8 * 1024 * 1024)}"`, "16 MiB of 2-byte characters"],
        [{ a: 1 }, "an object"],
        [null, "null"],
      ]
      for (const [body, label] of cases) {
        const document = { key: "k", body: as<string>(body), index: {} }
        invalid(`body ${label}`)(
          yield* Effect.flip(store.commit({ changes: [{ table, put: [document], delete: [] }] })),
        )
      }
      invalid("document not an object")(
        yield* Effect.flip(store.commit({ changes: [{ table, put: [as(null)], delete: [] }] })),
      )
      invalid("index not an object")(
        yield* Effect.flip(
          store.commit({ changes: [{ table, put: [{ key: "k", body: "1", index: as(null) }], delete: [] }] }),
        ),
      )
      // Any JSON value is a body, whitespace kept.
      const bodies = ['{ "a" : [1, 2.5e3, null, true] }', "[]", "0", '"text"', "null", " 1 "]
      yield* store.commit({
        changes: [{ table, put: bodies.map((body, i) => ({ key: `k${i}`, body, index: {} })), delete: [] }],
      })
      const read = yield* store.get(
        table,
        bodies.map((_, i) => `k${i}`),
      )
      assert.deepStrictEqual(
        read.map((d) => d.body),
        bodies,
      )
    }),
  )

  it.effect("a malformed query answers InvalidArgument: limit, filter, cursor of another query or altered", () =>
    Effect.gen(function* () {
      const { store } = yield* services
      const table = fresh("queries")
      const other = fresh("queries")
      yield* store.ensureTable({ name: table, indexes: ["tag", "other"] })
      yield* store.ensureTable({ name: other, indexes: ["tag"] })
      const documents = ["a", "b", "c"].map((key) => doc(key, { tag: ["t", `t${key}`], other: ["t"] }))
      yield* store.commit({
        changes: [
          { table, put: documents, delete: [] },
          { table: other, put: documents.map((d) => doc(d.key, { tag: ["t"] })), delete: [] },
        ],
      })
      for (const limit of BAD_LIMITS) {
        invalid(`limit ${limit}`)(yield* Effect.flip(store.find(table, { limit })))
        invalid(`entries limit ${limit}`)(yield* Effect.flip(store.entries(table, { limit })))
      }
      const filters: ReadonlyArray<readonly [ReadModelStore.Query, string]> = [
        [{ equals: "t", limit: 1 }, "equals without index"],
        [{ prefix: "t", limit: 1 }, "prefix without index"],
        [{ index: "tag", limit: 1 }, "index without equals or prefix"],
        [{ index: "tag", equals: "t", prefix: "t", limit: 1 }, "both equals and prefix"],
      ]
      for (const [query, label] of filters) {
        invalid(label)(yield* Effect.flip(store.find(table, query)))
        invalid(`entries ${label}`)(yield* Effect.flip(store.entries(table, query)))
        const { after: _, limit: __, ...counted } = query
        invalid(`count ${label}`)(yield* Effect.flip(store.count(table, counted)))
      }
      invalid("get of 10,001 keys")(
        yield* Effect.flip(
          store.get(
            table,
            Array.from({ length: 10_001 }, (_, i) => `k${i}`),
          ),
        ),
      )
      invalid("keys not an array")(yield* Effect.flip(store.get(table, as("a"))))

      const byKey = (yield* store.find(table, { limit: 1 })).next!
      const byTag = (yield* store.find(table, { index: "tag", equals: "t", limit: 1 })).next!
      const byPrefix = (yield* store.find(table, { index: "tag", prefix: "t", limit: 1 })).next!
      assert.isString(byKey)
      const flip = (cursor: string) => {
        const i = Math.floor(cursor.length / 2)
        const c = cursor[i] === "A" ? "B" : "A"
        return cursor.slice(0, i) + c + cursor.slice(i + 1)
      }
      const cursors: ReadonlyArray<readonly [ReadModelStore.Query, string, string]> = [
        [{ limit: 1 }, "garbage", "!!not a cursor!!"],
        [{ limit: 1 }, "empty", ""],
        [{ limit: 1 }, "base64 of JSON that is no cursor", "WyJhIl0"],
        [{ limit: 1 }, "an altered cursor", flip(byKey)],
        [{ limit: 1 }, "a cursor of an equality query", byTag],
        [{ index: "tag", equals: "ta", limit: 1 }, "a cursor of another value", byTag],
        [{ index: "other", equals: "t", limit: 1 }, "a cursor of another index", byTag],
        [{ index: "tag", equals: "t", limit: 1 }, "a cursor of a prefix query", byPrefix],
        [{ index: "tag", prefix: "t", limit: 1 }, "a cursor of an equality query", byTag],
        [{ index: "tag", prefix: "", limit: 1 }, "a cursor of another prefix", byPrefix],
        [{ limit: 1 }, "a number", as<string>(12)],
      ]
      for (const [query, label, after] of cursors) {
        invalid(label)(yield* Effect.flip(store.find(table, { ...query, after })))
        invalid(`entries ${label}`)(yield* Effect.flip(store.entries(table, { ...query, after })))
      }
      invalid("a cursor of another table")(yield* Effect.flip(store.find(other, { limit: 1, after: byKey })))
      // The genuine cursors work.
      assert.deepStrictEqual(
        (yield* store.find(table, { limit: 5, after: byKey })).documents.map((d) => d.key),
        ["b", "c"],
      )
    }),
  )

  it.effect("a malformed commit answers InvalidArgument and writes nothing of its batch", () =>
    Effect.gen(function* () {
      const { store } = yield* services
      const table = fresh("commits")
      const second = fresh("commits")
      yield* store.ensureTable({ name: table, indexes: ["tag"] })
      yield* store.ensureTable({ name: second, indexes: [] })
      const id = fresh("cp")
      const good = Array.from({ length: 20 }, (_, i) => doc(`k${i}`, { tag: ["t"] }))
      const bad = { key: "k10", body: "{not json", index: {} }
      const commits: ReadonlyArray<readonly [ReadModelStore.Commit, string]> = [
        [
          { changes: [{ table, put: [...good.slice(0, 10), bad, ...good.slice(11)], delete: [] }] },
          "a bad document mid-batch",
        ],
        [
          {
            changes: [
              { table: second, put: good, delete: [] },
              { table, put: [bad], delete: [] },
            ],
          },
          "a bad document in a second table",
        ],
        [{ changes: [{ table, put: [good[0]!, good[0]!], delete: [] }] }, "a key put twice"],
        [{ changes: [{ table, put: [good[0]!], delete: ["k0"] }] }, "a key put and deleted"],
        [
          {
            changes: [
              { table, put: [good[0]!], delete: [] },
              { table, put: [good[1]!], delete: [] },
            ],
          },
          "a table twice",
        ],
        [{ changes: [{ table, put: as(undefined), delete: [] }] }, "put not an array"],
        [{ changes: as(undefined) }, "changes not an array"],
        ...BAD_POSITIONS.map((from): readonly [ReadModelStore.Commit, string] => [
          { changes: [{ table, put: good, delete: [] }], checkpoint: { id, from, to: 10 } },
          `checkpoint from ${from}`,
        ]),
        ...BAD_POSITIONS.map((to): readonly [ReadModelStore.Commit, string] => [
          { changes: [{ table, put: good, delete: [] }], checkpoint: { id, from: 0, to } },
          `checkpoint to ${to}`,
        ]),
        [
          { changes: [{ table, put: good, delete: [] }], checkpoint: { id, from: 5, to: 4 } },
          "checkpoint to below from",
        ],
      ]
      for (const [commit, label] of commits) invalid(label)(yield* Effect.flip(store.commit(commit)))
      assert.strictEqual(yield* store.count(table), 0)
      assert.strictEqual(yield* store.count(second), 0)
      assert.isTrue((yield* store.checkpoint(id))._tag === "None")
    }),
  )

  it.effect("a lease duration that is not an integer from 1 ms to a day answers InvalidArgument", () =>
    Effect.gen(function* () {
      const { store } = yield* services
      const lease = fresh("lease")
      for (const ttl of BAD_TTLS) invalid(`ttl ${ttl}`)(yield* Effect.flip(store.acquireLease(lease, "me", ttl)))
      // Nothing was taken: another holder gets it at once.
      assert.isTrue(yield* store.acquireLease(lease, "other", 86_400_000))
      yield* store.releaseLease(lease, "other")
    }),
  )
}

/**
 * The conformance suite of the read-model store: what every implementation of
 * {@link ReadModelStore} must do, with the event store driver of the same layer
 * (one transaction spans both). In-memory, SQLite and PostgreSQL run it; a
 * third-party adapter runs it from its own test file:
 *
 * @example
 * import * as ReadModelStoreConformance from "@cartable/testing/ReadModelStoreConformance"
 * ReadModelStoreConformance.suite("MyStore", MyStore.layerDriver({ url }))
 *
 * Every test uses tables, checkpoints, leases and streams of its own, so the
 * suite can share a store with other tests. The leases' expiry is checked with
 * real waits (a fraction of a second).
 *
 * @since 0.1.0
 */
import type * as EventStoreDriver from "@cartable/eventlog/EventStoreDriver"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import type * as ReadModelStore from "@cartable/projections/ReadModelStore"
import { assert, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Arguments from "./internal/readModelArgumentsConformance.ts"
import {
  assertReason,
  byCodePoints,
  doc,
  makeNames,
  model,
  modelEntries,
  put,
  readAllEntries,
  readAllPages,
  services,
} from "./internal/readModelStoreConformance.ts"

/**
 * Tuning of the suite: property runs (20) and the lease duration of the expiry
 * test in milliseconds (500; it waits about twice that).
 *
 * @since 0.1.0
 */
export interface Options {
  readonly numRuns?: number
  readonly leaseMillis?: number
}

const keysOf = (documents: ReadonlyArray<ReadModelStore.StoredDocument>) => documents.map((d) => d.key)

/** Characters where code-point order and UTF-16 order differ (astral vs U+E000..U+FFFF), and plain ones. */
const ALPHABET = [
  "a",
  "b",
  "é",
  "\u{D7FF}",
  "z",
  "\u{E000}",
  "\u{F8FF}",
  "\u{FFFD}",
  "\u{FFFF}",
  "😀",
  "\u{10000}",
  "\u{10FFFF}",
  "中",
]
const text = (minLength: number) =>
  FastCheck.array(FastCheck.constantFrom(...ALPHABET), { minLength, maxLength: 4 }).map((cs) => cs.join(""))

/**
 * Registers the suite for a layer that provides the store and the event store
 * driver sharing its transaction (`ReadModelStore.layerMemoryWithDriver`, an SQL
 * adapter's `layerDriver`). The layer is built once for the suite.
 *
 * @since 0.1.0
 */
export const suite = <E>(
  name: string,
  env: Layer.Layer<ReadModelStore.ReadModelStore | EventStoreDriver.EventStoreDriver, E>,
  options: Options = {},
): void => {
  const numRuns = options.numRuns ?? 20
  const leaseMillis = options.leaseMillis ?? 500
  const fresh = makeNames()

  layer(env, { excludeTestServices: true })(`${name}: ReadModelStore conformance`, (it) => {
    it.effect("put, get and delete round-trip: bodies unchanged, get in the order asked, absent keys left out", () =>
      Effect.gen(function* () {
        const { store } = yield* services
        const table = fresh("roundtrip")
        yield* store.ensureTable({ name: table, indexes: ["tag"] })
        const documents = [
          { key: "élève-1", body: '{ "name" : "Zoé", "notes": [12.5, null] }', index: { tag: ["6A"] } },
          { key: "😀", body: JSON.stringify({ emoji: "😀", rtl: "مرحبا", cjk: "中文", tab: "\t" }), index: {} },
          { key: "k".repeat(512), body: JSON.stringify("x".repeat(1_000_000)), index: { tag: ["a", "b"] } },
        ]
        yield* put(table, documents)
        const keys = documents.map((d) => d.key)
        assert.deepStrictEqual(yield* store.get(table, [keys[2]!, "absent", keys[0]!, keys[2]!, keys[1]!]), [
          documents[2]!,
          documents[0]!,
          documents[1]!,
        ])
        assert.deepStrictEqual(yield* store.get(table, []), [])
        yield* store.commit({ changes: [{ table, put: [], delete: [keys[0]!, "never-there"] }] })
        assert.deepStrictEqual(keysOf(yield* store.get(table, keys)), [keys[1]!, keys[2]!])
        assert.strictEqual(yield* store.count(table), 2)
        assert.strictEqual(yield* store.count(table, { index: "tag", prefix: "" }), 2)
      }),
    )

    it.effect("replacing a document replaces its body and all its index entries", () =>
      Effect.gen(function* () {
        const { store } = yield* services
        const table = fresh("replace")
        yield* store.ensureTable({ name: table, indexes: ["group", "name"] })
        yield* put(table, [doc("p1", { group: ["6A", "latin"], name: ["Zoé"] }, 1), doc("p2", { group: ["6A"] })])
        yield* put(table, [doc("p1", { group: ["5B"] }, 2)])
        assert.deepStrictEqual(yield* store.get(table, ["p1"]), [doc("p1", { group: ["5B"] }, 2)])
        assert.deepStrictEqual(
          keysOf((yield* store.find(table, { index: "group", equals: "6A", limit: 10 })).documents),
          ["p2"],
        )
        assert.deepStrictEqual(
          keysOf((yield* store.find(table, { index: "group", equals: "latin", limit: 10 })).documents),
          [],
        )
        assert.deepStrictEqual(
          keysOf((yield* store.find(table, { index: "group", equals: "5B", limit: 10 })).documents),
          ["p1"],
        )
        assert.strictEqual(yield* store.count(table, { index: "name", prefix: "" }), 0)
        assert.strictEqual(yield* store.count(table, { index: "group", prefix: "" }), 2)
        // Deleting a document removes its entries too.
        yield* store.commit({ changes: [{ table, put: [], delete: ["p2"] }] })
        assert.strictEqual(yield* store.count(table, { index: "group", equals: "6A" }), 0)
      }),
    )

    it.effect(
      "multi-valued indexes: found under each value, once per matching value, values read back sorted and unique",
      () =>
        Effect.gen(function* () {
          const { store } = yield* services
          const table = fresh("multi")
          yield* store.ensureTable({ name: table, indexes: ["group", "unused"] })
          yield* put(table, [
            { key: "pupil", body: "{}", index: { group: ["6A-latin", "6A", "6A-latin", "club"], unused: [] } },
            { key: "other", body: "{}", index: { group: ["6B"] } },
          ])
          const [pupil] = yield* store.get(table, ["pupil"])
          assert.deepStrictEqual(pupil, { key: "pupil", body: "{}", index: { group: ["6A", "6A-latin", "club"] } })
          for (const value of ["6A", "6A-latin", "club"]) {
            assert.deepStrictEqual(
              keysOf((yield* store.find(table, { index: "group", equals: value, limit: 10 })).documents),
              ["pupil"],
            )
          }
          assert.deepStrictEqual(
            keysOf((yield* store.find(table, { index: "group", prefix: "6", limit: 10 })).documents),
            ["pupil", "pupil", "other"],
          )
          assert.strictEqual(yield* store.count(table, { index: "group", prefix: "6A" }), 2)
          assert.strictEqual(yield* store.count(table, { index: "group", equals: "6A" }), 1)
          assert.strictEqual(yield* store.count(table, { index: "group", prefix: "" }), 4)
          assert.strictEqual(yield* store.count(table, { index: "unused", prefix: "" }), 0)
          assert.strictEqual(yield* store.count(table), 2)
        }),
    )

    it.effect("equals, prefix and no-index queries: the right documents, in key or value-then-key order", () =>
      Effect.gen(function* () {
        const { store } = yield* services
        const table = fresh("queries")
        yield* store.ensureTable({ name: table, indexes: ["name"] })
        yield* put(table, [
          doc("4", { name: ["dupont"] }),
          doc("1", { name: ["dupond"] }),
          doc("3", { name: ["du"] }),
          doc("2", { name: ["dupont"] }),
          doc("5", { name: ["martin"] }),
          doc("6", {}),
        ])
        const find = (query: Omit<ReadModelStore.Query, "limit">) =>
          Effect.map(store.find(table, { ...query, limit: 100 }), (page) => keysOf(page.documents))
        assert.deepStrictEqual(yield* find({}), ["1", "2", "3", "4", "5", "6"])
        assert.deepStrictEqual(yield* find({ index: "name", equals: "dupont" }), ["2", "4"])
        assert.deepStrictEqual(yield* find({ index: "name", equals: "dup" }), [])
        assert.deepStrictEqual(yield* find({ index: "name", prefix: "dup" }), ["1", "2", "4"])
        assert.deepStrictEqual(yield* find({ index: "name", prefix: "du" }), ["3", "1", "2", "4"])
        assert.deepStrictEqual(yield* find({ index: "name", prefix: "" }), ["3", "1", "2", "4", "5"])
        assert.deepStrictEqual(yield* find({ index: "name", prefix: "dupontx" }), [])
        assert.deepStrictEqual(yield* find({ index: "name", prefix: "z" }), [])
        assert.strictEqual(yield* store.count(table, { index: "name", prefix: "dup" }), 3)
        assert.strictEqual(yield* store.count(table, { index: "name", equals: "martin" }), 1)
      }),
    )

    it.effect("order is by code point: astral characters after U+E000..U+FFFF, in keys, values and prefixes", () =>
      Effect.gen(function* () {
        const { store } = yield* services
        const table = fresh("codepoints")
        yield* store.ensureTable({ name: table, indexes: ["v"] })
        // In code-point order; JavaScript's `<` puts the astral ones (surrogate pairs) before U+E000.
        const ordered = [
          "a",
          "z",
          "é",
          "中",
          "\u{D7FF}",
          "\u{E000}",
          "\u{F8FF}",
          "\u{FFFD}",
          "\u{FFFF}",
          "\u{10000}",
          "😀",
          "\u{10FFFF}",
        ]
        const shuffled = [...ordered].reverse()
        yield* put(
          table,
          shuffled.map((c, i) => doc(`k${c}`, { v: [`v${c}`, `w${i}`] })),
        )
        const keys = ordered.map((c) => `k${c}`)
        assert.deepStrictEqual(keysOf((yield* store.find(table, { limit: 100 })).documents), keys)
        assert.deepStrictEqual(keysOf(yield* readAllPages(table, {}, [3])), keys)
        assert.deepStrictEqual(
          keysOf((yield* store.find(table, { index: "v", prefix: "v", limit: 100 })).documents),
          keys,
        )
        assert.deepStrictEqual(keysOf(yield* readAllPages(table, { index: "v", prefix: "v" }, [2])), keys)
        // A prefix ending in the last code point, and the bounds around the private-use area.
        assert.deepStrictEqual(
          keysOf((yield* store.find(table, { index: "v", prefix: "v\u{10FFFF}", limit: 9 })).documents),
          ["k\u{10FFFF}"],
        )
        assert.deepStrictEqual(
          keysOf((yield* store.find(table, { index: "v", prefix: "v\u{FFFF}", limit: 9 })).documents),
          ["k\u{FFFF}"],
        )
        assert.deepStrictEqual(
          keysOf((yield* store.find(table, { index: "v", prefix: "v\u{E000}", limit: 9 })).documents),
          ["k\u{E000}"],
        )
        // The last code point before the surrogates: the scan's bound skips them, to U+E000.
        assert.deepStrictEqual(
          keysOf((yield* store.find(table, { index: "v", prefix: "v\u{D7FF}", limit: 9 })).documents),
          ["k\u{D7FF}"],
        )
        assert.strictEqual(yield* store.count(table, { index: "v", prefix: "v" }), ordered.length)
        // The store's tables list is in the same order.
        const names = yield* store.tables
        assert.deepStrictEqual([...names], [...names].sort(byCodePoints))
      }),
    )

    it.effect.prop(
      "paging with cursors over pages of random sizes equals one big read, and the model",
      [
        FastCheck.uniqueArray(FastCheck.record({ key: text(1), tags: FastCheck.array(text(0), { maxLength: 3 }) }), {
          selector: (d) => d.key,
          maxLength: 40,
        }),
        FastCheck.array(FastCheck.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        text(0),
      ],
      ([drawn, sizes, probe]) =>
        Effect.gen(function* () {
          const { store } = yield* services
          const table = fresh("paging")
          yield* store.ensureTable({ name: table, indexes: ["tag"] })
          const documents = drawn.map(({ key, tags }) => doc(key, tags.length === 0 ? {} : { tag: tags }))
          if (documents.length > 0) yield* put(table, documents)
          const queries: ReadonlyArray<Omit<ReadModelStore.Query, "after" | "limit">> = [
            {},
            { index: "tag", prefix: "" },
            { index: "tag", prefix: probe },
            { index: "tag", equals: probe },
            ...documents.slice(0, 2).flatMap((d) => (d.index.tag ?? []).map((equals) => ({ index: "tag", equals }))),
          ]
          for (const query of queries) {
            const expected = model(documents, query)
            const paged = keysOf(yield* readAllPages(table, query, sizes))
            const whole = yield* store.find(table, { ...query, limit: 10_000 })
            assert.deepStrictEqual(paged, expected, JSON.stringify(query))
            assert.deepStrictEqual(keysOf(whole.documents), expected, JSON.stringify(query))
            assert.isUndefined(whole.next)
            assert.strictEqual(yield* store.count(table, query), expected.length)
            // The index alone: the same rows as keys and matched values, and cursors shared with find.
            const entries = modelEntries(documents, query)
            assert.deepStrictEqual(yield* readAllEntries(table, query, sizes, false), entries, JSON.stringify(query))
            const mixed = yield* readAllEntries(table, query, sizes, true)
            assert.deepStrictEqual(
              mixed.map((entry) => entry.key),
              expected,
              `${JSON.stringify(query)}: pages of entries and of documents alternated`,
            )
            const one = yield* store.entries(table, { ...query, limit: 10_000 })
            assert.deepStrictEqual(one.entries, entries, JSON.stringify(query))
            assert.isUndefined(one.next)
          }
          yield* store.dropTable(table)
        }),
      { fastCheck: { numRuns } },
    )

    it.effect("a page continues after its cursor, whatever was written or deleted since", () =>
      Effect.gen(function* () {
        const { store } = yield* services
        const table = fresh("cursor")
        yield* store.ensureTable({ name: table, indexes: ["tag"] })
        yield* put(
          table,
          ["b", "d", "f"].map((k) => doc(k, { tag: ["t"] })),
        )
        const first = yield* store.find(table, { limit: 2 })
        const firstTagged = yield* store.find(table, { index: "tag", equals: "t", limit: 2 })
        assert.deepStrictEqual(keysOf(first.documents), ["b", "d"])
        yield* store.commit({
          changes: [{ table, put: ["a", "c", "e"].map((k) => doc(k, { tag: ["t"] })), delete: ["d"] }],
        })
        assert.deepStrictEqual(keysOf((yield* store.find(table, { limit: 10, after: first.next })).documents), [
          "e",
          "f",
        ])
        assert.deepStrictEqual(
          keysOf(
            (yield* store.find(table, { index: "tag", equals: "t", limit: 10, after: firstTagged.next })).documents,
          ),
          ["e", "f"],
        )
        // The last page, full: no cursor, since nothing follows.
        const last = yield* store.find(table, { limit: 5 })
        assert.strictEqual(last.documents.length, 5)
        assert.isUndefined(last.next)
      }),
    )

    it.effect("a commit is all or nothing: an unknown table or index in its batch writes nothing of it", () =>
      Effect.gen(function* () {
        const { store } = yield* services
        const table = fresh("atomic")
        yield* store.ensureTable({ name: table, indexes: ["tag"] })
        yield* put(table, [doc("keep", { tag: ["t"] })])
        const id = fresh("cp")
        const many = Array.from({ length: 2_500 }, (_, i) =>
          doc(`k${String(i).padStart(4, "0")}`, { tag: ["t", `t${i}`] }),
        )
        const unknownTable = yield* Effect.flip(
          store.commit({
            changes: [
              { table, put: many, delete: ["keep"] },
              { table: fresh("absent"), put: [doc("x")], delete: [] },
            ],
            checkpoint: { id, from: 0, to: 5 },
          }),
        )
        assertReason(unknownTable, "UnknownTable", "a batch naming an absent table")
        const unknownIndex = yield* Effect.flip(
          store.commit({
            changes: [{ table, put: [...many, doc("late", { nope: ["x"] })], delete: ["keep"] }],
            checkpoint: { id, from: 0, to: 5 },
          }),
        )
        assertReason(unknownIndex, "UnknownIndex", "a document naming an undeclared index")
        assert.deepStrictEqual(keysOf((yield* store.find(table, { limit: 10 })).documents), ["keep"])
        assert.strictEqual(yield* store.count(table, { index: "tag", prefix: "" }), 1)
        assert.isTrue(Option.isNone(yield* store.checkpoint(id)))
        // The same batch, correct, is written whole.
        yield* store.commit({ changes: [{ table, put: many, delete: ["keep"] }], checkpoint: { id, from: 0, to: 5 } })
        assert.strictEqual(yield* store.count(table), 2_500)
        assert.strictEqual(yield* store.count(table, { index: "tag", prefix: "" }), 5_000)
      }),
    )

    it.effect(
      "checkpoint compare-and-set: of two commits from the same position one wins, the other conflicts and writes nothing",
      () =>
        Effect.gen(function* () {
          const { store } = yield* services
          const table = fresh("cas")
          yield* store.ensureTable({ name: table, indexes: [] })
          const id = fresh("cp")
          const before = Date.now()
          const race = (from: number, to: number, key: string) =>
            Effect.either(
              store.commit({ changes: [{ table, put: [doc(key)], delete: [] }], checkpoint: { id, from, to } }),
            )
          for (const [from, to] of [
            [0, 3],
            [3, 7],
          ] as const) {
            const results = yield* Effect.all([race(from, to, `a${from}`), race(from, to, `b${from}`)], {
              concurrency: "unbounded",
            })
            const won = results.filter(Either.isRight)
            const lost = results.filter(Either.isLeft).map((r) => r.left)
            assert.strictEqual(won.length, 1, `from ${from}: one commit wins`)
            assert.strictEqual(lost.length, 1)
            const conflict = lost[0]!
            assert.strictEqual(conflict._tag, "CheckpointConflict")
            assert.deepInclude(conflict, { id, expected: from, actual: to })
            assert.include(conflict.message, id)
            const winner = Either.isRight(results[0]!) ? `a${from}` : `b${from}`
            const loser = winner.startsWith("a") ? `b${from}` : `a${from}`
            assert.deepStrictEqual(keysOf(yield* store.get(table, [winner, loser])), [winner])
          }
          const checkpoint = Option.getOrThrow(yield* store.checkpoint(id))
          assert.strictEqual(checkpoint.position, 7)
          assert.strictEqual(checkpoint.id, id)
          // By the store's clock, which is this machine's (give or take a minute).
          assert.isAtLeast(checkpoint.updatedAt, before - 60_000)
          assert.isAtMost(checkpoint.updatedAt, Date.now() + 60_000)
          // Behind, ahead, or from 0 once moved: a conflict naming the actual position.
          for (const from of [0, 3, 8]) {
            const conflict = yield* Effect.flip(store.commit({ changes: [], checkpoint: { id, from, to: 9 } }))
            assert.deepInclude(conflict, { _tag: "CheckpointConflict", expected: from, actual: 7 })
          }
          // A move that applies no new event (to = from) keeps the position.
          yield* store.commit({ changes: [], checkpoint: { id, from: 7, to: 7 } })
          assert.strictEqual(Option.getOrThrow(yield* store.checkpoint(id)).position, 7)
          assert.isTrue(Option.isNone(yield* store.checkpoint(fresh("never"))))
          const listed = (yield* store.checkpoints).find((c) => c.id === id)
          assert.strictEqual(listed?.position, 7)
          // Listed by id in code-point order, whatever the database's collation: "z" before "é", U+E000 before "😀".
          const suffixes = ["😀", "\u{E000}", "é", "z", "Z"]
          for (const suffix of suffixes) {
            yield* store.commit({ changes: [], checkpoint: { id: `${id}${suffix}`, from: 0, to: 1 } })
          }
          const ids = (yield* store.checkpoints).map((c) => c.id)
          assert.deepStrictEqual(ids, [...ids].sort(byCodePoints))
          assert.deepStrictEqual(
            ids.filter((listed) => listed.startsWith(id) && listed !== id),
            ["Z", "z", "é", "\u{E000}", "😀"].map((suffix) => `${id}${suffix}`),
          )
        }),
    )

    it.effect("resetCheckpoint: the consumer starts again from 0, its old position conflicts", () =>
      Effect.gen(function* () {
        const { store } = yield* services
        const id = fresh("reset")
        yield* store.commit({ changes: [], checkpoint: { id, from: 0, to: 42 } })
        yield* store.resetCheckpoint(id)
        assert.isTrue(Option.isNone(yield* store.checkpoint(id)))
        assert.isUndefined((yield* store.checkpoints).find((c) => c.id === id))
        const conflict = yield* Effect.flip(store.commit({ changes: [], checkpoint: { id, from: 42, to: 43 } }))
        assert.deepInclude(conflict, { _tag: "CheckpointConflict", expected: 42, actual: 0 })
        yield* store.commit({ changes: [], checkpoint: { id, from: 0, to: 0 } })
        yield* store.commit({ changes: [], checkpoint: { id, from: 0, to: 10 } })
        assert.strictEqual(Option.getOrThrow(yield* store.checkpoint(id)).position, 10)
        // Resetting an absent checkpoint is no error.
        yield* store.resetCheckpoint(fresh("never"))
      }),
    )

    it.effect(
      "leases: a free lease is taken, renewed by its holder, refused to another, given up by its holder only",
      () =>
        Effect.gen(function* () {
          const { store } = yield* services
          const lease = fresh("lease")
          assert.isTrue(yield* store.acquireLease(lease, "runner-1", 60_000))
          assert.isTrue(yield* store.acquireLease(lease, "runner-1", 60_000), "renewed")
          assert.isFalse(yield* store.acquireLease(lease, "runner-2", 60_000), "held by another")
          yield* store.releaseLease(lease, "runner-2")
          assert.isFalse(yield* store.acquireLease(lease, "runner-2", 60_000), "another cannot give it up")
          yield* store.releaseLease(lease, "runner-1")
          assert.isTrue(yield* store.acquireLease(lease, "runner-2", 60_000), "free again")
          assert.isFalse(yield* store.acquireLease(lease, "runner-1", 60_000))
          // Leases are independent of one another.
          assert.isTrue(yield* store.acquireLease(fresh("lease"), "runner-1", 60_000))
          yield* store.releaseLease(fresh("never"), "runner-1")
        }),
    )

    it.effect("leases are listed while they run: holder and expiry, by id; released or expired ones are not", () =>
      Effect.gen(function* () {
        const { store } = yield* services
        const [a, b, c] = [fresh("listed-a"), fresh("listed-b"), fresh("listed-c")]
        const mine = <L extends { readonly id: string }>(all: ReadonlyArray<L>) =>
          all.filter(({ id }) => [a, b, c].includes(id))
        const before = Date.now()
        assert.isTrue(yield* store.acquireLease(b, "runner-2", 60_000))
        assert.isTrue(yield* store.acquireLease(a, "runner-1", 60_000))
        assert.isTrue(yield* store.acquireLease(c, "runner-3", leaseMillis))
        const listed = mine(yield* store.leases)
        assert.deepStrictEqual(
          listed.map(({ id, holder }) => ({ id, holder })),
          [
            { id: a, holder: "runner-1" },
            { id: b, holder: "runner-2" },
            { id: c, holder: "runner-3" },
          ],
        )
        // By the store's clock, a minute ahead: a few seconds of skew between clocks pass.
        for (const lease of listed.slice(0, 2)) {
          assert.isAtLeast(lease.expiresAt, before + 60_000 - 5_000)
          assert.isAtMost(lease.expiresAt, Date.now() + 60_000 + 5_000)
        }
        yield* store.releaseLease(b, "runner-2")
        yield* Effect.sleep(leaseMillis * 1.5)
        assert.deepStrictEqual(
          mine(yield* store.leases).map(({ id }) => id),
          [a],
        )
      }),
    )

    // The layer runs without test services: the clock is the real one, and so are these waits.
    it.effect("leases expire: once the holder stops renewing, another takes it over, and the first is refused", () =>
      Effect.gen(function* () {
        const { store } = yield* services
        const lease = fresh("expiry")
        assert.isTrue(yield* store.acquireLease(lease, "dead", leaseMillis))
        assert.isFalse(yield* store.acquireLease(lease, "heir", leaseMillis))
        // A renewal pushes the expiry back: past the first expiry, the lease still runs. On a
        // loaded machine the wait may overshoot the renewed lease too; then nothing can be concluded.
        yield* Effect.sleep(leaseMillis * 0.6)
        assert.isTrue(yield* store.acquireLease(lease, "dead", leaseMillis))
        const renewed = Date.now()
        yield* Effect.sleep(leaseMillis * 0.6)
        const held = yield* store.acquireLease(lease, "heir", leaseMillis)
        if (Date.now() - renewed < leaseMillis * 0.9) assert.isFalse(held, "renewed, not yet expired")
        yield* Effect.sleep(leaseMillis)
        assert.isTrue(yield* store.acquireLease(lease, "heir", 60_000), "expired: taken over")
        assert.isFalse(yield* store.acquireLease(lease, "dead", 60_000), "the old holder is refused")
      }),
    )

    it.effect("concurrent callers: one table created once, every commit kept, one holder of a lease", () =>
      Effect.gen(function* () {
        const { store } = yield* services
        const table = fresh("concurrent")
        const indexes = ["a", "b", "c", "d"]
        yield* Effect.all(
          indexes.map((index) => store.ensureTable({ name: table, indexes: [index] })),
          { concurrency: "unbounded" },
        )
        yield* Effect.all(
          Array.from({ length: 16 }, (_, i) => put(table, [doc(`k${i}`, { [indexes[i % 4]!]: ["v"] })])),
          { concurrency: "unbounded" },
        )
        assert.strictEqual(yield* store.count(table), 16)
        for (const index of indexes) assert.strictEqual(yield* store.count(table, { index, equals: "v" }), 4)
        assert.strictEqual((yield* store.tables).filter((name) => name === table).length, 1)
        const lease = fresh("contended")
        const taken = yield* Effect.all(
          Array.from({ length: 8 }, (_, i) => store.acquireLease(lease, `runner-${i}`, 60_000)),
          { concurrency: "unbounded" },
        )
        assert.strictEqual(taken.filter(Boolean).length, 1)
      }),
    )

    it.effect(
      "an insert claims a free key: a key holding a document fails KeyTaken and nothing of the commit is written; of concurrent inserts of one key, in transactions too, exactly one wins",
      () =>
        Effect.gen(function* () {
          const { store } = yield* services
          const table = fresh("claims")
          const other = fresh("claims_other")
          yield* store.ensureTable({ name: table, indexes: ["holder"] })
          yield* store.ensureTable({ name: other, indexes: [] })
          yield* store.commit({
            changes: [{ table, put: [], delete: [], insert: [doc("marie.a", { holder: ["acc-1"] })] }],
          })
          assert.deepStrictEqual(
            keysOf((yield* store.find(table, { index: "holder", equals: "acc-1", limit: 10 })).documents),
            ["marie.a"],
          )
          const taken = yield* Effect.flip(
            store.commit({
              changes: [
                { table: other, put: [doc("written")], delete: [] },
                { table, put: [], delete: [], insert: [doc("free.b"), doc("marie.a", { holder: ["acc-2"] }, 2)] },
              ],
            }),
          )
          assertReason(taken, "KeyTaken", "an insert of a held key")
          assert.strictEqual((taken as ReadModelStore.ReadModelError).table, table)
          assert.deepStrictEqual(keysOf(yield* store.get(table, ["marie.a", "free.b"])), ["marie.a"])
          assert.strictEqual(JSON.parse((yield* store.get(table, ["marie.a"]))[0]!.body).version, 1)
          assert.deepStrictEqual(yield* store.get(other, ["written"]), [])
          // A key both put and inserted is malformed.
          assertReason(
            yield* Effect.flip(store.commit({ changes: [{ table, put: [doc("k")], delete: [], insert: [doc("k")] }] })),
            "InvalidArgument",
            "a key put and inserted",
          )
          for (let round = 0; round < 4; round++) {
            const key = `contended.${round}`
            const outcomes = yield* Effect.all(
              [1, 2].map((n) =>
                Effect.either(
                  store.withTransaction(
                    store.commit({
                      changes: [{ table, put: [], delete: [], insert: [doc(key, { holder: [`acc-${n}`] })] }],
                    }),
                  ),
                ),
              ),
              { concurrency: 2 },
            )
            assert.strictEqual(outcomes.filter(Either.isRight).length, 1, `round ${round}: one insert wins`)
            const lost = outcomes.find(Either.isLeft)!
            assertReason(lost.left, "KeyTaken", `round ${round}: the other insert`)
          }
        }),
    )

    it.effect("an unknown table or index answers UnknownTable or UnknownIndex on every call", () =>
      Effect.gen(function* () {
        const { store } = yield* services
        const absent = fresh("absent")
        const table = fresh("known")
        yield* store.ensureTable({ name: table, indexes: ["tag"] })
        const unknownTable =
          (what: string) => (error: ReadModelStore.ReadModelError | ReadModelStore.CheckpointConflict) => {
            assertReason(error, "UnknownTable", what)
            assert.strictEqual((error as ReadModelStore.ReadModelError).table, absent)
          }
        unknownTable("get")(yield* Effect.flip(store.get(absent, ["k"])))
        unknownTable("get no key")(yield* Effect.flip(store.get(absent, [])))
        unknownTable("find")(yield* Effect.flip(store.find(absent, { limit: 1 })))
        unknownTable("find by index")(yield* Effect.flip(store.find(absent, { index: "tag", equals: "x", limit: 1 })))
        unknownTable("entries")(yield* Effect.flip(store.entries(absent, { limit: 1 })))
        unknownTable("entries by index")(
          yield* Effect.flip(store.entries(absent, { index: "tag", prefix: "x", limit: 1 })),
        )
        unknownTable("count")(yield* Effect.flip(store.count(absent)))
        unknownTable("commit")(
          yield* Effect.flip(store.commit({ changes: [{ table: absent, put: [], delete: ["k"] }] })),
        )
        const unknownIndex =
          (what: string) => (error: ReadModelStore.ReadModelError | ReadModelStore.CheckpointConflict) =>
            assertReason(error, "UnknownIndex", what)
        unknownIndex("find")(yield* Effect.flip(store.find(table, { index: "nope", equals: "x", limit: 1 })))
        unknownIndex("find prefix")(yield* Effect.flip(store.find(table, { index: "nope", prefix: "", limit: 1 })))
        unknownIndex("entries")(yield* Effect.flip(store.entries(table, { index: "nope", equals: "x", limit: 1 })))
        unknownIndex("count")(yield* Effect.flip(store.count(table, { index: "nope", prefix: "" })))
        unknownIndex("put")(yield* Effect.flip(put(table, [doc("k", { nope: ["x"] })])))
        // An index declared but without values is no unknown index.
        assert.strictEqual(yield* store.count(table, { index: "tag", equals: "x" }), 0)
      }),
    )

    it.effect(
      "dropTable removes the table and its documents; it is idempotent, and the name can be created again",
      () =>
        Effect.gen(function* () {
          const { store } = yield* services
          const table = fresh("drop")
          yield* store.ensureTable({ name: table, indexes: ["tag"] })
          yield* put(table, [doc("a", { tag: ["t"] }), doc("b", { tag: ["t"] })])
          assert.include(yield* store.tables, table)
          yield* store.dropTable(table)
          assert.notInclude(yield* store.tables, table)
          assertReason(yield* Effect.flip(store.get(table, ["a"])), "UnknownTable", "a dropped table")
          yield* store.dropTable(table)
          yield* store.dropTable(fresh("never"))
          yield* store.ensureTable({ name: table, indexes: ["other"] })
          assert.strictEqual(yield* store.count(table), 0)
          assertReason(
            yield* Effect.flip(store.count(table, { index: "tag", prefix: "" })),
            "UnknownIndex",
            "an index of the dropped table",
          )
          assert.strictEqual(yield* store.count(table, { index: "other", prefix: "" }), 0)
        }),
    )

    it.effect("tables lists the tables that exist, in code-point order", () =>
      Effect.gen(function* () {
        const { store } = yield* services
        const names = [fresh("tables_b"), fresh("tables_a"), fresh("tables_c")]
        for (const name of names) yield* store.ensureTable({ name, indexes: [] })
        yield* store.ensureTable({ name: names[0]!, indexes: [] })
        const listed = yield* store.tables
        assert.deepStrictEqual(
          listed.filter((name) => names.includes(name)),
          [...names].sort(byCodePoints),
        )
        assert.strictEqual(new Set(listed).size, listed.length)
        yield* store.dropTable(names[1]!)
        assert.notInclude(yield* store.tables, names[1]!)
      }),
    )

    it.effect(
      "ensureTable is idempotent and adds new indexes to an existing table, whose documents stay unindexed until written again",
      () =>
        Effect.gen(function* () {
          const { store } = yield* services
          const table = fresh("ensure")
          yield* store.ensureTable({ name: table, indexes: ["a"] })
          yield* put(table, [doc("old", { a: ["x"] })])
          yield* store.ensureTable({ name: table, indexes: ["a"] })
          yield* store.ensureTable({ name: table, indexes: ["b", "a", "b"] })
          // The documents survive; the new index is usable at once, the old one still works.
          assert.deepStrictEqual(keysOf((yield* store.find(table, { index: "a", equals: "x", limit: 10 })).documents), [
            "old",
          ])
          assert.strictEqual(yield* store.count(table, { index: "b", prefix: "" }), 0)
          yield* put(table, [doc("new", { a: ["x"], b: ["y"] }), doc("old", { a: ["x"], b: ["y"] }, 2)])
          assert.deepStrictEqual(keysOf((yield* store.find(table, { index: "b", equals: "y", limit: 10 })).documents), [
            "new",
            "old",
          ])
          // An index left out of a later spec is not removed.
          yield* store.ensureTable({ name: table, indexes: [] })
          assert.strictEqual(yield* store.count(table, { index: "a", prefix: "" }), 2)
          assert.strictEqual(yield* store.count(table), 2)
        }),
    )

    it.effect(
      "withTransaction: an append and a commit inside it, then a failure, leave neither; on success both remain",
      () =>
        Effect.gen(function* () {
          const { store, driver } = yield* services
          const table = fresh("tx")
          yield* store.ensureTable({ name: table, indexes: ["tag"] })
          const stream = StreamName.make("Projected", fresh("tx"))
          const id = fresh("cp")
          const event = { type: "Noted", schemaVersion: 1, data: '{"text":"x"}', metadata: "{}" }
          const work = (key: string, from: number) =>
            Effect.gen(function* () {
              const appended = yield* driver.append(stream, ExpectedVersion.any, [event])
              yield* store.commit({
                changes: [{ table, put: [doc(key, { tag: ["t"] })], delete: [] }],
                checkpoint: { id, from, to: appended.lastPosition },
              })
              return appended
            })
          // A marker before: the rolled-back event must not be in the log after it.
          const marker = yield* driver.append(StreamName.make("Projected", fresh("marker")), ExpectedVersion.noStream, [
            event,
          ])
          const failure = yield* Effect.flip(
            store.withTransaction(Effect.zipRight(work("rolled-back", 0), Effect.fail("boom" as const))),
          )
          assert.strictEqual(failure, "boom", "the effect's own error comes out unchanged")
          assert.deepStrictEqual(yield* driver.readStream(stream, 0), [])
          assert.deepStrictEqual(yield* driver.streamInfo(stream), { version: 0, tombstoned: false })
          const logged = (yield* driver.readAll(marker.lastPosition, 1_000)).filter((e) => e.streamName === stream)
          assert.deepStrictEqual(logged, [], "the rolled-back append is not in the global log")
          assert.deepStrictEqual(yield* store.get(table, ["rolled-back"]), [])
          assert.isTrue(Option.isNone(yield* store.checkpoint(id)))
          // A defect rolls back as well.
          yield* Effect.exit(store.withTransaction(Effect.zipRight(work("died", 0), Effect.die("defect"))))
          assert.deepStrictEqual(yield* driver.readStream(stream, 0), [])
          assert.deepStrictEqual(yield* store.get(table, ["died"]), [])

          const appended = yield* store.withTransaction(work("kept", 0))
          const events = yield* driver.readStream(stream, 0)
          assert.strictEqual(events.length, 1)
          assert.strictEqual(events[0]!.position, appended.lastPosition)
          assert.deepStrictEqual(keysOf(yield* store.get(table, ["kept"])), ["kept"])
          assert.strictEqual(Option.getOrThrow(yield* store.checkpoint(id)).position, appended.lastPosition)
          // The appended event is in the global log where its position says.
          const at = yield* driver.readAll(appended.lastPosition - 1, 1)
          assert.deepStrictEqual(
            at.map((e) => e.streamName),
            [stream],
          )
        }),
    )

    it.effect("withTransaction: a checkpoint conflict inside it rolls back the append made before it", () =>
      Effect.gen(function* () {
        const { store, driver } = yield* services
        const stream = StreamName.make("Projected", fresh("conflict"))
        const id = fresh("cp")
        yield* store.commit({ changes: [], checkpoint: { id, from: 0, to: 1 } })
        const event = { type: "Noted", schemaVersion: 1, data: "{}", metadata: "{}" }
        const conflict = yield* Effect.flip(
          store.withTransaction(
            Effect.zipRight(
              driver.append(stream, ExpectedVersion.noStream, [event]),
              store.commit({ changes: [], checkpoint: { id, from: 0, to: 2 } }),
            ),
          ),
        )
        assert.strictEqual(conflict._tag, "CheckpointConflict")
        assert.deepStrictEqual(yield* driver.readStream(stream, 0), [])
        // The stream can still be created: nothing of the rolled-back append is left.
        yield* driver.append(stream, ExpectedVersion.noStream, [event])
      }),
    )

    it.effect("withTransaction nests as a savepoint: an inner failure undoes the inner writes only", () =>
      Effect.gen(function* () {
        const { store, driver } = yield* services
        const table = fresh("nested")
        yield* store.ensureTable({ name: table, indexes: [] })
        const stream = StreamName.make("Projected", fresh("nested"))
        const event = { type: "Noted", schemaVersion: 1, data: "{}", metadata: "{}" }
        yield* store.withTransaction(
          Effect.gen(function* () {
            yield* put(table, [doc("outer")])
            yield* driver.append(stream, ExpectedVersion.noStream, [event])
            const inner = yield* Effect.either(
              store.withTransaction(
                Effect.zipRight(
                  Effect.zipRight(put(table, [doc("inner")]), driver.append(stream, ExpectedVersion.exact(1), [event])),
                  Effect.fail("inner failure" as const),
                ),
              ),
            )
            assert.isTrue(Either.isLeft(inner))
          }),
        )
        assert.deepStrictEqual(keysOf(yield* store.get(table, ["outer", "inner"])), ["outer"])
        assert.strictEqual((yield* driver.readStream(stream, 0)).length, 1)
      }),
    )

    Arguments.register(it, fresh)
  })
}

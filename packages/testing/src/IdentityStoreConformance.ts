/**
 * The conformance suite of the identity store: what every implementation of
 * {@link IdentityStore} must do, its oracles written from the port's JSDoc.
 * Memory, SQLite and PostgreSQL run it; a third-party adapter runs it from its
 * own test file:
 *
 * @example
 * import * as IdentityStoreConformance from "@cartable/testing/IdentityStoreConformance"
 * IdentityStoreConformance.suite("MyStore", MyStore.layerIdentityStore)
 *
 * Every test uses namespaces of its own, so the suite can share a store with
 * other tests. `purge` is global by contract: its tests run in years before 2001,
 * so they only delete what expired or closed before then.
 *
 * @since 0.1.0
 */
import { IdentityStore, type IdentityStoreError } from "@cartable/identity/IdentityStore"
import { assert, layer } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Model from "./internal/identityStoreModel.ts"

/**
 * Tuning of the suite: property runs (30) and how many fibers race in the
 * concurrency tests (16).
 *
 * @since 0.1.0
 */
export interface Options {
  readonly numRuns?: number
  readonly concurrency?: number
}

/** 2026-09-01T08:00:00Z: the tests' times are milliseconds after it. */
const BASE = Date.UTC(2026, 8, 1, 8)
const at = (millis: number, base = BASE) => DateTime.unsafeMake(base + millis)

// Compared as a string or null: chai's deepStrictEqual finds Option.some("v") equal to Option.none().
const held = Option.getOrNull<string>

const assertKeyTaken = (error: IdentityStoreError, secret: string) => {
  assert.strictEqual(error._tag, "IdentityStoreError")
  assert.strictEqual(error.reason, "KeyTaken", error.message)
  assert.notInclude(error.message, secret, "the error echoes the value")
}

/**
 * Registers the suite for a layer that provides the store (built once for the
 * suite).
 *
 * @since 0.1.0
 */
export const suite = <E>(name: string, env: Layer.Layer<IdentityStore, E>, options: Options = {}): void => {
  const numRuns = options.numRuns ?? 30
  const concurrency = options.concurrency ?? 16
  const run = Math.random().toString(36).slice(2, 8)
  let counter = 0
  const fresh = (label: string) => `${label}-${run}-${counter++}`

  layer(env, { excludeTestServices: true })(`${name}: IdentityStore conformance`, (it) => {
    it.effect("put and get round-trip: unicode, 200-character keys, 4,000-character values; get leaves them", () =>
      Effect.gen(function* () {
        const store = yield* IdentityStore
        const ns = fresh("roundtrip")
        const entries = [
          ["élève:Zoé", "مرحبا · 中文 · 😀 · e\u0301 · \t\n"],
          ["😀".repeat(100), "'); DROP TABLE cartable_identity_entries; -- %_\\\"'"],
          [`${"k".repeat(196)}é中😀`, `${"v".repeat(3_988)}${"é中😀🎉".repeat(2)}`],
          ["", "an empty key is a key"],
          ["empty value", ""],
        ] as const
        assert.strictEqual(entries[1][0].length, 200)
        assert.strictEqual(entries[2][0].length, 200)
        assert.strictEqual(entries[2][1].length, 4_000)
        for (const [key, value] of entries) yield* store.put(ns, key, value, at(60_000), at(0))
        for (const [key, value] of entries) {
          assert.strictEqual(held(yield* store.get(ns, key, at(1))), value, key.slice(0, 20))
          assert.strictEqual(held(yield* store.get(ns, key, at(59_999))), value, key.slice(0, 20))
        }
        assert.strictEqual(held(yield* store.get(ns, "absent", at(1))), null)
        assert.strictEqual(held(yield* store.get(ns, "ÉLÈVE:ZOÉ", at(1))), null)
        assert.strictEqual(held(yield* store.take(ns, entries[2][0], at(2))), entries[2][1])
      }),
    )

    it.effect("expiry to the millisecond: an entry exists until expiresAt - 1 ms, never at expiresAt", () =>
      Effect.gen(function* () {
        const store = yield* IdentityStore
        const ns = fresh("expiry")
        yield* store.put(ns, "k", "v", at(1_000), at(0))
        assert.strictEqual(held(yield* store.get(ns, "k", at(999))), "v")
        assert.strictEqual(held(yield* store.get(ns, "k", at(1_000))), null)
        assert.strictEqual(held(yield* store.get(ns, "k", at(1_001))), null)
        // A take at or after the expiry gets nothing and removes nothing that exists.
        assert.strictEqual(held(yield* store.take(ns, "k", at(1_000))), null)
        assert.strictEqual(held(yield* store.take(ns, "k", at(999))), "v")
        assert.strictEqual(held(yield* store.get(ns, "k", at(0))), null)
        // An entry put with expiresAt == now never exists.
        yield* store.put(ns, "born-dead", "v", at(5_000), at(5_000))
        assert.strictEqual(held(yield* store.get(ns, "born-dead", at(5_000))), null)
        assert.strictEqual(held(yield* store.take(ns, "born-dead", at(5_000))), null)
        // Times are passed in: a caller whose clock is behind still sees the entry live.
        assert.strictEqual(held(yield* store.get(ns, "born-dead", at(4_999))), "v")
      }),
    )

    it.effect("put over an expired entry replaces it; over a live one fails with KeyTaken and changes nothing", () =>
      Effect.gen(function* () {
        const store = yield* IdentityStore
        const ns = fresh("put")
        yield* store.put(ns, "k", "first", at(1_000), at(0))
        const error = yield* Effect.flip(store.put(ns, "k", "second-secret", at(5_000), at(999)))
        assertKeyTaken(error, "second-secret")
        // Neither the value nor the expiry moved.
        assert.strictEqual(held(yield* store.get(ns, "k", at(999))), "first")
        assert.strictEqual(held(yield* store.get(ns, "k", at(1_000))), null)
        yield* store.put(ns, "k", "third", at(3_000), at(1_000))
        assert.strictEqual(held(yield* store.get(ns, "k", at(1_000))), "third")
        assert.strictEqual(held(yield* store.get(ns, "k", at(2_999))), "third")
        assert.strictEqual(held(yield* store.get(ns, "k", at(3_000))), null)
        // A put refused on the same value is refused too: a key is single use while it lives.
        assertKeyTaken(yield* Effect.flip(store.put(ns, "k", "third", at(9_000), at(2_000))), "third")
        assert.strictEqual(held(yield* store.take(ns, "k", at(2_999))), "third")
      }),
    )

    it.effect("take is single use: a second take and a get find nothing; the key can be put again", () =>
      Effect.gen(function* () {
        const store = yield* IdentityStore
        const ns = fresh("take")
        yield* store.put(ns, "token", "v", at(60_000), at(0))
        assert.strictEqual(held(yield* store.take(ns, "token", at(10))), "v")
        assert.strictEqual(held(yield* store.take(ns, "token", at(10))), null)
        assert.strictEqual(held(yield* store.get(ns, "token", at(10))), null)
        assert.strictEqual(held(yield* store.take(ns, "never-put", at(10))), null)
        yield* store.put(ns, "token", "again", at(60_000), at(20))
        assert.strictEqual(held(yield* store.take(ns, "token", at(30))), "again")
      }),
    )

    it.effect(`of ${concurrency} concurrent takes of one entry exactly one gets the value`, () =>
      Effect.gen(function* () {
        const store = yield* IdentityStore
        const ns = fresh("race")
        for (let round = 0; round < 5; round++) {
          const key = `code-${round}`
          yield* store.put(ns, key, `value-${round}`, at(60_000), at(0))
          const results = yield* Effect.all(
            Array.from({ length: concurrency }, () => store.take(ns, key, at(1))),
            { concurrency: "unbounded" },
          )
          assert.deepStrictEqual(
            results.map(held).filter((value) => value !== null),
            [`value-${round}`],
            key,
          )
        }
      }),
    )

    it.effect(`of ${concurrency} concurrent puts of one key exactly one succeeds, the others get KeyTaken`, () =>
      Effect.gen(function* () {
        const store = yield* IdentityStore
        const ns = fresh("put-race")
        for (let round = 0; round < 5; round++) {
          const key = `code-${round}`
          // Round 0 races on a new key, the others on a key whose entry has just expired.
          if (round > 0) yield* store.put(ns, key, "expired", at(1), at(0))
          const results = yield* Effect.all(
            Array.from({ length: concurrency }, (_, i) =>
              store.put(ns, key, `from-${i}`, at(60_000), at(1)).pipe(
                Effect.as(`from-${i}`),
                Effect.catchIf(
                  (error) => error.reason === "KeyTaken",
                  () => Effect.succeed(null),
                ),
              ),
            ),
            { concurrency: "unbounded" },
          )
          const winners = results.filter((result) => result !== null)
          assert.strictEqual(winners.length, 1, key)
          assert.strictEqual(held(yield* store.get(ns, key, at(2))), winners[0], key)
        }
      }),
    )

    it.effect("remove is idempotent: a live, an expired or an absent entry, once or twice", () =>
      Effect.gen(function* () {
        const store = yield* IdentityStore
        const ns = fresh("remove")
        yield* store.put(ns, "live", "v", at(60_000), at(0))
        yield* store.put(ns, "expired", "v", at(10), at(0))
        yield* store.put(ns, "kept", "v", at(60_000), at(0))
        for (const key of ["live", "expired", "absent"]) {
          yield* store.remove(ns, key)
          yield* store.remove(ns, key)
        }
        assert.strictEqual(held(yield* store.get(ns, "live", at(1))), null)
        // The removed expired entry is gone for a caller whose clock is behind too.
        assert.strictEqual(held(yield* store.get(ns, "expired", at(1))), null)
        assert.strictEqual(held(yield* store.get(ns, "kept", at(1))), "v")
        // A removed key is free at once.
        yield* store.put(ns, "live", "new", at(60_000), at(2))
        assert.strictEqual(held(yield* store.get(ns, "live", at(3))), "new")
      }),
    )

    it.effect("namespaces separate equal keys: entries and failures", () =>
      Effect.gen(function* () {
        const store = yield* IdentityStore
        const [a, b] = [fresh("ns-a"), fresh("ns-b")]
        yield* store.put(a, "k", "in a", at(60_000), at(0))
        yield* store.put(b, "k", "in b", at(60_000), at(0))
        assert.strictEqual(held(yield* store.take(a, "k", at(1))), "in a")
        assert.strictEqual(held(yield* store.get(b, "k", at(1))), "in b")
        yield* store.remove(b, "k")
        yield* store.put(a, "k", "a again", at(60_000), at(2))
        assert.strictEqual(held(yield* store.get(a, "k", at(3))), "a again")
        assert.strictEqual(held(yield* store.get(b, "k", at(3))), null)
        // A namespace that is a prefix of another, with the rest of the key: still apart.
        yield* store.put(`${a}:x`, "k", "prefixed", at(60_000), at(0))
        assert.strictEqual(held(yield* store.get(a, "x:k", at(1))), null)
        assert.strictEqual(held(yield* store.get(a, ":xk", at(1))), null)

        assert.strictEqual(yield* store.recordFailure(a, "login", at(0), "1 minute"), 1)
        assert.strictEqual(yield* store.recordFailure(a, "login", at(1), "1 minute"), 2)
        assert.strictEqual(yield* store.recordFailure(b, "login", at(2), "1 minute"), 1)
        yield* store.clearFailures(b, "login")
        assert.strictEqual(yield* store.failures(a, "login", at(3), "1 minute"), 2)
        assert.strictEqual(yield* store.failures(b, "login", at(3), "1 minute"), 0)
      }),
    )

    it.effect(
      "recordFailure counts 1, 2, 3 in a window; one at openedAt + window opens a new one; failures reads it",
      () =>
        Effect.gen(function* () {
          const store = yield* IdentityStore
          const ns = fresh("failures")
          const window = "1 minute"
          assert.strictEqual(yield* store.failures(ns, "k", at(0), window), 0)
          assert.strictEqual(yield* store.recordFailure(ns, "k", at(0), window), 1)
          assert.strictEqual(yield* store.recordFailure(ns, "k", at(10), window), 2)
          assert.strictEqual(yield* store.recordFailure(ns, "k", at(59_999), window), 3)
          assert.strictEqual(yield* store.failures(ns, "k", at(59_999), window), 3)
          assert.strictEqual(yield* store.failures(ns, "k", at(60_000), window), 0)
          // The window is fixed from its first failure: the later failures did not extend it.
          assert.strictEqual(yield* store.recordFailure(ns, "k", at(60_000), window), 1)
          assert.strictEqual(yield* store.failures(ns, "k", at(60_000), window), 1)
          assert.strictEqual(yield* store.recordFailure(ns, "k", at(119_999), window), 2)
          assert.strictEqual(yield* store.failures(ns, "k", at(119_999), window), 2)
          assert.strictEqual(yield* store.failures(ns, "k", at(120_000), window), 0)
          assert.strictEqual(yield* store.recordFailure(ns, "k", at(500_000), window), 1)
          // Another duration form, the same rule: 2 s from 500,000 ms.
          assert.strictEqual(yield* store.recordFailure(ns, "k", at(501_999), 2_000), 2)
          assert.strictEqual(yield* store.failures(ns, "k", at(501_999), 2_000), 2)
          assert.strictEqual(yield* store.failures(ns, "k", at(502_000), 2_000), 0)
          // clearFailures forgets them; the next failure opens a new window.
          yield* store.clearFailures(ns, "k")
          yield* store.clearFailures(ns, "k")
          assert.strictEqual(yield* store.failures(ns, "k", at(501_999), 2_000), 0)
          assert.strictEqual(yield* store.recordFailure(ns, "k", at(501_999), 2_000), 1)
          assert.strictEqual(yield* store.failures(ns, "k", at(503_998), 2_000), 1)
          assert.strictEqual(yield* store.failures(ns, "k", at(503_999), 2_000), 0)
          yield* store.clearFailures(ns, "never-failed")
        }),
    )

    it.effect(
      `${concurrency} concurrent recordFailure give the counts 1..${concurrency}, each once, and end there`,
      () =>
        Effect.gen(function* () {
          const store = yield* IdentityStore
          const ns = fresh("failure-race")
          for (let round = 0; round < 3; round++) {
            const key = `login-${round}`
            const counts = yield* Effect.all(
              Array.from({ length: concurrency }, (_, i) => store.recordFailure(ns, key, at(i), "1 hour")),
              { concurrency: "unbounded" },
            )
            assert.deepStrictEqual(
              [...counts].sort((x, y) => x - y),
              Array.from({ length: concurrency }, (_, i) => i + 1),
              key,
            )
            assert.strictEqual(yield* store.failures(ns, key, at(concurrency), "1 hour"), concurrency)
          }
        }),
    )

    it.effect("purge deletes expired entries and closed windows, returns how many, and leaves the live ones", () =>
      Effect.gen(function* () {
        const store = yield* IdentityStore
        const ns = fresh("purge")
        // In 1999: only what expired or closed before then is anyone's to lose.
        const base = Date.UTC(1999, 5, 1)
        const t = (millis: number) => at(millis, base)
        const window = 60_000
        const now = 100_000
        // Whatever expired before this era (another user's), so that the count below is ours alone.
        yield* store.purge(t(0), window)
        yield* store.put(ns, "expires-now", "v", t(now), t(0))
        yield* store.put(ns, "expired", "v", t(now - 1), t(0))
        yield* store.put(ns, "live", "v", t(now + 1), t(0))
        yield* store.recordFailure(ns, "closes-now", t(now - window), window)
        yield* store.recordFailure(ns, "closed", t(1), window)
        yield* store.recordFailure(ns, "closed", t(2), window)
        yield* store.recordFailure(ns, "open", t(now - window + 1), window)
        yield* store.recordFailure(ns, "open", t(now - 1), window)
        assert.strictEqual(yield* store.purge(t(now), window), 4)
        assert.strictEqual(held(yield* store.get(ns, "live", t(now))), "v")
        assert.strictEqual(yield* store.failures(ns, "open", t(now), window), 2)
        // Gone for a caller whose clock is behind too: the rows went.
        assert.strictEqual(held(yield* store.get(ns, "expires-now", t(now - 1))), null)
        assert.strictEqual(yield* store.failures(ns, "closes-now", t(now - 1), window), 0)
        assert.strictEqual(yield* store.purge(t(now), window), 0)
        // One millisecond later the live entry expires and the open window closes.
        assert.strictEqual(yield* store.purge(t(now + 1), window), 2)
        assert.strictEqual(held(yield* store.get(ns, "live", t(now))), null)
        assert.strictEqual(yield* store.failures(ns, "open", t(now), window), 0)
      }),
    )

    // Each run in an hour of its own in the year 2000, after a purge at its start: the
    // property's purges then count the run's own rows only.
    let propertyRun = 0
    const HOUR = 3_600_000
    const ERA = Date.UTC(2000, 0, 1)
    const slot = FastCheck.record({ ns: FastCheck.nat(1), key: FastCheck.nat(1) })
    // Few slots and a short span of times, so that operations often meet at an edge.
    const time = FastCheck.nat(12)
    const window = FastCheck.constantFrom(2, 3, 5)
    const op: FastCheck.Arbitrary<Model.Op> = FastCheck.oneof(
      FastCheck.record({
        _tag: FastCheck.constant("put" as const),
        value: FastCheck.constantFrom("a", "b", "é😀", ""),
        expiresAt: time,
        now: time,
      }),
      FastCheck.record({ _tag: FastCheck.constantFrom("get" as const, "take" as const), now: time }),
      FastCheck.record({ _tag: FastCheck.constantFrom("remove" as const, "clearFailures" as const) }),
      FastCheck.record({
        _tag: FastCheck.constantFrom("recordFailure" as const, "failures" as const),
        at: time,
        window,
      }),
      FastCheck.record({ _tag: FastCheck.constant("purge" as const), now: time, window }),
    ).chain((fields) => slot.map((s) => ({ ...s, ...fields }) as Model.Op))

    it.effect.prop(
      "a random sequence of operations, times not in order, answers as the model of the port's JSDoc",
      [FastCheck.array(op, { maxLength: 40 })],
      ([ops]) =>
        Effect.gen(function* () {
          const store = yield* IdentityStore
          const base = ERA + propertyRun++ * HOUR
          const namespaces = [fresh("model-a"), fresh("model-b")] as const
          const keys = ["é", "😀"] as const
          const t = (millis: number) => at(millis, base)
          yield* store.purge(t(0), 10)
          const model = Model.make()
          for (const [i, o] of ops.entries()) {
            const ns = "ns" in o ? namespaces[o.ns]! : ""
            const key = "key" in o ? keys[o.key]! : ""
            const actual: Model.Outcome = yield* Effect.gen(function* () {
              switch (o._tag) {
                case "put":
                  return yield* store.put(ns, key, o.value, t(o.expiresAt), t(o.now)).pipe(
                    Effect.as("ok" as const),
                    Effect.catchIf(
                      (e) => e.reason === "KeyTaken",
                      () => Effect.succeed("KeyTaken" as const),
                    ),
                  )
                case "get":
                  return Option.getOrNull(yield* store.get(ns, key, t(o.now)))
                case "take":
                  return Option.getOrNull(yield* store.take(ns, key, t(o.now)))
                case "remove":
                  return yield* Effect.as(store.remove(ns, key), "ok")
                case "recordFailure":
                  return yield* store.recordFailure(ns, key, t(o.at), o.window)
                case "failures":
                  return yield* store.failures(ns, key, t(o.at), o.window)
                case "clearFailures":
                  return yield* Effect.as(store.clearFailures(ns, key), "ok")
                case "purge":
                  return yield* store.purge(t(o.now), o.window)
              }
            })
            assert.deepStrictEqual(actual, model.apply(o), `operation ${i}: ${JSON.stringify(o)}`)
          }
        }),
      { fastCheck: { numRuns } },
    )
  })
}

import * as EventStore from "@cartable/eventlog/EventStore"
import type { EncodedEvent } from "@cartable/eventlog/EventStoreDriver"
import * as EventStoreDriver from "@cartable/eventlog/EventStoreDriver"
import type { ConcurrencyConflict, EventStoreError } from "@cartable/eventlog/EventStoreError"
import type { ExpectedVersion } from "@cartable/eventlog/ExpectedVersion"
import * as ExpectedVersionModule from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import type * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import { assert, type Vitest } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as internal from "./eventStoreConformance.ts"

/** The `it` of the conformance suite: its tests run with the typed store, the driver and a key store. */
export type SuiteIt = Vitest.MethodsNonLive<
  EventStore.EventStore | EventStoreDriver.EventStoreDriver | SubjectKeyStore.SubjectKeyStore,
  true
>

const services = Effect.all({ store: EventStore.EventStore, driver: EventStoreDriver.EventStoreDriver })

/** Asserts an `InvalidArgument` whose message names `field`, and stays short whatever the input's size. */
const assertInvalid = (error: ConcurrencyConflict | EventStoreError, field: string, what: string) => {
  assert.strictEqual(error._tag, "EventStoreError", `${what}: ${error.message}`)
  assert.strictEqual((error as EventStoreError).reason, "InvalidArgument", `${what}: ${error.message}`)
  assert.include(error.message, field, what)
  assert.isBelow(error.message.length, 400, `${what}: the message echoes its input`)
}

const utf8 = (text: string) => new TextEncoder().encode(text).length

/**
 * A stream name of exactly `length` UTF-16 units, unique to the test, with 2-, 3-
 * and 4-byte characters: the longest ones take the most bytes a valid name can.
 */
const nameOfLength = (prefix: StreamName.StreamName, length: number): StreamName.StreamName => {
  let name: string = `${prefix}-`
  const pieces = ["中", "é", "中", "😀"]
  let i = 0
  while (name.length < length - 1) name += pieces[i++ % pieces.length]
  while (name.length < length) name += "中"
  return name as StreamName.StreamName
}

const NOT_COUNTS: ReadonlyArray<number> = [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]

/**
 * The store's answer to malformed calls (issue 10, section 3): positions, versions,
 * limits, schema versions and stream names out of their domain fail with
 * `InvalidArgument` naming the argument, on every store alike, and write nothing.
 */
export const register = (it: SuiteIt, fresh: (label: string) => StreamName.StreamName): void => {
  it.effect("a version, position or limit that is not an integer ≥ 0 answers InvalidArgument naming it", () =>
    Effect.gen(function* () {
      const { store, driver } = yield* services
      const stream = fresh("BadCounts")
      yield* driver.append(stream, ExpectedVersionModule.noStream, [internal.encodedNote("b1")])
      for (const value of NOT_COUNTS) {
        assertInvalid(yield* Effect.flip(driver.readStream(stream, value)), "afterVersion", `readStream ${value}`)
        assertInvalid(yield* Effect.flip(store.readStream(stream, value)), "afterVersion", `typed readStream ${value}`)
        assertInvalid(yield* Effect.flip(driver.readAll(value, 10)), "afterPosition", `readAll after ${value}`)
        assertInvalid(yield* Effect.flip(store.readAll(value, 10)), "afterPosition", `typed readAll after ${value}`)
        assertInvalid(yield* Effect.flip(driver.readAll(0, value)), "limit", `readAll limit ${value}`)
        assertInvalid(yield* Effect.flip(store.readAll(0, value)), "limit", `typed readAll limit ${value}`)
        const expected: ExpectedVersion = { _tag: "Exact", version: value }
        assertInvalid(
          yield* Effect.flip(driver.append(stream, expected, [internal.encodedNote("b2")])),
          "expected.version",
          `exact(${value})`,
        )
      }
      const bogus = { _tag: "Whatever" } as unknown as ExpectedVersion
      assertInvalid(yield* Effect.flip(driver.append(stream, bogus, [internal.encodedNote("b2")])), "expected", "tag")
      assert.deepStrictEqual(yield* driver.streamInfo(stream), { version: 1, tombstoned: false })
      assert.deepStrictEqual((yield* driver.readStream(stream, 0)).map(internal.idOf), ["b1"])
      // The edges of the domain stay valid.
      assert.deepStrictEqual(yield* driver.readAll(0, 0), [])
      assert.strictEqual((yield* driver.readStream(stream, 1)).length, 0)
    }),
  )

  it.effect("an event that is not well-formed (schema version 1.5, Infinity, 0; empty or $ type) is refused", () =>
    Effect.gen(function* () {
      const { driver } = yield* services
      const stream = fresh("BadEvents")
      const note = internal.encodedNote
      const bad: ReadonlyArray<readonly [string, Partial<Record<keyof EncodedEvent, unknown>>]> = [
        ["events[1].schemaVersion", { schemaVersion: 1.5 }],
        ["events[1].schemaVersion", { schemaVersion: Number.POSITIVE_INFINITY }],
        ["events[1].schemaVersion", { schemaVersion: Number.NaN }],
        ["events[1].schemaVersion", { schemaVersion: 0 }],
        ["events[1].schemaVersion", { schemaVersion: -3 }],
        ["events[1].schemaVersion", { schemaVersion: "1" }],
        ["events[1].schemaVersion", { schemaVersion: 2 ** 53 }],
        ["events[1].type", { type: "" }],
        ["events[1].type", { type: "$tombstone" }],
        ["events[1].type", { type: "T".repeat(EventStoreDriver.maxNameBytes + 1) }],
        ["events[1].type", { type: "Lone\ud800" }],
        ["events[1].data", { data: 42 }],
        ["events[1].data", { data: '{"text":"\udc00"}' }],
        ["events[1].metadata", { metadata: null }],
      ]
      for (const [field, patch] of bad) {
        for (const expected of [ExpectedVersionModule.noStream, ExpectedVersionModule.any]) {
          const batch = [note("e1"), { ...note("e2"), ...patch } as EncodedEvent, note("e3")]
          assertInvalid(yield* Effect.flip(driver.append(stream, expected, batch)), field, JSON.stringify(patch))
          assert.deepStrictEqual(yield* driver.streamInfo(stream), { version: 0, tombstoned: false })
        }
      }
      assert.deepStrictEqual(yield* driver.readStream(stream, 0), [])
      const ok = yield* driver.append(stream, ExpectedVersionModule.noStream, [note("e1"), note("e2")])
      assert.strictEqual(ok.streamVersion, 2)
      assert.deepStrictEqual(
        (yield* driver.readStream(stream, 0)).map((row) => row.schemaVersion),
        [1, 1],
      )
    }),
  )

  it.effect(
    `stream names: ${StreamName.MAX_LENGTH} characters work everywhere, one more is refused naming streamName`,
    () =>
      Effect.gen(function* () {
        const { store, driver } = yield* services
        const start = yield* internal.mark(driver, fresh("Mark"))
        const longest = nameOfLength(fresh("Longest"), StreamName.MAX_LENGTH)
        assert.strictEqual(longest.length, StreamName.MAX_LENGTH)
        assert.ok(utf8(longest) > 2 * StreamName.MAX_LENGTH && utf8(longest) <= EventStoreDriver.maxNameBytes)
        yield* store.append(longest, ExpectedVersionModule.noStream, [internal.note("l1"), internal.note("l2")])
        assert.deepStrictEqual(
          (yield* store.readStream(longest)).map((r) => [r.streamName, r.streamVersion]),
          [
            [longest, 1],
            [longest, 2],
          ],
        )
        assert.deepStrictEqual(yield* driver.streamInfo(longest), { version: 2, tombstoned: false })
        const all = (yield* internal.readAllAfter(driver, start)).filter((r) => r.streamName === longest)
        assert.deepStrictEqual(all.map(internal.idOf), ["l1", "l2"])
        yield* driver.tombstone(longest)
        assert.deepStrictEqual(yield* driver.streamInfo(longest), { version: 2, tombstoned: true })

        const over = nameOfLength(fresh("Over"), StreamName.MAX_LENGTH + 1)
        const huge = `${fresh("Huge")}-${"h".repeat(1_000_000)}` as StreamName.StreamName
        const malformed = [
          over,
          huge,
          `${fresh("Lone")}-\ud83d` as StreamName.StreamName,
          "NoDash" as StreamName.StreamName,
          `1Digit-${fresh("Digit")}` as StreamName.StreamName,
        ]
        for (const name of malformed) {
          const what = `name of ${name.length} characters starting ${JSON.stringify(name.slice(0, 30))}`
          const note = [internal.encodedNote("o1")]
          assertInvalid(yield* Effect.flip(driver.append(name, ExpectedVersionModule.any, note)), "streamName", what)
          assertInvalid(yield* Effect.flip(driver.readStream(name, 0)), "streamName", what)
          assertInvalid(yield* Effect.flip(driver.streamInfo(name)), "streamName", what)
          assertInvalid(yield* Effect.flip(driver.tombstone(name)), "streamName", what)
          const typed = yield* Effect.flip(store.append(name, ExpectedVersionModule.any, [internal.note("o1")]))
          assertInvalid(typed, "streamName", `typed ${what}`)
        }
        const after = (yield* internal.readAllAfter(driver, start)).filter((r) => r.streamName !== longest)
        assert.deepStrictEqual(
          after.filter((r) => internal.idOf(r) === "o1"),
          [],
          "a refused stream name was written",
        )
      }),
  )
}

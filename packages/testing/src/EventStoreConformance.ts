/**
 * The conformance suite of the event log: what every {@link EventStoreDriver}
 * must do, checked through the driver and through the typed `EventStore` built
 * over it. In-memory, SQLite and PostgreSQL run it; a third-party adapter runs it
 * from its own test file:
 *
 * @example
 * import * as EventStoreConformance from "@cartable/testing/EventStoreConformance"
 * EventStoreConformance.suite("MyStore", MyStore.layer({ url }))
 *
 * Every test writes to streams of its own, so the suite can share a store with
 * other tests. Its last test writes rows that do not decode (on purpose): run it
 * on a store whose `readAll` no other test decodes from before those rows.
 *
 * @since 0.1.0
 */
import * as EventStore from "@cartable/eventlog/EventStore"
import type { EncodedEvent } from "@cartable/eventlog/EventStoreDriver"
import * as EventStoreDriver from "@cartable/eventlog/EventStoreDriver"
import type { ConcurrencyConflict, EventStoreError } from "@cartable/eventlog/EventStoreError"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import type { NewEvent } from "@cartable/eventlog/RecordedEvent"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import { assert, layer } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as DriverArguments from "./internal/driverArgumentsConformance.ts"
import * as internal from "./internal/eventStoreConformance.ts"
import * as InputConformance from "./internal/inputConformance.ts"

/**
 * Tuning of the suite: property runs (20), the size of the large payload in
 * characters (1,000,000) and the number of concurrent appenders (8).
 *
 * @since 0.1.0
 */
export interface Options {
  readonly numRuns?: number
  readonly largePayload?: number
  readonly concurrency?: number
}

/**
 * The typed store's catalogue used by the suite: the Account events and two test
 * events, `Noted` and `Scored` (whose score must lie in 0..20).
 *
 * @since 0.1.0
 */
export const catalog = internal.catalog

type AppendError = ConcurrencyConflict | EventStoreError

const isConflict = (error: AppendError): error is ConcurrencyConflict => error._tag === "ConcurrencyConflict"

/**
 * Registers the suite for a driver layer. The layer is built once for the suite;
 * the typed store over it uses an in-memory subject key store (erasure has its
 * own suite).
 *
 * @since 0.1.0
 */
export const suite = <E>(
  name: string,
  driver: Layer.Layer<EventStoreDriver.EventStoreDriver, E>,
  options: Options = {},
): void => {
  const numRuns = options.numRuns ?? 20
  const largePayload = options.largePayload ?? 1_000_000
  const concurrency = options.concurrency ?? 8
  const fresh = internal.makeNames()
  const env = Layer.provideMerge(EventStore.layer(catalog), Layer.merge(driver, SubjectKeyStore.layerMemory))
  const services = Effect.all({ store: EventStore.EventStore, driver: EventStoreDriver.EventStoreDriver })

  layer(env, { excludeTestServices: true })(`${name}: EventStore conformance`, (it) => {
    it.effect("round-trips a batch: versions from 1, positions increasing, events and metadata intact", () =>
      Effect.gen(function* () {
        const { store } = yield* services
        const stream = fresh("RoundTrip")
        const events = [internal.note("a"), internal.note("b"), internal.note("c")]
        const result = yield* store.append(stream, ExpectedVersion.noStream, events)
        assert.strictEqual(result.streamVersion, 3)
        const read = yield* store.readStream(stream)
        assert.deepStrictEqual(
          read.map((r) => r.streamVersion),
          [1, 2, 3],
        )
        assert.deepStrictEqual(
          read.map((r) => r.event),
          events.map((e) => e.event),
        )
        assert.deepStrictEqual(
          read.map((r) => [r.streamName, r.type, r.schemaVersion]),
          events.map(() => [stream, "Noted", 1]),
        )
        for (const r of read) {
          assert.deepStrictEqual(internal.encodeMetadata(r.metadata), internal.encodeMetadata(internal.metadata))
        }
        const positions = read.map((r) => r.position)
        assert.isTrue(
          positions.every((p, i) => i === 0 || p > positions[i - 1]!),
          `positions ${positions}`,
        )
        assert.strictEqual(positions[2], result.lastPosition)
        assert.deepStrictEqual(
          (yield* store.readStream(stream, 1)).map((r) => r.streamVersion),
          [2, 3],
        )
        assert.deepStrictEqual(yield* store.readStream(stream, 3), [])
        assert.deepStrictEqual(yield* store.readStream(stream, 10), [])
        assert.deepStrictEqual(yield* store.streamInfo(stream), { version: 3, tombstoned: false })
        const absent = fresh("Absent")
        assert.deepStrictEqual(yield* store.streamInfo(absent), { version: 0, tombstoned: false })
        assert.deepStrictEqual(yield* store.readStream(absent), [])
      }),
    )

    it.effect.prop(
      "round-trips arbitrary Account events through their Schema",
      [FastCheck.array(Arbitrary.make(internal.AccountEvent), { minLength: 1, maxLength: 5 })],
      ([events]) =>
        Effect.gen(function* () {
          const { store } = yield* services
          const stream = fresh("Account")
          yield* store.append(
            stream,
            ExpectedVersion.noStream,
            events.map((event) => ({ event, metadata: internal.metadata })),
          )
          const read = yield* store.readStream(stream)
          // Through JSON, as stored: an optional key holding `undefined` is absent once read back.
          const encode = (event: { readonly _tag: string }): unknown =>
            JSON.parse(JSON.stringify(Schema.encodeSync(internal.AccountEvent)(event)))
          assert.deepStrictEqual(
            read.map((r) => encode(r.event)),
            events.map((event) => encode(event)),
          )
        }),
      { fastCheck: { numRuns } },
    )

    it.effect("NoStream (and exact(0)) creates a stream, then conflicts naming the actual version", () =>
      Effect.gen(function* () {
        const { store, driver } = yield* services
        const noStreams: ReadonlyArray<ExpectedVersion.ExpectedVersion> = [
          ExpectedVersion.noStream,
          ExpectedVersion.exact(0),
          { _tag: "Exact", version: 0 },
        ]
        for (const expected of noStreams) {
          const stream = fresh("NoStream")
          const first = yield* store.append(stream, expected, [internal.note("1"), internal.note("2")])
          assert.strictEqual(first.streamVersion, 2)
          const error = yield* Effect.flip(driver.append(stream, expected, [internal.encodedNote("3")]))
          assert.isTrue(isConflict(error), `expected a ConcurrencyConflict, got ${error._tag}`)
          assert.deepInclude(error, {
            _tag: "ConcurrencyConflict",
            streamName: stream,
            expected: ExpectedVersion.format(expected),
            actual: 2,
          })
          assert.include(error.message, stream)
          assert.deepStrictEqual(yield* store.streamInfo(stream), { version: 2, tombstoned: false })
        }
      }),
    )

    it.effect("Exact(n) appends at n + 1 and conflicts, naming stream, expected and actual, behind or ahead", () =>
      Effect.gen(function* () {
        const { store } = yield* services
        const stream = fresh("Exact")
        yield* store.append(stream, ExpectedVersion.noStream, [internal.note("1"), internal.note("2")])
        const next = yield* store.append(stream, ExpectedVersion.exact(2), [internal.note("3")])
        assert.strictEqual(next.streamVersion, 3)
        for (const stale of [2, 1, 5]) {
          const error = yield* Effect.flip(store.append(stream, ExpectedVersion.exact(stale), [internal.note("x")]))
          assert.deepInclude(error, {
            _tag: "ConcurrencyConflict",
            streamName: stream,
            expected: `version ${stale}`,
            actual: 3,
          })
        }
        const absent = fresh("ExactAbsent")
        const error = yield* Effect.flip(store.append(absent, ExpectedVersion.exact(1), [internal.note("x")]))
        assert.deepInclude(error, { _tag: "ConcurrencyConflict", streamName: absent, actual: 0 })
        assert.deepStrictEqual(yield* store.streamInfo(absent), { version: 0, tombstoned: false })
        assert.deepStrictEqual(
          (yield* store.readStream(stream)).map((r) => (r.event as internal.Noted).id),
          ["1", "2", "3"],
        )
      }),
    )

    it.effect("Any appends whatever the version, to a new or an existing stream", () =>
      Effect.gen(function* () {
        const { store } = yield* services
        const stream = fresh("Any")
        assert.strictEqual((yield* store.append(stream, ExpectedVersion.any, [internal.note("1")])).streamVersion, 1)
        const result = yield* store.append(stream, ExpectedVersion.any, [internal.note("2"), internal.note("3")])
        assert.strictEqual(result.streamVersion, 3)
        assert.deepStrictEqual(
          (yield* store.readStream(stream)).map((r) => [r.streamVersion, (r.event as internal.Noted).id]),
          [
            [1, "1"],
            [2, "2"],
            [3, "3"],
          ],
        )
      }),
    )

    it.effect("an empty batch is refused with InvalidArgument", () =>
      Effect.gen(function* () {
        const { store, driver } = yield* services
        const stream = fresh("Empty")
        const error = yield* Effect.flip(driver.append(stream, ExpectedVersion.any, []))
        assert.deepInclude(error, { _tag: "EventStoreError", reason: "InvalidArgument" })
        const typed = yield* Effect.flip(store.append(stream, ExpectedVersion.noStream, []))
        assert.deepInclude(typed, { _tag: "EventStoreError", reason: "InvalidArgument" })
        assert.deepStrictEqual(yield* store.streamInfo(stream), { version: 0, tombstoned: false })
      }),
    )

    DriverArguments.register(it, fresh)

    it.effect(
      "concurrent appenders on one stream: exactly one wins, the others conflict, nothing lost or doubled",
      () =>
        Effect.gen(function* () {
          const { store } = yield* services
          const stream = fresh("Race")
          const expectedIds: Array<string> = []
          let version = 0
          for (let round = 0; round < 4; round++) {
            const expected = version === 0 ? ExpectedVersion.noStream : ExpectedVersion.exact(version)
            const outcomes = yield* Effect.all(
              Array.from({ length: concurrency }, (_, writer) =>
                store.append(stream, expected, [
                  internal.note(`r${round}w${writer}a`),
                  internal.note(`r${round}w${writer}b`),
                ]),
              ),
              { concurrency: "unbounded", mode: "either" },
            )
            const winners = outcomes.flatMap((o, writer) => (Either.isRight(o) ? [writer] : []))
            assert.strictEqual(winners.length, 1, `round ${round}: ${winners.length} winners`)
            const winner = winners[0]!
            expectedIds.push(`r${round}w${winner}a`, `r${round}w${winner}b`)
            for (const outcome of outcomes) {
              if (Either.isLeft(outcome)) {
                assert.deepInclude(outcome.left, {
                  _tag: "ConcurrencyConflict",
                  streamName: stream,
                  expected: ExpectedVersion.format(expected),
                  actual: version + 2,
                })
              }
            }
            version += 2
          }
          const read = yield* store.readStream(stream)
          assert.deepStrictEqual(
            read.map((r) => (r.event as internal.Noted).id),
            expectedIds,
          )
          assert.deepStrictEqual(
            read.map((r) => r.streamVersion),
            expectedIds.map((_, i) => i + 1),
          )
        }),
    )

    it.effect("concurrent Any appenders on one stream: every batch once, contiguous, versions without gaps", () =>
      Effect.gen(function* () {
        const { driver } = yield* services
        const stream = fresh("AnyRace")
        const rounds = 3
        const results = yield* Effect.all(
          Array.from({ length: concurrency * rounds }, (_, i) =>
            Effect.map(
              driver.append(stream, ExpectedVersion.any, [
                internal.encodedNote(`b${i}-1`),
                internal.encodedNote(`b${i}-2`),
              ]),
              (result) => [i, result] as const,
            ),
          ),
          { concurrency },
        )
        const rows = yield* driver.readStream(stream, 0)
        assert.deepStrictEqual(
          rows.map((r) => r.streamVersion),
          rows.map((_, i) => i + 1),
        )
        assert.strictEqual(rows.length, concurrency * rounds * 2)
        for (const [i, result] of results) {
          const second = rows[result.streamVersion - 1]!
          const first = rows[result.streamVersion - 2]!
          assert.deepStrictEqual([internal.idOf(first), internal.idOf(second)], [`b${i}-1`, `b${i}-2`])
          assert.strictEqual(second.position, result.lastPosition)
        }
      }),
    )

    it.effect("many streams interleaved: each reads back its own events, in order", () =>
      Effect.gen(function* () {
        const { driver } = yield* services
        const streams = Array.from({ length: 12 }, () => fresh("Interleaved"))
        const rounds = 5
        const start = yield* internal.mark(driver, fresh("Mark"))
        yield* Effect.forEach(
          streams,
          (stream, s) =>
            Effect.forEach(
              Array.from({ length: rounds }, (_, r) => r),
              (r) => driver.append(stream, ExpectedVersion.exact(r), [internal.encodedNote(`s${s}r${r}`)]),
              { discard: true },
            ),
          { concurrency, discard: true },
        )
        const all = yield* internal.readAllAfter(driver, start)
        for (const [s, stream] of streams.entries()) {
          const rows = yield* driver.readStream(stream, 0)
          assert.deepStrictEqual(
            rows.map((r) => [r.streamVersion, internal.idOf(r)]),
            Array.from({ length: rounds }, (_, r) => [r + 1, `s${s}r${r}`]),
          )
          assert.deepStrictEqual(yield* driver.streamInfo(stream), { version: rounds, tombstoned: false })
          assert.deepStrictEqual(
            all.filter((r) => r.streamName === stream),
            rows,
          )
        }
      }),
    )

    it.effect("appendMany: several streams in one call, each at its own expected version, results in order", () =>
      Effect.gen(function* () {
        const { driver, store } = yield* services
        const many = driver.appendMany
        if (many === undefined) return
        const [a, b, c] = [fresh("ManyA"), fresh("ManyB"), fresh("ManyC")]
        yield* driver.append(b, ExpectedVersion.noStream, [internal.encodedNote("b1")])
        const start = yield* internal.mark(driver, fresh("Mark"))
        const results = yield* many([
          { streamName: a, expected: ExpectedVersion.noStream, events: [internal.encodedNote("a1")] },
          { streamName: b, expected: ExpectedVersion.exact(1), events: [internal.encodedNote("b2")] },
          {
            streamName: c,
            expected: ExpectedVersion.any,
            events: [internal.encodedNote("c1"), internal.encodedNote("c2")],
          },
        ])
        assert.deepStrictEqual(
          results.map((r) => r.streamVersion),
          [1, 2, 2],
        )
        const all = yield* internal.readAllAfter(driver, start)
        assert.deepStrictEqual(all.map(internal.idOf), ["a1", "b2", "c1", "c2"])
        assert.deepStrictEqual(
          results.map((r) => r.lastPosition),
          [all[0]!.position, all[1]!.position, all[3]!.position],
        )
        assert.deepStrictEqual((yield* driver.readStream(b, 0)).map(internal.idOf), ["b1", "b2"])
        // Through the typed store: events encoded per stream, then appended together.
        const typed = yield* store.appendMany!([
          { streamName: a, expected: ExpectedVersion.exact(1), events: [internal.note("a2")] },
          { streamName: b, expected: ExpectedVersion.exact(2), events: [internal.note("b3")] },
        ])
        assert.deepStrictEqual(
          typed.map((r) => r.streamVersion),
          [2, 3],
        )
        assert.deepStrictEqual(
          (yield* store.readStream(a)).map((r) => (r.event as internal.Noted).id),
          ["a1", "a2"],
        )
        assert.deepStrictEqual(yield* many([]), [])
      }),
    )

    it.effect("appendMany is all or nothing: one stream's conflict, tombstone or bad event appends nothing", () =>
      Effect.gen(function* () {
        const { driver } = yield* services
        const many = driver.appendMany
        if (many === undefined) return
        const [a, b, gone] = [fresh("AtomicA"), fresh("AtomicB"), fresh("AtomicGone")]
        yield* driver.append(a, ExpectedVersion.noStream, [internal.encodedNote("a1")])
        yield* driver.append(b, ExpectedVersion.noStream, [internal.encodedNote("b1"), internal.encodedNote("b2")])
        yield* driver.tombstone(gone)
        const start = yield* internal.mark(driver, fresh("Mark"))
        const unchanged = Effect.gen(function* () {
          assert.deepStrictEqual(yield* driver.streamInfo(a), { version: 1, tombstoned: false })
          assert.deepStrictEqual(yield* driver.streamInfo(b), { version: 2, tombstoned: false })
          assert.deepStrictEqual(
            (yield* internal.readAllAfter(driver, start)).filter((r) => r.streamName === a || r.streamName === b),
            [],
          )
        })
        // The last stream is behind, ahead, or expected absent: the first one's events are not kept either.
        for (const stale of [ExpectedVersion.exact(1), ExpectedVersion.exact(5), ExpectedVersion.noStream]) {
          const error = yield* Effect.flip(
            many([
              { streamName: a, expected: ExpectedVersion.exact(1), events: [internal.encodedNote("a2")] },
              { streamName: b, expected: stale, events: [internal.encodedNote("b3")] },
            ]),
          )
          assert.deepInclude(error, {
            _tag: "ConcurrencyConflict",
            streamName: b,
            expected: ExpectedVersion.format(stale),
            actual: 2,
          })
          yield* unchanged
        }
        const tombstoned = yield* Effect.flip(
          many([
            { streamName: a, expected: ExpectedVersion.exact(1), events: [internal.encodedNote("a2")] },
            { streamName: gone, expected: ExpectedVersion.any, events: [internal.encodedNote("g1")] },
          ]),
        )
        assert.deepInclude(tombstoned, { _tag: "EventStoreError", reason: "StreamTombstoned" })
        yield* unchanged
        const broken = yield* Effect.flip(
          many([
            { streamName: a, expected: ExpectedVersion.exact(1), events: [internal.encodedNote("a2")] },
            {
              streamName: b,
              expected: ExpectedVersion.exact(2),
              events: [{ ...internal.encodedNote("b3"), type: "" }],
            },
          ]),
        )
        assert.deepInclude(broken, { _tag: "EventStoreError", reason: "InvalidArgument" })
        assert.include(broken.message, "appends[1]")
        yield* unchanged
        const twice = yield* Effect.flip(
          many([
            { streamName: a, expected: ExpectedVersion.exact(1), events: [internal.encodedNote("a2")] },
            { streamName: a, expected: ExpectedVersion.exact(2), events: [internal.encodedNote("a3")] },
          ]),
        )
        assert.deepInclude(twice, { _tag: "EventStoreError", reason: "InvalidArgument" })
        yield* unchanged
        // Then the same call with the right versions goes through whole.
        const results = yield* many([
          { streamName: a, expected: ExpectedVersion.exact(1), events: [internal.encodedNote("a2")] },
          { streamName: b, expected: ExpectedVersion.exact(2), events: [internal.encodedNote("b3")] },
        ])
        assert.deepStrictEqual(
          results.map((r) => r.streamVersion),
          [2, 3],
        )
      }),
    )

    it.effect("appendMany against concurrent appenders: each call wins whole or conflicts whole", () =>
      Effect.gen(function* () {
        const { driver } = yield* services
        const many = driver.appendMany
        if (many === undefined) return
        const [a, b] = [fresh("RaceA"), fresh("RaceB")]
        // Every contender expects both streams at 0: exactly one call may win, whichever it is.
        const outcomes = yield* Effect.forEach(
          Array.from({ length: concurrency }, (_, i) => i),
          (i) =>
            Effect.either(
              many([
                { streamName: a, expected: ExpectedVersion.noStream, events: [internal.encodedNote(`a${i}`)] },
                { streamName: b, expected: ExpectedVersion.noStream, events: [internal.encodedNote(`b${i}`)] },
              ]),
            ),
          { concurrency },
        )
        const won = outcomes.flatMap((outcome, i) => (Either.isRight(outcome) ? [i] : []))
        assert.strictEqual(won.length, 1)
        for (const outcome of outcomes) {
          if (Either.isLeft(outcome)) assert.strictEqual(outcome.left._tag, "ConcurrencyConflict")
        }
        assert.deepStrictEqual((yield* driver.readStream(a, 0)).map(internal.idOf), [`a${won[0]}`])
        assert.deepStrictEqual((yield* driver.readStream(b, 0)).map(internal.idOf), [`b${won[0]}`])
      }),
    )

    it.effect("global order: successive appends across streams get increasing positions, readAll follows them", () =>
      Effect.gen(function* () {
        const { driver, store } = yield* services
        const streams = [fresh("GlobalA"), fresh("GlobalB"), fresh("GlobalC")]
        const start = yield* internal.mark(driver, fresh("Mark"))
        const appended: Array<{ readonly id: string; readonly position: number }> = []
        for (let i = 0; i < 12; i++) {
          const id = `g${i}`
          const result = yield* store.append(streams[i % 3]!, ExpectedVersion.any, [internal.note(id)])
          const previous = appended[appended.length - 1]
          if (previous !== undefined) assert.isAbove(result.lastPosition, previous.position)
          appended.push({ id, position: result.lastPosition })
        }
        const mine = new Set<string>(streams)
        const rows = (yield* internal.readAllAfter(driver, start)).filter((r) => mine.has(r.streamName))
        assert.deepStrictEqual(
          rows.map((r) => ({ id: internal.idOf(r), position: r.position })),
          appended,
        )
        const typed = (yield* store.readAll(start, 1_000)).filter((r) => mine.has(r.streamName))
        assert.deepStrictEqual(
          typed.map((r) => (r.event as internal.Noted).id),
          appended.map((a) => a.id),
        )
      }),
    )

    it.effect("head: the position of the last event readAll returns, a tombstone after it aside", () =>
      Effect.gen(function* () {
        const { driver, store } = yield* services
        /** The head, checked against the log: the event at it is read (other tests may append meanwhile). */
        const readHead = Effect.gen(function* () {
          const head = yield* store.head
          assert.strictEqual(yield* driver.head, head)
          const [at] = yield* driver.readAll(head - 1, 1)
          assert.strictEqual(at?.position, head)
          return head
        })
        const stream = fresh("Head")
        const appended = yield* store.append(stream, ExpectedVersion.noStream, [
          internal.note("h1"),
          internal.note("h2"),
        ])
        assert.isAtLeast(yield* readHead, appended.lastPosition)
        // The tombstone takes no readable position: the head stays on an event.
        yield* store.tombstone(stream)
        assert.isAtLeast(yield* readHead, appended.lastPosition)
        const next = yield* store.append(fresh("Head"), ExpectedVersion.noStream, [internal.note("h3")])
        assert.isAtLeast(yield* readHead, next.lastPosition)
      }),
    )

    it.effect("readAllOfTypes: the rows of readAll, only the events of the types asked for decoded", () =>
      Effect.gen(function* () {
        const { driver, store } = yield* services
        const stream = fresh("OfTypes")
        const start = yield* internal.mark(driver, fresh("Mark"))
        // A row of a type the catalogue does not know: readAll fails on it, a reader of other types skips it.
        yield* driver.append(stream, ExpectedVersion.noStream, [
          internal.encodedNote("t1"),
          { ...internal.encodedNote("t2"), type: "Vanished" },
          internal.encodedNote("t3"),
        ])
        const rows = (yield* internal.readAllAfter(driver, start)).filter((r) => r.streamName === stream)
        assert.strictEqual(rows.length, 3)
        assert.deepInclude(yield* Effect.flip(store.readAll(start, 1_000)), { reason: "Decode" })
        const page = yield* store.readAllOfTypes(start, 1_000, new Set(["Noted"]))
        const mine = page.events.filter((r) => r.streamName === stream)
        assert.deepStrictEqual(
          mine.map((r) => [(r.event as internal.Noted).id, r.position, r.streamVersion]),
          [
            ["t1", rows[0]!.position, 1],
            ["t3", rows[2]!.position, 3],
          ],
        )
        const all = yield* internal.readAllAfter(driver, start)
        assert.deepStrictEqual(
          { rows: page.rows, lastPosition: page.lastPosition },
          {
            rows: all.length,
            lastPosition: all.at(-1)!.position,
          },
        )
        // A page is `limit` rows, whatever their types; past the end, none.
        const first = yield* store.readAllOfTypes(start, 2, new Set(["Noted"]))
        assert.deepStrictEqual(
          { rows: first.rows, lastPosition: first.lastPosition },
          {
            rows: 2,
            lastPosition: all[1]!.position,
          },
        )
        assert.deepStrictEqual(yield* store.readAllOfTypes(page.lastPosition, 10, new Set(["Noted"])), {
          events: [],
          rows: 0,
          lastPosition: page.lastPosition,
        })
      }),
    )

    it.effect("a reader never sees a position below one it has seen, while writers run concurrently", () =>
      Effect.gen(function* () {
        const { driver } = yield* services
        const writers = Array.from({ length: concurrency }, () => fresh("Reader"))
        const mine = new Set<string>(writers)
        const start = yield* internal.mark(driver, fresh("Mark"))
        let done = false
        const seen: Array<number> = []
        const poll = (after: number) =>
          Effect.map(driver.readAll(after, 7), (page) => {
            for (const row of page) {
              const last = seen[seen.length - 1]
              if (last !== undefined) assert.isAbove(row.position, last, "a reader went back in the log")
              seen.push(row.position)
            }
            return page[page.length - 1]?.position ?? after
          })
        const reader = Effect.gen(function* () {
          let after = start
          while (!done) {
            after = yield* poll(after)
            yield* Effect.yieldNow()
          }
          // Drain: everything acknowledged is now in the log.
          let previous = -1
          while (previous !== after) {
            previous = after
            after = yield* poll(after)
          }
        })
        const write = Effect.forEach(
          writers,
          (stream, w) =>
            Effect.forEach(
              Array.from({ length: 15 }, (_, i) => i),
              // Half the writers expect an exact version, half any: adapters may take different paths.
              (i) =>
                driver.append(stream, w % 2 === 0 ? ExpectedVersion.exact(i) : ExpectedVersion.any, [
                  internal.encodedNote(`w${w}e${i}`),
                ]),
              { discard: true },
            ),
          { concurrency: "unbounded", discard: true },
        ).pipe(Effect.ensuring(Effect.sync(() => (done = true))))
        yield* Effect.all([reader, write], { concurrency: 2, discard: true })
        const all = yield* internal.readAllAfter(driver, start)
        assert.deepStrictEqual(
          seen,
          all.map((r) => r.position),
          "the reader skipped events a later read returned",
        )
        assert.strictEqual(all.filter((r) => mine.has(r.streamName)).length, writers.length * 15)
      }),
    )

    it.effect("readAll pages: any page size gives the same events, none above the limit", () =>
      Effect.gen(function* () {
        const { driver } = yield* services
        const streams = [fresh("PageA"), fresh("PageB"), fresh("PageC")]
        const mine = new Set<string>(streams)
        const start = yield* internal.mark(driver, fresh("Mark"))
        for (let i = 0; i < 23; i += 3) {
          const batch = Array.from({ length: Math.min(3, 23 - i) }, (_, j) => internal.encodedNote(`p${i + j}`))
          yield* driver.append(streams[i % 3]!, ExpectedVersion.any, batch)
        }
        const reference = (yield* internal.readAllAfter(driver, start, 1_000)).filter((r) => mine.has(r.streamName))
        assert.deepStrictEqual(
          reference.map(internal.idOf),
          Array.from({ length: 23 }, (_, i) => `p${i}`),
        )
        for (const size of [1, 4, 23, 100]) {
          const paged = (yield* internal.readAllAfter(driver, start, size)).filter((r) => mine.has(r.streamName))
          assert.deepStrictEqual(paged, reference, `page size ${size}`)
          assert.isAtMost((yield* driver.readAll(start, size)).length, size)
        }
        assert.deepStrictEqual(yield* driver.readAll(start, 0), [])
        assert.deepStrictEqual(yield* driver.readAll(Number.MAX_SAFE_INTEGER - 1, 10), [])
        const first = reference[0]!
        const next = yield* driver.readAll(first.position, 1)
        assert.strictEqual(next.length, 1)
        assert.isAbove(next[0]!.position, first.position)
      }),
    )

    it.effect("tombstones: the stream can be neither read nor appended to, its events stay in readAll", () =>
      Effect.gen(function* () {
        const { store, driver } = yield* services
        const stream = fresh("Tomb")
        const neighbour = fresh("TombNeighbour")
        const start = yield* internal.mark(driver, fresh("Mark"))
        yield* store.append(stream, ExpectedVersion.noStream, [internal.note("t1"), internal.note("t2")])
        yield* store.append(neighbour, ExpectedVersion.noStream, [internal.note("n1")])
        yield* store.tombstone(stream)
        assert.deepStrictEqual(yield* store.streamInfo(stream), { version: 2, tombstoned: true })
        for (const after of [0, 1, 2, 5]) {
          const error = yield* Effect.flip(store.readStream(stream, after))
          assert.deepInclude(error, { _tag: "EventStoreError", reason: "StreamTombstoned", streamName: stream })
        }
        const appends: ReadonlyArray<ExpectedVersion.ExpectedVersion> = [
          ExpectedVersion.any,
          ExpectedVersion.exact(2),
          // The version of the tombstone's own row, one past the stream's last event.
          ExpectedVersion.exact(3),
          ExpectedVersion.noStream,
        ]
        for (const expected of appends) {
          const error = yield* Effect.flip(store.append(stream, expected, [internal.note("after")]))
          assert.deepInclude(error, { _tag: "EventStoreError", reason: "StreamTombstoned", streamName: stream })
        }
        yield* store.tombstone(stream)
        assert.deepStrictEqual(yield* store.streamInfo(stream), { version: 2, tombstoned: true })
        assert.deepStrictEqual(yield* store.streamInfo(neighbour), { version: 1, tombstoned: false })
        assert.strictEqual((yield* store.readStream(neighbour)).length, 1)
        const all = (yield* internal.readAllAfter(driver, start)).filter(
          (r) => r.streamName === stream || r.streamName === neighbour,
        )
        assert.deepStrictEqual(all.map(internal.idOf), ["t1", "t2", "n1"])

        const never = fresh("TombNever")
        yield* store.tombstone(never)
        assert.deepStrictEqual(yield* store.streamInfo(never), { version: 0, tombstoned: true })
        const error = yield* Effect.flip(store.append(never, ExpectedVersion.noStream, [internal.note("x")]))
        assert.deepInclude(error, { reason: "StreamTombstoned" })
        const read = yield* Effect.flip(store.readStream(never))
        assert.deepInclude(read, { reason: "StreamTombstoned" })
      }),
    )

    it.effect(`large payloads (${largePayload.toLocaleString("en")} characters) round-trip unchanged`, () =>
      Effect.gen(function* () {
        const { store } = yield* services
        const stream = fresh("Large")
        const big = `${"x".repeat(largePayload - 16)}é😀中文עברית\u0000end`
        const quarter = "q".repeat(Math.floor(largePayload / 4))
        yield* store.append(stream, ExpectedVersion.noStream, [internal.note("big", big)])
        yield* store.append(stream, ExpectedVersion.exact(1), [
          internal.note("q1", quarter),
          internal.note("q2", quarter),
          internal.note("q3", quarter),
        ])
        const read = yield* store.readStream(stream)
        assert.strictEqual(read.length, 4)
        const texts = read.map((r) => (r.event as internal.Noted).text)
        assert.isTrue(texts[0] === big, "the large payload came back altered")
        assert.isTrue(
          texts.slice(1).every((t) => t === quarter),
          "a payload of the batch came back altered",
        )
      }),
    )

    it.effect("unicode round-trips in data, metadata and stream names (accents, emoji, CJK, RTL, controls)", () =>
      Effect.gen(function* () {
        const { store, driver } = yield* services
        const stream = StreamName.make("Conformance", `${fresh("Unicode")}-élève-😀-中文-עברית`)
        const start = yield* internal.mark(driver, fresh("Mark"))
        const events: ReadonlyArray<NewEvent> = internal.unicodeTexts.map((text, i) => ({
          event: internal.Noted.make({ id: `u${i}`, text }),
          metadata: { ...internal.metadata, actor: text },
        }))
        yield* store.append(stream, ExpectedVersion.noStream, events)
        const read = yield* store.readStream(stream)
        assert.deepStrictEqual(
          read.map((r) => (r.event as internal.Noted).text),
          internal.unicodeTexts,
        )
        assert.deepStrictEqual(
          read.map((r) => r.metadata.actor),
          [...internal.unicodeTexts],
        )
        assert.deepStrictEqual(yield* store.streamInfo(stream), {
          version: internal.unicodeTexts.length,
          tombstoned: false,
        })
        const all = (yield* store.readAll(start, 1_000)).filter((r) => r.streamName === stream)
        assert.deepStrictEqual(
          all.map((r) => (r.event as internal.Noted).text),
          internal.unicodeTexts,
        )
      }),
    )

    it.effect(
      "an event that does not encode fails with Encode naming the field, and nothing of its batch is appended",
      () =>
        Effect.gen(function* () {
          const { store } = yield* services
          const stream = fresh("Encode")
          const bad = { event: internal.Scored.make({ id: "s", score: 25 }, true), metadata: internal.metadata }
          const error = yield* Effect.flip(
            store.append(stream, ExpectedVersion.noStream, [internal.note("1"), bad, internal.note("3")]),
          )
          assert.deepInclude(error, { _tag: "EventStoreError", reason: "Encode" })
          assert.include(error.message, "Scored")
          assert.include(error.message, "score")
          assert.deepStrictEqual(yield* store.streamInfo(stream), { version: 0, tombstoned: false })
          assert.deepStrictEqual(yield* store.readStream(stream), [])

          yield* store.append(stream, ExpectedVersion.noStream, [internal.note("1"), internal.note("2")])
          yield* Effect.flip(store.append(stream, ExpectedVersion.exact(2), [internal.note("3"), bad]))
          const unknown = yield* Effect.flip(
            store.append(stream, ExpectedVersion.exact(2), [
              { event: { _tag: "NotInCatalogue" }, metadata: internal.metadata },
            ]),
          )
          assert.deepInclude(unknown, { reason: "Encode" })
          assert.include(unknown.message, "NotInCatalogue")
          assert.deepStrictEqual(yield* store.streamInfo(stream), { version: 2, tombstoned: false })
          assert.strictEqual(
            (yield* store.append(stream, ExpectedVersion.exact(2), [internal.note("3")])).streamVersion,
            3,
          )
        }),
    )

    it.effect("a crash mid-batch (its Nth row breaks a constraint) leaves nothing of the batch visible", () =>
      Effect.gen(function* () {
        const { driver } = yield* services
        const stream = fresh("Crash")
        const start = yield* internal.mark(driver, fresh("Mark"))
        yield* driver.append(stream, ExpectedVersion.noStream, [internal.encodedNote("c1")])
        const broken = [
          [internal.encodedNote("c2"), internal.encodedNote("c3"), { ...internal.encodedNote("c4"), schemaVersion: 0 }],
          [internal.encodedNote("c2"), { ...internal.encodedNote("c3"), type: "" }, internal.encodedNote("c4")],
        ]
        for (const batch of broken) {
          for (const expected of [ExpectedVersion.any, ExpectedVersion.exact(1)]) {
            const error = yield* Effect.flip(driver.append(stream, expected, batch))
            assert.strictEqual(error._tag, "EventStoreError")
            assert.deepStrictEqual(yield* driver.streamInfo(stream), { version: 1, tombstoned: false })
            assert.deepStrictEqual((yield* driver.readStream(stream, 0)).map(internal.idOf), ["c1"])
          }
        }
        const after = yield* driver.append(stream, ExpectedVersion.exact(1), [internal.encodedNote("c2")])
        assert.strictEqual(after.streamVersion, 2)
        const all = (yield* internal.readAllAfter(driver, start)).filter((r) => r.streamName === stream)
        assert.deepStrictEqual(all.map(internal.idOf), ["c1", "c2"])
      }),
    )

    it.effect("a batch of 2,500 events is as atomic as a small one (adapters may split it into statements)", () =>
      Effect.gen(function* () {
        const { driver } = yield* services
        const size = 2_500
        const batch = (prefix: string) => Array.from({ length: size }, (_, i) => internal.encodedNote(`${prefix}${i}`))
        const broken = fresh("HugeBroken")
        const bad = batch("x")
        bad[size - 1] = { ...bad[size - 1]!, schemaVersion: 0 }
        const error = yield* Effect.flip(driver.append(broken, ExpectedVersion.noStream, bad))
        assert.strictEqual(error._tag, "EventStoreError")
        assert.deepStrictEqual(yield* driver.streamInfo(broken), { version: 0, tombstoned: false })
        assert.deepStrictEqual(yield* driver.readStream(broken, 0), [])

        const stream = fresh("Huge")
        yield* driver.append(stream, ExpectedVersion.noStream, [internal.encodedNote("first")])
        const result = yield* driver.append(stream, ExpectedVersion.exact(1), batch("h"))
        assert.strictEqual(result.streamVersion, size + 1)
        const rows = yield* driver.readStream(stream, 0)
        assert.strictEqual(rows.length, size + 1)
        assert.isTrue(
          rows.every((r, i) => r.streamVersion === i + 1 && (i === 0 || r.position > rows[i - 1]!.position)),
          "versions or positions out of order",
        )
        assert.strictEqual(rows[size]!.position, result.lastPosition)
        assert.strictEqual(internal.idOf(rows[size]!), `h${size - 1}`)
        const conflict = yield* Effect.flip(driver.append(stream, ExpectedVersion.exact(1), batch("late")))
        assert.deepInclude(conflict, { _tag: "ConcurrencyConflict", actual: size + 1 })
      }),
    )

    it.effect.prop(
      "random interleavings of appends: readAll gives every acknowledged event once, in an order each stream agrees with",
      [
        FastCheck.array(
          FastCheck.record({
            stream: FastCheck.integer({ min: 0, max: 3 }),
            size: FastCheck.integer({ min: 1, max: 4 }),
            expect: FastCheck.constantFrom("any", "exact", "noStream"),
          }),
          { minLength: 1, maxLength: 24 },
        ),
        FastCheck.integer({ min: 1, max: 6 }),
      ],
      ([ops, parallelism]) =>
        Effect.gen(function* () {
          const { driver } = yield* services
          const streams = Array.from({ length: 4 }, () => fresh("Prop"))
          const mine = new Set<string>(streams)
          const start = yield* internal.mark(driver, fresh("Mark"))
          const outcomes = yield* Effect.forEach(
            ops,
            (op, i) =>
              Effect.gen(function* () {
                const stream = streams[op.stream]!
                const expected =
                  op.expect === "any"
                    ? ExpectedVersion.any
                    : op.expect === "noStream"
                      ? ExpectedVersion.noStream
                      : ExpectedVersion.exact((yield* driver.streamInfo(stream)).version)
                const ids = Array.from({ length: op.size }, (_, j) => `o${i}e${j}`)
                const result = yield* Effect.either(
                  driver.append(
                    stream,
                    expected,
                    ids.map((id) => internal.encodedNote(id)),
                  ),
                )
                return { stream, ids, result }
              }),
            { concurrency: parallelism },
          )
          for (const { result } of outcomes) {
            if (Either.isLeft(result)) assert.strictEqual(result.left._tag, "ConcurrencyConflict", result.left.message)
          }
          const acknowledged = outcomes.flatMap((o) => (Either.isRight(o.result) ? [o] : []))
          const rows = (yield* internal.readAllAfter(driver, start, 5)).filter((r) => mine.has(r.streamName))
          const ids = rows.map(internal.idOf)
          assert.deepStrictEqual(
            [...ids].sort(),
            acknowledged.flatMap((o) => o.ids).sort(),
            "readAll and the acknowledged appends differ",
          )
          assert.isTrue(
            rows.every((r, i) => i === 0 || r.position > rows[i - 1]!.position),
            "positions not increasing",
          )
          for (const stream of streams) {
            const ofStream = rows.filter((r) => r.streamName === stream)
            assert.deepStrictEqual(
              ofStream.map((r) => r.streamVersion),
              ofStream.map((_, i) => i + 1),
            )
            assert.deepStrictEqual(yield* driver.readStream(stream, 0), ofStream)
          }
          const byId = new Map(rows.map((r) => [internal.idOf(r), r]))
          for (const o of acknowledged) {
            if (Either.isLeft(o.result)) continue
            const acknowledgement = o.result.right
            const batch = o.ids.map((id) => byId.get(id)!)
            assert.deepStrictEqual(
              batch.map((r) => r.streamVersion),
              batch.map((_, j) => acknowledgement.streamVersion - batch.length + 1 + j),
              "a batch is not contiguous",
            )
            assert.strictEqual(batch[batch.length - 1]!.position, acknowledgement.lastPosition)
          }
        }),
      { fastCheck: { numRuns } },
    )

    it.effect("a stored row that does not decode fails with Decode, naming the event, the field and where it is", () =>
      Effect.gen(function* () {
        const { store, driver } = yield* services
        const stream = fresh("Decode")
        const start = yield* internal.mark(driver, fresh("Mark"))
        yield* driver.append(stream, ExpectedVersion.noStream, [
          internal.encodedNote("d1"),
          { ...internal.encodedNote("d2"), data: JSON.stringify({ _tag: "Noted", id: "d2", text: 42 }) },
        ])
        const error = yield* Effect.flip(store.readStream(stream))
        assert.deepInclude(error, { _tag: "EventStoreError", reason: "Decode", streamName: stream })
        assert.include(error.message, "Noted")
        assert.include(error.message, "text")
        assert.include(error.message, "version 2")

        const others: ReadonlyArray<readonly [string, Partial<EncodedEvent>]> = [
          ["Vanished", { type: "Vanished" }],
          ["JSON", { data: "{not json" }],
          ["Metadata", { metadata: JSON.stringify({ occurredAt: "yesterday" }) }],
          ["newer", { schemaVersion: 7 }],
        ]
        for (const [expected, patch] of others) {
          const other = fresh("Decode")
          yield* driver.append(other, ExpectedVersion.noStream, [{ ...internal.encodedNote("x"), ...patch }])
          const failure = yield* Effect.flip(store.readStream(other))
          assert.deepInclude(failure, { reason: "Decode" })
          assert.include(failure.message, expected)
        }
        const all = yield* Effect.flip(store.readAll(start, 1_000))
        assert.deepInclude(all, { reason: "Decode" })
      }),
    )

    InputConformance.cases(it, fresh, numRuns)
  })
}

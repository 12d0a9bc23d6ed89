/**
 * The reader guarantee on PostgreSQL without a global append lock (issue 11,
 * docs/operations.md "Global order on PostgreSQL"): a reader that passed position
 * N never later gets an event below N, while writers on their own connections
 * commit in any order, inside the caller's transactions or not.
 */
import type { EncodedEvent, StoredEvent } from "@cartable/eventlog/EventStoreDriver"
import { EventStoreDriver } from "@cartable/eventlog/EventStoreDriver"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { describeWithServer, layerWithDatabase } from "./TestDatabase.ts"

const note = (id: string): EncodedEvent => ({
  type: "Noted",
  schemaVersion: 1,
  data: JSON.stringify({ _tag: "Noted", id, text: `note ${id}` }),
  metadata: "{}",
})

const idOf = (row: StoredEvent): string => (JSON.parse(row.data) as { readonly id: string }).id

/** Every event after `after`, page by page, as a consumer reads them. */
const readAllAfter = (after: number, pageSize = 100) =>
  Effect.gen(function* () {
    const driver = yield* EventStoreDriver
    const rows: Array<StoredEvent> = []
    let position = after
    for (;;) {
      const page = yield* driver.readAll(position, pageSize)
      rows.push(...page)
      if (page.length < pageSize) return rows
      position = page[page.length - 1]!.position
    }
  })

/** The positions after `after` that the two rules this store does not use would hand a reader now. */
const otherRules = (after: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const plain = yield* sql<{ readonly position: string }>`
      SELECT position FROM cartable_events WHERE position > ${after} ORDER BY position`
    // The transaction-id rule, on the system column xmin (the inserting transaction's id;
    // its epoch is 0 on a test cluster).
    const xid = yield* sql<{ readonly position: string }>`
      SELECT position FROM cartable_events WHERE position > ${after}
      AND xmin::text::bigint < pg_snapshot_xmin(pg_current_snapshot())::text::bigint ORDER BY position`
    return { plain: plain.map((r) => Number(r.position)), xid: xid.map((r) => Number(r.position)) }
  })

const store = (server: string) =>
  layerWithDatabase(server, (url) => PostgresEventStore.layerDriver({ url, maxConnections: 16 }))

/** A small seeded generator (mulberry32), so that a failing run can be replayed from its seed. */
const random = (seed: number) => {
  let a = seed >>> 0
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describeWithServer("PostgreSQL: global order with parallel appends", (server) => {
  it.live("a transaction in flight holds readers below its position; they get both events once it commits", () =>
    Effect.gen(function* () {
      const driver = yield* EventStoreDriver
      const sql = yield* SqlClient.SqlClient
      const mark = (yield* driver.append(StreamName.make("Mark", "1"), ExpectedVersion.noStream, [note("mark")]))
        .lastPosition
      const appended = yield* Deferred.make<number>()
      const release = yield* Deferred.make<void>()
      const slow = yield* Effect.fork(
        sql.withTransaction(
          Effect.gen(function* () {
            const result = yield* driver.append(StreamName.make("Slow", "1"), ExpectedVersion.noStream, [note("slow")])
            yield* Deferred.succeed(appended, result.lastPosition)
            yield* Deferred.await(release)
          }),
        ),
      )
      const slowPosition = yield* Deferred.await(appended)
      const fast = yield* driver.append(StreamName.make("Fast", "1"), ExpectedVersion.noStream, [note("fast")])
      assert.isAbove(fast.lastPosition, slowPosition)
      assert.deepStrictEqual(yield* driver.readAll(mark, 10), [], "a reader passed a position still in flight")
      // The plain rule hands the later position out already: a reader would skip the slow event.
      assert.deepStrictEqual((yield* otherRules(mark)).plain, [fast.lastPosition])
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(slow)
      assert.deepStrictEqual((yield* driver.readAll(mark, 10)).map(idOf), ["slow", "fast"])
    }).pipe(Effect.provide(store(server))),
  )

  it.live("a writer that took its transaction id first and its position last holds readers too", () =>
    Effect.gen(function* () {
      const driver = yield* EventStoreDriver
      const sql = yield* SqlClient.SqlClient
      const mark = (yield* driver.append(StreamName.make("Mark", "1"), ExpectedVersion.noStream, [note("mark")]))
        .lastPosition
      const earlyHasId = yield* Deferred.make<void>()
      const earlyGo = yield* Deferred.make<void>()
      const lateAppended = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      // Takes its transaction id (a read-model write would) before the other writer, its position after.
      const early = yield* Effect.fork(
        sql.withTransaction(
          Effect.gen(function* () {
            yield* sql`SELECT pg_current_xact_id()`
            yield* Deferred.succeed(earlyHasId, undefined)
            yield* Deferred.await(earlyGo)
            return yield* driver.append(StreamName.make("Early", "1"), ExpectedVersion.noStream, [note("early")])
          }),
        ),
      )
      const late = yield* Effect.fork(
        sql.withTransaction(
          Effect.gen(function* () {
            yield* Deferred.await(earlyHasId)
            const result = yield* driver.append(StreamName.make("Late", "1"), ExpectedVersion.noStream, [note("late")])
            yield* Deferred.succeed(lateAppended, undefined)
            yield* Deferred.await(release)
            return result
          }),
        ),
      )
      yield* Deferred.await(lateAppended)
      yield* Deferred.succeed(earlyGo, undefined)
      const earlyResult = yield* Fiber.join(early)
      assert.deepStrictEqual(yield* driver.readAll(mark, 10), [], "a reader passed a position still in flight")
      // Both other rules hand out the early writer's position, above the late writer's: a skip.
      const others = yield* otherRules(mark)
      assert.deepStrictEqual(others.plain, [earlyResult.lastPosition])
      assert.deepStrictEqual(others.xid, [earlyResult.lastPosition])
      yield* Deferred.succeed(release, undefined)
      const lateResult = yield* Fiber.join(late)
      assert.isBelow(lateResult.lastPosition, earlyResult.lastPosition)
      assert.deepStrictEqual((yield* driver.readAll(mark, 10)).map(idOf), ["late", "early"])
    }).pipe(Effect.provide(store(server))),
  )

  it.live(
    "concurrent writers (random batches, late commits, rollbacks) and a tailing reader: every event once, in order",
    () =>
      Effect.gen(function* () {
        const driver = yield* EventStoreDriver
        const sql = yield* SqlClient.SqlClient
        const seed = Date.now() % 1_000_000
        const next = random(seed)
        const pick = (n: number) => Math.floor(next() * n)
        const WRITERS = 6
        const ROUNDS = 30
        const committed = new Set<string>()
        const rolledBack = new Set<string>()
        let done = false

        // One writer: its own stream, an exact expectation, on a connection of its own each time.
        const writer = (w: number) =>
          Effect.gen(function* () {
            const stream = StreamName.make("Writer", String(w))
            let version = 0
            for (let round = 0; round < ROUNDS; round++) {
              const ids = Array.from({ length: 1 + pick(6) }, (_, i) => `w${w}r${round}e${i}`)
              const append = driver.append(stream, ExpectedVersion.exact(version), ids.map(note))
              const kind = pick(10)
              if (kind < 4) {
                yield* append
              } else if (kind < 9) {
                // A long transaction committing late, with its transaction id taken first or not.
                yield* sql.withTransaction(
                  Effect.gen(function* () {
                    if (kind % 2 === 0) yield* sql`SELECT pg_current_xact_id()`
                    yield* Effect.sleep(pick(30))
                    yield* append
                    yield* Effect.sleep(pick(60))
                  }),
                )
              } else {
                const failed = yield* sql
                  .withTransaction(
                    Effect.zipRight(Effect.zipRight(append, Effect.sleep(pick(30))), Effect.fail("rollback" as const)),
                  )
                  .pipe(Effect.flip)
                assert.strictEqual(failed, "rollback")
                for (const id of ids) rolledBack.add(id)
                continue
              }
              version += ids.length
              for (const id of ids) committed.add(id)
            }
          })

        const seen: Array<StoredEvent> = []
        const poll = (after: number) =>
          Effect.map(driver.readAll(after, 7), (page) => {
            for (const row of page) {
              const last = seen[seen.length - 1]
              if (last !== undefined) {
                assert.isAbove(row.position, last.position, `a reader went back in the log (seed ${seed})`)
              }
              seen.push(row)
            }
            return page[page.length - 1]?.position ?? after
          })
        const reader = Effect.gen(function* () {
          let after = 0
          while (!done) {
            after = yield* poll(after)
            yield* Effect.sleep(pick(3))
          }
          let previous = -1
          while (previous !== after) {
            previous = after
            after = yield* poll(after)
          }
        })
        const writers = Effect.forEach(
          Array.from({ length: WRITERS }, (_, w) => w),
          writer,
          { concurrency: "unbounded", discard: true },
        ).pipe(Effect.ensuring(Effect.sync(() => (done = true))))
        yield* Effect.all([reader, writers], { concurrency: 2, discard: true })

        const ids = seen.map(idOf)
        assert.strictEqual(new Set(ids).size, ids.length, `an event was read twice (seed ${seed})`)
        assert.deepStrictEqual(
          new Set(ids),
          committed,
          `the reader did not see every committed event, and only those (seed ${seed})`,
        )
        assert.isFalse(
          ids.some((id) => rolledBack.has(id)),
          `a rolled-back event was read (seed ${seed})`,
        )
        assert.deepStrictEqual(
          seen.map((r) => r.position),
          (yield* readAllAfter(0)).map((r) => r.position),
          `the reader skipped events a later read returned (seed ${seed})`,
        )
      }).pipe(Effect.provide(store(server))),
    120_000,
  )

  it.live("an append inside the caller's transaction runs on its connection, and fails with it: no event", () =>
    Effect.gen(function* () {
      const driver = yield* EventStoreDriver
      const sql = yield* SqlClient.SqlClient
      const stream = StreamName.make("Inline", "1")
      const kept = StreamName.make("Inline", "2")
      const failed = yield* sql
        .withTransaction(
          Effect.gen(function* () {
            const result = yield* driver.append(stream, ExpectedVersion.noStream, [note("a"), note("b")])
            assert.strictEqual(result.streamVersion, 2)
            // The transaction's own connection sees its uncommitted events; another connection does not.
            assert.strictEqual((yield* driver.readStream(stream, 0)).length, 2)
            const outside = yield* driver
              .streamInfo(stream)
              .pipe(
                Effect.mapInputContext((context: Context.Context<never>) =>
                  Context.omit(SqlClient.TransactionConnection)(context),
                ),
              )
            return yield* Effect.fail({ _tag: "RolledBack" as const, outside })
          }),
        )
        .pipe(Effect.flip)
      assert.deepStrictEqual(failed, { _tag: "RolledBack", outside: { version: 0, tombstoned: false } })
      assert.deepStrictEqual(yield* driver.streamInfo(stream), { version: 0, tombstoned: false })
      assert.deepStrictEqual((yield* readAllAfter(0)).map(idOf), [])
      // The same append committed by its transaction is there, with the stream's versions from 1.
      yield* sql.withTransaction(driver.append(kept, ExpectedVersion.noStream, [note("c")]))
      assert.deepStrictEqual((yield* readAllAfter(0)).map(idOf), ["c"])
      assert.deepStrictEqual(yield* driver.streamInfo(kept), { version: 1, tombstoned: false })
    }).pipe(Effect.provide(store(server))),
  )

  it.live("readAll refuses a REPEATABLE READ transaction, whose snapshot is older than the floors it would read", () =>
    Effect.gen(function* () {
      const driver = yield* EventStoreDriver
      const sql = yield* SqlClient.SqlClient
      yield* driver.append(StreamName.make("Read", "1"), ExpectedVersion.noStream, [note("a")])
      const error = yield* sql
        .withTransaction(Effect.zipRight(sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ`, driver.readAll(0, 10)))
        .pipe(Effect.flip)
      assert.deepInclude(error, { _tag: "EventStoreError", reason: "Unavailable" })
      assert.match(error.message, /READ COMMITTED only/)
      assert.deepStrictEqual((yield* sql.withTransaction(driver.readAll(0, 10))).map(idOf), ["a"])
    }).pipe(Effect.provide(store(server))),
  )

  it.live("a refused append inside the caller's transaction is a conflict, and the transaction goes on", () =>
    Effect.gen(function* () {
      const driver = yield* EventStoreDriver
      const sql = yield* SqlClient.SqlClient
      const stream = StreamName.make("Retried", "1")
      yield* driver.append(stream, ExpectedVersion.noStream, [note("first")])
      // A command handler may reload and decide again in the same transaction: a refusal must not abort it.
      const versions = yield* sql.withTransaction(
        Effect.gen(function* () {
          const refusals: Array<string> = []
          for (const expected of [ExpectedVersion.noStream, ExpectedVersion.exact(5)]) {
            refusals.push((yield* Effect.flip(driver.append(stream, expected, [note("stale")])))._tag)
          }
          const one = yield* driver.append(stream, ExpectedVersion.exact(1), [note("second")])
          const batch = yield* driver.append(stream, ExpectedVersion.any, [note("third"), note("fourth")])
          return { refusals, versions: [one.streamVersion, batch.streamVersion] }
        }),
      )
      assert.deepStrictEqual(versions, { refusals: ["ConcurrencyConflict", "ConcurrencyConflict"], versions: [2, 4] })
      assert.deepStrictEqual((yield* readAllAfter(0)).map(idOf), ["first", "second", "third", "fourth"])
    }).pipe(Effect.provide(store(server))),
  )
})

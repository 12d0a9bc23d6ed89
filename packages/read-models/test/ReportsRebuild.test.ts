/**
 * Rebuild equals incremental, for the report queue, the news feed and the audit
 * trail, over random histories of every aggregate, erasure included: the read
 * models kept up to date command by command (inline, or async caught up after
 * each command) equal what a rebuild from position 0 makes of the same log.
 */
import * as EventStore from "@cartable/eventlog/EventStore"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import type * as ReadModel from "@cartable/projections/ReadModel"
import * as AuditTrail from "@cartable/read-models/AuditTrail"
import * as NewsFeed from "@cartable/read-models/NewsFeed"
import * as ReportQueue from "@cartable/read-models/ReportQueue"
import * as ReportFeedHistories from "@cartable/testing/ReportFeedHistories"
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { describeWithServer, handle, live, memory, postgres, type Storage, sqlite } from "./fixtures/storage.ts"

const projections: ReadonlyArray<Projection.Projection.Any> = [
  ReportQueue.ReportQueueProjection,
  NewsFeed.FeedWithdrawals,
  NewsFeed.NewsFeedProjection,
  AuditTrail.AuditTrailProjection,
]

/** Every document of every collection of a projection, page by page (pages of 7 cross page boundaries). */
const snapshot = (projection: Projection.Projection.Any) =>
  Effect.forEach(Object.keys(projection.collections), (alias) =>
    Effect.gen(function* () {
      const reader: ReadModel.Reader<unknown, string> = yield* ProjectionRuntime.reader(projection, alias)
      const all: Array<unknown> = []
      let after: string | undefined
      do {
        const page = yield* reader.find({ limit: 7, after })
        all.push(...page.documents)
        after = page.next
      } while (after !== undefined)
      return [Projection.tableOf(projection, alias), all] as const
    }),
  )

const property = (storage: Storage) => (commands: ReadonlyArray<Parameters<typeof handle>[0]>) =>
  Effect.gen(function* () {
    const runtime = yield* ProjectionRuntime.ProjectionRuntime
    for (const command of commands) {
      yield* Effect.either(handle(command, "2025-09-15T10:00:00Z"))
      yield* runtime.catchUp()
    }
    const kept = yield* Effect.forEach(projections, snapshot)
    for (const projection of projections) yield* runtime.rebuild(projection)
    assert.deepStrictEqual(yield* Effect.forEach(projections, snapshot), kept)

    // The histories do reach what they are for: erasures, and notifications deleted by a report's handling.
    const log = yield* EventStore.EventStore.pipe(Effect.flatMap((events) => events.readAll(0, 1_000_000)))
    return {
      erasures: log.filter((r) => r.type === "AccountDataErased").length,
      withdrawals: (kept[1]?.[0]?.[1] ?? []).length,
    }
  }).pipe(
    Effect.provide(
      live(storage, {
        inline: [ReportQueue.ReportQueueProjection, NewsFeed.FeedWithdrawals],
        async: [NewsFeed.NewsFeedProjection, AuditTrail.AuditTrailProjection],
      }),
    ),
    Effect.scoped,
  )

const name =
  "BR-SIG-3 BR-ACC-9 a rebuild of the report queue, the news feed and the audit trail equals what was kept up to date, over random histories of every aggregate, erasure included"

describe("ReportQueue, NewsFeed, AuditTrail: rebuild equals incremental", () => {
  // The generator must keep reaching erasures and deletions, or the property proves little.
  const seen = { erasures: 0, withdrawals: 0 }
  afterAll(() => {
    assert.isAbove(seen.erasures, 0)
    assert.isAbove(seen.withdrawals, 0)
  })
  it.effect.prop(
    `${name} (memory)`,
    [ReportFeedHistories.commands],
    ([commands]) =>
      Effect.map(property(memory)(commands), (reached) => {
        seen.erasures += reached.erasures
        seen.withdrawals += reached.withdrawals
      }),
    { fastCheck: { numRuns: 25 } },
  )
  it.effect.prop(
    `${name} (SQLite)`,
    [ReportFeedHistories.commands],
    ([commands]) => Effect.asVoid(property(sqlite)(commands)),
    { fastCheck: { numRuns: 3 } },
  )
})

describeWithServer("ReportQueue, NewsFeed, AuditTrail on PostgreSQL: rebuild equals incremental", (server) => {
  it.effect.prop(
    `${name} (PostgreSQL)`,
    [ReportFeedHistories.commands],
    ([commands]) => Effect.asVoid(property(postgres(server))(commands)),
    { fastCheck: { numRuns: 2 } },
  )
})

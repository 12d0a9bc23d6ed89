import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Scheduler from "@cartable/managers/Scheduler"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import { accountHistory, catalog, deletions, erasures, pupilIds, setup, stack } from "./world.ts"

const pupils = pupilIds(3)

const eventually = <R>(condition: Effect.Effect<boolean, unknown, R>) =>
  Effect.gen(function* () {
    for (let i = 0; i < 500; i++) {
      if (yield* Effect.orElseSucceed(condition, () => false)) return
      yield* Effect.sleep("20 millis")
    }
    return yield* Effect.dieMessage("the condition did not hold within 10 seconds")
  })

describe("the managers on SQLite", () => {
  it.live(
    "BR-ACC-12 two runtimes with background reactors on one SQLite file delete each due account once, at its due tick, the second taking over when the first stops",
    () =>
      Effect.gen(function* () {
        const dir = yield* Effect.acquireRelease(
          Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-managers-"))),
          (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true })),
        )
        const shared = yield* Layer.build(SqliteEventStore.layer({ filename: Path.join(dir, "store.db"), catalog }))
        const runner = Effect.gen(function* () {
          const scope = yield* Scope.make()
          const context = yield* Layer.buildWithScope(
            stack(
              { deletions, erasures },
              { background: true, pollInterval: "20 millis", leaseTtl: "300 millis" },
            ).pipe(Layer.provide(Layer.succeedContext(shared))),
            scope,
          )
          return { context, scope }
        })
        const first = yield* runner
        const second = yield* runner
        const preDeletedAt = pupils.map((_, n) => DateTime.unsafeMake(Date.UTC(2026, 8, 10 + n, 8, 0, 0, n)))
        const dueAt = preDeletedAt.map((at) => DateTime.addDuration(at, Duration.days(90)))
        yield* Effect.gen(function* () {
          yield* setup(pupils)
          const feed = (yield* Workspace.Workspace).system("aaf-import")
          for (const [n, accountId] of pupils.entries()) {
            yield* feed.handle({ _tag: "PreDeleteAccount", accountId }, { occurredAt: preDeletedAt[n]! })
          }
          const scheduler = yield* Scheduler.Scheduler
          // A millisecond before the first due instant: nothing; at it: the first account only.
          yield* scheduler.tick(DateTime.subtractDuration(dueAt[0]!, Duration.millis(1)))
          yield* scheduler.tick(dueAt[0]!)
          yield* eventually(
            Effect.map(accountHistory(pupils[0]!), (history) => history.some((e) => e.type === "AccountDeleted")),
          )
        }).pipe(Effect.provide(first.context))
        // The first runtime stops; the second takes the reactors' leases over and goes on from their checkpoints.
        yield* Scope.close(first.scope, Exit.void)
        yield* Effect.gen(function* () {
          const scheduler = yield* Scheduler.Scheduler
          yield* scheduler.tick(dueAt[2]!)
          yield* eventually(
            Effect.map(accountHistory(pupils[2]!), (history) => history.some((e) => e.type === "AccountDeleted")),
          )
          for (const [n, accountId] of pupils.entries()) {
            const deleted = (yield* accountHistory(accountId)).filter((e) => e.type === "AccountDeleted")
            assert.deepStrictEqual(
              deleted.map((e) => DateTime.formatIso(e.at)),
              [DateTime.formatIso(n === 0 ? dueAt[0]! : dueAt[2]!)],
              accountId,
            )
          }
        }).pipe(Effect.provide(second.context))
        yield* Scope.close(second.scope, Exit.void)
      }).pipe(Effect.scoped),
  )
})

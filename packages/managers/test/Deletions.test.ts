import * as EventStore from "@cartable/eventlog/EventStore"
import * as ClockTick from "@cartable/managers/ClockTick"
import * as Scheduler from "@cartable/managers/Scheduler"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as Reactor from "@cartable/projections/Reactor"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import { accountHistory, deletions, erasures, memory, pupilIds, setup, stack, start } from "./world.ts"

const DAY = 86_400_000
const NINETY_DAYS = 90 * DAY
// A school year: from 1 September to the summer holidays, 306 daily ticks.
const YEAR_DAYS = 306
const pupils = pupilIds(4)

type Runner = Context.Context<
  Layer.Layer.Success<ReturnType<typeof stack>> | Layer.Layer.Success<ReturnType<typeof memory>>
>

/** The shared storage and runners built over it, each in its own scope (closing it stops that runner). */
const runnerOver = (shared: Context.Context<Layer.Layer.Success<ReturnType<typeof memory>>>) =>
  Effect.gen(function* () {
    const scope = yield* Scope.make()
    const context = yield* Layer.buildWithScope(
      stack({ deletions, erasures }).pipe(Layer.provide(Layer.succeedContext(shared))),
      scope,
    )
    return { context: Context.merge(shared, context) as Runner, scope }
  })

describe("Deletions", () => {
  it.effect(
    "BR-ACC-12 a pre-deleted account is deleted at exactly its pre-deletion plus 90 days, not a millisecond before",
    () =>
      Effect.gen(function* () {
        const shared = yield* Layer.build(memory())
        const { context } = yield* runnerOver(shared)
        yield* Effect.gen(function* () {
          yield* setup(["pupil-1"])
          const feed = (yield* Workspace.Workspace).system("aaf-import")
          const preDeletedAt = DateTime.unsafeMake("2026-09-14T10:42:17.123Z")
          yield* feed.handle({ _tag: "PreDeleteAccount", accountId: "pupil-1" }, { occurredAt: preDeletedAt })
          const scheduler = yield* Scheduler.Scheduler
          const runtime = yield* ProjectionRuntime.ProjectionRuntime
          const due = DateTime.addDuration(preDeletedAt, Duration.days(90))
          assert.strictEqual(DateTime.formatIso(due), "2026-12-13T10:42:17.123Z")
          yield* scheduler.tick(DateTime.subtractDuration(due, Duration.millis(1)))
          yield* runtime.catchUpReactor("deletions")
          assert.deepStrictEqual(
            (yield* accountHistory("pupil-1")).map((e) => e.type),
            ["AccountProvisioned", "AccountPreDeleted"],
          )
          yield* scheduler.tick(due)
          yield* runtime.catchUpReactor("deletions")
          const history = yield* accountHistory("pupil-1")
          const deleted = history[2]!
          assert.strictEqual(deleted.type, "AccountDeleted")
          assert.isTrue(DateTime.Equivalence(deleted.at, due))
          assert.strictEqual(deleted.recorded.metadata.actor, "system:account-lifecycle")
          assert.strictEqual(
            deleted.recorded.metadata.causationId,
            `deletions:pupil-1:${history[1]!.recorded.position}`,
          )
          // A tick at the same instant again records nothing; a later one deletes nothing more.
          assert.isFalse(yield* scheduler.tick(due))
          yield* scheduler.tick(DateTime.addDuration(due, Duration.days(1)))
          yield* runtime.catchUpReactor("deletions")
          assert.strictEqual((yield* accountHistory("pupil-1")).length, 3)
        }).pipe(Effect.provide(context))
      }).pipe(Effect.scoped),
  )

  it.effect("BR-ACC-12 a restored account is not deleted; a second pre-deletion counts its own 90 days", () =>
    Effect.gen(function* () {
      const shared = yield* Layer.build(memory())
      const { context } = yield* runnerOver(shared)
      yield* Effect.gen(function* () {
        yield* setup(["pupil-1"])
        const feed = (yield* Workspace.Workspace).system("aaf-import")
        const scheduler = yield* Scheduler.Scheduler
        const runtime = yield* ProjectionRuntime.ProjectionRuntime
        const at = (iso: string) => ({ occurredAt: DateTime.unsafeMake(iso) })
        yield* feed.handle({ _tag: "PreDeleteAccount", accountId: "pupil-1" }, at("2026-09-02T00:00:00Z"))
        const due = yield* ProjectionRuntime.reader(deletions.projection, "due")
        assert.strictEqual(DateTime.formatIso((yield* due.get("pupil-1"))!.due), "2026-12-01T00:00:00.000Z")
        yield* feed.handle({ _tag: "RestoreAccount", accountId: "pupil-1" }, at("2026-10-01T00:00:00Z"))
        // Restored: no longer due (the Account would refuse its deletion anyway).
        assert.isUndefined(yield* due.get("pupil-1"))
        yield* feed.handle({ _tag: "PreDeleteAccount", accountId: "pupil-1" }, at("2026-11-01T00:00:00Z"))
        // The first pre-deletion's due instant passes: the account was restored since.
        yield* scheduler.tick(DateTime.unsafeMake("2026-12-01T00:00:00Z"))
        yield* runtime.catchUpReactor("deletions")
        assert.strictEqual((yield* accountHistory("pupil-1")).length, 4)
        yield* scheduler.tick(DateTime.unsafeMake("2027-01-30T00:00:00Z"))
        yield* runtime.catchUpReactor("deletions")
        const history = yield* accountHistory("pupil-1")
        assert.deepStrictEqual(
          history.map((e) => [e.type, DateTime.formatIso(e.at)]),
          [
            ["AccountProvisioned", "2026-09-01T00:00:00.000Z"],
            ["AccountPreDeleted", "2026-09-02T00:00:00.000Z"],
            ["AccountRestored", "2026-10-01T00:00:00.000Z"],
            ["AccountPreDeleted", "2026-11-01T00:00:00.000Z"],
            ["AccountDeleted", "2027-01-30T00:00:00.000Z"],
          ],
        )
      }).pipe(Effect.provide(context))
    }).pipe(Effect.scoped),
  )

  // The oracle, from DOMAIN.md (BR-ACC-12: pre-deletion, restoration; BR-ACC-9: deletion follows
  // pre-deletion) and the configured delay: at each tick, every account pre-deleted (and not restored
  // since) for 90 days or more is deleted, at that tick's instant. Written without the code's read model.
  type Step = { readonly at: number; readonly account: number; readonly kind: "pre" | "restore" }
  const oracle = (steps: ReadonlyArray<Step>, ticks: ReadonlyArray<number>) => {
    const state = pupils.map(() => ({
      preAt: undefined as number | undefined,
      deletedAt: undefined as number | undefined,
    }))
    const events: Array<{ at: number; apply: () => void }> = [
      ...ticks.map((tick) => ({
        at: tick,
        apply: () => {
          for (const account of state) {
            if (account.preAt !== undefined && account.deletedAt === undefined && account.preAt + NINETY_DAYS <= tick) {
              account.deletedAt = tick
            }
          }
        },
      })),
      ...steps.map((step) => ({
        // Just after a tick at the same instant.
        at: step.at + 0.5,
        apply: () => {
          const account = state[step.account]!
          if (account.deletedAt !== undefined) return
          if (step.kind === "pre" && account.preAt === undefined) account.preAt = step.at
          if (step.kind === "restore") account.preAt = undefined
        },
      })),
    ]
    for (const event of events.sort((a, b) => a.at - b.at)) event.apply()
    return state.map((account) => account.deletedAt)
  }

  const stepArb = FastCheck.record({
    day: FastCheck.integer({ min: 0, max: YEAR_DAYS - 1 }),
    // The edges: at a tick, a millisecond after one, a millisecond before the next, or anywhere in the day.
    offset: FastCheck.oneof(
      FastCheck.constant(0),
      FastCheck.constant(1),
      FastCheck.constant(DAY - 1),
      FastCheck.integer({ min: 0, max: DAY - 1 }),
    ),
    account: FastCheck.integer({ min: 0, max: pupils.length - 1 }),
    kind: FastCheck.constantFrom("pre" as const, "pre" as const, "restore" as const),
  })

  it.effect.prop(
    "BR-ACC-12 over a school year of pre-deletions and restorations, each account is deleted at its due tick, never before, never twice, with two runners and a restart",
    [
      FastCheck.array(stepArb, { minLength: 1, maxLength: 14 }),
      FastCheck.array(FastCheck.integer({ min: 0, max: 1 }), { minLength: YEAR_DAYS, maxLength: YEAR_DAYS }),
      FastCheck.integer({ min: 1, max: YEAR_DAYS - 1 }),
    ],
    ([drawn, picks, restartDay]) =>
      Effect.gen(function* () {
        const origin = start.epochMillis
        const steps: ReadonlyArray<Step> = drawn
          .map((s) => ({ at: origin + s.day * DAY + s.offset, account: s.account, kind: s.kind }))
          .sort((a, b) => a.at - b.at)
        const ticks = Array.from({ length: YEAR_DAYS }, (_, d) => origin + d * DAY)

        const shared = yield* Layer.build(memory())
        let runners = [yield* runnerOver(shared), yield* runnerOver(shared)]
        yield* Effect.provide(setup(pupils), runners[0]!.context)
        yield* TestClock.setTime(origin)
        // The scheduler's fiber on the TestClock: a tick now, then one a day.
        const ticking = () => Effect.forkDaemon(Effect.provide(Scheduler.run({ every: "1 day" }), runners[0]!.context))
        let scheduler = yield* ticking()
        const catchUp = (d: number) =>
          Effect.flatMap(Effect.provide(ProjectionRuntime.ProjectionRuntime, runners[picks[d]!]!.context), (runtime) =>
            runtime.catchUpReactor("deletions"),
          )
        // Before each step, the clock moves to the last tick at or before it and a runner catches up: the
        // ticks between two steps see the same read model whether caught up one by one or together.
        let day = 0
        const moveTo = (target: number, pick: number) =>
          Effect.gen(function* () {
            if (target > day) yield* TestClock.adjust(Duration.days(target - day))
            day = Math.max(day, target)
            yield* catchUp(pick)
          })
        const restartAt = origin + restartDay * DAY + 0.5
        let restarted = false
        for (const [n, step] of steps.entries()) {
          if (!restarted && restartAt <= step.at) {
            yield* moveTo(restartDay, picks[n]!)
            // A restart: both runners stop, two new ones go on from the stored checkpoint.
            yield* Fiber.interrupt(scheduler)
            for (const runner of runners) yield* Scope.close(runner.scope, Exit.void)
            runners = [yield* runnerOver(shared), yield* runnerOver(shared)]
            scheduler = yield* ticking()
            restarted = true
          }
          yield* moveTo(Math.floor((step.at - origin) / DAY), picks[n]!)
          const workspace = yield* Effect.provide(Workspace.Workspace, runners[picks[n]!]!.context)
          yield* Effect.either(
            workspace
              .system("aaf-import")
              .handle(
                { _tag: step.kind === "pre" ? "PreDeleteAccount" : "RestoreAccount", accountId: pupils[step.account]! },
                { occurredAt: DateTime.unsafeMake(step.at) },
              ),
          )
        }
        yield* moveTo(YEAR_DAYS - 1, picks[YEAR_DAYS - 1]!)
        const recorded = yield* Effect.provide(
          Effect.flatMap(EventStore.EventStore, (store) => store.readStream(ClockTick.stream)),
          runners[0]!.context,
        )
        // The scheduler's fiber ticked once a day, from the first instant on, the restart included.
        assert.deepStrictEqual(
          recorded.map((tick) => (tick.event as ClockTick.ClockTicked).at.epochMillis),
          ticks,
        )
        yield* Fiber.interrupt(scheduler)
        // A replay from the start (a checkpoint lost): nothing is deleted twice.
        const store = Context.get(shared, ReadModelStore.ReadModelStore)
        yield* store.resetCheckpoint(Reactor.idOf(deletions.reactor))
        yield* catchUp(0)

        const expected = oracle(steps, ticks)
        for (const [n, accountId] of pupils.entries()) {
          const history = yield* Effect.provide(accountHistory(accountId), runners[0]!.context)
          const deleted = history.filter((e) => e.type === "AccountDeleted")
          assert.isAtMost(deleted.length, 1, accountId)
          assert.deepStrictEqual(
            deleted.map((e) => e.at.epochMillis),
            expected[n] === undefined ? [] : [expected[n]],
            `${accountId}: ${JSON.stringify(history.map((e) => [e.type, DateTime.formatIso(e.at)]))}`,
          )
        }
        for (const runner of runners) yield* Scope.close(runner.scope, Exit.void)
      }).pipe(Effect.scoped),
    { fastCheck: { numRuns: 3 }, timeout: 240_000 },
  )
})

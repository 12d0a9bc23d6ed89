import * as PersonalData from "@cartable/kernel/PersonalData"
import * as Erasures from "@cartable/managers/Erasures"
import * as Scheduler from "@cartable/managers/Scheduler"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as Reactor from "@cartable/projections/Reactor"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import { accountHistory, deletions, erasures, memory, pupilIds, setup, stack, start } from "./world.ts"

const DAY = 86_400_000
const pupils = pupilIds(4)

describe("Erasures", () => {
  it.effect("BR-ACC-9 an erasure delay above three months is refused; 89 days is the longest accepted", () =>
    Effect.gen(function* () {
      for (const delay of [Duration.days(90), Duration.sum(Duration.days(89), Duration.millis(1)), Duration.infinity]) {
        const refused = yield* Effect.flip(Erasures.make({ delay }))
        assert.strictEqual(refused._tag, "ConfigurationRefused")
        assert.strictEqual(refused.ruleId, Duration.isFinite(delay) ? "BR-ACC-9" : undefined)
      }
      yield* Erasures.make({ delay: "89 days" })
      yield* Erasures.make({ delay: 0 })
    }),
  )

  // The oracle, from BR-ACC-9 and the delay: a deleted account's data is erased at the first tick at or
  // after its deletion plus 30 days, and that is within three calendar months of the deletion when ticks
  // come at least once a day.
  it.effect.prop(
    "BR-ACC-9 a deleted account's personal data is erased at its due tick, within three months, once, even when the ticks are seen twice",
    [
      FastCheck.array(
        FastCheck.record({
          day: FastCheck.integer({ min: 0, max: 60 }),
          ms: FastCheck.integer({ min: 0, max: DAY - 1 }),
        }),
        { minLength: pupils.length, maxLength: pupils.length },
      ),
      FastCheck.array(FastCheck.integer({ min: 0, max: 150 * DAY }), { maxLength: 20 }),
      FastCheck.boolean(),
    ],
    ([deletionsAt, extraTicks, replay]) =>
      Effect.gen(function* () {
        yield* setup(pupils)
        const feed = (yield* Workspace.Workspace).system("aaf-import")
        const scheduler = yield* Scheduler.Scheduler
        const runtime = yield* ProjectionRuntime.ProjectionRuntime
        const deletedAt = deletionsAt.map(({ day, ms }) => start.epochMillis + day * DAY + ms)
        for (const [n, accountId] of pupils.entries()) {
          const occurredAt = DateTime.unsafeMake(deletedAt[n]!)
          yield* feed.handle({ _tag: "PreDeleteAccount", accountId }, { occurredAt })
          yield* feed.handle({ _tag: "DeleteAccount", accountId }, { occurredAt })
        }
        const due = deletedAt.map((at) => at + 30 * DAY)
        // Ticks at the edges of each due instant, and others anywhere.
        const ticks = [
          ...new Set([...due.flatMap((at) => [at - 1, at]), ...extraTicks.map((t) => start.epochMillis + t)]),
        ].sort((a, b) => a - b)
        for (const at of ticks) {
          yield* scheduler.tick(DateTime.unsafeMake(at))
          yield* runtime.catchUpReactor("erasures")
        }
        if (replay) {
          yield* (yield* ReadModelStore.ReadModelStore).resetCheckpoint(Reactor.idOf(erasures.reactor))
          yield* runtime.catchUpReactor("erasures")
        }
        for (const [n, accountId] of pupils.entries()) {
          const history = yield* accountHistory(accountId)
          const erased = history.filter((e) => e.type === "AccountDataErased")
          const expectedAt = ticks.find((t) => t >= due[n]!)!
          assert.deepStrictEqual(
            erased.map((e) => e.at.epochMillis),
            [expectedAt],
            accountId,
          )
          const limit = DateTime.add(DateTime.unsafeMake(deletedAt[n]!), { months: 3 })
          assert.isTrue(DateTime.lessThanOrEqualTo(erased[0]!.at, limit))
          assert.strictEqual(erased[0]!.recorded.metadata.actor, "system:account-lifecycle")
          const provisioned = history[0]!.recorded.event as unknown as { readonly firstName: string }
          assert.strictEqual(provisioned.firstName, PersonalData.ERASED)
        }
      }).pipe(Effect.provide(stack({ deletions, erasures }).pipe(Layer.provideMerge(memory())))),
    { fastCheck: { numRuns: 10 } },
  )
})

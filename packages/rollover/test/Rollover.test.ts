/**
 * The rollover in memory: the story of RolloverSuite.ts, the years it refuses,
 * and a run interrupted at each of its commands, then run again.
 */
import { SchoolYear } from "@cartable/domain/SchoolYear"
import * as Rollover from "@cartable/rollover/Rollover"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { options, story } from "./RolloverSuite.ts"
import { everything, memory, memoryStorage, setup } from "./world.ts"

/**
 * The Workspace in context, its sessions stopping for good at their `stopAt`-th
 * command (0 first), and the signal that they got there.
 */
const stoppingAt = (stopAt: number) =>
  Effect.gen(function* () {
    const workspace = yield* Workspace.Workspace
    const reached = yield* Deferred.make<void>()
    let calls = 0
    const stopped = Workspace.Workspace.of({
      ...workspace,
      system: (process) => {
        const inner = workspace.system(process)
        return {
          ...inner,
          handle: (intent, context) =>
            calls++ === stopAt
              ? Effect.zipRight(Deferred.succeed(reached, undefined), Effect.never)
              : inner.handle(intent, context),
        }
      },
    })
    return { stopped, reached }
  })

/** How many commands one uninterrupted run issues in the world: per school, close, archive the class book, open. */
const COMMANDS = 2 * 3

describe("Rollover in memory", () => {
  story(memoryStorage())

  it.effect("a rollover goes from one year to the next only, and writes nothing otherwise", () =>
    Effect.gen(function* () {
      yield* setup
      const before = yield* everything
      for (const to of ["2026-2027", "2028-2029", "2025-2026"]) {
        const error = yield* Effect.flip(Rollover.run({ ...options, to: SchoolYear.make(to) }))
        assert.strictEqual(error._tag === "RolloverError" && error.reason, "InvalidYears")
      }
      assert.deepStrictEqual(yield* everything, before)
    }).pipe(Effect.provide(memory())),
  )

  it.effect("BR-GRP-4 a run interrupted at any of its commands, run again, ends as one uninterrupted run", () =>
    Effect.gen(function* () {
      const expected = yield* Effect.gen(function* () {
        yield* setup
        yield* Rollover.run(options)
        return yield* everything
      }).pipe(Effect.provide(memory()))
      for (let stopAt = 0; stopAt < COMMANDS; stopAt++) {
        yield* Effect.gen(function* () {
          yield* setup
          const { stopped, reached } = yield* stoppingAt(stopAt)
          const fiber = yield* Effect.fork(
            Rollover.run(options).pipe(Effect.provideService(Workspace.Workspace, stopped)),
          )
          // The fiber reaches the command it stops at, and is interrupted there.
          const ended = yield* Effect.raceFirst(
            Effect.as(Deferred.await(reached), false),
            Effect.as(Fiber.await(fiber), true),
          )
          assert.isFalse(ended, `the run issued fewer than ${stopAt + 1} commands`)
          yield* Fiber.interrupt(fiber)
          const partial = yield* everything
          assert.isBelow(partial.length, expected.length, `stopped at command ${stopAt}`)
          const resumed = yield* Rollover.run(options)
          assert.deepStrictEqual(yield* everything, expected, `stopped at command ${stopAt}`)
          assert.isAbove(resumed.events, 0)
          assert.strictEqual((yield* Rollover.run(options)).events, 0)
        }).pipe(Effect.provide(memory()))
      }
    }),
  )
})

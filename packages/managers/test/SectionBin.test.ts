import * as EventStore from "@cartable/eventlog/EventStore"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as Scheduler from "@cartable/managers/Scheduler"
import * as SectionBin from "@cartable/managers/SectionBin"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as Authorization from "@cartable/read-models/Authorization"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { memory, school, setup, start } from "./world.ts"

const DAY = 86_400_000
const section = "rub-vie-scolaire"

/** The managers' stack with the bin's read model inline and its reactor, no background fibers. */
const stack = () =>
  Layer.mergeAll(Workspace.layer, Scheduler.layer).pipe(
    Layer.provideMerge(
      ProjectionRuntime.layer({
        inline: [Authorization.AuthorizationProjection, SectionBin.projection],
        reactors: [SectionBin.reactor],
        background: false,
      }),
    ),
    Layer.provideMerge(Authorization.layer),
    Layer.provideMerge(memory()),
  )

/** A school section with shared folders, managed by the platform administrator `vendor`. */
const withSection = Effect.gen(function* () {
  yield* setup([], ["vendor"])
  const workspace = yield* Workspace.Workspace
  const at = { occurredAt: start }
  yield* workspace.system("install").handle({ _tag: "AppointPlatformAdministrator", accountId: "vendor" }, at)
  yield* workspace.handle(
    "vendor",
    {
      _tag: "CreateSection",
      sectionId: section,
      structureId: school,
      name: "Vie scolaire",
      services: { blog: true, forum: false, sharedFolders: true },
      moderated: true,
    },
    at,
  )
  return workspace
})

const folderEvents = (folderId: string) =>
  Effect.flatMap(EventStore.EventStore, (store) =>
    Effect.map(store.readStream(StreamName.make("Section", section)), (events) =>
      events
        .filter((recorded) => (recorded.event as { readonly folderId?: string }).folderId === folderId)
        .map((recorded) => ({ type: recorded.type, at: recorded.metadata.occurredAt, recorded })),
    ),
  )

describe("SectionBin", () => {
  it.effect(
    "BR-RUB-2 a deleted folder stays in the bin on day 89 and a millisecond before day 90, and goes at exactly 90 days",
    () =>
      Effect.gen(function* () {
        const workspace = yield* withSection
        const deletedAt = DateTime.unsafeMake("2026-10-05T14:17:03.250Z")
        yield* workspace.handle(
          "vendor",
          { _tag: "CreateFolder", sectionId: section, folderId: "dir-1", name: "Photos" },
          { occurredAt: start },
        )
        yield* workspace.handle(
          "vendor",
          { _tag: "DeleteFolder", sectionId: section, folderId: "dir-1" },
          { occurredAt: deletedAt },
        )
        const scheduler = yield* Scheduler.Scheduler
        const runtime = yield* ProjectionRuntime.ProjectionRuntime
        const due = DateTime.addDuration(deletedAt, Duration.days(90))
        assert.strictEqual(DateTime.formatIso(due), "2027-01-03T14:17:03.250Z")
        const types = () => Effect.map(folderEvents("dir-1"), (events) => events.map((e) => e.type))
        for (const at of [
          DateTime.addDuration(deletedAt, Duration.days(89)),
          DateTime.subtractDuration(due, Duration.millis(1)),
        ]) {
          yield* scheduler.tick(at)
          yield* runtime.catchUpReactor("section_bin")
          assert.deepStrictEqual(yield* types(), ["FolderCreated", "FolderBinned"], DateTime.formatIso(at))
        }
        yield* scheduler.tick(due)
        yield* runtime.catchUpReactor("section_bin")
        const events = yield* folderEvents("dir-1")
        assert.deepStrictEqual(
          events.map((e) => e.type),
          ["FolderCreated", "FolderBinned", "FolderPurged"],
        )
        assert.isTrue(DateTime.Equivalence(events[2]!.at, due))
        assert.strictEqual(events[2]!.recorded.metadata.actor, "system:section-bin")
        // Gone for good: it cannot be restored, and a later tick purges nothing more.
        const restore = yield* Effect.either(
          workspace.handle(
            "vendor",
            { _tag: "RestoreFolder", sectionId: section, folderId: "dir-1" },
            { occurredAt: due },
          ),
        )
        assert.isTrue(restore._tag === "Left" && (restore.left as { reason?: string }).reason === "NotFound")
        yield* scheduler.tick(DateTime.addDuration(due, Duration.days(1)))
        yield* runtime.catchUpReactor("section_bin")
        assert.strictEqual((yield* folderEvents("dir-1")).length, 3)
      }).pipe(Effect.provide(stack())),
  )

  // The oracle, from BR-RUB-2 (90 days in the bin, then gone) and seed 004's bin: with one tick a day at midnight,
  // a folder deleted on day d at any instant goes at the first midnight at or after d + 90 days, unless it was
  // restored before. Written with day numbers, apart from the manager's read model.
  it.effect.prop(
    "BR-RUB-2 with the simulated clock ticking daily, a folder goes at the first tick 90 days after its deletion, and a restored one stays",
    [
      FastCheck.integer({ min: 0, max: 20 }),
      FastCheck.oneof(
        FastCheck.constant(0),
        FastCheck.constant(1),
        FastCheck.constant(DAY - 1),
        FastCheck.integer({ min: 0, max: DAY - 1 }),
      ),
      FastCheck.option(FastCheck.integer({ min: 0, max: 95 }), { nil: undefined }),
    ],
    ([deletionDay, offset, restoreAfter]) =>
      Effect.gen(function* () {
        const workspace = yield* withSection
        yield* workspace.handle(
          "vendor",
          { _tag: "CreateFolder", sectionId: section, folderId: "dir-1", name: "Photos" },
          { occurredAt: start },
        )
        const runtime = yield* ProjectionRuntime.ProjectionRuntime
        yield* TestClock.setTime(start.epochMillis)
        const ticking = yield* Effect.forkDaemon(Scheduler.run({ every: "1 day" }))
        let day = 0
        const moveTo = (target: number) =>
          Effect.gen(function* () {
            if (target > day) yield* TestClock.adjust(Duration.days(target - day))
            day = Math.max(day, target)
            yield* runtime.catchUpReactor("section_bin")
          })
        const deletedAt = start.epochMillis + deletionDay * DAY + offset
        yield* moveTo(deletionDay)
        yield* workspace.handle(
          "vendor",
          { _tag: "DeleteFolder", sectionId: section, folderId: "dir-1" },
          { occurredAt: DateTime.unsafeMake(deletedAt) },
        )
        // A restoration, `restoreAfter` days later (just after that day's tick), if drawn.
        const restoredAt = restoreAfter === undefined ? undefined : deletedAt + restoreAfter * DAY
        for (let target = deletionDay + 1; target <= deletionDay + 92; target++) {
          if (
            restoredAt !== undefined &&
            restoredAt < start.epochMillis + target * DAY &&
            restoredAt >= start.epochMillis + day * DAY
          ) {
            const done = yield* folderEvents("dir-1")
            if (!done.some((e) => e.type === "FolderPurged")) {
              yield* workspace.handle(
                "vendor",
                { _tag: "RestoreFolder", sectionId: section, folderId: "dir-1" },
                { occurredAt: DateTime.unsafeMake(restoredAt) },
              )
            }
          }
          yield* moveTo(target)
        }
        yield* Fiber.interrupt(ticking)
        // The first midnight tick at or after the deletion plus 90 days.
        const dueTick = start.epochMillis + Math.ceil((deletedAt + 90 * DAY - start.epochMillis) / DAY) * DAY
        const restoredFirst = restoredAt !== undefined && restoredAt < dueTick
        const purged = (yield* folderEvents("dir-1")).filter((e) => e.type === "FolderPurged")
        assert.deepStrictEqual(
          purged.map((e) => e.at.epochMillis),
          restoredFirst ? [] : [dueTick],
          `deleted ${DateTime.formatIso(DateTime.unsafeMake(deletedAt))}, restored ${restoredAt}`,
        )
      }).pipe(Effect.provide(stack())),
    { fastCheck: { numRuns: 6 }, timeout: 120_000 },
  )
})

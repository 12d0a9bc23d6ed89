/**
 * The rosters' suite over one storage: a start of year written by hand with
 * its oracle (the edges of a day, a move between classes, the close of a
 * year), and a property over random histories of every aggregate: the roster
 * of every group on every day equals the group's members once that day's
 * events are applied (the Structure aggregate's own fold), and a rebuild
 * equals what was kept up to date.
 */
import { AccountId, type GroupId, StructureId } from "@cartable/domain/Ids"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import * as Structure from "@cartable/domain/Structure"
import * as Uai from "@cartable/domain/Uai"
import * as StreamName from "@cartable/eventlog/StreamName"
import { fold } from "@cartable/kernel/Decider"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as TimedHistories from "@cartable/testing/TimedHistories"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Rosters from "../src/Rosters.ts"
import { feed, log, parisDay, play, runtime, type Storage, send, shift, snapshot } from "./fixtures.ts"

const school = StructureId.make("school-r")
const year = SchoolYear.starting(2026)
const nextYear = SchoolYear.starting(2027)
const group = (code: string): GroupId => Structure.groupIdOf(school, code)
const c5A = group("5A")
const c5B = group("5B")
const english = group("5A-ANG1")
const ref = (groupId: GroupId) => ({ structureId: school, groupId })
const id = AccountId.make
const day = (date: string) => date as SchoolYear.LocalDate

const open = (groupId: GroupId, kind: Structure.GroupKind, name: string, schoolYear = year) =>
  Structure.OpenGroup.make({ actor: feed, structureId: school, groupId, kind, name, schoolYear, owner: "Feed" })
const assign = (groupId: GroupId, accountId: string, role: Structure.GroupRole = "Student") =>
  Structure.AssignToGroup.make({
    actor: feed,
    structureId: school,
    groupId,
    accountId: id(accountId),
    role,
    source: "Feed",
  })

/** The start of year the examples read; every instant is UTC, Paris is two hours ahead in summer. */
export const startOfYear = Effect.gen(function* () {
  yield* send(
    Structure.RegisterStructure.make({
      actor: feed,
      structureId: school,
      uai: Uai.Uai.make("0310002J"),
      name: "Collège Rosa Parks",
      kind: "SecondarySchool",
    }),
    "2026-08-25T08:00:00Z",
  )
  yield* send(open(c5A, "Class", "5e A"), "2026-08-25T08:00:00Z")
  yield* send(open(c5B, "Class", "5e B"), "2026-08-25T08:00:00Z")
  yield* send(open(english, "TeachingGroup", "5A Anglais groupe 1"), "2026-08-25T08:00:00Z")
  // 23:59 on 31 August in Paris, then midnight: one day apart.
  yield* send(assign(c5A, "p-early"), "2026-08-31T21:59:00Z")
  yield* send(assign(c5A, "p-midnight"), "2026-08-31T22:00:00Z")
  for (const pupil of ["p-leaves", "p-moves"]) yield* send(assign(c5A, pupil), "2026-09-01T07:00:00Z")
  yield* send(assign(c5A, "t-1", "Teacher"), "2026-09-01T07:00:00Z")
  yield* send(assign(english, "t-1", "Teacher"), "2026-09-01T07:00:00Z")
  yield* send(
    Structure.UnassignFromGroup.make({
      actor: feed,
      structureId: school,
      groupId: c5A,
      accountId: id("p-leaves"),
      source: "Feed",
    }),
    "2026-09-10T09:00:00Z",
  )
  // BR-GRP-2: joining 5B takes the pupil out of 5A, the same instant.
  yield* send(assign(c5B, "p-moves"), "2026-09-15T09:00:00Z")
  yield* send(
    Structure.CloseSchoolYear.make({ actor: feed, structureId: school, schoolYear: year }),
    "2027-07-05T15:00:00Z",
  )
  yield* send(open(c5A, "Class", "5e A", nextYear), "2027-09-01T07:00:00Z")
  yield* send(assign(c5A, "p-early"), "2027-09-01T07:00:00Z")
})

const ids = (members: ReadonlyArray<{ readonly accountId: string }>) => members.map((member) => member.accountId)

/** Registers the suite on a storage. */
export const suite = <E>(name: string, storage: Storage<E>, numRuns: number): void => {
  const live = () => Layer.provideMerge(Rosters.layer, runtime(storage, [Rosters.RostersProjection]))

  describe(`Rosters (${name})`, () => {
    it.effect("BR-GRP-2 who was in 5A on a date: joined that day in, left that day out, days in Paris", () =>
      Effect.gen(function* () {
        yield* startOfYear
        const rosters = yield* Rosters.Rosters
        const on = (groupId: GroupId, date: string) => Effect.map(rosters.roster(ref(groupId), { on: day(date) }), ids)

        assert.deepStrictEqual<unknown>(yield* on(c5A, "2026-08-30"), [])
        assert.deepStrictEqual<unknown>(yield* on(c5A, "2026-08-31"), ["p-early"])
        assert.deepStrictEqual<unknown>(yield* on(c5A, "2026-09-01"), [
          "p-early",
          "p-leaves",
          "p-midnight",
          "p-moves",
          "t-1",
        ])
        assert.deepStrictEqual<unknown>(yield* on(c5A, "2026-09-09"), [
          "p-early",
          "p-leaves",
          "p-midnight",
          "p-moves",
          "t-1",
        ])
        assert.deepStrictEqual<unknown>(yield* on(c5A, "2026-09-10"), ["p-early", "p-midnight", "p-moves", "t-1"])
        assert.deepStrictEqual<unknown>(yield* on(c5A, "2026-09-14"), ["p-early", "p-midnight", "p-moves", "t-1"])
        assert.deepStrictEqual<unknown>(yield* on(c5A, "2026-09-15"), ["p-early", "p-midnight", "t-1"])
        assert.deepStrictEqual<unknown>(yield* on(c5B, "2026-09-14"), [])
        assert.deepStrictEqual<unknown>(yield* on(c5B, "2026-09-15"), ["p-moves"])
        // The year closes its classes on 5 July (BR-GRP-4); the teaching group goes on.
        assert.deepStrictEqual<unknown>(yield* on(c5A, "2027-07-04"), ["p-early", "p-midnight", "t-1"])
        assert.deepStrictEqual<unknown>(yield* on(c5A, "2027-07-05"), [])
        assert.deepStrictEqual<unknown>(yield* on(c5B, "2027-07-05"), [])
        assert.deepStrictEqual<unknown>(yield* on(english, "2027-07-05"), ["t-1"])
        assert.deepStrictEqual<unknown>(yield* on(c5A, "2027-09-01"), ["p-early"])
        assert.deepStrictEqual<unknown>(
          ids(yield* rosters.roster(ref(c5A), { on: day("2026-10-01"), role: "Teacher" })),
          ["t-1"],
        )

        // Now: 5A reopened for 2027-2028 with one pupil; 5B closed.
        assert.deepStrictEqual<unknown>(yield* rosters.roster(ref(c5A)), [
          { accountId: "p-early", role: "Student", source: "Feed", since: "2027-09-01" },
        ])
        assert.deepStrictEqual<unknown>(yield* rosters.roster(ref(c5B)), [])
        assert.deepStrictEqual<unknown>(
          (yield* rosters.groups({ structureId: school, open: true })).map((g) => [g.name, g.schoolYear, g.members]),
          [
            ["5e A", nextYear, ["p-early"]],
            ["5A Anglais groupe 1", year, ["t-1"]],
          ],
        )
        assert.deepStrictEqual<unknown>(
          (yield* rosters.groups({ structureId: school, kind: "Class", open: false })).map((g) => g.groupId),
          [c5B],
        )
        assert.deepStrictEqual<unknown>((yield* rosters.school(school))?.groupIds, [c5A, c5B, english])
      }).pipe(Effect.provide(live()), Effect.scoped),
    )

    it.effect("BR-GRP-1 a teacher's classes and groups per school year; a pupil's classes over time", () =>
      Effect.gen(function* () {
        yield* startOfYear
        const rosters = yield* Rosters.Rosters
        const groupsOf = (placements: ReadonlyArray<Rosters.Placement>) =>
          placements.map((p) => [p.groupId, p.from, p.to ?? null])

        assert.deepStrictEqual<unknown>(groupsOf(yield* rosters.teacherAssignments(id("t-1"), year)), [
          [c5A, "2026-09-01", "2027-07-05"],
          [english, "2026-09-01", null],
        ])
        // The class was the 2026-2027 one; the teaching group persists into the next year.
        assert.deepStrictEqual<unknown>(groupsOf(yield* rosters.teacherAssignments(id("t-1"), nextYear)), [
          [english, "2026-09-01", null],
        ])
        assert.deepStrictEqual<unknown>(
          groupsOf(yield* rosters.teacherAssignments(id("t-1"), SchoolYear.starting(2025))),
          [],
        )
        assert.deepStrictEqual<unknown>(groupsOf(yield* rosters.historyOf(id("p-moves"))), [
          [c5A, "2026-09-01", "2026-09-15"],
          [c5B, "2026-09-15", "2027-07-05"],
        ])
        const early = yield* rosters.historyOf(id("p-early"))
        assert.deepStrictEqual<unknown>(
          early.map((p) => [p.name, p.schoolYear, p.from, p.to ?? null]),
          [
            ["5e A", year, "2026-08-31", "2027-07-05"],
            ["5e A", nextYear, "2027-09-01", null],
          ],
        )
        assert.deepStrictEqual<unknown>(groupsOf(yield* rosters.historyOf(id("p-early"), { schoolYear: nextYear })), [
          [c5A, "2027-09-01", null],
        ])
        assert.deepStrictEqual<unknown>(
          yield* rosters.historyOf(id("p-early"), { structureId: StructureId.make("elsewhere") }),
          [],
        )
      }).pipe(Effect.provide(live()), Effect.scoped),
    )

    it.effect.prop(
      "BR-GRP-2 over random histories of every aggregate, the roster of each group on each day is the group once that day's events are applied; a rebuild equals the rosters kept up to date",
      [TimedHistories.histories],
      ([history]) =>
        Effect.gen(function* () {
          yield* play(history)
          const rosters = yield* Rosters.Rosters
          const events = (yield* log).filter((recorded) => StreamName.category(recorded.streamName) === "Structure")
          const streams = new Map<string, Array<(typeof events)[number]>>()
          for (const recorded of events)
            streams.set(recorded.streamName, [...(streams.get(recorded.streamName) ?? []), recorded])

          for (const stream of streams.values()) {
            const days = [...new Set(stream.map((recorded) => parisDay(recorded.metadata.occurredAt)))]
            const probes = [...new Set(days.flatMap((d) => [shift(d, -1), d, shift(d, 1)]))].sort()
            const final = fold(
              Structure.aggregate,
              stream.map((recorded) => recorded.event as Structure.StructureEvent),
            )
            if (final._tag !== "Structure") continue
            for (const on of probes) {
              // The oracle: the group as the aggregate holds it once every event of that day is applied.
              const state = fold(
                Structure.aggregate,
                stream
                  .filter((recorded) => parisDay(recorded.metadata.occurredAt) <= on)
                  .map((recorded) => recorded.event as Structure.StructureEvent),
              )
              for (const groupId of final.groups.keys()) {
                const members =
                  state._tag === "Structure" ? (state.groups.get(groupId)?.members ?? new Map()) : new Map()
                const expected = [...members]
                  .map(([accountId, member]) => [accountId, member.role])
                  .sort(([a], [b]) => (a! < b! ? -1 : 1))
                const actual = yield* rosters.roster({ structureId: final.structureId, groupId }, { on })
                assert.deepStrictEqual<unknown>(
                  actual.map((m) => [m.accountId, m.role]),
                  expected,
                  `${groupId} on ${on}`,
                )
              }
            }
            for (const [groupId, expected] of final.groups) {
              const current = yield* rosters.roster({ structureId: final.structureId, groupId })
              assert.deepStrictEqual<unknown>(
                current.map((m) => [m.accountId, m.role, m.source]),
                [...expected.members].map(([a, m]) => [a, m.role, m.source]).sort(([a], [b]) => (a! < b! ? -1 : 1)),
              )
              const entry = yield* rosters.group({ structureId: final.structureId, groupId })
              assert.deepStrictEqual<unknown>(
                [entry?.name, entry?.kind, entry?.schoolYear, entry?.open],
                [expected.name, expected.kind, expected.schoolYear, expected.open],
              )
            }
          }

          const kept = yield* snapshot(Rosters.RostersProjection)
          const projections = yield* ProjectionRuntime.ProjectionRuntime
          yield* projections.rebuild(Rosters.RostersProjection)
          assert.deepStrictEqual<unknown>(yield* snapshot(Rosters.RostersProjection), kept)
        }).pipe(Effect.provide(live()), Effect.scoped),
      { fastCheck: { numRuns } },
    )
  })
}

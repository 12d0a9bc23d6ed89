import * as Domain from "@cartable/domain/Domain"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as Rosters from "@cartable/read-models/Rosters"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Summary from "../src/Summary.ts"
import { play } from "../src/scenario.ts"
import * as Data from "../src/school.ts"

const storage = EventStore.layer(EventCatalog.make(Domain.events)).pipe(
  Layer.provideMerge(Layer.merge(ReadModelStore.layerMemoryWithDriver, SubjectKeyStore.layerMemory)),
)

/** The people of a class with a profile, from the school's data (the summary lists them by id). */
const ofClass = (code: string, profile: Data.Person["profile"]) =>
  Data.people
    .filter((person) => person.profile === profile && (person.classes ?? []).includes(code))
    .map((person) => person.id)
    .sort()
    .join(", ")

describe("the start-of-year demo", () => {
  it.effect("plays the year, and the read models tell what happened", () =>
    Effect.gen(function* () {
      const refusals = yield* play(() => Effect.void)
      assert.deepStrictEqual(
        refusals.map((refusal) => refusal.ruleId),
        ["BR-ACC-1", "BR-ACC-3", "BR-SIG-3", "BR-CDT-3", "BR-CDT-4"],
      )
      const events = yield* Summary.readEverything
      const types = new Set(events.map((event) => event.type))
      for (const type of ["AccountActivated", "GroupAssigned", "ReportHandled", "VisaPlaced", "AccountBlocked"]) {
        assert.ok(types.has(type), `${type} is in the log`)
      }

      const lines = yield* Summary.describe
      const line = (start: string) => lines.find((candidate) => candidate.startsWith(start))
      assert.strictEqual(
        line("Accounts:"),
        `Accounts: 10 (3 inactive, 6 active, 1 blocked); by profile: 4 Student, 2 Relative, 2 Teacher, 1 Personnel, 1 Guest`,
      )
      // From the directory: one relative account for both children (BR-ACC-7), codes until activation (BR-ACC-2).
      assert.strictEqual(
        line("One account for all his children"),
        "One account for all his children (BR-ACC-7): claire.martin -> p-lea, p-hugo",
      )
      assert.notInclude(line("Activation codes") ?? "", "claire.martin")
      assert.strictEqual(line("Direction of"), `Direction of ${Data.school.name} (BR-GRP-3): ${Data.headId}`)
      for (const { code, name } of Data.classes) {
        assert.strictEqual(
          line(`Class ${name}:`),
          `Class ${name}: pupils ${ofClass(code, "Student")}; teachers ${ofClass(code, "Teacher")}`,
        )
      }
      assert.strictEqual(line("Class 6e A:"), "Class 6e A: pupils p-ines, p-lea; teachers t-durand, t-nguyen")
      // The head's visa covers every session recorded before it (BR-CDT-3).
      assert.strictEqual(
        line("Homework book"),
        `Homework book cdt-${Data.school.structureId}$6A-${Data.schoolYear}: 3 sessions, 1 visa(s), frozen: s1, s2, s3`,
      )
      assert.match(line("Report report-1:") ?? "", /^Report report-1: Deleted by adml-0571994H/)

      // The rosters behind the lines: a teacher's classes of the year, and nobody before the feed ran.
      const rosters = yield* Rosters.Rosters
      const year = SchoolYear.SchoolYear.make(Data.schoolYear)
      const school = StructureId.make(Data.school.structureId)
      assert.deepStrictEqual(
        (yield* rosters.teacherAssignments(AccountId.make("t-durand"), year)).map((placement) => placement.name).sort(),
        ["5e B", "6e A"],
      )
      const sixthA = (yield* rosters.groups({ structureId: school, kind: "Class" })).find((g) => g.name === "6e A")!
      assert.deepStrictEqual(yield* rosters.roster(sixthA, { on: SchoolYear.LocalDate.make("2026-08-27") }), [])
    }).pipe(Effect.provide(Summary.layer(storage)), Effect.scoped),
  )
})

/**
 * The start-of-year demo's story on an in-memory SQLite store: the refusals it
 * meets name their rules, the read models tell what happened, and the rollover
 * at the end closes the classes and archives their books.
 */
import * as Stack from "@cartable/example-school-year/Stack"
import * as StoryClock from "@cartable/example-school-year/StoryClock"
import * as Year from "@cartable/example-school-year/year"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Summary from "../src/Summary.ts"
import { play } from "../src/scenario.ts"

// Cheap argon2id: the story does not depend on the cost.
const hasher = { memoryCost: 1_024, timeCost: 1, parallelism: 1 }

describe("the start-of-year demo", () => {
  it.live("imports the example export, plays the first days, and ends with the rollover", () => {
    const clock = StoryClock.make("2025-09-01T00:00:00Z")
    return Effect.gen(function* () {
      const said: Array<string> = []
      const story = yield* play({ clock, say: (line) => Effect.sync(() => void said.push(line)) })
      assert.strictEqual(
        said[0],
        "Import of the export of 1 September: 54 records read, 41 imported, 13 reported; 2 schools, 31 accounts provisioned, 110 events",
      )
      assert.deepStrictEqual(
        story.ent.refusals.map((refusal) => `${refusal.ruleId} ${refusal.intent} ${refusal.who}`),
        [
          "BR-ACC-1 ProvisionAccount agnes.lefevre",
          "BR-ACC-3 activation lea.garcia",
          "BR-SIG-3 HandleReport vendeur.ent",
          "BR-CDT-3 EditSession eloise.martin",
          "BR-CDT-4 DeleteSession agnes.lefevre",
        ],
      )
      const events = yield* Summary.readEverything
      const types = new Set(events.map((event) => event.type))
      for (const type of ["AccountActivated", "GroupAssigned", "ReportHandled", "VisaPlaced", "AccountBlocked"]) {
        assert.ok(types.has(type), `${type} is in the log`)
      }
      const lines = yield* Summary.describe
      const line = (start: string) => lines.find((candidate) => candidate.startsWith(start))
      // The export's people, the vendor, the head's guest: 7 active (the vendor, the head, 5 of the 7 first
      // logins: one refused, one blocked afterwards by the report's follow-up).
      assert.strictEqual(
        line("Accounts:"),
        "Accounts: 33 (25 inactive, 7 active, 1 blocked); by profile: 13 Student, 14 Relative, 2 Teacher, 3 Personnel, 1 Guest",
      )
      assert.strictEqual(
        line("Activation codes"),
        "Activation codes still shown to administrators (BR-ACC-2): 25, none of an active account: yes",
      )
      // Siblings in two schools share their parents' accounts (BR-ACC-7).
      assert.include(
        lines,
        "One account for all his children (BR-ACC-7): stephane.bernard -> chloe.bernard, lucas.bernard, matheo.bernard",
      )
      assert.strictEqual(line("Direction of COLLÈGE"), "Direction of COLLÈGE JEAN-JAURÈS (BR-GRP-3): agnes.lefevre")
      assert.strictEqual(
        line("Class 6e A:"),
        "Class 6e A: pupils ayse.celik, chloe.bernard, lea.garcia, theo.nguyen; teachers eloise.martin",
      )
      assert.strictEqual(line("Report report-1:"), "Report report-1: Deleted by agnes.lefevre, reported by fatma.celik")
      assert.strictEqual(
        line("Homework book cdt-0751234J$6A"),
        "Homework book cdt-0751234J$6A-2025-2026: 3 sessions, 1 visa(s), frozen: s1, s2, s3",
      )

      // A year on: the rollover closes the classes, archives their books, keeps the other groups.
      const rolled: Array<string> = []
      const report = yield* Year.rollover({ ...story, say: (text) => Effect.sync(() => void rolled.push(text)) })
      assert.strictEqual(report.events, 9)
      const college = report.schools.find((school) => school.structureId === Year.school)
      assert.deepStrictEqual(
        college?.closedClasses.map((group) => group.name),
        ["6e A", "5e B"],
      )
      assert.deepStrictEqual(college?.archivedBooks.map((b) => b.homeworkBookId).sort(), [
        "cdt-0751234J$5B-2025-2026",
        "cdt-0751234J$6A-2025-2026",
      ])
      assert.deepStrictEqual(
        college?.keptGroups.map((group) => group.name),
        ["Espagnol 6e", "Chef d'établissement", "Gestionnaire publipostage"],
      )
      assert.match(rolled[0] ?? "", /^Rollover 2025-2026 -> 2026-2027: 2 school\(s\), 9 event\(s\) appended\n/)
    }).pipe(Effect.provide(Stack.layer({ filename: ":memory:", hasher })), Effect.scoped, Effect.withClock(clock.clock))
  })
})

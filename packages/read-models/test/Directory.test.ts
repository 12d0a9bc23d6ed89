import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as Directory from "@cartable/read-models/Directory"
import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as SchoolYearHistory from "@cartable/testing/SchoolYearHistory"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { describeWithServer, layerWithDatabase } from "../../../adapters/store-postgres/test/TestDatabase.ts"
import { append, fold, type Known, live, matches, memory, oracle, type Storage, sqlite, stateOf } from "./support.ts"

const history = SchoolYearHistory.schoolYear({
  accounts: 120,
  seed: 7,
  days: 12,
  sessionsPerDay: 1,
  incidentsPerDay: 8,
})
const known = [...oracle(history.appends).values()].filter((a) => a.provisioned)

/** Every page of a query, pages of `limit`. */
const everything = (query: Directory.Query, limit: number) =>
  Effect.gen(function* () {
    const directory = yield* Directory.Directory
    const all: Array<Directory.Entry> = []
    let after: string | undefined
    let pages = 0
    do {
      const page = yield* directory.list({ ...query, after, limit })
      assert.isAtMost(page.entries.length, limit)
      all.push(...page.entries)
      after = page.next
      pages++
    } while (after !== undefined && pages < 1000)
    return all
  })

const ids = (entries: ReadonlyArray<{ readonly id: string }>) => entries.map((entry) => entry.id)
const sorted = (list: Iterable<string>) => [...list].sort()

// Typed as a user would: accents, capitals, a hyphenated or apostrophed name, a whole compound name.
const typed = [
  "m",
  "MAR",
  "mä",
  "é",
  "Elo",
  "lef",
  "LÉF",
  "de",
  "la fon",
  "fontaine",
  "n'd",
  "diaye",
  "dubois",
  "zz",
  "ö",
  "oz",
]

const suite = (name: string, storage: Storage) =>
  describe(`Directory (${name})`, () => {
    it.effect(
      "BR-ACC-12 search by the first letters of a first or last name, accents and case ignored, each account once, pages in a stable order",
      () =>
        Effect.gen(function* () {
          yield* append(history.appends)
          for (const text of typed) {
            for (const school of [history.school, undefined]) {
              const expected = known.filter((a) => (school === undefined || a.schools.has(school)) && matches(a, text))
              const small = yield* everything({ search: text, school }, 7)
              assert.deepStrictEqual(
                sorted(ids(small)),
                sorted(expected.map((a) => a.id)),
                `search "${text}" in ${school}`,
              )
              assert.strictEqual(new Set(ids(small)).size, small.length, `"${text}": an account came twice`)
              // The same order whatever the page size.
              assert.deepStrictEqual(ids(small), ids(yield* everything({ search: text, school }, 1000)))
            }
          }
        }).pipe(Effect.provide(live(storage)), Effect.scoped),
    )

    it.effect(
      "BR-ACC-12 filters by school, profile, state, class and group add up; listings are alphabetical; counts agree",
      () =>
        Effect.gen(function* () {
          yield* append(history.appends)
          const states = ["inactive", "active", "blocked", "pre-deleted", "deleted"] as const
          const seen = new Set<string>()
          for (const state of [...states, undefined]) {
            for (const profile of ["Student", "Relative", "Teacher", undefined] as const) {
              const expected = known.filter(
                (a) =>
                  a.schools.has(history.school) &&
                  (state === undefined || stateOf(a) === state) &&
                  (profile === undefined || a.profile === profile),
              )
              const found = yield* everything({ school: history.school, state, profile }, 9)
              assert.deepStrictEqual(sorted(ids(found)), sorted(expected.map((a) => a.id)), `${state} ${profile}`)
              const directory = yield* Directory.Directory
              assert.strictEqual(yield* directory.count({ school: history.school, state, profile }), expected.length)
              assert.strictEqual(
                yield* directory.count({ state, profile }),
                known.filter(
                  (a) =>
                    (state === undefined || stateOf(a) === state) && (profile === undefined || a.profile === profile),
                ).length,
              )
              for (const entry of found) seen.add(entry.state)
              const names = found.map((entry) => `${fold(entry.lastName)} ${fold(entry.firstName)}`)
              assert.deepStrictEqual(names, [...names].sort(), "alphabetical by last then first name")
            }
          }
          // The history reaches every state (else this test proves less than it says).
          assert.deepStrictEqual(sorted(seen), sorted(states))
          const byClass = (classId: string, search?: string) =>
            known.filter((a) => a.classes.has(classId) && (search === undefined || matches(a, search)))
          for (const classId of ["class-0", "class-1"]) {
            assert.deepStrictEqual(sorted(ids(yield* everything({ classId }, 4))), sorted(ids(byClass(classId))))
            assert.deepStrictEqual(
              sorted(ids(yield* everything({ classId, search: "ma", profile: "Student" }, 4))),
              sorted(ids(byClass(classId, "ma").filter((a) => a.profile === "Student"))),
            )
          }
          const inGroup = known.filter((a) => a.groups.has("class-0-lv2-es"))
          assert.isAbove(inGroup.length, 0)
          assert.deepStrictEqual(sorted(ids(yield* everything({ groupId: "class-0-lv2-es" }, 5))), sorted(ids(inGroup)))
        }).pipe(Effect.provide(live(storage)), Effect.scoped),
    )

    it.effect("BR-ACC-7 a relative with children in two schools is one entry, with both children, listed once", () =>
      Effect.gen(function* () {
        yield* append(history.appends)
        const directory = yield* Directory.Directory
        const twoSchools = known.filter((a) => a.profile === "Relative" && a.schools.size === 2)
        assert.isAbove(twoSchools.length, 0)
        for (const relative of twoSchools) {
          const entry = yield* directory.get(relative.id)
          assert.deepStrictEqual(sorted(entry!.schools), sorted(relative.schools))
          assert.deepStrictEqual(sorted(ids(entry!.children)), sorted(relative.children))
          const childSchools = new Set(entry!.children.flatMap((child) => child.schools))
          assert.deepStrictEqual(sorted(childSchools), sorted([history.school, history.otherSchool]))
          for (const school of [history.school, history.otherSchool, undefined]) {
            const all = yield* everything({ school, profile: "Relative" }, 50)
            assert.strictEqual(all.filter((e) => e.id === relative.id).length, 1)
          }
        }
        // A pupil's entry names his relatives.
        const pupil = known.find((a) => a.profile === "Student" && a.relatives.size > 0)!
        assert.deepStrictEqual(sorted(ids((yield* directory.get(pupil.id))!.relatives)), sorted(pupil.relatives))
      }).pipe(Effect.provide(live(storage)), Effect.scoped),
    )

    it.effect("BR-ACC-2 the activation code shows until activation, never after", () =>
      Effect.gen(function* () {
        yield* append(history.appends)
        const directory = yield* Directory.Directory
        // What is stored, not only what is shown: an activated account's document holds no code.
        const stored = yield* ProjectionRuntime.reader(Directory.DirectoryProjection, "accounts")
        const check = (a: Known) =>
          Effect.gen(function* () {
            assert.strictEqual((yield* directory.get(a.id))!.activationCode, a.activated ? undefined : a.code, a.id)
            assert.strictEqual((yield* stored.get(a.id))!.activationCode, a.activated ? undefined : a.code, a.id)
          })
        const activated = known.filter((a) => a.activated)
        const inactive = known.filter((a) => !a.activated)
        assert.isAbove(activated.length, 0)
        assert.isAbove(inactive.length, 0)
        for (const a of [...activated, ...inactive]) yield* check(a)
      }).pipe(Effect.provide(live(storage)), Effect.scoped),
    )
  })

suite("memory", memory)
suite("SQLite", sqlite)
describeWithServer("Directory on PostgreSQL", (server) =>
  suite(
    "PostgreSQL",
    layerWithDatabase(server, (url) => PostgresEventStore.layerDriver({ url, maxConnections: 4 })),
  ),
)

// The directory import, checked against what DOMAIN.md says the ENT shows for a directory: one account
// per feed person (BR-ACC-7, BR-ACC-8), feed memberships replaced by the feed (BR-GRP-6), classes keyed
// on their codes (BR-GRP-5), absent accounts pre-deleted (BR-ACC-12) unless past the blocking share
// (BR-FEED-1). The oracles read the model of tests/directory.ts, never the importer's plan.
import * as Fs from "node:fs"
import * as Os from "node:os"
import { join } from "node:path"
import type * as Account from "@cartable/domain/Account"
import { StructureId } from "@cartable/domain/Ids"
import * as AafReader from "@cartable/feeds/AafReader"
import * as CsvReader from "@cartable/feeds/CsvReader"
import * as FeedImport from "@cartable/feeds/FeedImport"
import { Authorization } from "@cartable/read-models/Authorization"
import { Workspace } from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Stream from "effect/Stream"
import * as Dir from "./directory.ts"
import { at, options } from "./importWorld.ts"
import {
  accountOf,
  assertPhases,
  assertShows,
  example,
  group,
  importing,
  inMemory,
  platformAdministrator,
  schoolState,
} from "./shows.ts"

describe("FeedImport", () => {
  it.effect("the example export: imported + reported = read, then nothing appended when imported again", () =>
    inMemory(
      Effect.gen(function* () {
        const reportFile = join(Os.tmpdir(), `cartable-import-report-${process.pid}.csv`)
        const first = yield* FeedImport.run(AafReader.readExport(join(example, "complet")), options({ reportFile }))
        // The report file: its header, then one line per problem or warning, with file and line.
        const lines = Fs.readFileSync(reportFile, "utf8").trimEnd().split("\n")
        assert.strictEqual(lines[0], "file;line;severity;reason;category;id;message")
        assert.strictEqual(lines.length, first.problems.length + 1)
        assert.match(
          lines[1]!,
          /^CARTABLE_Complet_20250901_EtabEducNat_0000\.xml;39;problem;InvalidUai;EtabEducNat;1003;/,
        )
        Fs.rmSync(reportFile)
        assert.strictEqual(first.imported + first.reported, first.read)
        assert.strictEqual(first.read, 54)
        assert.strictEqual(first.reported, first.problems.filter((p) => p.severity === "problem").length)
        // The reader's 9 bad records, then the links to an absent relative and the relatives left with no school.
        assert.deepStrictEqual(
          first.problems.filter((p) => p.severity === "problem").map((p) => p.reason),
          [
            "InvalidUai",
            "MalformedValue",
            "MissingId",
            "MalformedDate",
            "MalformedValue",
            "TooManyValues",
            "UnknownCategory",
            "UnknownRequest",
            "UnexpectedContent",
            "UnknownRelative",
            "UnknownRelative",
            "NoSchool",
            "NoSchool",
          ],
        )
        // The directory it shows, as examples/aaf-export/README.md describes the export.
        const college = yield* schoolState("0751234J")
        const lycee = yield* schoolState("0921567D")
        const [p4001, p4002, r5001, r5002, r5010, p4005, p4015, t3001, t3002, h3003, h3004] = yield* Effect.forEach(
          ["4001", "4002", "5001", "5002", "5010", "4005", "4015", "3001", "3002", "3003", "3004"],
          accountOf,
        )
        // Siblings share their parents' accounts, linked to each with the feed's flags (BR-ACC-7).
        const linkOf = (relative: Account.Account | undefined, pupil: Account.Account | undefined) =>
          relative?.relativeOf.find((l) => l.pupilId === pupil?.accountId)
        assert.deepStrictEqual(linkOf(r5001, p4001), {
          pupilId: p4001!.accountId,
          legalAuthority: true,
          financial: true,
          contact: true,
        })
        assert.deepStrictEqual(linkOf(r5002, p4002), {
          pupilId: p4002!.accountId,
          legalAuthority: true,
          financial: false,
          contact: true,
        })
        // A parent of pupils in two schools: one account, attached to both.
        assert.ok(linkOf(r5010, p4005) !== undefined && linkOf(r5010, p4015) !== undefined)
        assert.deepStrictEqual([...r5010!.structureIds].sort(), ["0751234J", "0921567D"])
        assert.strictEqual(group(college, "5B")?.members.get(p4005!.accountId)?.role, "Student")
        assert.strictEqual(group(lycee, "2NDE1")?.members.get(p4015!.accountId)?.role, "Student")
        // Teachers with their subjects' labels and principal classes; the maths teacher in both schools.
        assert.deepStrictEqual(group(college, "6A")?.members.get(t3001!.accountId), {
          role: "Teacher",
          source: "Feed",
          subjects: ["ANGLAIS LV1"],
          principal: true,
        })
        assert.deepStrictEqual(group(lycee, "G-MATHS")?.members.get(t3002!.accountId), {
          role: "Teacher",
          source: "Feed",
          subjects: ["MATHÉMATIQUES"],
        })
        assert.strictEqual(group(lycee, "2NDE1")?.members.get(t3002!.accountId)?.principal, true)
        assert.deepStrictEqual([t3001!.profile, t3002!.profile, h3003!.profile], ["Teacher", "Teacher", "Personnel"])
        // The heads (DIR) in their school's "Chef d'établissement" (BR-GRP-3).
        assert.isTrue(group(college, "@direction")?.members.has(h3003!.accountId))
        assert.isTrue(group(lycee, "@direction")?.members.has(h3004!.accountId))
        assert.strictEqual(group(college, "@direction")?.name, "Chef d'établissement")
        // BR-MSG-3: a pupil's sub-level is his MEF, his level the MEF it attaches to; a teacher's are the MEFs he
        // teaches, with the discipline of his post in each school; a head's function has none.
        const [p4003] = yield* Effect.forEach(["4003"], accountOf)
        const sixth = { code: "10010012110", label: "6EME" }
        const bilingual = { code: "10010012111", label: "6EME BILANGUE ANGLAIS-ALLEMAND" }
        const fifth = { code: "10110001110", label: "5EME" }
        const [collegeId, lyceeId] = [StructureId.make("0751234J"), StructureId.make("0921567D")]
        const college6 = { structureId: collegeId, disciplines: [] }
        assert.deepStrictEqual(p4001!.schooling, [{ ...college6, levels: [sixth], subLevels: [sixth] }])
        assert.deepStrictEqual(p4003!.schooling, [{ ...college6, levels: [sixth], subLevels: [bilingual] }])
        assert.deepStrictEqual(p4002!.schooling, [{ ...college6, levels: [fifth], subLevels: [fifth] }])
        assert.deepStrictEqual(t3001!.schooling, [
          {
            structureId: collegeId,
            levels: [sixth, fifth],
            subLevels: [bilingual, fifth],
            disciplines: [{ code: "L0422", label: "ANGLAIS" }],
          },
        ])
        const maths = { levels: [], subLevels: [], disciplines: [{ code: "L1300", label: "MATHEMATIQUES" }] }
        assert.deepStrictEqual(t3002!.schooling, [
          { structureId: collegeId, ...maths },
          { structureId: lyceeId, ...maths },
        ])
        assert.deepStrictEqual([h3003!.schooling, r5001!.schooling], [[], []])
        const again = yield* FeedImport.run(AafReader.readExport(join(example, "complet")), options())
        assert.strictEqual(again.events, 0)
        assert.deepStrictEqual(again.accounts, { provisioned: 0, updated: 0, preDeleted: 0, restored: 0 })
      }),
    ),
  )

  it.effect.prop(
    "BR-ACC-7 BR-ACC-8 BR-GRP-6 one account per feed person, in his class and groups, relatives linked with their flags; a second import appends nothing",
    [Dir.directory],
    ([d]) =>
      inMemory(
        Effect.gen(function* () {
          const first = yield* importing(d)
          assert.strictEqual(first.reported, 0, JSON.stringify(first.problems))
          assertPhases(first)
          const byPhase = Object.fromEntries(first.phases.map((phase) => [phase.name, phase.events]))
          assert.isAbove(byPhase.schools!, 0, "the schools are registered in their step")
          assert.isAbove(byPhase.people!, 0, "the accounts are provisioned in theirs")
          assert.strictEqual(byPhase.reading, 0, "reading appends nothing")
          yield* assertShows(d)
          const again = yield* importing(d)
          assert.strictEqual(again.events, 0, "a second import of the same export appends nothing")
          assertPhases(again)
          yield* assertShows(d)
        }),
      ),
    { fastCheck: { numRuns: 8 } },
  )

  it.effect.prop(
    "BR-MSG-3 levels, sub-levels and post disciplines come from the export: a changed formation or discipline is one update, the same export appends nothing",
    [Dir.directory],
    ([d]) =>
      inMemory(
        Effect.gen(function* () {
          yield* importing(d)
          // The next year's export: every pupil in another formation, every teacher in another discipline.
          const next = (code: string) => Dir.mefs[(Dir.mefs.findIndex((m) => m.code === code) + 1) % Dir.mefs.length]!
          const changed: Dir.Directory = {
            ...d,
            pupils: d.pupils.map((p) => ({ ...p, mef: next(p.mef).code })),
            staff: d.staff.map((t) =>
              t.discipline === undefined
                ? t
                : { ...t, discipline: Dir.disciplines.find(([code]) => code !== t.discipline![0])! },
            ),
          }
          const second = yield* importing(changed)
          const teachers = changed.staff.filter((t) => t.discipline !== undefined).length
          assert.strictEqual(second.accounts.updated, changed.pupils.length + teachers, "one update per person changed")
          yield* assertShows(changed)
          const again = yield* importing(changed)
          assert.strictEqual(again.events, 0, "the same export again appends nothing")
        }),
      ),
    { fastCheck: { numRuns: 6 } },
  )

  it.effect.prop(
    "BR-GRP-5 a class renamed in the feed is the same class; a corrected name or e-mail updates the account",
    [Dir.directory],
    ([d]) =>
      inMemory(
        Effect.gen(function* () {
          yield* importing(d)
          const before = yield* accountOf(d.pupils[0]!.id)
          const renamed: Dir.Directory = {
            ...d,
            // Classes renamed, and the group no longer listed by its school (nobody in it any more).
            schools: d.schools.map((s) => ({
              ...s,
              classes: s.classes.map(([code, label]) => [code, `${label} (bis)`]),
              groups: [],
            })),
            staff: d.staff.map((t) => ({ ...t, teaches: t.teaches.filter((teaching) => teaching.kind === "Class") })),
            // The first pupil's name corrected, and his second relative no longer linked (if he had two).
            pupils: d.pupils.map((p, i) =>
              i === 0
                ? { ...p, lastName: `${p.lastName}-Corrigé`, links: p.links.slice(0, 1), groupCodes: [] }
                : { ...p, groupCodes: [] },
            ),
            relatives: d.relatives.map((r) => ({ ...r, email: `new.${r.id}@example.org` })),
          }
          const linked = new Set(renamed.pupils.flatMap((p) => p.links.map((l) => l.relativeId)))
          const kept = { ...renamed, relatives: renamed.relatives.filter((r) => linked.has(r.id)) }
          const second = yield* importing(kept, { threshold: 1 })
          assert.strictEqual(second.accounts.provisioned, 0)
          yield* assertShows(kept)
          const after = yield* accountOf(d.pupils[0]!.id)
          assert.strictEqual(after?.accountId, before?.accountId)
          for (const school of d.schools) {
            const state = yield* schoolState(school.uai)
            for (const [code, label] of school.classes) assert.strictEqual(group(state, code)?.name, `${label} (bis)`)
            // BR-GRP-4: a feed group its school no longer lists is closed, its memberships with it.
            assert.strictEqual(group(state, "G-ANG")?.open, false)
          }
        }),
      ),
    { fastCheck: { numRuns: 4 } },
  )

  it.effect("BR-ACC-8 a pupil moving school keeps his account, and his relatives theirs", () =>
    inMemory(
      Effect.gen(function* () {
        const d = FastCheck.sample(Dir.directory, { seed: 7, numRuns: 1 })[0]!
        yield* importing(d)
        const mover = d.pupils[0]!
        const before = yield* accountOf(mover.id)
        const relativesBefore = yield* Effect.forEach(mover.links, (l) => accountOf(l.relativeId))
        const other = d.schools.find((s) => s.jointure !== mover.school)!
        const moved: Dir.Directory = {
          ...d,
          pupils: d.pupils.map((p, i) =>
            i === 0 ? { ...p, school: other.jointure, classCode: "6B", groupCodes: [] } : p,
          ),
        }
        const second = yield* importing(moved, { threshold: 1 })
        assert.strictEqual(second.accounts.provisioned, 0)
        const after = yield* accountOf(mover.id)
        assert.strictEqual(after?.accountId, before?.accountId)
        assert.deepStrictEqual(after?.structureIds, [StructureId.make(other.uai)])
        const relativesAfter = yield* Effect.forEach(mover.links, (l) => accountOf(l.relativeId))
        assert.deepStrictEqual(
          relativesAfter.map((r) => r?.accountId),
          relativesBefore.map((r) => r?.accountId),
        )
        yield* assertShows(moved)
      }),
    ),
  )

  it.effect.prop(
    "BR-FEED-1 BR-ACC-12 a full import pre-deletes the absent unless more than the blocking share of a school would go; then nothing applies there until confirmed",
    [Dir.directory, FastCheck.integer({ min: 1, max: 12 }), FastCheck.constantFrom(0, 0.1, 0.25, 0.5)],
    ([d, removed, threshold]) =>
      inMemory(
        Effect.gen(function* () {
          yield* importing(d)
          const school = d.schools[0]!
          const people = [
            ...d.pupils.filter((p) => p.school === school.jointure).map((p) => p.id),
            ...d.staff.filter((s) => s.school === school.jointure).map((s) => s.id),
          ]
          const gone = new Set(people.slice(0, removed))
          if (gone.size === 0) return
          // Pupils and staff of school A leave; relatives stay through their children, linked or not.
          const later: Dir.Directory = {
            ...d,
            pupils: d.pupils.filter((p) => !gone.has(p.id)),
            staff: d.staff.filter((s) => !gone.has(s.id)),
          }
          const linked = new Set(later.pupils.flatMap((p) => p.links.map((l) => l.relativeId)))
          const orphans = d.relatives.filter((r) => !linked.has(r.id))
          const next = { ...later, relatives: d.relatives.filter((r) => linked.has(r.id)) }
          // The school's accounts before, and those that leave it: absent from the export, or elsewhere only.
          const before = Dir.everyone(d).filter((id) => Dir.schoolsOf(d, id).includes(school.jointure))
          const leaving = before.filter((id) => !Dir.schoolsOf(next, id).includes(school.jointure))
          const report = yield* importing(next, { threshold })
          const heldHere = report.held.find((h) => h.structureId === school.uai)
          // "More than a configured share": exactly the share is not held.
          assert.strictEqual(
            heldHere !== undefined,
            leaving.length / before.length > threshold,
            JSON.stringify(report.held),
          )
          for (const id of gone) {
            const account = yield* accountOf(id)
            assert.strictEqual(account?.deletion, heldHere === undefined ? "PreDeleted" : "None")
          }
          if (heldHere === undefined) return
          // Nothing of the school was applied; an administrator confirms, and the same import applies.
          yield* confirm(d.schools[1]!.uai, school.uai, heldHere.digest)
          const applied = yield* importing(next, { threshold })
          assert.deepStrictEqual(applied.held, [])
          for (const id of gone) assert.strictEqual((yield* accountOf(id))?.deletion, "PreDeleted")
          // They come back: restored (BR-ACC-12), with their accounts.
          const back = yield* importing(d, { threshold: 1 })
          assert.strictEqual(back.accounts.restored, gone.size + orphans.length)
          for (const id of gone) assert.strictEqual((yield* accountOf(id))?.deletion, "None")
          yield* assertShows(d)
        }),
      ),
    { fastCheck: { numRuns: 12 } },
  )

  it.effect("BR-FEED-1 a confirmation applies the change it was given for, not another one", () =>
    inMemory(
      Effect.gen(function* () {
        const d = FastCheck.sample(Dir.directory, { seed: 3, numRuns: 1 })[0]!
        const school = d.schools[0]!
        const here = d.pupils.filter((p) => p.school === school.jointure)
        if (here.length < 2) return assert.fail("the sample has two pupils in school A")
        yield* importing(d)
        const without = (n: number): Dir.Directory => {
          const gone = new Set(here.slice(0, n).map((p) => p.id))
          return { ...d, pupils: d.pupils.filter((p) => !gone.has(p.id)) }
        }
        const first = yield* importing(without(1), { threshold: 0 })
        const digest = first.held.find((h) => h.structureId === school.uai)!.digest
        yield* confirm(d.schools[1]!.uai, school.uai, digest)
        // Another change than the one confirmed: held again, under its own digest, nothing applied.
        const other = yield* importing(without(2), { threshold: 0 })
        const again = other.held.find((h) => h.structureId === school.uai)
        assert.ok(again !== undefined && again.digest !== digest)
        assert.strictEqual((yield* accountOf(here[0]!.id))?.deletion, "None")
        // The confirmed change applies.
        const applied = yield* importing(without(1), { threshold: 0 })
        assert.isUndefined(applied.held.find((h) => h.structureId === school.uai))
        assert.strictEqual((yield* accountOf(here[0]!.id))?.deletion, "PreDeleted")
        assert.strictEqual((yield* accountOf(here[1]!.id))?.deletion, "None")
      }),
    ),
  )
})

/** The platform's administrator confirms the held import, through the Workspace as he would. */
const confirm = (home: string, uai: string, digest: string) =>
  Effect.gen(function* () {
    const vendor = yield* platformAdministrator(home)
    yield* (yield* Workspace).handle(
      vendor,
      { _tag: "ConfirmFeedImport", structureId: uai, digest },
      { occurredAt: at },
    )
  })

describe("FeedImport, the CSV variant", () => {
  it.effect(
    "a small school's CSV file: the same rules, imported + reported = read, nothing appended the second time",
    () =>
      inMemory(
        Effect.gen(function* () {
          const file = join(example, "csv", "ecole-des-tilleuls.csv")
          const first = yield* FeedImport.run(CsvReader.readFile(file), options())
          assert.strictEqual(first.imported + first.reported, first.read)
          // The reader's two bad rows (a 31 April, a legal flag 3); a CSV relative is attached to the school itself.
          assert.deepStrictEqual(
            first.problems.filter((p) => p.severity === "problem").map((p) => p.reason),
            ["MalformedDate", "MalformedValue"],
          )
          const school = yield* schoolState("0694321X")
          const [chloe, lucas, father, head, cp] = yield* Effect.forEach(
            ["0694321X-1001", "0694321X-1002", "0694321X-P01", "0694321X-D01", "0694321X-E01"],
            accountOf,
          )
          assert.strictEqual(group(school, "CP")?.members.get(chloe!.accountId)?.role, "Student")
          assert.strictEqual(group(school, "CHORALE")?.members.get(lucas!.accountId)?.role, "Student")
          // One father for the two children (BR-ACC-7), a head in the direction who also teaches (BR-GRP-3).
          assert.deepStrictEqual(
            father!.relativeOf.map((l) => l.pupilId).sort(),
            [chloe!.accountId, lucas!.accountId].sort(),
          )
          assert.isTrue(group(school, "@direction")?.members.has(head!.accountId))
          assert.strictEqual(group(school, "CM1-CM2")?.members.get(head!.accountId)?.principal, true)
          assert.strictEqual(group(school, "CP")?.members.get(cp!.accountId)?.role, "Teacher")
          const again = yield* FeedImport.run(CsvReader.readFile(file), options())
          assert.strictEqual(again.events, 0)
        }),
      ),
  )
})

describe("FeedImport, read twice (passes: 2)", () => {
  it.effect.prop(
    "BR-ACC-7 BR-ACC-8 BR-GRP-6 an export read twice ends in the directory it describes; imported again, read once or twice, it appends nothing",
    [Dir.directory],
    ([d]) =>
      inMemory(
        Effect.gen(function* () {
          // Small batches: relatives given with their links to the pupils of earlier batches, waiting for
          // the next batch when another relative of the batch is linked to one of their children.
          // The export is read once (its drafts read back from a temporary file): a one-shot source does.
          let runs = 0
          const once = Stream.concat(Stream.fromEffect(Effect.sync(() => runs++)).pipe(Stream.drain), Dir.elements(d))
          const first = yield* FeedImport.run(once, options({ passes: 2, batchSize: 3 }))
          assert.strictEqual(runs, 1, "the stream is run once")
          assert.strictEqual(first.reported, 0, JSON.stringify(first.problems))
          yield* assertShows(d)
          assert.strictEqual((yield* importing(d)).events, 0, "read once after twice: nothing appended")
          assert.strictEqual((yield* importing(d, { passes: 2 })).events, 0, "read twice again: nothing appended")
        }),
      ),
    { fastCheck: { numRuns: 6 } },
  )

  it.effect("the example export read twice: the same report and the same accounts as read once", () =>
    Effect.gen(function* () {
      /** The report, and each feed person's account without its random id and its login. */
      const importedWith = (passes: 1 | 2) =>
        inMemory(
          Effect.gen(function* () {
            const report = yield* FeedImport.run(AafReader.readExport(join(example, "complet")), options({ passes }))
            const people: Array<unknown> = []
            for (const id of ["3001", "3002", "3003", "3004", "4001", "4002", "4003", "4005", "4015", "5001", "5010"]) {
              const account = yield* accountOf(id)
              assert.isDefined(account, id)
              const { firstName, lastName, profile, schooling, structureIds, deletion } = account!
              people.push({ id, firstName, lastName, profile, schooling, structureIds, deletion })
            }
            const college = yield* schoolState("0751234J")
            const groups = [...college.groups.values()].map((group) => [group.groupId, group.members.size])
            // Read once, the relatives' links go in the links' step; read twice, most come with the relatives.
            const { phases: _phases, ...counts } = report
            return { report: { ...counts, problems: report.problems.length }, people, groups }
          }),
        )
      const once = yield* importedWith(1)
      const twice = yield* importedWith(2)
      assert.deepStrictEqual(twice, once)
    }),
  )

  it.effect.prop(
    "BR-ACC-7 a second relative with a pupil's relative's names, read once or twice: both accounts, the pupil linked to the first only, the second link reported on the pupil",
    [Dir.directory],
    ([d]) =>
      Effect.gen(function* () {
        // The export's "doublons responsables" (seed 004): a second record of the first pupil's first relative.
        const pupil = d.pupils[0]!
        const relative = d.relatives.find((r) => r.id === pupil.links[0]!.relativeId)!
        const twin = { ...relative, id: "R-twin", email: undefined }
        const doubled: Dir.Directory = {
          ...d,
          relatives: [...d.relatives, twin],
          pupils: [
            { ...pupil, links: [...pupil.links, { relativeId: twin.id, legal: 1, financial: false, contact: true }] },
            ...d.pupils.slice(1),
          ],
        }
        // Batches of two let a relative read after his children's batch be provisioned with his links.
        for (const [passes, batchSize] of [
          [1, 200],
          [2, 200],
          [2, 2],
        ] as const) {
          yield* inMemory(
            Effect.gen(function* () {
              const report = yield* importing(doubled, { passes, batchSize })
              assert.deepStrictEqual(
                report.problems.map((problem) => [problem.category, problem.id, problem.message.slice(0, 9)]),
                [["Eleve", pupil.id, "BR-ACC-7:"]],
                `passes ${passes}, batches of ${batchSize}: ${JSON.stringify(report.problems)}`,
              )
              const first = yield* accountOf(relative.id)
              const second = yield* accountOf(twin.id)
              assert.isDefined(first)
              assert.isDefined(second, "the second record has its account")
              const child = yield* accountOf(pupil.id)
              const facts = yield* Authorization
              const linked = (yield* facts.account(child!.accountId))!.relativeIds
              assert.include(linked, first!.accountId, `passes ${passes}, batches of ${batchSize}`)
              assert.notInclude(linked, second!.accountId, `passes ${passes}, batches of ${batchSize}`)
            }),
          )
        }
      }),
    { fastCheck: { numRuns: 8 } },
  )

  it.effect("passes other than 1 or 2 are refused before anything is read", () =>
    inMemory(
      Effect.gen(function* () {
        const refused = yield* Effect.flip(
          FeedImport.run(AafReader.readExport(join(example, "complet")), options({ passes: 3 as never })),
        )
        assert.strictEqual(refused._tag, "FeedImportError")
        assert.include(refused.message, "passes 1 or 2")
      }),
    ),
  )
})

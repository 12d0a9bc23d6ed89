// The directory import, checked against what DOMAIN.md says the ENT shows for a directory: one account
// per feed person (BR-ACC-7, BR-ACC-8), feed memberships replaced by the feed (BR-GRP-6), classes keyed
// on their codes (BR-GRP-5), absent accounts pre-deleted (BR-ACC-12) unless past the blocking share
// (BR-FEED-1). The oracles read the model of tests/directory.ts, never the importer's plan.
import * as Fs from "node:fs"
import * as Os from "node:os"
import { join } from "node:path"
import * as Account from "@cartable/domain/Account"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import * as Structure from "@cartable/domain/Structure"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as AafReader from "@cartable/feeds/AafReader"
import * as CsvReader from "@cartable/feeds/CsvReader"
import * as FeedImport from "@cartable/feeds/FeedImport"
import { Authorization } from "@cartable/read-models/Authorization"
import { Workspace } from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Writer from "./aafWriter.ts"
import * as Dir from "./directory.ts"
import { at, memory, options, stack } from "./importWorld.ts"

const example = join(import.meta.dirname, "../../../examples/aaf-export")
const inMemory = <A, E>(
  effect: Effect.Effect<A, E, Workspace | Authorization | import("@cartable/eventlog/EventStore").EventStore>,
) => Effect.provide(effect, stack.pipe(Layer.provideMerge(memory())))

const importing = (d: Dir.Directory, overrides: Partial<FeedImport.Options> = {}) =>
  FeedImport.run(Dir.elements(d), options(overrides))

const accountOf = (externalId: string) =>
  Effect.gen(function* () {
    const id = yield* (yield* Authorization).feedHolder("AAF", externalId)
    if (id === undefined) return undefined
    const { state } = yield* CommandHandler.load(Account.aggregate, id)
    return state._tag === "Account" ? state : undefined
  })

const schoolState = (uai: string) =>
  Effect.map(CommandHandler.load(Structure.aggregate, uai), ({ state }) => {
    assert.ok(state._tag === "Structure", `${uai} is registered`)
    return state
  })

const group = (school: Structure.Structure, code: string) =>
  school.groups.get(Structure.groupIdOf(StructureId.make(school.structureId), code))

/** A formation of the model as a level or sub-level: its code and label. */
const mefAs = (code: string) => {
  const mef = Dir.mefs.find((m) => m.code === code)!
  return { code: mef.code, label: mef.label }
}
const byCode = <A extends { readonly code: string }>(list: ReadonlyArray<A>) =>
  [...list].sort((a, b) => (a.code < b.code ? -1 : 1))

/**
 * BR-MSG-3's values as the model has them (written from the seed's "niveau, sous-niveau, discipline de poste",
 * docs/feeds.md): a pupil's sub-level is his MEF and his level the MEF it attaches to, in his school; a
 * teacher's are the MEFs he teaches, with his post's discipline.
 */
const schoolingOf = (d: Dir.Directory, id: string) => {
  const pupil = d.pupils.find((p) => p.id === id)
  if (pupil !== undefined) {
    const attach = Dir.mefs.find((m) => m.code === pupil.mef)!.attach
    return [
      {
        structureId: StructureId.make(Dir.uaiOfSchool(d, pupil.school)),
        levels: [mefAs(attach)],
        subLevels: [mefAs(pupil.mef)],
        disciplines: [],
      },
    ]
  }
  const staff = d.staff.find((s) => s.id === id)
  if (staff === undefined || (staff.discipline === undefined && staff.mefsTaught.length === 0)) return []
  const attaches = new Set(staff.mefsTaught.map((code) => Dir.mefs.find((m) => m.code === code)!.attach))
  return [
    {
      structureId: StructureId.make(Dir.uaiOfSchool(d, staff.school)),
      levels: byCode([...attaches].map(mefAs)),
      subLevels: byCode(staff.mefsTaught.map(mefAs)),
      disciplines: staff.discipline === undefined ? [] : [{ code: staff.discipline[0], label: staff.discipline[1] }],
    },
  ]
}

/** A modify request of a person: the attributes it replaces. */
const modify = (
  category: "Eleve" | "PersEducNat",
  id: string,
  attributes: Writer.Request["attributes"],
): Writer.Request => ({ kind: "modify", categoryAttribute: "categoriePersonne", category, id, attributes })

/** Files (name, XML) as the reader streams them. */
const fromFiles = (files: ReadonlyArray<readonly [string, string]>) =>
  Stream.fromIterable(files).pipe(
    Stream.flatMap(([name, xml]) =>
      AafReader.fromBytes(name, Stream.make(new TextEncoder().encode(xml))).pipe(Stream.orDie),
    ),
  )

/** An incremental export of `requests`, read with the schools, MEFs and subjects of `d`'s full export. */
const deltaOf = (d: Dir.Directory, requests: ReadonlyArray<Writer.Request>) =>
  fromFiles([
    ...Dir.files(d).filter(([name]) => /EtabEducNat|MefEducNat|MatiereEducNat/.test(name)),
    ["T_Delta_20250915_PersEducNat_0000.xml", Writer.document(requests.filter((r) => r.category !== "Eleve"))],
    ["T_Delta_20250915_Eleve_0000.xml", Writer.document(requests.filter((r) => r.category === "Eleve"))],
  ])

/**
 * What an incremental export changes of the directory's schooling, person by person (a directory has at most
 * 12 pupils and 4 staff): a pupil's new MEF; a staff member's new MEFs taught (none: replaced with nothing)
 * and new functions (a discipline, a function without one, or ENTPersonFonctions replaced with nothing).
 */
const schoolingChanges = FastCheck.record({
  pupils: FastCheck.array(FastCheck.option(FastCheck.nat(Dir.mefs.length - 1), { nil: undefined }), {
    minLength: 12,
    maxLength: 12,
  }),
  staff: FastCheck.array(
    FastCheck.record({
      mefs: FastCheck.option(FastCheck.uniqueArray(FastCheck.nat(Dir.mefs.length - 1), { maxLength: 3 }), {
        nil: undefined,
      }),
      functions: FastCheck.option(
        FastCheck.oneof(FastCheck.nat(Dir.disciplines.length - 1), FastCheck.constantFrom("none", "nothing")),
        { nil: undefined },
      ),
    }),
    { minLength: 4, maxLength: 4 },
  ),
})

/**
 * The directory once changed, and the modify requests that say it, written from the model: each replaces
 * only the attributes changed. A head's functions are written again as his `DIR` (he stays the head).
 */
const applyChanges = (
  d: Dir.Directory,
  c: typeof schoolingChanges extends FastCheck.Arbitrary<infer A> ? A : never,
) => {
  const requests: Array<Writer.Request> = []
  const pupils = d.pupils.map((p, i) => {
    const mef = c.pupils[i]
    if (mef === undefined) return p
    requests.push(modify("Eleve", p.id, [["ENTEleveMEF", [Dir.mefs[mef]!.code]]]))
    return { ...p, mef: Dir.mefs[mef]!.code }
  })
  const staff = d.staff.map((s, i) => {
    const change = c.staff[i]!
    const mefsTaught = change.mefs === undefined ? s.mefsTaught : change.mefs.map((m) => Dir.mefs[m]!.code)
    const discipline =
      change.functions === undefined || s.direction
        ? s.discipline
        : typeof change.functions === "number"
          ? Dir.disciplines[change.functions]!
          : undefined
    const attributes: Array<readonly [string, ReadonlyArray<string>]> = []
    if (change.mefs !== undefined) attributes.push(["ENTAuxEnsMEF", mefsTaught.map((code) => `${s.school}$${code}`)])
    if (change.functions !== undefined) {
      attributes.push([
        "ENTPersonFonctions",
        s.direction
          ? [`${s.school}$DIR$DIRECTION$$`]
          : change.functions === "nothing"
            ? []
            : [`${s.school}$ENS$ENSEIGNEMENT$${discipline?.[0] ?? ""}$${discipline?.[1] ?? ""}`],
      ])
    }
    if (attributes.length > 0) requests.push(modify("PersEducNat", s.id, attributes))
    return { ...s, mefsTaught, discipline }
  })
  return { changed: { ...d, pupils, staff } satisfies Dir.Directory, requests }
}

/**
 * What an incremental export changes of who is where (a directory has at most 12 pupils and 4 staff): a pupil
 * moved to the other school, his class and groups, his relatives and their flags; a staff member moved, put in
 * or out of the direction (BR-GRP-3), a teacher's class, subject, principal class and group taught.
 */
const placeChanges = FastCheck.record({
  pupils: FastCheck.array(
    FastCheck.option(
      FastCheck.record({
        move: FastCheck.boolean(),
        classCode: FastCheck.constantFrom("6A", "6B"),
        inGroup: FastCheck.boolean(),
        links: FastCheck.option(
          FastCheck.array(
            FastCheck.record({
              relative: FastCheck.nat(7),
              legal: FastCheck.constantFrom(0 as const, 1 as const, 2 as const),
              financial: FastCheck.boolean(),
              contact: FastCheck.boolean(),
            }),
            { minLength: 1, maxLength: 2 },
          ),
          { nil: undefined },
        ),
      }),
      { nil: undefined },
    ),
    { minLength: 12, maxLength: 12 },
  ),
  staff: FastCheck.array(
    FastCheck.option(
      FastCheck.record({
        move: FastCheck.boolean(),
        direction: FastCheck.boolean(),
        teaching: FastCheck.option(
          FastCheck.record({
            classCode: FastCheck.constantFrom("6A", "6B"),
            subject: FastCheck.nat(Dir.subjects.length - 1),
            principal: FastCheck.boolean(),
            group: FastCheck.boolean(),
          }),
          { nil: undefined },
        ),
      }),
      { nil: undefined },
    ),
    { minLength: 4, maxLength: 4 },
  ),
})

/**
 * The directory once people moved, written from the model. A relative no pupil links any more is linked
 * back to his first child (an export lists the relatives of its pupils only); a head's functions are his
 * `DIR` alone (he loses his post's discipline), and only a teacher's teaching changes (a profile stays).
 */
const movePeople = (d: Dir.Directory, c: typeof placeChanges extends FastCheck.Arbitrary<infer A> ? A : never) => {
  const other = (jointure: string) => d.schools.find((s) => s.jointure !== jointure)!.jointure
  let pupils = d.pupils.map((p, i) => {
    const change = c.pupils[i]
    if (change === undefined) return p
    const links =
      change.links === undefined
        ? p.links
        : change.links
            .map(({ relative, ...flags }) => ({ relativeId: d.relatives[relative % d.relatives.length]!.id, ...flags }))
            .filter((link, j, all) => all.findIndex((l) => l.relativeId === link.relativeId) === j)
    return {
      ...p,
      school: change.move ? other(p.school) : p.school,
      classCode: change.classCode,
      groupCodes: change.inGroup ? ["G-ANG"] : [],
      links,
    }
  })
  for (const relative of d.relatives) {
    if (pupils.some((p) => p.links.some((l) => l.relativeId === relative.id))) continue
    const first = d.pupils.find((p) => p.links.some((l) => l.relativeId === relative.id))!
    const link = first.links.find((l) => l.relativeId === relative.id)!
    pupils = pupils.map((p) => (p.id === first.id ? { ...p, links: [...p.links, link] } : p))
  }
  const staff = d.staff.map((s, i) => {
    const change = c.staff[i]
    if (change === undefined) return s
    const teaching = s.teaches.length === 0 ? undefined : change.teaching
    return {
      ...s,
      school: change.move ? other(s.school) : s.school,
      direction: change.direction,
      discipline: change.direction ? undefined : s.discipline,
      teaches:
        teaching === undefined
          ? s.teaches
          : [
              {
                code: teaching.classCode,
                kind: "Class" as const,
                subjects: [Dir.subjects[teaching.subject]![0]],
                principal: teaching.principal,
              },
              ...(teaching.group
                ? [{ code: "G-ANG", kind: "TeachingGroup" as const, subjects: ["ANG"], principal: false }]
                : []),
            ],
    }
  })
  return { ...d, pupils, staff } satisfies Dir.Directory
}

/** What DOMAIN.md says the ENT shows for the directory `d`, checked on the log. */
const assertShows = (d: Dir.Directory) =>
  Effect.gen(function* () {
    const seen = new Set<string>()
    for (const pupil of d.pupils) {
      const account = yield* accountOf(pupil.id)
      assert.ok(account !== undefined, `pupil ${pupil.id} has an account`)
      assert.strictEqual(account.profile, "Student")
      assert.deepStrictEqual([account.firstName, account.lastName], [pupil.firstName, pupil.lastName])
      const uai = Dir.uaiOfSchool(d, pupil.school)
      assert.include(account.structureIds, uai)
      assert.deepStrictEqual(account.schooling, schoolingOf(d, pupil.id), `${pupil.id}'s level and sub-level`)
      seen.add(account.accountId)
      const school = yield* schoolState(uai)
      // BR-GRP-2: his one class of the year, as the feed says, and his groups.
      for (const code of ["6A", "6B"]) {
        const member = group(school, code)?.members.get(account.accountId)
        assert.strictEqual(member?.role, code === pupil.classCode ? "Student" : undefined, `${pupil.id} in ${code}`)
      }
      assert.strictEqual(
        group(school, "G-ANG")?.members.get(account.accountId)?.role,
        pupil.groupCodes.includes("G-ANG") ? "Student" : undefined,
      )
    }
    for (const relative of d.relatives) {
      const account = yield* accountOf(relative.id)
      assert.ok(account !== undefined, `relative ${relative.id} has one account`)
      assert.strictEqual(account.profile, "Relative")
      assert.strictEqual(account.email, relative.email)
      assert.deepStrictEqual(account.schooling, [], "a relative's levels are his children's, none of his own")
      // BR-ACC-7: one account for all his children, linked to each with the feed's flags.
      const children = d.pupils.filter((p) => p.links.some((l) => l.relativeId === relative.id))
      assert.strictEqual(account.relativeOf.length, children.length)
      for (const child of children) {
        const link = child.links.find((l) => l.relativeId === relative.id)!
        const pupil = yield* accountOf(child.id)
        const linked = account.relativeOf.find((l) => l.pupilId === pupil?.accountId)
        assert.deepStrictEqual(linked && [linked.legalAuthority, linked.financial, linked.contact], [
          link.legal !== 0,
          link.financial,
          link.contact,
        ])
        assert.include(account.structureIds, Dir.uaiOfSchool(d, child.school))
      }
      seen.add(account.accountId)
    }
    for (const staff of d.staff) {
      const account = yield* accountOf(staff.id)
      assert.ok(account !== undefined, `staff ${staff.id} has an account`)
      assert.strictEqual(account.profile, staff.teaches.length > 0 ? "Teacher" : "Personnel")
      assert.deepStrictEqual(account.schooling, schoolingOf(d, staff.id), `${staff.id}'s levels and disciplines`)
      const school = yield* schoolState(Dir.uaiOfSchool(d, staff.school))
      for (const teaching of staff.teaches) {
        const member = group(school, teaching.code)?.members.get(account.accountId)
        const labels = teaching.subjects.map((code) => Dir.subjects.find(([c]) => c === code)![1])
        assert.deepStrictEqual(member, {
          role: "Teacher",
          source: "Feed",
          subjects: labels,
          ...(teaching.principal ? { principal: true } : {}),
        })
      }
      // BR-GRP-3: the head is in the direction's functional group.
      const direction = [...school.groups.values()].find((g) => g.function === "Direction")
      assert.strictEqual(direction?.members.has(account.accountId), staff.direction)
      seen.add(account.accountId)
    }
    assert.strictEqual(seen.size, d.pupils.length + d.relatives.length + d.staff.length, "one account per person")
    // BR-ACC-8: each person in his schools and no other; a relative in his children's.
    for (const id of Dir.everyone(d)) {
      const account = yield* accountOf(id)
      const schools = Dir.schoolsOf(d, id).map((jointure) => Dir.uaiOfSchool(d, jointure))
      assert.deepStrictEqual([...account!.structureIds].sort(), schools.sort(), `${id}'s schools`)
    }
    // BR-GRP-6: every class, group and direction holds the feed's members, as the model has them, and no other.
    const idOf = new Map<string, string>()
    for (const id of Dir.everyone(d)) idOf.set((yield* accountOf(id))!.accountId, id)
    for (const school of d.schools) {
      const state = yield* schoolState(school.uai)
      for (const code of [...school.classes, ...school.groups].map(([code]) => code).concat("@direction")) {
        const here = <P extends { readonly school: string }>(list: ReadonlyArray<P>) =>
          list.filter((p) => p.school === school.jointure)
        const expected = [
          ...here(d.pupils)
            .filter((p) => p.classCode === code || p.groupCodes.includes(code))
            .map((p) => [p.id, "Student"]),
          ...here(d.staff)
            .filter((s) => (code === "@direction" ? s.direction : s.teaches.some((t) => t.code === code)))
            .map((s) => [s.id, code === "@direction" ? "Member" : "Teacher"]),
        ].sort()
        const members = [...(group(state, code)?.members ?? new Map())].map(([accountId, member]) => [
          idOf.get(accountId),
          member.role,
        ])
        assert.deepStrictEqual(members.sort(), expected, `the members of ${school.uai}$${code}`)
      }
    }
  })

/** A report's steps (FeedImport.Phase): every one, in the order they run, their events summing to the run's. */
const assertPhases = (report: FeedImport.Report) => {
  assert.deepStrictEqual(
    report.phases.map((phase) => phase.name),
    ["reading", "schools", "people", "groups", "links", "absent", "deletions", "modifications"],
  )
  assert.strictEqual(
    report.phases.reduce((sum, phase) => sum + phase.events, 0),
    report.events,
    "the steps' events are the run's",
  )
  for (const phase of report.phases) assert.isAtLeast(phase.seconds, 0, phase.name)
}

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

/** The platform's administrator (attached to `home`), appointed as a vendor appoints him: his account id. */
const platformAdministrator = (home: string) =>
  Effect.gen(function* () {
    const ws = yield* Workspace
    const vendor = AccountId.make("vendor-1")
    yield* ws
      .system("aaf-import")
      .handle(
        {
          _tag: "ProvisionAccount",
          accountId: vendor,
          profile: "Personnel",
          origin: { _tag: "Feed", source: "VENDOR", externalId: "vendor-1" },
          structureId: home,
          login: "vendor.admin",
          firstName: "Vendor",
          lastName: "Admin",
          activationCode: "abcdefgh",
        },
        { occurredAt: at },
      )
      .pipe(Effect.ignore)
    yield* ws.system("install").handle({ _tag: "AppointPlatformAdministrator", accountId: vendor }, { occurredAt: at })
    return vendor
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

describe("FeedImport, incremental", () => {
  it.effect(
    "BR-MSG-3 the example's incremental export, read with the schools and MEFs of the full one: class and formation change, corrected name, emptied groups, departure, MEFs taught and disciplines replaced",
    () =>
      inMemory(
        Effect.gen(function* () {
          yield* FeedImport.run(AafReader.readExport(join(example, "complet")), options())
          const schools = (yield* AafReader.exportFiles(join(example, "complet"))).filter(
            (f) => f.includes("EtabEducNat") || f.includes("MefEducNat"),
          )
          const delta = yield* AafReader.exportFiles(join(example, "delta"))
          const before = yield* accountOf("4010")
          const report = yield* FeedImport.run(
            AafReader.readFiles([...schools, ...delta]),
            options({ mode: "incremental" }),
          )
          assert.strictEqual(report.imported + report.reported, report.read)
          // 4004's class value has three fields: the reader's bad record; everything else applies.
          assert.deepStrictEqual(
            report.problems.filter((p) => p.severity === "problem").map((p) => [p.reason, p.id]),
            [
              ["InvalidUai", undefined],
              ["MalformedValue", "4004"],
            ].map(([reason, id]) => [reason, id ?? report.problems[0]!.id]),
          )
          const college = yield* schoolState("0751234J")
          const moved = yield* accountOf("4003")
          assert.strictEqual(group(college, "5B")?.members.get(moved!.accountId)?.role, "Student")
          assert.isUndefined(group(college, "6A")?.members.get(moved!.accountId))
          const renamed = yield* accountOf("4010")
          assert.strictEqual(renamed?.accountId, before?.accountId)
          assert.strictEqual(renamed?.firstName, "Camille-Rose")
          for (const g of college.groups.values()) {
            if (g.kind === "TeachingGroup") assert.isFalse(g.members.has(renamed!.accountId))
          }
          // 4020 leaves; the full import had reported him (his relative 5019 is not in the export): nothing to pre-delete.
          assert.isUndefined(yield* accountOf("4020"))
          assert.strictEqual(report.accounts.preDeleted, 0)
          // BR-MSG-3, from the delta's XML: 4003's ENTEleveMEF is now 10110001110 (5EME, attached to itself), in
          // his attachment school; 3001 now teaches the 5e only (ENTAuxEnsMEF 1001$10110001110) and keeps her
          // discipline (her functions are not replaced); 3002's functions now give PHYSIQUE-CHIMIE in 1002 and no
          // MEF taught (none replaced, none before).
          const fifth = { code: "10110001110", label: "5EME" }
          const [collegeId, lyceeId] = [StructureId.make("0751234J"), StructureId.make("0921567D")]
          assert.deepStrictEqual(moved!.schooling, [
            { structureId: collegeId, levels: [fifth], subLevels: [fifth], disciplines: [] },
          ])
          const [t3001, t3002] = yield* Effect.forEach(["3001", "3002"], accountOf)
          assert.deepStrictEqual(t3001!.schooling, [
            {
              structureId: collegeId,
              levels: [fifth],
              subLevels: [fifth],
              disciplines: [{ code: "L0422", label: "ANGLAIS" }],
            },
          ])
          assert.deepStrictEqual(t3002!.schooling, [
            {
              structureId: collegeId,
              levels: [],
              subLevels: [],
              disciplines: [{ code: "L1300", label: "MATHEMATIQUES" }],
            },
            {
              structureId: lyceeId,
              levels: [],
              subLevels: [],
              disciplines: [{ code: "L1500", label: "PHYSIQUE-CHIMIE" }],
            },
          ])
          // One update each: 4003 (his MEF; a class change is no update of the account), 4010 (name), 3001, 3002.
          assert.strictEqual(report.accounts.updated, 4)
          // Applied again: nothing more.
          const again = yield* FeedImport.run(
            AafReader.readFiles([...schools, ...delta]),
            options({ mode: "incremental" }),
          )
          assert.strictEqual(again.events, 0)
        }),
      ),
  )

  it.effect("BR-GRP-1 a teacher added by an incremental export keeps what he teaches, as a full import gives it", () =>
    inMemory(
      Effect.gen(function* () {
        const d = FastCheck.sample(
          Dir.directory.filter((d) => d.staff.some((s) => s.teaches.some((t) => t.subjects.length > 0))),
          { seed: 7, numRuns: 1 },
        )[0]!
        const newcomer = d.staff.find((s) => s.teaches.some((t) => t.subjects.length > 0))!
        yield* importing({ ...d, staff: d.staff.filter((s) => s !== newcomer) })
        // The same directory's files as a delta: the others are already there, the newcomer is added.
        const delta = Stream.fromIterable(Dir.files(d)).pipe(
          Stream.filter(([name]) => !name.includes("Eleve") && !name.includes("PersRelEleve")),
          Stream.flatMap(([name, xml]) =>
            AafReader.fromBytes(name.replace("Complet", "Delta"), Stream.make(new TextEncoder().encode(xml))).pipe(
              Stream.orDie,
            ),
          ),
        )
        yield* FeedImport.run(delta, options({ mode: "incremental" }))
        const account = yield* accountOf(newcomer.id)
        const school = yield* schoolState(Dir.uaiOfSchool(d, newcomer.school))
        for (const teaching of newcomer.teaches) {
          const labels = teaching.subjects.map((code) => Dir.subjects.find(([c]) => c === code)![1])
          assert.deepStrictEqual(group(school, teaching.code)?.members.get(account!.accountId), {
            role: "Teacher",
            source: "Feed",
            ...(labels.length === 0 ? {} : { subjects: labels }),
            ...(teaching.principal ? { principal: true } : {}),
          })
        }
      }),
    ),
  )

  it.effect(
    "BR-ACC-12 a delete request pre-deletes the person's account; the next full import that lists him restores it",
    () =>
      inMemory(
        Effect.gen(function* () {
          const d = FastCheck.sample(Dir.directory, { seed: 11, numRuns: 1 })[0]!
          yield* importing(d)
          const pupil = d.pupils[0]!
          const xml = Writer.document([
            { kind: "delete", categoryAttribute: "categoriePersonne", category: "Eleve", id: pupil.id, attributes: [] },
          ])
          const delta = AafReader.fromBytes(
            "T_Delta_20250915_Eleve_0000.xml",
            Stream.make(new TextEncoder().encode(xml)),
          )
          const report = yield* FeedImport.run(delta, options({ mode: "incremental" }))
          assert.strictEqual(report.accounts.preDeleted, 1)
          assert.strictEqual((yield* accountOf(pupil.id))?.deletion, "PreDeleted")
          const back = yield* importing(d)
          assert.strictEqual(back.accounts.restored, 1)
          assert.strictEqual((yield* accountOf(pupil.id))?.deletion, "None")
        }),
      ),
  )

  it.effect.prop(
    "BR-MSG-3 modify requests replacing ENTEleveMEF, ENTAuxEnsMEF or ENTPersonFonctions leave each person the levels, sub-levels and disciplines a full export of the changed directory gives, the parts not replaced kept; the same delta again appends nothing",
    [Dir.directory, schoolingChanges],
    ([d, c]) =>
      inMemory(
        Effect.gen(function* () {
          yield* importing(d)
          const { changed, requests } = applyChanges(d, c)
          // Read with the schools and MEFs of the full export, as docs/feed-import.md says.
          const delta = deltaOf(d, requests)
          const report = yield* FeedImport.run(delta, options({ mode: "incremental" }))
          assert.deepStrictEqual(report.problems, [])
          const people = [...d.pupils.map((p) => p.id), ...d.staff.map((s) => s.id)]
          for (const id of people) {
            const account = yield* accountOf(id)
            assert.deepStrictEqual(account?.schooling, schoolingOf(changed, id), `${id}'s schooling`)
          }
          const moved = people.filter(
            (id) => JSON.stringify(schoolingOf(d, id)) !== JSON.stringify(schoolingOf(changed, id)),
          )
          assert.strictEqual(report.accounts.updated, moved.length, "one update per person whose schooling changed")
          assertPhases(report)
          const again = yield* FeedImport.run(delta, options({ mode: "incremental" }))
          assert.strictEqual(again.events, 0, "the same delta again appends nothing")
          // The delta left what a full export of the changed directory gives: importing that appends nothing.
          assert.strictEqual((yield* importing(changed)).events, 0, "a full export of the changed directory")
        }),
      ),
    { fastCheck: { numRuns: 12 } },
  )

  it.effect.prop(
    "BR-ACC-8 BR-GRP-3 BR-GRP-6 BR-ACC-7 modify requests that move people between schools, change a pupil's class, groups and relatives, a teacher's teaching and the direction leave the directory a full export of the changed directory gives; the same delta again appends nothing",
    [Dir.directory, placeChanges],
    ([d, c]) =>
      inMemory(
        Effect.gen(function* () {
          yield* importing(d)
          const changed = movePeople(d, c)
          const delta = deltaOf(d, Dir.modifications(d, changed))
          const report = yield* FeedImport.run(delta, options({ mode: "incremental" }))
          assert.deepStrictEqual(report.problems, [])
          yield* assertShows(changed)
          const again = yield* FeedImport.run(delta, options({ mode: "incremental" }))
          assert.strictEqual(again.events, 0, "the same delta again appends nothing")
          assert.strictEqual((yield* importing(changed)).events, 0, "a full export of the changed directory")
        }),
      ),
    { fastCheck: { numRuns: 25 } },
  )

  it.effect.prop(
    "BR-GRP-6 a membership given by hand stays the administrator's: a modify request replacing the functions or the groups ends the feed's memberships it no longer lists, never that one",
    [Dir.directory, FastCheck.nat(), FastCheck.nat()],
    ([d, s, p]) =>
      inMemory(
        Effect.gen(function* () {
          yield* importing(d)
          const ws = yield* Workspace
          const admin = yield* platformAdministrator(d.schools[0]!.uai)
          // By hand: a staff member put in his school's direction, a pupil in a group of his school.
          const staff = d.staff[s % d.staff.length]!
          const pupil = d.pupils[p % d.pupils.length]!
          const given = [
            [staff, "@direction"],
            [pupil, "G-ANG"],
          ] as const
          for (const [person, code] of given) {
            const uai = Dir.uaiOfSchool(d, person.school)
            const groupId = Structure.groupIdOf(StructureId.make(uai), code)
            const accountId = (yield* accountOf(person.id))!.accountId
            const role = code === "@direction" ? "Member" : "Student"
            const intent = { _tag: "UnassignFromGroup", structureId: uai, groupId, accountId, source: "Feed" }
            // The feed's membership, if any, ends first: the one by hand is the administrator's from then on.
            yield* ws.system("aaf-import").handle(intent, { occurredAt: at })
            yield* ws.handle(
              admin,
              { _tag: "AssignToGroup", structureId: uai, groupId, accountId, role, source: "Manual" },
              { occurredAt: at },
            )
          }
          // The feed says again what it said: he is not in the direction, she is in no group.
          const changed = {
            ...d,
            staff: d.staff.map((x) => (x.id === staff.id ? { ...x, direction: false } : x)),
            pupils: d.pupils.map((x) => (x.id === pupil.id ? { ...x, groupCodes: [] } : x)),
          }
          const requests = [
            modify(
              "PersEducNat",
              staff.id,
              Dir.staffAttributes(changed.staff.find((x) => x.id === staff.id)!).filter(
                ([name]) => name === "ENTPersonFonctions",
              ),
            ),
            modify("Eleve", pupil.id, [["ENTEleveGroupes", []]]),
          ]
          const report = yield* FeedImport.run(deltaOf(d, requests), options({ mode: "incremental" }))
          assert.deepStrictEqual(report.problems, [])
          for (const [person, code] of given) {
            const school = yield* schoolState(Dir.uaiOfSchool(d, person.school))
            const member = group(school, code)?.members.get((yield* accountOf(person.id))!.accountId)
            assert.strictEqual(member?.source, "Manual", `${person.id} in ${code} by hand`)
          }
        }),
      ),
    { fastCheck: { numRuns: 10 } },
  )

  it.effect.prop(
    "BR-GRP-2 BR-ACC-7 a modify request naming a class or group its school does not list, two classes in one school or a relative without an account is refused whole: nothing of it applies, not even its new name",
    [Dir.directory, FastCheck.nat(), FastCheck.constantFrom("class", "group", "two classes", "relative")],
    ([d, p, wrong]) =>
      inMemory(
        Effect.gen(function* () {
          yield* importing(d)
          const pupil = d.pupils[p % d.pupils.length]!
          const bad: Writer.Request["attributes"][number] =
            wrong === "class"
              ? ["ENTEleveClasses", [`${pupil.school}$9Z`]]
              : wrong === "group"
                ? ["ENTEleveGroupes", [`${pupil.school}$G-ESP`]]
                : wrong === "two classes"
                  ? ["ENTEleveClasses", [`${pupil.school}$6A`, `${pupil.school}$6B`]]
                  : ["ENTElevePersRelEleve", ["R99$10$1$1$1$0"]]
          const request = modify("Eleve", pupil.id, [["givenName", ["Renamed"]], bad])
          const report = yield* FeedImport.run(deltaOf(d, [request]), options({ mode: "incremental" }))
          assert.deepStrictEqual(
            report.problems.map((problem) => [problem.reason, problem.id]),
            [["Refused", pupil.id]],
          )
          assert.match(
            report.problems[0]!.message,
            wrong === "relative" ? /R99/ : wrong === "two classes" ? /BR-GRP-2/ : /lists no/,
          )
          assert.strictEqual(report.events, 0)
          assert.strictEqual((yield* accountOf(pupil.id))?.firstName, pupil.firstName)
        }),
      ),
    { fastCheck: { numRuns: 12 } },
  )

  it.effect(
    "BR-MSG-3 on the example export: a MEF or a function replaced with nothing clears that part only; a MEF without its MefEducNat record is its own level, with a warning; a school absent from the files read refuses the whole record",
    () =>
      inMemory(
        Effect.gen(function* () {
          yield* FeedImport.run(AafReader.readExport(join(example, "complet")), options())
          const complet = yield* AafReader.exportFiles(join(example, "complet"))
          const schoolsOnly = complet.filter((f) => f.includes("EtabEducNat"))
          const withMefs = complet.filter((f) => f.includes("EtabEducNat") || f.includes("MefEducNat"))
          const delta = (base: ReadonlyArray<string>, requests: ReadonlyArray<Writer.Request>) =>
            FeedImport.run(
              Stream.concat(
                AafReader.readFiles(base),
                fromFiles([
                  [
                    "CARTABLE_Delta_20250916_PersEducNat_0000.xml",
                    Writer.document(requests.filter((r) => r.category === "PersEducNat")),
                  ],
                  [
                    "CARTABLE_Delta_20250916_Eleve_0000.xml",
                    Writer.document(requests.filter((r) => r.category === "Eleve")),
                  ],
                ]),
              ),
              options({ mode: "incremental" }),
            )
          // The schools' file has its bad UAI (1003) each time it is read: the delta's own lines are the others.
          const own = (report: FeedImport.Report) => report.problems.filter((p) => p.category !== "EtabEducNat")
          const college = StructureId.make("0751234J")
          const schoolingOfId = (id: string) => Effect.map(accountOf(id), (account) => account!.schooling)

          // Replaced with nothing. From complet/: 3001 teaches the bilingual 6e and the 5e, post L0422 ANGLAIS;
          // 3002 teaches no MEF, posts L1300 MATHEMATIQUES in both schools; 4004 is in the 6e (10010012110).
          const cleared = [
            modify("PersEducNat", "3001", [["ENTAuxEnsMEF", []]]),
            modify("PersEducNat", "3002", [["ENTPersonFonctions", []]]),
            modify("Eleve", "4004", [["ENTEleveMEF", []]]),
          ]
          const first = yield* delta(withMefs, cleared)
          assert.deepStrictEqual(own(first), [])
          assert.strictEqual(first.accounts.updated, 3)
          assert.deepStrictEqual(yield* schoolingOfId("3001"), [
            {
              structureId: college,
              levels: [],
              subLevels: [],
              disciplines: [{ code: "L0422", label: "ANGLAIS" }],
            },
          ])
          assert.deepStrictEqual(yield* schoolingOfId("3002"), [])
          assert.deepStrictEqual(yield* schoolingOfId("4004"), [])
          assert.strictEqual((yield* delta(withMefs, cleared)).events, 0)

          // Without the MefEducNat file: 4001 (6e) now in the bilingual 6e, 4011 too with its label given.
          const bilingual = [
            modify("Eleve", "4001", [["ENTEleveMEF", ["10010012111"]]]),
            modify("Eleve", "4011", [
              ["ENTEleveMEF", ["10010012111"]],
              ["ENTEleveLibelleMEF", ["6EME BILANGUE ANGLAIS-ALLEMAND"]],
            ]),
          ]
          const blind = yield* delta(schoolsOnly, bilingual)
          assert.deepStrictEqual(
            own(blind).map((p) => [p.severity, p.reason, p.id, p.message.includes("10010012111")]),
            [
              ["warning", "UnknownMef", "4001", false],
              ["warning", "UnknownMef", "4011", false],
            ],
          )
          assert.strictEqual(blind.reported, 1, "a warning is no record reported: only the bad UAI is")
          const byCode = { code: "10010012111", label: "10010012111" }
          assert.deepStrictEqual(yield* schoolingOfId("4001"), [
            { structureId: college, levels: [byCode], subLevels: [byCode], disciplines: [] },
          ])
          const labelled = { code: "10010012111", label: "6EME BILANGUE ANGLAIS-ALLEMAND" }
          assert.deepStrictEqual(yield* schoolingOfId("4011"), [
            { structureId: college, levels: [labelled], subLevels: [labelled], disciplines: [] },
          ])
          // Read again with it: the level is the 6e its record attaches it to (ENTMEFRattach 10010012110).
          const seen = yield* delta(withMefs, bilingual)
          assert.deepStrictEqual(own(seen), [])
          assert.strictEqual(seen.accounts.updated, 2)
          for (const id of ["4001", "4011"]) {
            assert.deepStrictEqual(yield* schoolingOfId(id), [
              {
                structureId: college,
                levels: [{ code: "10010012110", label: "6EME" }],
                subLevels: [labelled],
                disciplines: [],
              },
            ])
          }

          // A school (1009) absent from the files read: the record is refused, its other changes not applied.
          const before = yield* Effect.forEach(["4010", "3001"], accountOf)
          const elsewhere = yield* delta(withMefs, [
            modify("Eleve", "4010", [
              ["givenName", ["Camille-Rose"]],
              ["ENTEleveMEF", ["10110001110"]],
              ["ENTEleveClasses", ["1009$5B"]],
            ]),
            modify("PersEducNat", "3001", [
              ["sn", ["MARTIN-DURAND"]],
              ["ENTPersonFonctions", ["1009$ENS$ENSEIGNEMENT$L0422$ANGLAIS"]],
            ]),
          ])
          assert.deepStrictEqual(
            own(elsewhere).map((p) => [p.reason, p.id]),
            [
              ["Refused", "3001"],
              ["Refused", "4010"],
            ],
          )
          assert.strictEqual(elsewhere.events, 0)
          assert.deepStrictEqual(yield* Effect.forEach(["4010", "3001"], accountOf), before)
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
          const first = yield* importing(d, { passes: 2, batchSize: 3 })
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

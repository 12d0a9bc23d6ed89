// An incremental export's modify and delete requests, checked against the model's changed directory: each
// request replaces what it names, as a full export of the changed directory gives it (BR-ACC-8, BR-GRP-3,
// BR-GRP-6, BR-MSG-3), and everything it names is checked before anything applies.
import { join } from "node:path"
import { StructureId } from "@cartable/domain/Ids"
import * as Structure from "@cartable/domain/Structure"
import * as AafReader from "@cartable/feeds/AafReader"
import * as FeedImport from "@cartable/feeds/FeedImport"
import { Workspace } from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Stream from "effect/Stream"
import * as Writer from "./aafWriter.ts"
import * as Dir from "./directory.ts"
import { at, options } from "./importWorld.ts"
import {
  accountOf,
  assertPhases,
  assertShows,
  example,
  fromFiles,
  group,
  importing,
  inMemory,
  platformAdministrator,
  schoolingOf,
  schoolState,
} from "./shows.ts"

/** A modify request of a person: the attributes it replaces. */
const modify = (
  category: "Eleve" | "PersRelEleve" | "PersEducNat",
  id: string,
  attributes: Writer.Request["attributes"],
): Writer.Request => ({ kind: "modify", categoryAttribute: "categoriePersonne", category, id, attributes })

/** An incremental export of `requests`, read with the schools, MEFs and subjects of `d`'s full export. */
const deltaOf = (d: Dir.Directory, requests: ReadonlyArray<Writer.Request>) =>
  fromFiles([
    ...Dir.files(d).filter(([name]) => /EtabEducNat|MefEducNat|MatiereEducNat/.test(name)),
    ...(["PersEducNat", "Eleve", "PersRelEleve"] as const).map(
      (category) =>
        [
          `T_Delta_20250915_${category}_0000.xml`,
          Writer.document(requests.filter((r) => r.category === category)),
        ] as const,
    ),
  ])

/**
 * What an incremental export changes of the relatives (a directory has at most 8): a corrected first or last
 * name, a new e-mail. The names changed keep two relatives from ever sharing both (BR-ACC-7's doublons).
 */
const relativeChanges = FastCheck.array(
  FastCheck.option(
    FastCheck.record({ firstName: FastCheck.boolean(), lastName: FastCheck.boolean(), email: FastCheck.boolean() }),
    { nil: undefined },
  ),
  { minLength: 8, maxLength: 8 },
)

/**
 * The delta settled: read again it appends nothing, and the directory it left is the one a full export
 * of the changed directory gives (importing that appends nothing).
 */
const assertSettled = (delta: ReturnType<typeof deltaOf>, changed: Dir.Directory) =>
  Effect.gen(function* () {
    const again = yield* FeedImport.run(delta, options({ mode: "incremental" }))
    assert.strictEqual(again.events, 0, "the same delta again appends nothing")
    assert.strictEqual((yield* importing(changed)).events, 0, "a full export of the changed directory")
  })

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
 * or out of the direction (BR-GRP-3), the class, subject, principal class and group he teaches, or none.
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
        // What he teaches now: a class (with a subject, maybe as its principal teacher) and maybe a group, or
        // nothing ("none": a teacher who stops teaching).
        teaching: FastCheck.option(
          FastCheck.oneof(
            {
              weight: 3,
              arbitrary: FastCheck.record({
                classCode: FastCheck.constantFrom("6A", "6B"),
                subject: FastCheck.nat(Dir.subjects.length - 1),
                principal: FastCheck.boolean(),
                group: FastCheck.boolean(),
              }),
            },
            { weight: 1, arbitrary: FastCheck.constant("none" as const) },
          ),
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
 * `DIR` alone (he loses his post's discipline); anyone may start or stop teaching, which moves his profile
 * between Teacher and Personnel (BR-ACC-8).
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
    const teaching = change.teaching
    return {
      ...s,
      school: change.move ? other(s.school) : s.school,
      direction: change.direction,
      discipline: change.direction ? undefined : s.discipline,
      teaches:
        teaching === undefined
          ? s.teaches
          : teaching === "none"
            ? []
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

/** What a staff member's modify request may name that refuses it whole (9999: a school the files read do not hold). */
const wrongs = [
  "ENTPersonStructRattach",
  "ENTAuxEnsClasses",
  "ENTAuxEnsGroupes",
  "ENTAuxEnsClassesMatieres",
  "ENTAuxEnsGroupesMatieres",
  "ENTAuxEnsClassesPrincipal",
  "ENTPersonFonctions",
  "ENTAuxEnsMEF",
  "givenName",
  "sn",
  "no school",
] as const
const badAttributes = (wrong: (typeof wrongs)[number]): Writer.Request["attributes"] => {
  switch (wrong) {
    case "givenName":
    case "sn":
      return [[wrong, []]]
    case "no school":
      // Everything that keeps him in his school replaced with nothing, his attachment too.
      return [
        "ENTPersonStructRattach",
        "ENTAuxEnsClasses",
        "ENTAuxEnsGroupes",
        "ENTPersonFonctions",
        "ENTAuxEnsMEF",
      ].map((name) => [name, []] as const)
    case "ENTPersonStructRattach":
      return [[wrong, ["9999"]]]
    case "ENTAuxEnsClasses":
    case "ENTAuxEnsClassesPrincipal":
      return [[wrong, ["9999$6A"]]]
    case "ENTAuxEnsGroupes":
      return [[wrong, ["9999$G-ANG"]]]
    case "ENTAuxEnsClassesMatieres":
      return [[wrong, ["9999$6A$MATHS"]]]
    case "ENTAuxEnsGroupesMatieres":
      return [[wrong, ["9999$G-ANG$ANG"]]]
    case "ENTPersonFonctions":
      return [[wrong, ["9999$ENS$ENSEIGNEMENT$L1300$MATHEMATIQUES"]]]
    case "ENTAuxEnsMEF":
      return [[wrong, [`9999$${Dir.mefs[0]!.code}`]]]
  }
}

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
          yield* assertSettled(delta, changed)
        }),
      ),
    { fastCheck: { numRuns: 12 } },
  )

  it.effect.prop(
    "BR-ACC-7 a relative's own modify request corrects the names and e-mail of his one account, his links and schools kept; a modify request of a person no account holds is refused alone, the others applied; the same delta again appends nothing",
    [
      Dir.directory,
      relativeChanges,
      FastCheck.constantFrom("Eleve" as const, "PersRelEleve" as const, "PersEducNat" as const, undefined),
    ],
    ([d, c, ghost]) =>
      inMemory(
        Effect.gen(function* () {
          yield* importing(d)
          const relatives = d.relatives.map((r, i) => {
            const change = c[Number(r.id.slice(1))]
            if (change === undefined) return r
            return {
              ...r,
              firstName: change.firstName ? `${r.firstName}-Marie` : r.firstName,
              lastName: change.lastName ? `${r.lastName}-Rémy` : r.lastName,
              email: change.email ? `nouveau${i}@example.org` : r.email,
            }
          })
          const changed: Dir.Directory = { ...d, relatives }
          const requests = [...Dir.modifications(d, changed)]
          // A person the feed never added (his full record went to no import): his request changes nobody.
          if (ghost !== undefined) requests.unshift(modify(ghost, "X404", [["givenName", ["Personne"]]]))
          const delta = deltaOf(d, requests)
          const before = yield* Effect.forEach(d.relatives, (r) => accountOf(r.id))
          const report = yield* FeedImport.run(delta, options({ mode: "incremental" }))
          assert.deepStrictEqual(
            report.problems.map((p) => [p.severity, p.reason, p.category, p.id, p.source.file, p.source.line > 0]),
            ghost === undefined
              ? []
              : [["problem", "Refused", ghost, "X404", `T_Delta_20250915_${ghost}_0000.xml`, true]],
          )
          assert.strictEqual(report.reported, ghost === undefined ? 0 : 1)
          const renamed = relatives.filter((r, i) => JSON.stringify(r) !== JSON.stringify(d.relatives[i]))
          assert.strictEqual(report.accounts.updated, renamed.length, "one update per relative changed")
          assert.strictEqual(report.accounts.provisioned, 0, "a modify request provisions nobody")
          yield* assertShows(changed)
          // His one account (BR-ACC-7): the same id, login, links and schools as before the request.
          for (const [i, relative] of d.relatives.entries()) {
            const now = yield* accountOf(relative.id)
            const was = before[i]!
            assert.deepStrictEqual(
              [now?.accountId, now?.login, now?.relativeOf, now?.structureIds],
              [was?.accountId, was?.login, was?.relativeOf, was?.structureIds],
            )
          }
          assert.strictEqual(yield* accountOf("X404"), undefined)
          yield* assertSettled(delta, changed)
        }),
      ),
    { fastCheck: { numRuns: 10 } },
  )

  it.effect.prop(
    "BR-ACC-8 BR-GRP-3 BR-GRP-6 BR-ACC-7 modify requests that move people between schools, change a pupil's class, groups and relatives, what a staff member teaches (his profile with it) and the direction leave the directory a full export of the changed directory gives; the same delta again appends nothing",
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
          yield* assertSettled(delta, changed)
        }),
      ),
    { fastCheck: { numRuns: 25 } },
  )

  it.effect.prop(
    "BR-ACC-8 BR-GRP-3 BR-GRP-6 the same changes given by a full export leave the directory it describes (a staff member who starts or stops teaching moves between Teacher and Personnel, his account kept); the same export again appends nothing",
    [Dir.directory, placeChanges],
    ([d, c]) =>
      inMemory(
        Effect.gen(function* () {
          yield* importing(d)
          const before = yield* Effect.forEach(d.staff, (s) => accountOf(s.id))
          const changed = movePeople(d, c)
          // Every move counted: no school is held for its share of moves here (BR-FEED-1 has its own tests).
          const report = yield* importing(changed, { threshold: 1 })
          assert.deepStrictEqual(
            report.problems.filter((p) => p.severity === "problem"),
            [],
          )
          yield* assertShows(changed)
          const after = yield* Effect.forEach(d.staff, (s) => accountOf(s.id))
          assert.deepStrictEqual(
            after.map((a) => a?.accountId),
            before.map((a) => a?.accountId),
          )
          assert.strictEqual((yield* importing(changed)).events, 0, "the same export again")
        }),
      ),
    { fastCheck: { numRuns: 15 } },
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

  it.effect.prop(
    "BR-ACC-8 BR-GRP-6 a staff member's modify request naming a school absent from the files read (in any attribute), replacing a name with nothing or leaving him in no school is refused whole: nothing of it applies, not even its new name",
    [Dir.directory, FastCheck.nat()],
    ([d, s]) =>
      Effect.forEach(
        wrongs,
        (wrong) =>
          inMemory(
            Effect.gen(function* () {
              yield* importing(d)
              const staff = d.staff[s % d.staff.length]!
              const renamed: Writer.Request["attributes"][number] =
                wrong === "sn" ? ["givenName", ["Renamed"]] : ["sn", ["RENAMED"]]
              const request = modify("PersEducNat", staff.id, [renamed, ...badAttributes(wrong)])
              const report = yield* FeedImport.run(deltaOf(d, [request]), options({ mode: "incremental" }))
              assert.deepStrictEqual(
                report.problems.map((problem) => [problem.reason, problem.id]),
                [["Refused", staff.id]],
                wrong,
              )
              assert.match(
                report.problems[0]!.message,
                wrong === "givenName" || wrong === "sn"
                  ? /a person keeps a name/
                  : wrong === "no school"
                    ? /leaves the person in no school/
                    : /9999 is not in the files read/,
                wrong,
              )
              assert.strictEqual(report.events, 0, wrong)
              const account = yield* accountOf(staff.id)
              assert.deepStrictEqual([account?.firstName, account?.lastName], [staff.firstName, staff.lastName], wrong)
            }),
          ),
        { discard: true },
      ),
    { fastCheck: { numRuns: 3 } },
  )

  it.effect.prop(
    "BR-ACC-9 a modify request's mail is the account's e-mail: replaced, one update; the same again appends nothing",
    [Dir.directory, FastCheck.nat(), FastCheck.constantFrom<"Eleve" | "PersEducNat">("Eleve", "PersEducNat")],
    ([d, n, category]) =>
      inMemory(
        Effect.gen(function* () {
          yield* importing(d)
          const people = category === "Eleve" ? d.pupils : d.staff
          const person = people[n % people.length]!
          const request = modify(category, person.id, [["mail", [`${person.id.toLowerCase()}@ac-test.fr`]]])
          const report = yield* FeedImport.run(deltaOf(d, [request]), options({ mode: "incremental" }))
          assert.deepStrictEqual(report.problems, [])
          assert.strictEqual(report.accounts.updated, 1)
          const account = yield* accountOf(person.id)
          assert.strictEqual(account?.email, `${person.id.toLowerCase()}@ac-test.fr`)
          assert.deepStrictEqual([account?.firstName, account?.lastName], [person.firstName, person.lastName])
          assert.strictEqual((yield* FeedImport.run(deltaOf(d, [request]), options({ mode: "incremental" }))).events, 0)
        }),
      ),
    { fastCheck: { numRuns: 8 } },
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

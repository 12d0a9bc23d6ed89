// Targets by level, sub-level and discipline (BR-MSG-3), end to end: the feed gives accounts their schooling, the
// Authorization facts carry it, the publication manager resolves the targets at the window's first tick. The
// oracle is written from seed 004 ("Cible": profil, niveau, sous-niveau, discipline de poste; "Profil Parent,
// Niveau 3ème" reaches the parents of the pupils of 3ème) and docs/messaging.md, over the world drawn here:
// - a pupil has his level and sub-level in his school; his relatives have them through him while he is enrolled;
// - a teacher has the levels and sub-levels he teaches and the disciplines of his post, in his school;
// - a target's criteria all hold; only the communication's school counts; a pre-deleted account is not reached;
// - a function is that of a functional group (Direction, MailMerge...) the account is in, in that school.
// Then the same through the directory import of examples/aaf-export, its full export and its delta, the oracle
// written from their XML.
// A window no tick reached is expired at the first tick at or after its end (its end excluded), never shown.

import * as Path from "node:path"
import * as Credentials from "@cartable/domain/Credentials"
import { AccountId } from "@cartable/domain/Ids"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import * as TargetedCommunication from "@cartable/domain/TargetedCommunication"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as AafReader from "@cartable/feeds/AafReader"
import type { AafElement } from "@cartable/feeds/AafRecord"
import * as FeedImport from "@cartable/feeds/FeedImport"
import * as CommunicationPublication from "@cartable/managers/CommunicationPublication"
import * as Scheduler from "@cartable/managers/Scheduler"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as Announcements from "@cartable/read-models/Announcements"
import * as Authorization from "@cartable/read-models/Authorization"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import { context, publicationStack, school } from "./world.ts"

const stack = publicationStack

const otherSchool = "0572010A"
const schools = [school, otherSchool] as const
const head = "head-1"

/** Formations (code, label) and the level each belongs to: a bilingual 6e is of the 6e. */
const mefs = [
  { code: "10010012110", label: "6EME", level: "10010012110" },
  { code: "10010012111", label: "6EME BILANGUE", level: "10010012110" },
  { code: "10310019110", label: "3EME", level: "10310019110" },
] as const
const levelLabel = (code: string) => mefs.find((m) => m.code === code)!.label
const disciplines = [
  ["L1300", "MATHEMATIQUES"],
  ["L0422", "ANGLAIS"],
] as const

interface Pupil {
  readonly school: 0 | 1
  readonly mef: number
  readonly left: boolean
}
interface Relative {
  readonly children: ReadonlyArray<number>
}
interface Teaching {
  readonly disciplines: ReadonlyArray<number>
  readonly mefs: ReadonlyArray<number>
}
interface Teacher extends Teaching {
  readonly school: 0 | 1
  /** What he teaches in the other school too, if he teaches there (the example's maths teacher does). */
  readonly elsewhere: Teaching | undefined
}
interface World {
  readonly pupils: ReadonlyArray<Pupil>
  readonly relatives: ReadonlyArray<Relative>
  readonly teachers: ReadonlyArray<Teacher>
}

const schoolIndex = FastCheck.constantFrom<0 | 1>(0, 1)
const teaching = {
  disciplines: FastCheck.uniqueArray(FastCheck.nat(disciplines.length - 1), { maxLength: 2 }),
  mefs: FastCheck.uniqueArray(FastCheck.nat(mefs.length - 1), { maxLength: 2 }),
}
const world: FastCheck.Arbitrary<World> = FastCheck.record({
  pupils: FastCheck.array(
    FastCheck.record({
      school: schoolIndex,
      mef: FastCheck.integer({ min: 0, max: mefs.length - 1 }),
      left: FastCheck.boolean(),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  relatives: FastCheck.array(
    FastCheck.record({ children: FastCheck.uniqueArray(FastCheck.nat(5), { minLength: 1, maxLength: 2 }) }),
    { minLength: 1, maxLength: 4 },
  ),
  teachers: FastCheck.array(
    FastCheck.record({
      school: schoolIndex,
      ...teaching,
      elsewhere: FastCheck.option(FastCheck.record(teaching), { nil: undefined }),
    }),
    { maxLength: 3 },
  ),
}).map((w) => ({
  ...w,
  relatives: w.relatives
    .map((r) => ({ children: r.children.filter((c) => c < w.pupils.length) }))
    .filter((r) => r.children.length > 0),
}))

const profile = FastCheck.constantFrom("Student" as const, "Relative" as const, "Teacher" as const)
// A level, a sub-level and a discipline nobody has are among the draws: they reach nobody.
const level = FastCheck.constantFrom("10010012110", "10310019110", "10110001110")
const subLevel = FastCheck.constantFrom(...mefs.map((m) => m.code), "10010012112")
const discipline = FastCheck.constantFrom("L1300", "L0422", "L0100")
/** Targets of one or two criteria mostly, as a school sets them, and any mix of them. */
const target: FastCheck.Arbitrary<TargetedCommunication.Target> = FastCheck.oneof(
  FastCheck.record({ level }),
  FastCheck.record({ subLevel }),
  FastCheck.record({ discipline }),
  FastCheck.record({ profile, level }),
  FastCheck.record({ profile, subLevel }),
  FastCheck.record({ profile, discipline }),
  FastCheck.record({ profile, level, subLevel, discipline }, { requiredKeys: [] }),
)

const pupilId = (i: number) => `pupil-${i}`
const relativeId = (i: number) => `relative-${i}`
const teacherId = (i: number) => `teacher-${i}`
// Distinct names: two relatives of one pupil with the same names would be one person twice (BR-ACC-7).
const lastName = (n: number) =>
  `Martin${String.fromCharCode(97 + (n % 26))}${String.fromCharCode(97 + Math.floor(n / 26))}`

/** The world through the feed: accounts, their schooling, relatives' links, the departures. */
const build = (w: World) =>
  Effect.gen(function* () {
    const workspace = yield* Workspace.Workspace
    const feed = workspace.system("aaf-import")
    for (const structureId of schools) {
      yield* feed.handle(
        {
          _tag: "RegisterStructure",
          structureId,
          uai: structureId,
          name: structureId === school ? "Collège Jean Moulin" : "Collège Louise Michel",
          kind: "SecondarySchool",
        },
        context,
      )
    }
    let n = 0
    const provision = (accountId: string, profile: "Student" | "Relative" | "Teacher" | "Personnel", at: string) =>
      feed.handle(
        {
          _tag: "ProvisionAccount",
          accountId,
          profile,
          origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${accountId}` },
          structureId: at,
          login: `compte.numero${++n}`,
          firstName: "Camille",
          lastName: lastName(n),
          activationCode: "3n6g8fmj",
        },
        context,
      )
    const schooling = (accountId: string, entries: ReadonlyArray<Record<string, unknown>>) =>
      feed.handle({ _tag: "UpdateAccountSchooling", accountId, schooling: entries }, context)
    const coded = (code: string, label: string) => ({ code, label })
    yield* provision(head, "Personnel", school)
    yield* workspace.system("install").handle({ _tag: "AppointPlatformAdministrator", accountId: head }, context)
    for (const [i, pupil] of w.pupils.entries()) {
      const mef = mefs[pupil.mef]!
      yield* provision(pupilId(i), "Student", schools[pupil.school])
      yield* schooling(pupilId(i), [
        {
          structureId: schools[pupil.school],
          levels: [coded(mef.level, levelLabel(mef.level))],
          subLevels: [coded(mef.code, mef.label)],
          disciplines: [],
        },
      ])
    }
    for (const [i, relative] of w.relatives.entries()) {
      // Attached to the schools of his children, as the import does.
      const at = [...new Set(relative.children.map((c) => schools[w.pupils[c]!.school]))]
      yield* provision(relativeId(i), "Relative", at[0]!)
      for (const structureId of at.slice(1)) {
        yield* feed.handle({ _tag: "AttachAccountToStructure", accountId: relativeId(i), structureId }, context)
      }
      for (const child of relative.children) {
        yield* feed.handle(
          {
            _tag: "LinkRelative",
            accountId: relativeId(i),
            link: { pupilId: pupilId(child), legalAuthority: true, financial: false, contact: true },
          },
          context,
        )
      }
    }
    const entryOf = (structureId: string, t: Teaching) => {
      const taught = t.mefs.map((m) => mefs[m]!)
      return {
        structureId,
        levels: [...new Set(taught.map((m) => m.level))].map((code) => coded(code, levelLabel(code))),
        subLevels: taught.map((m) => coded(m.code, m.label)),
        disciplines: t.disciplines.map((d) => coded(disciplines[d]![0], disciplines[d]![1])),
      }
    }
    for (const [i, teacher] of w.teachers.entries()) {
      yield* provision(teacherId(i), "Teacher", schools[teacher.school])
      const other = schools[1 - teacher.school]!
      if (teacher.elsewhere !== undefined) {
        yield* feed.handle({ _tag: "AttachAccountToStructure", accountId: teacherId(i), structureId: other }, context)
      }
      yield* schooling(teacherId(i), [
        entryOf(schools[teacher.school], teacher),
        ...(teacher.elsewhere === undefined ? [] : [entryOf(other, teacher.elsewhere)]),
      ])
    }
    for (const [i, pupil] of w.pupils.entries()) {
      if (pupil.left) yield* feed.handle({ _tag: "PreDeleteAccount", accountId: pupilId(i) }, context)
    }
  })

/** Who the communication of `school` with these targets reaches, from the seed (see the header). */
const oracle = (w: World, targets: ReadonlyArray<TargetedCommunication.Target>): ReadonlyArray<string> => {
  const here = 0
  const reached: Array<string> = []
  const holds = (
    t: TargetedCommunication.Target,
    profile: string,
    levels: ReadonlyArray<string>,
    subLevels: ReadonlyArray<string>,
    own: ReadonlyArray<string>,
  ) =>
    (t.profile === undefined || t.profile === profile) &&
    (t.level === undefined || levels.includes(t.level)) &&
    (t.subLevel === undefined || subLevels.includes(t.subLevel)) &&
    (t.discipline === undefined || own.includes(t.discipline)) &&
    t.function === undefined
  for (const [i, p] of w.pupils.entries()) {
    if (p.school !== here || p.left) continue
    const mef = mefs[p.mef]!
    if (targets.some((t) => holds(t, "Student", [mef.level], [mef.code], []))) reached.push(pupilId(i))
  }
  for (const [i, r] of w.relatives.entries()) {
    const enrolledHere = r.children.map((c) => w.pupils[c]!).filter((p) => p.school === here && !p.left)
    // In the school through one of his children, even one who left: he is still attached there.
    if (!r.children.some((c) => w.pupils[c]!.school === here)) continue
    const levels = enrolledHere.map((p) => mefs[p.mef]!.level)
    const subLevels = enrolledHere.map((p) => mefs[p.mef]!.code)
    if (targets.some((t) => holds(t, "Relative", levels, subLevels, []))) reached.push(relativeId(i))
  }
  for (const [i, teacher] of w.teachers.entries()) {
    // What he teaches here: in his school, or in the other one he also teaches in.
    const t = teacher.school === here ? teacher : teacher.elsewhere
    if (t === undefined) continue
    const levels = t.mefs.map((m) => mefs[m]!.level)
    const subLevels = t.mefs.map((m) => mefs[m]!.code)
    const own = t.disciplines.map((d) => disciplines[d]![0])
    if (targets.some((target) => holds(target, "Teacher", levels, subLevels, own))) reached.push(teacherId(i))
  }
  // The head: a Personnel account with no schooling.
  if (targets.some((t) => holds(t, "Personnel", [], [], []))) reached.push(head)
  return reached.sort()
}

const from = DateTime.unsafeMake("2026-09-14T07:00:00Z")
const until = DateTime.unsafeMake("2026-09-21T07:00:00Z")

const schedule = (communicationId: string, targets: ReadonlyArray<TargetedCommunication.Target>) =>
  Effect.flatMap(Workspace.Workspace, (workspace) =>
    workspace.handle(
      head,
      {
        _tag: "ScheduleCommunication",
        communicationId,
        structureIds: [school],
        channel: "Announcement",
        kind: "Information",
        title: "Réunion parents-professeurs",
        content: "<p>Jeudi à 18 h.</p>",
        targets,
        publishFrom: DateTime.formatIso(from),
        publishUntil: DateTime.formatIso(until),
      },
      context,
    ),
  )

const tick = (at: DateTime.Utc) =>
  Effect.gen(function* () {
    yield* (yield* Scheduler.Scheduler).tick(at)
    yield* (yield* ProjectionRuntime.ProjectionRuntime).catchUpReactor("communications")
  })

const communication = (communicationId: string) =>
  Effect.map(CommandHandler.load(TargetedCommunication.aggregate, communicationId), ({ state }) => {
    assert.ok(state._tag === "Communication", communicationId)
    return state
  })

describe("CommunicationPublication, targets", () => {
  it.effect.prop(
    "BR-MSG-3 a target by level, sub-level or discipline reaches exactly the pupils of it, their relatives, and the teachers of it, in the communication's school",
    [world, FastCheck.array(target, { minLength: 1, maxLength: 3 })],
    ([w, targets]) =>
      Effect.gen(function* () {
        yield* build(w)
        yield* schedule("com-1", targets)
        yield* tick(from)
        const state = yield* communication("com-1")
        assert.strictEqual(state.status, "Published")
        assert.deepStrictEqual([...state.recipients].sort(), oracle(w, targets), JSON.stringify({ w, targets }))
        // Shown to exactly them on their home page, inside the window.
        const announcements = yield* Announcements.Announcements
        for (const accountId of oracle(w, targets)) {
          const shown = yield* announcements.visible(AccountId.make(accountId), from)
          assert.deepStrictEqual(
            shown.map((entry) => entry.communicationId as string),
            ["com-1"],
            accountId,
          )
        }
      }).pipe(Effect.provide(stack())),
    { fastCheck: { numRuns: 30 } },
  )

  it.effect("BR-MSG-3 the parents of the pupils of 3ème, as the seed's example targets them", () =>
    Effect.gen(function* () {
      // Pupil 0 in 3ème, pupil 1 in 6ème, pupil 2 in 3ème at the other school; relative 0 of pupil 0, relative 1
      // of pupil 1, relative 2 of pupils 1 and 2 (a 3ème child, but elsewhere).
      const w: World = {
        pupils: [
          { school: 0, mef: 2, left: false },
          { school: 0, mef: 0, left: false },
          { school: 1, mef: 2, left: false },
        ],
        relatives: [{ children: [0] }, { children: [1] }, { children: [1, 2] }],
        teachers: [{ school: 0, disciplines: [0], mefs: [2], elsewhere: undefined }],
      }
      yield* build(w)
      yield* schedule("com-3e", [{ profile: "Relative", level: "10310019110" }])
      yield* tick(from)
      assert.deepStrictEqual((yield* communication("com-3e")).recipients, [AccountId.make(relativeId(0))])
    }).pipe(Effect.provide(stack())),
  )

  it.effect.prop(
    "BR-MSG-3 a window no tick reached is expired at the first tick at or after its end, never shown; one a tick reached is published",
    [
      FastCheck.uniqueArray(
        // Ticks at the window's edges: the day and the instant before, at, and after each end.
        FastCheck.constantFrom(
          ...[from, until].flatMap((edge) =>
            [-86_400_000, -1, 0, 1, 86_400_000].map((millis) => DateTime.add(edge, { millis })),
          ),
        ),
        { minLength: 1, maxLength: 3, selector: (at) => DateTime.toEpochMillis(at) },
      ),
    ],
    ([drawn]) =>
      Effect.gen(function* () {
        yield* build({ pupils: [{ school: 0, mef: 0, left: false }], relatives: [], teachers: [] })
        yield* schedule("com-w", [{ profile: "Student" }])
        const ticks = [...drawn].sort((a, b) => DateTime.toEpochMillis(a) - DateTime.toEpochMillis(b))
        for (const at of ticks) yield* tick(at)
        const ms = (at: DateTime.Utc) => DateTime.toEpochMillis(at)
        // From the seed's "période de publication": start included, end excluded.
        const inside = ticks.find((at) => ms(at) >= ms(from) && ms(at) < ms(until))
        const afterEnd = ticks.find((at) => ms(at) >= ms(until))
        const state = yield* communication("com-w")
        const expected = inside !== undefined ? "Published" : afterEnd !== undefined ? "Expired" : "Scheduled"
        assert.strictEqual(state.status, expected, ticks.map((at) => DateTime.formatIso(at)).join(", "))
        const shown = yield* (yield* Announcements.Announcements).visible(AccountId.make(pupilId(0)), from)
        assert.strictEqual(shown.length, expected === "Published" ? 1 : 0)
        if (expected !== "Expired") return
        // It leaves the waiting list: later ticks pass it by.
        const waiting = yield* ProjectionRuntime.reader(CommunicationPublication.projection, "waiting")
        assert.strictEqual(yield* waiting.get("com-w"), undefined)
        // Recorded once, at the first tick at or after the end, for the operator to see; later ticks add nothing.
        yield* tick(DateTime.add(until, { days: 2 }))
        const store = yield* EventStore.EventStore
        const expired = (yield* store.readStream(StreamName.make("TargetedCommunication", "com-w"))).filter(
          (recorded) => recorded.type === "CommunicationExpired",
        )
        assert.deepStrictEqual(
          expired.map((recorded) =>
            DateTime.formatIso((recorded.event as unknown as { expiredAt: DateTime.Utc }).expiredAt),
          ),
          [DateTime.formatIso(afterEnd!)],
        )
      }).pipe(Effect.provide(stack())),
    { fastCheck: { numRuns: 20 } },
  )
})

// --- From the directory import: the project's example export (examples/aaf-export), its full export then its delta.

const example = Path.join(import.meta.dirname, "../../../examples/aaf-export")
let drawn = 0
/** Activation codes from a counter: valid and distinct. */
const codes: Effect.Effect<Credentials.OneTimeCode> = Effect.sync(() => {
  drawn++
  return Option.getOrThrow(Credentials.codeFromBytes(new Uint8Array(32).map((_, i) => (drawn * 7 + i * 13) % 248)))
})
const importing = <E, R>(elements: Stream.Stream<AafElement, E, R>, mode: "full" | "incremental", at: string) =>
  FeedImport.run(elements, {
    mode,
    schoolYear: SchoolYear.starting(2025),
    occurredAt: DateTime.unsafeMake(at),
    activationCode: codes,
  })
/** The account of a person of the export, by his jointure id. */
const holder = (jointure: string) =>
  Effect.gen(function* () {
    const accountId = yield* (yield* Authorization.Authorization).feedHolder("AAF", jointure)
    assert.isDefined(accountId, jointure)
    return accountId!
  })
const holders = (jointures: ReadonlyArray<string>) => Effect.map(Effect.forEach(jointures, holder), (ids) => ids.sort())

/** A communication of one school for the week of `monday`, scheduled by its head the day before. */
const scheduleWeek = (
  communicationId: string,
  head: string,
  structureId: string,
  targets: ReadonlyArray<TargetedCommunication.Target>,
  monday: DateTime.Utc,
) =>
  Effect.gen(function* () {
    yield* (yield* Workspace.Workspace).handle(
      yield* holder(head),
      {
        _tag: "ScheduleCommunication",
        communicationId,
        structureIds: [structureId],
        channel: "Announcement",
        kind: "Information",
        title: "Information",
        content: "<p>Information.</p>",
        targets,
        publishFrom: DateTime.formatIso(monday),
        publishUntil: DateTime.formatIso(DateTime.add(monday, { days: 5 })),
      },
      { occurredAt: DateTime.subtract(monday, { days: 1 }) },
    )
  })
/** Whom a communication published at its window's tick reached. */
const reached = (communicationId: string) =>
  Effect.map(communication(communicationId), (state) => {
    assert.strictEqual(state.status, "Published", communicationId)
    return [...state.recipients].sort()
  })

describe("CommunicationPublication, targets from the directory import", () => {
  it.effect(
    "BR-MSG-3 after the example's delta moved pupil 4003 from the bilingual 6e to the 5e, the 5e reaches him, his parents and the 5e's teachers, and the 6e no longer does",
    () =>
      Effect.gen(function* () {
        const college = "0751234J"
        const lycee = "0921567D"
        yield* importing(AafReader.readExport(Path.join(example, "complet")), "full", "2025-09-01T02:00:00Z")
        // The oracle, from the XML of complet/ (the records imported: 4008, 4009 and 3005 are bad records).
        // College pupils by ENTEleveMEF: 6e (10010012110) 4001, 4004, 4011; bilingual 6e (10010012111, whose
        // ENTMEFRattach is the 6e) 4003; 5e (10110001110) 4002, 4005, 4006, 4010. Their ENTElevePersRelEleve:
        // 4001 and 4002 -> 5001, 5002; 4003 -> 5003, 5004; 4004 -> 5005; 4005 -> 5010, 5006; 4006 -> 5007,
        // 5008; 4010 -> 5012; 4011 -> 5013. ENTAuxEnsMEF: 3001 teaches the bilingual 6e and the 5e at 1001.
        const sixth = { level: "10010012110" }
        const fifth = { level: "10110001110" }
        const first = DateTime.unsafeMake("2025-09-08T07:00:00Z")
        yield* scheduleWeek("com-6e-before", "3003", college, [sixth], first)
        yield* tick(first)
        assert.deepStrictEqual(
          yield* reached("com-6e-before"),
          yield* holders(["4001", "4003", "4004", "4011", "5001", "5002", "5003", "5004", "5005", "5013", "3001"]),
        )

        // The delta, read with the schools and MEFs of the full export: 4003's ENTEleveMEF is now the 5e,
        // 3001's ENTAuxEnsMEF the 5e only, 3002's ENTPersonFonctions L1300 at 1001 and L1500 at 1002.
        const complet = (yield* AafReader.exportFiles(Path.join(example, "complet"))).filter(
          (file) => file.includes("_EtabEducNat_") || file.includes("_MefEducNat_"),
        )
        const delta = yield* AafReader.exportFiles(Path.join(example, "delta"))
        yield* importing(AafReader.readFiles([...complet, ...delta]), "incremental", "2025-09-15T02:00:00Z")

        const next = DateTime.unsafeMake("2025-09-22T07:00:00Z")
        const week: ReadonlyArray<
          readonly [string, string, string, ReadonlyArray<TargetedCommunication.Target>, ReadonlyArray<string>]
        > = [
          [
            "com-5e",
            "3003",
            college,
            [fifth],
            // Pupils of the 5e, their relatives, its teacher.
            [
              "4002",
              "4003",
              "4005",
              "4006",
              "4010",
              "5001",
              "5002",
              "5003",
              "5004",
              "5006",
              "5007",
              "5008",
              "5010",
            ].concat(["5012", "3001"]),
          ],
          ["com-6e", "3003", college, [sixth], ["4001", "4004", "4011", "5001", "5002", "5005", "5013"]],
          [
            "com-5e-parents",
            "3003",
            college,
            [{ profile: "Relative", ...fifth }],
            ["5001", "5002", "5003", "5004", "5006", "5007", "5008", "5010", "5012"],
          ],
          // Disciplines by school: 3002 teaches mathematics at the collège, physics-chemistry at the lycée now.
          ["com-maths", "3003", college, [{ discipline: "L1300" }], ["3002"]],
          ["com-lycee", "3004", lycee, [{ discipline: "L1300" }, { discipline: "L1500" }], ["3002"]],
          // Functions are the functional groups': the direction (DIR) of each school; no feed function code.
          ["com-direction", "3003", college, [{ function: "Direction" }], ["3003"]],
          ["com-lycee-direction", "3004", lycee, [{ function: "Direction" }], ["3004"]],
          ["com-dir", "3003", college, [{ function: "DIR" }], []],
        ]
        for (const [id, head, structureId, targets] of week) yield* scheduleWeek(id, head, structureId, targets, next)
        yield* tick(next)
        for (const [id, , , , expected] of week) {
          assert.deepStrictEqual(yield* reached(id), yield* holders(expected), id)
        }
      }).pipe(Effect.provide(stack())),
  )

  it.effect(
    "BR-MSG-3 a function target reaches the members of the functional groups of that function in the communication's schools only",
    () =>
      Effect.gen(function* () {
        yield* build({ pupils: [{ school: 0, mef: 0, left: false }], relatives: [], teachers: [] })
        const workspace = yield* Workspace.Workspace
        const feed = workspace.system("aaf-import")
        const year = SchoolYear.starting(2026)
        // The head of the school, its mail-merge operator, and the head of the other school who also teaches here.
        const people = [
          ["head-a", school, "Personnel"],
          ["mailer-a", school, "Personnel"],
          ["head-b", otherSchool, "Teacher"],
        ] as const
        for (const [n, [accountId, at, profile]] of people.entries()) {
          yield* feed.handle(
            {
              _tag: "ProvisionAccount",
              accountId,
              profile,
              origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${accountId}` },
              structureId: at,
              login: `personnel.numero${n + 1}`,
              firstName: "Dominique",
              lastName: `Durand${String.fromCharCode(97 + n)}`,
              activationCode: "3n6g8fmj",
            },
            context,
          )
        }
        yield* feed.handle({ _tag: "AttachAccountToStructure", accountId: "head-b", structureId: school }, context)
        const member = (structureId: string, fn: "Direction" | "MailMerge", accountId: string) =>
          Effect.gen(function* () {
            const groupId = `${structureId}$@${fn.toLowerCase()}`
            yield* feed.handle(
              {
                _tag: "OpenGroup",
                structureId,
                groupId,
                kind: "FunctionalGroup",
                name: fn,
                schoolYear: year,
                owner: "Feed",
                function: fn,
              },
              context,
            )
            yield* feed.handle(
              { _tag: "AssignToGroup", structureId, groupId, accountId, role: "Member", source: "Feed" },
              context,
            )
          })
        for (const structureId of schools) {
          yield* feed.handle({ _tag: "OpenSchoolYear", structureId, schoolYear: year }, context)
        }
        yield* member(school, "Direction", "head-a")
        yield* member(school, "MailMerge", "mailer-a")
        yield* member(otherSchool, "Direction", "head-b")
        const recipients = (communicationId: string) =>
          Effect.map(communication(communicationId), (state) => [...state.recipients].sort())
        yield* schedule("com-direction", [{ function: "Direction" }])
        yield* schedule("com-mail-merge", [{ function: "MailMerge" }])
        yield* schedule("com-both", [{ function: "Direction" }, { function: "MailMerge" }])
        yield* schedule("com-feed-code", [{ function: "DIR" }])
        yield* tick(from)
        assert.deepStrictEqual(yield* recipients("com-direction"), ["head-a"])
        assert.deepStrictEqual(yield* recipients("com-mail-merge"), ["mailer-a"])
        assert.deepStrictEqual(yield* recipients("com-both"), ["head-a", "mailer-a"])
        assert.deepStrictEqual(yield* recipients("com-feed-code"), [])
      }).pipe(Effect.provide(stack())),
  )
})

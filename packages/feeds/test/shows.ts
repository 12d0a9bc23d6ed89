/**
 * What the import's tests share: the stack in memory, the log read back (accounts, schools, groups), and the
 * oracle of what DOMAIN.md says the ENT shows for a directory of the model (directory.ts), never the
 * importer's plan.
 */
import { join } from "node:path"
import * as Account from "@cartable/domain/Account"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import * as Structure from "@cartable/domain/Structure"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as AafReader from "@cartable/feeds/AafReader"
import * as FeedImport from "@cartable/feeds/FeedImport"
import { Authorization } from "@cartable/read-models/Authorization"
import { Workspace } from "@cartable/workspace/Workspace"
import { assert } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Dir from "./directory.ts"
import { at, memory, options, stack } from "./importWorld.ts"

export const example = join(import.meta.dirname, "../../../examples/aaf-export")
export const inMemory = <A, E>(
  effect: Effect.Effect<A, E, Workspace | Authorization | import("@cartable/eventlog/EventStore").EventStore>,
) => Effect.provide(effect, stack.pipe(Layer.provideMerge(memory())))

export const importing = (d: Dir.Directory, overrides: Partial<FeedImport.Options> = {}) =>
  FeedImport.run(Dir.elements(d), options(overrides))

export const accountOf = (externalId: string) =>
  Effect.gen(function* () {
    const id = yield* (yield* Authorization).feedHolder("AAF", externalId)
    if (id === undefined) return undefined
    const { state } = yield* CommandHandler.load(Account.aggregate, id)
    return state._tag === "Account" ? state : undefined
  })

export const schoolState = (uai: string) =>
  Effect.map(CommandHandler.load(Structure.aggregate, uai), ({ state }) => {
    assert.ok(state._tag === "Structure", `${uai} is registered`)
    return state
  })

export const group = (school: Structure.Structure, code: string) =>
  school.groups.get(Structure.groupIdOf(StructureId.make(school.structureId), code))

/** A formation of the model as a level or sub-level: its code and label. */
export const mefAs = (code: string) => {
  const mef = Dir.mefs.find((m) => m.code === code)!
  return { code: mef.code, label: mef.label }
}
export const byCode = <A extends { readonly code: string }>(list: ReadonlyArray<A>) =>
  [...list].sort((a, b) => (a.code < b.code ? -1 : 1))

/**
 * BR-MSG-3's values as the model has them (written from the seed's "niveau, sous-niveau, discipline de poste",
 * docs/feeds.md): a pupil's sub-level is his MEF and his level the MEF it attaches to, in his school; a
 * teacher's are the MEFs he teaches, with his post's discipline.
 */
export const schoolingOf = (d: Dir.Directory, id: string) => {
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

/** Files (name, XML) as the reader streams them. */
export const fromFiles = (files: ReadonlyArray<readonly [string, string]>) =>
  Stream.fromIterable(files).pipe(
    Stream.flatMap(([name, xml]) =>
      AafReader.fromBytes(name, Stream.make(new TextEncoder().encode(xml))).pipe(Stream.orDie),
    ),
  )

/** What DOMAIN.md says the ENT shows for the directory `d`, checked on the log. */
export const assertShows = (d: Dir.Directory) =>
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
      assert.deepStrictEqual([account.firstName, account.lastName], [relative.firstName, relative.lastName])
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
      // docs/feed-import.md: a teacher teaches (classes or groups, or the function ENS, which the model writes
      // for every staff member outside the direction); the others are Personnel.
      assert.strictEqual(
        account.profile,
        staff.teaches.length > 0 || !staff.direction ? "Teacher" : "Personnel",
        `${staff.id}'s profile`,
      )
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
export const assertPhases = (report: FeedImport.Report) => {
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

/** The platform's administrator (attached to `home`), appointed as a vendor appoints him: his account id. */
export const platformAdministrator = (home: string) =>
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

import * as Actor from "@cartable/domain/Actor"
import type * as Domain from "@cartable/domain/Domain"
import * as DomainAll from "@cartable/domain/Domain"
import { AccountId, GroupId, HomeworkBookId, StructureId } from "@cartable/domain/Ids"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import * as Uai from "@cartable/domain/Uai"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Authorization from "../src/Authorization.ts"
import { context, runtimeOn, stores } from "./authorizationFixtures.ts"

const feed = Actor.system("aaf")
const install = Actor.system("install")
const academy = StructureId.make("academy-toulouse")
const department = StructureId.make("department-31")
const district = StructureId.make("district-muret")
const school = StructureId.make("school-a")
const year = SchoolYear.starting(2026)
const classId = GroupId.make("school-a$6A")
const direction = GroupId.make("school-a$CHEF-ETAB")
const mailMerge = GroupId.make("school-a$PUBLIPOSTAGE")
const ids = {
  pupil: AccountId.make("pupil-1"),
  teacher: AccountId.make("teacher-1"),
  head: AccountId.make("head-1"),
  relative: AccountId.make("relative-1"),
  staff: AccountId.make("staff-1"),
  vendor: AccountId.make("vendor-1"),
}

const provision = (accountId: AccountId, profile: "Student" | "Relative" | "Teacher" | "Personnel", login: string) =>
  ({
    _tag: "ProvisionAccount",
    actor: feed,
    accountId,
    profile,
    origin: { _tag: "Feed", source: "AAF", externalId: `j-${accountId}` },
    structureId: school,
    login,
    firstName: "Prénom",
    lastName: "Nom",
    activationCode: "3n6g8fmj",
  }) as unknown as Domain.Command

const register = (structureId: StructureId, kind: string, digits: string, parents: object) =>
  ({
    _tag: "RegisterStructure",
    actor: feed,
    structureId,
    uai: `${digits}${Uai.checkLetter(digits)}`,
    name: structureId,
    kind,
    ...parents,
  }) as unknown as Domain.Command

const open = (groupId: GroupId, kind: string, fn?: string) =>
  ({
    _tag: "OpenGroup",
    actor: feed,
    structureId: school,
    groupId,
    kind,
    name: groupId,
    schoolYear: year,
    owner: "Feed",
    ...(fn === undefined ? {} : { function: fn }),
  }) as unknown as Domain.Command

const assign = (groupId: GroupId, accountId: AccountId, role: string) =>
  ({
    _tag: "AssignToGroup",
    actor: feed,
    structureId: school,
    groupId,
    accountId,
    role,
    source: "Feed",
  }) as unknown as Domain.Command

/** A school year's start, from the feed and the install; every command must succeed. */
export const startOfYear: ReadonlyArray<Domain.Command> = [
  register(academy, "Academy", "0311111", {}),
  register(department, "Department", "0312222", { academyId: academy }),
  register(district, "District", "0313333", { departmentId: department, academyId: academy }),
  register(school, "SecondarySchool", "0571994", {
    districtId: district,
    departmentId: department,
    academyId: academy,
  }),
  provision(ids.pupil, "Student", "marie.a"),
  provision(ids.teacher, "Teacher", "paul.b"),
  provision(ids.head, "Personnel", "anne.c"),
  provision(ids.relative, "Relative", "jean.a"),
  provision(ids.staff, "Personnel", "luc.d"),
  provision(ids.vendor, "Personnel", "vendor.e"),
  open(classId, "Class"),
  open(direction, "FunctionalGroup", "Direction"),
  open(mailMerge, "FunctionalGroup", "MailMerge"),
  assign(classId, ids.pupil, "Student"),
  assign(classId, ids.teacher, "Teacher"),
  assign(direction, ids.head, "Member"),
  assign(mailMerge, ids.staff, "Member"),
  { _tag: "AppointPlatformAdministrator", actor: install, accountId: ids.vendor },
  {
    _tag: "GrantAdministratorRight",
    actor: { accountId: ids.vendor, roles: [{ _tag: "Administrator", level: "Platform" }] },
    accountId: ids.staff,
    structureId: school,
  },
  {
    _tag: "GrantAdministratorRight",
    actor: { accountId: ids.vendor, roles: [{ _tag: "Administrator", level: "Platform" }] },
    accountId: ids.staff,
    structureId: district,
  },
  { _tag: "GrantInspectorAccess", actor: feed, accountId: ids.teacher },
  {
    _tag: "LinkRelative",
    actor: feed,
    accountId: ids.relative,
    link: { pupilId: ids.pupil, legalAuthority: true, financial: true, contact: true },
    // The facts the Workspace resolves (crossFacts): a pupil with no relative yet.
    pupilProfile: "Student",
    pupilRelatives: [],
  },
  { _tag: "SetLoginAlias", actor: feed, accountId: ids.pupil, alias: "marie.perso" },
  {
    _tag: "OpenHomeworkBook",
    actor: feed,
    homeworkBookId: "book-6a",
    structureId: school,
    groupId: classId,
    schoolYear: year,
  },
] as unknown as ReadonlyArray<Domain.Command>

const run = Effect.gen(function* () {
  const router = yield* CommandRouter.make(DomainAll.aggregates)
  for (const command of startOfYear) {
    const outcome = yield* Effect.either(router.handle(command, context))
    assert.isTrue(outcome._tag === "Right", `${command._tag}: ${outcome._tag === "Left" ? String(outcome.left) : ""}`)
  }
  return yield* Authorization.Authorization
})

for (const { name, storage } of stores) {
  describe(`Authorization (${name})`, () => {
    it.effect("derives roles from the log: rights and their level, direction, teaching, inspection, mail-merge", () =>
      Effect.gen(function* () {
        const facts = yield* run
        assert.deepStrictEqual(yield* facts.roles(ids.staff), [
          { _tag: "Administrator", level: "School", scopeId: school },
          { _tag: "Administrator", level: "District", scopeId: district },
          { _tag: "MailMergeManager", structureId: school },
        ])
        assert.deepStrictEqual(yield* facts.roles(ids.vendor), [{ _tag: "Administrator", level: "Platform" }])
        assert.deepStrictEqual(yield* facts.roles(ids.head), [{ _tag: "Direction", structureId: school }])
        assert.deepStrictEqual(yield* facts.roles(ids.teacher), [
          { _tag: "Inspector" },
          { _tag: "Teacher", structureId: school, groupIds: [classId] },
        ])
        assert.deepStrictEqual(yield* facts.actor(ids.pupil), { accountId: ids.pupil, roles: [] })
        assert.deepStrictEqual(yield* facts.actor(AccountId.make("nobody")), {
          accountId: AccountId.make("nobody"),
          roles: [],
        })
      }).pipe(Effect.provide(runtimeOn(storage))),
    )

    it.effect("holds the cross-aggregate facts: classes, relatives, logins, feed ids, locations, books", () =>
      Effect.gen(function* () {
        const facts = yield* run
        const pupil = yield* facts.account(ids.pupil)
        assert.deepStrictEqual(pupil && { ...pupil }, {
          accountId: ids.pupil,
          profile: "Student",
          state: "inactive",
          blockedApplications: [],
          login: "marie.a",
          alias: "marie.perso",
          firstName: "Prénom",
          lastName: "Nom",
          structureIds: [school],
          classIds: [classId],
          relativeIds: [ids.relative],
        })
        assert.strictEqual(yield* facts.loginHolder("marie.a"), ids.pupil)
        assert.strictEqual(yield* facts.loginHolder("marie.perso"), ids.pupil)
        assert.strictEqual(yield* facts.loginHolder("nobody.x"), undefined)
        assert.deepStrictEqual(
          yield* facts.loginHolders(["marie.a", "nobody.x", "marie.perso", "marie.a"]),
          new Map([
            ["marie.a", ids.pupil],
            ["marie.perso", ids.pupil],
          ]),
        )
        assert.strictEqual(yield* facts.feedHolder("AAF", "j-teacher-1"), ids.teacher)
        assert.deepStrictEqual(
          yield* facts.feedHolders("AAF", ["j-teacher-1", "j-nobody", "j-teacher-1"]),
          new Map([["j-teacher-1", ids.teacher]]),
        )
        assert.deepStrictEqual(yield* facts.feedHolders("CSV", ["j-teacher-1"]), new Map())
        // A link's facts: the pupil's profile and his relatives, as account() and accounts() give them.
        const relatives = yield* facts.accounts(pupil?.relativeIds ?? [])
        assert.deepStrictEqual(yield* facts.pupilRelatives(ids.pupil), {
          profile: "Student",
          relatives: relatives.map(({ accountId, firstName, lastName, state }) => ({
            accountId,
            firstName,
            lastName,
            state,
          })),
        })
        assert.strictEqual(relatives.length, 1)
        assert.deepStrictEqual(yield* facts.pupilRelatives(ids.relative), { profile: "Relative", relatives: [] })
        assert.deepStrictEqual(yield* facts.pupilRelatives(AccountId.make("nobody")), {
          profile: undefined,
          relatives: [],
        })
        // Many pupils at once: each as pupilRelatives gives him.
        const many = [ids.pupil, ids.relative, AccountId.make("nobody"), ids.pupil]
        const each = new Map<AccountId, Authorization.PupilRelatives>()
        for (const id of many) each.set(id, yield* facts.pupilRelatives(id))
        assert.deepStrictEqual(yield* facts.pupilsRelatives(many), each)
        assert.deepStrictEqual(yield* facts.location(school), {
          structureId: school,
          districtId: district,
          departmentId: department,
          academyId: academy,
        })
        assert.deepStrictEqual(yield* facts.location(district), {
          structureId: district,
          districtId: district,
          departmentId: department,
          academyId: academy,
        })
        assert.strictEqual(yield* facts.homeworkBookSchool(HomeworkBookId.make("book-6a")), school)
      }).pipe(Effect.provide(runtimeOn(storage))),
    )

    it.effect(
      "BR-ACC-10 an external identity opens one account: linked, relinked, refused to a second account, unlinked, erased",
      () =>
        Effect.gen(function* () {
          const facts = yield* run
          const router = yield* CommandRouter.make(DomainAll.aggregates)
          const link = (accountId: AccountId, subject: string, identityHolder?: AccountId) =>
            router.handle(
              {
                _tag: "LinkExternalIdentity",
                actor: feed,
                accountId,
                provider: "EduConnect",
                subject,
                ...(identityHolder === undefined ? {} : { identityHolder }),
              },
              context,
            )
          const unlink = (accountId: AccountId) =>
            router.handle({ _tag: "UnlinkExternalIdentity", actor: feed, accountId, provider: "EduConnect" }, context)
          yield* link(ids.pupil, "ec-1")
          assert.strictEqual(yield* facts.identityHolder("EduConnect", "ec-1"), ids.pupil)
          assert.strictEqual(yield* facts.identityHolder("Pronote", "ec-1"), undefined)
          // The holder the log names is refused by the decision; a writer that did not look is stopped by the claim.
          const refused = yield* Effect.flip(link(ids.relative, "ec-1", ids.pupil))
          assert.strictEqual(refused._tag, "AccountRejected")
          const raced = yield* Effect.either(link(ids.relative, "ec-1"))
          assert.strictEqual(raced._tag, "Left")
          assert.strictEqual(yield* facts.identityHolder("EduConnect", "ec-1"), ids.pupil)
          yield* unlink(ids.pupil)
          assert.strictEqual(yield* facts.identityHolder("EduConnect", "ec-1"), undefined)
          yield* link(ids.relative, "ec-1")
          assert.strictEqual(yield* facts.identityHolder("EduConnect", "ec-1"), ids.relative)
          const runtime = yield* ProjectionRuntime.ProjectionRuntime
          yield* runtime.rebuild(Authorization.AuthorizationProjection)
          assert.strictEqual(yield* facts.identityHolder("EduConnect", "ec-1"), ids.relative)
          for (const _tag of ["PreDeleteAccount", "DeleteAccount", "EraseAccountData"]) {
            yield* router.handle({ _tag, actor: feed, accountId: ids.relative }, context)
          }
          assert.strictEqual(yield* facts.identityHolder("EduConnect", "ec-1"), undefined)
        }).pipe(Effect.provide(runtimeOn(storage))),
    )

    it.effect("BR-ACC-8 the profile the feed moved a teacher or a staff member to is the one his facts give", () =>
      Effect.gen(function* () {
        const facts = yield* run
        const router = yield* CommandRouter.make(DomainAll.aggregates)
        // The teacher joins the direction, the head starts teaching.
        for (const [accountId, profile] of [
          [ids.teacher, "Personnel"],
          [ids.head, "Teacher"],
        ] as const) {
          yield* router.handle({ _tag: "ChangeAccountProfile", actor: feed, accountId, profile }, context)
        }
        const profiles = () =>
          Effect.map(facts.accounts([ids.teacher, ids.head, ids.staff]), (found) =>
            [ids.teacher, ids.head, ids.staff].map((id) => found.find((entry) => entry.accountId === id)?.profile),
          )
        assert.deepStrictEqual(yield* profiles(), ["Personnel", "Teacher", "Personnel"])
        assert.strictEqual((yield* facts.account(ids.teacher))?.profile, "Personnel")
        const runtime = yield* ProjectionRuntime.ProjectionRuntime
        yield* runtime.rebuild(Authorization.AuthorizationProjection)
        assert.deepStrictEqual(yield* profiles(), ["Personnel", "Teacher", "Personnel"])
      }).pipe(Effect.provide(runtimeOn(storage))),
    )

    it.effect("a rebuild gives the same facts", () =>
      Effect.gen(function* () {
        const facts = yield* run
        const before = yield* Effect.all([facts.accounts(Object.values(ids)), ...Object.values(ids).map(facts.roles)])
        const runtime = yield* ProjectionRuntime.ProjectionRuntime
        yield* runtime.rebuild(Authorization.AuthorizationProjection)
        const after = yield* Effect.all([facts.accounts(Object.values(ids)), ...Object.values(ids).map(facts.roles)])
        assert.deepStrictEqual(after, before)
      }).pipe(Effect.provide(runtimeOn(storage))),
    )
  })
}

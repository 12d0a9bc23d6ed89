// The cross-aggregate rules over random histories: every command goes through the facts resolved from the
// log (crossFacts, the Authorization read model kept inline), then the pure decide. Each oracle is a small
// model of DOMAIN.md's rule, written from its text, never from the code under test.
import * as Actor from "@cartable/domain/Actor"
import type * as Domain from "@cartable/domain/Domain"
import * as DomainAll from "@cartable/domain/Domain"
import { AccountId } from "@cartable/domain/Ids"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import * as Uai from "@cartable/domain/Uai"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import * as EventStore from "@cartable/eventlog/EventStore"
import { Authorization } from "@cartable/read-models/Authorization"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import { context, memory, runtimeOn } from "../../read-models/test/authorizationFixtures.ts"
import * as CrossFacts from "../src/internal/crossFacts.ts"

const fastCheck = { numRuns: 25 }
const feed = Actor.system("aaf")
const install = Actor.system("install")
const year = SchoolYear.starting(2026)
const school = "school-a"
const uai = (digits: string) => `${digits}${Uai.checkLetter(digits)}`

type Outcome = Either.Either<unknown, { readonly ruleId?: string; readonly reason?: string }>

/** A command whose actor is given (the feed, the install), its other facts resolved from the log. */
const submit = (command: object): Effect.Effect<Outcome, never, never> =>
  Effect.flatMap(CommandRouter.make(DomainAll.aggregates), (router) =>
    Effect.either(
      CrossFacts.retryOnClaimConflict(
        Effect.flatMap(CrossFacts.complete(command as Domain.Command), (completed) =>
          router.handle(completed, context),
        ),
      ),
    ),
  ) as unknown as Effect.Effect<Outcome>

/** An intent of a signed-in account: its actor from the log, then its facts. */
const submitAs = (accountId: string, intent: object) =>
  Effect.flatMap(Authorization, (facts) =>
    Effect.flatMap(facts.actor(AccountId.make(accountId)), (actor) => submit({ ...intent, actor })),
  )

const must = (outcome: Outcome, what: string) =>
  assert.isTrue(Either.isRight(outcome), `${what}: ${Either.isLeft(outcome) ? JSON.stringify(outcome.left) : ""}`)

const reasonOf = (outcome: Outcome) => (Either.isLeft(outcome) ? outcome.left.reason : undefined)

const provision = (
  accountId: string,
  profile: string,
  login: string,
  names = ["Marie", "Anquet"],
  externalId?: string,
) => ({
  _tag: "ProvisionAccount",
  actor: feed,
  accountId,
  profile,
  origin: { _tag: "Feed", source: "AAF", externalId: externalId ?? `j-${accountId}` },
  structureId: school,
  login,
  firstName: names[0],
  lastName: names[1],
  activationCode: "3n6g8fmj",
})

const register = (structureId: string, kind: string, digits: string, parents: object = {}) => ({
  _tag: "RegisterStructure",
  actor: feed,
  structureId,
  uai: uai(digits),
  name: structureId,
  kind,
  ...parents,
})

const open = (groupId: string, kind: string) => ({
  _tag: "OpenGroup",
  actor: feed,
  structureId: school,
  groupId,
  kind,
  name: groupId,
  schoolYear: year,
  owner: "Feed",
})

const membership = (tag: "AssignToGroup" | "UnassignFromGroup", groupId: string, accountId: string, role: string) => ({
  _tag: tag,
  actor: feed,
  structureId: school,
  groupId,
  accountId,
  ...(tag === "AssignToGroup" ? { role } : {}),
  source: "Feed",
})

const setup = (commands: ReadonlyArray<object>) =>
  Effect.forEach(
    commands,
    (command) => Effect.map(submit(command), (outcome) => must(outcome, JSON.stringify(command))),
    {
      discard: true,
    },
  )

const onMemory = <A, E>(effect: Effect.Effect<A, E, Authorization | EventStore.EventStore>) =>
  Effect.provide(effect, runtimeOn(memory))

describe("cross-aggregate rules, facts from the log", () => {
  // BR-ACC-5, BR-GRP-2 (one class per year: a new class moves the pupil), BR-GRP-4 (a closed class ends its
  // memberships): a teacher issues a code for a pupil of a class he is attached to, and for no one else.
  const classes = ["school-a$6A", "school-a$5B"]
  const groups = [...classes, "school-a$6A-ANG1"]
  const pupils = ["pupil-1", "pupil-2", "pupil-3"]
  const classOp = FastCheck.oneof(
    FastCheck.record({
      op: FastCheck.constant("pupil" as const),
      pupil: FastCheck.constantFrom(...pupils),
      group: FastCheck.constantFrom(...groups),
      join: FastCheck.boolean(),
    }),
    FastCheck.record({
      op: FastCheck.constant("teacher" as const),
      group: FastCheck.constantFrom(...groups),
      join: FastCheck.boolean(),
    }),
    FastCheck.record({ op: FastCheck.constant("close" as const), group: FastCheck.constantFrom(...classes) }),
  )
  it.effect.prop(
    "BR-ACC-5 a teacher issues a renewal code only for a pupil of a class he is attached to, judged on the pupil's classes in the log",
    [FastCheck.array(classOp, { maxLength: 14 })],
    ([ops]) =>
      onMemory(
        Effect.gen(function* () {
          yield* setup([
            register(school, "SecondarySchool", "0571994"),
            ...groups.map((group) => open(group, group.endsWith("ANG1") ? "TeachingGroup" : "Class")),
            ...pupils.map((pupil, i) => provision(pupil, "Student", `pupil.${i}`)),
            provision("teacher-1", "Teacher", "teacher.t"),
          ])
          // The model: each pupil's class (one per year), the teacher's open groups, closed classes.
          const classOf = new Map<string, string>()
          const taught = new Set<string>()
          const closed = new Set<string>()
          for (const op of ops) {
            if (op.op === "close") {
              yield* submit({ _tag: "CloseGroup", actor: feed, structureId: school, groupId: op.group })
              closed.add(op.group)
              taught.delete(op.group)
              for (const [pupil, group] of classOf) if (group === op.group) classOf.delete(pupil)
              continue
            }
            const accountId = op.op === "pupil" ? op.pupil : "teacher-1"
            const role = op.op === "pupil" ? "Student" : "Teacher"
            yield* submit(membership(op.join ? "AssignToGroup" : "UnassignFromGroup", op.group, accountId, role))
            if (closed.has(op.group)) continue
            if (op.op === "teacher") {
              if (op.join) taught.add(op.group)
              else taught.delete(op.group)
            } else if (classes.includes(op.group)) {
              if (op.join) classOf.set(op.pupil, op.group)
              else if (classOf.get(op.pupil) === op.group) classOf.delete(op.pupil)
            }
          }
          for (const pupil of pupils) {
            const outcome = yield* submitAs("teacher-1", {
              _tag: "IssuePasswordRenewalCode",
              accountId: pupil,
              renewalCode: "3d3nbrm8",
            })
            const pupilClass = classOf.get(pupil)
            const allowed = pupilClass !== undefined && taught.has(pupilClass)
            // An allowed teacher meets the next rule: the pupil has not activated his account yet.
            assert.strictEqual(reasonOf(outcome), allowed ? "InvalidState" : "NotAuthorized", pupil)
          }
        }),
      ),
    { fastCheck },
  )

  // BR-SIG-2: the alert goes to the school's administrators, the district's, the department's and the platform
  // vendor, as the school sits in the log now, whatever location the reporter's request names.
  const parents = FastCheck.record({
    districtId: FastCheck.constantFrom(undefined, "district-1", "district-2"),
    departmentId: FastCheck.constantFrom(undefined, "department-31", "department-32"),
    academyId: FastCheck.constantFrom(undefined, "academy-1"),
  })
  it.effect.prop(
    "BR-SIG-2 a report's location and recipients are the school's place in the log, not the reporter's word",
    [FastCheck.array(parents, { minLength: 1, maxLength: 4 }), parents],
    ([moves, forged]) =>
      onMemory(
        Effect.gen(function* () {
          const defined = (p: typeof forged) =>
            Object.fromEntries(Object.entries(p).filter(([, value]) => value !== undefined)) as Record<string, string>
          for (const move of moves) yield* submit(register(school, "SecondarySchool", "0571994", defined(move)))
          yield* setup([provision("pupil-1", "Student", "pupil.p")])
          const outcome = yield* submitAs("pupil-1", {
            _tag: "ReportContent",
            reportId: "report-1",
            structureId: school,
            // A forged location is never read: the library resolves the school's.
            location: { structureId: school, ...defined(forged) },
            content: { kind: "Notification", contentId: "notif-1" },
            reportedAt: "2026-09-08T07:45:00Z",
          })
          must(outcome, "the report")
          const now = defined(moves[moves.length - 1]!)
          const events = yield* Effect.flatMap(EventStore.EventStore, (store) => store.readAll(0, 10_000))
          const reported = events.find((recorded) => recorded.type === "ContentReported")!.event as unknown as {
            readonly location: object
            readonly recipients: ReadonlyArray<object>
          }
          assert.deepStrictEqual(reported.location, { structureId: school, ...now })
          const expected = [
            { level: "School", scopeId: school },
            ...(now.districtId ? [{ level: "District", scopeId: now.districtId }] : []),
            ...(now.departmentId ? [{ level: "Department", scopeId: now.departmentId }] : []),
            { level: "Platform" },
          ]
          const order = (list: ReadonlyArray<object>) => list.map((r) => JSON.stringify(r)).sort()
          assert.deepStrictEqual(order(reported.recipients), order(expected))
        }),
      ),
    { fastCheck },
  )

  // BR-SIG-2: the reporter names the school where the content was shown; it must be one he is in (from the log)
  // or one he administers, so that nobody sends an alert to another school's administrators.
  it.effect.prop(
    "BR-SIG-2 a report is made at a school the reporter is in or administers, as the log says",
    [FastCheck.constantFrom("school-a", "school-b"), FastCheck.boolean()],
    ([shownAt, administratorOfB]) =>
      onMemory(
        Effect.gen(function* () {
          yield* submit(register("school-a", "SecondarySchool", "0571994"))
          yield* submit(register("school-b", "SecondarySchool", "0571995"))
          yield* setup([provision("pupil-1", "Student", "pupil.p"), provision("admin-b", "Personnel", "admin.b")])
          if (administratorOfB) {
            yield* setup([
              provision("vendor", "Personnel", "vendor.v"),
              { _tag: "AppointPlatformAdministrator", actor: install, accountId: "vendor" },
            ])
            must(
              yield* submitAs("vendor", {
                _tag: "GrantAdministratorRight",
                accountId: "admin-b",
                structureId: "school-b",
              }),
              "the right",
            )
          }
          const report = (reportId: string) => ({
            _tag: "ReportContent",
            reportId,
            structureId: shownAt,
            content: { kind: "Notification", contentId: "notif-1" },
            reportedAt: "2026-09-08T07:45:00Z",
          })
          // Both accounts are in school-a (provisioned there); only the administrator of school-b covers it.
          const byPupil = yield* submitAs("pupil-1", report("report-1"))
          const byAdmin = yield* submitAs("admin-b", report("report-2"))
          if (shownAt === "school-a") {
            must(byPupil, "the pupil's report in his school")
            must(byAdmin, "a report in the administrator's own school")
          } else {
            assert.strictEqual(reasonOf(byPupil), "InvalidLocation")
            if (administratorOfB) must(byAdmin, "a report in the school he administers")
            else assert.strictEqual(reasonOf(byAdmin), "InvalidLocation")
          }
        }),
      ),
    { fastCheck },
  )

  // BR-ACC-7: a relative is linked to pupils only, and one person has one relative account per pupil: a second
  // relative account of the same person (same names, case and accents aside: seed 004 "doublons
  // responsables") is refused.
  const names = [
    ["Jean", "Dupont"],
    ["JEAN", "dupont"],
    ["Jéan", "Dupont"],
    ["Anne", "Martin"],
  ]
  const key = (n: ReadonlyArray<string>) =>
    n
      .map((part) =>
        part
          .normalize("NFD")
          .replace(/[\u0300-\u036f]/g, "")
          .toLowerCase(),
      )
      .join(" ")
  const relatives = ["relative-1", "relative-2", "relative-3"]
  const targets = ["pupil-1", "pupil-2", "teacher-1", "ghost-1"]
  it.effect.prop(
    "BR-ACC-7 a linked child is a pupil, and a second relative account of the same person for one pupil is refused as a duplicate, whether linked later or with the provisioning",
    [
      FastCheck.tuple(...relatives.map(() => FastCheck.constantFrom(...names))),
      FastCheck.array(
        FastCheck.record({
          relative: FastCheck.constantFrom(...relatives),
          target: FastCheck.constantFrom(...targets),
          link: FastCheck.boolean(),
        }),
        { minLength: 4, maxLength: 14 },
      ),
      // Last, a relative provisioned with his children: his names, and the children the feed gives.
      FastCheck.constantFrom(...names),
      FastCheck.array(FastCheck.constantFrom(...targets), { maxLength: 3 }),
    ],
    ([relativeNames, ops, newNames, newTargets]) =>
      onMemory(
        Effect.gen(function* () {
          yield* setup([
            provision("pupil-1", "Student", "pupil.a"),
            provision("pupil-2", "Student", "pupil.b"),
            provision("teacher-1", "Teacher", "teacher.t"),
            ...relatives.map((relative, i) => provision(relative, "Relative", `relative.${i}`, relativeNames[i]!)),
          ])
          const nameOf = new Map(relatives.map((relative, i) => [relative, key(relativeNames[i]!)]))
          const linked = new Map<string, Set<string>>()
          for (const op of ops) {
            if (!op.link) {
              must(
                yield* submit({ _tag: "UnlinkRelative", actor: feed, accountId: op.relative, pupilId: op.target }),
                "unlink",
              )
              linked.get(op.target)?.delete(op.relative)
              continue
            }
            const outcome = yield* submit({
              _tag: "LinkRelative",
              actor: feed,
              accountId: op.relative,
              link: { pupilId: op.target, legalAuthority: true, financial: false, contact: true },
            })
            const isPupil = op.target.startsWith("pupil-")
            const others = [...(linked.get(op.target) ?? [])].filter((other) => other !== op.relative)
            const duplicate = others.some((other) => nameOf.get(other) === nameOf.get(op.relative))
            const expected = !isPupil ? "InvalidLink" : duplicate ? "DuplicateRelative" : undefined
            assert.strictEqual(reasonOf(outcome), expected, JSON.stringify(op))
            if (expected === undefined) linked.set(op.target, new Set([...(linked.get(op.target) ?? []), op.relative]))
          }
          // The facts of the children come from the log: a caller vouching for them is not heard.
          const provisioned = yield* submit({
            ...provision("relative-new", "Relative", "relative.new", newNames),
            links: newTargets.map((pupilId) => ({ pupilId, legalAuthority: true, financial: true, contact: true })),
            pupils: newTargets.map((pupilId) => ({ pupilId, profile: "Student", relatives: [] })),
          })
          const refusedLink = newTargets
            .map((target) =>
              !target.startsWith("pupil-")
                ? "InvalidLink"
                : [...(linked.get(target) ?? [])].some((other) => nameOf.get(other) === key(newNames))
                  ? "DuplicateRelative"
                  : undefined,
            )
            .find((reason) => reason !== undefined)
          assert.strictEqual(reasonOf(provisioned), refusedLink, JSON.stringify(newTargets))
          nameOf.set("relative-new", key(newNames))
          const facts = yield* Authorization
          const created = yield* facts.account(AccountId.make("relative-new"))
          assert.strictEqual(created !== undefined, refusedLink === undefined, "all or nothing")
          for (const pupil of ["pupil-1", "pupil-2"]) {
            const account = yield* facts.account(AccountId.make(pupil))
            const people = (account?.relativeIds ?? []).map((relative) => nameOf.get(relative))
            assert.strictEqual(new Set(people).size, people.length, "one account per relative and pupil")
            const withNew = refusedLink === undefined && newTargets.includes(pupil)
            assert.strictEqual(account?.relativeIds.includes(AccountId.make("relative-new")), withNew, pupil)
          }
        }),
      ),
    { fastCheck: { numRuns: 60 } },
  )

  // BR-ACC-10 (logins and aliases unique across all accounts, pupils and parents distinct) and BR-ACC-8 (a feed
  // person who has an account is never given a second one under a new id).
  const values = ["marie.a", "marie.b", "paul.c", "jean.d"]
  const feedIds = ["f-1", "f-2", "f-3"]
  const identityOp = FastCheck.oneof(
    FastCheck.record({
      op: FastCheck.constant("provision" as const),
      profile: FastCheck.constantFrom("Student", "Relative"),
      login: FastCheck.constantFrom(...values),
      feedId: FastCheck.constantFrom(...feedIds),
    }),
    FastCheck.record({
      op: FastCheck.constant("alias" as const),
      account: FastCheck.nat(5),
      alias: FastCheck.constantFrom(...values),
    }),
    FastCheck.record({ op: FastCheck.constant("unalias" as const), account: FastCheck.nat(5) }),
  )
  it.effect.prop(
    "BR-ACC-10 logins and aliases are unique across all accounts, and BR-ACC-8 a feed person who has an account is not given a second one",
    [FastCheck.array(identityOp, { minLength: 1, maxLength: 16 })],
    ([ops]) =>
      onMemory(
        Effect.gen(function* () {
          const holder = new Map<string, string>()
          const byFeed = new Map<string, string>()
          const accounts: Array<{ readonly id: string; readonly login: string; alias?: string }> = []
          for (const [i, op] of ops.entries()) {
            if (op.op === "provision") {
              const id = `acc-${i}`
              const outcome = yield* submit(provision(id, op.profile, op.login, undefined, op.feedId))
              const expected = byFeed.has(op.feedId) ? "BR-ACC-8" : holder.has(op.login) ? "BR-ACC-10" : undefined
              assert.strictEqual(Either.isLeft(outcome) ? outcome.left.ruleId : undefined, expected, JSON.stringify(op))
              if (expected === undefined) {
                holder.set(op.login, id)
                byFeed.set(op.feedId, id)
                accounts.push({ id, login: op.login })
              }
              continue
            }
            const account = accounts[op.account]
            if (account === undefined) continue
            if (op.op === "unalias") {
              must(yield* submit({ _tag: "RemoveLoginAlias", actor: feed, accountId: account.id }), "unalias")
              if (account.alias !== undefined) holder.delete(account.alias)
              delete account.alias
              continue
            }
            const outcome = yield* submit({
              _tag: "SetLoginAlias",
              actor: feed,
              accountId: account.id,
              alias: op.alias,
            })
            const owner = holder.get(op.alias)
            const expected =
              op.alias === account.login
                ? "InvalidLink"
                : owner !== undefined && owner !== account.id
                  ? "LoginTaken"
                  : undefined
            assert.strictEqual(reasonOf(outcome), expected, JSON.stringify(op))
            if (expected === undefined) {
              if (account.alias !== undefined && account.alias !== op.alias) holder.delete(account.alias)
              account.alias = op.alias
              holder.set(op.alias, account.id)
            }
          }
          const facts = yield* Authorization
          for (const value of values) {
            assert.strictEqual(yield* facts.loginHolder(value), holder.get(value), value)
          }
        }),
      ),
    { fastCheck },
  )

  // BR-CDT-5: an inspection names an account with inspector access, and is scheduled by an administrator
  // whose scope covers the school (its own, its district's), judged on the school's place in the log.
  const staff = ["staff-1", "staff-2"]
  it.effect.prop(
    "BR-CDT-5 an inspection names an account that has inspector access, scheduled by an administrator covering the school",
    [
      FastCheck.array(FastCheck.record({ account: FastCheck.constantFrom(...staff), grant: FastCheck.boolean() }), {
        maxLength: 6,
      }),
      FastCheck.constantFrom("admin-school", "admin-district", "admin-other", "staff-1"),
    ],
    ([ops, scheduler]) =>
      onMemory(
        Effect.gen(function* () {
          yield* setup([
            register("district-1", "District", "0311111"),
            register(school, "SecondarySchool", "0571994", { districtId: "district-1" }),
            register("school-b", "SecondarySchool", "0310001"),
            ...["admin-school", "admin-district", "admin-other", "vendor", ...staff].map((id, i) =>
              provision(id, "Personnel", `staff.${i}`),
            ),
            provision("teacher-1", "Teacher", "teacher.t"),
            { _tag: "AppointPlatformAdministrator", actor: install, accountId: "vendor" },
            {
              _tag: "OpenHomeworkBook",
              actor: feed,
              homeworkBookId: "book-1",
              structureId: school,
              groupId: "school-a$6A",
              schoolYear: year,
            },
          ])
          for (const [accountId, structureId] of [
            ["admin-school", school],
            ["admin-district", "district-1"],
            ["admin-other", "school-b"],
          ] as const) {
            must(yield* submitAs("vendor", { _tag: "GrantAdministratorRight", accountId, structureId }), accountId)
          }
          const access = new Set<string>()
          for (const op of ops) {
            must(
              yield* submit({
                _tag: op.grant ? "GrantInspectorAccess" : "RevokeInspectorAccess",
                actor: feed,
                accountId: op.account,
              }),
              "inspector access",
            )
            if (op.grant) access.add(op.account)
            else access.delete(op.account)
          }
          const covers = scheduler === "admin-school" || scheduler === "admin-district"
          for (const [i, inspector] of staff.entries()) {
            const outcome = yield* submitAs(scheduler, {
              _tag: "ScheduleInspection",
              homeworkBookId: "book-1",
              inspectionId: `insp-${i}`,
              inspectorId: inspector,
              teacherId: "teacher-1",
              period: { from: "2026-10-05", to: "2026-10-16" },
            })
            assert.strictEqual(
              Either.isRight(outcome),
              covers && access.has(inspector),
              `${scheduler} names ${inspector}: ${JSON.stringify(Either.isLeft(outcome) ? outcome.left : "")}`,
            )
          }
        }),
      ),
    { fastCheck },
  )
})

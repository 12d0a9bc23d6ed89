import * as Account from "@cartable/domain/Account"
import type * as Actor from "@cartable/domain/Actor"
import * as Credentials from "@cartable/domain/Credentials"
import type * as Domain from "@cartable/domain/Domain"
import { AccountId, ReportId, type StructureId } from "@cartable/domain/Ids"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as AuditTrail from "@cartable/read-models/AuditTrail"
import * as StructureArbitraries from "@cartable/testing/StructureArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { describeWithServer, handle, live, memory, postgres, type Storage, sqlite } from "./fixtures/storage.ts"

const S = StructureArbitraries.ids
const [schoolA, schoolB] = S.schools as unknown as readonly [StructureId, StructureId]
const feed = StructureArbitraries.actors.feed
const admin: Actor.Actor = StructureArbitraries.actors.adminA
const marie = AccountId.make("acc-1")
const lucas = AccountId.make("acc-2")

const sixth = { code: "10010012110", label: "6EME" }
const bilingual = { code: "10010012111", label: "6EME BILANGUE ANGLAIS-ALLEMAND" }

const provision = (
  accountId: AccountId,
  structureId: StructureId,
  login: string,
  firstName: string,
  lastName: string,
) =>
  Account.ProvisionAccount.make({
    actor: feed,
    accountId,
    profile: "Student",
    origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${accountId}` },
    structureId,
    login: Credentials.Login.make(login),
    firstName,
    lastName,
    activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
  })

const history: ReadonlyArray<readonly [Domain.Command, string]> = [
  ...StructureArbitraries.setup.map((command) => [command, "2025-08-25T06:00:00Z"] as const),
  [provision(marie, schoolA, "marie.a", "Marie", "Anquet"), "2025-09-01T06:00:00Z"],
  [provision(lucas, schoolB, "lucas.martin", "Lucas", "Martin"), "2025-09-01T06:00:01Z"],
  [
    Account.UpdateAccountSchooling.make({
      actor: feed,
      accountId: marie,
      schooling: [{ structureId: schoolA, levels: [sixth], subLevels: [bilingual], disciplines: [] }],
    }),
    "2025-09-02T06:00:00Z",
  ],
  [Account.BlockAccount.make({ actor: admin, accountId: marie }), "2025-10-02T14:00:00Z"],
  [
    {
      _tag: "ReportContent",
      actor: { accountId: marie, roles: [] },
      reportId: ReportId.make("rep-1"),
      structureId: schoolA,
      reporterSchools: [schoolA],
      location: { structureId: schoolA, districtId: S.district, departmentId: S.department, academyId: S.academy },
      content: { kind: "Notification", contentId: "notif-42" },
      reportedAt: DateTime.unsafeMake("2025-10-03T08:00:00Z"),
      comment: "Message insultant",
    },
    "2025-10-03T08:00:00Z",
  ],
]

const summary = (page: AuditTrail.AuditPage) => page.entries.map((entry) => [entry.type, entry.subject, entry.actor])

const scenario = Effect.gen(function* () {
  for (const [command, at] of history) yield* handle(command, at)
  const runtime = yield* ProjectionRuntime.ProjectionRuntime
  yield* runtime.catchUp()
  const trail = yield* AuditTrail.AuditTrail

  // Who did what: the administrator opened the theatre club (the setup's manual group), then blocked Marie, on that day.
  const byAdmin = yield* trail.byActor({ accountId: admin.accountId })
  assert.deepStrictEqual(summary(byAdmin), [
    ["AccountBlocked", marie, admin.accountId],
    ["GroupOpened", schoolA, admin.accountId],
  ])
  assert.deepStrictEqual(byAdmin.entries[0]?.occurredAt, DateTime.unsafeMake("2025-10-02T14:00:00Z"))
  assert.deepStrictEqual(byAdmin.entries[0]?.stream, `Account-${marie}`)

  // What was done about Marie, newest first: her report, her blocking, her schooling and provisioning by the feed.
  assert.deepStrictEqual(summary(yield* trail.aboutAccount({ accountId: marie })), [
    ["ContentReported", "rep-1", marie],
    ["AccountBlocked", marie, admin.accountId],
    ["AccountSchoolingUpdated", marie, feed.accountId],
    ["AccountProvisioned", marie, feed.accountId],
  ])

  // Per school: school A's structure, groups, accounts and report; nothing of school B.
  const inA = yield* trail.bySchool({ structureId: schoolA, limit: 100 })
  const typesInA = inA.entries.map((entry) => entry.type)
  assert.deepStrictEqual(typesInA.slice(0, 4), [
    "ContentReported",
    "AccountBlocked",
    "AccountSchoolingUpdated",
    "AccountProvisioned",
  ])
  assert.deepStrictEqual(typesInA.filter((type) => type === "GroupOpened").length, 6)
  assert.isTrue(inA.entries.every((entry) => entry.subject !== lucas && entry.subject !== schoolB))
  assert.deepStrictEqual(summary(yield* trail.bySchool({ structureId: schoolB })), [
    ["AccountProvisioned", lucas, feed.accountId],
    ["GroupOpened", schoolB, feed.accountId],
    ["StructureRegistered", schoolB, feed.accountId],
  ])

  // Paging: two at a time, the same order as one page.
  const paged: Array<number> = []
  let after: string | undefined
  do {
    const page = yield* trail.bySchool({ structureId: schoolA, after, limit: 2 })
    paged.push(...page.entries.map((entry) => entry.position))
    after = page.next
  } while (after !== undefined)
  assert.deepStrictEqual(
    paged,
    inA.entries.map((entry) => entry.position),
  )

  // The personal data it shows, and not the activation code.
  const about = (yield* trail.aboutAccount({ accountId: marie })).entries
  assert.deepStrictEqual(about[3]!.personal, { login: "marie.a", firstName: "Marie", lastName: "Anquet" })
  // A structured value (her schooling) shows as its JSON.
  assert.deepStrictEqual(JSON.parse(about[2]!.personal.schooling!), [
    { structureId: schoolA, levels: [sixth], subLevels: [bilingual], disciplines: [] },
  ])

  // BR-ACC-9: after erasure the trail keeps who did what, and shows none of her data.
  for (const command of [
    Account.PreDeleteAccount.make({ actor: admin, accountId: marie }),
    Account.DeleteAccount.make({ actor: admin, accountId: marie }),
    Account.EraseAccountData.make({ actor: admin, accountId: marie }),
  ]) {
    yield* handle(command, "2026-07-15T09:00:00Z")
  }
  yield* runtime.catchUp()
  const afterErasure = yield* trail.aboutAccount({ accountId: marie })
  assert.deepStrictEqual(summary(afterErasure).slice(3), [
    ["ContentReported", "rep-1", marie],
    ["AccountBlocked", marie, admin.accountId],
    ["AccountSchoolingUpdated", marie, feed.accountId],
    ["AccountProvisioned", marie, feed.accountId],
  ])
  const erased = PersonalData.ERASED
  assert.deepStrictEqual(afterErasure.entries[6]?.personal, { login: erased, firstName: erased, lastName: erased })
  assert.deepStrictEqual(afterErasure.entries[5]?.personal, { schooling: erased })
  assert.deepStrictEqual(afterErasure.entries[3]?.personal, { comment: erased })
  const everything = yield* trail.all({ limit: 1000 })
  assert.notInclude(JSON.stringify(everything), "Anquet")
  assert.notInclude(JSON.stringify(everything), "BILANGUE")
  assert.include(JSON.stringify(everything), "Martin")

  // A rebuild after erasure gives the same trail.
  yield* runtime.rebuild(AuditTrail.AuditTrailProjection)
  assert.deepStrictEqual(yield* trail.all({ limit: 1000 }), everything)
})

const runOn = (storage: Storage) =>
  AuditTrail.layer.pipe(Layer.provideMerge(live(storage, { async: [AuditTrail.AuditTrailProjection] })))

describe("AuditTrail", () => {
  it.effect(
    "BR-ACC-9 who did what, when, per account and per school; erased data reads as erased, rebuilt alike (memory)",
    () => scenario.pipe(Effect.provide(runOn(memory)), Effect.scoped),
  )
  it.effect("BR-ACC-9 the same trail on SQLite", () => scenario.pipe(Effect.provide(runOn(sqlite)), Effect.scoped))
})

describeWithServer("AuditTrail on PostgreSQL", (server) => {
  it.effect("BR-ACC-9 the same trail on PostgreSQL", () =>
    scenario.pipe(Effect.provide(runOn(postgres(server))), Effect.scoped),
  )
})

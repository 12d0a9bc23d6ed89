import * as Account from "@cartable/domain/Account"
import type * as Actor from "@cartable/domain/Actor"
import * as Credentials from "@cartable/domain/Credentials"
import type * as Domain from "@cartable/domain/Domain"
import { AccountId, ReportId } from "@cartable/domain/Ids"
import type * as Report from "@cartable/domain/Report"
import * as ReportQueue from "@cartable/read-models/ReportQueue"
import * as ReportArbitraries from "@cartable/testing/ReportArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { describeWithServer, handle, live, memory, postgres, type Storage, sqlite } from "./fixtures/storage.ts"

const { actors } = ReportArbitraries
const [atA, atB] = ReportArbitraries.ids.locations as unknown as readonly [Actor.Location, Actor.Location]
const reporter = AccountId.make("jean.beau")
const pupil: Actor.Actor = { accountId: reporter, roles: [] }
const feed: Actor.Actor = { accountId: AccountId.make("system:aaf"), roles: [{ _tag: "System", process: "aaf" }] }

const report = (id: string, location: Actor.Location, at: string, comment?: string): Domain.Command => ({
  _tag: "ReportContent",
  actor: pupil,
  reportId: ReportId.make(id),
  structureId: location.structureId,
  location,
  reporterSchools: [location.structureId],
  content: { kind: "Notification", contentId: `notif-${id}`, authorId: AccountId.make("author-1") },
  reportedAt: DateTime.unsafeMake(at),
  ...(comment === undefined ? {} : { comment }),
})

const ids = (page: ReportQueue.ReportPage) => page.reports.map((entry) => entry.reportId)

/** Seed 003 section 6: three reports in two schools of two districts and departments of one academy. */
const scenario = Effect.gen(function* () {
  yield* handle(
    Account.ProvisionAccount.make({
      actor: feed,
      accountId: reporter,
      profile: "Student",
      origin: { _tag: "Feed", source: "AAF", externalId: "jointure-beau" },
      structureId: atA.structureId,
      login: Credentials.Login.make("jean.beau"),
      firstName: "Jean",
      lastName: "Beau",
      activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
    }),
    "2019-09-02T08:00:00Z",
  )
  yield* handle(report("rep-1", atA, "2019-10-18T07:45:00Z", "Photo d'un élève"), "2019-10-18T07:45:00Z")
  yield* handle(report("rep-2", atB, "2019-10-18T09:30:00Z"), "2019-10-18T09:30:00Z")
  yield* handle(report("rep-3", atA, "2019-10-21T16:00:00Z"), "2019-10-21T16:00:00Z")
  const handledAt = DateTime.unsafeMake("2019-10-19T10:00:00Z")
  yield* handle(
    {
      _tag: "HandleReport",
      actor: actors.schoolAdminA,
      reportId: ReportId.make("rep-1"),
      decision: "Kept",
      handledAt,
      blockAuthor: false,
    },
    "2019-10-19T10:00:00Z",
  )
  yield* handle(
    {
      _tag: "HandleReport",
      actor: actors.cpdB,
      reportId: ReportId.make("rep-2"),
      decision: "Deleted",
      handledAt,
      blockAuthor: true,
    },
    "2019-10-19T10:00:00Z",
  )
  // A second handling is rejected by the domain; the queue keeps the first (BR-SIG-3).
  yield* Effect.either(
    handle(
      {
        _tag: "HandleReport",
        actor: actors.vendor,
        reportId: ReportId.make("rep-1"),
        decision: "Deleted",
        handledAt,
        blockAuthor: false,
      },
      "2019-10-20T10:00:00Z",
    ),
  )
  yield* handle(
    {
      _tag: "DismissReportAlert",
      actor: actors.schoolAdminA,
      reportId: ReportId.make("rep-3"),
      dismissedAt: handledAt,
    },
    "2019-10-22T08:00:00Z",
  )

  const queue = yield* ReportQueue.ReportQueue
  const list = (scope: ReportQueue.Scope, status?: ReportQueue.Status) => Effect.map(queue.list({ scope, status }), ids)

  // BR-SIG-2: every scope that covers the school, from the report's location; newest first.
  assert.deepStrictEqual(yield* list({ level: "School", scopeId: atA.structureId }), ["rep-3", "rep-1"])
  assert.deepStrictEqual(yield* list({ level: "School", scopeId: atB.structureId }), ["rep-2"])
  assert.deepStrictEqual(yield* list({ level: "District", scopeId: atA.districtId! }), ["rep-3", "rep-1"])
  assert.deepStrictEqual(yield* list({ level: "District", scopeId: atB.districtId! }), ["rep-2"])
  assert.deepStrictEqual(yield* list({ level: "Department", scopeId: atB.departmentId! }), ["rep-2"])
  assert.deepStrictEqual(yield* list({ level: "Academy", scopeId: atA.academyId! }), ["rep-3", "rep-2", "rep-1"])
  assert.deepStrictEqual(yield* list({ level: "Platform" }), ["rep-3", "rep-2", "rep-1"])
  // A scope id of another level names nothing: a school's id is not a district.
  assert.deepStrictEqual(yield* list({ level: "District", scopeId: atA.structureId }), [])

  // Open and handled, with who decided what and when (BR-SIG-3).
  assert.deepStrictEqual(yield* list({ level: "School", scopeId: atA.structureId }, "Open"), ["rep-3"])
  assert.deepStrictEqual(yield* list({ level: "Platform" }, "Handled"), ["rep-2", "rep-1"])
  assert.strictEqual(yield* queue.count({ scope: { level: "Platform" }, status: "Open" }), 1)
  assert.strictEqual(yield* queue.count({ scope: { level: "Academy", scopeId: atA.academyId! } }), 3)
  const first = yield* queue.get(ReportId.make("rep-1"))
  assert.deepStrictEqual(first?.handling, {
    decision: "Kept",
    handledBy: actors.schoolAdminA.accountId,
    handledAt,
    blockAuthor: false,
  })
  assert.strictEqual(first?.reportedBy, reporter)
  assert.deepStrictEqual(first?.reportedAt, DateTime.unsafeMake("2019-10-18T07:45:00Z"))
  assert.strictEqual(first?.comment, "Photo d'un élève")
  assert.strictEqual((yield* queue.get(ReportId.make("rep-2")))?.handling?.decision, "Deleted")

  // BR-SIG-4: a dismissed alert leaves the report in the queue, open.
  const third = yield* queue.get(ReportId.make("rep-3"))
  assert.deepStrictEqual([third?.status, third?.alertDismissedBy], ["Open", [actors.schoolAdminA.accountId]])

  // Paging: one at a time, the same order, none twice.
  const paged: Array<string> = []
  let after: string | undefined
  do {
    const page = yield* queue.list({ scope: { level: "Platform" }, after, limit: 1 })
    paged.push(...ids(page))
    after = page.next
  } while (after !== undefined)
  assert.deepStrictEqual(paged, ["rep-3", "rep-2", "rep-1"])

  // BR-ACC-9: erasing the reporter's data drops his comment; the report stays.
  for (const command of [
    Account.PreDeleteAccount.make({ actor: ReportArbitraries.actors.schoolAdminA, accountId: reporter }),
    Account.DeleteAccount.make({ actor: ReportArbitraries.actors.schoolAdminA, accountId: reporter }),
    Account.EraseAccountData.make({ actor: ReportArbitraries.actors.schoolAdminA, accountId: reporter }),
  ]) {
    yield* handle(command, "2020-09-01T08:00:00Z")
  }
  const erased = yield* queue.get(ReportId.make("rep-1"))
  assert.strictEqual(erased?.comment, undefined)
  assert.strictEqual(erased?.reportedBy, reporter)
})

const runOn = (storage: Storage) =>
  ReportQueue.layer.pipe(Layer.provideMerge(live(storage, { inline: [ReportQueue.ReportQueueProjection] })))

describe("ReportQueue", () => {
  it.effect(
    "BR-SIG-2 BR-SIG-3 BR-SIG-4 a report is in the queue of every scope covering its school, with its handling and history (memory)",
    () => scenario.pipe(Effect.provide(runOn(memory)), Effect.scoped),
  )
  it.effect("BR-SIG-2 BR-SIG-3 BR-SIG-4 the same queue on SQLite", () =>
    scenario.pipe(Effect.provide(runOn(sqlite)), Effect.scoped),
  )

  // The oracle: DOMAIN.md BR-SIG-2 read literally, each level against the matching field of the location.
  const covers = (scope: ReportQueue.Scope, location: Actor.Location): boolean => {
    switch (scope.level) {
      case "Platform":
        return true
      case "School":
        return location.structureId === scope.scopeId
      case "District":
        return location.districtId === scope.scopeId
      case "Department":
        return location.departmentId === scope.scopeId
      case "Academy":
        return location.academyId === scope.scopeId
    }
  }
  const scopes: ReadonlyArray<ReportQueue.Scope> = [
    { level: "Platform" },
    ...ReportArbitraries.ids.locations.flatMap(
      (location): ReadonlyArray<ReportQueue.Scope> => [
        { level: "School", scopeId: location.structureId },
        { level: "District", scopeId: location.districtId },
        { level: "Department", scopeId: location.departmentId },
        { level: "Academy", scopeId: location.academyId },
      ],
    ),
  ]

  it.effect.prop(
    "BR-SIG-2 BR-SIG-3 over random report histories, each scope's queue holds exactly the reports made in a school it covers, each with its first handling",
    [ReportArbitraries.commands],
    ([commands]) =>
      Effect.gen(function* () {
        const made = new Map<string, { location: Actor.Location; handled?: Report.ReportDecision }>()
        for (const command of commands) {
          const accepted = yield* Effect.either(handle(command, "2019-10-18T08:00:00Z"))
          if (accepted._tag === "Left" || accepted.right.events.length === 0) continue
          if (command._tag === "ReportContent") made.set(command.reportId, { location: command.location })
          if (command._tag === "HandleReport") made.get(command.reportId)!.handled = command.decision
        }
        const queue = yield* ReportQueue.ReportQueue
        for (const scope of scopes) {
          const page = yield* queue.list({ scope, limit: 100 })
          const expected = [...made].filter(([, report]) => covers(scope, report.location)).map(([id]) => id)
          assert.deepStrictEqual(ids(page).sort(), expected.sort(), JSON.stringify(scope))
          const open = yield* queue.list({ scope, status: "Open" })
          assert.deepStrictEqual(ids(open).sort(), expected.filter((id) => made.get(id)!.handled === undefined).sort())
          for (const entry of page.reports)
            assert.strictEqual(entry.handling?.decision, made.get(entry.reportId)!.handled)
        }
      }).pipe(Effect.provide(runOn(memory)), Effect.scoped),
    { fastCheck: { numRuns: 30 } },
  )
})

describeWithServer("ReportQueue on PostgreSQL", (server) => {
  it.effect("BR-SIG-2 BR-SIG-3 BR-SIG-4 the same queue on PostgreSQL", () =>
    scenario.pipe(Effect.provide(runOn(postgres(server))), Effect.scoped),
  )
})

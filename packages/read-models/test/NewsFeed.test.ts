import * as Account from "@cartable/domain/Account"
import type * as Actor from "@cartable/domain/Actor"
import * as Credentials from "@cartable/domain/Credentials"
import type * as Domain from "@cartable/domain/Domain"
import * as HomeworkBook from "@cartable/domain/HomeworkBook"
import * as HomeworkBookQueries from "@cartable/domain/HomeworkBookQueries"
import { AccountId, HomeworkBookId, ReportId, SessionId, type StructureId, SubjectCode } from "@cartable/domain/Ids"
import type * as SchoolYear from "@cartable/domain/SchoolYear"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as NewsFeed from "@cartable/read-models/NewsFeed"
import * as ReportQueue from "@cartable/read-models/ReportQueue"
import * as AccountArbitraries from "@cartable/testing/AccountArbitraries"
import * as HomeworkBookArbitraries from "@cartable/testing/HomeworkBookArbitraries"
import * as ReportFeedHistories from "@cartable/testing/ReportFeedHistories"
import * as StructureArbitraries from "@cartable/testing/StructureArbitraries"
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { describeWithServer, handle, live, memory, postgres, type Storage, sqlite } from "./fixtures/storage.ts"

const S = StructureArbitraries.ids
const H = HomeworkBookArbitraries.named
const feedActor: Actor.Actor = { accountId: AccountId.make("system:aaf"), roles: [{ _tag: "System", process: "aaf" }] }
const vendor: Actor.Actor = {
  accountId: AccountId.make("vendor"),
  roles: [{ _tag: "Administrator", level: "Platform" }],
}
const [pupil1, pupil2, pupil3] = S.pupils as unknown as readonly [AccountId, AccountId, AccountId]
const teacher = H.teacher1.accountId
const adminA = AccountId.make("laure.admin")
const mother = AccountId.make("claire.anquet")
const erun = AccountId.make("paul.erun")
const locationA: Actor.Location = {
  structureId: S.schools[0]!,
  districtId: S.district,
  departmentId: S.department,
  academyId: S.academy,
}
const book = HomeworkBookId.make("cdt-6A-2025")
const day = "2025-09-15" as SchoolYear.LocalDate
const at = "2025-09-15T10:00:00Z"

const staff = (accountId: AccountId, structureId: StructureId, granter: Actor.Actor): ReadonlyArray<Domain.Command> => [
  Account.ProvisionAccount.make({
    actor: feedActor,
    accountId,
    profile: "Personnel",
    origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${accountId}` },
    structureId: S.schools[0]!,
    login: Credentials.Login.make(accountId),
    firstName: "Laure",
    lastName: "Martin",
    activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
  }),
  Account.GrantAdministratorRight.make({ actor: granter, accountId, structureId }),
]

const assign = (
  accountId: AccountId,
  groupId: (typeof S.groups)[keyof typeof S.groups],
  role: "Student" | "Teacher",
): Domain.Command => ({
  _tag: "AssignToGroup",
  actor: StructureArbitraries.actors.feed,
  structureId: S.schools[0]!,
  groupId,
  accountId,
  role,
  source: "Feed",
})

/** A class of two pupils and its teacher, a pupil of another class, the first pupil's mother, the school's administrator and the district's. */
const setup: ReadonlyArray<Domain.Command> = [
  ...StructureArbitraries.setup,
  assign(pupil1, S.groups.classA, "Student"),
  assign(pupil2, S.groups.classA, "Student"),
  assign(teacher, S.groups.classA, "Teacher"),
  assign(pupil3, S.groups.classB, "Student"),
  ...staff(adminA, S.schools[0]!, StructureArbitraries.actors.adminA),
  Account.ProvisionAccount.make({
    actor: feedActor,
    accountId: mother,
    profile: "Relative",
    origin: { _tag: "Feed", source: "AAF", externalId: "jointure-mother" },
    structureId: S.schools[0]!,
    login: Credentials.Login.make("claire.anquet"),
    firstName: "Claire",
    lastName: "Anquet",
    activationCode: Credentials.OneTimeCode.make("3d3nbrm8"),
  }),
  Account.LinkRelative.make({
    actor: feedActor,
    accountId: mother,
    link: { pupilId: pupil1, legalAuthority: true, financial: true, contact: true },
    pupilProfile: "Student",
    pupilRelatives: [],
  }),
  ...staff(erun, S.district, vendor),
  {
    _tag: "OpenHomeworkBook",
    actor: H.timetable,
    homeworkBookId: book,
    structureId: S.schools[0]!,
    groupId: S.groups.classA,
    schoolYear: S.years[0]!,
  },
  {
    _tag: "RecordSession",
    actor: H.teacher1,
    homeworkBookId: book,
    sessionId: SessionId.make("s1"),
    subject: SubjectCode.make("MATHS"),
    teacherId: teacher,
    date: day,
    content: "Fractions",
    homework: "Exercices 3 et 4 page 12",
  },
]

const types = (page: NewsFeed.FeedPage) => page.notifications.map((n) => n.type)

const scenario = Effect.gen(function* () {
  for (const command of setup) yield* handle(command, at)
  const runtime = yield* ProjectionRuntime.ProjectionRuntime
  yield* runtime.catchUp()
  const news = yield* NewsFeed.NewsFeed
  const feedOf = (recipient: AccountId) => news.feed({ recipient })

  // A session recorded in 6A: its pupils see it, not its author, not another class.
  const [session] = (yield* feedOf(pupil1)).notifications
  assert.deepStrictEqual(types(yield* feedOf(pupil1)), ["SessionRecorded"])
  assert.deepStrictEqual(types(yield* feedOf(pupil2)), ["SessionRecorded"])
  assert.deepStrictEqual(types(yield* feedOf(mother)), ["SessionRecorded"])
  assert.deepStrictEqual(types(yield* feedOf(teacher)), [])
  assert.deepStrictEqual(types(yield* feedOf(pupil3)), [])
  assert.strictEqual(session?.id, `HomeworkBook-${book}@2`)
  assert.deepStrictEqual(session?.about, {
    _tag: "Session",
    homeworkBookId: book,
    sessionId: SessionId.make("s1"),
    subject: SubjectCode.make("MATHS"),
    teacherId: teacher,
    date: day,
  })
  assert.strictEqual(session?.actor, teacher)

  // A visa over the session's days notifies the teacher whose session it freezes (BR-CDT-3).
  yield* handle(
    {
      _tag: "PlaceVisa",
      actor: H.directionA,
      homeworkBookId: book,
      period: { from: day, to: day },
      scope: { _tag: "AllSessions" },
    },
    "2025-09-20T10:00:00Z",
  )
  yield* runtime.catchUp()
  assert.deepStrictEqual(types(yield* feedOf(teacher)), ["VisaPlaced"])

  // BR-SIG-1 BR-SIG-2: a pupil reports the notification; the school's and the district's administrators are alerted.
  const reportId = ReportId.make("rep-1")
  yield* handle(
    {
      _tag: "ReportContent",
      actor: { accountId: pupil2, roles: [] },
      reportId,
      structureId: locationA.structureId,
      location: locationA,
      reporterSchools: [locationA.structureId],
      content: { kind: "Notification", contentId: session!.id, authorId: teacher },
      reportedAt: DateTime.unsafeMake("2025-09-21T08:00:00Z"),
    },
    "2025-09-21T08:00:00Z",
  )
  yield* runtime.catchUp()
  for (const admin of [adminA, erun]) {
    const [alert] = (yield* feedOf(admin)).notifications
    assert.deepStrictEqual(alert?.about, {
      _tag: "Report",
      reportId,
      structureId: locationA.structureId,
      reportedBy: pupil2,
      reportedAt: DateTime.unsafeMake("2025-09-21T08:00:00Z"),
      content: { kind: "Notification", contentId: session!.id, authorId: teacher },
    })
  }
  assert.deepStrictEqual(types(yield* feedOf(pupil2)), ["SessionRecorded"])

  // BR-SIG-3: deleted, it leaves every feed at once, before the async feed caught up.
  yield* handle(
    {
      _tag: "HandleReport",
      actor: { accountId: adminA, roles: [{ _tag: "Administrator", level: "School", scopeId: locationA.structureId }] },
      reportId,
      decision: "Deleted",
      handledAt: DateTime.unsafeMake("2025-09-21T09:00:00Z"),
      blockAuthor: false,
    },
    "2025-09-21T09:00:00Z",
  )
  assert.deepStrictEqual(types(yield* feedOf(pupil1)), [])
  assert.deepStrictEqual(types(yield* feedOf(pupil2)), [])
  const withdrawn = yield* news.notification(session!.id)
  assert.deepStrictEqual(withdrawn?.withdrawal?.handledBy, adminA)
  assert.deepStrictEqual([...(withdrawn?.recipients ?? [])].sort(), [pupil1, pupil2, mother].sort())
  assert.deepStrictEqual(types(yield* feedOf(mother)), [])
  yield* runtime.catchUp()
  assert.deepStrictEqual(types(yield* feedOf(pupil1)), [])
  // Caught up, the feed itself holds no entry of it any more: the filter has nothing left to hide.
  const entries = yield* ProjectionRuntime.reader(NewsFeed.NewsFeedProjection, "entries")
  const left = yield* entries.find({ limit: 1000 })
  assert.deepStrictEqual(
    left.documents.filter((entry) => entry.notification.id === session!.id),
    [],
  )
  assert.deepStrictEqual(types(yield* feedOf(teacher)), ["VisaPlaced"])

  // ... and the session it pointed to stays in the homework book.
  const events = yield* EventStore.EventStore
  const stream = yield* events.readStream(`HomeworkBook-${book}` as never, 0)
  const state = stream.reduce(
    (s, recorded) => HomeworkBook.evolve(s, recorded.event as HomeworkBook.HomeworkBookEvent),
    HomeworkBook.initialState,
  )
  assert.isDefined(HomeworkBookQueries.sessionOf(state, SessionId.make("s1")))

  // BR-SIG-4: the district's administrator dismisses his alert; the report stays in the queue.
  yield* handle(
    {
      _tag: "DismissReportAlert",
      actor: { accountId: erun, roles: [{ _tag: "Administrator", level: "District", scopeId: S.district }] },
      reportId,
      dismissedAt: DateTime.unsafeMake("2025-09-22T08:00:00Z"),
    },
    "2025-09-22T08:00:00Z",
  )
  yield* runtime.catchUp()
  assert.deepStrictEqual(types(yield* feedOf(erun)), [])
  assert.deepStrictEqual(types(yield* feedOf(adminA)), ["ContentReported"])
  const queue = yield* ReportQueue.ReportQueue
  const kept = yield* queue.list({ scope: { level: "District", scopeId: S.district } })
  assert.deepStrictEqual(
    kept.reports.map((report) => [report.reportId, report.handling?.decision]),
    [[reportId, "Deleted"]],
  )
})

const runOn = (storage: Storage) =>
  Layer.merge(NewsFeed.layer, ReportQueue.layer).pipe(
    Layer.provideMerge(
      live(storage, {
        inline: [ReportQueue.ReportQueueProjection, NewsFeed.FeedWithdrawals],
        async: [NewsFeed.NewsFeedProjection],
      }),
    ),
  )

describe("NewsFeed", () => {
  it.effect(
    "BR-SIG-2 BR-SIG-3 BR-SIG-4 sessions reach the class, visas the teacher, reports the administrators; a deleted notification leaves every feed at once (memory)",
    () => scenario.pipe(Effect.provide(runOn(memory)), Effect.scoped),
  )
  it.effect("BR-SIG-3 the same feeds on SQLite", () => scenario.pipe(Effect.provide(runOn(sqlite)), Effect.scoped))
})

describe("NewsFeed over random histories", () => {
  // Everyone the histories may notify: the account pool, the pupils, the teacher and the administrators of the world.
  const audience = [
    ...AccountArbitraries.ids.accounts,
    ...S.pupils,
    HomeworkBookArbitraries.named.teacher2.accountId,
    AccountId.make("staff-a"),
    AccountId.make("staff-erun"),
  ]
  // Each history ends by reporting the world's two session notifications and deleting them, if still there.
  const tail: ReadonlyArray<Domain.Command> = ReportFeedHistories.notificationIds
    .filter((id) => id.endsWith("@2"))
    .flatMap(
      (contentId, i): ReadonlyArray<Domain.Command> => [
        {
          _tag: "ReportContent",
          actor: { accountId: pupil1, roles: [] },
          reportId: ReportId.make(`rep-tail-${i}`),
          structureId: ReportFeedHistories.schoolA.structureId,
          location: ReportFeedHistories.schoolA,
          reporterSchools: [ReportFeedHistories.schoolA.structureId],
          content: { kind: "Notification", contentId },
          reportedAt: DateTime.unsafeMake(at),
        },
        {
          _tag: "HandleReport",
          actor: StructureArbitraries.actors.vendor,
          reportId: ReportId.make(`rep-tail-${i}`),
          decision: "Deleted",
          handledAt: DateTime.unsafeMake(at),
          blockAuthor: false,
        },
      ],
    )
  let checked = 0
  afterAll(() => assert.isAbove(checked, 0, "no history deleted a notification that was in a feed"))
  it.effect.prop(
    "BR-SIG-3 a notification deleted by a report's handling is in no feed as soon as the command returned, before the async feed saw the handling, and stays retrievable",
    [ReportFeedHistories.commands],
    ([history]) =>
      Effect.gen(function* () {
        const runtime = yield* ProjectionRuntime.ProjectionRuntime
        const news = yield* NewsFeed.NewsFeed
        const commands = [...history, ...tail]
        const shown = Effect.forEach(audience, (recipient) =>
          Effect.map(news.feed({ recipient, limit: 1000 }), (page) => page.notifications.map((n) => n.id)),
        )
        // The oracle (BR-SIG-3): every notification an accepted handling deleted.
        const deleted = new Set<string>()
        const reported = new Map<string, string>()
        for (const command of commands) {
          // The feed is up to date before each command, and does not see the command itself.
          yield* runtime.catchUp()
          const before = (yield* shown).flat()
          const accepted = yield* Effect.either(handle(command, at))
          if (accepted._tag === "Left" || accepted.right.events.length === 0) continue
          if (command._tag === "ReportContent" && command.content.kind === "Notification") {
            reported.set(command.reportId, command.content.contentId)
          }
          if (command._tag === "HandleReport" && command.decision === "Deleted" && reported.has(command.reportId)) {
            const id = reported.get(command.reportId)!
            deleted.add(id)
            if (before.includes(id)) checked++
            for (const ids of yield* shown) assert.notInclude(ids, id)
          }
        }
        yield* runtime.catchUp()
        for (const ids of yield* shown)
          assert.deepStrictEqual(
            ids.filter((id) => deleted.has(id)),
            [],
          )
        for (const id of deleted) {
          const sent = yield* news.notification(id)
          if (sent !== undefined) assert.isDefined(sent.withdrawal)
        }
      }).pipe(Effect.provide(runOn(memory)), Effect.scoped),
    { fastCheck: { numRuns: 25 } },
  )
})

describeWithServer("NewsFeed on PostgreSQL", (server) => {
  it.effect("BR-SIG-3 the same feeds on PostgreSQL", () =>
    scenario.pipe(Effect.provide(runOn(postgres(server))), Effect.scoped),
  )
})

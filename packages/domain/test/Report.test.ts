import * as Account from "@cartable/domain/Account"
import * as Actor from "@cartable/domain/Actor"
import * as Credentials from "@cartable/domain/Credentials"
import { GroupId, StructureId } from "@cartable/domain/Ids"
import * as Report from "@cartable/domain/Report"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as Arbitraries from "@cartable/testing/Arbitraries"
import * as DeciderLaws from "@cartable/testing/DeciderLaws"
import { given, run } from "@cartable/testing/DeciderSpec"
import * as ReportArbitraries from "@cartable/testing/ReportArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"

const { ids, actors, allActors } = ReportArbitraries
const locationA = ids.locations[0]!
const locationB = ids.locations[1]!
const [t0, t1, t2] = [ids.times[0]!, ids.times[1]!, ids.times[2]!]
const reportId = ids.reports[0]!
const authorId = ids.authors[0]!

// Written out by hand rather than computed with Actor.covers, so the tests do not share the code under test.
const covering = [
  {
    location: locationA,
    recipients: [actors.schoolAdminA, actors.erunA, actors.cpdA, actors.vendor],
    handlers: [actors.schoolAdminA, actors.erunA, actors.cpdA, actors.dane, actors.vendor],
  },
  {
    location: locationB,
    recipients: [actors.schoolAdminB, actors.erunB, actors.cpdB, actors.vendor],
    handlers: [actors.schoolAdminB, actors.erunB, actors.cpdB, actors.dane, actors.vendor],
  },
] as const

const report = (overrides: Partial<typeof Report.ReportContent.Type> = {}): Report.ReportCommand => ({
  _tag: "ReportContent",
  actor: actors.pupil,
  reportId,
  location: locationA,
  content: { kind: "Notification", contentId: "notif-42", authorId },
  reportedAt: t0,
  ...overrides,
  structureId: overrides.structureId ?? (overrides.location ?? locationA).structureId,
  reporterSchools: overrides.reporterSchools ?? [
    overrides.structureId ?? (overrides.location ?? locationA).structureId,
  ],
})

const handle = (overrides: Partial<typeof Report.HandleReport.Type> = {}): Report.ReportCommand => ({
  _tag: "HandleReport",
  actor: actors.schoolAdminA,
  reportId,
  decision: "Deleted",
  handledAt: t1,
  blockAuthor: false,
  ...overrides,
})

const dismiss = (actor: Actor.Actor, dismissedAt = t2): Report.ReportCommand => ({
  _tag: "DismissReportAlert",
  actor,
  reportId,
  dismissedAt,
})

const history = (command: Report.ReportCommand = report()) => given(Report.aggregate).when(command).accepted().events

const kindArb = FastCheck.constantFrom<Report.ContentKind>("Notification", "Message")
const decisionArb = FastCheck.constantFrom<Report.ReportDecision>("Kept", "Deleted")
const coverageArb = FastCheck.constantFrom(...covering)
const partialLocationArb = FastCheck.record(
  {
    structureId: FastCheck.constantFrom(...ids.locations.map((l) => l.structureId)),
    districtId: FastCheck.constantFrom(...ids.locations.map((l) => l.districtId)),
    departmentId: FastCheck.constantFrom(...ids.locations.map((l) => l.departmentId)),
    academyId: FastCheck.constantFrom(...ids.locations.map((l) => l.academyId)),
  },
  { requiredKeys: ["structureId"] },
)

DeciderLaws.suite(Report.aggregate, { commands: ReportArbitraries.commands })

// Every id of the pool at every level, so that roles name right ids at wrong levels too.
const randomActor = Arbitraries.actor({
  structureIds: ids.locations.flatMap((l) => [l.structureId, l.districtId, l.departmentId, l.academyId]),
  groupIds: [GroupId.make("class-1")],
})
/** From DOMAIN.md BR-SIG-2: the administrators of the school and of each scope above it, and the vendor. */
const scopesAbove = (location: Actor.Location, levels: ReadonlyArray<Actor.AdminLevel>) =>
  [
    ["School", location.structureId],
    ["District", location.districtId],
    ["Department", location.departmentId],
    ["Academy", location.academyId],
  ].flatMap(([level, id]) => (id !== undefined && levels.includes(level as Actor.AdminLevel) ? [`${level} ${id}`] : []))
const holdsOneOf = (actor: Actor.Actor, scopes: ReadonlyArray<string>) =>
  actor.roles.some(
    (role) =>
      role._tag === "Administrator" && (role.level === "Platform" || scopes.includes(`${role.level} ${role.scopeId}`)),
  )

describe("Report rules", () => {
  it.prop(
    "BR-SIG-1 any user reports a notification or a message, with an optional comment marked personal",
    [
      FastCheck.constantFrom(...allActors, Actor.system("moderation")),
      ReportArbitraries.content,
      FastCheck.constantFrom(...ids.locations),
      FastCheck.option(FastCheck.string({ maxLength: 20 }), { nil: undefined }),
    ],
    ([actor, content, location, comment]) => {
      const command = report({ actor, content, location, ...(comment === undefined ? {} : { comment }) })
      const trimmed = comment?.trim()
      given(Report.aggregate)
        .when(command)
        .then([
          {
            _tag: "ContentReported",
            reportId,
            location,
            content,
            reportedBy: actor.accountId,
            reportedAt: t0,
            ...(trimmed ? { comment: trimmed } : {}),
            recipients: Report.recipientsOf(location),
            withdrawal: content.kind === "Message" ? "StopMessageDelivery" : "None",
          },
        ])
      given(Report.aggregate, history(command))
        .when(report({ actor: actors.teacher, reportedAt: t1 }))
        .thenRejects({ ruleId: "BR-SIG-1", reason: "AlreadyExists" })
      const summary = Option.getOrThrow(Report.summaryOf(given(Report.aggregate).when(command).accepted().state))
      assert.strictEqual(summary.comment, trimmed ? trimmed : undefined)
      assert.deepStrictEqual(PersonalData.personalFields(Report.ContentReported), {
        subjectField: "reportedBy",
        fields: ["comment"],
      })
    },
  )

  it.prop(
    "BR-SIG-2 a report alerts the school's, the district's, the department's administrators and the vendor",
    [partialLocationArb, FastCheck.constantFrom(...allActors)],
    ([location, actor]) => {
      const [reported] = history(report({ location }))
      assert.ok(reported?._tag === "ContentReported")
      const expected: ReadonlyArray<Report.Recipient> = [
        { level: "School", scopeId: location.structureId },
        ...(location.districtId === undefined ? [] : [{ level: "District" as const, scopeId: location.districtId }]),
        ...(location.departmentId === undefined
          ? []
          : [{ level: "Department" as const, scopeId: location.departmentId }]),
        { level: "Platform" },
      ]
      assert.deepStrictEqual(reported.recipients, expected)
      assert.deepStrictEqual(Report.alertedLevels, ["School", "District", "Department", "Platform"])
      const state = Report.evolve(Report.initialState, reported)
      const alerted = actor.roles.some(
        (role) =>
          role._tag === "Administrator" &&
          (role.level === "Platform" ||
            (role.level === "School" && role.scopeId === location.structureId) ||
            (role.level === "District" && role.scopeId === location.districtId) ||
            (role.level === "Department" && role.scopeId === location.departmentId)),
      )
      assert.strictEqual(Report.isRecipient(state, actor), alerted)
      const summary = Option.getOrThrow(Report.summaryOf(state))
      assert.strictEqual(summary.reportedBy, actors.pupil.accountId)
      assert.strictEqual(summary.reportedAt, t0)
    },
  )

  it.prop(
    "BR-SIG-2 a report is made at a school the reporter is in or administers: nobody alerts another school's administrators",
    [partialLocationArb, randomActor, FastCheck.subarray(ids.locations.map((l) => l.structureId)), kindArb],
    ([location, actor, reporterSchools, kind]) => {
      const spec = given(Report.aggregate).when(
        report({ actor, location, reporterSchools, content: { kind, contentId: "c-1" } }),
      )
      const own = reporterSchools.includes(location.structureId)
      if (own || holdsOneOf(actor, scopesAbove(location, ["School", "District", "Department", "Academy"]))) {
        spec.accepted()
      } else {
        spec.thenRejects({
          ruleId: "BR-SIG-2",
          reason: "InvalidLocation",
          message: `The reporter is not in school ${location.structureId}: a report goes to the administrators of his own school`,
        })
      }
    },
  )

  it.prop(
    "BR-SIG-2 an administrator whose scope covers the school handles the report, nobody else",
    [coverageArb, FastCheck.constantFrom(...allActors), decisionArb],
    ([{ location, handlers, recipients }, actor, decision]) => {
      const spec = given(Report.aggregate, history(report({ location }))).when(handle({ actor, decision }))
      if (handlers.some((handler) => handler === actor)) spec.accepted()
      else spec.thenRejects({ ruleId: "BR-SIG-2", reason: "NotAuthorized" })
      assert.strictEqual(
        Report.isRecipient(spec.state, actor),
        recipients.some((recipient) => recipient === actor),
      )
    },
  )

  it.prop(
    "BR-SIG-2 over actors of every role kind: whoever administers the school handles, the four alerted levels dismiss",
    [partialLocationArb, randomActor, decisionArb, kindArb],
    ([location, actor, decision, kind]) => {
      const past = history(report({ location, content: { kind, contentId: "c-1" } }))
      const handling = given(Report.aggregate, past).when(handle({ actor, decision }))
      if (holdsOneOf(actor, scopesAbove(location, ["School", "District", "Department", "Academy"]))) {
        const [handled] = handling.accepted().events
        assert.strictEqual(handled?._tag === "ReportHandled" && handled.handledBy, actor.accountId)
      } else {
        handling.thenRejects({
          ruleId: "BR-SIG-2",
          reason: "NotAuthorized",
          message: `Only an administrator whose scope covers ${location.structureId} handles this report`,
        })
      }
      const alerted = holdsOneOf(actor, scopesAbove(location, ["School", "District", "Department"]))
      assert.strictEqual(Report.isRecipient(handling.state, actor), alerted)
      const dismissing = given(Report.aggregate, past).when(dismiss(actor))
      if (alerted)
        dismissing.then([{ _tag: "ReportAlertDismissed", reportId, dismissedBy: actor.accountId, dismissedAt: t2 }])
      else
        dismissing.thenRejects({
          ruleId: "BR-SIG-2",
          reason: "NotAuthorized",
          message: `The alert of report ${reportId} was not sent to you`,
        })
    },
    { fastCheck: { numRuns: 500 } },
  )

  it.prop(
    "BR-SIG-3 a report is handled once, kept or deleted; the state keeps who decided what and when",
    [coverageArb, kindArb, decisionArb, decisionArb, FastCheck.nat(), FastCheck.nat()],
    ([{ location, handlers }, kind, decision, secondDecision, first, second]) => {
      const handler = handlers[first % handlers.length]!
      const other = handlers[second % handlers.length]!
      const past = history(report({ location, content: { kind, contentId: "c-1" } }))
      // A reported message stops at once; handling keeps it stopped (deleted) or resumes it (kept).
      const withdrawal = (
        {
          Notification: { Kept: "None", Deleted: "RemoveNotificationFromFeeds" },
          Message: { Kept: "ResumeMessageDelivery", Deleted: "StopMessageDelivery" },
        } as const
      )[kind][decision]
      const state = given(Report.aggregate, past)
        .when(handle({ actor: handler, decision }))
        .then([
          {
            _tag: "ReportHandled",
            reportId,
            content: { kind, contentId: "c-1" },
            decision,
            handledBy: handler.accountId,
            handledAt: t1,
            withdrawal,
            contentDeleted: false,
            blockAuthor: false,
          },
        ])
      const handled = [
        ...past,
        ...given(Report.aggregate, past)
          .when(handle({ actor: handler, decision }))
          .accepted().events,
      ]
      given(Report.aggregate, handled)
        .when(handle({ actor: other, decision: secondDecision, handledAt: t2 }))
        .thenRejects({
          ruleId: "BR-SIG-3",
          reason: "AlreadyHandled",
          message: `Report ${reportId} was already handled (${decision} by ${handler.accountId})`,
        })
      assert.ok(state._tag === "Report")
      assert.deepStrictEqual(state.handling, {
        decision,
        handledBy: handler.accountId,
        handledAt: t1,
        withdrawal,
        blockAuthor: false,
      })
      given(Report.aggregate)
        .when(handle({ actor: handler, decision }))
        .thenRejects({ ruleId: "BR-SIG-3", reason: "NotFound" })
    },
  )

  it.prop(
    "BR-SIG-4 dismissing alerts never removes a report: it stays retrievable with its history, handled or not",
    [ReportArbitraries.commands],
    ([commands]) => {
      const past = history()
      const sameReport = commands.map((command) => ({ ...command, reportId }))
      const { state, events } = run(
        Report.aggregate,
        sameReport,
        Report.aggregate.evolve(Report.initialState, past[0]!),
      )
      const summary = Option.getOrThrow(Report.summaryOf(state))
      assert.strictEqual(summary.reportId, reportId)
      assert.deepStrictEqual(summary.history[0], { _tag: "Reported", by: actors.pupil.accountId, at: t0 })
      assert.strictEqual(summary.history.length, 1 + events.length)
      const handled = events.find((event) => event._tag === "ReportHandled")
      assert.strictEqual(summary.status, handled?.decision ?? "Pending")
      const dismissedBy = events.flatMap((event) => (event._tag === "ReportAlertDismissed" ? [event.dismissedBy] : []))
      assert.deepStrictEqual(summary.alertDismissedBy, dismissedBy)
      given(Report.aggregate, past)
        .when(dismiss(actors.pupil))
        .thenRejects({ ruleId: "BR-SIG-2", reason: "NotAuthorized" })
      given(Report.aggregate, past)
        .when(dismiss(actors.dane))
        .thenRejects({ ruleId: "BR-SIG-2", reason: "NotAuthorized" })
    },
  )

  it.prop(
    "BR-SIG-4 a recipient who dismissed his alert still finds the report, and may still handle it",
    [FastCheck.constantFrom(...covering[0].recipients), FastCheck.boolean()],
    ([recipient, handledFirst]) => {
      const past = [
        ...history(),
        ...(handledFirst ? given(Report.aggregate, history()).when(handle()).accepted().events : []),
      ]
      const { events, state } = given(Report.aggregate, past).when(dismiss(recipient)).accepted()
      assert.deepStrictEqual(events, [
        { _tag: "ReportAlertDismissed", reportId, dismissedBy: recipient.accountId, dismissedAt: t2 },
      ])
      const summary = Option.getOrThrow(Report.summaryOf(state))
      assert.strictEqual(summary.status, handledFirst ? "Deleted" : "Pending")
      given(Report.aggregate, [...past, ...events])
        .when(dismiss(recipient))
        .then([])
      const again = given(Report.aggregate, [...past, ...events]).when(handle({ actor: recipient }))
      if (handledFirst) again.thenRejects({ ruleId: "BR-SIG-3", reason: "AlreadyHandled" })
      else again.accepted()
    },
  )

  it.prop(
    "BR-SIG-5 the handler may ask to block the author, or only his messaging; the follow-up blocks his account or his messaging",
    [
      coverageArb,
      kindArb,
      decisionArb,
      FastCheck.boolean(),
      FastCheck.boolean(),
      FastCheck.nat(),
      FastCheck.constantFrom(undefined, "Account" as const, "Messaging" as const),
    ],
    ([{ location, handlers }, kind, decision, blockAuthor, authorKnown, pick, blockScope]) => {
      const handler = handlers[pick % handlers.length]!
      const content: Report.ReportedContent = authorKnown
        ? { kind, contentId: "c-1", authorId }
        : { kind, contentId: "c-1" }
      const spec = given(Report.aggregate, history(report({ location, content }))).when(
        handle({ actor: handler, decision, blockAuthor, ...(blockScope === undefined ? {} : { blockScope }) }),
      )
      if (blockScope !== undefined && !blockAuthor) {
        spec.thenRejects({ ruleId: "BR-SIG-5", reason: "InvalidFollowUp" })
        return
      }
      if (blockAuthor && decision === "Kept") {
        spec.thenRejects({ ruleId: "BR-SIG-5", reason: "InvalidFollowUp" })
        return
      }
      if (blockAuthor && !authorKnown) {
        spec.thenRejects({ ruleId: "BR-SIG-5", reason: "UnknownAuthor" })
        return
      }
      const [handled] = spec.accepted().events
      assert.ok(handled?._tag === "ReportHandled")
      const processManager = Actor.system("report-follow-up")
      const followUp = Report.followUpCommands(handled, processManager)
      const messagingOnly = blockScope === "Messaging"
      assert.deepStrictEqual(
        followUp,
        blockAuthor
          ? [
              messagingOnly
                ? { _tag: "BlockAccount", actor: processManager, accountId: authorId, application: "messaging" }
                : { _tag: "BlockAccount", actor: processManager, accountId: authorId },
            ]
          : [],
      )
      const author: Account.AccountEvent = {
        _tag: "AccountProvisioned",
        accountId: authorId,
        profile: "Student",
        origin: { _tag: "Feed", source: "AAF", externalId: "jointure-author" },
        structureId: location.structureId,
        login: Credentials.Login.make("jean.beau"),
        firstName: "Jean",
        lastName: "Beau",
        activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
      }
      const { state } = run(Account.aggregate, followUp, Account.evolve(Account.initialState, author))
      assert.ok(state._tag === "Account")
      assert.strictEqual(state.blocked, blockAuthor && !messagingOnly)
      assert.deepStrictEqual(state.blockedApplications, blockAuthor && messagingOnly ? ["messaging"] : [])
      for (const command of followUp) {
        assert.ok(Either.isRight(Account.decide(command, Account.evolve(Account.initialState, author))))
      }
      assert.deepStrictEqual(Report.followUpCommands(history()[0]!, processManager), [])
    },
  )
})

describe("Report undo paths", () => {
  it.prop(
    "BR-SIG-3 a second handling that reaches the log anyway never overwrites the first; the history keeps one handling",
    [
      decisionArb,
      decisionArb,
      FastCheck.constantFrom(...covering[0].handlers),
      FastCheck.constantFrom(...covering[0].handlers),
    ],
    ([first, second, firstHandler, secondHandler]) => {
      const handled = (
        decision: Report.ReportDecision,
        actor: Actor.Actor,
        handledAt: typeof t1,
      ): Report.ReportEvent => ({
        _tag: "ReportHandled",
        reportId,
        content: { kind: "Notification", contentId: "notif-42", authorId },
        decision,
        handledBy: actor.accountId,
        handledAt,
        withdrawal: decision === "Kept" ? "None" : "RemoveNotificationFromFeeds",
        contentDeleted: false,
        blockAuthor: false,
      })
      const [reported] = history()
      assert.ok(reported?._tag === "ContentReported")
      // A second report event on the same stream (never decided) does not replace the first either.
      const again: Report.ReportEvent = { ...reported, reportedBy: actors.teacher.accountId, reportedAt: t1 }
      const events = [reported, again, handled(first, firstHandler, t1), handled(second, secondHandler, t2)]
      const state = events.reduce(Report.evolve, Report.initialState)
      const summary = Option.getOrThrow(Report.summaryOf(state))
      assert.strictEqual(summary.status, first)
      assert.deepStrictEqual(summary.history, [
        { _tag: "Reported", by: actors.pupil.accountId, at: t0 },
        { _tag: "Handled", by: firstHandler.accountId, at: t1, decision: first },
      ])
      // Dismissing twice is recorded once.
      const dismissed = Report.evolve(
        Report.evolve(state, {
          _tag: "ReportAlertDismissed",
          reportId,
          dismissedBy: firstHandler.accountId,
          dismissedAt: t2,
        }),
        { _tag: "ReportAlertDismissed", reportId, dismissedBy: firstHandler.accountId, dismissedAt: t2 },
      )
      assert.deepStrictEqual(Option.getOrThrow(Report.summaryOf(dismissed)).alertDismissedBy, [firstHandler.accountId])
      assert.strictEqual(Option.getOrThrow(Report.summaryOf(dismissed)).history.length, 3)
    },
  )

  it("BR-SIG-4 a report that does not exist cannot be dismissed; BR-SIG-5 no author, nobody to block", () => {
    given(Report.aggregate)
      .when(dismiss(actors.vendor))
      .thenRejects({ ruleId: "BR-SIG-4", reason: "NotFound", message: `Report ${reportId} does not exist` })
    const anonymous: Report.ReportEvent = {
      _tag: "ReportHandled",
      reportId,
      content: { kind: "Message", contentId: "msg-7" },
      decision: "Deleted",
      handledBy: actors.vendor.accountId,
      handledAt: t1,
      withdrawal: "StopMessageDelivery",
      contentDeleted: false,
      blockAuthor: true,
    }
    assert.deepStrictEqual(Report.followUpCommands(anonymous, Actor.system("report-follow-up")), [])
  })
})

describe("Report queries", () => {
  it("a school whose location names no district or department alerts its administrators and the vendor", () => {
    const location = { structureId: StructureId.make("school-c") }
    assert.deepStrictEqual(Report.recipientsOf(location), [
      { level: "School", scopeId: location.structureId },
      { level: "Platform" },
    ])
    assert.ok(Option.isNone(Report.summaryOf(Report.initialState)))
    assert.ok(!Report.isRecipient(Report.initialState, actors.vendor))
  })
})

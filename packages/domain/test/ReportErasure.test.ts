import * as Account from "@cartable/domain/Account"
import type * as Actor from "@cartable/domain/Actor"
import { AccountId, ReportId, StructureId } from "@cartable/domain/Ids"
import * as Report from "@cartable/domain/Report"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as PersonalData from "@cartable/kernel/PersonalData"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"

const catalog = EventCatalog.make({ ...Report.events, ...Account.events })
const at = DateTime.unsafeMake("2026-10-05T08:00:00Z")
const metadata = new EventMetadata({ occurredAt: at })
const location = { structureId: StructureId.make("0571994H") }
const writer = AccountId.make("pupil-erased")
const other = AccountId.make("pupil-kept")
const person = (accountId: AccountId): Actor.Actor => ({ accountId, roles: [] })

/** Reports a content with a comment through the domain, and appends what it decided. */
const reportWithComment = (reportId: ReportId, by: AccountId, comment: string) =>
  Effect.gen(function* () {
    const store = yield* EventStore.EventStore
    const decision = Report.decide(
      {
        _tag: "ReportContent",
        actor: person(by),
        reportId,
        structureId: location.structureId,
        location,
        reporterSchools: [location.structureId],
        content: { kind: "Message", contentId: "msg-1" },
        reportedAt: at,
        comment,
      },
      Report.initialState,
    )
    assert.ok(Either.isRight(decision))
    yield* store.append(
      StreamName.make("Report", reportId),
      ExpectedVersion.noStream,
      decision.right.map((event) => ({ event, metadata })),
    )
  })

/** The comment of a report as its stream reads back, folded by the aggregate. */
const commentOf = (reportId: ReportId) =>
  Effect.gen(function* () {
    const { state } = yield* CommandHandler.load(Report.aggregate, reportId)
    return Option.getOrThrow(Report.summaryOf(state)).comment
  })

describe("Report erasure", () => {
  it("the reporter's comment is his personal data", () => {
    assert.deepStrictEqual(PersonalData.personalFields(Report.ContentReported), {
      subjectField: "reportedBy",
      fields: ["comment"],
    })
  })

  it.effect("BR-ACC-9 erasing a writer makes his report comments read as erased; others' stay", () =>
    Effect.gen(function* () {
      const store = yield* EventStore.EventStore
      const [mine, theirs] = [ReportId.make("rep-mine"), ReportId.make("rep-theirs")]
      yield* reportWithComment(mine, writer, "Mon voisin m'insulte, c'est Lucas B.")
      yield* reportWithComment(theirs, other, "Photo d'un élève")
      assert.strictEqual(yield* commentOf(mine), "Mon voisin m'insulte, c'est Lucas B.")

      yield* store.eraseSubject(writer)
      assert.strictEqual(yield* commentOf(mine), PersonalData.ERASED)
      assert.strictEqual(yield* commentOf(theirs), "Photo d'un élève")
      // The report itself stays in the history (BR-SIG-4): who reported, and when, are not erased.
      const [recorded] = yield* CommandHandler.history(Report.aggregate, mine)
      const event = recorded?.event
      assert.ok(event?._tag === "ContentReported")
      assert.strictEqual(event.reportedBy, writer)
    }).pipe(Effect.provide(EventStore.layerMemory(catalog))),
  )

  it.effect("BR-ACC-9 erasing the writer's account (AccountDataErased) erases his comments in Report streams", () =>
    Effect.gen(function* () {
      const store = yield* EventStore.EventStore
      const reportId = ReportId.make("rep-account")
      yield* reportWithComment(reportId, writer, "Message reçu hier soir")
      const erased: Account.AccountEvent = { _tag: "AccountDataErased", accountId: writer }
      yield* store.append(StreamName.make("Account", writer), ExpectedVersion.any, [{ event: erased, metadata }])
      assert.strictEqual(yield* commentOf(reportId), PersonalData.ERASED)
      // A comment he would write after his erasure is never readable either.
      const later = ReportId.make("rep-after")
      yield* reportWithComment(later, writer, "Encore un message")
      assert.strictEqual(yield* commentOf(later), PersonalData.ERASED)
    }).pipe(Effect.provide(EventStore.layerMemory(catalog))),
  )
})

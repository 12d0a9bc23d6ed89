// Reporting a message (BR-SIG-1, BR-SIG-3, BR-SIG-5): the message as the log has it decides who may report it
// and who its author is; a reported message stops being delivered at once.
import { AccountId } from "@cartable/domain/Ids"
import * as Report from "@cartable/domain/Report"
import { given } from "@cartable/testing/DeciderSpec"
import * as ReportArbitraries from "@cartable/testing/ReportArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"

const { ids, actors } = ReportArbitraries
const location = ids.locations[0]!
const author = AccountId.make("teacher-9")

const report = (
  reportedMessage: Report.ReportedMessage | undefined,
  claimedAuthor = AccountId.make("someone-else"),
): Report.ReportCommand => ({
  _tag: "ReportContent",
  actor: actors.pupil,
  reportId: ids.reports[0]!,
  structureId: location.structureId,
  location,
  reporterSchools: [location.structureId],
  content: { kind: "Message", contentId: "msg-7", authorId: claimedAuthor },
  reportedAt: ids.times[0]!,
  ...(reportedMessage === undefined ? {} : { reportedMessage }),
})

describe("Report of a message", () => {
  it.prop(
    "BR-SIG-1 a message is reported by one who took part in it, and its author is the log's",
    [FastCheck.boolean(), FastCheck.boolean()],
    ([found, tookPart]) => {
      const participants = tookPart ? [author, actors.pupil.accountId] : [author]
      const decision = Report.decide(report({ found, authorId: author, participants }), Report.initialState)
      assert.strictEqual(Either.isRight(decision), found && tookPart)
      if (Either.isRight(decision)) {
        const [reported] = decision.right
        assert.ok(reported?._tag === "ContentReported")
        assert.strictEqual(reported.content.authorId, author)
        assert.strictEqual(reported.withdrawal, "StopMessageDelivery")
      } else {
        assert.strictEqual(decision.left.ruleId, "BR-SIG-1")
      }
    },
  )

  it("BR-SIG-3 a reported message stops being delivered at once; kept, it is delivered again; deleted, it stays stopped", () => {
    const reported = given(Report.aggregate)
      .when(report({ found: true, authorId: author, participants: [author, actors.pupil.accountId] }))
      .accepted().events
    assert.strictEqual((reported[0] as typeof Report.ContentReported.Type).withdrawal, "StopMessageDelivery")
    const handle = (decision: Report.ReportDecision): Report.ReportCommand => ({
      _tag: "HandleReport",
      actor: actors.schoolAdminA,
      reportId: ids.reports[0]!,
      decision,
      handledAt: ids.times[1]!,
      blockAuthor: false,
    })
    const kept = given(Report.aggregate, reported).when(handle("Kept")).accepted().events[0]
    assert.strictEqual((kept as typeof Report.ReportHandled.Type).withdrawal, "ResumeMessageDelivery")
    const deleted = given(Report.aggregate, reported).when(handle("Deleted")).accepted().events[0]
    assert.strictEqual((deleted as typeof Report.ReportHandled.Type).withdrawal, "StopMessageDelivery")
  })

  it("BR-SIG-5 blocking the author of a deleted message blocks the log's author, not the one the reporter named", () => {
    const reported = given(Report.aggregate)
      .when(report({ found: true, authorId: author, participants: [author, actors.pupil.accountId] }))
      .accepted().events
    const handled = given(Report.aggregate, reported)
      .when({
        _tag: "HandleReport",
        actor: actors.schoolAdminA,
        reportId: ids.reports[0]!,
        decision: "Deleted",
        handledAt: ids.times[1]!,
        blockAuthor: true,
        blockScope: "Messaging",
      })
      .accepted().events[0]!
    const [block] = Report.followUpCommands(handled, actors.vendor)
    assert.deepStrictEqual(
      block && { accountId: block.accountId, application: (block as { application?: string }).application },
      {
        accountId: author,
        application: Report.MESSAGING,
      },
    )
  })
})

import * as ReportFollowUp from "@cartable/managers/ReportFollowUp"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as Reactor from "@cartable/projections/Reactor"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as NewsFeed from "@cartable/read-models/NewsFeed"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import { accountHistory, context, deletions, erasures, memory, pupilIds, school, setup, stack } from "./world.ts"

const pupils = pupilIds(3)
const [reporter, ...authors] = pupils
const vendor = "vendor"

/** A report of a notification by `authorId`, and its handling by the platform's administrator. */
const reportAndHandle = (
  n: number,
  authorId: string,
  decision: "Kept" | "Deleted",
  blockAuthor: boolean,
  blockScope: "Account" | "Messaging" | undefined,
) =>
  Effect.gen(function* () {
    const workspace = yield* Workspace.Workspace
    const reportId = `rep-${n}`
    yield* workspace.handle(
      reporter!,
      {
        _tag: "ReportContent",
        reportId,
        structureId: school,
        content: { kind: "Notification", contentId: `notif-${n}`, authorId },
        reportedAt: DateTime.formatIso(context.occurredAt),
      },
      context,
    )
    yield* workspace.handle(
      vendor,
      {
        _tag: "HandleReport",
        reportId,
        decision,
        handledAt: DateTime.formatIso(context.occurredAt),
        blockAuthor,
        ...(blockAuthor && blockScope !== undefined ? { blockScope } : {}),
      },
      context,
    )
    return reportId
  })

const world = Effect.gen(function* () {
  yield* setup(pupils, [vendor])
  const workspace = yield* Workspace.Workspace
  yield* workspace.system("install").handle({ _tag: "AppointPlatformAdministrator", accountId: vendor }, context)
})

describe("ReportFollowUp", () => {
  it.effect.prop(
    "BR-SIG-5 each report handled with a block blocks its author's account or only his messaging, as the handler chose, once, as report-follow-up, even when its handling is seen twice; BR-SIG-3 its notification is withdrawn",
    [
      FastCheck.array(
        FastCheck.record({
          author: FastCheck.integer({ min: 0, max: authors.length - 1 }),
          decision: FastCheck.constantFrom("Kept" as const, "Deleted" as const),
          block: FastCheck.boolean(),
          replay: FastCheck.boolean(),
          scope: FastCheck.constantFrom(undefined, "Account" as const, "Messaging" as const),
        }),
        { minLength: 1, maxLength: 5 },
      ),
    ],
    ([reports]) =>
      Effect.gen(function* () {
        yield* world
        const runtime = yield* ProjectionRuntime.ProjectionRuntime
        const store = yield* ReadModelStore.ReadModelStore
        const withdrawn = yield* ProjectionRuntime.reader(NewsFeed.FeedWithdrawals, "withdrawn")
        const workspace = yield* Workspace.Workspace
        // The oracle (BR-SIG-5: blocking follows a deletion, blocking a blocked account records nothing;
        // BR-SIG-3: a deleted notification leaves the feeds). A follow-up is applied at most once per report;
        // one that found its author already blocked left no trace, so seen again it applies then.
        const blocked = new Map<string, boolean>()
        const expected = new Map<string, Array<string>>()
        const applied = new Set<string>()
        const handled: Array<{
          readonly reportId: string
          readonly authorId: string
          readonly block: boolean
          readonly application: string | undefined
        }> = []
        // A block of the whole account and one of messaging are two blocks (BR-ACC-6).
        const keyOf = (report: (typeof handled)[number]) => `${report.authorId}|${report.application}`
        const follow = (report: (typeof handled)[number]) => {
          if (!report.block || applied.has(report.reportId) || blocked.get(keyOf(report))) return
          blocked.set(keyOf(report), true)
          applied.add(report.reportId)
          const causation = ReportFollowUp.causationId(report.reportId, 0)
          expected.set(report.authorId, [
            ...(expected.get(report.authorId) ?? []),
            `${causation} ${report.application ?? "account"}`,
          ])
        }
        for (const [n, report] of reports.entries()) {
          const block = report.block && report.decision === "Deleted"
          const authorId = authors[report.author]!
          const reportId = yield* reportAndHandle(n, authorId, report.decision, block, report.scope)
          const application = report.scope === "Messaging" ? "messaging" : undefined
          handled.push({ reportId, authorId, block, application })
          follow(handled[n]!)
          yield* runtime.catchUpReactor(ReportFollowUp.reactor.name)
          if (report.replay) {
            // An administrator unblocks the author; then every handling is seen again (a crash before the
            // checkpoint moved, read again from the start): no report blocks him a second time.
            yield* workspace.handle(
              vendor,
              { _tag: "UnblockAccount", accountId: authorId, ...(application === undefined ? {} : { application }) },
              context,
            )
            blocked.set(keyOf(handled[n]!), false)
            for (const earlier of handled) follow(earlier)
            yield* store.resetCheckpoint(Reactor.idOf(ReportFollowUp.reactor))
            yield* runtime.catchUpReactor(ReportFollowUp.reactor.name)
          }
          assert.strictEqual((yield* withdrawn.get(`notif-${n}`)) !== undefined, report.decision === "Deleted")
        }
        for (const authorId of authors) {
          const blocks = (yield* accountHistory(authorId)).filter((e) => e.type === "AccountBlocked")
          assert.deepStrictEqual(
            blocks.map((e) => [
              e.recorded.metadata.actor,
              `${e.recorded.metadata.causationId} ${(e.recorded.event as { readonly application?: string }).application ?? "account"}`,
            ]),
            (expected.get(authorId) ?? []).map((id) => ["system:report-follow-up", id]),
            authorId,
          )
        }
      }).pipe(Effect.provide(stack({ deletions, erasures }).pipe(Layer.provideMerge(memory())))),
    { fastCheck: { numRuns: 30 } },
  )
})

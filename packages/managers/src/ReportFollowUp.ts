/**
 * The process manager of a handled report (BR-SIG-3, BR-SIG-5): when the
 * handler asked for it, the author of the deleted content is blocked, as the
 * `report-follow-up` process, exactly once per report. The notification leaves
 * every feed through the read models themselves (`NewsFeed` and its inline
 * `FeedWithdrawals` read `ReportHandled`), so this manager does not touch feeds.
 *
 * @since 0.1.0
 */
import type * as Actor from "@cartable/domain/Actor"
import * as Domain from "@cartable/domain/Domain"
import * as Report from "@cartable/domain/Report"
import * as Reactor from "@cartable/projections/Reactor"
import type { Authorization } from "@cartable/read-models/Authorization"
import * as SystemProcess from "@cartable/workspace/SystemProcess"
import * as Workspace from "@cartable/workspace/Workspace"
import * as Effect from "effect/Effect"

const process = "report-follow-up" satisfies SystemProcess.SystemProcess

/**
 * The causation id of the `n`-th follow-up command of a report: once per report,
 * however many times (and by however many runners) its handling is seen.
 *
 * @since 0.1.0
 */
export const causationId = (reportId: string, n: number): string => `report-follow-up:${reportId}:${n}`

/**
 * The reactor: on `ReportHandled`, runs `Report.followUpCommands` through the
 * Workspace's `report-follow-up` session. A follow-up the Account refuses (the
 * author's account pre-deleted or deleted meanwhile) is logged and skipped: there
 * is nobody left to block.
 *
 * @since 0.1.0
 */
export const reactor: Reactor.Reactor<Authorization> = Reactor.make({
  name: "report_follow_up",
  events: Domain.events,
  reactions: {
    ReportHandled: (event, reaction) =>
      Effect.gen(function* () {
        const commands = Report.followUpCommands(event, SystemProcess.actor(process))
        if (commands.length === 0) return
        const session = (yield* Workspace.make(Domain.aggregates)).system(process)
        for (const [n, command] of commands.entries()) {
          // The Workspace sets the actor itself: the intent is the command without it.
          const { actor: _actor, ...intent } = command as typeof command & { readonly actor?: Actor.Actor }
          yield* session
            .handle(intent, {
              ...reaction.context(n),
              occurredAt: event.handledAt,
              causationId: causationId(event.reportId, n),
              idempotent: true,
            })
            .pipe(
              Effect.catchTag("AccountRejected", (rejected) =>
                Effect.logInfo(`report follow-up of ${event.reportId}: ${command._tag} refused, skipped`, rejected),
              ),
            )
        }
      }),
  },
})

/**
 * The Report aggregate (signalement): a user reports a news-feed notification or
 * a message, the administrators above the school are alerted, one of them keeps
 * or deletes it, once, and the report stays in the history (BR-SIG-1 to BR-SIG-5).
 *
 * @since 0.1.0
 */

import * as Decider from "@cartable/kernel/Decider"
import type * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { AccountCommand } from "./AccountCommands.ts"
import * as Actor from "./Actor.ts"
import type { AccountId, ReportId } from "./Ids.ts"
import { defined } from "./internal/fields.ts"
import { ReportCommand } from "./ReportCommands.ts"
import type {
  ContentKind,
  Recipient,
  ReportDecision,
  ReportEvent,
  ReportedContent,
  ReportHandled,
  Withdrawal,
} from "./ReportEvents.ts"
import { events as eventDefinitions } from "./ReportEvents.ts"
import { RuleId } from "./Rules.ts"

export * from "./ReportCommands.ts"
export * from "./ReportEvents.ts"

/**
 * Why a Report command was rejected.
 *
 * @since 0.1.0
 */
export const ReportRejectionReason = Schema.Literal(
  "NotAuthorized",
  "AlreadyExists",
  "NotFound",
  "AlreadyHandled",
  "UnknownAuthor",
  "InvalidFollowUp",
  "InvalidLocation",
)
/** @since 0.1.0 */
export type ReportRejectionReason = typeof ReportRejectionReason.Type

/**
 * A Report command broke a rule; nothing was recorded.
 *
 * @since 0.1.0
 */
export class ReportRejected extends Schema.TaggedError<ReportRejected>("@cartable/domain/ReportRejected")(
  "ReportRejected",
  { ruleId: RuleId, reason: ReportRejectionReason, message: Schema.String },
) {}

/**
 * Who decided what, and when (BR-SIG-3).
 *
 * @since 0.1.0
 */
export interface Handling {
  readonly decision: ReportDecision
  readonly handledBy: AccountId
  readonly handledAt: DateTime.Utc
  readonly withdrawal: Withdrawal
  readonly blockAuthor: boolean
}

/**
 * One line of a report's history, in the order it happened (BR-SIG-4).
 *
 * @since 0.1.0
 */
export type HistoryEntry =
  | { readonly _tag: "Reported"; readonly by: AccountId; readonly at: DateTime.Utc }
  | { readonly _tag: "AlertDismissed"; readonly by: AccountId; readonly at: DateTime.Utc }
  | { readonly _tag: "Handled"; readonly by: AccountId; readonly at: DateTime.Utc; readonly decision: ReportDecision }

/**
 * A report that was made.
 *
 * @since 0.1.0
 */
export interface Report {
  readonly _tag: "Report"
  readonly reportId: ReportId
  readonly location: Actor.Location
  readonly content: ReportedContent
  readonly reportedBy: AccountId
  readonly reportedAt: DateTime.Utc
  readonly comment: string | undefined
  readonly recipients: ReadonlyArray<Recipient>
  readonly handling: Handling | undefined
  /** Recipients who dismissed their alert; dismissing never removes the report (BR-SIG-4). */
  readonly alertDismissedBy: ReadonlyArray<AccountId>
  readonly history: ReadonlyArray<HistoryEntry>
}

/**
 * The state of a report stream: absent until the content is reported.
 *
 * @since 0.1.0
 */
export type ReportState = { readonly _tag: "Absent" } | Report

/** @since 0.1.0 */
export const initialState: ReportState = { _tag: "Absent" }

/**
 * The administration levels alerted by a report (BR-SIG-2, 003 section 6): the
 * school, the district (ERUN), the department (CPD numérique) and the vendor.
 *
 * @since 0.1.0
 */
export const alertedLevels: ReadonlyArray<Actor.AdminLevel> = ["School", "District", "Department", "Platform"]

/**
 * The recipients of a report made at `location` (BR-SIG-2). A level whose
 * structure the location does not name has nobody to alert.
 *
 * @since 0.1.0
 */
export const recipientsOf = (location: Actor.Location): ReadonlyArray<Recipient> => {
  const scoped = (level: Actor.AdminLevel, scopeId: Actor.Location["districtId"]): ReadonlyArray<Recipient> =>
    scopeId === undefined ? [] : [{ level, scopeId }]
  return [
    ...scoped("School", location.structureId),
    ...scoped("District", location.districtId),
    ...scoped("Department", location.departmentId),
    { level: "Platform" },
  ]
}

const receives = (role: Actor.Role, recipient: Recipient): boolean =>
  role._tag === "Administrator" &&
  role.level === recipient.level &&
  (recipient.level === "Platform" || role.scopeId === recipient.scopeId)

/**
 * Whether the actor is among the administrators the report alerted (BR-SIG-2).
 *
 * @since 0.1.0
 */
export const isRecipient = (state: ReportState, actor: Actor.Actor): boolean =>
  state._tag === "Report" && state.recipients.some((recipient) => actor.roles.some((role) => receives(role, recipient)))

/**
 * What an administrator sees of a report, old or new, handled or not, whether
 * or not alerts were dismissed (BR-SIG-4).
 *
 * @since 0.1.0
 */
export interface ReportSummary {
  readonly reportId: ReportId
  readonly location: Actor.Location
  readonly content: ReportedContent
  readonly reportedBy: AccountId
  readonly reportedAt: DateTime.Utc
  readonly comment: string | undefined
  readonly status: "Pending" | ReportDecision
  readonly handling: Handling | undefined
  readonly alertDismissedBy: ReadonlyArray<AccountId>
  readonly history: ReadonlyArray<HistoryEntry>
}

/**
 * The summary and history of a report; none before it is made (BR-SIG-4).
 *
 * @since 0.1.0
 */
export const summaryOf = (state: ReportState): Option.Option<ReportSummary> =>
  state._tag === "Absent"
    ? Option.none()
    : Option.some({
        reportId: state.reportId,
        location: state.location,
        content: state.content,
        reportedBy: state.reportedBy,
        reportedAt: state.reportedAt,
        comment: state.comment,
        status: state.handling?.decision ?? "Pending",
        handling: state.handling,
        alertDismissedBy: state.alertDismissedBy,
        history: state.history,
      })

/**
 * What consumers do with handled content (BR-SIG-3): a deleted notification
 * leaves every feed, a deleted message stays stopped; a kept notification stays,
 * a kept message is delivered again (decision).
 *
 * @since 0.1.0
 */
export const withdrawalOf = (decision: ReportDecision, kind: ContentKind): Withdrawal =>
  kind === "Notification"
    ? decision === "Kept"
      ? "None"
      : "RemoveNotificationFromFeeds"
    : decision === "Kept"
      ? "ResumeMessageDelivery"
      : "StopMessageDelivery"

/**
 * The Account commands a process manager runs after a report was handled
 * (BR-SIG-5): block the author, or only his messaging, when the handler asked for it. `actor` is who the
 * process manager acts as; the handler's authority was checked by `decide`.
 *
 * @example
 * for (const command of Report.followUpCommands(event, Actor.system("report-follow-up"))) yield* handle(command)
 * @since 0.1.0
 */
export const followUpCommands = (event: ReportEvent, actor: Actor.Actor): ReadonlyArray<AccountCommand> =>
  event._tag === "ReportHandled" && event.blockAuthor && event.content.authorId !== undefined
    ? [
        {
          _tag: "BlockAccount",
          actor,
          accountId: event.content.authorId,
          ...(event.blockScope === "Messaging" ? { application: MESSAGING } : {}),
        },
      ]
    : []

/**
 * The application a block of the author's messaging blocks (BR-SIG-5, BR-ACC-6).
 *
 * @since 0.1.0
 */
export const MESSAGING = "messaging"

const reject = (ruleId: RuleId, reason: ReportRejectionReason, message: string) =>
  Either.left(new ReportRejected({ ruleId, reason, message }))

const events = (...list: ReadonlyArray<ReportEvent>) => Either.right(list)
const none = Either.right<ReadonlyArray<ReportEvent>>([])

type Decision = Either.Either<ReadonlyArray<ReportEvent>, ReportRejected>

const normalized = (content: ReportedContent): ReportedContent => ({
  kind: content.kind,
  contentId: content.contentId,
  ...defined("authorId", content.authorId),
})

const normalizedLocation = (location: Actor.Location): Actor.Location => ({
  structureId: location.structureId,
  ...defined("districtId", location.districtId),
  ...defined("departmentId", location.departmentId),
  ...defined("academyId", location.academyId),
})

const decideAbsent = (command: ReportCommand): Decision => {
  switch (command._tag) {
    case "ReportContent": {
      if (command.location.structureId !== command.structureId) {
        return reject(
          "BR-SIG-2",
          "InvalidLocation",
          `The location given is ${command.location.structureId}'s, not ${command.structureId}'s`,
        )
      }
      if (
        !command.reporterSchools.includes(command.structureId) &&
        !Actor.administers(command.actor, command.location)
      ) {
        return reject(
          "BR-SIG-2",
          "InvalidLocation",
          `The reporter is not in school ${command.structureId}: a report goes to the administrators of his own school`,
        )
      }
      const message = command.content.kind === "Message" ? command.reportedMessage : undefined
      if (message !== undefined && !message.found) {
        return reject("BR-SIG-1", "NotFound", `There is no message ${command.content.contentId} to report`)
      }
      if (message !== undefined && !message.participants.includes(command.actor.accountId)) {
        return reject("BR-SIG-1", "NotAuthorized", "A message is reported by one who wrote or received it")
      }
      // The log names a message's author (BR-SIG-5): the caller's word would let him have anyone blocked.
      const content: ReportedContent =
        message === undefined
          ? command.content
          : { kind: "Message", contentId: command.content.contentId, ...defined("authorId", message.authorId) }
      const comment = command.comment?.trim()
      const location = normalizedLocation(command.location)
      return events({
        _tag: "ContentReported",
        reportId: command.reportId,
        location,
        content: normalized(content),
        reportedBy: command.actor.accountId,
        reportedAt: command.reportedAt,
        ...(comment ? { comment } : {}),
        recipients: recipientsOf(location),
        withdrawal: content.kind === "Message" ? "StopMessageDelivery" : "None",
      })
    }
    case "HandleReport":
      return reject("BR-SIG-3", "NotFound", `Report ${command.reportId} does not exist`)
    case "DismissReportAlert":
      return reject("BR-SIG-4", "NotFound", `Report ${command.reportId} does not exist`)
  }
}

const decideExisting = (command: ReportCommand, report: Report): Decision => {
  switch (command._tag) {
    case "ReportContent":
      return reject("BR-SIG-1", "AlreadyExists", `Report ${report.reportId} exists: a new report needs a new id`)
    case "HandleReport": {
      if (!Actor.administers(command.actor, report.location)) {
        return reject(
          "BR-SIG-2",
          "NotAuthorized",
          `Only an administrator whose scope covers ${report.location.structureId} handles this report`,
        )
      }
      if (report.handling !== undefined) {
        return reject(
          "BR-SIG-3",
          "AlreadyHandled",
          `Report ${report.reportId} was already handled (${report.handling.decision} by ${report.handling.handledBy})`,
        )
      }
      if (command.blockAuthor && command.decision !== "Deleted") {
        return reject("BR-SIG-5", "InvalidFollowUp", "Blocking the author follows the deletion of his content")
      }
      if (command.blockScope !== undefined && !command.blockAuthor) {
        return reject("BR-SIG-5", "InvalidFollowUp", "A block's scope goes with blocking the author")
      }
      if (command.blockAuthor && report.content.authorId === undefined) {
        return reject("BR-SIG-5", "UnknownAuthor", "The reported content has no known author to block")
      }
      return events({
        _tag: "ReportHandled",
        reportId: report.reportId,
        content: report.content,
        decision: command.decision,
        handledBy: command.actor.accountId,
        handledAt: command.handledAt,
        withdrawal: withdrawalOf(command.decision, report.content.kind),
        contentDeleted: false,
        blockAuthor: command.blockAuthor,
        ...defined("blockScope", command.blockScope),
      })
    }
    case "DismissReportAlert":
      if (!isRecipient(report, command.actor)) {
        return reject("BR-SIG-2", "NotAuthorized", `The alert of report ${report.reportId} was not sent to you`)
      }
      return report.alertDismissedBy.includes(command.actor.accountId)
        ? none
        : events({
            _tag: "ReportAlertDismissed",
            reportId: report.reportId,
            dismissedBy: command.actor.accountId,
            dismissedAt: command.dismissedAt,
          })
  }
}

/**
 * Decides a Report command.
 *
 * @since 0.1.0
 */
export const decide = (command: ReportCommand, state: ReportState): Decision =>
  state._tag === "Absent" ? decideAbsent(command) : decideExisting(command, state)

const handlingOf = (event: typeof ReportHandled.Type): Handling => ({
  decision: event.decision,
  handledBy: event.handledBy,
  handledAt: event.handledAt,
  withdrawal: event.withdrawal,
  blockAuthor: event.blockAuthor,
})

/**
 * Folds one event into the state. Total: an event that does not apply to the
 * state leaves it unchanged, and a second handling never overwrites the first.
 *
 * @since 0.1.0
 */
export const evolve = (state: ReportState, event: ReportEvent): ReportState => {
  if (event._tag === "ContentReported") {
    return state._tag === "Report"
      ? state
      : {
          _tag: "Report",
          reportId: event.reportId,
          location: event.location,
          content: event.content,
          reportedBy: event.reportedBy,
          reportedAt: event.reportedAt,
          comment: event.comment,
          recipients: event.recipients,
          handling: undefined,
          alertDismissedBy: [],
          history: [{ _tag: "Reported", by: event.reportedBy, at: event.reportedAt }],
        }
  }
  if (state._tag === "Absent") return state
  switch (event._tag) {
    case "ReportHandled":
      return state.handling !== undefined
        ? state
        : {
            ...state,
            handling: handlingOf(event),
            history: [
              ...state.history,
              { _tag: "Handled", by: event.handledBy, at: event.handledAt, decision: event.decision },
            ],
          }
    case "ReportAlertDismissed":
      return state.alertDismissedBy.includes(event.dismissedBy)
        ? state
        : {
            ...state,
            alertDismissedBy: [...state.alertDismissedBy, event.dismissedBy],
            history: [...state.history, { _tag: "AlertDismissed", by: event.dismissedBy, at: event.dismissedAt }],
          }
  }
}

/**
 * The Report aggregate: one stream per report id in the category `Report`.
 *
 * @since 0.1.0
 */
export const aggregate = Decider.aggregate({
  category: "Report",
  Command: ReportCommand,
  events: eventDefinitions,
  streamId: (command) => command.reportId,
  initialState,
  decide,
  evolve,
})

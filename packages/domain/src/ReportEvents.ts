/**
 * The events of the Report aggregate (signalement): a content was reported, the
 * alert went to the administrators above the school, one of them handled it.
 * The reporter's comment is personal data (ARCHITECTURE.md principle 5).
 *
 * @since 0.1.0
 */

import { DataSubjectId, personal } from "@cartable/kernel/PersonalData"
import * as Text from "@cartable/kernel/Text"
import * as Schema from "effect/Schema"
import { AdminLevel, Location } from "./Actor.ts"
import { AccountId, ReportId, StructureId } from "./Ids.ts"

/**
 * What can be reported (BR-SIG-1): a news-feed notification, or a message in messaging.
 *
 * @since 0.1.0
 */
export const ContentKind = Schema.Literal("Notification", "Message")
/** @since 0.1.0 */
export type ContentKind = typeof ContentKind.Type

/**
 * The reported content: its kind, its id in the service that holds it, and its
 * author's account when known (needed to block him, BR-SIG-5).
 *
 * @since 0.1.0
 */
export const ReportedContent = Schema.Struct({
  kind: ContentKind,
  contentId: Text.trimmedLine(Text.limits.contentId, "a content id").annotations({ identifier: "ContentId" }),
  authorId: Schema.optional(AccountId),
})
/** @since 0.1.0 */
export type ReportedContent = typeof ReportedContent.Type

/**
 * Who receives the alert (BR-SIG-2): the administrators of one level, and the
 * structure they administer (absent for the platform vendor).
 *
 * @since 0.1.0
 */
export const Recipient = Schema.Struct({
  level: AdminLevel,
  scopeId: Schema.optional(StructureId),
})
/** @since 0.1.0 */
export type Recipient = typeof Recipient.Type

/**
 * The handler's decision (BR-SIG-3, 003 "Conserver" / "Supprimer").
 *
 * @since 0.1.0
 */
export const ReportDecision = Schema.Literal("Kept", "Deleted")
/** @since 0.1.0 */
export type ReportDecision = typeof ReportDecision.Type

/**
 * What the author's block covers, when the handler asks for one (BR-SIG-5, BR-ACC-6):
 * his whole account, or only his messaging (`BlockAccount` with `application: "messaging"`).
 *
 * @since 0.1.0
 */
export const BlockScope = Schema.Literal("Account", "Messaging")
/** @since 0.1.0 */
export type BlockScope = typeof BlockScope.Type

/**
 * What consumers must do with the reported content (BR-SIG-3): a reported
 * message stops being delivered at once (004 "stopper les messages problématiques");
 * once handled, a deleted notification leaves every feed that showed it, a
 * deleted message stays stopped, and a kept message is delivered again (decision).
 *
 * @since 0.1.0
 */
export const Withdrawal = Schema.Literal(
  "None",
  "RemoveNotificationFromFeeds",
  "StopMessageDelivery",
  "ResumeMessageDelivery",
)
/** @since 0.1.0 */
export type Withdrawal = typeof Withdrawal.Type

/**
 * A user reported a content as inappropriate (BR-SIG-1); the alert went to
 * `recipients` (BR-SIG-2) and shows who reported and when; a reported message
 * stops being delivered at once (`withdrawal`, BR-SIG-3).
 *
 * @since 0.1.0
 */
export const ContentReported = Schema.TaggedStruct("ContentReported", {
  reportId: ReportId,
  location: Location,
  content: ReportedContent,
  reportedBy: AccountId,
  reportedAt: Schema.DateTimeUtc,
  comment: Schema.optional(
    personal(Text.trimmedText(Text.limits.comment, "a comment").annotations({ identifier: "Comment" })),
  ),
  recipients: Schema.Array(Recipient),
  withdrawal: Withdrawal,
}).annotations({ [DataSubjectId]: "reportedBy" })

/**
 * An administrator covering the school handled the report, once (BR-SIG-3).
 * `withdrawal` says what consumers must do; `contentDeleted` is always false
 * because deleting a notification never deletes the content it points to.
 * `blockAuthor` asks a process manager to block the author (BR-SIG-5), his whole
 * account unless `blockScope` says `Messaging` (absent in events recorded before it existed).
 *
 * @since 0.1.0
 */
export const ReportHandled = Schema.TaggedStruct("ReportHandled", {
  reportId: ReportId,
  content: ReportedContent,
  decision: ReportDecision,
  handledBy: AccountId,
  handledAt: Schema.DateTimeUtc,
  withdrawal: Withdrawal,
  contentDeleted: Schema.Literal(false),
  blockAuthor: Schema.Boolean,
  blockScope: Schema.optional(BlockScope),
})

/**
 * A recipient dismissed his alert; the report itself stays (BR-SIG-4).
 *
 * @since 0.1.0
 */
export const ReportAlertDismissed = Schema.TaggedStruct("ReportAlertDismissed", {
  reportId: ReportId,
  dismissedBy: AccountId,
  dismissedAt: Schema.DateTimeUtc,
})

/**
 * Every Report event, keyed by tag, for the event catalogue.
 *
 * @since 0.1.0
 */
export const events = {
  ContentReported,
  ReportHandled,
  ReportAlertDismissed,
} as const

/**
 * Any Report event.
 *
 * @since 0.1.0
 */
export const ReportEvent = Schema.Union(...Object.values(events))
/** @since 0.1.0 */
export type ReportEvent = typeof ReportEvent.Type

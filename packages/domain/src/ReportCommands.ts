/**
 * The commands of the Report aggregate. The report id, the school's location
 * and every timestamp come in the command: the domain reads no clock.
 *
 * @since 0.1.0
 */

import * as Text from "@cartable/kernel/Text"
import * as Schema from "effect/Schema"
import { Actor, Location } from "./Actor.ts"
import { fact, optionalFact } from "./Fact.ts"
import { AccountId, ReportId, StructureId } from "./Ids.ts"
import { BlockScope, ReportDecision, ReportedContent } from "./ReportEvents.ts"

/**
 * What the log holds of a reported message (BR-SIG-1, BR-SIG-5): whether there
 * is one of that id, its author, and who took part in it (its author and the
 * accounts it was delivered to).
 *
 * @since 0.1.0
 */
export const ReportedMessage = Schema.Struct({
  found: Schema.Boolean,
  authorId: Schema.optional(AccountId),
  participants: Schema.Array(AccountId),
})
/** @since 0.1.0 */
export type ReportedMessage = typeof ReportedMessage.Type

/**
 * Report a notification or a message as inappropriate (BR-SIG-1), at the school
 * where it was shown (`structureId`); a blank comment is dropped. Facts: that
 * school's location from the log, which routes the alert (BR-SIG-2), and the
 * schools the reporter belongs to: he reports in one of them, or in one he
 * administers, so that he cannot send an alert to another school's administrators.
 * For a message, the message as the log has it (`reportedMessage`): only one who
 * took part in it reports it, and its author is the log's, whatever the caller says.
 *
 * @since 0.1.0
 */
export const ReportContent = Schema.TaggedStruct("ReportContent", {
  actor: fact(Actor),
  reportId: ReportId,
  structureId: StructureId,
  location: fact(Location),
  reporterSchools: fact(Schema.Array(StructureId)),
  content: ReportedContent,
  reportedAt: Schema.DateTimeUtc,
  comment: Schema.optional(Text.text(Text.limits.comment, "a comment")),
  reportedMessage: optionalFact(ReportedMessage),
})

/**
 * Keep or delete the reported content, optionally asking that its author be
 * blocked (BR-SIG-3, BR-SIG-5): his whole account, or with `blockScope:
 * "Messaging"` only his messaging.
 *
 * @since 0.1.0
 */
export const HandleReport = Schema.TaggedStruct("HandleReport", {
  actor: fact(Actor),
  reportId: ReportId,
  decision: ReportDecision,
  handledAt: Schema.DateTimeUtc,
  blockAuthor: Schema.Boolean,
  blockScope: Schema.optional(BlockScope),
})

/**
 * Dismiss one's alert about a report; the report stays retrievable (BR-SIG-4).
 *
 * @since 0.1.0
 */
export const DismissReportAlert = Schema.TaggedStruct("DismissReportAlert", {
  actor: fact(Actor),
  reportId: ReportId,
  dismissedAt: Schema.DateTimeUtc,
})

/**
 * Every Report command, keyed by tag.
 *
 * @since 0.1.0
 */
export const commands = {
  ReportContent,
  HandleReport,
  DismissReportAlert,
} as const

/**
 * Any Report command.
 *
 * @since 0.1.0
 */
export const ReportCommand = Schema.Union(...Object.values(commands))
/** @since 0.1.0 */
export type ReportCommand = typeof ReportCommand.Type

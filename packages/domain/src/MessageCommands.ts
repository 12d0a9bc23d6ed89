/**
 * The commands of messaging. Who the recipients are (their profile, groups,
 * schools and blocked state), the members of a group chosen, the school's
 * communication rules and what a reply answers are facts from the log, never
 * from the caller (ARCHITECTURE.md principle 9).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Profile } from "./AccountEvents.ts"
import { Actor } from "./Actor.ts"
import { CommunicationPolicy } from "./CommunicationRulesEvents.ts"
import { fact, optionalFact } from "./Fact.ts"
import { AccountId, GroupId, StructureId } from "./Ids.ts"
import { Correspondence, MessageBody, MessageId, MessageSubject, RecipientChoice } from "./MessageEvents.ts"

/**
 * An account's state as the log has it (BR-ACC-12, BR-ACC-6).
 *
 * @since 0.1.0
 */
export const CorrespondentState = Schema.Literal("inactive", "active", "blocked", "pre-deleted", "deleted")
/** @since 0.1.0 */
export type CorrespondentState = typeof CorrespondentState.Type

/**
 * What messaging knows of an account, from the log: its profile, schools and
 * open groups (for the rules), its state and whether its messaging alone is
 * blocked (BR-ACC-6).
 *
 * @since 0.1.0
 */
export const Correspondent = Schema.Struct({
  accountId: AccountId,
  profile: Profile,
  state: CorrespondentState,
  messagingBlocked: Schema.Boolean,
  structureIds: Schema.Array(StructureId),
  groupIds: Schema.Array(GroupId),
})
/** @since 0.1.0 */
export type Correspondent = typeof Correspondent.Type

/**
 * One recipient choice as the log resolves it: whether it names an account or
 * an open group of the school (`found`), how many accounts it holds (`size`:
 * one, the group's members, or the school's accounts for "Tous"), and those
 * accounts; past `Message.groupLimit` + 1 the members may be cut, the
 * size is exact.
 *
 * @since 0.1.0
 */
export const ResolvedChoice = Schema.Struct({
  choice: RecipientChoice,
  found: Schema.Boolean,
  size: Schema.NonNegativeInt,
  members: Schema.Array(Correspondent),
})
/** @since 0.1.0 */
export type ResolvedChoice = typeof ResolvedChoice.Type

/**
 * What a reply answers, from the log: whether it may be answered (a targeted
 * communication may not, BR-MSG-3) and who took part in it (its author and the
 * accounts it was delivered to).
 *
 * @since 0.1.0
 */
export const ReplyTarget = Schema.Struct({
  replyable: Schema.Boolean,
  participants: Schema.Array(AccountId),
})
/** @since 0.1.0 */
export type ReplyTarget = typeof ReplyTarget.Type

/**
 * Send a message in a school (`structureId`) to accounts, groups or "Tous"
 * (BR-MSG-1, BR-MSG-2, BR-ACC-6), optionally as a reply. Facts: the author
 * (`sender`), the school's rules (`policy`), each choice resolved (`resolved`),
 * and what a reply answers (`replyTarget`, absent when the log does not know it).
 *
 * @since 0.1.0
 */
export const SendMessage = Schema.TaggedStruct("SendMessage", {
  actor: fact(Actor),
  messageId: MessageId,
  structureId: StructureId,
  recipients: Schema.NonEmptyArray(RecipientChoice),
  subject: MessageSubject,
  body: MessageBody,
  sentAt: Schema.DateTimeUtc,
  inReplyTo: Schema.optional(Correspondence),
  sender: fact(Correspondent),
  policy: fact(CommunicationPolicy),
  resolved: fact(Schema.Array(ResolvedChoice)),
  replyTarget: optionalFact(ReplyTarget),
})

/** A recipient opens a message delivered to him. @since 0.1.0 */
export const ReadMessage = Schema.TaggedStruct("ReadMessage", {
  actor: fact(Actor),
  messageId: MessageId,
  readAt: Schema.DateTimeUtc,
})

/**
 * Every Message command, keyed by tag.
 *
 * @since 0.1.0
 */
export const commands = { SendMessage, ReadMessage } as const

/**
 * Any Message command.
 *
 * @since 0.1.0
 */
export const MessageCommand = Schema.Union(...Object.values(commands))
/** @since 0.1.0 */
export type MessageCommand = typeof MessageCommand.Type

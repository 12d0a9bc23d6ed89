/**
 * The events of messaging (messagerie, BR-MSG-1, BR-MSG-2, BR-ACC-6): a message
 * was sent to accounts, groups or "Tous" of a school and delivered to the
 * accounts the rules let the author reach; a recipient read it. A message's
 * subject and body are personal data of its author (ARCHITECTURE.md principle 5):
 * erasing his data erases them.
 *
 * @since 0.1.0
 */
import { DataSubjectId, personal } from "@cartable/kernel/PersonalData"
import * as Text from "@cartable/kernel/Text"
import * as Schema from "effect/Schema"
import { AccountId, GroupId, StructureId } from "./Ids.ts"
import { brandedId } from "./internal/brandedId.ts"

/**
 * A message's id (one stream per message). Ids come in commands.
 *
 * @since 0.1.0
 */
export const MessageId = brandedId("MessageId", "A message's id")
/** @since 0.1.0 */
export type MessageId = typeof MessageId.Type

/**
 * The most characters a message body holds, HTML included (004, the editor's
 * counter "Caractères (incluant HTML) : .../75000").
 *
 * @since 0.1.0
 */
export const bodyLimit = 75_000

/** A message's subject (objet): one line. @since 0.1.0 */
export const MessageSubject = Text.trimmedLine(Text.limits.shortText, "a subject").annotations({
  identifier: "MessageSubject",
})

/** A message's body (contenu), HTML allowed, at most {@link bodyLimit} characters. @since 0.1.0 */
export const MessageBody = Text.text(bodyLimit, "a message body").annotations({ identifier: "MessageBody" })

/**
 * A recipient the author chose in the recipient assistant: one account, a group
 * (class, teaching, manual or functional group) of the school, or "Tous": every
 * account of the school (004).
 *
 * @since 0.1.0
 */
export const RecipientChoice = Schema.Union(
  Schema.TaggedStruct("Account", { accountId: AccountId }),
  Schema.TaggedStruct("Group", { groupId: GroupId }),
  Schema.TaggedStruct("Everyone", {}),
)
/** @since 0.1.0 */
export type RecipientChoice = typeof RecipientChoice.Type

/**
 * What a reply answers: a message, or a targeted communication sent by ENT mail
 * (which cannot be answered, BR-MSG-3).
 *
 * @since 0.1.0
 */
export const Correspondence = Schema.Struct({
  kind: Schema.Literal("Message", "TargetedCommunication"),
  id: Text.trimmedLine(Text.limits.id, "a correspondence id"),
})
/** @since 0.1.0 */
export type Correspondence = typeof Correspondence.Type

/**
 * A message was sent in a school: the choices its author made, and the accounts
 * it was delivered to (the members of the groups chosen that can be reached,
 * without the author, each once). The subject and body are the author's personal data.
 *
 * @since 0.1.0
 */
export const MessageSent = Schema.TaggedStruct("MessageSent", {
  messageId: MessageId,
  structureId: StructureId,
  authorId: AccountId,
  recipients: Schema.Array(RecipientChoice),
  deliveredTo: Schema.Array(AccountId),
  subject: personal(MessageSubject),
  body: personal(MessageBody),
  sentAt: Schema.DateTimeUtc,
  inReplyTo: Schema.optional(Correspondence),
}).annotations({ [DataSubjectId]: "authorId" })

/** A recipient opened the message (it no longer counts as unread). @since 0.1.0 */
export const MessageRead = Schema.TaggedStruct("MessageRead", {
  messageId: MessageId,
  readerId: AccountId,
  readAt: Schema.DateTimeUtc,
})

/**
 * Every Message event, keyed by tag, for the event catalogue.
 *
 * @since 0.1.0
 */
export const events = { MessageSent, MessageRead } as const

/**
 * Any Message event.
 *
 * @since 0.1.0
 */
export const MessageEvent = Schema.Union(...Object.values(events))
/** @since 0.1.0 */
export type MessageEvent = typeof MessageEvent.Type

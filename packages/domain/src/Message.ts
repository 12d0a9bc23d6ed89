/**
 * The Message aggregate (messagerie): a message written in a school to accounts,
 * groups or "Tous", delivered to the accounts the school's communication rules
 * let its author reach (BR-MSG-1), never to a blocked account or one whose
 * messaging is blocked (BR-ACC-6), with at most 500 recipients per group chosen
 * (BR-MSG-2); its recipients read it. A reported message stops being delivered
 * through the Report aggregate's `withdrawal` (BR-SIG-3), which the mailboxes read.
 *
 * @since 0.1.0
 */
import * as Decider from "@cartable/kernel/Decider"
import type * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { mayWrite } from "./CommunicationRules.ts"
import type { AccountId, StructureId } from "./Ids.ts"
import { type Correspondent, MessageCommand, type ResolvedChoice, type SendMessage } from "./MessageCommands.ts"
import type { MessageEvent, MessageId, RecipientChoice } from "./MessageEvents.ts"
import { events as eventDefinitions } from "./MessageEvents.ts"
import { type RuleId, RuleId as RuleIdSchema } from "./Rules.ts"

export * from "./MessageCommands.ts"
export * from "./MessageEvents.ts"

/**
 * The most recipients a group chosen as recipient may hold (BR-MSG-2, 004 "Le
 * groupe sélectionné dépasse la limite des 500 destinataires"): 500 is accepted,
 * 501 refused. "Tous" is a group of the school's accounts and has the same limit (decision).
 *
 * @since 0.1.0
 */
export const groupLimit = 500

/**
 * Why a Message command was rejected.
 *
 * @since 0.1.0
 */
export const MessageRejectionReason = Schema.Literal(
  "NotAuthorized",
  "AlreadyExists",
  "NotFound",
  "NotInSchool",
  "SenderBlocked",
  "UnknownRecipient",
  "RecipientBlocked",
  "NotAllowed",
  "EveryoneDisabled",
  "GroupTooLarge",
  "NoReply",
  "NoRecipient",
)
/** @since 0.1.0 */
export type MessageRejectionReason = typeof MessageRejectionReason.Type

/**
 * A Message command broke a rule; nothing was recorded.
 *
 * @since 0.1.0
 */
export class MessageRejected extends Schema.TaggedError<MessageRejected>("@cartable/domain/MessageRejected")(
  "MessageRejected",
  { ruleId: RuleIdSchema, reason: MessageRejectionReason, message: Schema.String },
) {}

/**
 * A message that was sent.
 *
 * @since 0.1.0
 */
export interface Message {
  readonly _tag: "Message"
  readonly messageId: MessageId
  readonly structureId: StructureId
  readonly authorId: AccountId
  readonly sentAt: DateTime.Utc
  readonly deliveredTo: ReadonlyArray<AccountId>
  readonly readBy: ReadonlyArray<AccountId>
}

/**
 * The state of a message stream: absent until the message is sent.
 *
 * @since 0.1.0
 */
export type MessageState = { readonly _tag: "Absent" } | Message

/** @since 0.1.0 */
export const initialState: MessageState = { _tag: "Absent" }

/**
 * Whether a message can be delivered to an account (BR-ACC-6, BR-ACC-12): it is
 * neither blocked, nor blocked for messaging, nor pre-deleted or deleted.
 *
 * @since 0.1.0
 */
export const isReachable = (account: Correspondent): boolean =>
  (account.state === "active" || account.state === "inactive") && !account.messagingBlocked

/**
 * The key of a recipient choice: two equal choices are one.
 *
 * @since 0.1.0
 */
export const choiceKey = (choice: RecipientChoice): string =>
  choice._tag === "Account"
    ? `account:${choice.accountId}`
    : choice._tag === "Group"
      ? `group:${choice.groupId}`
      : "everyone"

type Decision = Either.Either<ReadonlyArray<MessageEvent>, MessageRejected>
const reject = (
  ruleId: RuleId,
  reason: MessageRejectionReason,
  message: string,
): Either.Either<never, MessageRejected> => Either.left(new MessageRejected({ ruleId, reason, message }))

const describe = (choice: RecipientChoice): string =>
  choice._tag === "Account"
    ? `account ${choice.accountId}`
    : choice._tag === "Group"
      ? `group ${choice.groupId}`
      : '"Tous"'

/** The accounts one choice delivers to, or why it cannot be sent to. */
const deliveries = (
  command: typeof SendMessage.Type,
  resolved: ResolvedChoice | undefined,
  choice: RecipientChoice,
): Either.Either<ReadonlyArray<AccountId>, MessageRejected> => {
  const { policy, sender, structureId } = command
  if (resolved === undefined || !resolved.found) {
    return reject("BR-MSG-1", "UnknownRecipient", `There is no ${describe(choice)} in ${structureId}`)
  }
  if (choice._tag === "Account") {
    const account = resolved.members.find((member) => member.accountId === choice.accountId)
    if (account === undefined || account.state === "pre-deleted" || account.state === "deleted") {
      return reject("BR-MSG-1", "UnknownRecipient", `There is no ${describe(choice)} to write to`)
    }
    if (account.state === "blocked" || account.messagingBlocked) {
      return reject("BR-ACC-6", "RecipientBlocked", `Nobody can send a message to ${describe(choice)}: it is blocked`)
    }
    if (!account.structureIds.includes(structureId) || !mayWrite(policy, sender, account)) {
      return reject(
        "BR-MSG-1",
        "NotAllowed",
        `The communication rules of ${structureId} do not let you write to ${describe(choice)}`,
      )
    }
    return Either.right(account.accountId === sender.accountId ? [] : [account.accountId])
  }
  if (choice._tag === "Everyone" && !policy.everyone) {
    return reject("BR-MSG-1", "EveryoneDisabled", `"Tous" is disabled in ${structureId}`)
  }
  if (resolved.size > groupLimit) {
    return reject(
      "BR-MSG-2",
      "GroupTooLarge",
      `${describe(choice)} holds ${resolved.size} recipients, over the limit of ${groupLimit}: choose another group`,
    )
  }
  const reached = resolved.members.filter((member) => member.accountId !== sender.accountId && isReachable(member))
  const refused = reached.find((member) => !mayWrite(policy, sender, member))
  if (refused !== undefined) {
    return reject(
      "BR-MSG-1",
      "NotAllowed",
      `The communication rules of ${structureId} do not let you write to every member of ${describe(choice)}`,
    )
  }
  return Either.right(reached.map((member) => member.accountId))
}

const send = (command: typeof SendMessage.Type): Decision => {
  const { sender, structureId } = command
  if (sender.accountId !== command.actor.accountId) {
    return reject("BR-MSG-1", "NotAuthorized", "A message is sent by its author only")
  }
  if (sender.messagingBlocked) {
    return reject("BR-ACC-6", "SenderBlocked", "Your messaging is blocked: you cannot send messages")
  }
  if (!sender.structureIds.includes(structureId)) {
    return reject("BR-MSG-1", "NotInSchool", `You are not in ${structureId}: you write in your own schools`)
  }
  if (command.inReplyTo !== undefined) {
    const target = command.replyTarget
    if (target === undefined) {
      return reject("BR-MSG-1", "NotFound", `There is no ${command.inReplyTo.kind} ${command.inReplyTo.id} to reply to`)
    }
    if (!target.replyable) {
      return reject("BR-MSG-3", "NoReply", "A targeted communication cannot be replied to")
    }
    if (!target.participants.includes(sender.accountId)) {
      return reject("BR-MSG-1", "NotAuthorized", "You reply only to what you wrote or received")
    }
  }
  const seen = new Set<string>()
  const delivered = new Set<AccountId>()
  const recipients: Array<RecipientChoice> = []
  for (const choice of command.recipients) {
    const key = choiceKey(choice)
    if (seen.has(key)) continue
    seen.add(key)
    const resolved = command.resolved.find((candidate) => choiceKey(candidate.choice) === key)
    const found = deliveries(command, resolved, choice)
    if (Either.isLeft(found)) return Either.left(found.left)
    for (const accountId of found.right) delivered.add(accountId)
    recipients.push(choice)
  }
  if (delivered.size === 0) {
    return reject("BR-MSG-1", "NoRecipient", "Nobody can receive this message")
  }
  return Either.right([
    {
      _tag: "MessageSent",
      messageId: command.messageId,
      structureId,
      authorId: sender.accountId,
      recipients,
      deliveredTo: [...delivered],
      subject: command.subject,
      body: command.body,
      sentAt: command.sentAt,
      ...(command.inReplyTo === undefined
        ? {}
        : { inReplyTo: { kind: command.inReplyTo.kind, id: command.inReplyTo.id } }),
    },
  ])
}

/**
 * Decides a Message command.
 *
 * @since 0.1.0
 */
export const decide = (command: MessageCommand, state: MessageState): Decision => {
  switch (command._tag) {
    case "SendMessage":
      return state._tag === "Message"
        ? reject("BR-MSG-1", "AlreadyExists", `Message ${command.messageId} exists: a new message needs a new id`)
        : send(command)
    case "ReadMessage":
      if (state._tag === "Absent") return reject("BR-MSG-1", "NotFound", `Message ${command.messageId} does not exist`)
      if (!state.deliveredTo.includes(command.actor.accountId)) {
        return reject("BR-MSG-1", "NotAuthorized", `Message ${command.messageId} was not delivered to you`)
      }
      return state.readBy.includes(command.actor.accountId)
        ? Either.right([])
        : Either.right([
            {
              _tag: "MessageRead",
              messageId: state.messageId,
              readerId: command.actor.accountId,
              readAt: command.readAt,
            },
          ])
  }
}

/**
 * Folds one event into the state. Total: a second `MessageSent` changes nothing,
 * and a reader is recorded once.
 *
 * @since 0.1.0
 */
export const evolve = (state: MessageState, event: MessageEvent): MessageState => {
  switch (event._tag) {
    case "MessageSent":
      return state._tag === "Message"
        ? state
        : {
            _tag: "Message",
            messageId: event.messageId,
            structureId: event.structureId,
            authorId: event.authorId,
            sentAt: event.sentAt,
            deliveredTo: event.deliveredTo,
            readBy: [],
          }
    case "MessageRead":
      return state._tag === "Absent" || state.readBy.includes(event.readerId)
        ? state
        : { ...state, readBy: [...state.readBy, event.readerId] }
  }
}

/**
 * The Message aggregate: one stream per message id in the category `Message`.
 *
 * @since 0.1.0
 */
export const aggregate = Decider.aggregate({
  category: "Message",
  Command: MessageCommand,
  events: eventDefinitions,
  streamId: (command) => command.messageId,
  initialState,
  decide,
  evolve,
})

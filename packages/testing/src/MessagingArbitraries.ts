/**
 * Arbitraries of the messaging aggregates (CommunicationRules, Message,
 * TargetedCommunication) whose commands meet each other: two schools, a few
 * groups, accounts of every profile and state, actors of every role kind, and
 * the facts the library resolves (a sender, a school's rules, recipient choices
 * resolved with their members, a directory), drawn consistent with each other
 * most of the time and not always.
 *
 * @since 0.1.0
 */
import type { Profile } from "@cartable/domain/Account"
import type * as Actor from "@cartable/domain/Actor"
import * as CommunicationRules from "@cartable/domain/CommunicationRules"
import { AccountId, GroupId, StructureId } from "@cartable/domain/Ids"
import * as Message from "@cartable/domain/Message"
import * as TargetedCommunication from "@cartable/domain/TargetedCommunication"
import * as DateTime from "effect/DateTime"
import * as FastCheck from "effect/FastCheck"
import * as Arbitraries from "./Arbitraries.ts"

/** The pool's ids and instants. @since 0.1.0 */
export const ids = {
  schools: ["school-a", "school-b"].map((id) => StructureId.make(id)),
  groups: ["class-3a", "class-3b", "latin", "direction"].map((id) => GroupId.make(id)),
  accounts: ["pupil-1", "pupil-2", "relative-1", "teacher-1", "staff-1", "guest-1"].map((id) => AccountId.make(id)),
  messages: ["msg-1", "msg-2", "msg-3"].map((id) => Message.MessageId.make(id)),
  communications: ["com-1", "com-2"].map((id) => TargetedCommunication.CommunicationId.make(id)),
  times: ["2026-09-13T23:59:59Z", "2026-09-14T00:00:00Z", "2026-09-15T00:00:00Z", "2026-09-21T00:00:00Z"].map((iso) =>
    DateTime.unsafeMake(iso),
  ),
}

/** Every profile. @since 0.1.0 */
export const profiles: ReadonlyArray<Profile> = ["Student", "Relative", "Teacher", "Personnel", "Guest"]

/** Actors of every role kind over the pool's schools and groups, with the pool's account ids. @since 0.1.0 */
export const actor: FastCheck.Arbitrary<Actor.Actor> = Arbitraries.actor({
  structureIds: ids.schools,
  groupIds: ids.groups,
  accountIds: ids.accounts,
})

const state = FastCheck.constantFrom<Message.CorrespondentState>(
  "active",
  "active",
  "active",
  "inactive",
  "blocked",
  "pre-deleted",
  "deleted",
)

/** An account as messaging resolves it, of the pool. @since 0.1.0 */
export const correspondent = (
  accountId: FastCheck.Arbitrary<AccountId> = FastCheck.constantFrom(...ids.accounts),
): FastCheck.Arbitrary<Message.Correspondent> =>
  FastCheck.record({
    accountId,
    profile: FastCheck.constantFrom(...profiles),
    state,
    messagingBlocked: FastCheck.boolean(),
    structureIds: FastCheck.uniqueArray(FastCheck.constantFrom(...ids.schools), { minLength: 1, maxLength: 2 }),
    groupIds: FastCheck.uniqueArray(FastCheck.constantFrom(...ids.groups), { maxLength: 3 }),
  })

/** An audience of a rule: a profile or a group of the pool. @since 0.1.0 */
export const audience: FastCheck.Arbitrary<CommunicationRules.Audience> = FastCheck.oneof(
  FastCheck.constantFrom(...profiles).map((profile) => ({ _tag: "Profile" as const, profile })),
  FastCheck.constantFrom(...ids.groups).map((groupId) => ({ _tag: "Group" as const, groupId })),
)

/** A rule over the pool. @since 0.1.0 */
export const rule: FastCheck.Arbitrary<CommunicationRules.CommunicationRule> = FastCheck.record({
  from: audience,
  to: audience,
  reach: FastCheck.constantFrom<CommunicationRules.Reach>("School", "SharedGroup"),
})

/** A school's rules: the default ones or any. @since 0.1.0 */
export const policy: FastCheck.Arbitrary<CommunicationRules.CommunicationPolicy> = FastCheck.oneof(
  FastCheck.constant(CommunicationRules.defaultPolicy),
  FastCheck.record({ rules: FastCheck.array(rule, { maxLength: 8 }), everyone: FastCheck.boolean() }),
)

/** A recipient choice over the pool. @since 0.1.0 */
export const choice: FastCheck.Arbitrary<Message.RecipientChoice> = FastCheck.oneof(
  {
    weight: 3,
    arbitrary: FastCheck.constantFrom(...ids.accounts).map((accountId) => ({ _tag: "Account" as const, accountId })),
  },
  {
    weight: 2,
    arbitrary: FastCheck.constantFrom(...ids.groups).map((groupId) => ({ _tag: "Group" as const, groupId })),
  },
  { weight: 1, arbitrary: FastCheck.constant({ _tag: "Everyone" as const }) },
)

/** A choice resolved as the log would, or not found; group sizes around the limit of 500 (BR-MSG-2). @since 0.1.0 */
export const resolve = (choice: Message.RecipientChoice): FastCheck.Arbitrary<Message.ResolvedChoice> =>
  choice._tag === "Account"
    ? FastCheck.record({
        choice: FastCheck.constant(choice),
        found: FastCheck.boolean(),
        size: FastCheck.constant(1),
        members: correspondent(FastCheck.constant(choice.accountId)).map((member) => [member]),
      })
    : FastCheck.tuple(
        FastCheck.uniqueArray(correspondent(), { selector: (member) => member.accountId, maxLength: 4 }),
        FastCheck.constantFrom(0, 0, 499, 500, 501),
        FastCheck.boolean(),
      ).map(([members, extra, found]) => ({
        choice,
        found,
        size: extra === 0 ? members.length : Math.max(extra, members.length),
        members,
      }))

const sendMessage: FastCheck.Arbitrary<Message.MessageCommand> = FastCheck.tuple(
  actor,
  FastCheck.constantFrom(...ids.messages),
  FastCheck.constantFrom(...ids.schools),
  FastCheck.uniqueArray(choice, { selector: Message.choiceKey, minLength: 1, maxLength: 3 }),
  policy,
  FastCheck.constantFrom(...ids.times),
  FastCheck.option(
    FastCheck.record({
      replyable: FastCheck.boolean(),
      participants: FastCheck.uniqueArray(FastCheck.constantFrom(...ids.accounts), { maxLength: 3 }),
    }),
    { nil: undefined },
  ),
  FastCheck.boolean(),
).chain(([actor, messageId, structureId, recipients, policy, sentAt, replyTarget, reply]) =>
  FastCheck.tuple(correspondent(FastCheck.constant(actor.accountId)), ...recipients.map(resolve)).map(
    ([sender, ...resolved]): Message.MessageCommand => ({
      _tag: "SendMessage",
      actor,
      messageId,
      structureId,
      recipients: [recipients[0]!, ...recipients.slice(1)],
      subject: "Sortie au musée",
      body: "<p>Rendez-vous à 8 h devant le collège.</p>",
      sentAt,
      ...(reply ? { inReplyTo: { kind: "Message" as const, id: "msg-0" } } : {}),
      sender,
      policy,
      resolved,
      ...(replyTarget === undefined ? {} : { replyTarget }),
    }),
  ),
)

const readMessage: FastCheck.Arbitrary<Message.MessageCommand> = FastCheck.record({
  _tag: FastCheck.constant("ReadMessage" as const),
  actor,
  messageId: FastCheck.constantFrom(...ids.messages),
  readAt: FastCheck.constantFrom(...ids.times),
})

/** Sequences of Message commands. @since 0.1.0 */
export const messageCommands: FastCheck.Arbitrary<ReadonlyArray<Message.MessageCommand>> = FastCheck.array(
  FastCheck.oneof(sendMessage, readMessage),
  { minLength: 1, maxLength: 20 },
)

/** The field pool that steers CommunicationRules commands. @since 0.1.0 */
export const rulesPool: Arbitraries.Pool = {
  actor,
  structureId: FastCheck.constantFrom(...ids.schools),
  rule,
}

/** Sequences of CommunicationRules commands. @since 0.1.0 */
export const rulesCommands: FastCheck.Arbitrary<ReadonlyArray<CommunicationRules.CommunicationRulesCommand>> =
  FastCheck.array(Arbitraries.oneOf(CommunicationRules.commands, rulesPool), { minLength: 1, maxLength: 20 })

/** A target over the pool's criteria. @since 0.1.0 */
export const target: FastCheck.Arbitrary<TargetedCommunication.Target> = FastCheck.record(
  {
    profile: FastCheck.constantFrom(...profiles),
    level: FastCheck.constantFrom("3EME", "4EME"),
    subLevel: FastCheck.constantFrom("3EME GENERALE"),
    function: FastCheck.constantFrom("Direction", "MailMerge"),
    discipline: FastCheck.constantFrom("MATHEMATIQUES", "LATIN"),
  },
  { requiredKeys: [] },
)

/** An account of the directory as a publication reads it. @since 0.1.0 */
export const directoryEntry: FastCheck.Arbitrary<TargetedCommunication.DirectoryEntry> = FastCheck.record({
  accountId: FastCheck.constantFrom(...ids.accounts),
  profile: FastCheck.constantFrom(...profiles),
  state,
  messagingBlocked: FastCheck.boolean(),
  structureIds: FastCheck.uniqueArray(FastCheck.constantFrom(...ids.schools), { minLength: 1, maxLength: 2 }),
  levels: FastCheck.uniqueArray(FastCheck.constantFrom("3EME", "4EME"), { maxLength: 1 }),
  subLevels: FastCheck.uniqueArray(FastCheck.constantFrom("3EME GENERALE"), { maxLength: 1 }),
  functions: FastCheck.uniqueArray(FastCheck.constantFrom("Direction", "MailMerge"), { maxLength: 1 }),
  disciplines: FastCheck.uniqueArray(FastCheck.constantFrom("MATHEMATIQUES", "LATIN"), { maxLength: 2 }),
})

/** The field pool that steers TargetedCommunication commands. @since 0.1.0 */
export const communicationPool: Arbitraries.Pool = {
  actor: FastCheck.oneof(
    actor,
    FastCheck.constant<Actor.Actor>({
      accountId: AccountId.make("system:targeted-communication"),
      roles: [{ _tag: "System", process: "targeted-communication" }],
    }),
  ),
  communicationId: FastCheck.constantFrom(...ids.communications),
  structureIds: FastCheck.uniqueArray(FastCheck.constantFrom(...ids.schools), { minLength: 1, maxLength: 2 }),
  title: FastCheck.constant("Restitution des manuels scolaires"),
  content: FastCheck.constant("<p>Les manuels sont à rendre au CDI.</p>"),
  targets: FastCheck.array(target, { maxLength: 12 }),
  publishFrom: FastCheck.constantFrom(...ids.times),
  publishUntil: FastCheck.constantFrom(...ids.times),
  publishedAt: FastCheck.constantFrom(...ids.times),
  withdrawnAt: FastCheck.constantFrom(...ids.times),
  expiredAt: FastCheck.constantFrom(...ids.times),
  directory: FastCheck.array(directoryEntry, { maxLength: 6 }),
}

/** Sequences of TargetedCommunication commands. @since 0.1.0 */
export const communicationCommands: FastCheck.Arbitrary<
  ReadonlyArray<TargetedCommunication.TargetedCommunicationCommand>
> = FastCheck.array(Arbitraries.oneOf(TargetedCommunication.commands, communicationPool), {
  minLength: 1,
  maxLength: 20,
})

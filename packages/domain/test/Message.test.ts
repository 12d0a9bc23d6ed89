// Messaging (BR-MSG-1, BR-MSG-2, BR-ACC-6, BR-MSG-3 for replies): the oracles are written from DOMAIN.md and
// seed 004, never with Message.decide or CommunicationRules.mayWrite.
import type { Profile } from "@cartable/domain/Account"
import * as CommunicationRules from "@cartable/domain/CommunicationRules"
import { AccountId, GroupId, StructureId } from "@cartable/domain/Ids"
import * as Message from "@cartable/domain/Message"
import * as DeciderLaws from "@cartable/testing/DeciderLaws"
import { given } from "@cartable/testing/DeciderSpec"
import * as MessagingArbitraries from "@cartable/testing/MessagingArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"

DeciderLaws.suite(Message.aggregate, { commands: MessagingArbitraries.messageCommands })

const school = StructureId.make("0571994H")
const otherSchool = StructureId.make("0540001A")
const class3a = GroupId.make("class-3a")
const at = DateTime.unsafeMake("2026-09-14T08:00:00Z")

const person = (
  id: string,
  profile: Profile,
  overrides: Partial<Message.Correspondent> = {},
): Message.Correspondent => ({
  accountId: AccountId.make(id),
  profile,
  state: "active",
  messagingBlocked: false,
  structureIds: [school],
  groupIds: [],
  ...overrides,
})

const teacher = person("teacher-1", "Teacher", { groupIds: [class3a] })
const pupils = (n: number, overrides: Partial<Message.Correspondent> = {}) =>
  Array.from({ length: n }, (_, i) => person(`pupil-${i + 1}`, "Student", { groupIds: [class3a], ...overrides }))

const toAccount = (recipient: Message.Correspondent): Message.ResolvedChoice => ({
  choice: { _tag: "Account", accountId: recipient.accountId },
  found: true,
  size: 1,
  members: [recipient],
})

const toGroup = (members: ReadonlyArray<Message.Correspondent>, size = members.length): Message.ResolvedChoice => ({
  choice: { _tag: "Group", groupId: class3a },
  found: true,
  size,
  members,
})

const send = (
  sender: Message.Correspondent,
  resolved: ReadonlyArray<Message.ResolvedChoice>,
  overrides: Partial<typeof Message.SendMessage.Type> = {},
): Message.MessageCommand => ({
  _tag: "SendMessage",
  actor: { accountId: sender.accountId, roles: [] },
  messageId: Message.MessageId.make("msg-1"),
  structureId: school,
  recipients: [resolved[0]!.choice, ...resolved.slice(1).map((r) => r.choice)],
  subject: "Sortie au musée",
  body: "<p>Rendez-vous à 8 h.</p>",
  sentAt: at,
  sender,
  policy: CommunicationRules.defaultPolicy,
  resolved,
  ...overrides,
})

const decide = (command: Message.MessageCommand) => Message.decide(command, Message.initialState)

// From DOMAIN.md BR-MSG-1: "who may write to whom follows configurable rules by profile and group".
// A rule names the sender (his profile, or a group he is in) and the recipient likewise; "SharedGroup" rules
// hold only when both are in one same group.
const inAudience = (audience: CommunicationRules.Audience, p: Message.Correspondent) =>
  audience._tag === "Profile" ? audience.profile === p.profile : p.groupIds.indexOf(audience.groupId) >= 0
const oracleMayWrite = (
  rules: ReadonlyArray<CommunicationRules.CommunicationRule>,
  from: Message.Correspondent,
  to: Message.Correspondent,
) => {
  for (const r of rules) {
    if (!inAudience(r.from, from) || !inAudience(r.to, to)) continue
    if (r.reach === "School") return true
    for (const g of from.groupIds) if (to.groupIds.indexOf(g) >= 0) return true
  }
  return false
}

const personArb = (id: string) =>
  FastCheck.record({
    accountId: FastCheck.constant(AccountId.make(id)),
    profile: FastCheck.constantFrom(...MessagingArbitraries.profiles),
    state: FastCheck.constant<Message.CorrespondentState>("active"),
    messagingBlocked: FastCheck.constant(false),
    structureIds: FastCheck.constant([school]),
    groupIds: FastCheck.uniqueArray(FastCheck.constantFrom(...MessagingArbitraries.ids.groups), { maxLength: 2 }),
  })

describe("Message", () => {
  it.prop(
    "BR-MSG-1 a message to an account goes through exactly when a rule of the school lets the sender write to him",
    [personArb("sender-1"), personArb("recipient-1"), MessagingArbitraries.policy],
    ([sender, recipient, policy]) => {
      const decision = decide(send(sender, [toAccount(recipient)], { policy }))
      const expected = oracleMayWrite(policy.rules, sender, recipient)
      assert.strictEqual(Either.isRight(decision), expected, JSON.stringify({ sender, recipient, policy }))
      if (Either.isLeft(decision)) assert.strictEqual(decision.left.ruleId, "BR-MSG-1")
      else
        assert.deepStrictEqual((decision.right[0] as typeof Message.MessageSent.Type).deliveredTo, [
          recipient.accountId,
        ])
    },
  )

  it.prop(
    "BR-MSG-1 a group chosen as recipient goes through when the sender may write to every member, and reaches them all",
    [personArb("sender-1"), FastCheck.array(personArb("x"), { maxLength: 5 }), MessagingArbitraries.policy],
    ([sender, drawn, policy]) => {
      const members = drawn.map((m, i) => ({ ...m, accountId: AccountId.make(`member-${i}`) }))
      const decision = decide(send(sender, [toGroup(members)], { policy }))
      const everyone = members.every((m) => oracleMayWrite(policy.rules, sender, m))
      assert.strictEqual(Either.isRight(decision), everyone && members.length > 0)
      if (Either.isRight(decision)) {
        const sent = decision.right[0] as typeof Message.MessageSent.Type
        assert.deepStrictEqual([...sent.deliveredTo].sort(), members.map((m) => m.accountId).sort())
      }
    },
  )

  it("BR-MSG-1 the default rules: a pupil may not write to a relative nor to a pupil of another class; a teacher may", () => {
    const pupil = person("pupil-1", "Student", { groupIds: [class3a] })
    const otherPupil = person("pupil-9", "Student", { groupIds: [GroupId.make("class-4b")] })
    const classmate = person("pupil-2", "Student", { groupIds: [class3a] })
    const relative = person("relative-1", "Relative")
    given(Message.aggregate)
      .when(send(pupil, [toAccount(relative)]))
      .thenRejects({ ruleId: "BR-MSG-1", reason: "NotAllowed" })
    given(Message.aggregate)
      .when(send(pupil, [toAccount(otherPupil)]))
      .thenRejects({ ruleId: "BR-MSG-1", reason: "NotAllowed" })
    given(Message.aggregate)
      .when(send(pupil, [toAccount(classmate)]))
      .accepted()
    given(Message.aggregate)
      .when(send(pupil, [toAccount(teacher)]))
      .accepted()
    given(Message.aggregate)
      .when(send(teacher, [toAccount(relative)]))
      .accepted()
  })

  it("BR-MSG-1 an account of another school cannot be written to, nor can one write from a school he is not in", () => {
    const elsewhere = person("pupil-9", "Student", { structureIds: [otherSchool] })
    given(Message.aggregate)
      .when(send(teacher, [toAccount(elsewhere)]))
      .thenRejects({ ruleId: "BR-MSG-1", reason: "NotAllowed" })
    given(Message.aggregate)
      .when(send(teacher, [toAccount(pupils(1)[0]!)], { structureId: otherSchool }))
      .thenRejects({ ruleId: "BR-MSG-1", reason: "NotInSchool" })
  })

  it.prop(
    'BR-MSG-1 "Tous" is chosen only while the school has not disabled it',
    [FastCheck.boolean(), FastCheck.integer({ min: 1, max: 5 })],
    ([enabled, n]) => {
      const everyone: Message.ResolvedChoice = {
        choice: { _tag: "Everyone" },
        found: true,
        size: n,
        members: pupils(n),
      }
      const decision = decide(
        send(teacher, [everyone], { policy: { ...CommunicationRules.defaultPolicy, everyone: enabled } }),
      )
      assert.strictEqual(Either.isRight(decision), enabled)
      if (Either.isLeft(decision)) assert.strictEqual(decision.left.reason, "EveryoneDisabled")
    },
  )

  it("BR-MSG-2 a group of 500 recipients is accepted, one of 501 refused", () => {
    const sent = given(Message.aggregate)
      .when(send(teacher, [toGroup(pupils(500))]))
      .accepted()
    assert.strictEqual((sent.events[0] as typeof Message.MessageSent.Type).deliveredTo.length, 500)
    given(Message.aggregate)
      .when(send(teacher, [toGroup(pupils(501))]))
      .thenRejects({ ruleId: "BR-MSG-2", reason: "GroupTooLarge" })
    const everyone = (n: number): Message.ResolvedChoice => ({
      choice: { _tag: "Everyone" },
      found: true,
      size: n,
      members: pupils(n),
    })
    given(Message.aggregate)
      .when(send(teacher, [everyone(500)]))
      .accepted()
    given(Message.aggregate)
      .when(send(teacher, [everyone(501)]))
      .thenRejects({ ruleId: "BR-MSG-2" })
  })

  it.prop(
    "BR-MSG-2 a group chosen as recipient holds at most 500 recipients, whoever they are",
    [
      FastCheck.oneof(FastCheck.constantFrom(499, 500, 501), FastCheck.integer({ min: 1, max: 1_000 })),
      FastCheck.integer({ min: 0, max: 5 }),
    ],
    ([size, blocked]) => {
      // The size counts the group as the directory has it; the members given may be fewer.
      const members = [
        ...pupils(Math.min(size, 3)),
        ...pupils(blocked, { state: "blocked" }).map((p, i) => ({ ...p, accountId: AccountId.make(`b-${i}`) })),
      ]
      const decision = decide(send(teacher, [toGroup(members, size)]))
      assert.strictEqual(Either.isRight(decision), size <= 500, `size ${size}`)
      if (Either.isLeft(decision)) assert.strictEqual(decision.left.ruleId, "BR-MSG-2")
    },
  )

  it.prop(
    "BR-ACC-6 nobody can send a message to a blocked account or one whose messaging alone is blocked",
    [
      FastCheck.constantFrom<Message.CorrespondentState>("active", "inactive", "blocked"),
      FastCheck.boolean(),
      FastCheck.constantFrom<Profile>("Student", "Teacher", "Relative"),
    ],
    ([state, messagingBlocked, profile]) => {
      const recipient = person("someone-1", profile, { state, messagingBlocked })
      const decision = decide(send(teacher, [toAccount(recipient)]))
      const blocked = state === "blocked" || messagingBlocked
      assert.strictEqual(Either.isLeft(decision), blocked)
      if (Either.isLeft(decision)) {
        assert.strictEqual(decision.left.ruleId, "BR-ACC-6")
        assert.strictEqual(decision.left.reason, "RecipientBlocked")
      }
    },
  )

  it.prop(
    "BR-ACC-6 a group's blocked members get nothing, the others get the message",
    [
      FastCheck.array(
        FastCheck.tuple(FastCheck.constantFrom<Message.CorrespondentState>("active", "blocked"), FastCheck.boolean()),
        { minLength: 1, maxLength: 8 },
      ),
    ],
    ([draws]) => {
      const members = draws.map(([state, messagingBlocked], i) =>
        person(`member-${i}`, "Student", { state, messagingBlocked, groupIds: [class3a] }),
      )
      const reachable = members.filter((_, i) => draws[i]![0] === "active" && !draws[i]![1]).map((m) => m.accountId)
      const decision = decide(send(teacher, [toGroup(members)]))
      if (reachable.length === 0) {
        assert.ok(Either.isLeft(decision))
        return
      }
      assert.ok(Either.isRight(decision))
      assert.deepStrictEqual((decision.right[0] as typeof Message.MessageSent.Type).deliveredTo, reachable)
    },
  )

  it("BR-ACC-6 an author whose messaging is blocked sends nothing; unblocked, he sends again", () => {
    const pupil = pupils(1)[0]!
    given(Message.aggregate)
      .when(send({ ...teacher, messagingBlocked: true }, [toAccount(pupil)]))
      .thenRejects({ ruleId: "BR-ACC-6", reason: "SenderBlocked" })
    given(Message.aggregate)
      .when(send(teacher, [toAccount(pupil)]))
      .accepted()
  })

  it("BR-MSG-3 a targeted communication sent by ENT mail cannot be replied to; a message can", () => {
    const pupil = pupils(1)[0]!
    const reply = (replyable: boolean) =>
      send(pupil, [toAccount(teacher)], {
        inReplyTo: { kind: replyable ? "Message" : "TargetedCommunication", id: "x-1" },
        replyTarget: { replyable, participants: [teacher.accountId, pupil.accountId] },
      })
    given(Message.aggregate).when(reply(false)).thenRejects({ ruleId: "BR-MSG-3", reason: "NoReply" })
    given(Message.aggregate).when(reply(true)).accepted()
    given(Message.aggregate)
      .when(send(pupil, [toAccount(teacher)], { inReplyTo: { kind: "Message", id: "x-2" } }))
      .thenRejects({ reason: "NotFound" })
  })

  it("a recipient reads a message once; nobody else can", () => {
    const pupil = pupils(1)[0]!
    const { events } = given(Message.aggregate)
      .when(send(teacher, [toAccount(pupil)]))
      .accepted()
    const read = (accountId: AccountId): Message.MessageCommand => ({
      _tag: "ReadMessage",
      actor: { accountId, roles: [] },
      messageId: Message.MessageId.make("msg-1"),
      readAt: at,
    })
    const [readEvent] = given(Message.aggregate, events).when(read(pupil.accountId)).accepted().events
    given(Message.aggregate, [...events, readEvent!])
      .when(read(pupil.accountId))
      .then([])
    given(Message.aggregate, events)
      .when(read(AccountId.make("relative-1")))
      .thenRejects({ reason: "NotAuthorized" })
  })
})

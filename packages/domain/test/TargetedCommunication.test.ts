// Targeted communication (BR-MSG-3): at most 10 targets, a publication window whose edges are tested to the
// instant and the day around them, recipients resolved from the directory at publication time, direction or
// administrators only (BR-GRP-3), withdrawal. Oracles from DOMAIN.md and seed 004.
import type { Profile } from "@cartable/domain/Account"
import type * as Actor from "@cartable/domain/Actor"
import { AccountId, type StructureId } from "@cartable/domain/Ids"
import * as TargetedCommunication from "@cartable/domain/TargetedCommunication"
import { fold } from "@cartable/kernel/Decider"
import * as DeciderLaws from "@cartable/testing/DeciderLaws"
import { given } from "@cartable/testing/DeciderSpec"
import * as MessagingArbitraries from "@cartable/testing/MessagingArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"

DeciderLaws.suite(TargetedCommunication.aggregate, { commands: MessagingArbitraries.communicationCommands })

const [schoolA, schoolB] = MessagingArbitraries.ids.schools as [StructureId, StructureId]
const head: Actor.Actor = { accountId: AccountId.make("head-a"), roles: [{ _tag: "Direction", structureId: schoolA }] }
const publisher: Actor.Actor = {
  accountId: AccountId.make("system:targeted-communication"),
  roles: [{ _tag: "System", process: "targeted-communication" }],
}
const from = DateTime.unsafeMake("2026-09-14T00:00:00Z")
const until = DateTime.unsafeMake("2026-09-21T00:00:00Z")
const day = (instant: DateTime.Utc, days: number) => DateTime.add(instant, { days })
const id = TargetedCommunication.CommunicationId.make("com-1")

const schedule = (
  overrides: Partial<typeof TargetedCommunication.ScheduleCommunication.Type> = {},
): TargetedCommunication.TargetedCommunicationCommand => ({
  _tag: "ScheduleCommunication",
  actor: head,
  communicationId: id,
  structureIds: [schoolA],
  channel: "Announcement",
  kind: "Information",
  title: "Restitution des manuels scolaires",
  content: "<p>Au CDI, avant le 28 juin.</p>",
  targets: [{ profile: "Relative" }],
  publishFrom: from,
  publishUntil: until,
  ...overrides,
})

const publish = (
  publishedAt: DateTime.Utc,
  directory: ReadonlyArray<TargetedCommunication.DirectoryEntry> = [],
): TargetedCommunication.TargetedCommunicationCommand => ({
  _tag: "PublishCommunication",
  actor: publisher,
  communicationId: id,
  publishedAt,
  directory,
})

const entry = (
  accountId: string,
  profile: Profile,
  overrides: Partial<TargetedCommunication.DirectoryEntry> = {},
): TargetedCommunication.DirectoryEntry => ({
  accountId: AccountId.make(accountId),
  profile,
  state: "active",
  messagingBlocked: false,
  structureIds: [schoolA],
  levels: [],
  subLevels: [],
  functions: [],
  disciplines: [],
  ...overrides,
})

const scheduled = () => given(TargetedCommunication.aggregate).when(schedule()).accepted().events

describe("TargetedCommunication", () => {
  it("BR-MSG-3 10 targets are accepted, 11 refused", () => {
    const targets = (n: number) => Array.from({ length: n }, () => ({ profile: "Student" as const }))
    given(TargetedCommunication.aggregate)
      .when(schedule({ targets: targets(10) }))
      .accepted()
    given(TargetedCommunication.aggregate)
      .when(schedule({ targets: targets(11) }))
      .thenRejects({ ruleId: "BR-MSG-3", reason: "TooManyTargets" })
    given(TargetedCommunication.aggregate)
      .when(schedule({ targets: [] }))
      .thenRejects({ reason: "NoTarget" })
  })

  it.prop(
    "BR-MSG-3 a communication has at most 10 targets",
    [FastCheck.array(MessagingArbitraries.target, { minLength: 1, maxLength: 15 })],
    ([targets]) => {
      const decision = TargetedCommunication.decide(schedule({ targets }), TargetedCommunication.initialState)
      assert.strictEqual(Either.isRight(decision), targets.length <= 10)
      if (Either.isLeft(decision)) assert.strictEqual(decision.left.ruleId, "BR-MSG-3")
    },
  )

  it.prop(
    "BR-MSG-3 a publication happens inside its window only: from its first instant, before its last one",
    [FastCheck.constantFrom(-1, 0, 1, 6, 7, 8), FastCheck.constantFrom(-1, 0, 1)],
    ([days, millis]) => {
      const at = DateTime.add(day(from, days), { millis })
      const decision = TargetedCommunication.decide(
        publish(at),
        given(TargetedCommunication.aggregate, scheduled()).when(publish(at)).state,
      )
      // From the seed's "période de publication": from the start day (included) to the end (excluded, decision).
      const inside =
        DateTime.toEpochMillis(at) >= DateTime.toEpochMillis(from) &&
        DateTime.toEpochMillis(at) < DateTime.toEpochMillis(until)
      assert.strictEqual(Either.isRight(decision), inside, DateTime.formatIso(at))
      if (Either.isLeft(decision)) assert.strictEqual(decision.left.ruleId, "BR-MSG-3")
    },
  )

  it("BR-MSG-3 the window ends after it starts", () => {
    given(TargetedCommunication.aggregate)
      .when(schedule({ publishUntil: from }))
      .thenRejects({ reason: "InvalidWindow" })
    given(TargetedCommunication.aggregate)
      .when(schedule({ publishUntil: day(from, 1) }))
      .accepted()
  })

  it.prop(
    "BR-MSG-3 recipients are the accounts of the directory at publication time, of its schools, matching a target, not blocked",
    [
      FastCheck.array(MessagingArbitraries.target, { minLength: 1, maxLength: 10 }),
      FastCheck.array(MessagingArbitraries.directoryEntry, { maxLength: 8 }),
      FastCheck.constantFrom<TargetedCommunication.Channel>("Announcement", "Mail"),
    ],
    ([targets, drawn, channel]) => {
      const directory = drawn.map((e, i) => ({ ...e, accountId: AccountId.make(`acc-${i}`) }))
      const history = given(TargetedCommunication.aggregate).when(schedule({ targets, channel })).accepted().events
      const published = given(TargetedCommunication.aggregate, history).when(publish(from, directory)).accepted().events
      const recipients = (published[0] as typeof TargetedCommunication.CommunicationPublished.Type).recipients
      // Written from 004 "Cibles": a target's criteria all hold (an unset one holds for everyone).
      const holds = (t: TargetedCommunication.Target, e: TargetedCommunication.DirectoryEntry) =>
        (!t.profile || t.profile === e.profile) &&
        (!t.level || e.levels.indexOf(t.level) >= 0) &&
        (!t.subLevel || e.subLevels.indexOf(t.subLevel) >= 0) &&
        (!t.function || e.functions.indexOf(t.function) >= 0) &&
        (!t.discipline || e.disciplines.indexOf(t.discipline) >= 0)
      const expected = directory
        .filter((e) => e.structureIds.indexOf(schoolA) >= 0)
        .filter((e) => e.state === "active" || e.state === "inactive")
        .filter((e) => channel === "Announcement" || !e.messagingBlocked)
        .filter((e) => targets.some((t) => holds(t, e)))
        .map((e) => e.accountId)
      assert.deepStrictEqual(recipients, expected)
    },
  )

  it("BR-MSG-3 the directory is read when the window opens: an account arrived after scheduling is reached", () => {
    const newcomer = entry("relative-new", "Relative")
    const other = entry("relative-b", "Relative", { structureIds: [schoolB] })
    const pupil = entry("pupil-1", "Student")
    const published = given(TargetedCommunication.aggregate, scheduled())
      .when(publish(from, [newcomer, other, pupil]))
      .accepted()
    assert.deepStrictEqual(published.state._tag === "Communication" && published.state.recipients, [newcomer.accountId])
    assert.ok(TargetedCommunication.isVisibleTo(published.state, newcomer.accountId, from))
    assert.ok(!TargetedCommunication.isVisibleTo(published.state, newcomer.accountId, until))
    assert.ok(!TargetedCommunication.isVisibleTo(published.state, pupil.accountId, from))
  })

  const directionOrAdminOfA = (actor: Actor.Actor) =>
    actor.roles.some(
      (role) =>
        (role._tag === "Direction" && role.structureId === schoolA) ||
        (role._tag === "Administrator" &&
          (role.level === "Platform" || (role.level === "School" && role.scopeId === schoolA))),
    )

  it.prop(
    "BR-MSG-3 a targeted communication is scheduled and withdrawn by direction of the school or its administrators only",
    [MessagingArbitraries.actor],
    ([actor]) => {
      const decision = TargetedCommunication.decide(schedule({ actor }), TargetedCommunication.initialState)
      assert.strictEqual(Either.isRight(decision), directionOrAdminOfA(actor), JSON.stringify(actor))
      const withdraw = TargetedCommunication.decide(
        { _tag: "WithdrawCommunication", actor, communicationId: id, withdrawnAt: from },
        given(TargetedCommunication.aggregate, scheduled()).when(publish(from)).state,
      )
      assert.strictEqual(Either.isRight(withdraw), directionOrAdminOfA(actor))
    },
  )

  it.prop("BR-MSG-3 only the publication process publishes", [MessagingArbitraries.actor], ([actor]) => {
    const decision = TargetedCommunication.decide(
      { ...(publish(from) as typeof TargetedCommunication.PublishCommunication.Type), actor },
      given(TargetedCommunication.aggregate, scheduled()).when(publish(from)).state,
    )
    assert.strictEqual(
      Either.isRight(decision),
      actor.roles.some((role) => role._tag === "System"),
    )
  })

  it("BR-MSG-3 a withdrawn communication is never published; a published one is published once", () => {
    const events = scheduled()
    const withdrawn = given(TargetedCommunication.aggregate, events)
      .when({ _tag: "WithdrawCommunication", actor: head, communicationId: id, withdrawnAt: from })
      .accepted().events
    given(TargetedCommunication.aggregate, [...events, ...withdrawn])
      .when(publish(from))
      .thenRejects({ reason: "Withdrawn" })
    const published = given(TargetedCommunication.aggregate, events).when(publish(from)).accepted().events
    given(TargetedCommunication.aggregate, [...events, ...published])
      .when(publish(day(from, 1)))
      .then([])
  })

  const expire = (expiredAt: DateTime.Utc, actor: Actor.Actor = publisher) =>
    ({ _tag: "ExpireCommunication", actor, communicationId: id, expiredAt }) as const

  it.prop(
    "BR-MSG-3 a communication never published expires at or after its window's end, not before; then it is never published",
    [FastCheck.constantFrom(-1, 0, 1), FastCheck.constantFrom(-1, 0, 1)],
    ([days, millis]) => {
      const at = DateTime.add(day(until, days), { millis })
      const events = scheduled()
      // The end is excluded from the window (decision, as publication): from its very instant the window is over.
      const over = DateTime.toEpochMillis(at) >= DateTime.toEpochMillis(until)
      const decision = TargetedCommunication.decide(expire(at), fold(TargetedCommunication.aggregate, events))
      assert.strictEqual(Either.isRight(decision), over, DateTime.formatIso(at))
      if (Either.isLeft(decision)) {
        assert.deepStrictEqual([decision.left.ruleId, decision.left.reason], ["BR-MSG-3", "WindowNotOver"])
        return
      }
      assert.deepStrictEqual(decision.right, [{ _tag: "CommunicationExpired", communicationId: id, expiredAt: at }])
      const expired = [...events, ...decision.right]
      const state = fold(TargetedCommunication.aggregate, expired)
      assert.ok(state._tag === "Communication" && state.status === "Expired")
      // An expired communication is shown to nobody, ever.
      for (const instant of [from, day(from, 1), at]) {
        assert.isFalse(TargetedCommunication.isVisibleTo(state, AccountId.make("relative-1"), instant))
      }
      given(TargetedCommunication.aggregate, expired).when(publish(from)).thenRejects({ reason: "Expired" })
      // Expired once: a later tick records nothing more, and there is nothing to withdraw.
      given(TargetedCommunication.aggregate, expired)
        .when(expire(day(until, 2)))
        .then([])
      given(TargetedCommunication.aggregate, expired)
        .when({ _tag: "WithdrawCommunication", actor: head, communicationId: id, withdrawnAt: day(until, 2) })
        .then([])
    },
  )

  it("BR-MSG-3 a published or withdrawn communication does not expire; only the publication process expires", () => {
    const events = scheduled()
    const published = given(TargetedCommunication.aggregate, events).when(publish(from)).accepted().events
    given(TargetedCommunication.aggregate, [...events, ...published])
      .when(expire(until))
      .then([])
    const withdrawn = given(TargetedCommunication.aggregate, events)
      .when({ _tag: "WithdrawCommunication", actor: head, communicationId: id, withdrawnAt: from })
      .accepted().events
    given(TargetedCommunication.aggregate, [...events, ...withdrawn])
      .when(expire(until))
      .then([])
    given(TargetedCommunication.aggregate, events).when(expire(until, head)).thenRejects({ reason: "NotAuthorized" })
    given(TargetedCommunication.aggregate).when(expire(until)).thenRejects({ reason: "NotFound" })
  })
})

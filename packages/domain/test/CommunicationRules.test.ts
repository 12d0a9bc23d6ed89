// A school's communication rules ("qui voit qui", BR-MSG-1): configured by the administrators covering the
// school only, every undo path (forbid after allow, enable after disable), and the default rules as a table.
import type * as Actor from "@cartable/domain/Actor"
import * as CommunicationRules from "@cartable/domain/CommunicationRules"
import { AccountId, GroupId, StructureId } from "@cartable/domain/Ids"
import * as DeciderLaws from "@cartable/testing/DeciderLaws"
import { given } from "@cartable/testing/DeciderSpec"
import * as MessagingArbitraries from "@cartable/testing/MessagingArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"

DeciderLaws.suite(CommunicationRules.aggregate, { commands: MessagingArbitraries.rulesCommands })

const school = MessagingArbitraries.ids.schools[0]!
const admin: Actor.Actor = {
  accountId: AccountId.make("admin-a"),
  roles: [{ _tag: "Administrator", level: "School", scopeId: school }],
}
const pupilToRelative: CommunicationRules.CommunicationRule = {
  from: { _tag: "Profile", profile: "Student" },
  to: { _tag: "Profile", profile: "Relative" },
  reach: "School",
}

// From DOMAIN.md BR-MSG-1 and 004 ("Administration > Messagerie > Qui voit qui ?", an ENT administrator's
// screen): the school's administrators, and the platform's, configure it. Written by hand, not with Actor.covers.
const administersSchool = (actor: Actor.Actor) =>
  actor.roles.some(
    (role) =>
      role._tag === "Administrator" &&
      (role.level === "Platform" || (role.level === "School" && role.scopeId === school)),
  )

describe("CommunicationRules", () => {
  it.prop(
    "BR-MSG-1 only an administrator of the school configures who may write to whom",
    [MessagingArbitraries.actor, MessagingArbitraries.rule, FastCheck.constantFrom("allow", "forbid", "everyone")],
    ([actor, rule, what]) => {
      const command: CommunicationRules.CommunicationRulesCommand =
        what === "allow"
          ? { _tag: "AllowCommunication", actor, structureId: school, rule }
          : what === "forbid"
            ? {
                _tag: "ForbidCommunication",
                actor,
                structureId: school,
                rule: CommunicationRules.defaultPolicy.rules[0]!,
              }
            : { _tag: "SetEveryoneOption", actor, structureId: school, enabled: false }
      const decision = CommunicationRules.decide(command, CommunicationRules.initialState)
      assert.strictEqual(Either.isRight(decision), administersSchool(actor), JSON.stringify(actor))
      if (Either.isLeft(decision)) assert.strictEqual(decision.left.ruleId, "BR-MSG-1")
    },
  )

  it("BR-MSG-1 allowing, then forbidding, gives back the rules as they were; allowing twice records once", () => {
    const allow = { _tag: "AllowCommunication", actor: admin, structureId: school, rule: pupilToRelative } as const
    const forbid = { ...allow, _tag: "ForbidCommunication" } as const
    const allowed = given(CommunicationRules.aggregate).when(allow).accepted()
    assert.ok(
      CommunicationRules.mayWrite(
        allowed.state,
        { profile: "Student", groupIds: [] },
        { profile: "Relative", groupIds: [] },
      ),
    )
    given(CommunicationRules.aggregate, allowed.events).when(allow).then([])
    const forbidden = given(CommunicationRules.aggregate, allowed.events).when(forbid).accepted()
    assert.deepStrictEqual(forbidden.state, CommunicationRules.initialState)
    given(CommunicationRules.aggregate).when(forbid).then([])
  })

  it('BR-MSG-1 "Tous" is disabled and enabled again by the administrator', () => {
    const set = (enabled: boolean) =>
      ({ _tag: "SetEveryoneOption", actor: admin, structureId: school, enabled }) as const
    const disabled = given(CommunicationRules.aggregate).when(set(false)).accepted()
    assert.strictEqual(disabled.state.everyone, false)
    given(CommunicationRules.aggregate, disabled.events).when(set(false)).then([])
    const enabled = given(CommunicationRules.aggregate, disabled.events).when(set(true)).accepted()
    assert.strictEqual(enabled.state.everyone, true)
  })

  it("BR-MSG-1 a rule may name a group: its members may write to the direction, and nobody else gains from it", () => {
    const latin = GroupId.make("latin")
    const rule: CommunicationRules.CommunicationRule = {
      from: { _tag: "Group", groupId: latin },
      to: { _tag: "Profile", profile: "Relative" },
      reach: "School",
    }
    const { state } = given(CommunicationRules.aggregate)
      .when({ _tag: "AllowCommunication", actor: admin, structureId: school, rule })
      .accepted()
    assert.ok(
      CommunicationRules.mayWrite(
        state,
        { profile: "Student", groupIds: [latin] },
        { profile: "Relative", groupIds: [] },
      ),
    )
    assert.ok(
      !CommunicationRules.mayWrite(state, { profile: "Student", groupIds: [] }, { profile: "Relative", groupIds: [] }),
    )
  })

  // The default rules written out as a table (decision, docs/messaging.md): row = sender, column = recipient,
  // "S" anywhere in the school, "G" only in a shared group, "-" never.
  const table: Record<string, string> = {
    Student: "G S - S -".replaceAll(" ", ""),
    Relative: "- S - S -".replaceAll(" ", ""),
    Teacher: "S S S S S".replaceAll(" ", ""),
    Personnel: "S S S S S".replaceAll(" ", ""),
    Guest: "- S - S -".replaceAll(" ", ""),
  }
  const columns = ["Student", "Teacher", "Relative", "Personnel", "Guest"] as const
  it("BR-MSG-1 the default rules, cell by cell", () => {
    const shared = GroupId.make("class-3a")
    for (const [from, row] of Object.entries(table)) {
      columns.forEach((to, i) => {
        const cell = row[i]
        const alone = CommunicationRules.mayWrite(
          CommunicationRules.defaultPolicy,
          { profile: from as never, groupIds: [] },
          { profile: to, groupIds: [] },
        )
        const together = CommunicationRules.mayWrite(
          CommunicationRules.defaultPolicy,
          { profile: from as never, groupIds: [shared] },
          { profile: to, groupIds: [shared] },
        )
        assert.deepStrictEqual([alone, together], [cell === "S", cell !== "-"], `${from} -> ${to}`)
      })
    }
    assert.strictEqual(CommunicationRules.defaultPolicy.everyone, true)
  })

  it("the stream is the school's", () => {
    assert.strictEqual(
      CommunicationRules.aggregate.streamId({
        _tag: "SetEveryoneOption",
        actor: admin,
        structureId: StructureId.make("x"),
        enabled: true,
      }),
      "x",
    )
  })
})

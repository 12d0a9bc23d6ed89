// What a refused Structure command, and a school's administration screen, tell people: the rule, the reason
// and the message, written out here as users read them.
import type * as Actor from "@cartable/domain/Actor"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import type * as SchoolYear from "@cartable/domain/SchoolYear"
import * as Structure from "@cartable/domain/Structure"
import * as Uai from "@cartable/domain/Uai"
import { run } from "@cartable/testing/DeciderSpec"
import * as StructureArbitraries from "@cartable/testing/StructureArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"

const { ids, actors, setup } = StructureArbitraries
const schoolA = ids.schools[0]!
const { classA, teaching, manual, direction, superAdministrator } = ids.groups
const [year, nextYear] = ids.years as [SchoolYear.SchoolYear, SchoolYear.SchoolYear]
const pupil = ids.pupils[0]!

type Command = Structure.StructureCommand

const setupOfA = setup.filter((c) => c.structureId === schoolA)
const stateAfter = (...commands: ReadonlyArray<Command>) => run(Structure.aggregate, [...setupOfA, ...commands]).state

const refused = (state: Structure.StructureState, command: Command) => {
  const decision = Structure.decide(command, state)
  assert.ok(Either.isLeft(decision), `expected ${command._tag} to be refused, got ${JSON.stringify(decision)}`)
  return [decision.left.ruleId, decision.left.reason, decision.left.message]
}

const openGroup = (overrides: Partial<Extract<Command, { _tag: "OpenGroup" }>>): Command => ({
  _tag: "OpenGroup",
  actor: actors.feed,
  structureId: schoolA,
  groupId: classA,
  kind: "Class",
  name: "6e A",
  schoolYear: year,
  owner: "Feed",
  ...overrides,
})

const assign = (source: Structure.Source, actor: Actor.Actor, groupId = classA): Command => ({
  _tag: "AssignToGroup",
  actor,
  structureId: schoolA,
  groupId,
  accountId: pupil,
  role: "Student",
  source,
})
const unassign = (source: Structure.Source, actor: Actor.Actor, groupId = classA): Command => ({
  _tag: "UnassignFromGroup",
  actor,
  structureId: schoolA,
  groupId,
  accountId: pupil,
  source,
})

describe("Structure: what a refusal says", () => {
  it("registering and opening groups", () => {
    const state = stateAfter()
    assert.deepStrictEqual(
      refused(state, {
        _tag: "RegisterStructure",
        actor: actors.adminA,
        structureId: schoolA,
        uai: ids.uais[0]!,
        name: "Collège Louise Paulin",
        kind: "SecondarySchool",
      }),
      ["BR-GRP-5", "NotAuthorized", "Only a directory feed or the platform registers structures"],
    )
    assert.deepStrictEqual(
      refused(state, {
        _tag: "RegisterStructure",
        actor: actors.feed,
        structureId: schoolA,
        uai: Uai.Uai.make("0310001H"),
        name: "Collège Louise Paulin",
        kind: "SecondarySchool",
        districtId: ids.district,
        departmentId: ids.department,
        academyId: ids.academy,
      }),
      [
        "BR-GRP-5",
        "AlreadyExists",
        "Structure school-a is the SecondarySchool 0571994H: its UAI and kind never change",
      ],
    )
    assert.deepStrictEqual(refused(state, openGroup({ actor: actors.adminA })), [
      "BR-GRP-6",
      "NotAuthorized",
      "Only the directory feed opens feed groups",
    ])
    assert.deepStrictEqual(refused(state, openGroup({ actor: actors.feed, owner: "Manual", kind: "ManualGroup" })), [
      "BR-GRP-6",
      "NotAuthorized",
      "Only an administrator of the school opens manual groups",
    ])
    assert.deepStrictEqual(refused(state, openGroup({ kind: "ManualGroup", groupId: manual })), [
      "BR-GRP-6",
      "InvalidGroup",
      "A manual group is the administrators': no feed owns one",
    ])
    assert.deepStrictEqual(refused(state, openGroup({ function: "Other" })), [
      "BR-GRP-3",
      "InvalidGroup",
      "A functional group, and only a functional group, has a function",
    ])
    assert.deepStrictEqual(
      refused(state, openGroup({ actor: actors.adminA, owner: "Manual", kind: "Class", groupId: classA })),
      ["BR-GRP-6", "NotAuthorized", "Group school-a$6A belongs to the directory feed"],
    )
    assert.deepStrictEqual(refused(state, openGroup({ kind: "TeachingGroup" })), [
      "BR-GRP-5",
      "InvalidGroup",
      "Group school-a$6A is a Class: one stable id, one group",
    ])
    assert.deepStrictEqual(refused(state, openGroup({ schoolYear: nextYear })), [
      "BR-GRP-4",
      "InvalidState",
      "Class school-a$6A is open for 2025-2026: close it before opening it for 2026-2027",
    ])
    // A teaching group is not a class: it may be re-opened for another year without closing (BR-GRP-4).
    assert.ok(
      Either.isRight(
        Structure.decide(
          openGroup({ groupId: teaching, kind: "TeachingGroup", name: "6A Anglais groupe 1", schoolYear: nextYear }),
          state,
        ),
      ),
    )
    const closedYear = stateAfter({
      _tag: "CloseSchoolYear",
      actor: actors.feed,
      structureId: schoolA,
      schoolYear: year,
    })
    assert.deepStrictEqual(refused(closedYear, openGroup({ groupId: ids.groups.classB, name: "5e B" })), [
      "BR-GRP-4",
      "Closed",
      "School year 2025-2026 is closed: no class opens for it",
    ])
  })

  it("renaming, closing and the school year", () => {
    const state = stateAfter()
    const rename = (actor: Actor.Actor, groupId = classA): Command => ({
      _tag: "RenameGroup",
      actor,
      structureId: schoolA,
      groupId,
      name: "6e A bis",
    })
    assert.deepStrictEqual(refused(state, rename(actors.adminA)), [
      "BR-GRP-6",
      "NotAuthorized",
      "Group school-a$6A belongs to the directory feed",
    ])
    assert.deepStrictEqual(refused(state, rename(actors.feed, manual)), [
      "BR-GRP-6",
      "NotAuthorized",
      "Group school-a$CLUB-THEATRE belongs to an administrator of the school",
    ])
    assert.deepStrictEqual(
      refused(state, { _tag: "CloseGroup", actor: actors.adminA, structureId: schoolA, groupId: classA }),
      ["BR-GRP-6", "NotAuthorized", "Group school-a$6A belongs to the directory feed"],
    )
    assert.deepStrictEqual(
      refused(state, { _tag: "CloseSchoolYear", actor: actors.stranger, structureId: schoolA, schoolYear: year }),
      ["BR-GRP-4", "NotAuthorized", "Only the feed or an administrator of the school closes a school year"],
    )
  })

  it("memberships and imports", () => {
    const state = stateAfter(assign("Feed", actors.feed))
    assert.deepStrictEqual(refused(state, assign("Manual", actors.adminA)), [
      "BR-GRP-6",
      "FeedOwned",
      "pupil-1's membership of school-a$6A comes from the directory feed: it is not edited by hand",
    ])
    assert.deepStrictEqual(refused(state, unassign("Manual", actors.adminA)), [
      "BR-GRP-6",
      "FeedOwned",
      "pupil-1's membership of school-a$6A comes from the directory feed: it is not edited by hand",
    ])
    assert.deepStrictEqual(refused(state, assign("Feed", actors.adminA)), [
      "BR-GRP-6",
      "NotAuthorized",
      "Only the directory feed makes feed memberships",
    ])
    assert.deepStrictEqual(refused(state, assign("Manual", actors.feed)), [
      "BR-GRP-6",
      "NotAuthorized",
      "Only an administrator of the school makes manual memberships",
    ])
    assert.deepStrictEqual(refused(state, unassign("Feed", actors.adminA)), [
      "BR-GRP-6",
      "NotAuthorized",
      "Only the directory feed removes feed memberships",
    ])
    assert.deepStrictEqual(refused(state, unassign("Manual", actors.feed)), [
      "BR-GRP-6",
      "NotAuthorized",
      "Only an administrator of the school removes manual memberships",
    ])
    for (const command of [assign("Feed", actors.feed, manual), unassign("Feed", actors.feed, manual)]) {
      assert.deepStrictEqual(refused(state, command), [
        "BR-GRP-6",
        "NotAuthorized",
        "Group school-a$CLUB-THEATRE is a manual group: it stays the administrators'",
      ])
    }
    const importing = (actor: Actor.Actor, groupId = classA): Command => ({
      _tag: "ImportGroupMembers",
      actor,
      structureId: schoolA,
      groupId,
      roles: ["Student"],
      members: [{ accountId: pupil, role: "Student" }],
    })
    assert.deepStrictEqual(refused(state, importing(actors.adminA)), [
      "BR-GRP-6",
      "NotAuthorized",
      "Only a directory feed imports members",
    ])
    assert.deepStrictEqual(refused(state, importing(actors.feed, manual)), [
      "BR-GRP-6",
      "NotAuthorized",
      "Group school-a$CLUB-THEATRE is a manual group: it stays the administrators'",
    ])
    assert.deepStrictEqual(
      refused(state, {
        _tag: "ImportGroupMembers",
        actor: actors.feed,
        structureId: schoolA,
        groupId: classA,
        roles: ["Student"],
        members: [{ accountId: ids.teachers[0]!, role: "Teacher" }],
      }),
      ["BR-GRP-6", "InvalidImport", "teacher-1 is listed as Teacher, a role not imported"],
    )
  })

  it("BR-GRP-3 the administration screen's warnings", () => {
    const state = stateAfter()
    assert.deepStrictEqual(Structure.warningsOf(state), [
      {
        _tag: "NoDirection",
        ruleId: "BR-GRP-3",
        message: 'Nobody is in "Chef d\'établissement" in Collège Louise Paulin: put the head there',
      },
    ])
    const head = AccountId.make("head-1")
    const both = stateAfter(
      ...[direction, superAdministrator].map(
        (groupId): Command => ({
          _tag: "AssignToGroup",
          actor: actors.feed,
          structureId: schoolA,
          groupId,
          accountId: head,
          role: "Member",
          source: "Feed",
        }),
      ),
    )
    assert.deepStrictEqual(Structure.warningsOf(both), [
      {
        _tag: "DirectionInSuperAdministrator",
        ruleId: "BR-GRP-3",
        accountId: head,
        message:
          'head-1 is in "Super Administrateur", which loses some direction rights: use an administrator account for administration and the head\'s account for direction',
      },
    ])
    assert.deepStrictEqual(Structure.warningsOf(Structure.initialState), [])
    assert.deepStrictEqual(
      Structure.warningsOf(
        run(Structure.aggregate, [
          {
            _tag: "RegisterStructure",
            actor: actors.feed,
            structureId: StructureId.make("district-muret"),
            uai: Uai.Uai.make("0311234Y"),
            name: "Circonscription de Muret",
            kind: "District",
          },
        ]).state,
      ),
      [],
    )
  })
})

// What the Structure queries answer (a pupil's class, the direction) in the cases a school meets: no class,
// a teaching group only, a closed group, a school not registered; and what a feed taking over a manual
// membership, or closing two school years, leaves. Expected answers written out from DOMAIN.md (BR-GRP-2,
// BR-GRP-3, BR-GRP-4).
import type { AccountId, GroupId } from "@cartable/domain/Ids"
import type * as SchoolYear from "@cartable/domain/SchoolYear"
import * as Structure from "@cartable/domain/Structure"
import { run } from "@cartable/testing/DeciderSpec"
import * as StructureArbitraries from "@cartable/testing/StructureArbitraries"
import { assert, describe, it } from "@effect/vitest"

const { ids, actors, setup } = StructureArbitraries
const schoolA = ids.schools[0]!
const { classA, teaching, direction } = ids.groups
const [year, nextYear] = ids.years as [SchoolYear.SchoolYear, SchoolYear.SchoolYear]
const pupil = ids.pupils[0]!
const head = ids.head

type Command = Structure.StructureCommand

const setupOfA = setup.filter((c) => c.structureId === schoolA)
const after = (...commands: ReadonlyArray<Command>) => run(Structure.aggregate, [...setupOfA, ...commands])

const assign = (
  groupId: GroupId,
  accountId: AccountId,
  role: Structure.GroupRole,
  source: Structure.Source = "Feed",
): Command => ({
  _tag: "AssignToGroup",
  actor: source === "Feed" ? actors.feed : actors.adminA,
  structureId: schoolA,
  groupId,
  accountId,
  role,
  source,
})
const closeGroup = (groupId: GroupId): Command => ({
  _tag: "CloseGroup",
  actor: actors.feed,
  structureId: schoolA,
  groupId,
})
const closeYear = (schoolYear: SchoolYear.SchoolYear): Command => ({
  _tag: "CloseSchoolYear",
  actor: actors.feed,
  structureId: schoolA,
  schoolYear,
})

describe("Structure queries", () => {
  it("BR-GRP-2 a pupil's class is a class he is a pupil of, open, of that year; else none", () => {
    assert.strictEqual(Structure.classOf(after().state, pupil, year), undefined)
    assert.strictEqual(Structure.classOf(after(assign(teaching, pupil, "Student")).state, pupil, year), undefined)
    assert.strictEqual(Structure.classOf(after(assign(classA, pupil, "Member")).state, pupil, year), undefined)
    assert.strictEqual(Structure.classOf(after(assign(classA, pupil, "Student")).state, pupil, year), classA)
    assert.strictEqual(Structure.classOf(after(assign(classA, pupil, "Student")).state, pupil, nextYear), undefined)
    assert.strictEqual(
      Structure.classOf(after(assign(classA, pupil, "Student"), closeGroup(classA)).state, pupil, year),
      undefined,
    )
    assert.strictEqual(Structure.classOf(Structure.initialState, pupil, year), undefined)
    assert.deepStrictEqual(Structure.groupsOf(Structure.initialState, pupil), [])
    assert.deepStrictEqual(Structure.groupsOf(after(assign(classA, pupil, "Student")).state, pupil), [classA])
  })

  it("BR-GRP-3 the direction is who is in an open Chef d'établissement group", () => {
    assert.deepStrictEqual(Structure.directionOf(Structure.initialState), [])
    assert.deepStrictEqual(Structure.directionOf(after().state), [])
    const withHead = after(assign(direction, head, "Member"))
    assert.deepStrictEqual(Structure.directionOf(withHead.state), [head])
    assert.isTrue(Structure.isDirection(withHead.state, head))
    assert.isFalse(Structure.isDirection(withHead.state, pupil))
    const closed = after(assign(direction, head, "Member"), closeGroup(direction))
    assert.deepStrictEqual(Structure.directionOf(closed.state), [])
  })

  it("BR-GRP-6 the feed taking over a pupil's manual class membership assigns him once, and moves him nowhere", () => {
    const { state } = after(assign(classA, pupil, "Student", "Manual"))
    const decision = Structure.decide(assign(classA, pupil, "Student", "Feed"), state)
    assert.deepStrictEqual(decision._tag, "Right")
    if (decision._tag === "Right") {
      assert.deepStrictEqual(decision.right, [
        {
          _tag: "GroupAssigned",
          structureId: schoolA,
          groupId: classA,
          accountId: pupil,
          role: "Student",
          source: "Feed",
          assignedBy: actors.feed.accountId,
        },
      ])
    }
  })

  it("BR-GRP-4 each closed school year stays closed", () => {
    const { state } = after(
      closeYear(year),
      {
        _tag: "OpenGroup",
        actor: actors.feed,
        structureId: schoolA,
        groupId: classA,
        kind: "Class",
        name: "6e A",
        schoolYear: nextYear,
        owner: "Feed",
      },
      closeYear(nextYear),
    )
    assert.ok(state._tag === "Structure")
    assert.deepStrictEqual([...state.closedYears].sort(), [year, nextYear])
  })
})

describe("Structure: a closed school year", () => {
  it("BR-GRP-4 closes the year to classes only: a teaching group still opens for it", () => {
    const { state } = after(closeYear(year))
    const opening: Command = {
      _tag: "OpenGroup",
      actor: actors.feed,
      structureId: schoolA,
      groupId: ids.groups.teaching,
      kind: "TeachingGroup",
      name: "6A Anglais groupe 1",
      schoolYear: year,
      owner: "Feed",
    }
    // The teaching group was open and stays open (classes close with the year): renaming it is allowed.
    const decision = Structure.decide({ ...opening, name: "6A Anglais groupe 2" }, state)
    assert.deepStrictEqual(decision._tag, "Right")
    const closed = after(closeYear(year), closeGroup(ids.groups.teaching)).state
    const reopened = Structure.decide(opening, closed)
    assert.deepStrictEqual(reopened._tag, "Right")
  })
})

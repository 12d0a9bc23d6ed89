import type { AccountId, GroupId } from "@cartable/domain/Ids"
import * as Structure from "@cartable/domain/Structure"
import { run } from "@cartable/testing/DeciderSpec"
import * as StructureArbitraries from "@cartable/testing/StructureArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"

const { ids, actors, setup } = StructureArbitraries
const schoolA = ids.schools[0]!
const [year] = ids.years
const { classA, classB, teaching, direction } = ids.groups
type Command = Structure.StructureCommand

const registration = setup[0]!
if (registration._tag !== "RegisterStructure") throw new Error("the pool's setup starts with a registration")

/** The feed's groups of school A, as the feed describes them (stable code, kind, function). */
const feedGroups: ReadonlyArray<{
  readonly groupId: GroupId
  readonly kind: Structure.GroupKind
  readonly function?: Structure.GroupFunction
}> = [
  { groupId: classA, kind: "Class" },
  { groupId: classB, kind: "Class" },
  { groupId: teaching, kind: "TeachingGroup" },
  { groupId: direction, kind: "FunctionalGroup", function: "Direction" },
  // A group the setup did not open: the first import opens it, later ones find it.
  { groupId: Structure.groupIdOf(schoolA, "4C-ESP2"), kind: "TeachingGroup" },
]
const classes = [classA, classB]

/** A label as a timetable export may spell it, corrected or not (BR-GRP-5). */
const label = FastCheck.constantFrom("6e A", "6EME A", "6e A ", "Sixième A", "Chef d'établissement").map((s) =>
  s.trim(),
)

/**
 * One feed run over school A: the school, its groups with their labels, and their
 * members. A consistent feed lists each pupil in one class of the year (BR-GRP-2),
 * teachers and other members anywhere.
 */
const snapshot: FastCheck.Arbitrary<ReadonlyArray<Command>> = FastCheck.record({
  schoolName: FastCheck.constantFrom("Collège Louise Paulin", "Collège Louise-Paulin"),
  labels: FastCheck.array(label, { minLength: feedGroups.length, maxLength: feedGroups.length }),
  classOfPupil: FastCheck.array(FastCheck.option(FastCheck.constantFrom(...classes), { nil: undefined }), {
    minLength: ids.pupils.length,
    maxLength: ids.pupils.length,
  }),
  // One membership per account and group: a feed line gives an account one role in a group.
  others: FastCheck.uniqueArray(
    FastCheck.record({
      groupId: FastCheck.constantFrom(...feedGroups.map((g) => g.groupId)),
      accountId: FastCheck.constantFrom<AccountId>(...ids.teachers, ids.head),
      role: FastCheck.constantFrom<Structure.GroupRole>("Teacher", "Member"),
    }),
    { maxLength: 6, selector: (m) => `${m.groupId} ${m.accountId}` },
  ),
  imported: FastCheck.subarray(feedGroups.map((g) => g.groupId)),
}).map(({ schoolName, labels, classOfPupil, others, imported }) => {
  const membersOf = (groupId: GroupId): ReadonlyArray<Structure.GroupMember> => [
    ...ids.pupils.flatMap((accountId, i) =>
      classOfPupil[i] === groupId ? [{ accountId, role: "Student" as const }] : [],
    ),
    ...others.filter((m) => m.groupId === groupId).map(({ accountId, role }) => ({ accountId, role })),
  ]
  const commands: Array<Command> = [
    { ...registration, name: schoolName },
    ...feedGroups.map(
      (group, i): Command => ({
        _tag: "OpenGroup",
        actor: actors.feed,
        structureId: schoolA,
        groupId: group.groupId,
        kind: group.kind,
        name: labels[i]!,
        schoolYear: year!,
        owner: "Feed",
        ...(group.function === undefined ? {} : { function: group.function }),
      }),
    ),
    ...imported.map(
      (groupId): Command => ({
        _tag: "ImportGroupMembers",
        actor: actors.feed,
        structureId: schoolA,
        groupId,
        roles: ["Student", "Teacher", "Member"],
        members: membersOf(groupId),
      }),
    ),
    // Groups the feed does not import wholesale get their members one by one.
    ...feedGroups
      .filter((group) => !imported.includes(group.groupId))
      .flatMap((group) =>
        membersOf(group.groupId).map(
          (member): Command => ({
            _tag: "AssignToGroup",
            actor: actors.feed,
            structureId: schoolA,
            groupId: group.groupId,
            accountId: member.accountId,
            role: member.role,
            source: "Feed",
          }),
        ),
      ),
  ]
  return commands
})

const ofSchoolA = (commands: ReadonlyArray<Command>) => commands.filter((c) => c.structureId === schoolA)

/** Applies a feed run: every command must be accepted, none refused. */
const apply = (state: Structure.StructureState, commands: ReadonlyArray<Command>) => {
  const result = run(Structure.aggregate, commands, state)
  for (const step of result.steps) {
    assert.ok(
      Either.isRight(step.decision),
      `${step.command._tag} refused: ${Either.isLeft(step.decision) ? step.decision.left.message : ""}`,
    )
  }
  return result
}

const labelsOf = (state: Structure.StructureState) => {
  assert.ok(state._tag === "Structure")
  return { name: state.name, groups: new Map([...state.groups].map(([id, g]) => [id, g.name])) }
}
const withoutLabels = (state: Structure.StructureState) => {
  assert.ok(state._tag === "Structure")
  return {
    ...state,
    name: "",
    groups: new Map([...state.groups].map(([id, g]) => [id, { ...g, name: "" }])),
  }
}

describe("Structure re-import", () => {
  it.prop(
    "BR-GRP-5 a feed run sent again is accepted and records nothing, whatever happened before",
    [StructureArbitraries.membershipCommands, snapshot],
    ([history, feed]) => {
      const before = run(Structure.aggregate, ofSchoolA(history)).state
      const first = apply(before, feed)
      const second = apply(first.state, feed)
      assert.deepStrictEqual(second.events, [])
      assert.deepStrictEqual(second.state, first.state)
    },
  )

  it.prop(
    "BR-GRP-5 a feed run with corrected labels renames the same school and groups, and nothing else",
    [StructureArbitraries.membershipCommands, snapshot, snapshot],
    ([history, feed, relabelled]) => {
      const before = run(Structure.aggregate, ofSchoolA(history)).state
      const first = apply(before, feed)
      // The same run with the labels of another: same ids, same members, other display names.
      const labelled = feed.map((command, i) => {
        const other = relabelled[i]
        if (command._tag === "OpenGroup" && other?._tag === "OpenGroup") return { ...command, name: other.name }
        if (command._tag === "RegisterStructure" && other?._tag === "RegisterStructure") {
          return { ...command, name: other.name }
        }
        return command
      })
      const corrected = apply(first.state, labelled)
      for (const event of corrected.events) assert.include(["StructureRenamed", "GroupRenamed"], event._tag)
      const expectedLabels = labelled.flatMap((c) =>
        c._tag === "OpenGroup" ? [[c.groupId, c.name] as const] : c._tag === "RegisterStructure" ? [] : [],
      )
      const after = labelsOf(corrected.state)
      for (const [groupId, name] of expectedLabels) assert.strictEqual(after.groups.get(groupId), name)
      assert.strictEqual(after.name, labelled[0]!._tag === "RegisterStructure" ? labelled[0]!.name : "")
      assert.strictEqual(after.groups.size, labelsOf(first.state).groups.size)
      assert.deepStrictEqual(withoutLabels(corrected.state), withoutLabels(first.state))
      assert.strictEqual(
        corrected.events.length,
        expectedLabels.filter(([groupId, name]) => labelsOf(first.state).groups.get(groupId) !== name).length +
          (after.name === labelsOf(first.state).name ? 0 : 1),
      )
      assert.deepStrictEqual(apply(corrected.state, labelled).events, [])
    },
  )
})

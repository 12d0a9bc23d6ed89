import * as Actor from "@cartable/domain/Actor"
import { type AccountId, type GroupId, StructureId } from "@cartable/domain/Ids"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import * as Structure from "@cartable/domain/Structure"
import * as Uai from "@cartable/domain/Uai"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as DeciderLaws from "@cartable/testing/DeciderLaws"
import { given, run } from "@cartable/testing/DeciderSpec"
import * as StructureArbitraries from "@cartable/testing/StructureArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

const { ids, actors, setup } = StructureArbitraries
const schoolA = ids.schools[0]!
const [year, nextYear] = ids.years as [SchoolYear.SchoolYear, SchoolYear.SchoolYear]
const { classA, classB, teaching, manual, direction, superAdministrator } = ids.groups
const pupil = ids.pupils[0]!
const teacher = ids.teachers[0]!

type Command = Structure.StructureCommand
type Event = Structure.StructureEvent

/** The commands of school A's stream only: one decider per stream, as the command handler runs them. */
const ofSchoolA = (commands: ReadonlyArray<Command>) => commands.filter((c) => c.structureId === schoolA)
const setupEvents: ReadonlyArray<Event> = run(Structure.aggregate, ofSchoolA(setup)).events
const historyOf = (commands: ReadonlyArray<Command>) => run(Structure.aggregate, ofSchoolA([...setup, ...commands]))
const schoolOf = (state: Structure.StructureState): Structure.Structure => {
  assert.ok(state._tag === "Structure")
  return state
}
const groupOf = (state: Structure.StructureState, groupId: GroupId) => schoolOf(state).groups.get(groupId)!

const assign = (
  groupId: GroupId,
  accountId: AccountId,
  role: Structure.GroupRole,
  source: Structure.Source = "Feed",
  actor: Actor.Actor = source === "Feed" ? actors.feed : actors.adminA,
): Command => ({ _tag: "AssignToGroup", actor, structureId: schoolA, groupId, accountId, role, source })

const unassign = (
  groupId: GroupId,
  accountId: AccountId,
  source: Structure.Source,
  actor: Actor.Actor = source === "Feed" ? actors.feed : actors.adminA,
): Command => ({ _tag: "UnassignFromGroup", actor, structureId: schoolA, groupId, accountId, source })

const reopen = (groupId: GroupId, name: string, schoolYear: SchoolYear.SchoolYear): Command => ({
  _tag: "OpenGroup",
  actor: actors.feed,
  structureId: schoolA,
  groupId,
  kind: "Class",
  name,
  schoolYear,
  owner: "Feed",
})

/** Classes of a school year a pupil is in: BR-GRP-2 says at most one. */
const classesOfPupil = (state: Structure.StructureState, accountId: AccountId, schoolYear: SchoolYear.SchoolYear) =>
  [...schoolOf(state).groups.values()].filter(
    (g) => g.open && g.kind === "Class" && g.schoolYear === schoolYear && g.members.get(accountId)?.role === "Student",
  )

const assertOneClassPerYear = (state: Structure.StructureState) => {
  for (const accountId of StructureArbitraries.accountIds) {
    for (const schoolYear of ids.years) assert.isAtMost(classesOfPupil(state, accountId, schoolYear).length, 1)
  }
}

const membershipTouched = (event: Event) =>
  event._tag === "GroupAssigned" || event._tag === "GroupUnassigned" ? event : undefined

// Days near a rentrée, written from the calendar: offset 0 is 1 September, -1 is 31 August.
const edgeDay = FastCheck.tuple(
  FastCheck.constantFrom(2023, 2024, 2027, 2028, 2099, 2100, 2025),
  FastCheck.integer({ min: -3, max: 3 }),
)
const dayFrom = (rentreeYear: number, offset: number): SchoolYear.LocalDate => {
  // 31 August is the last day of August in every year, leap or not: no calendar library needed here.
  const [month, day] = offset < 0 ? [8, 32 + offset] : [9, 1 + offset]
  return `${rentreeYear}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}` as SchoolYear.LocalDate
}

DeciderLaws.suite(Structure.aggregate, { commands: StructureArbitraries.commands })

describe("Structure rules", () => {
  it.prop(
    "BR-GRP-1 a teacher is attached to several classes, again every school year",
    [
      FastCheck.uniqueArray(FastCheck.constantFrom(classA, classB, teaching), { minLength: 1 }),
      FastCheck.constantFrom<Structure.Source>("Feed", "Manual"),
    ],
    ([groups, source]) => {
      const first = historyOf(groups.map((groupId) => assign(groupId, teacher, "Teacher", source)))
      assert.ok(first.steps.slice(-groups.length).every((step) => Either.isRight(step.decision)))
      assert.sameMembers([...Structure.groupsOf(first.state, teacher, "Teacher")], groups)
      assert.notOk(first.events.some((event) => event._tag === "GroupUnassigned"))

      const classes = groups.filter((groupId) => groupId !== teaching)
      const nextYearCommands: ReadonlyArray<Command> = [
        { _tag: "CloseSchoolYear", actor: actors.feed, structureId: schoolA, schoolYear: year },
        ...classes.map((groupId) => reopen(groupId, `${groupId} ${nextYear}`, nextYear)),
        ...classes.map((groupId) => assign(groupId, teacher, "Teacher", source)),
      ]
      const second = run(Structure.aggregate, nextYearCommands, first.state)
      assert.ok(second.steps.every((step) => Either.isRight(step.decision)))
      assert.sameMembers([...Structure.groupsOf(second.state, teacher, "Teacher")], groups)
    },
  )

  it.prop(
    "BR-GRP-1 an attachment carries what the teacher teaches there: the same again is nothing, another is a re-assignment",
    [
      FastCheck.constantFrom(classA, teaching),
      FastCheck.constantFrom<Structure.Source>("Feed", "Manual"),
      FastCheck.array(FastCheck.constantFrom("Mathématiques", "Anglais", "SVT"), { maxLength: 2 }),
      FastCheck.boolean(),
      FastCheck.array(FastCheck.constantFrom("Mathématiques", "Anglais", "SVT"), { maxLength: 2 }),
      FastCheck.boolean(),
    ],
    ([groupId, source, subjects, principal, nextSubjects, nextPrincipal]) => {
      const teachingOf = (list: ReadonlyArray<string>, isPrincipal: boolean) => ({
        ...(list.length === 0 ? {} : { subjects: list as NonNullable<Structure.GroupMember["subjects"]> }),
        ...(isPrincipal ? { principal: true as const } : {}),
      })
      const attach = (list: ReadonlyArray<string>, isPrincipal: boolean): Command => ({
        ...(assign(groupId, teacher, "Teacher", source) as Extract<Command, { _tag: "AssignToGroup" }>),
        ...teachingOf(list, isPrincipal),
      })
      const first = historyOf([attach(subjects, principal)])
      assert.deepStrictEqual(groupOf(first.state, groupId).members.get(teacher), {
        role: "Teacher",
        source,
        ...teachingOf(subjects, principal),
      })
      const same = given(Structure.aggregate, first.events).when(attach(subjects, principal))
      const other = given(Structure.aggregate, first.events).when(attach(nextSubjects, nextPrincipal))
      const changed =
        principal !== nextPrincipal ||
        subjects.length !== nextSubjects.length ||
        subjects.some((subject, i) => nextSubjects[i] !== subject)
      assert.deepStrictEqual(same.accepted().events, [])
      const { events, state } = other.accepted()
      assert.strictEqual(events.length, changed ? 1 : 0)
      assert.deepStrictEqual(groupOf(state, groupId).members.get(teacher), {
        role: "Teacher",
        source,
        ...teachingOf(nextSubjects, nextPrincipal),
      })
    },
  )

  it.prop(
    "BR-GRP-2 a pupil is in one class per school year, whatever the commands",
    [StructureArbitraries.membershipCommands],
    ([commands]) => {
      const { steps, state } = historyOf(commands)
      for (const step of steps) if (step.before._tag === "Structure") assertOneClassPerYear(step.before)
      assertOneClassPerYear(state)
    },
  )

  it.prop(
    "BR-GRP-2 a second class moves the pupil with an explicit unassignment; teaching groups stay",
    [FastCheck.constantFrom<Structure.Source>("Feed", "Manual")],
    ([firstSource]) => {
      const history = historyOf([assign(classA, pupil, "Student", firstSource), assign(teaching, pupil, "Student")])
      const byFeed = given(Structure.aggregate, history.events).when(assign(classB, pupil, "Student"))
      byFeed.then([
        {
          _tag: "GroupUnassigned",
          structureId: schoolA,
          groupId: classA,
          accountId: pupil,
          source: "Feed",
          unassignedBy: actors.feed.accountId,
        },
        {
          _tag: "GroupAssigned",
          structureId: schoolA,
          groupId: classB,
          accountId: pupil,
          role: "Student",
          source: "Feed",
          assignedBy: actors.feed.accountId,
        },
      ])
      const byHand = given(Structure.aggregate, history.events).when(assign(classB, pupil, "Student", "Manual"))
      if (firstSource === "Feed") byHand.thenRejects({ ruleId: "BR-GRP-6", reason: "FeedOwned" })
      else {
        const { events, state } = byHand.accepted()
        assert.deepStrictEqual(
          events.map((event) => [event._tag, membershipTouched(event)?.groupId]),
          [
            ["GroupUnassigned", classA],
            ["GroupAssigned", classB],
          ],
        )
        assert.strictEqual(Structure.classOf(state, pupil, year), classB)
        assert.deepStrictEqual(Structure.groupsOf(state, pupil), [classB, teaching])
      }
    },
  )

  it("BR-GRP-2 a class of another school year is not a second class", () => {
    const { events } = historyOf([
      assign(classA, pupil, "Student"),
      { _tag: "CloseGroup", actor: actors.feed, structureId: schoolA, groupId: classB },
      reopen(classB, "5e B", nextYear),
    ])
    const { state } = given(Structure.aggregate, events)
      .when(assign(classB, pupil, "Student"))
      .accepted()
    assert.strictEqual(Structure.classOf(state, pupil, year), classA)
    assert.strictEqual(Structure.classOf(state, pupil, nextYear), classB)
  })

  it.prop(
    "BR-GRP-3 members of Chef d'établissement are direction; the head in Super Administrateur is warned about",
    [
      FastCheck.uniqueArray(FastCheck.constantFrom(...StructureArbitraries.accountIds), { maxLength: 3 }),
      FastCheck.uniqueArray(FastCheck.constantFrom(...StructureArbitraries.accountIds), { maxLength: 3 }),
      FastCheck.constantFrom<Structure.Source>("Feed", "Manual"),
    ],
    ([heads, superAdministrators, source]) => {
      const { state } = historyOf([
        ...heads.map((accountId) => assign(direction, accountId, "Member", source)),
        ...superAdministrators.map((accountId) => assign(superAdministrator, accountId, "Member", source)),
      ])
      assert.sameMembers([...Structure.directionOf(state)], heads)
      for (const accountId of StructureArbitraries.accountIds) {
        assert.strictEqual(Structure.isDirection(state, accountId), heads.includes(accountId))
      }
      const warnings = Structure.warningsOf(state)
      assert.strictEqual(
        warnings.some((w) => w._tag === "NoDirection"),
        heads.length === 0,
      )
      assert.sameMembers(
        warnings.flatMap((w) => (w._tag === "DirectionInSuperAdministrator" ? [w.accountId] : [])),
        heads.filter((accountId) => superAdministrators.includes(accountId)),
      )
      assert.ok(warnings.every((w) => w.ruleId === "BR-GRP-3"))
      const closed = run(
        Structure.aggregate,
        [{ _tag: "CloseGroup", actor: actors.feed, structureId: schoolA, groupId: direction }],
        state,
      )
      assert.deepStrictEqual(Structure.directionOf(closed.state), [])
    },
  )

  it("BR-GRP-3 a functional group says what it stands for, and only a functional group", () => {
    const open = (kind: Structure.GroupKind, fn?: Structure.GroupFunction): Command => ({
      _tag: "OpenGroup",
      actor: actors.adminA,
      structureId: schoolA,
      groupId: "school-a$NEW" as GroupId,
      kind,
      name: "Chef d'établissement adjoint",
      schoolYear: year,
      owner: "Manual",
      ...(fn === undefined ? {} : { function: fn }),
    })
    given(Structure.aggregate, setupEvents)
      .when(open("FunctionalGroup"))
      .thenRejects({ ruleId: "BR-GRP-3", reason: "InvalidGroup" })
    given(Structure.aggregate, setupEvents)
      .when(open("ManualGroup", "Direction"))
      .thenRejects({ ruleId: "BR-GRP-3", reason: "InvalidGroup" })
    const { state } = given(Structure.aggregate, setupEvents).when(open("FunctionalGroup", "Direction")).accepted()
    const withDeputy = run(
      Structure.aggregate,
      [assign("school-a$NEW" as GroupId, ids.head, "Member", "Manual")],
      state,
    ).state
    assert.deepStrictEqual(Structure.directionOf(withDeputy), [ids.head])
  })

  it.prop(
    "BR-GRP-4 closing a school year closes its classes and nothing else",
    [StructureArbitraries.membershipCommands, FastCheck.constantFrom(actors.feed, actors.adminA, actors.erun)],
    ([commands, actor]) => {
      const before = historyOf(commands)
      const openClasses = [...schoolOf(before.state).groups.values()].filter(
        (g) => g.open && g.kind === "Class" && g.schoolYear === year,
      )
      const { events, state } = given(Structure.aggregate, before.events)
        .when({ _tag: "CloseSchoolYear", actor, structureId: schoolA, schoolYear: year })
        .accepted()
      assert.deepStrictEqual(events, [
        ...openClasses.map(
          (g): Event => ({ _tag: "ClassClosed", structureId: schoolA, groupId: g.groupId, schoolYear: year }),
        ),
        { _tag: "SchoolYearClosed", structureId: schoolA, schoolYear: year } satisfies Event,
      ])
      for (const [groupId, group] of schoolOf(before.state).groups) {
        const after = groupOf(state, groupId)
        if (group.kind === "Class") assert.ok(!after.open && after.members.size === 0)
        else assert.deepStrictEqual(after, group, `${group.kind} ${groupId} persists`)
      }
      const closed = given(Structure.aggregate, [...before.events, ...events])
      closed.when(assign(classA, pupil, "Student")).thenRejects({ ruleId: "BR-GRP-4", reason: "Closed" })
      closed.when(reopen(classA, "6e A", year)).thenRejects({ ruleId: "BR-GRP-4", reason: "Closed" })
      const reopened = closed.when(reopen(classA, "6e A", nextYear)).accepted().state
      assert.strictEqual(groupOf(reopened, classA).members.size, 0)
      given(Structure.aggregate, setupEvents)
        .when({ _tag: "CloseSchoolYear", actor: actors.adminB, structureId: schoolA, schoolYear: year })
        .thenRejects({ ruleId: "BR-GRP-4", reason: "NotAuthorized" })
    },
  )

  it.prop(
    "BR-GRP-5 a re-import with a new display label renames the same group, never creates a second one",
    [
      FastCheck.constantFrom(...setup.filter((c) => c._tag === "OpenGroup" && c.structureId === schoolA)),
      Arbitrary.make(Schema.NonEmptyTrimmedString),
      StructureArbitraries.membershipCommands,
    ],
    ([opening, name, commands]) => {
      assert.ok(opening._tag === "OpenGroup")
      const before = historyOf(commands)
      const group = groupOf(before.state, opening.groupId)
      const { events, state } = given(Structure.aggregate, before.events)
        .when({ ...opening, name })
        .accepted()
      assert.deepStrictEqual(
        events,
        name === group.name
          ? []
          : [{ _tag: "GroupRenamed", structureId: schoolA, groupId: opening.groupId, name } satisfies Event],
      )
      assert.strictEqual(schoolOf(state).groups.size, schoolOf(before.state).groups.size)
      assert.deepStrictEqual(groupOf(state, opening.groupId), { ...group, name })
      const otherKind = opening.kind === "TeachingGroup" ? "Class" : "TeachingGroup"
      given(Structure.aggregate, before.events)
        .when({ ...opening, kind: otherKind, function: undefined } as Command)
        .thenRejects({ ruleId: "BR-GRP-5" })
    },
  )

  it.prop(
    "BR-GRP-5 a structure is keyed by its id: a re-import renames or moves it, its UAI never changes",
    [Arbitrary.make(Schema.NonEmptyTrimmedString), Arbitrary.make(Uai.Uai), FastCheck.boolean()],
    ([name, uai, moved]) => {
      const registration = setup[0]!
      assert.ok(registration._tag === "RegisterStructure")
      const { events } = given(Structure.aggregate, setupEvents)
        .when({
          ...registration,
          name,
          ...(moved ? { districtId: "district-other" as StructureId } : {}),
        })
        .accepted()
      assert.deepStrictEqual(
        events.map((event) => event._tag),
        [...(name === registration.name ? [] : ["StructureRenamed"]), ...(moved ? ["StructureHierarchyChanged"] : [])],
      )
      const spec = given(Structure.aggregate, setupEvents).when({ ...registration, uai })
      if (uai === registration.uai) spec.then([])
      else spec.thenRejects({ ruleId: "BR-GRP-5", reason: "AlreadyExists" })
      for (const actor of [actors.adminA, actors.erun, actors.head, actors.stranger]) {
        given(Structure.aggregate)
          .when({ ...registration, actor })
          .thenRejects({ reason: "NotAuthorized" })
      }
      given(Structure.aggregate)
        .when({ ...registration, actor: actors.vendor })
        .accepted()
    },
  )

  it.prop(
    "BR-GRP-6 no hand edit changes a feed membership, no feed touches a manual group",
    [StructureArbitraries.membershipCommands],
    ([commands]) => {
      const { steps } = historyOf(commands)
      for (const step of steps) {
        if (Either.isLeft(step.decision) || step.before._tag !== "Structure") continue
        const byFeed = Actor.isSystem(step.command.actor)
        for (const event of step.decision.right) {
          const touched = membershipTouched(event)
          if (touched === undefined) continue
          const group = step.before.groups.get(touched.groupId)!
          const current = group.members.get(touched.accountId)
          if (!byFeed) assert.notStrictEqual(current?.source, "Feed", `${step.command._tag} by hand: ${touched._tag}`)
          if (byFeed) assert.strictEqual(group.owner, "Feed", `${step.command._tag} by the feed in a manual group`)
          assert.strictEqual(touched.source, byFeed ? "Feed" : "Manual")
        }
      }
    },
  )

  it("BR-GRP-6 a manual unassignment of a feed membership is rejected; manual ones are the administrator's", () => {
    const history = historyOf([
      assign(classA, pupil, "Student"),
      assign(manual, pupil, "Member", "Manual"),
      assign(classA, teacher, "Teacher", "Manual"),
    ]).events
    given(Structure.aggregate, history)
      .when(unassign(classA, pupil, "Manual"))
      .thenRejects({ ruleId: "BR-GRP-6", reason: "FeedOwned" })
    given(Structure.aggregate, history)
      .when(assign(classA, pupil, "Teacher", "Manual"))
      .thenRejects({ ruleId: "BR-GRP-6", reason: "FeedOwned" })
    given(Structure.aggregate, history)
      .when(unassign(manual, pupil, "Feed"))
      .thenRejects({ ruleId: "BR-GRP-6", reason: "NotAuthorized" })
    given(Structure.aggregate, history)
      .when(assign(manual, teacher, "Member"))
      .thenRejects({ ruleId: "BR-GRP-6", reason: "NotAuthorized" })
    given(Structure.aggregate, history)
      .when(unassign(classA, teacher, "Manual"))
      .accepted()
    given(Structure.aggregate, history)
      .when(unassign(manual, pupil, "Manual", actors.erun))
      .accepted()
    for (const actor of [actors.adminB, actors.head, actors.stranger, actors.feed]) {
      given(Structure.aggregate, history)
        .when(unassign(manual, pupil, "Manual", actor))
        .thenRejects({ ruleId: "BR-GRP-6", reason: "NotAuthorized" })
    }
  })

  it.prop(
    "BR-GRP-6 a feed re-import replaces the feed-owned memberships of its roles, manual edits included",
    [
      StructureArbitraries.membershipCommands,
      FastCheck.constantFrom(classA, classB, teaching, direction),
      FastCheck.uniqueArray(FastCheck.constantFrom<Structure.GroupRole>("Student", "Teacher", "Member"), {
        minLength: 1,
      }),
      FastCheck.array(
        FastCheck.record(
          {
            accountId: FastCheck.constantFrom(...StructureArbitraries.accountIds),
            role: FastCheck.constantFrom<Structure.GroupRole>("Student", "Teacher", "Member"),
            subjects: FastCheck.array(FastCheck.constantFrom("Mathématiques", "Anglais", "SVT"), { maxLength: 2 }),
            principal: FastCheck.constantFrom<true | undefined>(true, undefined),
          },
          { requiredKeys: ["accountId", "role"] },
        ) as FastCheck.Arbitrary<Structure.GroupMember>,
        { maxLength: 5 },
      ),
    ],
    ([commands, groupId, roles, listed]) => {
      const members = listed.filter((member) => roles.includes(member.role))
      const before = historyOf(commands)
      const { state } = given(Structure.aggregate, before.events)
        .when({
          _tag: "ImportGroupMembers",
          actor: actors.feed,
          structureId: schoolA,
          groupId,
          roles: roles as [Structure.GroupRole, ...Array<Structure.GroupRole>],
          members,
        })
        .accepted()
      const wanted = new Map(members.map((member) => [member.accountId, member]))
      const after = groupOf(state, groupId).members
      for (const [accountId, member] of after) {
        const listed = wanted.get(accountId)
        if (listed !== undefined) {
          // A teacher keeps what the feed says he teaches there; an empty list or `principal: false` is nothing.
          assert.deepStrictEqual(member, {
            role: listed.role,
            source: "Feed",
            ...(listed.subjects !== undefined && listed.subjects.length > 0 ? { subjects: listed.subjects } : {}),
            ...(listed.principal === true ? { principal: true } : {}),
          })
        } else {
          assert.notInclude(roles, member.role)
          assert.deepStrictEqual(member, groupOf(before.state, groupId).members.get(accountId))
        }
      }
      assert.strictEqual([...wanted.keys()].filter((accountId) => after.has(accountId)).length, wanted.size)
      // Memberships of the roles the feed does not carry stay, whoever made them.
      for (const [accountId, member] of groupOf(before.state, groupId).members) {
        if (!wanted.has(accountId) && !roles.includes(member.role)) assert.deepStrictEqual(after.get(accountId), member)
      }
      assert.deepStrictEqual(groupOf(state, manual), groupOf(before.state, manual))
      assertOneClassPerYear(state)
      if (listed.length > members.length) {
        given(Structure.aggregate, before.events)
          .when({
            _tag: "ImportGroupMembers",
            actor: actors.feed,
            structureId: schoolA,
            groupId,
            roles: roles as [Structure.GroupRole, ...Array<Structure.GroupRole>],
            members: listed,
          })
          .thenRejects({ ruleId: "BR-GRP-6", reason: "InvalidImport" })
      }
    },
  )

  it.prop(
    "BR-GRP-6 manual groups are managed by the administrators whose scope covers the school",
    [FastCheck.constantFrom(...Object.values(actors))],
    ([actor]) => {
      const spec = given(Structure.aggregate, setupEvents).when({
        _tag: "OpenGroup",
        actor,
        structureId: schoolA,
        groupId: "school-a$ATELIER" as GroupId,
        kind: "ManualGroup",
        name: "Atelier robotique",
        schoolYear: year,
        owner: "Manual",
      })
      const covers = [actors.adminA, actors.erun, actors.vendor].includes(actor as never)
      if (covers) spec.accepted()
      else spec.thenRejects({ ruleId: "BR-GRP-6", reason: "NotAuthorized" })
    },
  )

  it.prop(
    "BR-GRP-1 detaching a teacher ends his attachment, once; attaching him again restores it",
    [
      FastCheck.constantFrom(classA, classB, teaching, manual),
      FastCheck.constantFrom<Structure.Source>("Feed", "Manual"),
    ],
    ([groupId, source]) => {
      // The feed never touches a manual group (BR-GRP-6): there only administrators attach.
      const by: Structure.Source = groupId === manual ? "Manual" : source
      const actor = by === "Feed" ? actors.feed : actors.adminA
      const attached = historyOf([assign(groupId, teacher, "Teacher", by)])
      assert.include(Structure.groupsOf(attached.state, teacher, "Teacher"), groupId)
      const detach = given(Structure.aggregate, attached.events).when(unassign(groupId, teacher, by))
      const state = detach.then([
        {
          _tag: "GroupUnassigned",
          structureId: schoolA,
          groupId,
          accountId: teacher,
          source: by,
          unassignedBy: actor.accountId,
        },
      ])
      assert.notInclude(Structure.groupsOf(state, teacher), groupId)
      assert.isUndefined(groupOf(state, groupId).members.get(teacher))
      const detached = [...attached.events, ...detach.accepted().events]
      given(Structure.aggregate, detached)
        .when(unassign(groupId, teacher, by))
        .then([])
      const again = given(Structure.aggregate, detached)
        .when(assign(groupId, teacher, "Teacher", by))
        .then([
          {
            _tag: "GroupAssigned",
            structureId: schoolA,
            groupId,
            accountId: teacher,
            role: "Teacher",
            source: by,
            assignedBy: actor.accountId,
          },
        ])
      assert.deepStrictEqual(groupOf(again, groupId).members.get(teacher), { role: "Teacher", source: by })
      // Undoing the other owner's attachment: the feed replaces manual edits, a hand never undoes the feed's.
      if (groupId !== manual) {
        const other = given(Structure.aggregate, attached.events).when(
          unassign(groupId, teacher, by === "Feed" ? "Manual" : "Feed"),
        )
        if (by === "Feed") other.thenRejects({ ruleId: "BR-GRP-6", reason: "FeedOwned" })
        else assert.notInclude(Structure.groupsOf(other.accepted().state, teacher), groupId)
      }
    },
  )

  it.prop(
    "BR-GRP-4 closing a group ends its memberships; opening it again starts it empty",
    [
      FastCheck.constantFrom(teaching, manual, direction),
      FastCheck.uniqueArray(FastCheck.constantFrom(...StructureArbitraries.accountIds), { minLength: 1, maxLength: 3 }),
    ],
    ([groupId, members]) => {
      const source: Structure.Source = groupId === manual ? "Manual" : "Feed"
      const actor = source === "Feed" ? actors.feed : actors.adminA
      const filled = historyOf(members.map((accountId) => assign(groupId, accountId, "Member", source)))
      const closing = given(Structure.aggregate, filled.events).when({
        _tag: "CloseGroup",
        actor,
        structureId: schoolA,
        groupId,
      })
      const state = closing.then([{ _tag: "GroupClosed", structureId: schoolA, groupId }])
      assert.deepStrictEqual(
        { open: groupOf(state, groupId).open, size: groupOf(state, groupId).members.size },
        { open: false, size: 0 },
      )
      for (const accountId of members) assert.notInclude(Structure.groupsOf(state, accountId), groupId)
      if (groupId === direction) assert.deepStrictEqual(Structure.directionOf(state), [])
      const closed = [...filled.events, ...closing.accepted().events]
      given(Structure.aggregate, closed).when({ _tag: "CloseGroup", actor, structureId: schoolA, groupId }).then([])
      given(Structure.aggregate, closed)
        .when(assign(groupId, members[0]!, "Member", source))
        .thenRejects({ ruleId: "BR-GRP-4", reason: "Closed" })
      const opening = setup.find((c) => c._tag === "OpenGroup" && c.groupId === groupId)!
      const reopened = given(Structure.aggregate, closed).when(opening).accepted()
      assert.deepStrictEqual(
        reopened.events.map((e) => e._tag),
        ["GroupOpened"],
      )
      assert.deepStrictEqual(
        { open: groupOf(reopened.state, groupId).open, size: groupOf(reopened.state, groupId).members.size },
        { open: true, size: 0 },
      )
    },
  )

  it.prop(
    "BR-GRP-2 a feed run either side of 31 August puts the pupil in one class per school year",
    [edgeDay, FastCheck.integer({ min: 0, max: 3 })],
    ([[rentreeYear, offset], later]) => {
      // The feed derives each class's school year from the day it runs.
      const first = dayFrom(rentreeYear, offset)
      const second = dayFrom(rentreeYear, offset + later)
      const firstYear = SchoolYear.of(first)
      const secondYear = SchoolYear.of(second)
      // The oracle, from the definition: before 1 September is the year that started the September before.
      const yearAt = (o: number) => `${o < 0 ? rentreeYear - 1 : rentreeYear}-${o < 0 ? rentreeYear : rentreeYear + 1}`
      assert.deepStrictEqual([firstYear, secondYear], [yearAt(offset), yearAt(offset + later)], `${first} ${second}`)
      const sameYear = offset < 0 === offset + later < 0
      const x = Structure.groupIdOf(schoolA, "EDGE-X")
      const z = Structure.groupIdOf(schoolA, "EDGE-Z")
      const { events, state } = historyOf([
        reopen(x, "6e X", firstYear),
        reopen(z, "6e Z", secondYear),
        assign(x, pupil, "Student"),
        assign(z, pupil, "Student"),
      ])
      const moves = events
        .filter((e) => membershipTouched(e)?.accountId === pupil)
        .map((e) => [e._tag, membershipTouched(e)?.groupId])
      assert.deepStrictEqual(
        moves,
        sameYear
          ? [
              ["GroupAssigned", x],
              ["GroupUnassigned", x],
              ["GroupAssigned", z],
            ]
          : [
              ["GroupAssigned", x],
              ["GroupAssigned", z],
            ],
      )
      assert.strictEqual(Structure.classOf(state, pupil, secondYear), z)
      assert.strictEqual(Structure.classOf(state, pupil, firstYear), sameYear ? z : x)
      // Closing the first day's year closes its classes only.
      const closed = run(
        Structure.aggregate,
        [{ _tag: "CloseSchoolYear", actor: actors.feed, structureId: schoolA, schoolYear: firstYear }],
        state,
      ).state
      assert.deepStrictEqual([groupOf(closed, x).open, groupOf(closed, z).open], [false, !sameYear])
    },
  )

  it("BR-SIG-2 the hierarchy gives district, department and academy administrators their scope", () => {
    const school = schoolOf(run(Structure.aggregate, [setup[0]!]).state)
    const location = Structure.locationOf(school)
    assert.deepStrictEqual(location, {
      structureId: schoolA,
      districtId: ids.district,
      departmentId: ids.department,
      academyId: ids.academy,
    })
    assert.ok(Actor.administers(actors.erun, location))
    assert.notOk(Actor.administers(actors.adminB, location))
    const registration = setup[0]!
    assert.ok(registration._tag === "RegisterStructure")
    given(Structure.aggregate)
      .when({ ...registration, kind: "Academy" })
      .thenRejects({ ruleId: "BR-SIG-2", reason: "InvalidHierarchy" })
    given(Structure.aggregate)
      .when({ ...registration, districtId: schoolA })
      .thenRejects({ ruleId: "BR-SIG-2", reason: "InvalidHierarchy" })
  })
})

describe("Structure events and commands", () => {
  it("no Structure event holds personal data", () => {
    for (const schema of Object.values(Structure.events)) {
      assert.deepStrictEqual(PersonalData.personalFields(schema).fields, [])
    }
  })

  it("a registration with a wrong UAI does not decode, and names the UAI", () => {
    const result = Schema.decodeUnknownEither(Structure.StructureCommand)({
      _tag: "RegisterStructure",
      actor: actors.feed,
      structureId: "school-x",
      uai: "0571994J",
      name: "Collège",
      kind: "SecondarySchool",
    })
    assert.ok(Either.isLeft(result))
    assert.include(String(result.left), "0571994J")
  })

  it("groupIdOf keys a group on its school and code", () => {
    assert.strictEqual(Structure.groupIdOf(schoolA, "6A"), classA)
  })
})

describe("Structure refusals and queries", () => {
  const registration = setup[0]!
  if (registration._tag !== "RegisterStructure") throw new Error("the pool's setup starts with a registration")
  const open = (overrides: Partial<typeof Structure.OpenGroup.Type>): Command => ({
    _tag: "OpenGroup",
    actor: actors.feed,
    structureId: schoolA,
    groupId: Structure.groupIdOf(schoolA, "NEW"),
    kind: "TeachingGroup",
    name: "Nouveau",
    schoolYear: year,
    owner: "Feed",
    ...overrides,
  })

  // Which parents each kind may name, written from the hierarchy school < district < department < academy.
  const parentsAllowed: Record<Structure.StructureKind, ReadonlyArray<string>> = {
    PrimarySchool: ["districtId", "departmentId", "academyId"],
    SecondarySchool: ["districtId", "departmentId", "academyId"],
    District: ["departmentId", "academyId"],
    Department: ["academyId"],
    Academy: [],
  }
  it.prop(
    "BR-SIG-2 a structure names only the parents above its own level, never itself",
    [
      FastCheck.constantFrom<Structure.StructureKind>(
        "PrimarySchool",
        "SecondarySchool",
        "District",
        "Department",
        "Academy",
      ),
      FastCheck.subarray(["districtId", "departmentId", "academyId"] as const),
      FastCheck.boolean(),
    ],
    ([kind, parents, self]) => {
      const id = StructureId.make("unit-1")
      const hierarchy = Object.fromEntries(
        parents.map((key, i) => [key, self && i === 0 ? id : StructureId.make(`parent-${key}`)]),
      )
      const spec = given(Structure.aggregate).when({
        _tag: "RegisterStructure",
        actor: actors.feed,
        structureId: id,
        uai: ids.uais[0]!,
        name: "Unité",
        kind,
        ...hierarchy,
      })
      const wrongLevel = parents.find((key) => !parentsAllowed[kind].includes(key))
      if (wrongLevel !== undefined) {
        spec.thenRejects({ ruleId: "BR-SIG-2", reason: "InvalidHierarchy", message: `A ${kind} has no ${wrongLevel}` })
      } else if (self && parents.length > 0) {
        spec.thenRejects({
          ruleId: "BR-SIG-2",
          reason: "InvalidHierarchy",
          message: `Structure unit-1 cannot be its own ${parents[0]}`,
        })
      } else {
        const state = spec.then([
          { _tag: "StructureRegistered", structureId: id, uai: ids.uais[0]!, name: "Unité", kind, ...hierarchy },
        ])
        const own = { District: "districtId", Department: "departmentId", Academy: "academyId" } as Record<
          string,
          string
        >
        const location = Structure.locationOf(schoolOf(state))
        assert.deepStrictEqual(location, { structureId: id, ...hierarchy, ...(own[kind] ? { [own[kind]!]: id } : {}) })
        assert.deepStrictEqual(Structure.warningsOf(state).length, Structure.isSchool(schoolOf(state)) ? 1 : 0)
        // Only schools hold classes and groups.
        const opening = given(Structure.aggregate, [...spec.accepted().events]).when(open({ structureId: id }))
        if (kind === "PrimarySchool" || kind === "SecondarySchool") opening.accepted()
        else
          opening.thenRejects({
            ruleId: "BR-GRP-5",
            reason: "InvalidGroup",
            message: `Unité is a ${kind}: only schools have classes and groups`,
          })
      }
    },
  )

  it("BR-GRP-5 a structure's UAI and kind never change; a move changes who administers it", () => {
    given(Structure.aggregate, setupEvents)
      .when({ ...registration, kind: "PrimarySchool" })
      .thenRejects({ ruleId: "BR-GRP-5", reason: "AlreadyExists" })
    const otherDistrict = StructureId.make("district-other")
    const moved = given(Structure.aggregate, setupEvents)
      .when({ ...registration, districtId: otherDistrict })
      .then([
        {
          _tag: "StructureHierarchyChanged",
          structureId: schoolA,
          districtId: otherDistrict,
          departmentId: ids.department,
          academyId: ids.academy,
        },
      ])
    const location = Structure.locationOf(schoolOf(moved))
    assert.strictEqual(location.districtId, otherDistrict)
    assert.notOk(Actor.administers(actors.erun, location))
    // A second registration event never replaces the first.
    const [registered] = setupEvents
    assert.ok(registered?._tag === "StructureRegistered")
    const again = Structure.evolve(schoolOf(Structure.evolve(Structure.initialState, registered)), {
      ...registered,
      name: "Autre",
    })
    assert.strictEqual(schoolOf(again).name, "Collège Louise Paulin")
    given(Structure.aggregate)
      .when(open({}))
      .thenRejects({ ruleId: "BR-GRP-5", reason: "NotFound", message: "Structure school-a is not registered" })
  })

  it("BR-GRP-6 a group keeps its owner: no feed group is opened by hand, no manual group by the feed", () => {
    given(Structure.aggregate, setupEvents)
      .when(open({ kind: "ManualGroup" }))
      .thenRejects({ ruleId: "BR-GRP-6", reason: "InvalidGroup" })
    given(Structure.aggregate, setupEvents)
      .when(open({ groupId: manual, kind: "TeachingGroup" }))
      .thenRejects({
        ruleId: "BR-GRP-6",
        reason: "NotAuthorized",
        message: `Group ${manual} belongs to an administrator of the school`,
      })
    given(Structure.aggregate, setupEvents)
      .when(open({ groupId: teaching, owner: "Manual", actor: actors.adminA }))
      .thenRejects({
        ruleId: "BR-GRP-6",
        reason: "NotAuthorized",
        message: `Group ${teaching} belongs to the directory feed`,
      })
  })

  it("BR-GRP-5 one stable id is one group: its kind and function never change", () => {
    given(Structure.aggregate, setupEvents)
      .when(open({ groupId: direction, kind: "FunctionalGroup", function: "SuperAdministrator" }))
      .thenRejects({ ruleId: "BR-GRP-5", reason: "InvalidGroup" })
    given(Structure.aggregate, setupEvents)
      .when(open({ groupId: classA, kind: "TeachingGroup" }))
      .thenRejects({ ruleId: "BR-GRP-5", reason: "InvalidGroup" })
    given(Structure.aggregate, setupEvents)
      .when({
        _tag: "RenameGroup",
        actor: actors.feed,
        structureId: schoolA,
        groupId: Structure.groupIdOf(schoolA, "NONE"),
        name: "X",
      })
      .thenRejects({
        ruleId: "BR-GRP-5",
        reason: "NotFound",
        message: "Collège Louise Paulin has no group school-a$NONE",
      })
  })

  it("BR-GRP-4 a class open for a year is closed before it opens for the next; a closed group takes no change", () => {
    given(Structure.aggregate, setupEvents)
      .when(reopen(classA, "6e A", nextYear))
      .thenRejects({
        ruleId: "BR-GRP-4",
        reason: "InvalidState",
        message: `Class ${classA} is open for ${year}: close it before opening it for ${nextYear}`,
      })
    const closed = historyOf([
      { _tag: "CloseGroup", actor: actors.feed, structureId: schoolA, groupId: teaching },
    ]).events
    given(Structure.aggregate, closed)
      .when({ _tag: "RenameGroup", actor: actors.feed, structureId: schoolA, groupId: teaching, name: "Anglais" })
      .thenRejects({ ruleId: "BR-GRP-4", reason: "Closed", message: `Group ${teaching} is closed` })
    given(Structure.aggregate, closed)
      .when({
        _tag: "ImportGroupMembers",
        actor: actors.feed,
        structureId: schoolA,
        groupId: teaching,
        roles: ["Student"],
        members: [],
      })
      .thenRejects({ ruleId: "BR-GRP-4", reason: "Closed" })
    const yearClosed = historyOf([
      { _tag: "CloseSchoolYear", actor: actors.feed, structureId: schoolA, schoolYear: year },
    ])
    given(Structure.aggregate, yearClosed.events)
      .when({ _tag: "CloseSchoolYear", actor: actors.adminA, structureId: schoolA, schoolYear: year })
      .then([])
    // A year closed twice (two feeds racing) is listed once.
    const twice = Structure.evolve(yearClosed.state, {
      _tag: "SchoolYearClosed",
      structureId: schoolA,
      schoolYear: year,
    })
    assert.deepStrictEqual(schoolOf(twice).closedYears, [year])
  })

  it("BR-GRP-2 only a pupil's place as Student moves him: another role in another class leaves his class alone", () => {
    const { state } = historyOf([assign(classA, pupil, "Student"), assign(classB, pupil, "Member")])
    assert.strictEqual(Structure.classOf(state, pupil, year), classA)
    assert.deepStrictEqual(Structure.groupsOf(state, pupil, "Student"), [classA])
    assert.deepStrictEqual(Structure.groupsOf(state, pupil, "Member"), [classB])
    assert.deepStrictEqual(Structure.groupsOf(state, pupil), [classA, classB])
  })

  it("BR-GRP-3 only a functional group confers direction, whatever events say", () => {
    const events: ReadonlyArray<Event> = [
      setupEvents[0]!,
      {
        _tag: "GroupOpened",
        structureId: schoolA,
        groupId: manual,
        kind: "ManualGroup",
        name: "Chef d'établissement",
        schoolYear: year,
        owner: "Manual",
        function: "Direction",
      },
      {
        _tag: "GroupAssigned",
        structureId: schoolA,
        groupId: manual,
        accountId: ids.head,
        role: "Member",
        source: "Manual",
        assignedBy: actors.adminA.accountId,
      },
    ]
    const state = events.reduce(Structure.evolve, Structure.initialState)
    assert.deepStrictEqual(Structure.directionOf(state), [])
    // An event about a group the structure does not have changes nothing.
    const unknown = Structure.evolve(state, { _tag: "GroupRenamed", structureId: schoolA, groupId: classA, name: "X" })
    assert.deepStrictEqual(unknown, state)
  })
})

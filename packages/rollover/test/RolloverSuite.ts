/**
 * The rollover's story, run on every storage: 2026-2027 rolled over to
 * 2027-2028 on 1 September 2027. The expectations come from DOMAIN.md
 * BR-GRP-4 (class sections go at the end of the year, teaching sections
 * persist) and the year's edges (31 August is the ending year's last day).
 */

import { AccountId, GroupId, HomeworkBookId, StructureId } from "@cartable/domain/Ids"
import { LocalDate, SchoolYear } from "@cartable/domain/SchoolYear"
import type * as EventStore from "@cartable/eventlog/EventStore"
import type * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as Authorization from "@cartable/read-models/Authorization"
import * as HomeworkBooks from "@cartable/read-models/HomeworkBooks"
import * as Rosters from "@cartable/read-models/Rosters"
import * as Rollover from "@cartable/rollover/Rollover"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import { context, everything, ids, rolloverAt, session, setup, stack } from "./world.ts"

const year = { from: SchoolYear.make("2026-2027"), to: SchoolYear.make("2027-2028") }
export const options: Rollover.Options = { ...year, occurredAt: rolloverAt }

const group = (structureId: string, groupId: string) => ({
  structureId: StructureId.make(structureId),
  groupId: GroupId.make(groupId),
})
const day = LocalDate.make

/** The outcome of a signed-in or system intent: accepted, or the rule and reason that refused it. */
const outcome = <A, E>(effect: Effect.Effect<A, E>) =>
  effect.pipe(
    Effect.as("accepted"),
    Effect.catchAll((error) =>
      Effect.succeed(
        typeof error === "object" && error !== null && "ruleId" in error && "reason" in error
          ? `rejected ${String(error.ruleId)} ${String(error.reason)}`
          : `failed ${String(error)}`,
      ),
    ),
  )

export const story = (storage: Layer.Layer<EventStore.EventStore | ReadModelStore.ReadModelStore, unknown>) =>
  it.effect(
    "BR-GRP-4 the rollover closes the classes, their memberships and their books, keeps the teaching group with its members and book, opens 2027-2028; a second run appends nothing",
    () =>
      Effect.gen(function* () {
        yield* setup
        const report = yield* Rollover.run(options)
        const [p1, p2, p3] = ids.pupils.map((id) => AccountId.make(id)) as [AccountId, AccountId, AccountId]
        const college = report.schools.find((school) => school.structureId === ids.college)!
        const primary = report.schools.find((school) => school.structureId === ids.school)!
        assert.deepStrictEqual(
          report.schools.map((school): string => school.structureId),
          [ids.college, ids.school],
        )
        assert.deepStrictEqual(
          college.closedClasses.map((line): string => line.groupId),
          [ids.class6A, ids.class5B],
        )
        assert.deepStrictEqual(college.archivedBooks, [
          { homeworkBookId: HomeworkBookId.make(ids.book6A), groupId: GroupId.make(ids.class6A) },
        ])
        assert.deepStrictEqual(
          college.keptGroups.map((line): ReadonlyArray<unknown> => [line.groupId, line.kind, line.members]),
          [
            [ids.english, "TeachingGroup", 3],
            [ids.direction, "FunctionalGroup", 1],
          ],
        )
        assert.deepStrictEqual(college.keptBooks, [
          { homeworkBookId: HomeworkBookId.make(ids.bookEnglish), groupId: GroupId.make(ids.english) },
        ])
        assert.ok(college.yearClosed && college.yearOpened && primary.yearClosed && primary.yearOpened)
        assert.deepStrictEqual(
          primary.closedClasses.map((line): string => line.groupId),
          [ids.classCP],
        )
        // 2 ClassClosed + SchoolYearClosed + archive + SchoolYearOpened, and CP's close, archive, year close and open.
        assert.strictEqual(report.events, 9)
        assert.include(Rollover.format(report), "6e A (0571994H$6A)")

        // Rosters: the classes closed, their pupils in them up to 31 August, not on 1 September.
        const rosters = yield* Rosters.Rosters
        const class6A = group(ids.college, ids.class6A)
        const english = group(ids.college, ids.english)
        assert.strictEqual((yield* rosters.group(class6A))?.open, false)
        assert.deepStrictEqual(yield* rosters.roster(class6A), [])
        assert.deepStrictEqual(
          (yield* rosters.roster(class6A, { on: day("2027-08-31") })).map((m): string => m.accountId),
          [ids.pupils[0], ids.pupils[1], ids.teacher].sort(),
        )
        assert.deepStrictEqual(yield* rosters.roster(class6A, { on: day("2027-09-01") }), [])
        assert.deepStrictEqual(
          (yield* rosters.roster(english, { on: day("2027-09-01") })).map((m): string => m.accountId),
          [ids.pupils[0], ids.pupils[1], ids.teacher].sort(),
        )
        assert.strictEqual((yield* rosters.group(english))?.open, true)
        const history = yield* rosters.historyOf(p3)
        assert.deepStrictEqual(
          history.map((spell): ReadonlyArray<string | undefined> => [spell.groupId, spell.to]),
          [[ids.class5B, "2027-09-01"]],
        )
        // Authorization: the teacher teaches the teaching group only; the pupils are in no class.
        const authorization = yield* Authorization.Authorization
        assert.deepStrictEqual(yield* authorization.roles(AccountId.make(ids.teacher)), [
          { _tag: "Teacher", structureId: StructureId.make(ids.college), groupIds: [GroupId.make(ids.english)] },
        ])
        for (const pupil of [p1, p2]) assert.deepStrictEqual((yield* authorization.account(pupil))?.classIds, [])

        // HomeworkBooks: the class's book archived with its session; the teaching group's book open.
        const books = yield* HomeworkBooks.HomeworkBooks
        assert.strictEqual((yield* books.book(HomeworkBookId.make(ids.book6A)))?.archived, true)
        assert.strictEqual((yield* books.book(HomeworkBookId.make(ids.bookEnglish)))?.archived, undefined)
        assert.strictEqual((yield* books.sessions({ homeworkBookId: HomeworkBookId.make(ids.book6A) })).length, 1)
        const workspace = yield* Workspace.Workspace
        const timetable = workspace.system("timetable-import")
        assert.strictEqual(
          yield* outcome(timetable.handle(session(ids.book6A, "s-6A-late", "2027-08-31"), context)),
          "rejected BR-GRP-4 Archived",
        )
        // The teaching group's book of 2026-2027 takes a late session up to 31 August, not on 1 September.
        assert.strictEqual(
          yield* outcome(workspace.handle(ids.teacher, session(ids.bookEnglish, "s-ANG-late", "2027-08-31"), context)),
          "accepted",
        )
        assert.strictEqual(
          yield* outcome(workspace.handle(ids.teacher, session(ids.bookEnglish, "s-ANG-next", "2027-09-01"), context)),
          "rejected BR-CDT-1 OutsideSchoolYear",
        )

        // Idempotent: a second run appends nothing and closes nothing.
        const before = yield* everything
        const again = yield* Rollover.run(options)
        assert.strictEqual(again.events, 0)
        assert.deepStrictEqual(yield* everything, before)
        for (const school of again.schools) {
          assert.deepStrictEqual([school.closedClasses, school.archivedBooks], [[], []])
          assert.ok(!school.yearClosed && !school.yearOpened)
        }
        assert.deepStrictEqual(
          again.schools.map((school) => school.keptGroups),
          report.schools.map((school) => school.keptGroups),
        )
      }).pipe(Effect.provide(stack(storage))),
  )

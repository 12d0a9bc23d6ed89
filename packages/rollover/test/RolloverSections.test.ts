/**
 * The rollover and the sections (BR-GRP-4, 004 "Rubrique classe : elle est supprimée à la fin de l'année
 * scolaire", "Rubrique pédagogique : elle est pérenne"): the class's section closes with its class, the teaching
 * group's and the school's persist, and the report lists what it closed.
 */
import * as Rollover from "@cartable/rollover/Rollover"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { options } from "./RolloverSuite.ts"
import { context, ids, memory, rolloverAt, setup } from "./world.ts"

const services = { blog: true, forum: true, sharedFolders: true }

describe("Rollover and sections", () => {
  it.effect(
    "BR-GRP-4 the rollover closes the ending year's class sections, keeps the teaching group's and the school's, and says so in its report",
    () =>
      Effect.gen(function* () {
        yield* setup
        const workspace = yield* Workspace.Workspace
        const create = (accountId: string, sectionId: string, groupId?: string) =>
          workspace.handle(
            accountId,
            {
              _tag: "CreateSection",
              sectionId,
              structureId: ids.college,
              ...(groupId === undefined ? {} : { groupId }),
              name: sectionId,
              services,
              moderated: false,
            },
            context,
          )
        // The teacher manages his class's and his teaching group's sections by default; the head the school's.
        yield* create(ids.teacher, "rub-6A", ids.class6A)
        yield* create(ids.teacher, "rub-anglais", ids.english)
        yield* create(ids.head, "rub-vie-scolaire")

        const report = yield* Rollover.run(options)
        const college = report.schools.find((school) => school.structureId === ids.college)!
        assert.deepStrictEqual<unknown>(college.closedSections, [{ sectionId: "rub-6A", groupId: ids.class6A }])
        assert.deepStrictEqual<unknown>(college.keptSections, [{ sectionId: "rub-anglais", groupId: ids.english }])
        assert.include(Rollover.format(report), "closed sections:\n    - rub-6A (0571994H$6A)")

        const post = (sectionId: string, publicationId: string) =>
          Effect.either(
            workspace.handle(
              ids.head,
              {
                _tag: "ProposePublication",
                sectionId,
                publicationId,
                service: "Blog",
                title: "Rentrée",
                body: "",
                publishNow: true,
              },
              { occurredAt: rolloverAt },
            ),
          )
        const closed = yield* post("rub-6A", "pub-1")
        assert.isTrue(Either.isLeft(closed) && (closed.left as { ruleId?: string }).ruleId === "BR-GRP-4")
        for (const persisting of ["rub-anglais", "rub-vie-scolaire"]) {
          assert.isTrue(Either.isRight(yield* post(persisting, `pub-${persisting}`)), persisting)
        }

        // A second run closes nothing more.
        const again = yield* Rollover.run(options)
        assert.strictEqual(again.events, 0)
        assert.deepStrictEqual(
          again.schools.map((school) => school.closedSections),
          [[], []],
        )
      }).pipe(Effect.provide(memory())),
  )
})

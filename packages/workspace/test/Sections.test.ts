// Sections through the Workspace: the role a signed-in account holds in a section comes from the log (the
// section's grants, his memberships and profile in the Authorization facts, his teaching and administration),
// never from what he sends.

import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import { context, ids, memory, setup } from "./world.ts"

const section = "rub-6A"
const publish = (n: number) => ({
  _tag: "ProposePublication",
  sectionId: section,
  publicationId: `pub-${n}`,
  service: "Blog",
  title: "Sortie au musée",
  body: "Rendez-vous à 8 h.",
  publishNow: false,
})

describe("Sections through the Workspace", () => {
  it.effect(
    "BR-RUB-1 a section's manager is who the log says: a body cannot bring a role, a member fact or a group's kind",
    () =>
      Effect.gen(function* () {
        yield* setup
        const workspace = yield* Workspace.Workspace
        const as = (accountId: string, intent: object) => Effect.either(workspace.handle(accountId, intent, context))
        const create = {
          _tag: "CreateSection",
          sectionId: section,
          structureId: ids.schoolA,
          groupId: ids.class6A,
          name: "6e A",
          services: { blog: true, forum: true, sharedFolders: true },
          moderated: true,
        }
        // A teacher not attached to 6A is nobody here; the body's "member" or "ownerGroup" is refused by name.
        const refused = yield* as(ids.staff[0], create)
        assert.isTrue(Either.isLeft(refused) && refused.left._tag === "SectionRejected")
        for (const forged of [
          { ...create, member: { profile: "Teacher", structureIds: [ids.schoolA], groupIds: [ids.class6A] } },
          { ...create, ownerGroup: { kind: "TeachingGroup", structureId: ids.schoolA, open: true } },
          { ...create, actor: { accountId: ids.staff[0], roles: [{ _tag: "Administrator", level: "Platform" }] } },
        ]) {
          const outcome = yield* as(ids.staff[0], forged)
          assert.isTrue(Either.isLeft(outcome) && outcome.left._tag === "InvalidCommand", JSON.stringify(outcome))
        }
        // Attached to 6A by the feed, the teacher manages its section by default (004).
        yield* workspace.system("aaf-import").handle(
          {
            _tag: "AssignToGroup",
            structureId: ids.schoolA,
            groupId: ids.class6A,
            accountId: ids.staff[0],
            role: "Teacher",
            source: "Feed",
          },
          context,
        )
        assert.isTrue(Either.isRight(yield* as(ids.staff[0], create)))
        // The direction's functional group is not a class: the log's kind of the group decides.
        const functional = yield* as(ids.vendor, { ...create, sectionId: "rub-chef", groupId: ids.direction })
        assert.isTrue(Either.isLeft(functional) && (functional.left as { reason?: string }).reason === "InvalidOwner")
      }).pipe(Effect.provide(memory())),
  )

  type Step =
    | { readonly _tag: "Grant"; readonly role: "Visitor" | "Writer" | "PublishingWriter" | "Moderator" | "Manager" }
    | { readonly _tag: "Revoke" | "Join" | "Leave" }

  const stepArb: FastCheck.Arbitrary<Step> = FastCheck.oneof(
    FastCheck.constantFrom<Extract<Step, { _tag: "Grant" }>["role"]>(
      "Visitor",
      "Writer",
      "PublishingWriter",
      "Moderator",
      "Manager",
    ).map((role) => ({
      _tag: "Grant" as const,
      role,
    })),
    FastCheck.constantFrom("Revoke" as const, "Join" as const, "Leave" as const).map((_tag) => ({ _tag })),
  )

  it.effect.prop(
    "BR-RUB-1 a role granted to a class reaches a pupil while the log has him in it, and no longer once he left or it was revoked",
    [FastCheck.array(stepArb, { minLength: 1, maxLength: 8 })],
    ([steps]) =>
      Effect.gen(function* () {
        yield* setup
        const workspace = yield* Workspace.Workspace
        const feed = workspace.system("aaf-import")
        yield* workspace.handle(
          ids.vendor,
          {
            _tag: "CreateSection",
            sectionId: section,
            structureId: ids.schoolA,
            groupId: ids.class6A,
            name: "6e A",
            services: { blog: true, forum: true, sharedFolders: true },
            moderated: true,
          },
          context,
        )
        // The oracle: the pupil is in 6A from the setup; the class's role is the last granted, none once revoked.
        let inClass = true
        let role: string | undefined
        const membership = { structureId: ids.schoolA, groupId: ids.class6A, accountId: ids.pupil, source: "Feed" }
        for (const [n, step] of steps.entries()) {
          const grantee = { _tag: "Group", groupId: ids.class6A }
          switch (step._tag) {
            case "Grant":
              yield* workspace.handle(
                ids.vendor,
                { _tag: "GrantSectionRole", sectionId: section, grantee, role: step.role },
                context,
              )
              role = step.role
              break
            case "Revoke":
              yield* workspace.handle(ids.vendor, { _tag: "RevokeSectionRole", sectionId: section, grantee }, context)
              role = undefined
              break
            case "Join":
              yield* feed.handle({ _tag: "AssignToGroup", ...membership, role: "Student" }, context)
              inClass = true
              break
            case "Leave":
              yield* feed.handle({ _tag: "UnassignFromGroup", ...membership }, context)
              inClass = false
              break
          }
          const outcome = yield* Effect.either(workspace.handle(ids.pupil, publish(n), context))
          const expected = inClass && role !== undefined && role !== "Visitor"
          assert.strictEqual(Either.isRight(outcome), expected, `after ${JSON.stringify(steps.slice(0, n + 1))}`)
          // The other pupil is never in 6A: the class's role never reaches him.
          assert.isTrue(
            Either.isLeft(yield* Effect.either(workspace.handle(ids.otherPupil, publish(100 + n), context))),
          )
        }
      }).pipe(Effect.provide(memory())),
    { fastCheck: { numRuns: 12 } },
  )
})

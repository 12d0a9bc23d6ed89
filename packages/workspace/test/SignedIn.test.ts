/**
 * SignedIn.actor, the check an API puts in front of the read models: the same
 * refusals as a command through the Workspace (an unknown, blocked, or
 * process's id), and the roles the log gives, never System.
 */
import * as SignedIn from "@cartable/workspace/SignedIn"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { context, ids, memory, setup } from "./world.ts"

const refusal = (accountId: string) =>
  Effect.map(Effect.flip(SignedIn.actor(accountId)), (error) =>
    error._tag === "AccountRefused" ? error.reason : error._tag,
  )

describe("SignedIn.actor", () => {
  it.effect("gives the roles the log gives, and refuses whom the Workspace refuses", () =>
    Effect.gen(function* () {
      yield* setup
      const workspace = yield* Workspace.Workspace
      const [head] = ids.staff
      // The install's appointment; a member of the functional group "Chef d'établissement" (BR-GRP-3).
      yield* workspace.system("aaf-import").handle(
        {
          _tag: "AssignToGroup",
          structureId: ids.schoolA,
          groupId: ids.direction,
          accountId: head,
          role: "Member",
          source: "Feed",
        },
        context,
      )
      assert.deepStrictEqual<object>(yield* SignedIn.actor(ids.vendor), {
        accountId: ids.vendor,
        roles: [{ _tag: "Administrator", level: "Platform" }],
      })
      assert.deepStrictEqual<object>(yield* SignedIn.actor(head), {
        accountId: head,
        roles: [{ _tag: "Direction", structureId: ids.schoolA }],
      })
      assert.deepStrictEqual<object>(yield* SignedIn.actor(ids.pupil), { accountId: ids.pupil, roles: [] })

      assert.strictEqual(yield* refusal("nobody"), "Unknown")
      assert.strictEqual(yield* refusal("system:aaf-import"), "Reserved")
      // Blocked by the platform's administrator: refused; unblocked: back (BR-ACC-6).
      yield* workspace.handle(ids.vendor, { _tag: "BlockAccount", accountId: ids.otherPupil }, context)
      assert.strictEqual(yield* refusal(ids.otherPupil), "Blocked")
      yield* workspace.handle(ids.vendor, { _tag: "UnblockAccount", accountId: ids.otherPupil }, context)
      assert.strictEqual<string>((yield* SignedIn.actor(ids.otherPupil)).accountId, ids.otherPupil)
    }).pipe(Effect.provide(memory())),
  )
})

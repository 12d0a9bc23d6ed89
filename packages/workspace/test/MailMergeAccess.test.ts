/**
 * BR-MM-1 through the Workspace: the mail-merge of a school is listed and
 * printed for holders of its role "Gestionnaire publipostage" alone (a
 * member of its functional group with function MailMerge, from the log),
 * whatever else they are; an account that may not act is refused first.
 */

import * as EventStore from "@cartable/eventlog/EventStore"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as Authorization from "@cartable/read-models/Authorization"
import * as MailMerge from "@cartable/read-models/MailMerge"
import * as MailMergeAccess from "@cartable/workspace/MailMergeAccess"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import { catalog, context, ids, schoolYear, setup } from "./world.ts"

const stack = Layer.mergeAll(Workspace.layer, MailMergeAccess.layer).pipe(
  Layer.provideMerge(Layer.merge(Authorization.layer, MailMerge.layer)),
  Layer.provideMerge(
    ProjectionRuntime.layer({
      inline: [Authorization.AuthorizationProjection],
      async: [MailMerge.MailMergeProjection],
      background: false,
    }),
  ),
  Layer.provideMerge(
    EventStore.layer(catalog).pipe(
      Layer.provideMerge(Layer.merge(ReadModelStore.layerMemoryWithDriver, SubjectKeyStore.layerMemory)),
    ),
  ),
)

const [manager, other, blocked] = ids.staff
const groupOf = (school: string) => `${school}$PUBLIPOSTAGE`

/** The world, plus a mail-merge group in each school: `manager` in A's, `other` in B's, `blocked` in A's then blocked. */
const world = Effect.gen(function* () {
  yield* setup
  const workspace = yield* Workspace.Workspace
  const feed = workspace.system("aaf-import")
  for (const school of [ids.schoolA, ids.schoolB]) {
    yield* feed.handle(
      {
        _tag: "OpenGroup",
        structureId: school,
        groupId: groupOf(school),
        kind: "FunctionalGroup",
        name: "Gestionnaire publipostage",
        schoolYear,
        owner: "Feed",
        function: "MailMerge",
      },
      context,
    )
  }
  const join = (school: string, accountId: string) =>
    feed.handle(
      {
        _tag: "AssignToGroup",
        structureId: school,
        groupId: groupOf(school),
        accountId,
        role: "Member",
        source: "Feed",
      },
      context,
    )
  yield* join(ids.schoolA, manager!)
  yield* join(ids.schoolB, other!)
  yield* join(ids.schoolA, blocked!)
  yield* workspace.handle(ids.vendor, { _tag: "BlockAccount", accountId: blocked }, context)
  yield* Effect.flatMap(ProjectionRuntime.ProjectionRuntime, (runtime) => runtime.catchUp())
}).pipe(Effect.orDie)

// Every kind of account of the world, and ids that are no account.
const everyone = [ids.vendor, ...ids.staff, ids.pupil, ids.otherPupil, "nobody", "system:aaf-import"] as const

describe("MailMergeAccess", () => {
  it.effect.prop(
    "BR-MM-1 only a holder of the school's role Gestionnaire publipostage lists or prints its mail-merge",
    [FastCheck.constantFrom(...everyone), FastCheck.constantFrom(ids.schoolA, ids.schoolB, "not a school")],
    ([accountId, school]) =>
      Effect.gen(function* () {
        yield* world
        const access = yield* MailMergeAccess.MailMergeAccess
        const listed = yield* Effect.either(access.list(accountId, { school }))
        const printed = yield* Effect.either(access.pdf(accountId, { school }, { perPage: 8 }))
        // From DOMAIN.md BR-MM-1 and BR-ACC-6: the role holder of that school, unless blocked; nobody else.
        const holds =
          (accountId === manager && school === ids.schoolA) || (accountId === other && school === ids.schoolB)
        const mayAct = !["nobody", "system:aaf-import", blocked].includes(accountId)
        if (holds) {
          assert.isTrue(Either.isRight(listed), JSON.stringify(listed))
          // The world's accounts are all in school A: B's sheets are none, and an empty PDF is refused.
          const selected = Either.isRight(listed) ? listed.right.selected : -1
          assert.strictEqual(selected > 0, school === ids.schoolA)
          if (selected > 0) assert.isTrue(Either.isRight(printed))
          else assert.strictEqual(Either.isLeft(printed) && printed.left._tag, "MailMergeError")
        } else {
          const expected = mayAct ? "MailMergeRefused" : "AccountRefused"
          assert.strictEqual(Either.isLeft(listed) && listed.left._tag, expected)
          assert.strictEqual(Either.isLeft(printed) && printed.left._tag, expected)
          if (Either.isLeft(listed) && listed.left._tag === "MailMergeRefused") {
            assert.strictEqual(listed.left.ruleId, "BR-MM-1")
          }
        }
      }).pipe(Effect.provide(stack)),
    { fastCheck: { numRuns: 30 } },
  )
})

// A process's batch (SystemSession.handleBatch): intents decided one after another and appended together
// in one transaction, on memory, SQLite and PostgreSQL. The oracle is DOMAIN.md's rules, each intent's
// outcome what it would be alone: BR-ACC-10 (a login is one account's), BR-ACC-8 (a feed person has one
// account), BR-ACC-7 (a relative is linked to a pupil), a refusal never dropping the others.
import * as EventStore from "@cartable/eventlog/EventStore"
import { Authorization } from "@cartable/read-models/Authorization"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as MetricState from "effect/MetricState"
import { runtimeOn, stores } from "../../read-models/test/authorizationFixtures.ts"

const context = { occurredAt: DateTime.unsafeMake("2026-09-01T02:00:00Z") }

const school = "0571994H"

const provision = (accountId: string, login: string, profile = "Student", externalId = `j-${accountId}`) => ({
  _tag: "ProvisionAccount",
  accountId,
  profile,
  origin: { _tag: "Feed", source: "AAF", externalId },
  structureId: school,
  login,
  firstName: "Marie",
  lastName: "Anquet",
  activationCode: "3n6g8fmj",
})

const link = (relativeId: string, pupilId: string) => ({
  _tag: "LinkRelative",
  accountId: relativeId,
  link: { pupilId, legalAuthority: true, financial: true, contact: true },
})

const ruleOf = (outcome: Either.Either<unknown, { readonly _tag: string }>) =>
  Either.isLeft(outcome) ? ((outcome.left as { readonly ruleId?: string }).ruleId ?? outcome.left._tag) : "ok"

/** The number of events in the log. */
const head = Effect.flatMap(EventStore.EventStore, (store) => store.head)

const registered = Effect.gen(function* () {
  const feed = (yield* Workspace.Workspace).system("aaf-import")
  yield* feed.handle(
    {
      _tag: "RegisterStructure",
      structureId: school,
      uai: school,
      name: "Collège Jean Moulin",
      kind: "SecondarySchool",
    },
    context,
  )
  return feed
})

/** The commands and refusals counted so far (cartable.commands, cartable.workspace.refused), by tags. */
const counts = Effect.map(Metric.snapshot, (pairs) => {
  const out = new Map<string, number>()
  for (const pair of pairs) {
    const name = pair.metricKey.name
    if (name !== "cartable.commands" && name !== "cartable.workspace.refused") continue
    if (!MetricState.isCounterState(pair.metricState)) continue
    const tags = pair.metricKey.tags.map((tag) => `${tag.key}=${tag.value}`).sort()
    out.set(`${name} ${tags.join(" ")}`, Number(pair.metricState.count))
  }
  return out
})

/** What `effect` adds to the counts. */
const counted = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const before = yield* counts
    yield* effect
    const after = yield* counts
    const added = new Map<string, number>()
    for (const [key, count] of after)
      if (count !== (before.get(key) ?? 0)) added.set(key, count - (before.get(key) ?? 0))
    return added
  })

for (const { name, storage } of stores) {
  const world = Workspace.layer.pipe(Layer.provideMerge(runtimeOn(storage)))
  describe(`SystemSession.handleBatch (${name})`, () => {
    it.effect("each intent is decided on the batch's earlier intents on its stream; a refusal stays its own", () =>
      Effect.gen(function* () {
        const feed = yield* registered
        const before = yield* head
        const outcomes = yield* feed.handleBatch(
          [
            provision("acc-1", "marie.anquet"),
            // The account the first intent provisions, in the same batch.
            {
              _tag: "UpdateAccountIdentity",
              accountId: "acc-1",
              firstName: "Marie",
              lastName: "Anquet",
              email: "m@a.fr",
            },
            // No such account: refused, and nothing else is.
            { _tag: "UpdateAccountIdentity", accountId: "acc-404", firstName: "Paul", lastName: "Rivière" },
            { _tag: "NotACommand" },
            provision("acc-2", "paul.riviere"),
          ],
          context,
        )
        assert.deepStrictEqual(
          outcomes.map((outcome) => Either.isRight(outcome)),
          [true, true, false, false, true],
        )
        assert.strictEqual(
          Either.map(outcomes[4]!, (handled) => handled.streamVersion).pipe(Either.getOrElse(() => -1)),
          1,
        )
        const store = yield* EventStore.EventStore
        const acc1 = yield* store.readStream("Account-acc-1" as never)
        assert.deepStrictEqual(
          acc1.map((recorded) => recorded.type),
          ["AccountProvisioned", "AccountIdentityUpdated"],
        )
        assert.strictEqual((yield* head) - before, 3)
      }).pipe(Effect.provide(world)),
    )

    it.effect(
      "BR-ACC-10 BR-ACC-8 two intents of one batch claiming one login or feed person: the first wins, the second is refused by its rule",
      () =>
        Effect.gen(function* () {
          const feed = yield* registered
          const outcomes = yield* feed.handleBatch(
            [
              provision("acc-1", "marie.anquet"),
              provision("acc-2", "paul.a"),
              // The login of acc-1, claimed in the same batch: the batch's append fails on the claim, and
              // each intent is handled again alone.
              provision("acc-3", "marie.anquet"),
              // acc-2's feed person again.
              provision("acc-4", "paul.b", "Student", "j-acc-2"),
            ],
            context,
          )
          assert.deepStrictEqual(outcomes.map(ruleOf), ["ok", "ok", "BR-ACC-10", "BR-ACC-8"])
          const store = yield* EventStore.EventStore
          assert.strictEqual((yield* store.readStream("Account-acc-3" as never)).length, 0)
          assert.strictEqual((yield* store.readStream("Account-acc-4" as never)).length, 0)
          assert.strictEqual((yield* store.readStream("Account-acc-2" as never)).length, 1)
          // The batch tried first and rolled back took its new subject keys with it: the accounts handled
          // again alone are written under keys the store holds, readable, and their claims taken.
          const provisioned = (yield* store.readStream("Account-acc-1" as never)).map(
            (recorded) => (recorded.event as { readonly login?: string }).login,
          )
          assert.deepStrictEqual(provisioned, ["marie.anquet"])
          assert.strictEqual(yield* (yield* Authorization).loginHolder("marie.anquet"), "acc-1")
        }).pipe(Effect.provide(world)),
    )

    it.effect(
      "BR-ACC-7 a rule on a fact of the log refuses inside a batch: a relative linked to an account that is no pupil",
      () =>
        Effect.gen(function* () {
          const feed = yield* registered
          yield* feed.handleBatch(
            [
              provision("pupil", "lea.anquet"),
              provision("teacher", "jean.anquet", "Teacher"),
              provision("parent", "marie.anquet", "Relative"),
            ],
            context,
          )
          const outcomes = yield* feed.handleBatch([link("parent", "teacher"), link("parent", "pupil")], context)
          assert.deepStrictEqual(outcomes.map(ruleOf), ["BR-ACC-7", "ok"])
          const store = yield* EventStore.EventStore
          assert.deepStrictEqual(
            (yield* store.readStream("Account-parent" as never)).map((recorded) => recorded.type),
            ["AccountProvisioned", "RelativeLinked"],
          )
        }).pipe(Effect.provide(world)),
    )

    it.effect(
      "a batch counts its commands and refusals as one by one counts them, also when its append falls back to one by one",
      () =>
        Effect.gen(function* () {
          const batches = [
            [
              provision("acc-1", "marie.anquet"),
              { _tag: "UpdateAccountIdentity", accountId: "acc-404", firstName: "Paul", lastName: "Rivière" },
              { _tag: "NotACommand" },
            ],
            // The claims conflict at the append: each intent is handled again alone, and counted once.
            [provision("acc-2", "paul.a"), provision("acc-3", "paul.a")],
          ]
          const byBatch = yield* counted(
            Effect.gen(function* () {
              const feed = yield* registered
              for (const intents of batches) yield* feed.handleBatch(intents, context)
            }).pipe(Effect.provide(Workspace.layer.pipe(Layer.provideMerge(runtimeOn(storage))))),
          )
          const alone = yield* counted(
            Effect.gen(function* () {
              const feed = yield* registered
              for (const intents of batches)
                for (const intent of intents) yield* Effect.either(feed.handle(intent, context))
            }).pipe(Effect.provide(Workspace.layer.pipe(Layer.provideMerge(runtimeOn(storage))))),
          )
          assert.deepStrictEqual(byBatch, alone)
          assert.isAbove(byBatch.size, 3)
        }),
    )
  })
}

// BR-ACC-10 under concurrency: two commands claiming one login or alias at once never both succeed, on
// memory, SQLite and PostgreSQL (appends run in parallel there, under READ COMMITTED: both read "free").
import * as Actor from "@cartable/domain/Actor"
import type * as Domain from "@cartable/domain/Domain"
import * as DomainAll from "@cartable/domain/Domain"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { context, runtimeOn, stores } from "../../read-models/test/authorizationFixtures.ts"
import * as CrossFacts from "../src/internal/crossFacts.ts"

const feed = Actor.system("aaf")

const provision = (accountId: string, login: string, externalId = `j-${accountId}`) =>
  ({
    _tag: "ProvisionAccount",
    actor: feed,
    accountId,
    profile: "Student",
    origin: { _tag: "Feed", source: "AAF", externalId },
    structureId: "school-a",
    login,
    firstName: "Marie",
    lastName: "Anquet",
    activationCode: "3n6g8fmj",
  }) as unknown as Domain.Command

const alias = (accountId: string, value: string) =>
  ({ _tag: "SetLoginAlias", actor: feed, accountId, alias: value }) as unknown as Domain.Command

/** What the Workspace does with a command once its actor is known: facts, decide, append; once more on a lost claim. */
const submit = (command: Domain.Command) =>
  Effect.flatMap(CommandRouter.make(DomainAll.aggregates), (router) =>
    CrossFacts.retryOnClaimConflict(
      Effect.flatMap(CrossFacts.complete(command), (completed) => router.handle(completed, context)),
    ),
  )

const rejection = (outcome: Either.Either<unknown, unknown>) =>
  Either.isLeft(outcome) ? (outcome.left as { readonly ruleId?: string; readonly reason?: string }) : undefined

for (const { name, storage } of stores) {
  describe(`crossFacts claims (${name})`, () => {
    it.effect(
      "BR-ACC-10 two aliases resolved as free at once: one is appended, the other's append fails on the claim",
      () =>
        Effect.gen(function* () {
          const router = yield* CommandRouter.make(DomainAll.aggregates)
          yield* submit(provision("acc-1", "marie.a"))
          yield* submit(provision("acc-2", "marius.b"))
          for (let round = 0; round < 4; round++) {
            const value = `shared.${round}`
            // Both facts read before either append: each command believes the alias is free.
            const first = yield* CrossFacts.complete(alias("acc-1", value))
            const second = yield* CrossFacts.complete(alias("acc-2", value))
            const outcomes = yield* Effect.all(
              [first, second].map((command) => Effect.either(router.handle(command, context))),
              { concurrency: 2 },
            )
            assert.strictEqual(outcomes.filter(Either.isRight).length, 1, `round ${round}: one claim wins`)
            const lost = outcomes.find(Either.isLeft)!
            assert.isTrue(CrossFacts.isClaimConflict(lost.left), `round ${round}: ${String(lost.left)}`)
          }
        }).pipe(Effect.provide(runtimeOn(storage))),
    )

    it.effect(
      "BR-ACC-10 two accounts claiming one login or alias at once: one succeeds, the other gets the rule's rejection",
      () =>
        Effect.gen(function* () {
          for (let round = 0; round < 4; round++) {
            const login = `paul.${round}`
            const provisions = yield* Effect.all(
              [provision(`a-${round}`, login), provision(`b-${round}`, login)].map((command) =>
                Effect.either(submit(command)),
              ),
              { concurrency: 2 },
            )
            assert.strictEqual(provisions.filter(Either.isRight).length, 1)
            assert.deepInclude(rejection(provisions.find(Either.isLeft)!), {
              ruleId: "BR-ACC-10",
              reason: "LoginTaken",
            })

            const value = `perso.${round}`
            const aliases = yield* Effect.all(
              [alias(`a-${round}`, value), alias(`b-${round}`, value)].map((command) => Effect.either(submit(command))),
              { concurrency: 2 },
            )
            const won = aliases.filter(Either.isRight).length
            // b-<round> exists only when it won the login; either way one alias claim at most succeeds.
            assert.isAtMost(won, 1)
            assert.isAtLeast(won, 1)
          }
        }).pipe(Effect.provide(runtimeOn(storage))),
    )

    it.effect("BR-ACC-8 one feed person provisioned twice at once under two ids: one account", () =>
      Effect.gen(function* () {
        for (let round = 0; round < 3; round++) {
          const outcomes = yield* Effect.all(
            [
              provision(`x-${round}`, `jean.${round}`, `feed-${round}`),
              provision(`y-${round}`, `jeanne.${round}`, `feed-${round}`),
            ].map((command) => Effect.either(submit(command))),
            { concurrency: 2 },
          )
          assert.strictEqual(outcomes.filter(Either.isRight).length, 1)
          assert.deepInclude(rejection(outcomes.find(Either.isLeft)!), { ruleId: "BR-ACC-8", reason: "AlreadyExists" })
        }
      }).pipe(Effect.provide(runtimeOn(storage))),
    )
  })
}

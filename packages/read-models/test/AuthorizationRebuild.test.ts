// Principle 3 and 10: the facts read model rebuilt from position 0 equals the one kept up to date inline, over
// random command histories of every aggregate, erasures included (BR-ACC-9: a rebuild reads erased values).
import * as DomainAll from "@cartable/domain/Domain"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as AccountArbitraries from "@cartable/testing/AccountArbitraries"
import { interleave } from "@cartable/testing/Histories"
import * as HomeworkBookArbitraries from "@cartable/testing/HomeworkBookArbitraries"
import * as ReportArbitraries from "@cartable/testing/ReportArbitraries"
import * as StructureArbitraries from "@cartable/testing/StructureArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Authorization from "../src/Authorization.ts"
import { context, runtimeOn, stores } from "./authorizationFixtures.ts"

/** Commands of every aggregate, interleaved as `picks` says. */
const histories = FastCheck.tuple(
  AccountArbitraries.commands,
  StructureArbitraries.commands,
  ReportArbitraries.commands,
  HomeworkBookArbitraries.commands,
  FastCheck.array(FastCheck.nat(3), { minLength: 60, maxLength: 60 }),
).map(([accounts, structures, reports, books, picks]) =>
  interleave<DomainAll.Command>([accounts, structures, reports, books], picks).map(({ item }) => item),
)

/** Every document of every collection, page by page. */
const snapshot = Effect.gen(function* () {
  const all: Record<string, ReadonlyArray<unknown>> = {}
  for (const alias of Object.keys(Authorization.AuthorizationProjection.collections)) {
    const reader = yield* ProjectionRuntime.reader(
      Authorization.AuthorizationProjection,
      alias as keyof typeof Authorization.AuthorizationProjection.collections,
    )
    const documents: Array<unknown> = []
    let after: string | undefined
    for (;;) {
      const page = yield* reader.find({ limit: 500, ...(after === undefined ? {} : { after }) })
      documents.push(...page.documents)
      if (page.next === undefined) break
      after = page.next
    }
    all[alias] = documents
  }
  return all
})

for (const { name, storage } of stores) {
  describe(`Authorization rebuild (${name})`, () => {
    it.effect.prop(
      "a rebuild from position 0 equals the facts kept up to date inline, erasures included",
      [histories],
      ([commands]) =>
        Effect.gen(function* () {
          const router = yield* CommandRouter.make(DomainAll.aggregates)
          for (const command of commands) yield* Effect.either(router.handleTyped(command, context))
          const kept = yield* snapshot
          const runtime = yield* ProjectionRuntime.ProjectionRuntime
          yield* runtime.rebuild(Authorization.AuthorizationProjection)
          assert.deepStrictEqual(yield* snapshot, kept)
        }).pipe(Effect.provide(runtimeOn(storage))),
      { fastCheck: { numRuns: name === "memory" ? 30 : 5 }, timeout: 120_000 },
    )
  })
}

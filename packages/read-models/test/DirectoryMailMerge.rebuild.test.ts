/**
 * Rebuild equals incremental, for the Directory and the Mail-merge: over random
 * command histories of every aggregate (erasures included) and over random
 * school years, the read models kept up to date (the directory inline, the
 * mail-merge async, caught up at random moments) equal a rebuild from position 0.
 */
import * as Domain from "@cartable/domain/Domain"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import type * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import type * as ReadModel from "@cartable/projections/ReadModel"
import * as Directory from "@cartable/read-models/Directory"
import * as MailMerge from "@cartable/read-models/MailMerge"
import * as AccountArbitraries from "@cartable/testing/AccountArbitraries"
import { interleave } from "@cartable/testing/Histories"
import * as HomeworkBookArbitraries from "@cartable/testing/HomeworkBookArbitraries"
import * as ReportArbitraries from "@cartable/testing/ReportArbitraries"
import * as SchoolYearHistory from "@cartable/testing/SchoolYearHistory"
import * as StructureArbitraries from "@cartable/testing/StructureArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import { append, live, memory, type Storage, sqlite } from "./support.ts"

/** Commands of every aggregate, interleaved, with a catch-up of the async read model after some. */
const domainCommands = FastCheck.tuple(
  AccountArbitraries.commands,
  StructureArbitraries.commands,
  ReportArbitraries.commands,
  HomeworkBookArbitraries.commands,
  FastCheck.array(FastCheck.nat(4), { minLength: 80, maxLength: 80 }),
).map(([accounts, structures, reports, books, picks]) =>
  interleave<Domain.Command>([accounts, structures, reports, books], picks).map(({ item, pick }) => ({
    command: item,
    catchUp: pick === 4,
  })),
)

/** Every document of a collection, page by page (pages of 7 to cross page boundaries). */
const everything = <A, Idx extends string>(reader: ReadModel.Reader<A, Idx>) =>
  Effect.gen(function* () {
    const all: Array<A> = []
    let after: string | undefined
    do {
      const page = yield* reader.find({ limit: 7, after })
      all.push(...page.documents)
      after = page.next
    } while (after !== undefined)
    return all
  })

type Shared = Projection.Projection<{
  readonly accounts: ReadModel.Collection<Directory.AccountDocument, typeof Directory.AccountDocument.Encoded, string>
  readonly groups: ReadModel.Collection<Directory.GroupDocument, typeof Directory.GroupDocument.Encoded, string>
}>

const snapshot = (projection: Shared) =>
  Effect.all({
    accounts: Effect.flatMap(ProjectionRuntime.reader(projection, "accounts"), everything),
    groups: Effect.flatMap(ProjectionRuntime.reader(projection, "groups"), everything),
  })

/** What users read: every listing page, so that a stale index shows too. */
const listings = Effect.gen(function* () {
  const directory = yield* Directory.Directory
  const mailMerge = yield* MailMerge.MailMerge
  const schools = ["school-a", "school-b", "school-main", "school-other", undefined]
  const out: Array<unknown> = []
  for (const school of schools) {
    out.push((yield* directory.list({ school, limit: 1000 })).entries)
    out.push((yield* directory.list({ school, search: "ma", limit: 1000 })).entries)
    if (school !== undefined) out.push(yield* mailMerge.list({ school, sortBy: ["class", "profile"] }))
  }
  return out
})

const projections = [Directory.DirectoryProjection, MailMerge.MailMergeProjection] as const

const rebuiltEqualsKept = Effect.gen(function* () {
  const runtime = yield* ProjectionRuntime.ProjectionRuntime
  yield* runtime.catchUp()
  const kept = yield* Effect.all(projections.map(snapshot))
  const keptListings = yield* listings
  for (const projection of projections) yield* runtime.rebuild(projection)
  assert.deepStrictEqual(yield* Effect.all(projections.map(snapshot)), kept)
  assert.deepStrictEqual(yield* listings, keptListings)
  return kept
})

const context = { occurredAt: DateTime.unsafeMake("2026-09-01T08:00:00Z") }

const suite = (name: string, storage: Storage, runs: number) =>
  describe(`Directory and MailMerge rebuilds (${name})`, () => {
    const layer = () =>
      live(storage, {
        inline: [Directory.DirectoryProjection],
        async: [MailMerge.MailMergeProjection],
      })

    it.effect.prop(
      "BR-ACC-12 BR-MM-1 a rebuild equals the read models kept up to date, over random commands of every aggregate, erasure included",
      [domainCommands],
      ([commands]) =>
        Effect.gen(function* () {
          const router = yield* CommandRouter.make(Domain.aggregates)
          const runtime = yield* ProjectionRuntime.ProjectionRuntime
          for (const { command, catchUp } of commands) {
            yield* Effect.either(router.handleTyped(command, context))
            if (catchUp) yield* runtime.catchUp(MailMerge.MailMergeProjection)
          }
          yield* rebuiltEqualsKept
        }).pipe(Effect.provide(layer()), Effect.scoped),
      { fastCheck: { numRuns: runs } },
    )

    it.effect.prop(
      "BR-ACC-7 BR-ACC-12 a rebuild equals the read models kept up to date, over random school years",
      [FastCheck.integer({ min: 1, max: 1_000_000 }), FastCheck.integer({ min: 8, max: 40 })],
      ([seed, accounts]) =>
        Effect.gen(function* () {
          const history = SchoolYearHistory.schoolYear({
            accounts,
            seed,
            days: 8,
            sessionsPerDay: 1,
            incidentsPerDay: 5,
          })
          // Appended in three parts, the async read model caught up after each.
          const third = Math.ceil(history.appends.length / 3)
          for (let i = 0; i < history.appends.length; i += third) yield* append(history.appends.slice(i, i + third))
          const [directory] = yield* rebuiltEqualsKept
          assert.isAbove(directory!.accounts.length, accounts / 2)
        }).pipe(Effect.provide(layer()), Effect.scoped),
      { fastCheck: { numRuns: runs } },
    )
  })

suite("memory", memory, 15)
suite("SQLite", sqlite, 3)

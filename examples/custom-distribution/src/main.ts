/**
 * `pnpm --filter @cartable/example-custom-distribution start`: a distribution
 * that adds its own events, rules and read model to the core's, in one event
 * log and one projection runtime.
 */
import * as Domain from "@cartable/domain/Domain"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as Console from "effect/Console"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as LibraryLoan from "./LibraryLoan.ts"
import * as Loans from "./Loans.ts"

// The core's catalogue merged with the distribution's: a type defined twice is refused.
export const catalog = EventCatalog.merge(EventCatalog.make(Domain.events), EventCatalog.make(LibraryLoan.events))

/**
 * One log in memory for the core and the distribution, with the distribution's
 * read model inline (updated in each append's transaction).
 */
export const Live = ProjectionRuntime.layer({ inline: [Loans.LoansProjection] }).pipe(
  Layer.provideMerge(EventStore.layer(catalog)),
  Layer.provideMerge(Layer.merge(ReadModelStore.layerMemoryWithDriver, SubjectKeyStore.layerMemory)),
)

const librarian = { accountId: "doc-1", roles: [{ _tag: "Administrator", level: "School", scopeId: "0571994H" }] }

export const program = Effect.gen(function* () {
  // One router over the core's aggregates and the distribution's own.
  const router = yield* CommandRouter.make({ ...Domain.aggregates, LibraryCopy: LibraryLoan.aggregate })
  const context = { occurredAt: DateTime.unsafeMake("2026-09-14T10:00:00Z") }
  yield* router.handle(
    {
      _tag: "ProvisionAccount",
      actor: { accountId: "system:aaf", roles: [{ _tag: "System", process: "aaf" }] },
      accountId: "p-lea",
      profile: "Student",
      origin: { _tag: "Feed", source: "AAF", externalId: "j-lea" },
      structureId: "0571994H",
      login: "lea.martin",
      firstName: "Léa",
      lastName: "Martin",
      activationCode: "3n6g8fmj",
    },
    context,
  )
  const loan = {
    actor: librarian,
    copyId: "le-petit-prince-2",
    structureId: "0571994H",
    borrowerId: "p-lea",
    dueOn: "2026-09-28",
    note: "Abîmé p. 12",
  }
  yield* router.handle({ _tag: "LendCopy", ...loan }, context)
  const refused = yield* Effect.flip(router.handle({ _tag: "LendCopy", ...loan, borrowerId: "p-hugo" }, context))
  yield* Console.log(`Second loan of the same copy: ${refused._tag === "LoanRejected" ? refused.ruleId : refused._tag}`)
  yield* router.handle({ _tag: "LendCopy", ...loan, copyId: "le-horla-1", dueOn: "2026-09-21" }, context)
  yield* router.handle(
    { _tag: "ReturnCopy", actor: librarian, copyId: "le-petit-prince-2", returnedOn: "2026-09-20" },
    context,
  )
  const out = yield* Loans.ofBorrower("p-lea")
  yield* Console.log(`Out on loan to p-lea: ${out.map((l) => `${l.copyId} (due ${l.dueOn})`).join(", ")}`)
  const late = yield* Loans.overdue("2026-09-25")
  yield* Console.log(`Overdue on 2026-09-25: ${late.map((l) => l.copyId).join(", ") || "none"}`)
  const store = yield* EventStore.EventStore
  const all = yield* store.readAll(0, 100)
  yield* Console.log(`One log for the core and the distribution: ${all.map((event) => event.type).join(", ")}`)
  return { events: all, out, late }
})

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(program.pipe(Effect.provide(Live), Effect.scoped)).catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
}

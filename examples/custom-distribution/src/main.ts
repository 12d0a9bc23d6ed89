/**
 * `pnpm --filter @cartable/example-custom-distribution start`: a distribution
 * that adds its own events to the core's, in one event log.
 */
import * as Domain from "@cartable/domain/Domain"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as Console from "effect/Console"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as LibraryLoan from "./LibraryLoan.ts"

// The core's catalogue merged with the distribution's: a type defined twice is refused.
export const catalog = EventCatalog.merge(EventCatalog.make(Domain.events), EventCatalog.make(LibraryLoan.events))

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
  const store = yield* EventStore.EventStore
  const all = yield* store.readAll(0, 100)
  yield* Console.log(`One log for the core and the distribution: ${all.map((event) => event.type).join(", ")}`)
  return all
})

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(program.pipe(Effect.provide(EventStore.layerMemory(catalog)))).catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
}

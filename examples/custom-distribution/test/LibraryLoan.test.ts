import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import * as Actor from "@cartable/domain/Actor"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as Arbitraries from "@cartable/testing/Arbitraries"
import * as DeciderLaws from "@cartable/testing/DeciderLaws"
import { given } from "@cartable/testing/DeciderSpec"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as LibraryLoan from "../src/LibraryLoan.ts"
import * as Loans from "../src/Loans.ts"
import { catalog, Live, program } from "../src/main.ts"

const librarian = {
  accountId: "doc-1",
  roles: [{ _tag: "Administrator", level: "School", scopeId: "0571994H" }],
} as const
const pool: Arbitraries.Pool = {
  copyId: FastCheck.constantFrom("copy-1", "copy-2"),
  structureId: FastCheck.constant("0571994H"),
  actor: FastCheck.constantFrom(librarian, { accountId: "p-lea", roles: [] }),
}

// The core's laws hold for the distribution's own aggregate too.
DeciderLaws.suite(LibraryLoan.aggregate, {
  commands: FastCheck.array(Arbitraries.oneOf(LibraryLoan.commands, pool), { maxLength: 20 }),
})

const school = "0571994H"
const asActor = Schema.decodeUnknownSync(Actor.Actor)
const roleArbitrary = FastCheck.oneof(
  FastCheck.record({
    _tag: FastCheck.constant("Administrator" as const),
    level: FastCheck.constantFrom("School", "District", "Department", "Academy", "Platform"),
    scopeId: FastCheck.constantFrom(school, "0573000B"),
  }),
  FastCheck.record({
    _tag: FastCheck.constant("Direction" as const),
    structureId: FastCheck.constantFrom(school, "0573000B"),
  }),
  FastCheck.record({
    _tag: FastCheck.constant("Teacher" as const),
    structureId: FastCheck.constantFrom(school, "0573000B"),
    groupIds: FastCheck.constant(["6A"]),
  }),
  FastCheck.record({ _tag: FastCheck.constant("System" as const), process: FastCheck.constant("aaf") }),
)
const actorArbitrary = FastCheck.record({
  accountId: FastCheck.constantFrom("doc-1", "p-lea", "t-1"),
  roles: FastCheck.array(roleArbitrary, { maxLength: 3 }),
})
/** CDI-1, written from the rule: the school's own administrators, a platform administrator, its direction. */
const isLibraryStaff = (actor: typeof actorArbitrary extends FastCheck.Arbitrary<infer A> ? A : never) =>
  actor.roles.some(
    (role) =>
      (role._tag === "Administrator" &&
        (role.level === "Platform" || (role.level === "School" && role.scopeId === school))) ||
      (role._tag === "Direction" && role.structureId === school),
  )

describe("a custom distribution", () => {
  it("every rule of its rule book has a test named after it in this file", () => {
    const source = readFileSync(fileURLToPath(import.meta.url), "utf8")
    for (const id of LibraryLoan.LoanRules.ids) assert.include(source, `"${id} `, id)
  })

  it.prop(
    "CDI-1 only the school's library staff lends a copy and takes it back",
    [actorArbitrary, Arbitraries.fromSchema(LibraryLoan.LendCopy, { ...pool, actor: FastCheck.constant(librarian) })],
    ([actor, lend]) => {
      const byActor = given(LibraryLoan.aggregate).when(LibraryLoan.LendCopy.make({ ...lend, actor: asActor(actor) }))
      if (isLibraryStaff(actor)) byActor.accepted()
      else byActor.thenRejects({ ruleId: "CDI-1" })
      // A return is checked against the school the log says lent the copy.
      const lent = given(LibraryLoan.aggregate).when(lend).accepted().events
      const back = given(LibraryLoan.aggregate, lent).when(
        LibraryLoan.ReturnCopy.make({ actor: asActor(actor), copyId: lend.copyId, returnedOn: lend.dueOn }),
      )
      if (isLibraryStaff(actor)) back.accepted()
      else back.thenRejects({ ruleId: "CDI-1" })
    },
  )

  it.prop(
    "CDI-2 a copy is lent to one borrower at a time",
    [Arbitraries.fromSchema(LibraryLoan.LendCopy, { ...pool, actor: FastCheck.constant(librarian) })],
    ([lend]) => {
      const lent = given(LibraryLoan.aggregate).when(lend).accepted().events
      given(LibraryLoan.aggregate, lent).when(lend).thenRejects({ ruleId: "CDI-2" })
    },
  )

  it.effect("reads a version-1 loan through its upcaster", () =>
    Effect.gen(function* () {
      const event = yield* EventCatalog.decode(catalog, "CopyLent", 1, {
        _tag: "CopyLent",
        copyId: "c",
        structureId: "s",
        borrowerId: "b",
        until: "2026-10-01",
      })
      assert.deepStrictEqual<unknown>(event, {
        _tag: "CopyLent",
        copyId: "c",
        structureId: "s",
        borrowerId: "b",
        dueOn: "2026-10-01",
      })
    }),
  )

  it.effect("runs the core's and its own aggregates on one log, and its read model beside the core's", () =>
    Effect.gen(function* () {
      const { events, out, late } = yield* program
      assert.deepStrictEqual(
        events.map((event) => event.type),
        ["AccountProvisioned", "CopyLent", "CopyLent", "CopyReturned"],
      )
      assert.deepStrictEqual(
        out.map((loan) => loan.copyId),
        ["le-horla-1"],
      )
      assert.deepStrictEqual(
        late.map((loan) => loan.copyId),
        ["le-horla-1"],
      )
    }).pipe(Effect.provide(Live), Effect.scoped),
  )

  it.effect.prop(
    "the loans read model holds each copy lent and not back, with its last borrower and due date",
    [FastCheck.array(Arbitraries.oneOf(LibraryLoan.commands, pool), { maxLength: 25 })],
    ([commands]) =>
      Effect.gen(function* () {
        const router = yield* CommandRouter.make({ LibraryCopy: LibraryLoan.aggregate })
        const context = { occurredAt: DateTime.unsafeMake("2026-09-14T10:00:00Z") }
        for (const command of commands) yield* Effect.either(router.handleTyped(command, context))
        // The oracle, from the log alone: a copy is out when its last event is a loan.
        const last = new Map<string, LibraryLoan.LoanEvent>()
        for (const recorded of yield* Effect.flatMap(EventStore.EventStore, (store) => store.readAll(0, 1_000))) {
          const event = recorded.event as LibraryLoan.LoanEvent
          last.set(event.copyId, event)
        }
        const expected = [...last.values()]
          .flatMap((event) => (event._tag === "CopyLent" ? [`${event.copyId} ${event.borrowerId} ${event.dueOn}`] : []))
          .sort()
        const borrowers = [
          ...new Set(commands.flatMap((command) => ("borrowerId" in command ? [command.borrowerId] : []))),
        ]
        const shown = (yield* Effect.forEach(borrowers, Loans.ofBorrower))
          .flat()
          .map((loan) => `${loan.copyId} ${loan.borrowerId} ${loan.dueOn}`)
          .sort()
        assert.deepStrictEqual(shown, expected)
        assert.deepStrictEqual(
          (yield* Loans.overdue("9999-12-31")).map((loan) => loan.copyId).sort(),
          [...new Set(expected.map((line) => line.split(" ")[0]!))].sort(),
        )
      }).pipe(Effect.provide(Live), Effect.scoped),
    { fastCheck: { numRuns: 30 } },
  )
})

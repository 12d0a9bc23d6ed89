import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as Arbitraries from "@cartable/testing/Arbitraries"
import * as DeciderLaws from "@cartable/testing/DeciderLaws"
import { given } from "@cartable/testing/DeciderSpec"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as LibraryLoan from "../src/LibraryLoan.ts"
import { catalog, program } from "../src/main.ts"

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

describe("a custom distribution", () => {
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

  it.effect("runs the core's and its own aggregates on one log", () =>
    Effect.gen(function* () {
      const all = yield* program
      assert.deepStrictEqual(
        all.map((event) => event.type),
        ["AccountProvisioned", "CopyLent"],
      )
    }).pipe(Effect.provide(EventStore.layerMemory(catalog))),
  )
})

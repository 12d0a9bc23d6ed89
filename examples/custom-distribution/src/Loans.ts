/**
 * The distribution's own read model: the copies out on loan, by borrower and
 * by due date, kept by a projection of its own events in the same runtime as
 * the core's read models. It reads no personal field (the loan's note stays in
 * the log), so it declares `personal: false` and decrypts nothing.
 */
import { AccountId, StructureId } from "@cartable/domain/Ids"
import { LocalDate } from "@cartable/domain/SchoolYear"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModel from "@cartable/projections/ReadModel"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as LibraryLoan from "./LibraryLoan.ts"

/** A copy out on loan. */
export const Loan = Schema.Struct({
  copyId: LibraryLoan.CopyId,
  structureId: StructureId,
  borrowerId: AccountId,
  dueOn: LocalDate,
})
export type Loan = typeof Loan.Type

/** The loans, found by borrower and in due-date order (ISO dates sort as text). */
export const Loans = ReadModel.collection("loans", {
  document: Loan,
  key: (loan) => loan.copyId,
  indexes: { borrower: (loan) => loan.borrowerId, due: (loan) => loan.dueOn },
})

/** Lent: the copy is out until it comes back. */
export const LoansProjection = Projection.make({
  name: "library_loans",
  version: 1,
  events: LibraryLoan.events,
  collections: { loans: Loans },
  personal: false,
  handlers: {
    CopyLent: (event, into) =>
      into.loans.put({
        copyId: event.copyId,
        structureId: event.structureId,
        borrowerId: event.borrowerId,
        dueOn: event.dueOn,
      }),
    CopyReturned: (event, into) => into.loans.remove(event.copyId),
  },
})

/** The copies a borrower has out. */
export const ofBorrower = (borrowerId: string) =>
  Effect.flatMap(ProjectionRuntime.reader(LoansProjection, "loans"), (loans) =>
    Effect.map(loans.find({ index: "borrower", equals: borrowerId }), (page) => page.documents),
  )

/** The copies due before `on` and not back: what the library chases (one page of a small library). */
export const overdue = (on: string) =>
  Effect.flatMap(ProjectionRuntime.reader(LoansProjection, "loans"), (loans) =>
    Effect.map(loans.find({ index: "due", prefix: "", limit: 1_000 }), (page) =>
      page.documents.filter((loan) => loan.dueOn < on),
    ),
  )

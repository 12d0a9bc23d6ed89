/**
 * A distribution's own aggregate: loans of the school library (CDI), built on
 * the core's Actor, ids and personal-data marks. One stream per copy of a book.
 */
import * as Actor from "@cartable/domain/Actor"
import { fact } from "@cartable/domain/Fact"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import { LocalDate } from "@cartable/domain/SchoolYear"
import * as Decider from "@cartable/kernel/Decider"
import { DataSubjectId, personal } from "@cartable/kernel/PersonalData"
import * as RuleBook from "@cartable/kernel/RuleBook"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

/** A copy of a book on the library's shelves. */
export const CopyId = Schema.NonEmptyTrimmedString.pipe(Schema.brand("CopyId"))

/** The library lent a copy to a borrower until a due date (version 2: `note` added). */
export const CopyLent = Schema.TaggedStruct("CopyLent", {
  copyId: CopyId,
  structureId: StructureId,
  borrowerId: AccountId,
  dueOn: LocalDate,
  note: Schema.optional(personal(Schema.NonEmptyTrimmedString)),
}).annotations({ [DataSubjectId]: "borrowerId" })

/** The copy came back. */
export const CopyReturned = Schema.TaggedStruct("CopyReturned", { copyId: CopyId, returnedOn: LocalDate })

/** The distribution's events, with CopyLent at version 2 and its upcaster from version 1. */
export const events = {
  CopyLent: [
    CopyLent,
    {
      version: 2,
      // Version 1 called the due date `until`.
      upcasters: { 1: (data: unknown) => renameField(data, "until", "dueOn") },
    },
  ],
  CopyReturned,
} as const

const renameField = (data: unknown, from: string, to: string): unknown => {
  if (typeof data !== "object" || data === null || !(from in data)) return data
  const { [from]: value, ...rest } = data as Record<string, unknown>
  return { ...rest, [to]: value }
}

// The actor is a fact: the Workspace resolves it from the log and refuses it in an intent.
export const LendCopy = Schema.TaggedStruct("LendCopy", {
  actor: fact(Actor.Actor),
  copyId: CopyId,
  structureId: StructureId,
  borrowerId: AccountId,
  dueOn: LocalDate,
  note: Schema.optional(Schema.NonEmptyTrimmedString),
})
export const ReturnCopy = Schema.TaggedStruct("ReturnCopy", {
  actor: fact(Actor.Actor),
  copyId: CopyId,
  returnedOn: LocalDate,
})

export const commands = { LendCopy, ReturnCopy } as const
export const LoanCommand = Schema.Union(LendCopy, ReturnCopy)
export type LoanCommand = typeof LoanCommand.Type
export const LoanEvent = Schema.Union(CopyLent, CopyReturned)
export type LoanEvent = typeof LoanEvent.Type

/** The distribution's own rules, with ids of its own, in a rule book like the core's. */
export const LoanRules = RuleBook.make({
  "CDI-1": {
    title: "Only the school's library staff (administrators, direction) lends and takes back",
    source: "the distribution's decision: the seeds say nothing of the CDI",
  },
  "CDI-2": {
    title: "A copy is lent to one borrower at a time",
    source: "the distribution's decision: one copy, one borrower",
  },
})

/** A refused loan or return, naming the rule. */
export class LoanRejected extends Schema.TaggedError<LoanRejected>()("LoanRejected", {
  ruleId: LoanRules.RuleId,
  message: Schema.String,
}) {}

export type LoanState =
  | { readonly _tag: "OnShelf" }
  | { readonly _tag: "Lent"; readonly structureId: StructureId; readonly borrowerId: AccountId }

const refuse = (ruleId: LoanRejected["ruleId"], message: string) => Either.left(new LoanRejected({ ruleId, message }))

// CDI-1: only the school's staff (its administrators or direction) run the library desk. The
// school of a return is the one the log says lent the copy, never the caller's word.
const isStaff = (actor: Actor.Actor, structureId: StructureId) =>
  Actor.administersAny(actor, [structureId]) || Actor.isDirectionOf(actor, structureId)

const decide = (command: LoanCommand, state: LoanState): Either.Either<ReadonlyArray<LoanEvent>, LoanRejected> => {
  switch (command._tag) {
    case "LendCopy": {
      if (!isStaff(command.actor, command.structureId)) return refuse("CDI-1", "Only the library's staff lends")
      // CDI-2: a copy is lent to one borrower at a time.
      if (state._tag === "Lent") return refuse("CDI-2", `Copy ${command.copyId} is already lent`)
      const { copyId, structureId, borrowerId, dueOn, note } = command
      return Either.right([
        { _tag: "CopyLent", copyId, structureId, borrowerId, dueOn, ...(note === undefined ? {} : { note }) },
      ])
    }
    case "ReturnCopy":
      if (state._tag === "OnShelf") return Either.right([])
      if (!isStaff(command.actor, state.structureId)) return refuse("CDI-1", "Only the library's staff takes returns")
      return Either.right([{ _tag: "CopyReturned", copyId: command.copyId, returnedOn: command.returnedOn }])
  }
}

const initialState: LoanState = { _tag: "OnShelf" }

export const aggregate = Decider.aggregate({
  category: "LibraryCopy",
  Command: LoanCommand,
  events,
  streamId: (command) => command.copyId,
  initialState,
  decide,
  evolve: (_state, event): LoanState =>
    event._tag === "CopyLent"
      ? { _tag: "Lent", structureId: event.structureId, borrowerId: event.borrowerId }
      : { _tag: "OnShelf" },
})

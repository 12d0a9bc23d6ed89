/**
 * A tiny application service over the library: one command handler per
 * aggregate, a clock, and a journal of what was accepted or refused. A vendor's
 * HTTP API would sit where this sits.
 */
import { randomBytes } from "node:crypto"
import * as Account from "@cartable/domain/Account"
import * as Credentials from "@cartable/domain/Credentials"
import * as Domain from "@cartable/domain/Domain"
import * as HomeworkBook from "@cartable/domain/HomeworkBook"
import * as Report from "@cartable/domain/Report"
import * as Structure from "@cartable/domain/Structure"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import type { ConcurrencyConflict, EventStoreError } from "@cartable/eventlog/EventStoreError"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

type Command = Domain.Command

type Rejection =
  | Account.AccountRejected
  | Structure.StructureRejected
  | Report.ReportRejected
  | HomeworkBook.HomeworkBookRejected

const accountTags = new Set(Object.keys(Account.commands))
const structureTags = new Set(Object.keys(Structure.commands))
const reportTags = new Set(Object.keys(Report.commands))

/** Draws an activation or renewal code from the operating system's CSPRNG (BR-ACC-2). */
export const drawCode = (): Credentials.OneTimeCode =>
  Option.getOrThrowWith(Credentials.codeFromBytes(randomBytes(32)), () => new Error("not enough random bytes"))

export const make = Effect.gen(function* () {
  const handlers = {
    Account: yield* CommandHandler.make(Account.aggregate),
    Structure: yield* CommandHandler.make(Structure.aggregate),
    Report: yield* CommandHandler.make(Report.aggregate),
    HomeworkBook: yield* CommandHandler.make(HomeworkBook.aggregate),
  }
  let clock = DateTime.unsafeMake("2026-08-28T07:00:00Z")
  const refusals: Array<{ readonly command: string; readonly ruleId: string; readonly message: string }> = []

  /** Moves the demo's clock: the domain has none, time comes with each command. */
  const at = (iso: string) =>
    Effect.sync(() => {
      clock = DateTime.unsafeMake(iso)
      return clock
    })

  const route = (
    command: Command,
  ): Effect.Effect<ReadonlyArray<{ readonly _tag: string }>, Rejection | ConcurrencyConflict | EventStoreError> => {
    const context = { occurredAt: clock, correlationId: "start-of-year-2026" }
    const events = <E>(handled: CommandHandler.Handled<E>): ReadonlyArray<E> => handled.events
    if (accountTags.has(command._tag)) {
      return Effect.map(handlers.Account(command as Account.AccountCommand, context), events)
    }
    if (structureTags.has(command._tag)) {
      return Effect.map(handlers.Structure(command as Structure.StructureCommand, context), events)
    }
    if (reportTags.has(command._tag))
      return Effect.map(handlers.Report(command as Report.ReportCommand, context), events)
    return Effect.map(handlers.HomeworkBook(command as HomeworkBook.HomeworkBookCommand, context), events)
  }

  const decode = CommandHandler.decodeCommand(Domain.Command)

  const refuse = (command: unknown) => (refusal: { readonly ruleId: string; readonly message: string }) =>
    Effect.sync((): ReadonlyArray<never> => {
      refusals.push({ command: String(command), ruleId: refusal.ruleId, message: refusal.message })
      return []
    })

  /**
   * Decodes and submits a command, as a vendor's API would: accepted, it returns
   * the events recorded; refused by a business rule or not decodable, it records
   * the refusal and returns none. Store failures fail.
   */
  const submit = (input: Readonly<Record<string, unknown>>) =>
    Effect.flatMap(decode(input), route).pipe(
      Effect.catchTags({
        AccountRejected: refuse(input._tag),
        StructureRejected: refuse(input._tag),
        ReportRejected: refuse(input._tag),
        HomeworkBookRejected: refuse(input._tag),
        InvalidCommand: (invalid) => refuse(input._tag)({ ruleId: "invalid input", message: invalid.message }),
      }),
    )

  /** Submits commands in order, returning how many recorded events. */
  const submitAll = (commands: Iterable<Readonly<Record<string, unknown>>>) =>
    Effect.reduce(commands, 0, (accepted, command) =>
      Effect.map(submit(command), (events) => (events.length > 0 ? accepted + 1 : accepted)),
    )

  return { submit, submitAll, at, refusals: refusals as ReadonlyArray<(typeof refusals)[number]>, now: () => clock }
})

/** The workspace service's type. */
export type Workspace = Effect.Effect.Success<typeof make>

/**
 * Random histories of every aggregate with the time each command happened:
 * the pools' commands of accounts, structures, reports and homework books
 * interleaved, a clock that moves by minutes, hours and days across midnight
 * in Paris (where off-by-one-day mistakes hide), and now and then the erasure
 * of a teacher who wrote in the homework books (BR-ACC-9). For read models
 * whose documents depend on `occurredAt` (rosters with their history).
 *
 * @since 0.1.0
 */
import * as Account from "@cartable/domain/Account"
import * as Credentials from "@cartable/domain/Credentials"
import type * as Domain from "@cartable/domain/Domain"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import * as DateTime from "effect/DateTime"
import * as FastCheck from "effect/FastCheck"
import * as AccountArbitraries from "./AccountArbitraries.ts"
import * as HomeworkBookArbitraries from "./HomeworkBookArbitraries.ts"
import * as ReportArbitraries from "./ReportArbitraries.ts"
import * as StructureArbitraries from "./StructureArbitraries.ts"

/**
 * A command and the instant it is sent at.
 *
 * @since 0.1.0
 */
export interface TimedCommand {
  readonly command: Domain.Command
  readonly occurredAt: DateTime.Utc
}

/** 23:30 in Paris on 31 August 2025, the eve of the pools' first school year. */
const start = Date.parse("2025-08-31T21:30:00Z")
const MINUTE = 60_000

/** Steps of the clock: none, across midnight (30 minutes from 23:30), an hour, a day, a week. */
const step = FastCheck.constantFrom(0, 30, 60, 23 * 60, 24 * 60, 25 * 60, 7 * 24 * 60)

/**
 * The life of a homework book's teacher ending in erasure: provisioned by the
 * feed in school A, then pre-deleted, deleted and erased by its administrator.
 */
const teacherErasure: FastCheck.Arbitrary<ReadonlyArray<Domain.Command>> = FastCheck.constantFrom(
  ...HomeworkBookArbitraries.ids.teachers.slice(0, 2),
).map((accountId) => {
  const admin = AccountArbitraries.actors[0]!
  const feed = { accountId: AccountId.make("system:aaf"), roles: [{ _tag: "System", process: "aaf" }] } as const
  return [
    Account.ProvisionAccount.make({
      actor: feed,
      accountId,
      profile: "Teacher",
      origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${accountId}` },
      structureId: StructureId.make("school-a"),
      login: Credentials.Login.make(`jeanne.martin.${accountId.slice(-1)}`),
      firstName: "Jeanne",
      lastName: "Martin",
      activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
    }),
    Account.PreDeleteAccount.make({ actor: admin, accountId }),
    Account.DeleteAccount.make({ actor: admin, accountId }),
    Account.EraseAccountData.make({ actor: admin, accountId }),
  ]
})

/** Both books of the pool opened, then many commands on them: sessions, visas and inspections meet. */
const busyBooks: FastCheck.Arbitrary<ReadonlyArray<Domain.Command>> = FastCheck.tuple(
  HomeworkBookArbitraries.bookCommands,
  FastCheck.array(HomeworkBookArbitraries.command, { minLength: 20, maxLength: 60, size: "max" }),
).map(([first, more]) => [...first, ...more])

/**
 * Commands of every aggregate interleaved, memberships drawn often, each with
 * its instant; half of the histories erase a teacher of the books somewhere
 * in the middle.
 *
 * @since 0.1.0
 */
export const histories: FastCheck.Arbitrary<ReadonlyArray<TimedCommand>> = FastCheck.tuple(
  AccountArbitraries.commands,
  FastCheck.oneof(StructureArbitraries.commands, StructureArbitraries.membershipCommands),
  ReportArbitraries.commands,
  FastCheck.oneof({ arbitrary: HomeworkBookArbitraries.commands, weight: 1 }, { arbitrary: busyBooks, weight: 3 }),
  FastCheck.option(teacherErasure, { nil: [], freq: 2 }),
  FastCheck.array(FastCheck.nat(4), { minLength: 64, maxLength: 64 }),
  FastCheck.array(step, { minLength: 64, maxLength: 64 }),
).map(([accounts, structures, reports, books, erasure, picks, steps]) => {
  const queues: Array<Array<Domain.Command>> = [[...accounts], [...structures], [...reports], [...books], [...erasure]]
  const out: Array<TimedCommand> = []
  let at = start
  let i = 0
  while (queues.some((queue) => queue.length > 0)) {
    const pick = picks[i % picks.length]!
    const queue = queues.find((_, k) => k >= pick && queues[k]!.length > 0) ?? queues.find((q) => q.length > 0)!
    at += steps[i % steps.length]! * MINUTE
    i++
    out.push({ command: queue.shift()!, occurredAt: DateTime.unsafeMake(at) })
  }
  return out
})

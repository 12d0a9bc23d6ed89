/**
 * What the demo prints at the end, computed from the event log alone: every
 * stream is read back and folded with its aggregate, as a projection would.
 */
import * as Account from "@cartable/domain/Account"
import * as Domain from "@cartable/domain/Domain"
import * as HomeworkBook from "@cartable/domain/HomeworkBook"
import * as Report from "@cartable/domain/Report"
import * as Structure from "@cartable/domain/Structure"
import { EventStore } from "@cartable/eventlog/EventStore"
import type { RecordedEvent } from "@cartable/eventlog/RecordedEvent"
import * as StreamName from "@cartable/eventlog/StreamName"
import { type Aggregate, fold } from "@cartable/kernel/Decider"
import * as Arr from "effect/Array"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

const PAGE = 500

/** Every event of the log, page by page from position 0. */
export const readEverything = Effect.gen(function* () {
  const store = yield* EventStore
  const all: Array<RecordedEvent> = []
  for (;;) {
    const page = yield* store.readAll(all.at(-1)?.position ?? 0, PAGE)
    all.push(...page)
    if (page.length < PAGE) return all
  }
})

/** Folds every stream of the aggregate's category; the stream category names the aggregate. */
const foldStreams = <C extends { readonly _tag: string }, E extends { readonly _tag: string }, S, Err, CI, EI>(
  aggregate: Aggregate<C, E, S, Err, CI, EI>,
  events: ReadonlyArray<RecordedEvent>,
): Array<S> => {
  const isEvent = Schema.is(aggregate.Event)
  const ofCategory = events.filter((recorded) => StreamName.category(recorded.streamName) === aggregate.category)
  return Object.values(Arr.groupBy(ofCategory, (recorded) => recorded.streamName)).map((stream) =>
    fold(aggregate, stream.map((recorded) => recorded.event).filter(isEvent)),
  )
}

/** Folds every stream of the log with its aggregate. */
export const foldAll = (events: ReadonlyArray<RecordedEvent>) => ({
  Account: foldStreams(Domain.aggregates.Account, events),
  Structure: foldStreams(Domain.aggregates.Structure, events),
  Report: foldStreams(Domain.aggregates.Report, events),
  HomeworkBook: foldStreams(Domain.aggregates.HomeworkBook, events),
})

const count = <A>(items: ReadonlyArray<A>, key: (a: A) => string) => {
  const counts = new Map<string, number>()
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1)
  return [...counts].map(([k, n]) => `${n} ${k}`).join(", ")
}

/** The lines the demo prints about the state of the school. */
export const describe = (events: ReadonlyArray<RecordedEvent>): ReadonlyArray<string> => {
  const states = foldAll(events)
  const accounts = states.Account.filter((s): s is Account.Account => s._tag === "Account")
  const lines = [
    `Event log: ${events.length} events in ${new Set(events.map((e) => e.streamName)).size} streams (${count(events, (e) => e.type)})`,
    `Accounts: ${accounts.length} (${count(accounts, Account.statusOf)}); by profile: ${count(accounts, (a) => a.profile)}`,
  ]
  const stillInactive = accounts.filter((a) => Account.statusOf(a) === "inactive")
  lines.push(
    `Activation codes still shown to administrators (BR-ACC-2): ${stillInactive.map((a) => `${a.login} ${a.activationCode}`).join(", ") || "none"}`,
  )
  for (const relative of accounts.filter((a) => a.relativeOf.length > 1)) {
    lines.push(
      `One account for all his children (BR-ACC-7): ${relative.login} -> ${relative.relativeOf.map((l) => l.pupilId).join(", ")}`,
    )
  }
  for (const school of states.Structure) {
    if (school._tag !== "Structure") continue
    lines.push(`Direction of ${school.name} (BR-GRP-3): ${Structure.directionOf(school).join(", ") || "nobody"}`)
    for (const group of school.groups.values()) {
      if (group.kind !== "Class" || !group.open) continue
      const members = [...group.members].map(([accountId, member]) => ({ accountId, role: member.role }))
      const withRole = (role: string) =>
        members
          .filter((m) => m.role === role)
          .map((m) => m.accountId)
          .join(", ")
      lines.push(`Class ${group.name}: pupils ${withRole("Student")}; teachers ${withRole("Teacher")}`)
    }
  }
  for (const report of states.Report) {
    const summary = Report.summaryOf(report)
    if (summary._tag === "None") continue
    const s = summary.value
    lines.push(
      `Report ${s.reportId}: ${s.status}${s.handling ? ` by ${s.handling.handledBy} (${s.handling.withdrawal})` : ""}, reported by ${s.reportedBy}`,
    )
  }
  for (const book of states.HomeworkBook) {
    if (book._tag !== "HomeworkBook") continue
    const frozen = HomeworkBook.frozenSessions(book).map((session) => session.sessionId)
    lines.push(
      `Homework book ${book.homeworkBookId}: ${book.sessions.length} sessions, ${book.visas.length} visa(s), frozen: ${frozen.join(", ") || "none"}`,
    )
  }
  return lines
}

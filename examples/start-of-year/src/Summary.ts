/**
 * What the demo prints at the end, read from the read models the projection
 * runtime keeps: the classes and the direction from the rosters, the homework
 * books from theirs. The accounts and the reports are still folded from the
 * log here, until the directory and report-queue read models take them (issue 12).
 */
import * as Account from "@cartable/domain/Account"
import * as Domain from "@cartable/domain/Domain"
import * as Report from "@cartable/domain/Report"
import { EventStore } from "@cartable/eventlog/EventStore"
import type { RecordedEvent } from "@cartable/eventlog/RecordedEvent"
import * as StreamName from "@cartable/eventlog/StreamName"
import { type Aggregate, fold } from "@cartable/kernel/Decider"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as HomeworkBooks from "@cartable/read-models/HomeworkBooks"
import * as Rosters from "@cartable/read-models/Rosters"
import * as Arr from "effect/Array"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

const PAGE = 500

/** The read models the summary reads, kept by the runtime in the background. */
export const projections = [Rosters.RostersProjection, HomeworkBooks.HomeworkBooksProjection]

const runtime = ProjectionRuntime.layer({ async: projections })

/**
 * The runtime with the summary's read models, and their query services, over
 * a storage: an event store and a read-model store on one database.
 */
export const layer = <E>(storage: Layer.Layer<Layer.Layer.Context<typeof runtime>, E>) =>
  Layer.mergeAll(Rosters.layer, HomeworkBooks.layer).pipe(Layer.provideMerge(runtime), Layer.provideMerge(storage))

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

const count = <A>(items: ReadonlyArray<A>, key: (a: A) => string) => {
  const counts = new Map<string, number>()
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1)
  return [...counts].map(([k, n]) => `${n} ${k}`).join(", ")
}

/** The lines about the log itself, its accounts and its reports. */
const fromTheLog = (events: ReadonlyArray<RecordedEvent>): Array<string> => {
  const accounts = foldStreams(Domain.aggregates.Account, events).filter(
    (s): s is Account.Account => s._tag === "Account",
  )
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
  return lines
}

const reportLines = (events: ReadonlyArray<RecordedEvent>): Array<string> =>
  foldStreams(Domain.aggregates.Report, events).flatMap((report) => {
    const summary = Report.summaryOf(report)
    if (summary._tag === "None") return []
    const s = summary.value
    return [
      `Report ${s.reportId}: ${s.status}${s.handling ? ` by ${s.handling.handledBy} (${s.handling.withdrawal})` : ""}, reported by ${s.reportedBy}`,
    ]
  })

/**
 * The lines the demo prints about the state of the school, once the read
 * models caught up with the log.
 */
export const describe = Effect.gen(function* () {
  yield* Effect.flatMap(ProjectionRuntime.ProjectionRuntime, (runtime) => runtime.catchUp())
  const rosters = yield* Rosters.Rosters
  const books = yield* HomeworkBooks.HomeworkBooks
  const events = yield* readEverything
  const lines = fromTheLog(events)
  const schools = yield* rosters.schools
  for (const school of schools) {
    const functional = yield* rosters.groups({ structureId: school.structureId, kind: "FunctionalGroup", open: true })
    const direction = functional.filter((group) => group.function === "Direction").flatMap((group) => group.members)
    lines.push(`Direction of ${school.name} (BR-GRP-3): ${direction.join(", ") || "nobody"}`)
    for (const group of yield* rosters.groups({ structureId: school.structureId, kind: "Class", open: true })) {
      const roster = yield* rosters.roster(group)
      const withRole = (role: string) =>
        roster
          .filter((member) => member.role === role)
          .map((member) => member.accountId)
          .join(", ")
      lines.push(`Class ${group.name}: pupils ${withRole("Student")}; teachers ${withRole("Teacher")}`)
    }
  }
  lines.push(...reportLines(events))
  for (const school of schools) {
    for (const book of yield* books.books({ structureId: school.structureId })) {
      const sessions = yield* books.sessions({ homeworkBookId: book.homeworkBookId })
      const frozen = sessions.filter((session) => session.frozen).map((session) => session.sessionId)
      lines.push(
        `Homework book ${book.homeworkBookId}: ${sessions.length} sessions, ${book.visas.length} visa(s), frozen: ${frozen.join(", ") || "none"}`,
      )
    }
  }
  return lines as ReadonlyArray<string>
})

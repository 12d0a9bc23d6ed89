/**
 * What the demo prints at the end, read from the read models the projection
 * runtime keeps: the accounts from the directory, the classes and the
 * direction from the rosters, the reports from the platform's report queue,
 * the homework books from theirs. Only the first line counts the log itself.
 */
import { EventStore } from "@cartable/eventlog/EventStore"
import type { RecordedEvent } from "@cartable/eventlog/RecordedEvent"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as Directory from "@cartable/read-models/Directory"
import * as HomeworkBooks from "@cartable/read-models/HomeworkBooks"
import * as ReportQueue from "@cartable/read-models/ReportQueue"
import * as Rosters from "@cartable/read-models/Rosters"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const PAGE = 500

/** The read models the summary reads, kept by the runtime in the background. */
export const projections = [
  Directory.DirectoryProjection,
  Rosters.RostersProjection,
  ReportQueue.ReportQueueProjection,
  HomeworkBooks.HomeworkBooksProjection,
]

const runtime = ProjectionRuntime.layer({ async: projections })

/**
 * The runtime with the summary's read models, and their query services, over
 * a storage: an event store and a read-model store on one database.
 */
export const layer = <E>(storage: Layer.Layer<Layer.Layer.Context<typeof runtime>, E>) =>
  Layer.mergeAll(Directory.layer, Rosters.layer, ReportQueue.layer, HomeworkBooks.layer).pipe(
    Layer.provideMerge(runtime),
    Layer.provideMerge(storage),
  )

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

/** "n key" for each key in `order` that some item has, in that order. */
const count = <A>(items: ReadonlyArray<A>, key: (a: A) => string, order: ReadonlyArray<string>) =>
  order
    .map((k) => [k, items.filter((item) => key(item) === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ")

/** Every entry of the directory, page after page. */
const everyone = Effect.gen(function* () {
  const directory = yield* Directory.Directory
  const all: Array<Directory.Entry> = []
  let after: string | undefined
  do {
    const page = yield* directory.list({ limit: 1_000, ...(after === undefined ? {} : { after }) })
    all.push(...page.entries)
    after = page.next
  } while (after !== undefined)
  return all
})

/** The lines about the log itself and the accounts, from the directory. */
const accountLines = Effect.gen(function* () {
  const events = yield* readEverything
  const accounts = yield* everyone
  const lines = [
    `Event log: ${events.length} events in ${new Set(events.map((e) => e.streamName)).size} streams`,
    // The states of BR-ACC-12 and the profiles of BR-ACC-1, in the order DOMAIN.md gives them.
    `Accounts: ${accounts.length} (${count(accounts, (a) => a.state, ["inactive", "active", "blocked", "pre-deleted", "deleted"])}); by profile: ${count(accounts, (a) => a.profile, ["Student", "Relative", "Teacher", "Personnel", "Guest"])}`,
    `Activation codes still shown to administrators (BR-ACC-2): ${
      accounts
        .filter((a) => a.activationCode !== undefined)
        .map((a) => `${a.login} ${a.activationCode}`)
        .join(", ") || "none"
    }`,
  ]
  for (const relative of accounts.filter((a) => a.children.length > 1)) {
    lines.push(
      `One account for all his children (BR-ACC-7): ${relative.login} -> ${relative.children.map((child) => child.id).join(", ")}`,
    )
  }
  return lines
})

/** Every report, as the platform's administrators see their queue (which covers every school). */
const reportLines = Effect.gen(function* () {
  const queue = yield* ReportQueue.ReportQueue
  const page = yield* queue.list({ scope: { level: "Platform" }, limit: 1_000 })
  return page.reports.map(
    (report) =>
      `Report ${report.reportId}: ${report.handling ? `${report.handling.decision} by ${report.handling.handledBy}` : "open"}, reported by ${report.reportedBy}`,
  )
})

/**
 * The lines the demo prints about the state of the school, once the read
 * models caught up with the log.
 */
export const describe = Effect.gen(function* () {
  yield* Effect.flatMap(ProjectionRuntime.ProjectionRuntime, (runtime) => runtime.catchUp())
  const rosters = yield* Rosters.Rosters
  const books = yield* HomeworkBooks.HomeworkBooks
  const lines = yield* accountLines
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
  lines.push(...(yield* reportLines))
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

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
  const loginOf = new Map(accounts.map((a) => [a.id, a.login]))
  const lines = [
    `Event log: ${events.length} events in ${new Set(events.map((e) => e.streamName)).size} streams`,
    // The states of BR-ACC-12 and the profiles of BR-ACC-1, in the order DOMAIN.md gives them.
    `Accounts: ${accounts.length} (${count(accounts, (a) => a.state, ["inactive", "active", "blocked", "pre-deleted", "deleted"])}); by profile: ${count(accounts, (a) => a.profile, ["Student", "Relative", "Teacher", "Personnel", "Guest"])}`,
    `Activation codes still shown to administrators (BR-ACC-2): ${accounts.filter((a) => a.activationCode !== undefined).length}, none of an active account: ${accounts.some((a) => a.state === "active" && a.activationCode !== undefined) ? "no" : "yes"}`,
  ]
  for (const relative of accounts.filter((a) => a.children.length > 1)) {
    lines.push(
      `One account for all his children (BR-ACC-7): ${relative.login} -> ${relative.children.map((child) => loginOf.get(child.id) ?? child.id).join(", ")}`,
    )
  }
  return lines
})

/** Every report, as the platform's administrators see their queue (which covers every school). */
const reportLines = (name: (id: string) => string) =>
  Effect.gen(function* () {
    const queue = yield* ReportQueue.ReportQueue
    const page = yield* queue.list({ scope: { level: "Platform" }, limit: 1_000 })
    return page.reports.map(
      (report) =>
        `Report ${report.reportId}: ${report.handling ? `${report.handling.decision} by ${name(report.handling.handledBy)}` : "open"}, reported by ${name(report.reportedBy)}`,
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
  const logins = new Map((yield* everyone).map((a) => [a.id as string, a.login]))
  /** The directory's login for an id: what an administrator reads. */
  const name = (id: string) => logins.get(id) ?? id
  const schools = yield* rosters.schools
  for (const school of schools) {
    const functional = yield* rosters.groups({ structureId: school.structureId, kind: "FunctionalGroup", open: true })
    const direction = functional.filter((group) => group.function === "Direction").flatMap((group) => group.members)
    lines.push(`Direction of ${school.name} (BR-GRP-3): ${direction.map(name).join(", ") || "nobody"}`)
    for (const group of yield* rosters.groups({ structureId: school.structureId, kind: "Class", open: true })) {
      const roster = yield* rosters.roster(group)
      const withRole = (role: string) =>
        roster
          .filter((member) => member.role === role)
          .map((member) => name(member.accountId))
          .sort()
          .join(", ")
      lines.push(`Class ${group.name}: pupils ${withRole("Student")}; teachers ${withRole("Teacher")}`)
    }
  }
  lines.push(...(yield* reportLines(name)))
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

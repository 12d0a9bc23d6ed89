/**
 * `pnpm bench --read-models`: the read models users query (issue 12), on one
 * school's year. The log: SchoolYearHistory of 1,000 accounts (pupils,
 * relatives with children in two schools, teachers, staff), 180 school days of
 * activations, renewals, blocks, pre-deletions, class changes, homework
 * sessions and edits, visas, reports and their handling: 50,000+ events, each
 * with its own metadata, appended through the typed store (personal fields
 * encrypted). Then, on SQLite and PostgreSQL:
 * - every read model of packages/read-models (found by reading the folder, so
 *   that those merged later are measured too) rebuilt from position 0, next to
 *   reading the whole log through the typed store (the reference);
 * - p50/p99 latency of the directory's prefix search (a first page of 20) and
 *   of the mail-merge listing (a whole school, counts, sort), each next to the
 *   one index scan it starts with.
 * It never fails on timing.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import { StreamName } from "@cartable/eventlog/StreamName"
import type * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import type { ReadModelStore } from "@cartable/projections/ReadModelStore"
import * as Directory from "@cartable/read-models/Directory"
import * as MailMerge from "@cartable/read-models/MailMerge"
import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import * as SchoolYearHistory from "@cartable/testing/SchoolYearHistory"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { type Figure, figure, time } from "./harness.ts"
import * as Postgres from "./postgres.ts"
import { domainCatalog } from "./projections.ts"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")

/** Accounts of the school; `CARTABLE_BENCH_SCHOOL_ACCOUNTS=200` for a quick run. */
const ACCOUNTS = Number(process.env.CARTABLE_BENCH_SCHOOL_ACCOUNTS ?? 1000)
const SEARCHES = 400
const LISTINGS = 40

const isProjection = (value: unknown): value is Projection.Projection.Any =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as Projection.Projection.Any).name === "string" &&
  typeof (value as Projection.Projection.Any).version === "number" &&
  typeof (value as Projection.Projection.Any).changes === "function" &&
  (value as Projection.Projection.Any).eventTypes instanceof Set

/** Every projection exported by a module of packages/read-models/src, by name then version. */
export const readModels = async (): Promise<ReadonlyArray<Projection.Projection.Any>> => {
  const dir = Path.join(root, "packages/read-models/src")
  const found = new Map<string, Projection.Projection.Any>()
  for (const file of Fs.readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort()) {
    const module = (await import(pathToFileURL(Path.join(dir, file)).href)) as Record<string, unknown>
    for (const value of Object.values(module)) {
      if (isProjection(value)) found.set(`${value.name}@${value.version}`, value)
    }
  }
  return [...found.values()]
}

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

/** p50 and p99 of `runs` timed calls, in milliseconds. */
const latency = async (runs: number, call: (i: number) => Promise<unknown>) => {
  const times: Array<number> = []
  for (let i = 0; i < Math.min(10, runs); i++) await call(i) // warm-up
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await call(i)
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return { p50: percentile(times, 50), p99: percentile(times, 99) }
}

type Storage = Layer.Layer<EventStore.EventStore | ReadModelStore, unknown, never>

/** The workload on one database. */
const measure = async (
  database: string,
  storage: Storage,
  history: SchoolYearHistory.History,
): Promise<{ readonly figures: ReadonlyArray<Figure>; readonly lines: ReadonlyArray<string> }> => {
  const projections = await readModels()
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(Directory.layer, MailMerge.layer).pipe(
      Layer.provideMerge(ProjectionRuntime.layer({ async: projections, background: false })),
      Layer.provideMerge(storage),
    ),
  )
  const lines: Array<string> = []
  try {
    const appended = await time(() =>
      runtime.runPromise(
        Effect.gen(function* () {
          const events = yield* EventStore.EventStore
          for (const { stream, events: batch } of history.appends) {
            yield* events.append(StreamName.make(stream), ExpectedVersion.any, batch)
          }
        }),
      ),
    )
    lines.push(
      `${database}: log of ${history.events.toLocaleString("en")} events in ${history.appends.length.toLocaleString("en")} appends written in ${appended.toFixed(1)} s`,
    )
    const workload = `${history.events.toLocaleString("en")} events of one school's year`
    const reference = "EventStore.readAll, pages of 1,000 (every event decoded)"
    const read = await time(() =>
      runtime.runPromise(
        Effect.gen(function* () {
          const events = yield* EventStore.EventStore
          let after = 0
          let n = 0
          for (;;) {
            const page = yield* events.readAll(after, 1000)
            n += page.length
            if (page.length < 1000) break
            after = page[page.length - 1]!.position
          }
          if (n !== history.events) throw new Error(`read ${n} events, not ${history.events}`)
        }),
      ),
    )
    const figures: Array<Figure> = [figure(workload, reference, history.events, "events", [read])]
    for (const projection of projections) {
      const seconds = await time(() =>
        runtime.runPromise(Effect.flatMap(ProjectionRuntime.ProjectionRuntime, (r) => r.rebuild(projection))),
      )
      figures.push(
        figure(
          workload,
          `rebuild ${projection.name} v${projection.version}`,
          history.events,
          "events",
          [seconds],
          reference,
        ),
      )
    }

    // The directory's prefix search: what an administrator types (1 to 3 letters of a name).
    const names = history.people.flatMap((p) => [p.firstName, p.lastName])
    const prefixes = Array.from({ length: SEARCHES }, (_, i) => {
      const name = names[(i * 7919) % names.length]!
      return name.slice(0, 1 + (i % 3))
    })
    const accounts = await runtime.runPromise(ProjectionRuntime.reader(Directory.DirectoryProjection, "accounts"))
    const directory = await runtime.runPromise(Directory.Directory)
    const mailMerge = await runtime.runPromise(MailMerge.MailMerge)
    const firstPage = await runtime.runPromise(directory.list({ school: history.school, search: "ma", limit: 20 }))
    if (firstPage.entries.length === 0) throw new Error('the directory found nobody for "ma"')
    const search = await latency(SEARCHES, (i) =>
      runtime.runPromise(directory.list({ school: history.school, search: prefixes[i % SEARCHES]!, limit: 20 })),
    )
    const scan = await latency(SEARCHES, (i) =>
      runtime.runPromise(
        accounts.find({
          index: "name",
          prefix: `${history.school}\u001f${prefixes[i % SEARCHES]!.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()}`,
          limit: 20,
        }),
      ),
    )
    const listing = await runtime.runPromise(mailMerge.list({ school: history.school }))
    const mailMergeAll = await latency(LISTINGS, () => runtime.runPromise(mailMerge.list({ school: history.school })))
    const mailMergeSorted = await latency(LISTINGS, () =>
      runtime.runPromise(
        mailMerge.list({ school: history.school, activation: "not-activated", sortBy: ["class", "profile"] }),
      ),
    )
    const mailMergeAccounts = await runtime.runPromise(
      ProjectionRuntime.reader(MailMerge.MailMergeProjection, "accounts"),
    )
    const selectionScan = await latency(LISTINGS, () =>
      runtime.runPromise(
        mailMergeAccounts.find({ index: "selection", equals: `${history.school}\u001f*\u001f*`, limit: 1000 }),
      ),
    )
    const ms = (l: { p50: number; p99: number }) => `p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms`
    lines.push(
      `${database}: Directory.list search (first page of 20, ${SEARCHES} prefixes of 1-3 letters): ${ms(search)}; its index scan alone (reader.find): ${ms(scan)}`,
      `${database}: MailMerge.list whole school (${listing.selected} accounts, ${listing.withoutEmail} without e-mail): ${ms(mailMergeAll)}; not activated, by class then profile: ${ms(mailMergeSorted)}; its index scan alone (reader.find, 1 page): ${ms(selectionScan)}`,
    )
    return { figures, lines }
  } finally {
    await runtime.dispose()
  }
}

/**
 * Runs the workload on SQLite (a file, WAL) and on PostgreSQL (a fresh
 * database on `server`); the caller provisions the server.
 *
 * @since 0.1.0
 */
export const run = async (options: {
  readonly sqlite: boolean
  readonly postgres: string | undefined
}): Promise<
  ReadonlyArray<{
    readonly title: string
    readonly figures: ReadonlyArray<Figure>
    readonly lines: ReadonlyArray<string>
  }>
> => {
  // A secondary school's week: 7 sessions a day per class, 10 account incidents a day for the school.
  const history = SchoolYearHistory.schoolYear({
    accounts: ACCOUNTS,
    seed: 2025,
    sessionsPerDay: 7,
    incidentsPerDay: 10,
  })
  const projections = await readModels()
  console.log(
    `\nread models of packages/read-models: ${projections.map((p) => `${p.name} v${p.version}`).join(", ")}; a school of ${ACCOUNTS.toLocaleString("en")} accounts, ${history.events.toLocaleString("en")} events`,
  )
  const results: Array<{ title: string; figures: ReadonlyArray<Figure>; lines: ReadonlyArray<string> }> = []
  if (options.sqlite) {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-bench-read-models-"))
    try {
      const filename = Path.join(dir, "school.sqlite")
      const result = await measure("SQLite", SqliteEventStore.layer({ filename, catalog: domainCatalog }), history)
      results.push({ title: "SQLite: the read models", ...result })
    } finally {
      Fs.rmSync(dir, { recursive: true, force: true })
    }
  }
  if (options.postgres !== undefined) {
    const name = `cartable_bench_read_models_${process.pid}`
    try {
      const url = await Postgres.freshDatabase(options.postgres, name)
      const result = await measure("PostgreSQL", PostgresEventStore.layer({ url, catalog: domainCatalog }), history)
      results.push({ title: "PostgreSQL: the read models", ...result })
    } finally {
      await Postgres.dropDatabases(options.postgres, [name]).catch(() => undefined)
    }
  }
  return results
}

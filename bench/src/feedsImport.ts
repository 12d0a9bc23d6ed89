/**
 * `pnpm bench --feeds-import`: a generated AAF export (the same generator as
 * `--feeds-read`, 10,000 accounts by default: `--accounts=N --schools=N`)
 * imported into a fresh SQLite file (or, with `--store=postgres`, the empty
 * database of DATABASE_URL) with FeedImport through the Workspace, as a vendor
 * runs it, then imported again, then every read model rebuilt from the log.
 * Prints records/s, accounts/s, events/s, peak RSS, the rebuild times, and the
 * time an academy (500,000 accounts) would take at that rate next to the
 * issue's targets (first import < 5 min, re-import < 2 min). `--compare` first
 * imports the same export one command per transaction (`batchSize: 1`) into
 * another SQLite file, for the ratio within one run; `--batch-size=N` sets the
 * import's batch (200 by default); `--first-only` stops after the first import,
 * `--no-rebuild` after the second;
 * `--passes=2` reads the export twice (`FeedImport.Options.passes`: memory nearly flat).
 * With `PROFILE=<file>`, a CPU profile of the first import alone is written
 * there (for Chrome's DevTools or any .cpuprofile reader); `PROFILE_AGAIN=<file>`
 * profiles the second. `--keep` leaves the SQLite file of the import in place
 * (its path is printed); `--again=<file>` imports the export once into such a
 * file, kept, whose first import was of the same export: an academy's re-import
 * measured without its half-hour first import.
 */
import * as Fs from "node:fs"
import * as Inspector from "node:inspector/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Credentials from "@cartable/domain/Credentials"
import * as Domain from "@cartable/domain/Domain"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as AafReader from "@cartable/feeds/AafReader"
import * as FeedImport from "@cartable/feeds/FeedImport"
import type * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as AuditTrail from "@cartable/read-models/AuditTrail"
import * as Authorization from "@cartable/read-models/Authorization"
import * as Directory from "@cartable/read-models/Directory"
import * as HomeworkBooks from "@cartable/read-models/HomeworkBooks"
import * as MailMerge from "@cartable/read-models/MailMerge"
import * as NewsFeed from "@cartable/read-models/NewsFeed"
import * as ReportQueue from "@cartable/read-models/ReportQueue"
import * as Rosters from "@cartable/read-models/Rosters"
import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import * as Workspace from "@cartable/workspace/Workspace"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { generate } from "./aafExport.ts"
import { flag } from "./harness.ts"

const ACADEMY = 500_000

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0)
const load = () =>
  Os.loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")

/** Starts a CPU profile when `file` is given; the Effect returned stops it and writes it there. */
const profiling = (file: string | undefined) =>
  Effect.gen(function* () {
    if (file === undefined) return Effect.void
    const session = new Inspector.Session()
    session.connect()
    yield* Effect.promise(() => session.post("Profiler.enable"))
    yield* Effect.promise(() => session.post("Profiler.start"))
    return Effect.promise(async () => {
      const { profile } = await session.post("Profiler.stop")
      Fs.writeFileSync(file, JSON.stringify(profile))
      session.disconnect()
    })
  })

export const run = async (): Promise<void> => {
  const accounts = Number(flag("accounts") ?? 10_000)
  const schools = Number(flag("schools") ?? Math.max(2, Math.round(accounts / 1_700)))
  console.log(
    `# Cartable: importing an AAF export into ${flag("store") === "postgres" ? "PostgreSQL" : "SQLite"} (FeedImport through the Workspace)`,
  )
  console.log(`\nnode ${process.version}; ${Os.cpus().length} CPUs; load average ${load()}`)
  const dir = Path.join(Os.tmpdir(), `cartable-bench-aaf-${schools}-${accounts}-10000`)
  if (!Fs.existsSync(Path.join(dir, ".complete"))) {
    Fs.rmSync(dir, { recursive: true, force: true })
    const generated = await generate(dir, { schools, accounts, perPart: 10_000 })
    Fs.writeFileSync(Path.join(dir, ".complete"), JSON.stringify(generated))
  }
  const postgres = flag("store") === "postgres"
  const url = process.env.DATABASE_URL
  if (postgres && url === undefined) throw new Error("--store=postgres imports into DATABASE_URL (an empty database)")
  const batchSize = flag("batch-size") === undefined ? undefined : Number(flag("batch-size"))
  // SQLite's page cache (SqliteEventStore's cacheMiB), to compare sizes.
  const cacheMiB = flag("sqlite-cache") === undefined ? undefined : Number(flag("sqlite-cache"))
  const file = (name: string) => Path.join(Os.tmpdir(), `cartable-bench-import-${name}-${process.pid}.db`)
  const catalog = EventCatalog.make(Domain.events)
  // The projections of a vendor's stack (packages/cli ReadSide): three inline, the rest rebuilt after.
  const inline: ReadonlyArray<Projection.Projection.Any> = [
    Authorization.AuthorizationProjection,
    ReportQueue.ReportQueueProjection,
    NewsFeed.FeedWithdrawals,
  ]
  const async: ReadonlyArray<Projection.Projection.Any> = [
    Directory.DirectoryProjection,
    MailMerge.MailMergeProjection,
    Rosters.RostersProjection,
    HomeworkBooks.HomeworkBooksProjection,
    NewsFeed.NewsFeedProjection,
    AuditTrail.AuditTrailProjection,
  ]
  const stackOn = (storage: "sqlite" | "postgres", filename: string) =>
    Workspace.layer.pipe(
      Layer.provideMerge(Authorization.layer),
      Layer.provideMerge(ProjectionRuntime.layer({ inline, async, background: false })),
      Layer.provideMerge(
        storage === "postgres"
          ? (PostgresEventStore.layer({ url: url!, catalog }) as unknown as ReturnType<typeof SqliteEventStore.layer>)
          : SqliteEventStore.layer({ filename, catalog, ...(cacheMiB === undefined ? {} : { cacheMiB }) }),
      ),
    )
  const options: FeedImport.Options = {
    mode: "full",
    schoolYear: SchoolYear.starting(2025),
    occurredAt: DateTime.unsafeMake("2025-09-01T02:00:00Z"),
    activationCode: Effect.sync(() =>
      Option.getOrThrow(Credentials.codeFromBytes(crypto.getRandomValues(new Uint8Array(32)))),
    ),
    batchSize,
    passes: flag("passes") === "2" ? 2 : 1,
  }
  let peak = process.memoryUsage.rss()
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 50)
  const importOnce = (pass: string, given: FeedImport.Options) =>
    Effect.gen(function* () {
      const started = performance.now()
      const report = yield* FeedImport.run(AafReader.readExport(dir), given)
      const seconds = (performance.now() - started) / 1000
      const people = report.accounts.provisioned || accounts
      const academy = (seconds * ACADEMY) / accounts / 60
      console.log(
        `\n${pass}: ${seconds.toFixed(1)} s; ${report.read.toLocaleString("en")} records read ` +
          `(${(report.read / seconds).toFixed(0)}/s), ${report.accounts.provisioned.toLocaleString("en")} accounts provisioned ` +
          `(${(people / seconds).toFixed(0)} accounts/s), ${report.events.toLocaleString("en")} events ` +
          `(${(report.events / seconds).toFixed(0)}/s), ${report.reported} reported; peak RSS ${mib(peak)} MiB; load ${load()}`,
      )
      console.log(
        `  steps: ${report.phases.map((phase) => `${phase.name} ${phase.seconds.toFixed(1)} s (${phase.events.toLocaleString("en")} events)`).join(", ")}`,
      )
      const target = pass.startsWith("imported again") ? 2 : 5
      console.log(
        `  at this rate an academy's ${ACADEMY.toLocaleString("en")} accounts take ${academy.toFixed(1)} min ` +
          `(target < ${target} min: ratio ${(target / academy).toFixed(2)})`,
      )
      return seconds
    })
  const files: Array<string> = []
  const kept = flag("again")
  if (kept !== undefined) {
    if (postgres || !Fs.existsSync(kept)) throw new Error(`--again=<file> re-imports into a kept SQLite file: ${kept}`)
    await Effect.runPromise(
      Effect.gen(function* () {
        const session = yield* profiling(process.env.PROFILE_AGAIN)
        yield* importOnce("imported again (into the kept file)", options)
        yield* session
      }).pipe(Effect.provide(stackOn("sqlite", kept))),
    )
    clearInterval(sampler)
    console.log(`\nload average after: ${load()}`)
    return
  }
  try {
    if (process.argv.includes("--compare")) {
      files.push(file("one-by-one"))
      const seconds = await Effect.runPromise(
        importOnce("first import, one command per transaction (batchSize 1)", { ...options, batchSize: 1 }).pipe(
          Effect.provide(stackOn("sqlite", file("one-by-one"))),
        ),
      )
      console.log(`  (the batched import below is compared with these ${seconds.toFixed(1)} s)`)
    }
    files.push(file("batched"))
    await Effect.runPromise(
      Effect.gen(function* () {
        const profiled = yield* profiling(process.env.PROFILE)
        const first = yield* importOnce(`first import (${postgres ? "PostgreSQL" : "SQLite"})`, options)
        yield* profiled
        if (process.argv.includes("--first-only")) return
        const again = yield* profiling(process.env.PROFILE_AGAIN)
        yield* importOnce("imported again", options)
        yield* again
        if (process.argv.includes("--no-rebuild")) return
        const runtime = yield* ProjectionRuntime.ProjectionRuntime
        let total = 0
        const times: Array<string> = []
        for (const projection of [...inline, ...async]) {
          const started = performance.now()
          yield* runtime.rebuild(projection)
          const seconds = (performance.now() - started) / 1000
          total += seconds
          times.push(`${projection.name} ${seconds.toFixed(1)} s`)
        }
        console.log(
          `\nrebuild of every read model after the import: ${total.toFixed(1)} s (${times.join(", ")}); ` +
            `first import ${first.toFixed(1)} s; peak RSS ${mib(peak)} MiB; load ${load()}`,
        )
      }).pipe(Effect.provide(stackOn(postgres ? "postgres" : "sqlite", file("batched")))),
    )
  } finally {
    clearInterval(sampler)
    if (process.argv.includes("--keep")) console.log(`\nkept: ${files.join(", ")}`)
    else for (const f of files) for (const g of [f, `${f}-wal`, `${f}-shm`]) Fs.rmSync(g, { force: true })
  }
  console.log(`\nload average after: ${load()}`)
}

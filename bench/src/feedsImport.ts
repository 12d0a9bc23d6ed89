/**
 * `pnpm bench --feeds-import`: a generated AAF export (the same generator as
 * `--feeds-read`, 10,000 accounts by default: `--accounts=N --schools=N`)
 * imported into a fresh SQLite file with FeedImport through the Workspace, as a
 * vendor runs it, then imported again. Prints records/s, accounts/s, events/s,
 * peak RSS, and the time an academy (500,000 accounts) would take at that rate
 * next to the targets (first import < 5 min, re-import < 2 min).
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Credentials from "@cartable/domain/Credentials"
import * as Domain from "@cartable/domain/Domain"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as AafReader from "@cartable/feeds/AafReader"
import * as FeedImport from "@cartable/feeds/FeedImport"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as Authorization from "@cartable/read-models/Authorization"
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

export const run = async (): Promise<void> => {
  const accounts = Number(flag("accounts") ?? 10_000)
  const schools = Number(flag("schools") ?? Math.max(2, Math.round(accounts / 1_700)))
  console.log("# Cartable: importing an AAF export into SQLite (FeedImport through the Workspace)")
  console.log(`\nnode ${process.version}; ${Os.cpus().length} CPUs; load average ${load()}`)
  const dir = Path.join(Os.tmpdir(), `cartable-bench-aaf-${schools}-${accounts}-10000`)
  if (!Fs.existsSync(Path.join(dir, ".complete"))) {
    Fs.rmSync(dir, { recursive: true, force: true })
    const generated = await generate(dir, { schools, accounts, perPart: 10_000 })
    Fs.writeFileSync(Path.join(dir, ".complete"), JSON.stringify(generated))
  }
  const file = Path.join(Os.tmpdir(), `cartable-bench-import-${process.pid}.db`)
  const catalog = EventCatalog.make(Domain.events)
  const layer = Workspace.layer.pipe(
    Layer.provideMerge(Authorization.layer),
    Layer.provideMerge(ProjectionRuntime.layer({ inline: [Authorization.AuthorizationProjection], background: false })),
    Layer.provideMerge(SqliteEventStore.layer({ filename: file, catalog })),
  )
  const options: FeedImport.Options = {
    mode: "full",
    schoolYear: SchoolYear.starting(2025),
    occurredAt: DateTime.unsafeMake("2025-09-01T02:00:00Z"),
    activationCode: Effect.sync(() =>
      Option.getOrThrow(Credentials.codeFromBytes(crypto.getRandomValues(new Uint8Array(32)))),
    ),
  }
  let peak = process.memoryUsage.rss()
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 50)
  try {
    await Effect.runPromise(
      Effect.gen(function* () {
        for (const pass of ["first import", "imported again"]) {
          const started = performance.now()
          const report = yield* FeedImport.run(AafReader.readExport(dir), options)
          const seconds = (performance.now() - started) / 1000
          const people = report.accounts.provisioned || accounts
          const academy = (seconds * ACADEMY) / accounts / 60
          console.log(
            `\n${pass}: ${seconds.toFixed(1)} s; ${report.read.toLocaleString("en")} records read ` +
              `(${(report.read / seconds).toFixed(0)}/s), ${report.accounts.provisioned.toLocaleString("en")} accounts provisioned ` +
              `(${(people / seconds).toFixed(0)} accounts/s), ${report.events.toLocaleString("en")} events ` +
              `(${(report.events / seconds).toFixed(0)}/s), ${report.reported} reported; peak RSS ${mib(peak)} MiB`,
          )
          console.log(
            `  at this rate an academy's ${ACADEMY.toLocaleString("en")} accounts take ${academy.toFixed(0)} min ` +
              `(target ${pass === "first import" ? "< 5" : "< 2"} min: ratio ${((pass === "first import" ? 5 : 2) / academy).toFixed(2)})`,
          )
        }
      }).pipe(Effect.provide(layer)),
    )
  } finally {
    clearInterval(sampler)
    for (const f of [file, `${file}-wal`, `${file}-shm`]) Fs.rmSync(f, { force: true })
  }
  console.log(`\nload average after: ${load()}`)
}

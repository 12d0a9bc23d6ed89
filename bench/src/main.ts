/**
 * `pnpm bench`: our storage adapters against the raw drivers doing the same
 * writes, in one run, with the ratios. It never fails on timing.
 *
 *   pnpm bench                     # default sizes, medians of 3, then the read side (below)
 *   pnpm bench --full              # the sizes (10,000 streams x 10, ...): about 7 minutes
 *   pnpm bench --only=sqlite       # or --only=postgres; --repeat=N for medians of N
 *   pnpm bench --read-side         # only the read side: rebuild from 1,000,000 events and catch-up
 *                                  # lag, on both databases: about 10 minutes on a loaded 2-core machine
 *   CARTABLE_BENCH_REBUILD_EVENTS=50000 pnpm bench --read-side   # a quick run
 *
 * PostgreSQL: DATABASE_URL when set (databases `cartable_bench_*` are created and
 * dropped on that server), otherwise a throwaway cluster from scripts/postgres.sh.
 */
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as Domain from "@cartable/domain/Domain"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import * as Commands from "./commands.ts"
import { type Figure, parseArgs, report } from "./harness.ts"
import * as Postgres from "./postgres.ts"
import * as Sqlite from "./sqlite.ts"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
const postgresScript = Path.join(root, "scripts/postgres.sh")

/** Starts a throwaway cluster; returns its URL and how to stop it. */
const provision = (): { readonly url: string; readonly stop: () => void } => {
  const output = execFileSync("bash", [postgresScript, "start"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  })
  const exports = new Map<string, string>()
  for (const line of output.split("\n")) {
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line.trim())
    if (match !== null) exports.set(match[1]!, match[2]!)
  }
  const url = exports.get("DATABASE_URL")
  if (url === undefined) throw new Error(`scripts/postgres.sh start printed no DATABASE_URL:\n${output}`)
  const env = { ...process.env, CARTABLE_PG_DIR: exports.get("CARTABLE_PG_DIR") ?? "" }
  return { url, stop: () => execFileSync("bash", [postgresScript, "stop"], { env, stdio: "inherit" }) }
}

/** The core's catalogue: what an application runs. */
const domainCatalog = EventCatalog.make(Domain.events)

const main = async () => {
  const args = parseArgs()
  const commandSizes = args.full ? { accounts: 5_000, burst: 50 } : { accounts: 1_000, burst: 50 }
  const started = performance.now()
  const cpu = Os.cpus()
  console.log("# Cartable storage benchmark")
  console.log(
    `\nmachine: ${cpu.length} x ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(Os.totalmem() / 2 ** 30)} GiB, ${Os.type()} ${Os.release()}`,
  )
  console.log(`node ${process.version}; sizes: ${args.full ? "full" : "default"}, medians of ${args.repeat}`)

  if (args.only !== "postgres") {
    console.log(`SQLite ${Sqlite.version()} (better-sqlite3), WAL, synchronous=NORMAL`)
  }
  if (args.only !== "postgres" && !args.readSideOnly) {
    const figures: ReadonlyArray<Figure> = await Sqlite.run(args)
    report("SQLite", figures)
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-bench-commands-"))
    try {
      const onFile = async (round: number) =>
        SqliteEventStore.layer({ filename: Path.join(dir, `commands-${round}.db`), catalog: domainCatalog })
      report("SQLite: what users call", await Commands.run(onFile, commandSizes, args.repeat))
    } finally {
      Fs.rmSync(dir, { recursive: true, force: true })
    }
  }
  if (args.only !== "postgres") {
    const readSide = await Sqlite.readSide()
    report("SQLite: the read side", readSide.figures)
    console.log(`\ncatch-up lag of the async Directory: ${readSide.lag}`)
  }

  if (args.only !== "sqlite") {
    let server = process.env.DATABASE_URL || undefined
    let stop: (() => void) | undefined
    if (server === undefined) {
      const cluster = provision()
      server = cluster.url
      stop = cluster.stop
    }
    const onSignal = () => {
      stop?.()
      process.exit(130)
    }
    process.once("SIGINT", onSignal)
    try {
      console.log(`\nPostgreSQL ${await Postgres.version(server)}`)
      if (!args.readSideOnly) {
        report("PostgreSQL", await Postgres.run(args, server))
        const databases: Array<string> = []
        const onServer = async (round: number) => {
          databases.push(`cartable_bench_commands_${round}`)
          const url = await Postgres.freshDatabase(server!, databases[databases.length - 1]!)
          return PostgresEventStore.layer({ url, catalog: domainCatalog })
        }
        try {
          report("PostgreSQL: what users call", await Commands.run(onServer, commandSizes, args.repeat))
        } finally {
          await Postgres.dropDatabases(server, databases)
        }
      }
      const readSide = await Postgres.readSide(server)
      report("PostgreSQL: the read side", readSide.figures)
      console.log(`\ncatch-up lag of the async Directory: ${readSide.lag}`)
    } finally {
      process.off("SIGINT", onSignal)
      stop?.()
    }
  }
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s)`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})

/**
 * `pnpm bench`: our storage adapters against the raw drivers doing the same
 * writes, in one run, with the ratios. It never fails on timing.
 *
 *   pnpm bench                     # default sizes, medians of 3: about a minute
 *   pnpm bench --full              # the sizes (10,000 streams x 10, ...): about 7 minutes
 *   pnpm bench --only=sqlite       # or --only=postgres; --repeat=N for medians of N
 *   pnpm bench --users             # only what users call: the typed store and the command router
 *   pnpm bench --read-side         # only the read side: rebuild from 1,000,000 events and catch-up
 *                                  # lag, on both databases: about 10 minutes on a loaded 2-core machine
 *   CARTABLE_BENCH_REBUILD_EVENTS=50000 pnpm bench --read-side   # a quick run
 *   pnpm bench --read-models       # only the read models of packages/read-models: a school of 1,000
 *                                  # accounts over a year (50,000+ events), every read model rebuilt,
 *                                  # p50/p99 of the directory's search and the mail-merge listing
 *   pnpm bench --workspace         # only the cost of resolving facts: the router with a vouched actor
 *                                  # against the Workspace, on both databases (--only=sqlite for one)
 *   pnpm bench --feeds-read        # only the AAF reader: an academy's export (300 schools, 500,000
 *                                  # accounts, generated once in a temp folder) read by AafReader and
 *                                  # by a raw saxes pass; --accounts=N --schools=N --per-part=N
 *   pnpm bench --feeds-import      # only the directory import: a generated export (10,000 accounts by
 *                                  # default, --accounts=N) imported into SQLite, then imported again
 *   pnpm bench --feeds-ops=<file>  # only a re-import's reads, one by one, on a file kept by
 *                                  # --feeds-import --keep (--accounts=N of its accounts, 20,000 by default)
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
import * as FeedsImport from "./feedsImport.ts"
import * as FeedsOps from "./feedsOps.ts"
import * as FeedsRead from "./feedsRead.ts"
import { type Figure, parseArgs, report } from "./harness.ts"
import * as Postgres from "./postgres.ts"
import * as ReadModels from "./readModels.ts"
import * as Sqlite from "./sqlite.ts"
import * as Users from "./users.ts"
import * as WorkspaceBench from "./workspace.ts"

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

/** `--workspace`: the router with a vouched actor against the Workspace resolving the facts, side by side. */
const workspaceBench = async (args: ReturnType<typeof parseArgs>, started: number) => {
  const sizes: WorkspaceBench.WorkspaceSizes = args.full
    ? { accounts: 1_000, commands: 10_000, chunk: 250 }
    : { accounts: 1_000, commands: 3_000, chunk: 250 }
  console.log("# Cartable: what resolving the facts costs (Workspace against the router with a vouched actor)")
  console.log(
    `\nnode ${process.version}; ${Os.cpus().length} CPUs; load average ${Os.loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  )
  if (args.only !== "postgres") {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-bench-workspace-"))
    try {
      const open = async (round: number) => ({
        layer: SqliteEventStore.layer({ filename: Path.join(dir, `workspace-${round}.db`), catalog: domainCatalog }),
        close: async () => undefined,
      })
      report(`SQLite ${Sqlite.version()}: resolving facts`, await WorkspaceBench.run(open, sizes, args.repeat))
    } finally {
      Fs.rmSync(dir, { recursive: true, force: true })
    }
  }
  if (args.only !== "sqlite") {
    let server = process.env.DATABASE_URL || undefined
    let stop: (() => void) | undefined
    if (server === undefined) {
      const cluster = provision()
      server = cluster.url
      stop = cluster.stop
    }
    const databases: Array<string> = []
    try {
      const open = async (round: number) => {
        databases.push(`cartable_bench_workspace_${process.pid}_${round}`)
        const url = await Postgres.freshDatabase(server!, databases[databases.length - 1]!)
        return { layer: PostgresEventStore.layer({ url, catalog: domainCatalog }), close: async () => undefined }
      }
      const pgSizes = { ...sizes, commands: Math.round(sizes.commands / 3) }
      report(
        `PostgreSQL ${await Postgres.version(server)}: resolving facts`,
        await WorkspaceBench.run(open, pgSizes, args.repeat),
      )
    } finally {
      await Postgres.dropDatabases(server, databases)
      stop?.()
    }
  }
  console.log(
    `\nload average after: ${Os.loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  )
  console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`)
}

const main = async () => {
  const args = parseArgs()
  if (process.argv.includes("--workspace")) return workspaceBench(args, performance.now())
  if (process.argv.includes("--feeds-read")) return FeedsRead.run()
  if (process.argv.includes("--feeds-import")) return FeedsImport.run()
  if (process.argv.some((arg) => arg.startsWith("--feeds-ops"))) return FeedsOps.run()
  const sqliteUsers: Users.UserSizes = args.full
    ? { streams: 10_000, appends: 20_000, chunk: 500 }
    : { streams: 3_000, appends: 5_000, chunk: 500 }
  const postgresUsers: Users.UserSizes = args.full
    ? { streams: 2_000, appends: 4_000, chunk: 100 }
    : { streams: 500, appends: 1_000, chunk: 100 }
  const started = performance.now()
  const cpu = Os.cpus()
  console.log("# Cartable storage benchmark")
  console.log(
    `\nmachine: ${cpu.length} x ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(Os.totalmem() / 2 ** 30)} GiB, ${Os.type()} ${Os.release()}`,
  )
  console.log(`node ${process.version}; sizes: ${args.full ? "full" : "default"}, medians of ${args.repeat}`)

  if (args.readModelsOnly) {
    let server = args.only === "sqlite" ? undefined : process.env.DATABASE_URL || undefined
    let stop: (() => void) | undefined
    if (server === undefined && args.only !== "sqlite") {
      const cluster = provision()
      server = cluster.url
      stop = cluster.stop
    }
    try {
      const results = await ReadModels.run({ sqlite: args.only !== "postgres", postgres: server })
      for (const result of results) {
        report(result.title, result.figures)
        console.log("")
        for (const line of result.lines) console.log(line)
      }
    } finally {
      stop?.()
    }
    console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s)`)
    return
  }

  if (args.only !== "postgres") {
    console.log(`SQLite ${Sqlite.version()} (better-sqlite3), WAL, synchronous=NORMAL`)
    if (!args.usersOnly && !args.readSideOnly) {
      const figures: ReadonlyArray<Figure> = await Sqlite.run(args)
      report("SQLite", figures)
    }
    if (!args.readSideOnly) {
      const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-bench-users-"))
      try {
        const open = async (round: number) => {
          const filename = Path.join(dir, `users-${round}.db`)
          return {
            raw: Sqlite.rawClient(filename),
            layer: SqliteEventStore.layer({ filename, catalog: domainCatalog }),
            close: async () => undefined,
          }
        }
        report("SQLite: what users call", await Users.run(open, sqliteUsers, args.repeat))
      } finally {
        Fs.rmSync(dir, { recursive: true, force: true })
      }
    }
    if (!args.usersOnly) {
      const readSide = await Sqlite.readSide()
      report("SQLite: the read side", readSide.figures)
      console.log(`\ncatch-up lag of the async Directory: ${readSide.lag}`)
    }
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
      if (!args.usersOnly && !args.readSideOnly) report("PostgreSQL", await Postgres.run(args, server))
      if (!args.readSideOnly) {
        const databases: Array<string> = []
        const open = async (round: number) => {
          databases.push(`cartable_bench_users_${process.pid}_${round}`)
          const url = await Postgres.freshDatabase(server!, databases[databases.length - 1]!)
          const raw = await Postgres.rawClient(url)
          return {
            raw: raw.raw,
            layer: PostgresEventStore.layer({ url, catalog: domainCatalog }),
            close: raw.close,
          }
        }
        try {
          report("PostgreSQL: what users call", await Users.run(open, postgresUsers, args.repeat))
        } finally {
          await Postgres.dropDatabases(server, databases)
        }
      }
      if (!args.usersOnly) {
        const readSide = await Postgres.readSide(server)
        report("PostgreSQL: the read side", readSide.figures)
        console.log(`\ncatch-up lag of the async Directory: ${readSide.lag}`)
      }
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

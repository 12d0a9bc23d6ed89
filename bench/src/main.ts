/**
 * `pnpm bench`: our storage adapters against the raw drivers doing the same
 * writes, in one run, with the ratios. It never fails on timing.
 *
 *   pnpm bench                     # default sizes, medians of 3: about a minute
 *   pnpm bench --full              # the sizes (10,000 streams x 10, ...): about 7 minutes
 *   pnpm bench --only=sqlite       # or --only=postgres; --repeat=N for medians of N
 *
 * PostgreSQL: DATABASE_URL when set (databases `cartable_bench_*` are created and
 * dropped on that server), otherwise a throwaway cluster from scripts/postgres.sh.
 */
import { execFileSync } from "node:child_process"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
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

const main = async () => {
  const args = parseArgs()
  const started = performance.now()
  const cpu = Os.cpus()
  console.log("# Cartable storage benchmark")
  console.log(
    `\nmachine: ${cpu.length} x ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(Os.totalmem() / 2 ** 30)} GiB, ${Os.type()} ${Os.release()}`,
  )
  console.log(`node ${process.version}; sizes: ${args.full ? "full" : "default"}, medians of ${args.repeat}`)

  if (args.only !== "postgres") {
    console.log(`SQLite ${Sqlite.version()} (better-sqlite3), WAL, synchronous=NORMAL`)
    const figures: ReadonlyArray<Figure> = await Sqlite.run(args)
    report("SQLite", figures)
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
      report("PostgreSQL", await Postgres.run(args, server))
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

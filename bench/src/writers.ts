/**
 * `pnpm bench:writers`: the PostgreSQL concurrent-writers workload of `pnpm bench`
 * alone, for more rounds than the whole benchmark can afford on a shared machine.
 *
 *   DATABASE_URL=postgres://... pnpm bench:writers --full --repeat=5
 *
 * Each round prints its own ratios (the three variants take turns by chunks inside
 * a round), then the medians. It never fails on timing.
 */
import { type Figure, figure, parseArgs, report } from "./harness.ts"
import * as Postgres from "./postgres.ts"

const main = async () => {
  const args = parseArgs()
  const server = process.env.DATABASE_URL
  if (server === undefined || server === "") throw new Error("bench:writers needs DATABASE_URL")
  const sizes = args.postgres
  console.log(`PostgreSQL ${await Postgres.version(server)}`)
  const names: Array<string> = []
  const database = async () => {
    const name = `cartable_bench_writers_${process.pid}_${names.length}`
    names.push(name)
    return Postgres.freshDatabase(server, name)
  }
  const rounds = { raw: [] as Array<number>, locked: [] as Array<number>, driver: [] as Array<number> }
  try {
    for (let round = 0; round < args.repeat; round++) {
      const elapsed = await Postgres.concurrentWriters(sizes, database)
      await Postgres.dropDatabases(server, names.splice(0))
      rounds.raw.push(elapsed.raw)
      rounds.locked.push(elapsed.locked)
      rounds.driver.push(elapsed.driver)
      console.log(
        `round ${round + 1}: raw ${Math.round((sizes.writers * sizes.writerAppends) / elapsed.raw)}/s, ` +
          `previous rule ${(elapsed.raw / elapsed.locked).toFixed(2)}, our driver ${(elapsed.raw / elapsed.driver).toFixed(2)}`,
      )
    }
  } finally {
    await Postgres.dropDatabases(server, names)
  }
  const workload = `1 event per append, ${sizes.writers} concurrent writers (${sizes.writerAppends.toLocaleString("en")} appends each)`
  const raw = `raw pg: one INSERT, autocommit, pool of ${sizes.writers}`
  const count = sizes.writers * sizes.writerAppends
  const figures: ReadonlyArray<Figure> = [
    figure(workload, raw, count, "appends", rounds.raw),
    figure(
      workload,
      "raw pg: the same INSERT under one advisory lock (the previous rule)",
      count,
      "appends",
      rounds.locked,
      raw,
    ),
    figure(workload, "our driver (parallel appends)", count, "appends", rounds.driver, raw),
  ]
  report(`PostgreSQL: concurrent writers, medians of ${args.repeat}`, figures)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})

/**
 * One workload of users.ts alone, for `node --cpu-prof`: the typed store on a
 * SQLite file of Account streams, the workload repeated for a few seconds.
 *
 *   node --import tsx src/profile.ts fold|all|command|append|rebuild [streams] [seconds]
 *
 * With `PROFILE=<file>`, a CPU profile of the workload alone (not of writing the
 * log) is written there, for Chrome's DevTools or any .cpuprofile reader.
 */
import * as Fs from "node:fs"
import * as Inspector from "node:inspector/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Account from "@cartable/domain/Account"
import * as Domain from "@cartable/domain/Domain"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { makeStatistics } from "../../examples/school-directory/src/Directory.ts"
import { appendedFor, commandInput, history, metadataFields, streamOf, typedMetadata } from "./users.ts"

const [workload = "fold", streamsArg = "3000", secondsArg = "5"] = process.argv.slice(2)
const streams = Number(streamsArg)
const seconds = Number(secondsArg)
const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-profile-"))
const filename = Path.join(dir, "profile.db")
const statistics = makeStatistics(process.env.PERSONAL === "true")
const runtime = ManagedRuntime.make(
  ProjectionRuntime.layer({ async: [statistics], background: false }).pipe(
    Layer.provideMerge(SqliteEventStore.layer({ filename, catalog: EventCatalog.make(Domain.events) })),
  ),
)

const main = async () => {
  const store = await runtime.runPromise(EventStore.EventStore)
  const router = await runtime.runPromise(CommandRouter.make(Domain.aggregates))
  await runtime.runPromise(
    Effect.forEach(
      Array.from({ length: streams }, (_, i) => i),
      (i) =>
        store.append(
          StreamName.StreamName.make(streamOf(i)),
          ExpectedVersion.noStream,
          history(i).map((event, seq) => ({ event, metadata: typedMetadata(metadataFields(i, seq + 1)) })),
        ),
      { discard: true },
    ),
  )
  const session = process.env.PROFILE === undefined ? undefined : new Inspector.Session()
  if (session !== undefined) {
    session.connect()
    await session.post("Profiler.enable")
    await session.post("Profiler.start")
  }
  let operations = 0
  let commands = 0
  const started = performance.now()
  const cpu = process.cpuUsage()
  while (performance.now() - started < seconds * 1000) {
    if (workload === "fold") {
      await runtime.runPromise(
        Effect.gen(function* () {
          for (let i = 0; i < streams; i++) {
            const recorded = yield* store.readStream(StreamName.StreamName.make(streamOf(i)))
            let state = Account.aggregate.initialState
            for (const entry of recorded) state = Account.evolve(state, entry.event as Account.AccountEvent)
          }
        }),
      )
      operations += streams
    } else if (workload === "all") {
      await runtime.runPromise(
        Effect.gen(function* () {
          let after = 0
          for (;;) {
            const page = yield* store.readAll(after, 1000)
            operations += page.length
            if (page.length < 1000) break
            after = page[page.length - 1]!.position
          }
        }),
      )
    } else if (workload === "rebuild") {
      await runtime.runPromise(Effect.flatMap(ProjectionRuntime.ProjectionRuntime, (r) => r.rebuild(statistics)))
      operations += streams * 10
    } else if (workload === "append") {
      const round = operations / streams
      await runtime.runPromise(
        Effect.forEach(
          Array.from({ length: streams }, (_, i) => i),
          (i) =>
            store.append(StreamName.StreamName.make(streamOf(i)), ExpectedVersion.exact(10 + round), [
              { event: appendedFor(i, round), metadata: typedMetadata(metadataFields(i, 11 + round)) },
            ]),
          { discard: true },
        ),
      )
      operations += streams
    } else if (workload === "command") {
      const from = commands
      commands += Math.min(500, streams)
      await runtime.runPromise(
        Effect.forEach(
          Array.from({ length: commands - from }, (_, k) => (from + k) % streams),
          (i) =>
            router.handle(
              { ...commandInput(i), provider: `P-${from}`, subject: `p-${from}-${i}` },
              {
                occurredAt: DateTime.unsafeMake(Date.UTC(2026, 0, 1) + operations),
                correlationId: `c-${i}`,
                causationId: `m-${i}`,
              },
            ),
          { discard: true },
        ),
      )
      operations += commands - from
    }
  }
  const elapsed = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  if (session !== undefined) {
    const { profile } = await session.post("Profiler.stop")
    Fs.writeFileSync(process.env.PROFILE!, JSON.stringify(profile))
    session.disconnect()
  }
  const perOperation = (used.user + used.system) / operations
  console.log(
    `${workload}: ${operations} in ${elapsed.toFixed(1)} s, ${(operations / elapsed).toFixed(0)}/s, ${perOperation.toFixed(1)} µs of CPU each`,
  )
}

main()
  .finally(async () => {
    await runtime.dispose()
    Fs.rmSync(dir, { recursive: true, force: true })
  })
  .catch((error) => {
    console.error(error)
    process.exit(1)
  })

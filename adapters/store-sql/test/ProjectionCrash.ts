/**
 * Async projections across real processes that get killed (issue 11): several
 * processes run one projection on one store, the test kills them with SIGKILL
 * at random moments and starts others while it appends, and at the end every
 * event has been applied exactly once, in order, whoever applied it.
 *
 * The projection records, per stream, the positions of the events it applied:
 * an event applied twice or skipped shows in the list.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as Path from "node:path"
import * as StructureEvents from "@cartable/domain/StructureEvents"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModel from "@cartable/projections/ReadModel"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

export const catalog = EventCatalog.make(StructureEvents.events)

const Applied = Schema.Struct({ stream: Schema.String, positions: Schema.Array(Schema.Number) })

/** Records the positions it applied, per stream. */
export const projection = Projection.make({
  name: "crash",
  version: 1,
  events: StructureEvents.events,
  collections: { applied: ReadModel.collection("applied", { document: Applied, key: (a) => a.stream }) },
  handlers: {
    StructureRenamed: (_event, into, recorded) =>
      into.applied.update(recorded.streamName, (current) => ({
        stream: recorded.streamName,
        positions: [...(current?.positions ?? []), recorded.position],
      })),
  },
})

/** Small batches and a short lease, so that kills land mid-run and takeovers come quickly. */
export const runtimeOptions = {
  async: [projection],
  batchSize: 7,
  pollInterval: "10 millis",
  leaseTtl: "400 millis",
} as const

/** What a worker process runs until it is killed: the runtime over the store. */
export const work = <E>(store: Layer.Layer<EventStore.EventStore | ReadModelStore.ReadModelStore, E>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      process.stdout.write("ready\n")
      return yield* Effect.never
    }).pipe(Effect.provide(ProjectionRuntime.layer(runtimeOptions).pipe(Layer.provide(store))), Effect.scoped),
  )

const STREAMS = 12
const metadata = new EventMetadata({ occurredAt: DateTime.unsafeMake("2026-09-01T08:00:00Z") })

/** Appends `count` renames spread over the streams, one append each. */
export const append = (count: number) =>
  Effect.gen(function* () {
    const events = yield* EventStore.EventStore
    for (let i = 0; i < count; i++) {
      const k = i % STREAMS
      const streamName = StreamName.make("Structure", `crash-${k}`)
      const { version } = yield* events.streamInfo(streamName)
      const event = Schema.decodeUnknownSync(StructureEvents.StructureRenamed)({
        _tag: "StructureRenamed",
        structureId: `crash-${k}`,
        name: `Lycée ${version + 1}`,
      })
      yield* events.append(streamName, ExpectedVersion.exact(version), [{ event, metadata }])
    }
  })

interface Worker {
  readonly child: ChildProcess
  readonly ready: Promise<void>
  readonly output: () => string
}

const root = Path.resolve(import.meta.dirname, "../../..")

const start = (script: string, args: ReadonlyArray<string>): Worker => {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: root, stdio: "pipe" })
  let output = ""
  const ready = new Promise<void>((resolve) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8")
      if (output.includes("ready\n")) resolve()
    })
    child.stderr!.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8")
    })
    child.on("close", () => resolve())
  })
  return { child, ready, output: () => output }
}

const killed = (worker: Worker) =>
  new Promise<void>((resolve) => {
    if (worker.child.exitCode !== null || worker.child.signalCode !== null) return resolve()
    worker.child.once("close", () => resolve())
    worker.child.kill("SIGKILL")
  })

/**
 * The scenario: `before` events, then `processes` workers; `kills` times, a
 * random worker is killed after a random while and another started, while the
 * test appends `during` more events; then the workers left catch up and the
 * read model is compared with the log.
 */
export const scenario = (options: {
  readonly worker: string
  readonly args: ReadonlyArray<string>
  readonly processes: number
  readonly kills: number
  readonly before: number
  readonly during: number
}) =>
  Effect.gen(function* () {
    yield* append(options.before)
    const workers: Array<Worker> = []
    const stopAll = Effect.promise(() => Promise.all(workers.map(killed)))
    yield* Effect.addFinalizer(() => stopAll)
    for (let i = 0; i < options.processes; i++) workers.push(start(options.worker, options.args))
    yield* Effect.promise(() => Promise.all(workers.map((w) => w.ready)))
    const perKill = Math.ceil(options.during / options.kills)
    for (let k = 0; k < options.kills; k++) {
      yield* Effect.sleep(`${100 + Math.floor(Math.random() * 400)} millis`)
      const victim = Math.floor(Math.random() * workers.length)
      yield* Effect.promise(() => killed(workers[victim]!))
      workers[victim] = start(options.worker, options.args)
      yield* append(perKill)
    }
    yield* Effect.promise(() => Promise.all(workers.map((w) => w.ready)))

    // The workers left catch up to the head.
    const store = yield* ReadModelStore.ReadModelStore
    const log = yield* EventStore.EventStore.pipe(Effect.flatMap((events) => events.readAll(0, 1_000_000)))
    const head = log.at(-1)!.position
    const id = Projection.idOf(projection)
    let position = 0
    for (let i = 0; i < 600 && position < head; i++) {
      const checkpoint = yield* store.checkpoint(id)
      position = checkpoint._tag === "Some" ? checkpoint.value.position : 0
      if (position < head) yield* Effect.sleep("100 millis")
    }
    // While workers run, one of them holds the lease.
    const heldByAWorker = !(yield* store.acquireLease(id, "the-test", 60_000))
    const outputs = workers.map((w) => w.output())
    yield* stopAll

    const expected = new Map<string, Array<number>>()
    for (const recorded of log) {
      const positions = expected.get(recorded.streamName) ?? []
      positions.push(recorded.position)
      expected.set(recorded.streamName, positions)
    }
    const applied = yield* ProjectionRuntime.reader(projection, "applied")
    const documents = yield* applied.getMany([...expected.keys()])
    return {
      head,
      position,
      heldByAWorker,
      expected: [...expected.entries()].map(([stream, positions]) => ({ stream, positions })),
      applied: documents.map((d) => ({ stream: d.stream, positions: [...d.positions] })),
      outputs,
    }
  })

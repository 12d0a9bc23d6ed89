/**
 * The work of one process of the cold-start tests: open the store, append to a
 * stream of its own through the typed store, read it back, create and look up a
 * subject key. Printed as one JSON line; the exit code says whether it all worked.
 */
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import * as EventStore from "@cartable/eventlog/EventStore"
import { EventStoreDriver } from "@cartable/eventlog/EventStoreDriver"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as Cause from "effect/Cause"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

const Noted = Schema.TaggedStruct("Noted", { id: Schema.String, text: Schema.String })

/** The catalogue the workers write with. */
export const catalog = EventCatalog.make({ Noted })

/** What a worker prints when it succeeded. */
export interface Report {
  readonly version: number
  readonly rows: number
  readonly key: string
}

const metadata = new EventMetadata({
  occurredAt: DateTime.unsafeMake("2025-09-01T08:00:00Z"),
  actor: "cold-start",
  correlationId: "cold-start",
})

/** Runs the worker's work over `layer` and exits the process: 0 and a Report, or 1 and the failure. */
export const run = async <E>(
  id: string,
  layer: Layer.Layer<EventStore.EventStore | EventStoreDriver | SubjectKeyStore.SubjectKeyStore, E>,
): Promise<never> => {
  const work = Effect.gen(function* () {
    const store = yield* EventStore.EventStore
    const driver = yield* EventStoreDriver
    const keys = yield* SubjectKeyStore.SubjectKeyStore
    const stream = StreamName.make("Cold", id)
    const result = yield* store.append(stream, ExpectedVersion.noStream, [
      { event: Noted.make({ id, text: `from process ${id}` }), metadata },
    ])
    const rows = yield* driver.readStream(stream, 0)
    const key = yield* keys.getOrCreate(`subject-${id}`)
    const looked = yield* keys.lookup([`subject-${id}`])
    return {
      version: result.streamVersion,
      rows: rows.length,
      key: `${key._tag}/${looked.get(`subject-${id}`)?._tag}`,
    } satisfies Report
  })
  const exit = await Effect.runPromiseExit(Effect.provide(work, layer))
  if (Exit.isSuccess(exit)) {
    process.stdout.write(`${JSON.stringify(exit.value)}\n`)
    process.exit(0)
  }
  process.stdout.write(`${JSON.stringify({ failure: Cause.pretty(exit.cause) })}\n`)
  process.exit(1)
}

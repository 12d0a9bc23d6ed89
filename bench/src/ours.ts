/**
 * Our two variants, the same on every database: the driver (encoded events in,
 * stored rows out) and the typed EventStore over it. Each database's file opens
 * the runtimes and times these next to its raw driver, so that the workloads of
 * our adapters cannot differ from one database to the other.
 */

import * as EventStore from "@cartable/eventlog/EventStore"
import { type EncodedEvent, EventStoreDriver, type StoredEvent } from "@cartable/eventlog/EventStoreDriver"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import type { NewEvent, RecordedEvent } from "@cartable/eventlog/RecordedEvent"
import type * as StreamName from "@cartable/eventlog/StreamName"
import * as Effect from "effect/Effect"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import { encodedEvent, foldData, type ItemNoted, newEvent, streamName } from "./harness.ts"

/** Appends in the order they are made: a stream and the version its one event gets. */
export type Order = ReadonlyArray<readonly [string, number]>

/** A runtime of our adapter on any database, with the driver and the typed store over it. */
export type Runtime = ManagedRuntime.ManagedRuntime<EventStoreDriver | EventStore.EventStore, unknown>

/** The page size of the read-all workload. */
const PAGE = 1000

/** What workloads 1 to 4 do with one of our variants. */
export interface Variant {
  /** Workload 1: one event per append, expecting the version before it. */
  readonly appendSingles: (chunk: Order) => Promise<void>
  /** Workload 2: one append of `size` events to each new stream `streamName(prefix, index)`. */
  readonly appendBatches: (prefix: string, indices: ReadonlyArray<number>, size: number) => Promise<void>
  /** Workload 3: reads each stream and folds it; returns the fold. */
  readonly foldStreams: (streams: ReadonlyArray<string>) => Promise<number>
  /** Workload 4: reads the whole log from position 0 in pages of 1,000 and folds it; returns the fold. */
  readonly foldAll: () => Promise<number>
}

/** The labels of our variants' rows, the same in every database's table. */
export const labels = {
  typedAppend: "typed EventStore over it (Schema encode)",
  driverFold: "our driver: readStream, JSON.parse, fold",
  typedFold: "typed EventStore: readStream (Schema decode), fold",
  driverAll: "our driver",
  typedAll: "typed EventStore (Schema decode)",
} as const

/**
 * What a variant needs of its port: how to append events of its kind, make one,
 * read a stream and a page of the log, and fold what it reads.
 */
interface Port<A, S extends { readonly position: number }> {
  readonly append: (
    stream: StreamName.StreamName,
    expected: ExpectedVersion.ExpectedVersion,
    events: ReadonlyArray<A>,
  ) => Effect.Effect<unknown, unknown>
  readonly make: (stream: string, seq: number) => A
  readonly readStream: (stream: StreamName.StreamName) => Effect.Effect<ReadonlyArray<S>, unknown>
  readonly readAll: (after: number, limit: number) => Effect.Effect<ReadonlyArray<S>, unknown>
  readonly fold: (state: number, read: ReadonlyArray<S>) => number
}

const driverPort = (driver: EventStoreDriver.Service): Port<EncodedEvent, StoredEvent> => ({
  append: (stream, expected, events) => driver.append(stream, expected, events),
  make: encodedEvent,
  readStream: (stream) => driver.readStream(stream, 0),
  readAll: (after, limit) => driver.readAll(after, limit),
  fold: (state, rows) => rows.reduce((s, row) => foldData(s, row.data), state),
})

const typedPort = (store: EventStore.EventStore.Service): Port<NewEvent, RecordedEvent> => ({
  append: (stream, expected, events) => store.append(stream, expected, events),
  make: newEvent,
  readStream: (stream) => store.readStream(stream),
  readAll: (after, limit) => store.readAll(after, limit),
  fold: (state, events) => events.reduce((s, r) => s + (r.event as typeof ItemNoted.Type).seq, state),
})

/** Workload 1: one event per append, expecting the version before it. */
const appendEach = <A, S extends { readonly position: number }>(port: Port<A, S>, chunk: Order) =>
  Effect.forEach(
    chunk,
    ([stream, v]) => port.append(stream as StreamName.StreamName, ExpectedVersion.exact(v - 1), [port.make(stream, v)]),
    { discard: true },
  )

/** Workload 1 through the driver. */
export const driverAppends = (driver: EventStoreDriver.Service, chunk: Order) => appendEach(driverPort(driver), chunk)

/** Workload 1 through the typed store. */
export const typedAppends = (store: EventStore.EventStore.Service, chunk: Order) => appendEach(typedPort(store), chunk)

const variant = <A, S extends { readonly position: number }>(runtime: Runtime, port: Port<A, S>): Variant => ({
  appendSingles: (chunk) => runtime.runPromise(appendEach(port, chunk)),
  appendBatches: (prefix, indices, size) =>
    runtime.runPromise(
      Effect.forEach(
        indices,
        (s) => {
          const stream = streamName(prefix, s)
          const events = Array.from({ length: size }, (_, i) => port.make(stream, i + 1))
          return port.append(stream as StreamName.StreamName, ExpectedVersion.noStream, events)
        },
        { discard: true },
      ),
    ),
  foldStreams: (streams) =>
    runtime.runPromise(
      Effect.gen(function* () {
        let check = 0
        for (const stream of streams) check = port.fold(check, yield* port.readStream(stream as StreamName.StreamName))
        return check
      }),
    ),
  foldAll: () =>
    runtime.runPromise(
      Effect.gen(function* () {
        let check = 0
        let after = 0
        for (;;) {
          const read = yield* port.readAll(after, PAGE)
          check = port.fold(check, read)
          if (read.length < PAGE) break
          after = read[read.length - 1]!.position
        }
        return check
      }),
    ),
})

/** Our driver on `runtime`. */
export const driver = async (runtime: Runtime): Promise<Variant> =>
  variant(runtime, driverPort(await runtime.runPromise(EventStoreDriver)))

/** The typed EventStore over our driver on `runtime`. */
export const typed = async (runtime: Runtime): Promise<Variant> =>
  variant(runtime, typedPort(await runtime.runPromise(EventStore.EventStore)))

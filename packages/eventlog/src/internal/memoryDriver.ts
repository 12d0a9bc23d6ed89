import * as Effect from "effect/Effect"
import type {
  AppendResult,
  EncodedEvent,
  EventStoreDriver,
  StoredEvent,
  StreamAppend,
  StreamInfo,
} from "../EventStoreDriver.ts"
import { ConcurrencyConflict, EventStoreError } from "../EventStoreError.ts"
import * as ExpectedVersion from "../ExpectedVersion.ts"
import type { StreamName } from "../StreamName.ts"
import { validating } from "./driverValidation.ts"

interface Stream {
  readonly events: Array<StoredEvent>
  tombstoned: boolean
}

/**
 * Receives, for each write, the function that undoes it. A memory transaction
 * spanning this driver and other memory stores (the read-model store) collects
 * them to roll everything back together; it also keeps other fibers out while it
 * runs, so undoing in reverse order restores exactly the state it started from.
 */
export type RecordUndo = (undo: () => void) => void

const ignoreUndo: RecordUndo = () => {}

/** Every call runs in one synchronous step, so appends are atomic. */
export const makeRecording = (record: RecordUndo): Effect.Effect<EventStoreDriver.Service> =>
  Effect.sync(() => {
    const all: Array<StoredEvent> = []
    const streams = new Map<string, Stream>()

    const tombstoned = (streamName: StreamName) =>
      new EventStoreError({ reason: "StreamTombstoned", message: `Stream ${streamName} was tombstoned`, streamName })

    /** Why `expected` does not hold for the stream now, if it does not. */
    const refusal = (
      streamName: StreamName,
      expected: ExpectedVersion.ExpectedVersion,
    ): ConcurrencyConflict | EventStoreError | undefined => {
      const stream = streams.get(streamName)
      if (stream?.tombstoned) return tombstoned(streamName)
      const actual = stream?.events.length ?? 0
      if (ExpectedVersion.matches(expected, actual)) return undefined
      return new ConcurrencyConflict({ streamName, expected: ExpectedVersion.format(expected), actual })
    }

    /** Writes the events of a stream whose expectation was checked. */
    const write = (streamName: StreamName, events: ReadonlyArray<EncodedEvent>): AppendResult => {
      const stream = streams.get(streamName)
      const target = stream ?? { events: [], tombstoned: false }
      if (stream === undefined) streams.set(streamName, target)
      const before = target.events.length
      record(() => {
        all.length -= events.length
        target.events.length = before
        if (stream === undefined) streams.delete(streamName)
      })
      for (const event of events) {
        const stored: StoredEvent = {
          ...event,
          position: all.length + 1,
          streamName,
          streamVersion: target.events.length + 1,
        }
        all.push(stored)
        target.events.push(stored)
      }
      return { streamVersion: target.events.length, lastPosition: all.length }
    }

    const append = (
      streamName: StreamName,
      expected: ExpectedVersion.ExpectedVersion,
      events: ReadonlyArray<EncodedEvent>,
    ) =>
      Effect.suspend((): Effect.Effect<AppendResult, ConcurrencyConflict | EventStoreError> => {
        const refused = refusal(streamName, expected)
        return refused === undefined ? Effect.succeed(write(streamName, events)) : Effect.fail(refused)
      })

    // Every expectation is checked before anything is written, in one synchronous step: all or nothing.
    const appendMany = (appends: ReadonlyArray<StreamAppend>) =>
      Effect.suspend((): Effect.Effect<ReadonlyArray<AppendResult>, ConcurrencyConflict | EventStoreError> => {
        for (const { streamName, expected } of appends) {
          const refused = refusal(streamName, expected)
          if (refused !== undefined) return Effect.fail(refused)
        }
        return Effect.succeed(appends.map(({ streamName, events }) => write(streamName, events)))
      })

    const readStream = (streamName: StreamName, afterVersion: number) =>
      Effect.suspend(() => {
        const stream = streams.get(streamName)
        if (stream?.tombstoned) return Effect.fail(tombstoned(streamName))
        return Effect.succeed(stream === undefined ? [] : stream.events.slice(afterVersion))
      })

    const readAll = (afterPosition: number, limit: number) =>
      Effect.sync(() => all.slice(afterPosition, afterPosition + limit))

    const streamInfo = (streamName: StreamName) =>
      Effect.sync((): StreamInfo => {
        const stream = streams.get(streamName)
        return { version: stream?.events.length ?? 0, tombstoned: stream?.tombstoned ?? false }
      })

    const tombstone = (streamName: StreamName) =>
      Effect.sync(() => {
        const stream = streams.get(streamName)
        if (stream === undefined) {
          streams.set(streamName, { events: [], tombstoned: true })
          record(() => streams.delete(streamName))
        } else {
          const was = stream.tombstoned
          stream.tombstoned = true
          record(() => {
            stream.tombstoned = was
          })
        }
      })

    // Positions have no gaps here: a tombstone marks its stream and takes no position.
    const head = Effect.sync(() => all.length)

    // Arguments are checked once, in the shared validation, exactly as for the SQL driver.
    return validating({ append, appendMany, readStream, readAll, streamInfo, tombstone, head })
  })

export const make: Effect.Effect<EventStoreDriver.Service> = makeRecording(ignoreUndo)

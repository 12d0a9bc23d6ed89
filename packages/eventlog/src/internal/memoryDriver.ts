import * as Effect from "effect/Effect"
import type { AppendResult, EncodedEvent, EventStoreDriver, StoredEvent, StreamInfo } from "../EventStoreDriver.ts"
import { ConcurrencyConflict, EventStoreError } from "../EventStoreError.ts"
import * as ExpectedVersion from "../ExpectedVersion.ts"
import type { StreamName } from "../StreamName.ts"

interface Stream {
  readonly events: Array<StoredEvent>
  tombstoned: boolean
}

/** Every call runs in one synchronous step, so appends are atomic. */
export const make: Effect.Effect<EventStoreDriver.Service> = Effect.sync(() => {
  const all: Array<StoredEvent> = []
  const streams = new Map<string, Stream>()

  const tombstoned = (streamName: StreamName) =>
    new EventStoreError({ reason: "StreamTombstoned", message: `Stream ${streamName} was tombstoned`, streamName })

  const append = (
    streamName: StreamName,
    expected: ExpectedVersion.ExpectedVersion,
    events: ReadonlyArray<EncodedEvent>,
  ) =>
    Effect.suspend((): Effect.Effect<AppendResult, ConcurrencyConflict | EventStoreError> => {
      if (events.length === 0) {
        return Effect.fail(
          new EventStoreError({ reason: "InvalidArgument", message: "An append needs at least one event", streamName }),
        )
      }
      const reserved = events.find((event) => event.type.startsWith("$"))
      if (reserved !== undefined) {
        return Effect.fail(
          new EventStoreError({
            reason: "InvalidArgument",
            message: `Event type ${reserved.type} is reserved: types starting with $ belong to the store`,
            streamName,
          }),
        )
      }
      // The same row constraints as the SQL schema's CHECKs, so that every driver refuses the same batches.
      const bad = events.findIndex(
        (event) => event.type === "" || !Number.isSafeInteger(event.schemaVersion) || event.schemaVersion < 1,
      )
      if (bad >= 0) {
        return Effect.fail(
          new EventStoreError({
            reason: "InvalidArgument",
            message: `Event ${bad + 1} of the batch has an empty type or a schema version below 1, nothing was appended`,
            streamName,
          }),
        )
      }
      const stream = streams.get(streamName)
      if (stream?.tombstoned) return Effect.fail(tombstoned(streamName))
      const actual = stream?.events.length ?? 0
      if (!ExpectedVersion.matches(expected, actual)) {
        return Effect.fail(new ConcurrencyConflict({ streamName, expected: ExpectedVersion.format(expected), actual }))
      }
      const target = stream ?? { events: [], tombstoned: false }
      if (stream === undefined) streams.set(streamName, target)
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
      return Effect.succeed({ streamVersion: target.events.length, lastPosition: all.length })
    })

  const readStream = (streamName: StreamName, afterVersion: number) =>
    Effect.suspend(() => {
      const stream = streams.get(streamName)
      if (stream?.tombstoned) return Effect.fail(tombstoned(streamName))
      return Effect.succeed(stream === undefined ? [] : stream.events.slice(Math.max(0, afterVersion)))
    })

  const readAll = (afterPosition: number, limit: number) =>
    Effect.sync(() => all.slice(Math.max(0, afterPosition), Math.max(0, afterPosition) + Math.max(0, limit)))

  const streamInfo = (streamName: StreamName) =>
    Effect.sync((): StreamInfo => {
      const stream = streams.get(streamName)
      return { version: stream?.events.length ?? 0, tombstoned: stream?.tombstoned ?? false }
    })

  const tombstone = (streamName: StreamName) =>
    Effect.sync(() => {
      const stream = streams.get(streamName)
      if (stream === undefined) streams.set(streamName, { events: [], tombstoned: true })
      else stream.tombstoned = true
    })

  return { append, readStream, readAll, streamInfo, tombstone }
})

import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as EventCatalog from "../EventCatalog.ts"
import { EventMetadata } from "../EventMetadata.ts"
import type { EventStore } from "../EventStore.ts"
import { type EncodedEvent, EventStoreDriver, type StoredEvent } from "../EventStoreDriver.ts"
import { EventStoreError } from "../EventStoreError.ts"
import type { ExpectedVersion } from "../ExpectedVersion.ts"
import type { NewEvent, RecordedEvent } from "../RecordedEvent.ts"
import type { StreamName } from "../StreamName.ts"

const encodeMetadata = Schema.encode(Schema.parseJson(EventMetadata))
const decodeMetadata = Schema.decode(Schema.parseJson(EventMetadata))

export const make = Effect.fnUntraced(function* (catalog: EventCatalog.EventCatalog) {
  const driver = yield* EventStoreDriver

  const encodeOne = (streamName: StreamName) => (newEvent: NewEvent) =>
    Effect.all({
      encoded: EventCatalog.encode(catalog, newEvent.event),
      metadata: encodeMetadata(newEvent.metadata).pipe(
        Effect.mapError(
          (error) =>
            new EventCatalog.CatalogError({
              type: newEvent.event._tag,
              message: `Metadata does not encode: ${ParseResult.TreeFormatter.formatErrorSync(error)}`,
            }),
        ),
      ),
    }).pipe(
      Effect.map(
        ({ encoded, metadata }): EncodedEvent => ({
          type: encoded.type,
          schemaVersion: encoded.schemaVersion,
          data: JSON.stringify(encoded.data),
          metadata,
        }),
      ),
      Effect.mapError(
        (error) => new EventStoreError({ reason: "Encode", message: error.message, streamName, cause: error }),
      ),
    )

  const decodeOne = (row: StoredEvent): Effect.Effect<RecordedEvent, EventStoreError> =>
    Effect.all({
      event: Effect.try({
        try: () => JSON.parse(row.data) as unknown,
        catch: () => new EventCatalog.CatalogError({ type: row.type, message: `Event ${row.type} is not JSON` }),
      }).pipe(Effect.flatMap((data) => EventCatalog.decode(catalog, row.type, row.schemaVersion, data))),
      metadata: decodeMetadata(row.metadata).pipe(
        Effect.mapError(
          (error) =>
            new EventCatalog.CatalogError({
              type: row.type,
              message: `Metadata does not decode: ${ParseResult.TreeFormatter.formatErrorSync(error)}`,
            }),
        ),
      ),
    }).pipe(
      Effect.map(({ event, metadata }) => ({
        position: row.position,
        streamName: row.streamName,
        streamVersion: row.streamVersion,
        type: row.type,
        schemaVersion: row.schemaVersion,
        event,
        metadata,
      })),
      Effect.mapError(
        (error) =>
          new EventStoreError({
            reason: "Decode",
            message: `${error.message} (stream ${row.streamName}, version ${row.streamVersion}, position ${row.position})`,
            streamName: row.streamName,
            cause: error,
          }),
      ),
    )

  const decodeRows = (rows: ReadonlyArray<StoredEvent>) => Effect.forEach(rows, decodeOne)

  const append = (streamName: StreamName, expected: ExpectedVersion, events: ReadonlyArray<NewEvent>) =>
    Effect.forEach(events, encodeOne(streamName)).pipe(
      Effect.flatMap((encoded) => driver.append(streamName, expected, encoded)),
      Effect.withSpan("EventStore.append", { attributes: { streamName, events: events.length } }),
    )

  const readStream = (streamName: StreamName, afterVersion = 0) =>
    driver
      .readStream(streamName, afterVersion)
      .pipe(Effect.flatMap(decodeRows), Effect.withSpan("EventStore.readStream", { attributes: { streamName } }))

  const readAll = (afterPosition: number, limit: number) =>
    driver
      .readAll(afterPosition, limit)
      .pipe(Effect.flatMap(decodeRows), Effect.withSpan("EventStore.readAll", { attributes: { afterPosition, limit } }))

  return {
    append,
    readStream,
    readAll,
    streamInfo: driver.streamInfo,
    tombstone: driver.tombstone,
  } satisfies EventStore.Service
})

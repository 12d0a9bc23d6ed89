import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as EventCatalog from "../EventCatalog.ts"
import { EventMetadata } from "../EventMetadata.ts"
import type { EventStore } from "../EventStore.ts"
import { type EncodedEvent, EventStoreDriver, type StoredEvent } from "../EventStoreDriver.ts"
import { EventStoreError } from "../EventStoreError.ts"
import type { ExpectedVersion } from "../ExpectedVersion.ts"
import * as PersonalDataCipher from "../PersonalDataCipher.ts"
import type { NewEvent, RecordedEvent } from "../RecordedEvent.ts"
import type { StreamName } from "../StreamName.ts"
import type { KeyState, SubjectKeyStoreError } from "../SubjectKeyStore.ts"
import * as SubjectKeyStore from "../SubjectKeyStore.ts"

const encodeMetadata = Schema.encode(Schema.parseJson(EventMetadata))
const decodeMetadata = Schema.decode(Schema.parseJson(EventMetadata))

interface Encoded {
  readonly type: string
  readonly schemaVersion: number
  readonly data: unknown
  readonly metadata: string
}

const noKeys: ReadonlyMap<string, KeyState> = new Map()

/** Subjects whose key state the store keeps for writing; the oldest is dropped past this. */
const WRITE_KEYS = 10_000

export const make = Effect.fnUntraced(function* (catalog: EventCatalog.EventCatalog) {
  const driver = yield* EventStoreDriver
  const keys = yield* SubjectKeyStore.SubjectKeyStore
  const cipher = PersonalDataCipher.make(catalog)

  // Keys for encryption only, so that an append needs no key store round trip. A key
  // destroyed by another process meanwhile is harmless: what it encrypts is unreadable,
  // that is, erased. Reads never use this cache: an erasure must hide old data at once.
  const writeKeys = new Map<string, KeyState>()
  const remember = (subject: string, state: KeyState) => {
    writeKeys.delete(subject)
    if (writeKeys.size >= WRITE_KEYS) writeKeys.delete(writeKeys.keys().next().value!)
    writeKeys.set(subject, state)
  }
  const keyForWrite = (subject: string) => {
    const known = writeKeys.get(subject)
    return known !== undefined
      ? Effect.succeed(known)
      : Effect.tap(keys.getOrCreate(subject), (state) => remember(subject, state))
  }
  const destroyKey = (subject: string) =>
    Effect.tap(keys.destroy(subject), () => remember(subject, SubjectKeyStore.destroyed))

  const keyStoreFailed =
    (streamName?: StreamName) =>
    (error: SubjectKeyStoreError): EventStoreError =>
      new EventStoreError({
        reason: "Unavailable",
        message: `The subject key store failed: ${error.message}`,
        ...(streamName === undefined ? {} : { streamName }),
        cause: error,
      })

  const encodeFailed = (streamName: StreamName) => (error: EventCatalog.CatalogError) =>
    new EventStoreError({ reason: "Encode", message: error.message, streamName, cause: error })

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
        ({ encoded, metadata }): Encoded => ({
          type: encoded.type,
          schemaVersion: encoded.schemaVersion,
          data: encoded.data,
          metadata,
        }),
      ),
      Effect.mapError(encodeFailed(streamName)),
    )

  const personalDataFailed = (streamName: StreamName) => (error: PersonalDataCipher.PersonalDataError) =>
    new EventStoreError({ reason: "Encode", message: error.message, streamName, cause: error })

  /**
   * Encrypts the personal fields of a batch, then destroys the keys its erasure
   * events name, before anything is written: a recorded erasure event therefore
   * always means a destroyed key, and the batch's own personal values about the
   * erased subject are written under the key being destroyed, so they read as erased.
   */
  const protect = Effect.fnUntraced(function* (streamName: StreamName, batch: ReadonlyArray<Encoded>) {
    const subjects: Array<string | undefined> = []
    const erased = new Set<string>()
    for (const event of batch) {
      subjects.push(yield* Either.mapLeft(cipher.subjectOf(event.type, event.data), personalDataFailed(streamName)))
      const erasedSubject = yield* Either.mapLeft(
        cipher.erasedSubjectOf(event.type, event.data),
        personalDataFailed(streamName),
      )
      if (erasedSubject !== undefined) erased.add(erasedSubject)
    }
    const states = new Map<string, KeyState>()
    for (const subject of subjects) {
      if (subject === undefined || states.has(subject)) continue
      states.set(subject, yield* keyForWrite(subject).pipe(Effect.mapError(keyStoreFailed(streamName))))
    }
    const encoded: Array<EncodedEvent> = []
    for (const [index, event] of batch.entries()) {
      const subject = subjects[index]
      const data =
        subject === undefined
          ? event.data
          : yield* Either.mapLeft(
              cipher.encrypt(event.type, event.data, states.get(subject)!),
              personalDataFailed(streamName),
            )
      encoded.push({
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: JSON.stringify(data),
        metadata: event.metadata,
      })
    }
    for (const subject of erased) {
      yield* destroyKey(subject).pipe(Effect.mapError(keyStoreFailed(streamName)))
    }
    return encoded
  })

  const decodeFailed = (row: StoredEvent, message: string, cause: unknown) =>
    new EventStoreError({
      reason: "Decode",
      message: `${message} (stream ${row.streamName}, version ${row.streamVersion}, position ${row.position})`,
      streamName: row.streamName,
      cause,
    })

  const decodeOne = (row: StoredEvent, data: unknown): Effect.Effect<RecordedEvent, EventStoreError> =>
    Effect.all({
      event: EventCatalog.decode(catalog, row.type, row.schemaVersion, data),
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
      Effect.mapError((error) => decodeFailed(row, error.message, error)),
    )

  /** Parses a page, looks up the keys of all its envelopes in one call, decrypts, then decodes. */
  const decodeRows = Effect.fnUntraced(function* (rows: ReadonlyArray<StoredEvent>) {
    const parsed: Array<unknown> = []
    const subjects = new Set<string>()
    for (const row of rows) {
      let data: unknown
      try {
        data = JSON.parse(row.data)
      } catch (cause) {
        return yield* decodeFailed(row, `Event ${row.type} is not JSON`, cause)
      }
      if (PersonalDataCipher.mayHoldEnvelopes(row.data)) PersonalDataCipher.collectSubjects(data, subjects)
      parsed.push(data)
    }
    const states =
      subjects.size === 0
        ? noKeys
        : yield* keys.lookup([...subjects]).pipe(Effect.mapError(keyStoreFailed(rows[0]?.streamName)))
    const recorded: Array<RecordedEvent> = []
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index]!
      const data =
        states === noKeys
          ? parsed[index]
          : yield* Either.mapLeft(PersonalDataCipher.decrypt(row.type, parsed[index], states), (error) =>
              decodeFailed(row, error.message, error),
            )
      recorded.push(yield* decodeOne(row, data))
    }
    return recorded as ReadonlyArray<RecordedEvent>
  })

  const append = (streamName: StreamName, expected: ExpectedVersion, events: ReadonlyArray<NewEvent>) =>
    Effect.forEach(events, encodeOne(streamName)).pipe(
      Effect.flatMap((batch) => protect(streamName, batch)),
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

  const eraseSubject = (subjectId: string) =>
    destroyKey(subjectId).pipe(
      Effect.mapError(keyStoreFailed()),
      Effect.withSpan("EventStore.eraseSubject", { attributes: { subjectId } }),
    )

  return {
    append,
    readStream,
    readAll,
    streamInfo: driver.streamInfo,
    tombstone: driver.tombstone,
    eraseSubject,
  } satisfies EventStore.Service
})

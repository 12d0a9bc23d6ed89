import * as Text from "@cartable/kernel/Text"
import * as Tracing from "@cartable/kernel/Tracing"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Metric from "effect/Metric"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as EventCatalog from "../EventCatalog.ts"
import * as EventLogMetrics from "../EventLogMetrics.ts"
import { EventMetadata } from "../EventMetadata.ts"
import type { EventStore } from "../EventStore.ts"
import { type EncodedEvent, EventStoreDriver, type StoredEvent, type StreamAppend } from "../EventStoreDriver.ts"
import { EventStoreError } from "../EventStoreError.ts"
import type { ExpectedVersion } from "../ExpectedVersion.ts"
import * as PersonalDataCipher from "../PersonalDataCipher.ts"
import type { AnyEvent, NewEvent, RecordedEvent } from "../RecordedEvent.ts"
import type { StreamName } from "../StreamName.ts"
import * as StreamNames from "../StreamName.ts"
import type { KeyState, SubjectKeyStoreError } from "../SubjectKeyStore.ts"
import * as SubjectKeyStore from "../SubjectKeyStore.ts"
import * as UnreadPersonalData from "../UnreadPersonalData.ts"
import * as MetadataCodec from "./metadataCodec.ts"
import * as StoredDecoder from "./storedDecoder.ts"
import * as StoredJson from "./storedJson.ts"
import * as Untraced from "./untraced.ts"

const encodeMetadata = Schema.encodeEither(EventMetadata)
const decodeMetadata = Schema.decodeUnknownEither(EventMetadata)

interface Encoded {
  readonly type: string
  readonly schemaVersion: number
  readonly data: unknown
  readonly metadata: string
}

const noKeys: ReadonlyMap<string, KeyState> = new Map()

/** How a row that does not decode leaves the synchronous decoding loop of a page. */
class Stop {
  constructor(readonly error: EventStoreError) {}
}

/** Subjects whose key state the store keeps for writing; the oldest is dropped past this. */
const WRITE_KEYS = 10_000

export const make = Effect.fnUntraced(function* (
  catalog: EventCatalog.EventCatalog,
  options: { readonly spans?: boolean } = {},
) {
  const driver = yield* EventStoreDriver
  const keys = yield* SubjectKeyStore.SubjectKeyStore
  const cipher = PersonalDataCipher.make(catalog)
  // Decoders of the current version of each type that decode the store's own parsed JSON in place
  // (internal/storedDecoder.ts, "owned"): no copy of every event; anything else goes to the catalogue.
  const ownedDecoders = new Map<string, { readonly version: number; readonly decode: StoredDecoder.Decoder }>()
  for (const [type, entry] of catalog.entries) {
    const decode = StoredDecoder.compile(entry.schema, "owned")
    if (decode !== undefined) ownedDecoders.set(type, { version: entry.version, decode })
  }
  const decodeOwned = (row: StoredEvent, data: unknown): unknown => {
    const owned = ownedDecoders.get(row.type)
    if (owned === undefined || owned.version !== row.schemaVersion) return StoredDecoder.FALLBACK
    try {
      return owned.decode(data)
    } catch {
      // The catalogue decodes it again and words what went wrong.
      return StoredDecoder.FALLBACK
    }
  }
  // The type-side personal fields of each type, hidden in events read without decryption.
  const personalFields = UnreadPersonalData.personalFieldsByType(
    Array.from(catalog.entries, ([type, entry]) => [type, entry.schema] as const),
  )
  // The call site of a span is always this file: capturing its stack would only cost.
  const traced =
    options.spans === false
      ? (_name: string, _attributes: Record<string, unknown>) =>
          <A, E, R>(effect: Effect.Effect<A, E, R>) =>
            effect
      : (name: string, attributes: Record<string, unknown>) =>
          Tracing.withSpan(name, { attributes, captureStackTrace: false })

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

  const encodeFailed = (streamName: StreamName, message: string, cause?: unknown) =>
    new EventStoreError({ reason: "Encode", message, streamName, ...(cause === undefined ? {} : { cause }) })

  const invalidArgument = (message: string, streamName?: string) =>
    new EventStoreError({ reason: "InvalidArgument", message, ...(streamName === undefined ? {} : { streamName }) })

  /** The store checks every stream name it is given: a driver never sees one that could be altered or too long. */
  const checkName = (streamName: StreamName): Either.Either<StreamName, EventStoreError> => {
    if (StreamNames.is(streamName)) return Either.right(streamName)
    // Quoted through JSON, cut short: a lone surrogate or a newline shows as an escape, a huge name stays small.
    const given: unknown = streamName
    const shown = typeof given === "string" ? JSON.stringify(given.slice(0, 100)) : typeof given
    return Either.left(
      invalidArgument(
        `Invalid stream name ${shown} (streamName): <Category>-<id>, one line of at most ${StreamNames.MAX_LENGTH} characters, without control characters, line separators or lone surrogates`,
      ),
    )
  }

  const unstorable = (what: string, problem: StoredJson.Problem) =>
    `${what} cannot be stored${problem.path === "" ? "" : ` (field ${problem.path})`}: ${problem.message}`

  // The events of one append share their metadata object: encode it once.
  const metadataTexts = new WeakMap<EventMetadata, string>()
  const metadataText = (streamName: StreamName, newEvent: NewEvent): Either.Either<string, EventStoreError> => {
    const known = metadataTexts.get(newEvent.metadata)
    if (known !== undefined) return Either.right(known)
    const fast = MetadataCodec.encode(newEvent.metadata)
    const encoded = fast === undefined ? encodeMetadata(newEvent.metadata) : Either.right(fast)
    if (Either.isLeft(encoded)) {
      return Either.left(
        encodeFailed(
          streamName,
          `Metadata of ${newEvent.event._tag} does not encode: ${ParseResult.TreeFormatter.formatErrorSync(encoded.left)}`,
          encoded.left,
        ),
      )
    }
    const stored = StoredJson.toStored(encoded.right)
    if (Either.isLeft(stored)) {
      return Either.left(encodeFailed(streamName, unstorable(`Metadata of ${newEvent.event._tag}`, stored.left)))
    }
    const text = JSON.stringify(stored.right)
    metadataTexts.set(newEvent.metadata, text)
    return Either.right(text)
  }

  /**
   * Encodes a batch synchronously: an append is mostly this, so no Effect per event.
   * The encoded data must be plain JSON that reads back as written (storedJson.ts),
   * so that nothing acknowledged is unreadable.
   */
  const encodeBatch = (
    streamName: StreamName,
    events: ReadonlyArray<NewEvent>,
  ): Either.Either<ReadonlyArray<Encoded>, EventStoreError> => {
    const batch: Array<Encoded> = []
    for (const newEvent of events) {
      const encoded = EventCatalog.encodeEither(catalog, newEvent.event)
      if (Either.isLeft(encoded)) return Either.left(encodeFailed(streamName, encoded.left.message, encoded.left))
      const data = StoredJson.toStored(encoded.right.data)
      if (Either.isLeft(data))
        return Either.left(encodeFailed(streamName, unstorable(`Event ${encoded.right.type}`, data.left)))
      const metadata = metadataText(streamName, newEvent)
      if (Either.isLeft(metadata)) return Either.left(metadata.left)
      batch.push({ ...encoded.right, data: data.right, metadata: metadata.right })
    }
    return Either.right(batch)
  }

  const personalDataFailed = (streamName: StreamName) => (error: PersonalDataCipher.PersonalDataError) =>
    encodeFailed(streamName, error.message, error)

  /** The data subjects of a batch and the subjects its erasure events name, found synchronously. */
  const subjectsOf = (
    streamName: StreamName,
    batch: ReadonlyArray<Encoded>,
  ): Either.Either<
    { readonly subjects: ReadonlyArray<string | undefined>; readonly erased: ReadonlySet<string> },
    EventStoreError
  > => {
    const subjects: Array<string | undefined> = []
    const erased = new Set<string>()
    for (const event of batch) {
      const subject = cipher.subjectOf(event.type, event.data)
      if (Either.isLeft(subject)) return Either.left(personalDataFailed(streamName)(subject.left))
      subjects.push(subject.right)
      const erasedSubject = cipher.erasedSubjectOf(event.type, event.data)
      if (Either.isLeft(erasedSubject)) return Either.left(personalDataFailed(streamName)(erasedSubject.left))
      if (erasedSubject.right !== undefined) erased.add(erasedSubject.right)
    }
    return Either.right({ subjects, erased })
  }

  const toRow = (event: Encoded, data: unknown): EncodedEvent => ({
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: JSON.stringify(data),
    metadata: event.metadata,
  })

  /** Encrypts the personal fields of a batch with the key states of its subjects, synchronously. */
  const sealBatch = (
    streamName: StreamName,
    batch: ReadonlyArray<Encoded>,
    subjects: ReadonlyArray<string | undefined>,
    states: ReadonlyMap<string, KeyState>,
  ): Either.Either<ReadonlyArray<EncodedEvent>, EventStoreError> => {
    const encoded: Array<EncodedEvent> = []
    for (let index = 0; index < batch.length; index++) {
      const event = batch[index]!
      const subject = subjects[index]
      if (subject === undefined) {
        encoded.push(toRow(event, event.data))
        continue
      }
      const data = cipher.encrypt(event.type, event.data, states.get(subject)!)
      if (Either.isLeft(data)) return Either.left(personalDataFailed(streamName)(data.left))
      encoded.push(toRow(event, data.right))
    }
    return Either.right(encoded)
  }

  /**
   * Encrypts the personal fields of a batch, then destroys the keys its erasure
   * events name, before anything is written: a recorded erasure event therefore
   * always means a destroyed key, and the batch's own personal values about the
   * erased subject are written under the key being destroyed, so they read as erased.
   * Without an erasure and with every key known (the usual append), it takes no
   * Effect step.
   */
  const protect = (
    streamName: StreamName,
    batch: ReadonlyArray<Encoded>,
    subjects: ReadonlyArray<string | undefined>,
    erased: ReadonlySet<string>,
  ): Effect.Effect<ReadonlyArray<EncodedEvent>, EventStoreError> => {
    const states = new Map<string, KeyState>()
    let missing = false
    for (const subject of subjects) {
      if (subject === undefined || states.has(subject)) continue
      const known = writeKeys.get(subject)
      if (known === undefined) missing = true
      else states.set(subject, known)
    }
    if (!missing && erased.size === 0) return sealBatch(streamName, batch, subjects, states)
    return Effect.gen(function* () {
      for (const subject of subjects) {
        if (subject === undefined || states.has(subject)) continue
        states.set(subject, yield* keyForWrite(subject).pipe(Effect.mapError(keyStoreFailed(streamName))))
      }
      const encoded = yield* sealBatch(streamName, batch, subjects, states)
      for (const subject of erased) {
        yield* destroyKey(subject).pipe(Effect.mapError(keyStoreFailed(streamName)))
      }
      return encoded
    })
  }

  /**
   * Encodes and protects a batch; without personal data nor erasure it stays
   * synchronous. It never throws: whatever the caller hands in, the answer is an Effect.
   */
  const rowsOf = (
    streamName: StreamName,
    events: ReadonlyArray<NewEvent>,
  ): Effect.Effect<ReadonlyArray<EncodedEvent>, EventStoreError> => {
    try {
      return protectBatch(streamName, events)
    } catch (cause) {
      return Effect.fail(encodeFailed(streamName, `The batch cannot be encoded: ${String(cause)}`, cause))
    }
  }

  const protectBatch = (
    streamName: StreamName,
    events: ReadonlyArray<NewEvent>,
  ): Effect.Effect<ReadonlyArray<EncodedEvent>, EventStoreError> => {
    const name = checkName(streamName)
    if (Either.isLeft(name)) return Effect.fail(name.left)
    if (!Array.isArray(events)) return Effect.fail(invalidArgument("An append takes an array of events", streamName))
    const batch = encodeBatch(streamName, events)
    if (Either.isLeft(batch)) return Effect.fail(batch.left)
    const found = subjectsOf(streamName, batch.right)
    if (Either.isLeft(found)) return Effect.fail(found.left)
    const { subjects, erased } = found.right
    if (erased.size === 0 && subjects.every((subject) => subject === undefined)) {
      return Effect.succeed(batch.right.map((event) => toRow(event, event.data)))
    }
    return protect(streamName, batch.right, subjects, erased)
  }

  const decodeFailed = (row: StoredEvent, message: string, cause: unknown) =>
    new EventStoreError({
      reason: "Decode",
      message: `${message} (stream ${row.streamName}, version ${row.streamVersion}, position ${row.position})`,
      streamName: row.streamName,
      cause,
    })

  // Rows appended together carry the same metadata text: decode it once per run of equal texts.
  let lastText: string | undefined
  let lastValue: EventMetadata | undefined
  /** The row's metadata; throws a {@link Stop} when it does not decode. */
  const metadataOf = (row: StoredEvent): EventMetadata => {
    if (lastText === row.metadata) return lastValue!
    let json: unknown
    try {
      json = JSON.parse(row.metadata)
    } catch (cause) {
      throw new Stop(decodeFailed(row, `Metadata of ${row.type} is not JSON`, cause))
    }
    let value = MetadataCodec.decode(json)
    if (value === undefined) {
      const decoded = decodeMetadata(json)
      if (Either.isLeft(decoded)) {
        throw new Stop(
          decodeFailed(
            row,
            `Metadata of ${row.type} does not decode: ${ParseResult.TreeFormatter.formatErrorSync(decoded.left)}`,
            decoded.left,
          ),
        )
      }
      value = decoded.right
    }
    lastText = row.metadata
    lastValue = value
    return value
  }

  /** One decoded event; throws a {@link Stop} when it does not decode. */
  const decodeOne = (row: StoredEvent, data: unknown, unread: boolean): RecordedEvent => {
    let decoded = decodeOwned(row, data) as AnyEvent | typeof StoredDecoder.FALLBACK
    if (decoded === StoredDecoder.FALLBACK) {
      const event = EventCatalog.decodeEither(catalog, row.type, row.schemaVersion, data)
      if (Either.isLeft(event)) throw new Stop(decodeFailed(row, event.left.message, event.left))
      decoded = event.right
    }
    const metadata = metadataOf(row)
    const hidden = unread ? personalFields.get(row.type) : undefined
    return {
      position: row.position,
      streamName: row.streamName,
      streamVersion: row.streamVersion,
      type: row.type,
      schemaVersion: row.schemaVersion,
      event: hidden === undefined ? decoded : UnreadPersonalData.hide(row.type, decoded, hidden, true),
      metadata,
    }
  }

  /**
   * Decrypts (with the page's key states), unescapes and decodes parsed rows, in
   * one synchronous loop without an Either per event: a row that does not decode
   * throws a {@link Stop}.
   */
  const decodeParsed = (
    rows: ReadonlyArray<StoredEvent>,
    parsed: ReadonlyArray<unknown>,
    walked: ReadonlyArray<boolean>,
    states: ReadonlyMap<string, KeyState>,
    unread: boolean,
  ): ReadonlyArray<RecordedEvent> => {
    const recorded: Array<RecordedEvent> = new Array(rows.length)
    // In place, whatever the keys: the parsed values are the store's own.
    let decrypt: ReturnType<typeof PersonalDataCipher.decryptorOwned> | undefined
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index]!
      let data = parsed[index]
      if (walked[index]) {
        // The parsed value is the store's own: decrypted where it lies, without a copy.
        decrypt ??= PersonalDataCipher.decryptorOwned(states)
        const decrypted = decrypt(row.type, data)
        if (Either.isLeft(decrypted)) throw new Stop(decodeFailed(row, decrypted.left.message, decrypted.left))
        data = decrypted.right
      }
      recorded[index] = decodeOne(row, data, unread)
    }
    return recorded
  }

  /** Whatever a row holds, decoding it answers an Either: a throw (an exhausted stack) is a Decode error. */
  const decodeSafely = (
    rows: ReadonlyArray<StoredEvent>,
    parsed: ReadonlyArray<unknown>,
    walked: ReadonlyArray<boolean>,
    states: ReadonlyMap<string, KeyState>,
    unread: boolean,
  ): Either.Either<ReadonlyArray<RecordedEvent>, EventStoreError> => {
    try {
      return Either.right(decodeParsed(rows, parsed, walked, states, unread))
    } catch (cause) {
      if (cause instanceof Stop) return Either.left(cause.error)
      return Either.left(decodeFailed(rows[0]!, `A page of events cannot be decoded: ${String(cause)}`, cause))
    }
  }

  /**
   * Parses a page, looks up the keys of all its envelopes in one call, decrypts,
   * then decodes. Only rows whose text may hold envelopes or escaped keys are walked.
   * `unread`: sealed envelopes are dropped unopened and their fields hidden
   * (UnreadPersonalData), so that no key is looked up for them.
   */
  const decodeRows = (
    rows: ReadonlyArray<StoredEvent>,
    unread = false,
    known: ReadonlyMap<string, KeyState> = noKeys,
  ): Effect.Effect<ReadonlyArray<RecordedEvent>, EventStoreError> => {
    const parsed: Array<unknown> = []
    const walked: Array<boolean> = []
    const subjects = new Set<string>()
    for (const row of rows) {
      try {
        parsed.push(JSON.parse(row.data))
      } catch (cause) {
        return Effect.fail(decodeFailed(row, `Event ${row.type} is not JSON`, cause))
      }
      const walk = PersonalDataCipher.mayHoldEnvelopes(row.data)
      walked.push(walk)
      if (walk) {
        if (unread) PersonalDataCipher.dropSealed(parsed.at(-1))
        PersonalDataCipher.collectSubjects(parsed.at(-1), subjects)
      }
    }
    if (subjects.size === 0) return decodeSafely(rows, parsed, walked, noKeys, unread)
    // The keys the driver read with the rows (KeyedReads), and the others from the key store.
    const missing: Array<string> = []
    for (const subject of subjects) if (!known.has(subject)) missing.push(subject)
    if (missing.length === 0) return decodeSafely(rows, parsed, walked, known, unread)
    return keys.lookup(missing).pipe(
      Effect.mapError(keyStoreFailed(rows[0]?.streamName)),
      Effect.flatMap((states) => {
        if (known.size === 0) return decodeSafely(rows, parsed, walked, states, unread)
        const merged = new Map(known)
        for (const [subject, state] of states) merged.set(subject, state)
        return decodeSafely(rows, parsed, walked, merged, unread)
      }),
    )
  }

  // The driver's reads of a stream with its keys, when their keys are this store's key store's.
  const keyed = driver.keyedReads !== undefined && driver.keyedReads.keyStore === keys ? driver.keyedReads : undefined
  const isKeyStoreError = (error: EventStoreError | SubjectKeyStoreError): error is SubjectKeyStoreError =>
    error._tag === "SubjectKeyStoreError"
  const readStreamRows = (
    streamName: StreamName,
    afterVersion: number,
  ): Effect.Effect<ReadonlyArray<RecordedEvent>, EventStoreError> =>
    keyed === undefined
      ? Effect.flatMap(driver.readStream(streamName, afterVersion), (rows) => decodeRows(rows))
      : keyed.readStream(streamName, afterVersion).pipe(
          Effect.mapError((error) => (isKeyStoreError(error) ? keyStoreFailed(streamName)(error) : error)),
          Effect.flatMap((read) => decodeRows(read.events, false, read.keys)),
        )

  const named =
    <A, E>(f: (streamName: StreamName) => Effect.Effect<A, E>) =>
    (streamName: StreamName): Effect.Effect<A, E | EventStoreError> =>
      Effect.suspend((): Effect.Effect<A, E | EventStoreError> => {
        const name = checkName(streamName)
        return Either.isLeft(name) ? Effect.fail(name.left) : f(name.right)
      })

  // A failed append may have rolled back the key rows it created (one transaction with the events).
  const forgetOnFailure = <A, E>(effect: Effect.Effect<A, E>) =>
    Effect.tapError(effect, () => Effect.sync(() => writeKeys.clear()))
  // The metrics of each stream category, tagged once: a category is an aggregate's name.
  const categoryMetrics = new Map<
    string,
    {
      readonly duration: typeof EventLogMetrics.appendDuration
      readonly appended: typeof EventLogMetrics.eventsAppended
    }
  >()
  const metricsOf = (streamName: StreamName) => {
    const named = StreamNames.is(streamName) ? StreamNames.category(streamName) : "invalid"
    // Past a hundred categories (none of the library has that many), the others share one tag.
    const category = categoryMetrics.has(named) || categoryMetrics.size < 100 ? named : "other"
    let metrics = categoryMetrics.get(category)
    if (metrics === undefined) {
      metrics = {
        duration: Metric.tagged(EventLogMetrics.appendDuration, "category", category),
        appended: Metric.tagged(EventLogMetrics.eventsAppended, "category", category),
      }
      categoryMetrics.set(category, metrics)
    }
    return metrics
  }

  const appendUntraced = (streamName: StreamName, expected: ExpectedVersion, events: ReadonlyArray<NewEvent>) => {
    const metrics = metricsOf(streamName)
    return Effect.flatMap(
      Effect.suspend(() => rowsOf(streamName, events)),
      (rows) =>
        Effect.tap(forgetOnFailure(driver.append(streamName, expected, rows)), () =>
          Metric.incrementBy(metrics.appended, rows.length),
        ),
    ).pipe(Metric.trackDuration(metrics.duration))
  }
  const append = (streamName: StreamName, expected: ExpectedVersion, events: ReadonlyArray<NewEvent>) =>
    appendUntraced(streamName, expected, events).pipe(
      traced("EventStore.append", { streamName, events: Array.isArray(events) ? events.length : 0 }),
    )

  const appendMany = (appends: ReadonlyArray<StreamAppend<NewEvent>>) =>
    Effect.suspend(() => {
      const many = driver.appendMany
      if (many === undefined) {
        return Effect.fail(invalidArgument("This store's driver cannot append to several streams at once (appendMany)"))
      }
      if (!Array.isArray(appends)) return Effect.fail(invalidArgument("appendMany takes an array of appends"))
      return Effect.flatMap(
        Effect.forEach(appends, ({ streamName, expected, events }) =>
          Effect.map(
            Effect.suspend(() => rowsOf(streamName, events)),
            (rows): StreamAppend => ({ streamName, expected, events: rows }),
          ),
        ),
        (rows) => forgetOnFailure(many(rows)),
      )
    }).pipe(traced("EventStore.appendMany", { streams: Array.isArray(appends) ? appends.length : 0 }))

  const readStreamUntraced = (streamName: StreamName, afterVersion = 0) =>
    named((name) => readStreamRows(name, afterVersion))(streamName)
  const readStream = (streamName: StreamName, afterVersion = 0) =>
    readStreamUntraced(streamName, afterVersion).pipe(traced("EventStore.readStream", { streamName }))

  const readAll = (afterPosition: number, limit: number) =>
    driver
      .readAll(afterPosition, limit)
      .pipe(Effect.flatMap(decodeRows), traced("EventStore.readAll", { afterPosition, limit }))

  const readAllOfTypes = (
    afterPosition: number,
    limit: number,
    types: ReadonlySet<string>,
    options?: EventStore.ReadOptions,
  ) =>
    driver.readAll(afterPosition, limit).pipe(
      Effect.flatMap((rows) =>
        Effect.map(
          decodeRows(
            rows.filter((row) => types.has(row.type)),
            options?.decrypt === false,
          ),
          (events): EventStore.Page => ({
            events,
            rows: rows.length,
            lastPosition: rows.at(-1)?.position ?? afterPosition,
          }),
        ),
      ),
      traced("EventStore.readAllOfTypes", { afterPosition, limit }),
    )

  // A subject id that is not well-formed would be stored as another one: its key would never be found again.
  const eraseSubject = (subjectId: string) =>
    Effect.suspend(() =>
      typeof subjectId === "string" && subjectId.length > 0 && Text.isWellFormed(subjectId)
        ? destroyKey(subjectId).pipe(Effect.mapError(keyStoreFailed()))
        : Effect.fail(invalidArgument("A subject id is a non-empty, well-formed string (no lone surrogate)")),
    ).pipe(traced("EventStore.eraseSubject", { subjectId }))

  const service: EventStore.Service = {
    append,
    appendMany,
    readStream,
    readAll,
    readAllOfTypes,
    streamInfo: named(driver.streamInfo),
    tombstone: named(driver.tombstone),
    eraseSubject,
    head: driver.head.pipe(traced("EventStore.head", {})),
  }
  // A transaction that rolled back took the key rows it created with it: forget every key for writing.
  Untraced.attachRolledBack(service, () => writeKeys.clear())
  return Untraced.attach(service, { readStream: readStreamUntraced, append: appendUntraced })
})

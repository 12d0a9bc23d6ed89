import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { EncodedEvent, EventStoreDriver, KeyedReads, StreamAppend } from "../EventStoreDriver.ts"
import { EventStoreError } from "../EventStoreError.ts"
import type { ExpectedVersion } from "../ExpectedVersion.ts"
import { MAX_LENGTH, StreamName } from "../StreamName.ts"

/**
 * The longest stream name (and event type) in UTF-8 bytes: what the longest valid
 * stream name (MAX_LENGTH UTF-16 units, at most three bytes each) can take, so that
 * the driver never refuses a name the typed store accepts. PostgreSQL refuses a
 * B-tree entry over about 2,700 bytes and the unique key holds the tenant and the
 * stream name: this leaves room, whatever `tenantOf` derives.
 */
export const MAX_NAME_BYTES = 3 * MAX_LENGTH

interface Measure {
  readonly bytes: number
  readonly wellFormed: boolean
}

/** UTF-8 length and UTF-16 well-formedness in one pass, stopping once past `max`. */
const measure = (text: string, max: number): Measure => {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (!(next >= 0xdc00 && next <= 0xdfff)) return { bytes, wellFormed: false }
      bytes += 4
      i++
    } else if (c >= 0xdc00 && c <= 0xdfff) return { bytes, wellFormed: false }
    else bytes += 3
    if (bytes > max) return { bytes, wellFormed: true }
  }
  return { bytes, wellFormed: true }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Whether a (possibly large) text is well-formed UTF-16: native where Node has it (20+). */
const isWellFormed = (text: string): boolean => {
  const native = (text as { readonly isWellFormed?: () => boolean }).isWellFormed
  return typeof native === "function" ? native.call(text) : !LONE_SURROGATE.test(text)
}

/** A short, escaped excerpt of a value for a message: errors never echo a large input. */
const excerpt = (value: unknown): string => {
  if (typeof value !== "string") return typeof value === "number" ? String(value) : typeof value
  const head = value.length > 40 ? `${value.slice(0, 40)}…` : value
  return JSON.stringify(isWellFormed(head) ? head : head.replace(/[\ud800-\udfff]/g, "\ufffd"))
}

const invalid = (message: string, streamName?: string): EventStoreError =>
  new EventStoreError({
    reason: "InvalidArgument",
    message,
    ...(streamName === undefined ? {} : { streamName }),
  })

const isStreamName = Schema.is(StreamName)

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0

/** A name stored in an index (a stream name, an event type): text, well-formed, at most MAX_NAME_BYTES. */
const checkName = (field: string, value: unknown): string | undefined => {
  if (typeof value !== "string") return `${field} must be a string, got ${excerpt(value)}`
  const { bytes, wellFormed } = measure(value, MAX_NAME_BYTES)
  if (!wellFormed) return `${field} ${excerpt(value)} is not well-formed UTF-16 (it holds a lone surrogate)`
  if (bytes > MAX_NAME_BYTES) {
    return `${field} ${excerpt(value)} is longer than ${MAX_NAME_BYTES} UTF-8 bytes (${value.length.toLocaleString("en")} characters)`
  }
  return undefined
}

const checkStreamName = (streamName: unknown): EventStoreError | undefined => {
  const problem = checkName("streamName", streamName)
  if (problem !== undefined) return invalid(problem)
  if (!isStreamName(streamName)) return invalid(`streamName ${excerpt(streamName)} is not of the form <Category>-<id>`)
  return undefined
}

const checkExpected = (expected: ExpectedVersion, streamName: string): EventStoreError | undefined => {
  const tag = (expected as { readonly _tag?: unknown } | null)?._tag
  if (tag === "Any" || tag === "NoStream") return undefined
  if (tag === "Exact") {
    const version = (expected as { readonly version?: unknown }).version
    return isCount(version)
      ? undefined
      : invalid(`expected.version must be an integer of at least 0, got ${excerpt(version)}`, streamName)
  }
  return invalid(`expected must be ExpectedVersion.any, noStream or exact(n), got ${excerpt(tag)}`, streamName)
}

const checkEvent = (event: EncodedEvent, index: number): string | undefined => {
  const at = `events[${index}]`
  if (typeof event !== "object" || event === null) return `${at} must be an encoded event, got ${excerpt(event)}`
  const nameProblem = checkName(`${at}.type`, event.type)
  if (nameProblem !== undefined) return nameProblem
  if (event.type === "") return `${at}.type must not be empty`
  if (event.type.startsWith("$")) {
    return `${at}.type ${excerpt(event.type)} is reserved: types starting with $ belong to the store`
  }
  if (!Number.isSafeInteger(event.schemaVersion) || event.schemaVersion < 1) {
    return `${at}.schemaVersion must be an integer of at least 1, got ${excerpt(event.schemaVersion)}`
  }
  for (const field of ["data", "metadata"] as const) {
    const value = event[field]
    if (typeof value !== "string") return `${at}.${field} must be a JSON text, got ${excerpt(value)}`
    if (!isWellFormed(value)) return `${at}.${field} is not well-formed UTF-16 (it holds a lone surrogate)`
  }
  return undefined
}

const checkEvents = (events: ReadonlyArray<EncodedEvent>, streamName: string): EventStoreError | undefined => {
  if (!Array.isArray(events)) return invalid(`events must be an array, got ${excerpt(events)}`, streamName)
  if (events.length === 0) return invalid("An append needs at least one event", streamName)
  for (let index = 0; index < events.length; index++) {
    const problem = checkEvent(events[index]!, index)
    if (problem !== undefined) return invalid(`${problem}: nothing was appended`, streamName)
  }
  return undefined
}

/**
 * Checks every call's arguments before the driver sees them, so that every driver
 * gives the same `InvalidArgument` answer to the same malformed call.
 */
export const validating = (driver: EventStoreDriver.Service): EventStoreDriver.Service => ({
  append: (streamName, expected, events) => {
    const error = checkStreamName(streamName) ?? checkExpected(expected, streamName) ?? checkEvents(events, streamName)
    return error === undefined ? driver.append(streamName, expected, events) : Effect.fail(error)
  },
  readStream: (streamName, afterVersion) => {
    const error = checkReadStream(streamName, afterVersion)
    return error === undefined ? driver.readStream(streamName, afterVersion) : Effect.fail(error)
  },
  readAll: (afterPosition, limit) => {
    const error = !isCount(afterPosition)
      ? invalid(`afterPosition must be an integer of at least 0, got ${excerpt(afterPosition)}`)
      : !isCount(limit)
        ? invalid(`limit must be an integer of at least 0, got ${excerpt(limit)}`)
        : undefined
    return error === undefined ? driver.readAll(afterPosition, limit) : Effect.fail(error)
  },
  streamInfo: (streamName) => {
    const error = checkStreamName(streamName)
    return error === undefined ? driver.streamInfo(streamName) : Effect.fail(error)
  },
  tombstone: (streamName) => {
    const error = checkStreamName(streamName)
    return error === undefined ? driver.tombstone(streamName) : Effect.fail(error)
  },
  head: driver.head,
  ...(driver.appendMany === undefined ? {} : { appendMany: validatingMany(driver.appendMany) }),
  ...(driver.keyedReads === undefined ? {} : { keyedReads: validatingKeyed(driver.keyedReads) }),
})

const checkReadStream = (streamName: StreamName, afterVersion: number): EventStoreError | undefined =>
  checkStreamName(streamName) ??
  (isCount(afterVersion)
    ? undefined
    : invalid(`afterVersion must be an integer of at least 0, got ${excerpt(afterVersion)}`, streamName))

const validatingKeyed = (keyed: KeyedReads): KeyedReads => ({
  keyStore: keyed.keyStore,
  readStream: (streamName, afterVersion) => {
    const error = checkReadStream(streamName, afterVersion)
    return error === undefined ? keyed.readStream(streamName, afterVersion) : Effect.fail(error)
  },
})

/** Each append of the call checked as a single one, then no stream twice: the errors name the entry. */
const validatingMany =
  (
    appendMany: NonNullable<EventStoreDriver.Service["appendMany"]>,
  ): NonNullable<EventStoreDriver.Service["appendMany"]> =>
  (appends) => {
    if (!Array.isArray(appends)) return Effect.fail(invalid(`appends must be an array, got ${excerpt(appends)}`))
    const seen = new Set<string>()
    for (let index = 0; index < appends.length; index++) {
      const entry = appends[index] as StreamAppend | null | undefined
      if (typeof entry !== "object" || entry === null) {
        return Effect.fail(invalid(`appends[${index}] must be a stream's append, got ${excerpt(entry)}`))
      }
      const { streamName, expected, events } = entry
      const error =
        checkStreamName(streamName) ?? checkExpected(expected, streamName) ?? checkEvents(events, streamName)
      if (error !== undefined) {
        return Effect.fail(
          invalid(`appends[${index}]: ${error.message}`, typeof streamName === "string" ? streamName : undefined),
        )
      }
      if (seen.has(streamName)) {
        return Effect.fail(invalid(`appends[${index}]: stream ${streamName} appears twice in one call`, streamName))
      }
      seen.add(streamName)
    }
    return appends.length === 0 ? Effect.succeed([]) : appendMany(appends)
  }

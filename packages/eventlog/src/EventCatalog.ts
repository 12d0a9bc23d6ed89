/**
 * The event catalogue: which event types the log holds, their Schema, their
 * current version and how older versions are upcast on read. A distribution
 * merges the catalogues of its aggregates with its own events.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as StoredDecoder from "./internal/storedDecoder.ts"
import type { AnyEvent } from "./RecordedEvent.ts"

/**
 * An event's Schema: a tagged value whose encoded form is JSON, with no context.
 *
 * @since 0.1.0
 */
export type EventSchema = Schema.Schema.AnyNoContext

/**
 * How to turn the encoded data of version `n` into the encoded data of version
 * `n + 1`: keyed by `n`. An upcaster works on plain JSON values and never fails;
 * what it returns is then decoded with the current Schema.
 *
 * @since 0.1.0
 */
export type Upcasters = Readonly<Record<number, (data: unknown) => unknown>>

/**
 * One catalogue entry.
 *
 * @since 0.1.0
 */
export interface Entry {
  readonly type: string
  readonly version: number
  readonly schema: Schema.Schema<AnyEvent, unknown>
  readonly upcasters: Upcasters
  /**
   * The Schema's encoder and decoder, compiled once; the decoder answers as the
   * Schema does, through a decoder specialised to the Schema where it can.
   */
  readonly encodeEither: (event: AnyEvent) => Either.Either<unknown, ParseResult.ParseError>
  readonly decodeEither: (data: unknown) => Either.Either<AnyEvent, ParseResult.ParseError>
}

/**
 * Options of a registered event: its current version (1 by default) and the
 * upcasters from each older version.
 *
 * @since 0.1.0
 */
export interface EventOptions {
  readonly version?: number
  readonly upcasters?: Upcasters
}

/**
 * The catalogue, a map from event type to entry.
 *
 * @since 0.1.0
 */
export interface EventCatalog {
  readonly entries: ReadonlyMap<string, Entry>
}

const asEntry = (type: string, schema: EventSchema, options: EventOptions = {}): Entry => {
  // The catalogue only needs the Schema's decode and encode, whatever its encoded type.
  const eventSchema = schema as unknown as Schema.Schema<AnyEvent, unknown>
  const decodeWithSchema = Schema.decodeUnknownEither(eventSchema)
  const encodeWithSchema = Schema.encodeEither(eventSchema)
  const compiled = StoredDecoder.compile(eventSchema)
  return {
    type,
    version: options.version ?? 1,
    schema: eventSchema,
    upcasters: options.upcasters ?? {},
    // The compiled Schemas encode to their type: encoding checks and copies the same way as decoding.
    encodeEither:
      compiled === undefined
        ? encodeWithSchema
        : (event) => {
            const encoded = compiled(event)
            return encoded === StoredDecoder.FALLBACK ? encodeWithSchema(event) : Either.right(encoded)
          },
    decodeEither:
      compiled === undefined
        ? decodeWithSchema
        : (data) => {
            // Only a value the Schema would decode the same is answered here; the Schema judges the rest.
            const decoded = compiled(data)
            return decoded === StoredDecoder.FALLBACK ? decodeWithSchema(data) : Either.right(decoded as AnyEvent)
          },
  }
}

/**
 * Builds a catalogue from a record of event Schemas keyed by their `_tag`.
 * Each value is a Schema, or `[schema, options]` for a versioned event.
 *
 * @example
 * const catalog = EventCatalog.make({ ...Account.events, ...Report.events })
 * @since 0.1.0
 */
export const make = (
  events: Readonly<Record<string, EventSchema | readonly [EventSchema, EventOptions]>>,
): EventCatalog => {
  const entries = new Map<string, Entry>()
  for (const [type, value] of Object.entries(events)) {
    entries.set(type, Array.isArray(value) ? asEntry(type, value[0], value[1]) : asEntry(type, value as EventSchema))
  }
  return { entries }
}

/**
 * The union of catalogues; an event type defined twice is a programming error.
 *
 * @since 0.1.0
 */
export const merge = (...catalogs: ReadonlyArray<EventCatalog>): EventCatalog => {
  const entries = new Map<string, Entry>()
  for (const catalog of catalogs) {
    for (const [type, entry] of catalog.entries) {
      if (entries.has(type)) throw new Error(`Event type ${type} is registered twice`)
      entries.set(type, entry)
    }
  }
  return { entries }
}

/**
 * Why the catalogue could not encode or decode an event:
 * - `UnknownType`: the event type is not in the catalogue;
 * - `UnknownVersion`: the stored schema version is newer than the catalogue's, or not a version at all;
 * - `MissingUpcaster`: no upcaster leads from the stored version to the current one;
 * - `UpcastFailed`: an upcaster threw;
 * - `EncodeFailed`: the event does not encode with its Schema;
 * - `DecodeFailed`: the stored data does not decode with the current Schema.
 *
 * @since 0.1.0
 */
export const CatalogErrorReason = Schema.Literal(
  "UnknownType",
  "UnknownVersion",
  "MissingUpcaster",
  "UpcastFailed",
  "EncodeFailed",
  "DecodeFailed",
)

/** @since 0.1.0 */
export type CatalogErrorReason = typeof CatalogErrorReason.Type

/**
 * Why an event could not be encoded or decoded with the catalogue.
 *
 * @since 0.1.0
 */
export class CatalogError extends Schema.TaggedError<CatalogError>("@cartable/eventlog/CatalogError")("CatalogError", {
  reason: CatalogErrorReason,
  type: Schema.String,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect),
}) {}

const MAX_ISSUES = 5
const MAX_ISSUE_LENGTH = 200

const cut = (text: string, length: number) => (text.length > length ? `${text.slice(0, length)}…` : text)

/**
 * The issues of a parse error, each with the path of its field, bounded: a
 * Schema message may echo the value (a 10 MB name), and the error travels on.
 * A Schema over a deeply nested value may overflow the stack while its error is
 * formatted: that must be a CatalogError, never a throw.
 */
const describe = (error: ParseResult.ParseError): string => {
  try {
    const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
    const shown = issues
      .slice(0, MAX_ISSUES)
      .map((issue) =>
        cut(`${issue.path.length === 0 ? "(root)" : issue.path.join(".")}: ${issue.message}`, MAX_ISSUE_LENGTH),
      )
    const more = issues.length > MAX_ISSUES ? `; and ${issues.length - MAX_ISSUES} more` : ""
    return `${shown.join("; ")}${more}`
  } catch {
    return "the value is too deeply nested to describe"
  }
}

const failed = (reason: CatalogErrorReason, type: string, message: string, cause?: unknown) =>
  Either.left(new CatalogError({ reason, type, message, ...(cause === undefined ? {} : { cause }) }))

const unknownType = (type: string) => failed("UnknownType", type, `Event type ${type} is not in the catalogue`)

/**
 * Encodes an event to its current version's JSON value, synchronously.
 *
 * @since 0.1.0
 */
export const encodeEither = (
  catalog: EventCatalog,
  event: AnyEvent,
): Either.Either<{ readonly type: string; readonly schemaVersion: number; readonly data: unknown }, CatalogError> => {
  const entry = catalog.entries.get(event._tag)
  if (entry === undefined) return unknownType(String(event._tag))
  try {
    return Either.match(entry.encodeEither(event), {
      onLeft: (error) => failed("EncodeFailed", entry.type, `Event ${entry.type} does not encode: ${describe(error)}`),
      onRight: (data) => Either.right({ type: entry.type, schemaVersion: entry.version, data }),
    })
  } catch (cause) {
    return failed("EncodeFailed", entry.type, `Event ${entry.type} does not encode: ${String(cause)}`, cause)
  }
}

/**
 * Encodes an event to its current version's JSON value.
 *
 * @since 0.1.0
 */
export const encode = (
  catalog: EventCatalog,
  event: AnyEvent,
): Effect.Effect<{ readonly type: string; readonly schemaVersion: number; readonly data: unknown }, CatalogError> =>
  encodeEither(catalog, event)

/**
 * Decodes stored data written with `schemaVersion`, upcasting it first, synchronously.
 *
 * @since 0.1.0
 */
export const decodeEither = (
  catalog: EventCatalog,
  type: string,
  schemaVersion: number,
  data: unknown,
): Either.Either<AnyEvent, CatalogError> => {
  const entry = catalog.entries.get(type)
  if (entry === undefined) return unknownType(type)
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) {
    return failed("UnknownVersion", type, `Event ${type} was written with version ${schemaVersion}, not a version`)
  }
  if (schemaVersion > entry.version) {
    return failed(
      "UnknownVersion",
      type,
      `Event ${type} was written with version ${schemaVersion}, newer than this catalogue's ${entry.version}`,
    )
  }
  let current = data
  for (let version = schemaVersion; version < entry.version; version++) {
    const upcast = entry.upcasters[version]
    if (upcast === undefined) {
      return failed("MissingUpcaster", type, `Event ${type} has no upcaster from version ${version}`)
    }
    try {
      current = upcast(current)
    } catch (cause) {
      return failed("UpcastFailed", type, `Event ${type}'s upcaster from version ${version} failed: ${cause}`, cause)
    }
  }
  try {
    // The decoder's own Right is the answer: no copy of it per event.
    const decoded = entry.decodeEither(current)
    return Either.isRight(decoded)
      ? (decoded as unknown as Either.Either<AnyEvent, CatalogError>)
      : decodeFailed(type, schemaVersion, describe(decoded.left))
  } catch (cause) {
    return decodeFailed(type, schemaVersion, String(cause), cause)
  }
}

const decodeFailed = (type: string, schemaVersion: number, detail: string, cause?: unknown) =>
  failed("DecodeFailed", type, `Event ${type} (version ${schemaVersion}) does not decode: ${detail}`, cause)

/**
 * Decodes stored data written with `schemaVersion`, upcasting it first.
 *
 * @since 0.1.0
 */
export const decode = (
  catalog: EventCatalog,
  type: string,
  schemaVersion: number,
  data: unknown,
): Effect.Effect<AnyEvent, CatalogError> => decodeEither(catalog, type, schemaVersion, data)

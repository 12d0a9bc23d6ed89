/**
 * The envelope's metadata, encoded and decoded without Schema for the shape the
 * store writes: every event has metadata of its own, and Schema's general
 * decoder cost as much as the event's. Anything else goes to the Schema, which
 * gives the answer (and the error message) for it; the tests check both agree.
 */
import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import { EventMetadata } from "../EventMetadata.ts"

/** The stored JSON of metadata, as `Schema.encode(EventMetadata)` gives it. */
export interface StoredMetadata {
  readonly occurredAt: string
  readonly actor?: string
  readonly correlationId?: string
  readonly causationId?: string
}

const optionalString = (value: unknown): boolean => value === undefined || typeof value === "string"

/**
 * The encoded form of an `EventMetadata` instance (validated when it was built),
 * or `undefined` when the value is not one and the Schema must judge it.
 */
export const encode = (metadata: unknown): StoredMetadata | undefined => {
  if (!(metadata instanceof EventMetadata)) return undefined
  const { occurredAt, actor, correlationId, causationId } = metadata
  if (!DateTime.isDateTime(occurredAt) || !DateTime.isUtc(occurredAt)) return undefined
  if (!optionalString(actor) || !optionalString(correlationId) || !optionalString(causationId)) return undefined
  const stored: { -readonly [K in keyof StoredMetadata]: StoredMetadata[K] } = {
    occurredAt: DateTime.formatIso(occurredAt),
  }
  if (actor !== undefined) stored.actor = actor
  if (correlationId !== undefined) stored.correlationId = correlationId
  if (causationId !== undefined) stored.causationId = causationId
  return stored
}

/**
 * The instant of a stored date as the Schema reads it (what `DateTime.unsafeMake`
 * takes, kept if it is UTC), or `undefined`. The store writes ISO texts ending
 * in `Z`, which `unsafeMake` hands to `new Date` as they are: parsed here the
 * same way, without its zone test, try and Option; anything else goes through it.
 */
const dateOf = (text: string): DateTime.Utc | undefined => {
  if (text.length > 0 && text.charCodeAt(text.length - 1) === 90 /* Z */) {
    const millis = Date.parse(text)
    return Number.isNaN(millis) ? undefined : DateTime.unsafeMake(millis)
  }
  const date = DateTime.make(text)
  return Option.isSome(date) && DateTime.isUtc(date.value) ? date.value : undefined
}

/**
 * The metadata of parsed stored JSON, or `undefined` when it is not of the shape
 * the store writes (a field of another type, a date that does not parse): the
 * Schema decides then. Unknown fields are ignored, as the Schema ignores them.
 */
export const decode = (json: unknown): EventMetadata | undefined => {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined
  const { occurredAt, actor, correlationId, causationId } = json as Record<string, unknown>
  if (typeof occurredAt !== "string") return undefined
  if (!optionalString(actor) || !optionalString(correlationId) || !optionalString(causationId)) return undefined
  const occurred = dateOf(occurredAt)
  if (occurred === undefined) return undefined
  const fields: { -readonly [K in keyof EventMetadata]?: EventMetadata[K] } = { occurredAt: occurred }
  if (actor !== undefined) fields.actor = actor as string
  if (correlationId !== undefined) fields.correlationId = correlationId as string
  if (causationId !== undefined) fields.causationId = causationId as string
  // Every field was checked above, as the Schema checks it.
  return unchecked(fields)
}

/**
 * An `EventMetadata` of fields already checked (or to be checked when the store
 * encodes it), built as the class's constructor builds its instance (Data.Class
 * assigns the fields to it), without the constructor's three copies of them.
 */
export const unchecked = (fields: { -readonly [K in keyof EventMetadata]?: EventMetadata[K] }): EventMetadata =>
  Object.assign(Object.create(EventMetadata.prototype) as EventMetadata, fields)

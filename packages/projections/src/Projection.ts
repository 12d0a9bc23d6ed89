/**
 * A projection: a pure definition of how events change read models. It has a
 * name and a version (a new version is rebuilt beside the serving one), the
 * collections it writes, and one handler per event type it reads. A handler
 * returns changes (put a document, update one from its current value, remove
 * one, read one to decide further changes); it reads no clock and nothing but
 * its own documents, so that replaying the log from position 0 gives the same
 * read models as applying it event by event.
 *
 * @since 0.1.0
 */
import type { RecordedEvent } from "@cartable/eventlog/RecordedEvent"
import * as UnreadPersonalData from "@cartable/eventlog/UnreadPersonalData"
import type { EventDefinitions, EventsType } from "@cartable/kernel/Decider"
import type * as Schema from "effect/Schema"
import type { Collection } from "./ReadModel.ts"

/**
 * One change a handler asks for. Build them with the writers a handler receives.
 *
 * @since 0.1.0
 */
export type Change =
  | { readonly _tag: "Put"; readonly collection: string; readonly document: unknown }
  | { readonly _tag: "Insert"; readonly collection: string; readonly document: unknown }
  | {
      readonly _tag: "Update"
      readonly collection: string
      readonly key: string
      readonly update: (current: unknown) => unknown
    }
  | { readonly _tag: "Remove"; readonly collection: string; readonly key: string }
  | {
      readonly _tag: "Read"
      readonly collection: string
      readonly key: string
      readonly next: (current: unknown) => ReadonlyArray<Change>
    }

/**
 * What a handler writes one collection with.
 *
 * @since 0.1.0
 */
export interface Writer<A> {
  /** Writes the document whole, under its key. */
  readonly put: (document: A) => Change
  /**
   * Writes the document under its key, which must hold none: a uniqueness claim
   * (a login, an external id). When the key holds a document the event is
   * refused (its append fails, an async projection stops there), and the store
   * refuses it too when a concurrent append inserted the key first
   * (`ReadModelError` `KeyTaken`). Read the key first to accept a claim its
   * holder renews.
   */
  readonly insert: (document: A) => Change
  /**
   * Writes the document of `key` from its current value (`undefined` when
   * absent); returning `undefined` removes it. The result keeps the key.
   */
  readonly update: (key: string, update: (current: A | undefined) => A | undefined) => Change
  /** Removes the document of `key` (absent: nothing happens). */
  readonly remove: (key: string) => Change
  /**
   * Reads the document of `key` of this projection (as the changes before it
   * left it) and gives the changes that follow from it: e.g. the account's
   * school, kept in one collection, to count its activation in another.
   */
  readonly read: (key: string, next: (current: A | undefined) => Change | ReadonlyArray<Change>) => Change
}

/**
 * The writers of a projection's collections, by the names the projection gives them.
 *
 * @since 0.1.0
 */
export type Writers<Cs extends Readonly<Record<string, Collection.Any>>> = {
  readonly [K in keyof Cs]: Writer<Collection.Document<Cs[K]>>
}

/**
 * A handler of one event type: the event, the writers, and the recorded event
 * (position, stream, metadata) it came in.
 *
 * @since 0.1.0
 */
export type Handler<E, Cs extends Readonly<Record<string, Collection.Any>>> = (
  event: E,
  into: Writers<Cs>,
  recorded: RecordedEvent,
) => Change | ReadonlyArray<Change>

/**
 * The handlers of a projection, by event tag; event types without a handler
 * are not read.
 *
 * @since 0.1.0
 */
export type Handlers<Defs extends EventDefinitions, Cs extends Readonly<Record<string, Collection.Any>>> = {
  readonly [K in EventsType<Defs>["_tag"]]?: Handler<Extract<EventsType<Defs>, { readonly _tag: K }>, Cs>
}

/**
 * A projection definition.
 *
 * @since 0.1.0
 */
export interface Projection<
  Cs extends Readonly<Record<string, Collection.Any>> = Readonly<Record<string, Collection.Any>>,
> {
  /** 1 to 16 characters of `[a-z0-9_]`, starting with a letter (its tables' names stay within the store's 48). */
  readonly name: string
  /** An integer from 1 to 9,999; bump it whenever what the handlers write changes. */
  readonly version: number
  readonly collections: Cs
  /** The event types it reads. */
  readonly eventTypes: ReadonlySet<string>
  /**
   * Whether its handlers read personal fields (default true). `false`: its
   * events are read without decryption, and a personal field throws
   * `PersonalDataUnread` when a handler reads it (UnreadPersonalData).
   */
  readonly personal: boolean
  /** The changes of one event: calls its handler (an event type it does not read gives none). */
  readonly changes: (recorded: RecordedEvent) => ReadonlyArray<Change>
}

/**
 * @since 0.1.0
 */
export declare namespace Projection {
  /** Any projection. */
  export type Any = Projection<Readonly<Record<string, Collection.Any>>>
}

const NAME = /^[a-z][a-z0-9_]{0,15}$/
const COLLECTION = /^[a-z][a-z0-9_]{0,23}$/

/**
 * Defines a projection over a set of event definitions (e.g. `Domain.events`).
 * It throws when the name, version or a collection name is malformed: a
 * definition is code, written once.
 *
 * @example
 * const Directory = Projection.make({
 *   name: "directory",
 *   version: 1,
 *   events: Domain.events,
 *   collections: { accounts: Accounts },
 *   handlers: {
 *     AccountProvisioned: (event, into) => into.accounts.put({ id: event.accountId, name: event.displayName }),
 *     AccountDeleted: (event, into) => into.accounts.remove(event.accountId),
 *   },
 * })
 * @since 0.1.0
 */
export const make = <
  Defs extends EventDefinitions,
  const Cs extends Readonly<Record<string, Collection.Any>>,
>(definition: {
  readonly name: string
  readonly version: number
  readonly events: Defs
  readonly collections: Cs
  readonly handlers: Handlers<Defs, Cs>
  /**
   * `false` when no handler reads a personal field (`PersonalData.personal`):
   * the runtime then reads its events without decrypting them (no key lookup,
   * no AES-GCM), and a handler that reads one anyway throws `PersonalDataUnread`,
   * inline as well as async, so that its tests fail. Default true.
   */
  readonly personal?: boolean
}): Projection<Cs> => {
  const { name, version, collections, handlers } = definition
  const personal = definition.personal ?? true
  if (!NAME.test(name)) throw new TypeError(`A projection name is 1 to 16 characters of [a-z0-9_], got "${name}"`)
  if (!Number.isSafeInteger(version) || version < 1 || version > 9999) {
    throw new TypeError(`The version of projection ${name} is an integer from 1 to 9,999, got ${version}`)
  }
  const writers: Record<string, Writer<unknown>> = {}
  for (const [alias, collection] of Object.entries(collections)) {
    if (!COLLECTION.test(collection.name)) {
      throw new TypeError(`A collection name is 1 to 24 characters of [a-z0-9_], got "${collection.name}"`)
    }
    writers[alias] = writerOf(alias)
  }
  const byTag = handlers as Readonly<
    Record<string, (event: unknown, into: unknown, recorded: RecordedEvent) => Change | ReadonlyArray<Change>>
  >
  const eventTypes = new Set(Object.keys(byTag).filter((tag) => byTag[tag] !== undefined))
  // The personal fields of the types it handles, hidden from its handlers when it reads none.
  const hidden = personal
    ? new Map<string, ReadonlyArray<string>>()
    : UnreadPersonalData.personalFieldsByType(
        [...eventTypes].flatMap((tag) => {
          const defined = (definition.events as Readonly<Record<string, unknown>>)[tag]
          const schema = (Array.isArray(defined) ? defined[0] : defined) as Schema.Schema.Any | undefined
          return schema === undefined ? [] : [[tag, schema] as const]
        }),
      )
  return {
    name,
    version,
    collections,
    eventTypes,
    personal,
    changes: (recorded) => {
      const handler = byTag[recorded.type]
      if (handler === undefined) return []
      const fields = hidden.get(recorded.type)
      if (fields === undefined) return listOf(handler(recorded.event, writers, recorded))
      // A copy: an inline projection sees the appended event itself, which its caller keeps.
      const event = UnreadPersonalData.hide(recorded.type, recorded.event, fields)
      return listOf(handler(event, writers, { ...recorded, event }))
    },
  }
}

/** What a handler or a read returns, as a list: one change or several. */
const listOf = (result: Change | ReadonlyArray<Change>): ReadonlyArray<Change> =>
  Array.isArray(result) ? (result as ReadonlyArray<Change>) : [result as Change]

const writerOf = (collection: string): Writer<unknown> => ({
  put: (document) => ({ _tag: "Put", collection, document }),
  insert: (document) => ({ _tag: "Insert", collection, document }),
  update: (key, update) => ({ _tag: "Update", collection, key, update: update as (current: unknown) => unknown }),
  remove: (key) => ({ _tag: "Remove", collection, key }),
  read: (key, next) => ({
    _tag: "Read",
    collection,
    key,
    next: (current) => listOf((next as (current: unknown) => Change | ReadonlyArray<Change>)(current)),
  }),
})

/**
 * The id of a projection version: its checkpoint's and its lease's name.
 *
 * @since 0.1.0
 */
export const idOf = (projection: Projection.Any): string => `${projection.name}@${projection.version}`

/**
 * The table a collection of a projection version is stored in:
 * `<projection>_v<version>_<collection>`, so that a new version gets new tables.
 *
 * @since 0.1.0
 */
export const tableOf = (projection: Projection.Any, alias: string): string =>
  `${projection.name}_v${projection.version}_${projection.collections[alias]!.name}`

/**
 * Read models as users declare and query them: collections of typed documents,
 * each with its Schema and the indexes its queries need. A collection lives in
 * a {@link ReadModelStore} table; documents are encoded with the Schema on the
 * way in and decoded on the way out, as events are by the typed event store.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import { type EntryPage, type Query, ReadModelError, ReadModelStore, type StoredDocument } from "./ReadModelStore.ts"

/**
 * The values a document is found under for one index: none (`undefined` or an
 * empty list), one, or several. Normalise them here (lower case, without
 * accents) for the searches you want: the store compares code points.
 *
 * @since 0.1.0
 */
export type IndexValue = string | ReadonlyArray<string> | undefined

/**
 * A collection of documents: its name (1 to 24 characters of `[a-z0-9_]`,
 * starting with a letter), the Schema of a document (its encoded form must be
 * plain JSON), the key of a document, and its indexes (names of 1 to 63
 * characters of `[a-z0-9_]`, starting with a letter: `last_name`, not `lastName`).
 *
 * @since 0.1.0
 */
export interface Collection<A = unknown, I = unknown, Idx extends string = string> {
  readonly name: string
  readonly document: Schema.Schema<A, I>
  readonly key: (document: A) => string
  readonly indexes: { readonly [K in Idx]: (document: A) => IndexValue }
}

/**
 * @since 0.1.0
 */
export declare namespace Collection {
  /** Any collection. */
  // biome-ignore lint/suspicious/noExplicitAny: the widest collection, for constraints only
  export type Any = Collection<any, any, string>
  /** The decoded document of a collection. */
  export type Document<C> = C extends Collection<infer A, infer _I, infer _X> ? A : never
  /** The index names of a collection. */
  export type Index<C> = C extends Collection<infer _A, infer _I, infer X> ? X : never
}

/**
 * Declares a collection.
 *
 * @example
 * const Accounts = ReadModel.collection("accounts", {
 *   document: AccountView,
 *   key: (account) => account.id,
 *   indexes: { school: (account) => account.schools, login: (account) => account.login?.toLowerCase() },
 * })
 * @since 0.1.0
 */
export const collection = <A, I, Idx extends string = never>(
  name: string,
  options: {
    readonly document: Schema.Schema<A, I>
    readonly key: (document: A) => string
    readonly indexes?: { readonly [K in Idx]: (document: A) => IndexValue }
  },
): Collection<A, I, Idx> => {
  for (const index of Object.keys(options.indexes ?? {})) {
    if (!INDEX.test(index)) {
      throw new TypeError(`An index name is 1 to 63 characters of [a-z0-9_], starting with a letter, got "${index}"`)
    }
  }
  return {
    name,
    document: options.document,
    key: options.key,
    indexes: options.indexes ?? ({} as { readonly [K in Idx]: (document: A) => IndexValue }),
  }
}

const INDEX = /^[a-z][a-z0-9_]{0,62}$/

/**
 * The index values of a document, as the store takes them.
 *
 * @since 0.1.0
 */
export const indexValues = <A>(
  collection: Collection<A, unknown, string>,
  document: A,
): Readonly<Record<string, ReadonlyArray<string>>> => {
  const index: Record<string, ReadonlyArray<string>> = {}
  for (const name of Object.keys(collection.indexes)) {
    const value = collection.indexes[name]!(document)
    index[name] = value === undefined ? [] : typeof value === "string" ? [value] : [...new Set(value)]
  }
  return index
}

const codecs = new WeakMap<
  Schema.Schema.Any,
  { readonly encode: (a: unknown) => unknown; readonly decode: (i: unknown) => unknown }
>()

/** The collection's encoder and decoder, compiled once per Schema. */
const codecOf = (collection: Collection.Any) => {
  let codec = codecs.get(collection.document)
  if (codec === undefined) {
    codec = {
      encode: ParseResult.encodeUnknownSync(collection.document),
      decode: ParseResult.decodeUnknownSync(collection.document),
    }
    codecs.set(collection.document, codec)
  }
  return codec
}

/**
 * Encodes a document for the store; throws a `ParseError` when it does not
 * encode (the projection runtime turns that into a typed failure).
 *
 * @since 0.1.0
 */
export const encodeDocument = <A>(collection: Collection<A, unknown, string>, document: A): StoredDocument => ({
  key: collection.key(document),
  body: JSON.stringify(codecOf(collection).encode(document)),
  index: indexValues(collection, document),
})

/**
 * Decodes a stored document; throws a `ParseError` when it does not decode.
 *
 * @since 0.1.0
 */
export const decodeDocument = <A>(collection: Collection<A, unknown, string>, stored: StoredDocument): A =>
  codecOf(collection).decode(JSON.parse(stored.body)) as A

/**
 * A page of typed documents; `next` is the cursor of the following page.
 *
 * @since 0.1.0
 */
export interface TypedPage<A> {
  readonly documents: ReadonlyArray<A>
  readonly next?: string | undefined
}

/**
 * A typed query of a collection: by an index (`equals` or `prefix`), or every
 * document by key when `index` is absent; `limit` defaults to 100.
 *
 * @since 0.1.0
 */
export interface TypedQuery<Idx extends string> {
  readonly index?: Idx | undefined
  readonly equals?: string | undefined
  readonly prefix?: string | undefined
  readonly after?: string | undefined
  readonly limit?: number | undefined
}

/**
 * What a reader of one collection offers.
 *
 * @since 0.1.0
 */
export interface Reader<A, Idx extends string> {
  /** The document of this key, if any. */
  readonly get: (key: string) => Effect.Effect<A | undefined, ReadModelError>
  /** The documents of these keys that exist, in the order of the keys. */
  readonly getMany: (keys: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<A>, ReadModelError>
  /** A page of documents. */
  readonly find: (query?: TypedQuery<Idx>) => Effect.Effect<TypedPage<A>, ReadModelError>
  /** The keys and matched index values of the page `find` would return, read from the index alone. */
  readonly entries: (query?: TypedQuery<Idx>) => Effect.Effect<EntryPage, ReadModelError>
  /** How many documents a query would return. */
  readonly count: (query?: Omit<TypedQuery<Idx>, "after" | "limit">) => Effect.Effect<number, ReadModelError>
}

const decodeAll = <A>(
  collection: Collection<A, unknown, string>,
  table: string,
  stored: ReadonlyArray<StoredDocument>,
) =>
  Effect.try({
    try: () => stored.map((document) => decodeDocument(collection, document)),
    catch: (cause) =>
      new ReadModelError({
        reason: "InvalidArgument",
        message: `A document of ${table} does not decode with the collection's Schema: ${
          ParseResult.isParseError(cause) ? cause.message : String(cause)
        }`,
        table,
        cause,
      }),
  })

const storeQuery = (query: TypedQuery<string> | undefined): Query => ({
  index: query?.index,
  equals: query?.equals,
  prefix: query?.prefix,
  after: query?.after,
  limit: query?.limit ?? 100,
})

/**
 * A typed reader of a collection stored in `table`.
 *
 * @since 0.1.0
 */
export const reader = <A, Idx extends string>(
  collection: Collection<A, unknown, Idx>,
  table: string,
): Effect.Effect<Reader<A, Idx>, never, ReadModelStore> =>
  Effect.map(ReadModelStore, (store) => ({
    get: (key) =>
      Effect.flatMap(store.get(table, [key]), (found) =>
        Effect.map(decodeAll(collection, table, found), (documents) => documents[0]),
      ),
    getMany: (keys) => Effect.flatMap(store.get(table, keys), (found) => decodeAll(collection, table, found)),
    find: (query) =>
      Effect.flatMap(store.find(table, storeQuery(query)), (page) =>
        Effect.map(decodeAll(collection, table, page.documents), (documents) => ({ documents, next: page.next })),
      ),
    entries: (query) => store.entries(table, storeQuery(query)),
    count: (query) => store.count(table, { index: query?.index, equals: query?.equals, prefix: query?.prefix }),
  }))

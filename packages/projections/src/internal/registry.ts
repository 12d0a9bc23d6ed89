import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { ReadModelError, ReadModelStore, StoredDocument, TableChanges } from "../ReadModelStore.ts"

/**
 * The runtime's own table: per projection name, the version that serves
 * readers; per projection version, its state and last error. Kept in the
 * read-model store, so that another process (an operator's `cartable status`)
 * reads it, and so that a switch of serving version commits with a checkpoint.
 */
export const TABLE = "projection_registry"

export const LastError = Schema.Struct({
  message: Schema.String,
  position: Schema.optional(Schema.Number),
  eventType: Schema.optional(Schema.String),
  streamName: Schema.optional(Schema.String),
  at: Schema.Number,
})
export type LastError = typeof LastError.Type

export const Serving = Schema.Struct({ _tag: Schema.Literal("Serving"), name: Schema.String, version: Schema.Number })
export type Serving = typeof Serving.Type

export const VersionState = Schema.Struct({
  _tag: Schema.Literal("Version"),
  id: Schema.String,
  /** An inline projection that caught up: every append since applies it in its transaction. */
  inlineLive: Schema.Boolean,
  lastError: Schema.optional(LastError),
})
export type VersionState = typeof VersionState.Type

const Entry = Schema.parseJson(Schema.Union(Serving, VersionState))
const decode = Schema.decodeUnknownSync(Entry)
const encode = Schema.encodeSync(Entry)

const servingKey = (name: string) => `serving:${name}`
const versionKey = (id: string) => `version:${id}`

export const ensure = (store: ReadModelStore.Service) => store.ensureTable({ name: TABLE, indexes: [] })

export const serving = (
  store: ReadModelStore.Service,
  name: string,
): Effect.Effect<number | undefined, ReadModelError> =>
  Effect.map(store.get(TABLE, [servingKey(name)]), ([found]) =>
    found === undefined ? undefined : (decode(found.body) as Serving).version,
  )

export const versionState = (
  store: ReadModelStore.Service,
  id: string,
): Effect.Effect<VersionState | undefined, ReadModelError> =>
  Effect.map(store.get(TABLE, [versionKey(id)]), ([found]) =>
    found === undefined ? undefined : (decode(found.body) as VersionState),
  )

const document = (key: string, entry: Serving | VersionState): StoredDocument => ({
  key,
  body: encode(entry),
  index: {},
})

export const putServing = (name: string, version: number): TableChanges => ({
  table: TABLE,
  put: [document(servingKey(name), { _tag: "Serving", name, version })],
  delete: [],
})

export const putVersion = (state: VersionState): TableChanges => ({
  table: TABLE,
  put: [document(versionKey(state.id), state)],
  delete: [],
})

export const removeVersion = (id: string): TableChanges => ({ table: TABLE, put: [], delete: [versionKey(id)] })

/** Every entry of the registry, or none when no runtime ever ran on this store (the table is not created here). */
export const entries = (
  store: ReadModelStore.Service,
): Effect.Effect<ReadonlyArray<Serving | VersionState>, ReadModelError> =>
  Effect.gen(function* () {
    if (!(yield* store.tables).includes(TABLE)) return []
    const found: Array<Serving | VersionState> = []
    let after: string | undefined
    do {
      const page = yield* store.find(TABLE, { limit: 1000, after })
      for (const document of page.documents) found.push(decode(document.body))
      after = page.next
    } while (after !== undefined)
    return found
  })

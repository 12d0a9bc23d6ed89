import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Encoding from "effect/Encoding"
import type {
  Backend,
  Commit,
  EntryPage,
  Filter,
  Page,
  Query,
  ReadModelStore,
  Scan,
  StoredDocument,
  TableChanges,
  TableSpec,
} from "../ReadModelStore.ts"
import { ReadModelError } from "../ReadModelStore.ts"
import { compare, prefixEnd } from "./codePoint.ts"

/** The longest table name: `rm_<name>__i` and its SQL indexes must fit PostgreSQL's 63-byte identifiers. */
export const MAX_TABLE_NAME = 48
/** The longest index name. */
export const MAX_INDEX_NAME = 63
/** The longest key, index value, consumer or lease id, in UTF-16 units. */
export const MAX_TEXT = 512
/**
 * The same, in UTF-8 bytes: PostgreSQL refuses a B-tree entry over 2,704 bytes,
 * and an index entry holds a name (63), a value and a key. 512 accented letters
 * or emoji fit; CJK text (three bytes a character) stops at 341 characters.
 */
export const MAX_TEXT_BYTES = 1024
/** The largest body, in UTF-8 bytes. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024
/** The largest page, and the most keys of one `get`. */
export const MAX_LIMIT = 10_000
/** The longest lease, in milliseconds (a day). */
export const MAX_TTL = 86_400_000

const TABLE_NAME = /^[a-z][a-z0-9_]*$/

// ES2024's String.prototype.isWellFormed, which Node 20 has (the lib here is ES2023).
const isWellFormed = (text: string): boolean => (text as unknown as { isWellFormed: () => boolean }).isWellFormed()

const excerpt = (value: unknown): string => {
  if (typeof value !== "string") return typeof value === "number" ? String(value) : typeof value
  const head = value.length > 40 ? `${value.slice(0, 40)}…` : value
  return JSON.stringify(isWellFormed(head) ? head : head.replace(/[\ud800-\udfff]/g, "\ufffd"))
}

const invalid = (message: string, table?: string): ReadModelError =>
  new ReadModelError({ reason: "InvalidArgument", message, ...(table === undefined ? {} : { table }) })

/** The error of a table that does not exist, for every backend. */
export const unknownTable = (table: string): ReadModelError =>
  new ReadModelError({ reason: "UnknownTable", message: `Read-model table ${table} does not exist`, table })

/** The error of an index a table does not declare, for every backend. */
export const unknownIndex = (table: string, index: string): ReadModelError =>
  new ReadModelError({
    reason: "UnknownIndex",
    message: `Read-model table ${table} has no index ${excerpt(index)}`,
    table,
  })

const checkIdentifier = (field: string, value: unknown, max: number): string | undefined => {
  if (typeof value !== "string") return `${field} must be a string, got ${excerpt(value)}`
  if (value.length === 0 || value.length > max || !TABLE_NAME.test(value)) {
    return `${field} ${excerpt(value)} must be 1 to ${max} characters of [a-z0-9_], starting with a letter`
  }
  if (value.startsWith("cartable_"))
    return `${field} ${excerpt(value)} is reserved: names starting with cartable_ belong to the store`
  return undefined
}

const utf8Length = (text: string, max: number): number => {
  let bytes = 0
  for (let i = 0; i < text.length && bytes <= max; i++) {
    const c = text.charCodeAt(i)
    // A well-formed pair is two units and four bytes: two each.
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3
  }
  return bytes
}

/** A key, an index value or an id: well-formed, at most MAX_TEXT units and MAX_TEXT_BYTES, without U+0000 (PostgreSQL refuses it). */
const checkText = (field: string, value: unknown, nonEmpty: boolean): string | undefined => {
  if (typeof value !== "string") return `${field} must be a string, got ${excerpt(value)}`
  if (nonEmpty && value.length === 0) return `${field} must not be empty`
  if (value.length > MAX_TEXT) {
    return `${field} ${excerpt(value)} is longer than ${MAX_TEXT} UTF-16 units (${value.length})`
  }
  if (value.length * 3 > MAX_TEXT_BYTES && utf8Length(value, MAX_TEXT_BYTES) > MAX_TEXT_BYTES) {
    return `${field} ${excerpt(value)} is longer than ${MAX_TEXT_BYTES} bytes of UTF-8`
  }
  if (!isWellFormed(value)) return `${field} ${excerpt(value)} is not well-formed UTF-16 (it holds a lone surrogate)`
  if (value.includes("\u0000")) return `${field} ${excerpt(value)} holds U+0000, which no SQL store keeps`
  return undefined
}

const checkBody = (field: string, body: unknown): string | undefined => {
  if (typeof body !== "string") return `${field} must be a JSON text, got ${excerpt(body)}`
  if (
    body.length > MAX_BODY_BYTES ||
    (body.length * 3 > MAX_BODY_BYTES && utf8Length(body, MAX_BODY_BYTES) > MAX_BODY_BYTES)
  ) {
    return `${field} is larger than ${MAX_BODY_BYTES.toLocaleString("en")} bytes of UTF-8`
  }
  if (!isWellFormed(body)) return `${field} is not well-formed UTF-16 (it holds a lone surrogate)`
  try {
    JSON.parse(body)
  } catch {
    return `${field} ${excerpt(body)} is not a JSON text`
  }
  return undefined
}

const checkLimit = (field: string, value: unknown): string | undefined =>
  Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= MAX_LIMIT
    ? undefined
    : `${field} must be an integer from 1 to ${MAX_LIMIT.toLocaleString("en")}, got ${excerpt(value)}`

const isPosition = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0

const sortUnique = (values: ReadonlyArray<string>): ReadonlyArray<string> => [...new Set(values)].sort(compare)

/** Validates a query's filter; `index`, `equals` and `prefix` go together as {@link Query} says. */
const checkFilter = (table: string, query: unknown): Either.Either<Filter, ReadModelError> => {
  if (typeof query !== "object" || query === null)
    return Either.left(invalid(`query must be an object, got ${excerpt(query)}`, table))
  const { index, equals, prefix } = query as Partial<Query>
  if (index === undefined) {
    if (equals !== undefined || prefix !== undefined) {
      return Either.left(invalid("query.equals and query.prefix need query.index", table))
    }
    return Either.right({ _tag: "All" })
  }
  const problem = checkIdentifier("query.index", index, MAX_INDEX_NAME)
  if (problem !== undefined) return Either.left(invalid(problem, table))
  if ((equals === undefined) === (prefix === undefined)) {
    return Either.left(invalid("query.index needs exactly one of query.equals and query.prefix", table))
  }
  const value = equals ?? prefix
  const textProblem = checkText(equals === undefined ? "query.prefix" : "query.equals", value, false)
  if (textProblem !== undefined) return Either.left(invalid(textProblem, table))
  return Either.right(
    equals === undefined
      ? { _tag: "Prefix", index, prefix: value as string, end: prefixEnd(value as string) }
      : { _tag: "Equals", index, value: equals },
  )
}

// Cursors: base64url of [afterKey, afterValue | null, checksum]. The checksum
// binds the cursor to its table and filter, so a cursor altered by hand or
// passed to another query is refused rather than silently skipping documents.
const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

const binding = (table: string, filter: Filter, key: string, value: string | null): string =>
  JSON.stringify([table, filter, key, value])

const encodeCursor = (table: string, filter: Filter, key: string, found: string | undefined): string => {
  const value = filter._tag === "Prefix" ? (found ?? null) : null
  return Encoding.encodeBase64Url(JSON.stringify([key, value, fnv1a(binding(table, filter, key, value))]))
}

const decodeCursor = (
  table: string,
  filter: Filter,
  cursor: unknown,
): Either.Either<{ readonly key: string; readonly value: string | undefined }, ReadModelError> => {
  const bad = Either.left(invalid(`query.after ${excerpt(cursor)} is not a cursor of this query`, table))
  if (typeof cursor !== "string" || cursor.length > 8 * MAX_TEXT) return bad
  const text = Encoding.decodeBase64UrlString(cursor)
  if (Either.isLeft(text)) return bad
  let parsed: unknown
  try {
    parsed = JSON.parse(text.right)
  } catch {
    return bad
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return bad
  const [key, value, sum] = parsed as [unknown, unknown, unknown]
  if (typeof key !== "string" || (value !== null && typeof value !== "string")) return bad
  if ((filter._tag === "Prefix") !== (value !== null)) return bad
  if (sum !== fnv1a(binding(table, filter, key, value))) return bad
  return Either.right({ key, value: value ?? undefined })
}

const checkDocument = (field: string, document: StoredDocument): Either.Either<StoredDocument, string> => {
  if (typeof document !== "object" || document === null)
    return Either.left(`${field} must be a document, got ${excerpt(document)}`)
  const problem = checkText(`${field}.key`, document.key, true) ?? checkBody(`${field}.body`, document.body)
  if (problem !== undefined) return Either.left(problem)
  const index = document.index
  if (typeof index !== "object" || index === null)
    return Either.left(`${field}.index must be an object, got ${excerpt(index)}`)
  const normal: Record<string, ReadonlyArray<string>> = {}
  for (const [name, values] of Object.entries(index)) {
    const nameProblem = checkIdentifier(`${field}.index name`, name, MAX_INDEX_NAME)
    if (nameProblem !== undefined) return Either.left(nameProblem)
    if (!Array.isArray(values)) return Either.left(`${field}.index.${name} must be an array of strings`)
    for (let i = 0; i < values.length; i++) {
      const valueProblem = checkText(`${field}.index.${name}[${i}]`, values[i], false)
      if (valueProblem !== undefined) return Either.left(valueProblem)
    }
    if (values.length > 0) normal[name] = sortUnique(values)
  }
  return Either.right({ key: document.key, body: document.body, index: normal })
}

const checkChanges = (changes: TableChanges, at: string): Either.Either<TableChanges, ReadModelError> => {
  if (typeof changes !== "object" || changes === null)
    return Either.left(invalid(`${at} must be an object, got ${excerpt(changes)}`))
  const table = changes.table
  const nameProblem = checkIdentifier(`${at}.table`, table, MAX_TABLE_NAME)
  if (nameProblem !== undefined) return Either.left(invalid(`${nameProblem}: nothing was written`))
  const inserted = changes.insert ?? []
  if (!Array.isArray(changes.put) || !Array.isArray(changes.delete) || !Array.isArray(inserted)) {
    return Either.left(invalid(`${at}.put, .delete and .insert must be arrays: nothing was written`, table))
  }
  const keys = new Set<string>()
  const documents = (
    list: "put" | "insert",
    given: ReadonlyArray<StoredDocument>,
  ): Either.Either<Array<StoredDocument>, ReadModelError> => {
    const checked: Array<StoredDocument> = []
    for (let i = 0; i < given.length; i++) {
      const document = checkDocument(`${at}.${list}[${i}]`, given[i]!)
      if (Either.isLeft(document)) return Either.left(invalid(`${document.left}: nothing was written`, table))
      if (keys.has(document.right.key)) {
        return Either.left(
          invalid(
            `${at}.${list}[${i}].key ${excerpt(document.right.key)} is written twice: nothing was written`,
            table,
          ),
        )
      }
      keys.add(document.right.key)
      checked.push(document.right)
    }
    return Either.right(checked)
  }
  const put = documents("put", changes.put)
  if (Either.isLeft(put)) return Either.left(put.left)
  const insert = documents("insert", inserted)
  if (Either.isLeft(insert)) return Either.left(insert.left)
  const deleted = new Set<string>()
  for (let i = 0; i < changes.delete.length; i++) {
    const key = changes.delete[i]
    const problem = checkText(`${at}.delete[${i}]`, key, true)
    if (problem !== undefined) return Either.left(invalid(`${problem}: nothing was written`, table))
    if (keys.has(key as string)) {
      return Either.left(invalid(`${at}.delete[${i}] ${excerpt(key)} is also written: nothing was written`, table))
    }
    deleted.add(key as string)
  }
  return Either.right({ table, put: put.right, delete: [...deleted], insert: insert.right })
}

/**
 * The failure of a commit that inserts under a key holding a document.
 */
export const keyTaken = (table: string, key: string): ReadModelError =>
  new ReadModelError({
    reason: "KeyTaken",
    message: `The key ${excerpt(key)} of ${table} holds a document: nothing was written`,
    table,
  })

const checkCommit = (commit: Commit): Either.Either<Commit, ReadModelError> => {
  if (typeof commit !== "object" || commit === null)
    return Either.left(invalid(`commit must be an object, got ${excerpt(commit)}`))
  if (!Array.isArray(commit.changes)) return Either.left(invalid("commit.changes must be an array"))
  const tables = new Set<string>()
  const changes: Array<TableChanges> = []
  for (let i = 0; i < commit.changes.length; i++) {
    const checked = checkChanges(commit.changes[i]!, `commit.changes[${i}]`)
    if (Either.isLeft(checked)) return Either.left(checked.left)
    if (tables.has(checked.right.table)) {
      return Either.left(invalid(`commit.changes[${i}]: table ${checked.right.table} comes twice: nothing was written`))
    }
    tables.add(checked.right.table)
    changes.push(checked.right)
  }
  const move = commit.checkpoint
  if (move === undefined) return Either.right({ changes })
  if (typeof move !== "object" || move === null)
    return Either.left(invalid(`commit.checkpoint must be an object, got ${excerpt(move)}`))
  const problem =
    checkText("commit.checkpoint.id", move.id, true) ??
    (!isPosition(move.from)
      ? `commit.checkpoint.from must be an integer of at least 0, got ${excerpt(move.from)}`
      : !isPosition(move.to) || move.to < move.from
        ? `commit.checkpoint.to must be an integer of at least from (${move.from}), got ${excerpt(move.to)}`
        : undefined)
  if (problem !== undefined) return Either.left(invalid(`${problem}: nothing was written`))
  return Either.right({ changes, checkpoint: { id: move.id, from: move.from, to: move.to } })
}

const fail = (error: ReadModelError) => Effect.fail(error)

/**
 * A checked query run on one of the backend's scans (one row more than the
 * limit tells whether a page follows), its page made with `next`'s cursor.
 */
const paged = <Row extends { readonly value: string | undefined }, P>(
  table: string,
  query: Query,
  scan: (table: string, scan: Scan) => Effect.Effect<ReadonlyArray<Row>, ReadModelError>,
  page: (rows: ReadonlyArray<Row>, next: string | undefined) => P,
  keyOf: (row: Row) => string,
): Effect.Effect<P, ReadModelError> => {
  const problem = checkIdentifier("table", table, MAX_TABLE_NAME)
  if (problem !== undefined) return fail(invalid(problem))
  const filter = checkFilter(table, query)
  if (Either.isLeft(filter)) return fail(filter.left)
  const limitProblem = checkLimit("query.limit", query.limit)
  if (limitProblem !== undefined) return fail(invalid(limitProblem, table))
  const after = query.after === undefined ? Either.right(undefined) : decodeCursor(table, filter.right, query.after)
  if (Either.isLeft(after)) return fail(after.left)
  const limit = query.limit
  return Effect.map(scan(table, { filter: filter.right, after: after.right, limit: limit + 1 }), (rows) => {
    if (rows.length <= limit) return page(rows, undefined)
    const last = rows[limit - 1]!
    return page(rows.slice(0, limit), encodeCursor(table, filter.right, keyOf(last), last.value))
  })
}

/**
 * Builds the service over a backend: every call's arguments are checked here,
 * the same way for every store, documents are normalised (index values
 * deduplicated, sorted in code-point order, empty lists left out), cursors are
 * made and read here, and `get` is put in the order of its keys.
 */
export const fromBackend = (backend: Backend): ReadModelStore.Service => ({
  ensureTable: (spec: TableSpec) => {
    if (typeof spec !== "object" || spec === null)
      return fail(invalid(`spec must be a table spec, got ${excerpt(spec)}`))
    const problem = checkIdentifier("spec.name", spec.name, MAX_TABLE_NAME)
    if (problem !== undefined) return fail(invalid(problem))
    if (!Array.isArray(spec.indexes)) return fail(invalid("spec.indexes must be an array of index names", spec.name))
    for (let i = 0; i < spec.indexes.length; i++) {
      const indexProblem = checkIdentifier(`spec.indexes[${i}]`, spec.indexes[i], MAX_INDEX_NAME)
      if (indexProblem !== undefined) return fail(invalid(indexProblem, spec.name))
    }
    return backend.ensureTable({ name: spec.name, indexes: sortUnique(spec.indexes) })
  },
  dropTable: (table) => {
    const problem = checkIdentifier("table", table, MAX_TABLE_NAME)
    return problem === undefined ? backend.dropTable(table) : fail(invalid(problem))
  },
  tables: backend.tables,
  get: (table, keys) => {
    const problem =
      checkIdentifier("table", table, MAX_TABLE_NAME) ??
      (!Array.isArray(keys)
        ? `keys must be an array, got ${excerpt(keys)}`
        : keys.length > MAX_LIMIT
          ? `keys must hold at most ${MAX_LIMIT.toLocaleString("en")} keys, got ${keys.length}`
          : keys.reduce<string | undefined>((found, key, i) => found ?? checkText(`keys[${i}]`, key, true), undefined))
    if (problem !== undefined) return fail(invalid(problem, typeof table === "string" ? table : undefined))
    const unique = [...new Set(keys)]
    if (unique.length === 0) return backend.get(table, unique)
    return Effect.map(backend.get(table, unique), (documents) => {
      const byKey = new Map(documents.map((document) => [document.key, document]))
      return unique.flatMap((key) => {
        const document = byKey.get(key)
        return document === undefined ? [] : [document]
      })
    })
  },
  find: (table, query) =>
    paged(
      table,
      query,
      backend.find,
      (found, next): Page => {
        const documents = found.map((row) => row.document)
        return next === undefined ? { documents } : { documents, next }
      },
      (row) => row.document.key,
    ),
  entries: (table, query) =>
    paged(
      table,
      query,
      backend.entries,
      (entries, next): EntryPage => (next === undefined ? { entries } : { entries, next }),
      (entry) => entry.key,
    ),
  count: (table, query) => {
    const problem = checkIdentifier("table", table, MAX_TABLE_NAME)
    if (problem !== undefined) return fail(invalid(problem))
    const filter = checkFilter(table, query ?? {})
    return Either.isLeft(filter) ? fail(filter.left) : backend.count(table, filter.right)
  },
  commit: (commit) => {
    const checked = checkCommit(commit)
    return Either.isLeft(checked) ? fail(checked.left) : backend.commit(checked.right)
  },
  checkpoint: (id) => {
    const problem = checkText("id", id, true)
    return problem === undefined ? backend.checkpoint(id) : fail(invalid(problem))
  },
  checkpoints: backend.checkpoints,
  resetCheckpoint: (id) => {
    const problem = checkText("id", id, true)
    return problem === undefined ? backend.resetCheckpoint(id) : fail(invalid(problem))
  },
  acquireLease: (id, holder, ttlMillis) => {
    const problem =
      checkText("id", id, true) ??
      checkText("holder", holder, true) ??
      (Number.isSafeInteger(ttlMillis) && ttlMillis >= 1 && ttlMillis <= MAX_TTL
        ? undefined
        : `ttlMillis must be an integer from 1 to ${MAX_TTL.toLocaleString("en")}, got ${excerpt(ttlMillis)}`)
    return problem === undefined ? backend.acquireLease(id, holder, ttlMillis) : fail(invalid(problem))
  },
  releaseLease: (id, holder) => {
    const problem = checkText("id", id, true) ?? checkText("holder", holder, true)
    return problem === undefined ? backend.releaseLease(id, holder) : fail(invalid(problem))
  },
  leases: backend.leases,
  withTransaction: backend.withTransaction,
})

import type {
  AppendResult,
  EncodedEvent,
  KeyedReads,
  KeyedRows,
  StoredEvent,
  StreamInfo,
} from "@cartable/eventlog/EventStoreDriver"
import * as EventStoreDriver from "@cartable/eventlog/EventStoreDriver"
import { ConcurrencyConflict, EventStoreError } from "@cartable/eventlog/EventStoreError"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import type { StreamName } from "@cartable/eventlog/StreamName"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Executor from "./executor.ts"
import { statementName } from "./executor.ts"
import * as KeyRows from "./keyRows.ts"
import { migrate } from "./migrations.ts"

/** The type of the row that closes a tombstoned stream; never returned to readers. */
export const TOMBSTONE = "$tombstone"

/** Events per INSERT statement: keeps the parameters under SQLite's 32,766 and PostgreSQL's 65,535. */
const CHUNK = 1000

/** How often an append refused although its expectation holds when checked again is retried. */
const RETRIES = 5

export interface Options {
  readonly tenantOf?: ((streamName: StreamName) => string) | undefined
  readonly spans?: boolean | undefined
  readonly preparedStatements?: boolean | undefined
  /** The key store on the same database: the driver then offers {@link KeyedReads} of its keys. */
  readonly keyStore?: SubjectKeyStore.SubjectKeyStore.Service | undefined
}

/**
 * A row as the read statements select it: the columns named as `StoredEvent`'s
 * fields, so that the row becomes the stored event in place (numbers that a
 * driver gives as text or bigint made numbers, the stream's name set when the
 * statement does not select it) instead of a copy per row.
 */
interface Row {
  position: number | string | bigint
  streamName?: string
  streamVersion: number | string
  readonly type: string
  schemaVersion: number | string
  readonly data: string
  readonly metadata: string
}

/** A row of the keyed stream read: the event and the key of the subject its sealed envelope names. */
interface KeyedRow extends Row {
  keySubject?: string | null | undefined
  keyBytes?: Uint8Array | null | undefined
}

interface Inserted {
  readonly position: number | string | bigint
  readonly stream_version: number | string
}

type Violation = "unique" | "invalid" | undefined

/** Which constraint a failed statement broke, across better-sqlite3, node-postgres and wasm/bun SQLite builds. */
const violationOf = (error: SqlError): Violation => {
  const cause = error.cause as { readonly code?: unknown; readonly message?: unknown } | null | undefined
  const code = typeof cause?.code === "string" ? cause.code : ""
  const message = typeof cause?.message === "string" ? cause.message : ""
  if (code === "23505" || code.startsWith("SQLITE_CONSTRAINT_UNIQUE") || /UNIQUE constraint failed/.test(message)) {
    return "unique"
  }
  if (
    code === "23514" ||
    code === "23502" ||
    code === "54000" ||
    code.startsWith("22") ||
    code === "SQLITE_CONSTRAINT_CHECK" ||
    code === "SQLITE_CONSTRAINT_NOTNULL" ||
    /CHECK constraint failed|NOT NULL constraint failed/.test(message)
  ) {
    return "invalid"
  }
  return undefined
}

const unavailable = (message: string, streamName?: string) => (cause: unknown) =>
  new EventStoreError({
    reason: "Unavailable",
    message: `${message}: ${cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause)}`,
    ...(streamName === undefined ? {} : { streamName }),
    cause,
  })

/** The rows, made stored events where they are (see {@link Row}); `streamName` when they do not hold it. */
const toStored = (rows: ReadonlyArray<Row>, streamName?: StreamName): ReadonlyArray<StoredEvent> => {
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!
    if (typeof row.position !== "number") row.position = Number(row.position)
    if (typeof row.streamVersion !== "number") row.streamVersion = Number(row.streamVersion)
    if (typeof row.schemaVersion !== "number") row.schemaVersion = Number(row.schemaVersion)
    if (streamName !== undefined) row.streamName = streamName
  }
  return rows as ReadonlyArray<StoredEvent>
}

/** A PostgreSQL array literal: one text parameter, whatever the batch size. */
const pgArray = (values: ReadonlyArray<string | number>): string =>
  `{${values.map((v) => (typeof v === "number" ? String(v) : `"${v.replace(/[\\"]/g, "\\$&")}"`)).join(",")}}`

const chunksOf = <A>(items: ReadonlyArray<A>, size: number): ReadonlyArray<ReadonlyArray<A>> => {
  const chunks: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size))
  return chunks
}

export const make = Effect.fnUntraced(function* (options: Options = {}) {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  const tenantOf = options.tenantOf ?? (() => "")
  const spans = options.spans ?? false

  yield* migrate(sql).pipe(Effect.mapError(unavailable("The event store's migrations failed")))

  const executor = yield* Executor.make(sql, {
    instrumented: spans,
    preparedStatements: options.preparedStatements ?? true,
  })
  // Which path statements take decides the driver's speed (docs/performance.md): say it once.
  yield* Effect.logDebug("SqlEventStoreDriver ready").pipe(
    Effect.annotateLogs({
      "cartable.statements": executor.path,
      "cartable.prepared_statements": executor.prepared,
      "cartable.spans": spans,
    }),
  )

  // Fixed statement texts, compiled once with the dialect's placeholders: the
  // template's compilation per call is part of what the executor saves.
  const lastRowText = sql`SELECT e.stream_version, e.type FROM cartable_events e
    WHERE e.tenant = ${""} AND e.stream_name = ${""} ORDER BY e.stream_version DESC LIMIT 1`.compile()[0]
  const lastRowName = statementName("cartable_head", lastRowText)
  const lastRow = (tenant: string, streamName: StreamName) =>
    executor.run<{ readonly stream_version: number | string; readonly type: string }>(
      lastRowText,
      [tenant, streamName],
      lastRowName,
    )

  const isPg = sql.onDialectOrElse({ pg: () => true, orElse: () => false })
  const texts = new Map<string, string>()

  /**
   * The text of the append statement, for a kind of expectation and a batch size.
   * Written by hand rather than with the `sql` template, and cached, because the
   * template's compilation of a statement of 100 rows costs more than SQLite's
   * execution of it (docs/performance.md). SQLite serialises writers, so the
   * statement's own reads are current:
   * - `NoStream` needs no guard: the unique key refuses version 1 of an existing
   *   stream, or of a tombstoned one (its tombstone row holds a version);
   * - `Exact(n)` checks that event n exists and is not the tombstone; if the stream
   *   moved past n, the unique key refuses version n + 1;
   * - `Any` reads the stream's head.
   * A single event with `NoStream` or `Exact` (the command handler's append) gets a
   * plainer statement without the `VALUES` list, which SQLite runs a little faster.
   */
  const single = {
    NoStream: `INSERT INTO cartable_events (tenant, stream_name, stream_version, type, schema_version, data, metadata)
      VALUES (?, ?, 1, ?, ?, ?, ?) RETURNING position, stream_version`,
    Exact: `INSERT INTO cartable_events (tenant, stream_name, stream_version, type, schema_version, data, metadata)
      SELECT ?, ?, ? + 1, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM cartable_events e WHERE e.tenant = ?
      AND e.stream_name = ? AND e.stream_version = ? AND e.type <> '${TOMBSTONE}') RETURNING position, stream_version`,
  }
  const sqliteText = (kind: ExpectedVersion.ExpectedVersion["_tag"], size: number): string => {
    const key = `${kind}:${size}`
    const cached = texts.get(key)
    if (cached !== undefined) return cached
    const rows: Array<string> = []
    for (let k = 1; k <= size; k++) rows.push(`(${k}, ?, ?, ?, ?)`)
    const [version, from, guard] =
      kind === "NoStream"
        ? ["v.k", "v", ""]
        : kind === "Exact"
          ? [
              "? + v.k",
              "v",
              ` WHERE EXISTS (SELECT 1 FROM cartable_events e WHERE e.tenant = ? AND e.stream_name = ?
                AND e.stream_version = ? AND e.type <> '${TOMBSTONE}')`,
            ]
          : [
              "COALESCE(h.version, 0) + v.k",
              `v LEFT JOIN (SELECT e.stream_version AS version, e.type AS type FROM cartable_events e
                WHERE e.tenant = ? AND e.stream_name = ? ORDER BY e.stream_version DESC LIMIT 1) AS h ON 1 = 1`,
              ` WHERE h.type IS NULL OR h.type <> '${TOMBSTONE}'`,
            ]
    // ORDER BY makes positions follow versions within a batch whatever the plan.
    const text = `WITH v (k, type, schema_version, data, metadata) AS (VALUES ${rows.join(", ")})
      INSERT INTO cartable_events (tenant, stream_name, stream_version, type, schema_version, data, metadata)
      SELECT ?, ?, ${version}, v.type, v.schema_version, v.data, v.metadata
      FROM ${from}${guard}${size > 1 ? " ORDER BY v.k" : ""}
      RETURNING position, stream_version`
    if (size <= 128) texts.set(key, text)
    return text
  }

  // On PostgreSQL the append is a call of `cartable_append` (parallelAppendsMigration.ts),
  // or of `cartable_append_one` for one event: it announces its floor to readers,
  // checks the expectation (under the stream's lock when it reads the head) and inserts.
  const pgText = `SELECT o_position AS position, o_version AS stream_version
    FROM cartable_append($1, $2, $3, $4::text[], $5::integer[], $6::text[], $7::text[])`
  const pgName = statementName("cartable_append", pgText)
  const pgOneText = "SELECT cartable_append_one($1, $2, $3, $4, $5, $6, $7) AS r"
  const pgOneName = statementName("cartable_append_one", pgOneText)
  const fromPair = (rows: ReadonlyArray<{ readonly r: ReadonlyArray<string | number> | null }>) => {
    const pair = rows[0]?.r
    return pair === null || pair === undefined || pair.length !== 2
      ? []
      : [{ stream_version: pair[0]!, position: pair[1]! } satisfies Inserted]
  }

  /**
   * One statement for a whole chunk; the unique key on (tenant, stream, version)
   * stays the last word on concurrent appends.
   */
  const insert = (
    tenant: string,
    streamName: StreamName,
    condition: ExpectedVersion.ExpectedVersion,
    events: ReadonlyArray<EncodedEvent>,
  ) => {
    const expected = condition._tag === "Exact" && condition.version === 0 ? ExpectedVersion.noStream : condition
    if (isPg) {
      const version = expected._tag === "Any" ? null : expected._tag === "NoStream" ? 0 : expected.version
      const [one] = events
      if (events.length === 1 && one !== undefined) {
        return Effect.map(
          executor.run<{ readonly r: ReadonlyArray<string | number> | null }>(
            pgOneText,
            [tenant, streamName, version, one.type, one.schemaVersion, one.data, one.metadata],
            pgOneName,
          ),
          fromPair,
        )
      }
      return executor.run<Inserted>(
        pgText,
        [
          tenant,
          streamName,
          version,
          pgArray(events.map((e) => e.type)),
          pgArray(events.map((e) => e.schemaVersion)),
          pgArray(events.map((e) => e.data)),
          pgArray(events.map((e) => e.metadata)),
        ],
        pgName,
      )
    }
    const [event] = events
    if (events.length === 1 && event !== undefined && expected._tag !== "Any") {
      return expected._tag === "NoStream"
        ? executor.run<Inserted>(single.NoStream, [
            tenant,
            streamName,
            event.type,
            event.schemaVersion,
            event.data,
            event.metadata,
          ])
        : executor.run<Inserted>(single.Exact, [
            tenant,
            streamName,
            expected.version,
            event.type,
            event.schemaVersion,
            event.data,
            event.metadata,
            tenant,
            streamName,
            expected.version,
          ])
    }
    const params: Array<string | number> = []
    for (const event of events) params.push(event.type, event.schemaVersion, event.data, event.metadata)
    params.push(tenant, streamName)
    if (expected._tag === "Exact") params.push(expected.version, tenant, streamName, expected.version)
    if (expected._tag === "Any") params.push(tenant, streamName)
    return executor.run<Inserted>(sqliteText(expected._tag, events.length), params)
  }

  const streamInfo = (streamName: StreamName) =>
    lastRow(tenantOf(streamName), streamName).pipe(
      Effect.map((rows): StreamInfo => {
        const last = rows[0]
        if (last === undefined) return { version: 0, tombstoned: false }
        const version = Number(last.stream_version)
        return last.type === TOMBSTONE ? { version: version - 1, tombstoned: true } : { version, tombstoned: false }
      }),
      Effect.mapError(unavailable(`Could not read the metadata of stream ${streamName}`, streamName)),
    )

  const tombstoned = (streamName: StreamName) =>
    new EventStoreError({ reason: "StreamTombstoned", message: `Stream ${streamName} was tombstoned`, streamName })

  type Outcome = { readonly _tag: "Done"; readonly result: AppendResult } | { readonly _tag: "Retry" }

  /**
   * After a refused insert: a conflict, a tombstone, or (a safety net: the statements
   * read current heads) a stream that moved between the insert and this read.
   */
  const refused = (streamName: StreamName, expected: ExpectedVersion.ExpectedVersion) =>
    Effect.flatMap(streamInfo(streamName), (info): Effect.Effect<Outcome, ConcurrencyConflict | EventStoreError> => {
      if (info.tombstoned) return Effect.fail(tombstoned(streamName))
      if (ExpectedVersion.matches(expected, info.version)) return Effect.succeed({ _tag: "Retry" })
      return Effect.fail(
        new ConcurrencyConflict({ streamName, expected: ExpectedVersion.format(expected), actual: info.version }),
      )
    })

  const insertChunk = (
    streamName: StreamName,
    expected: ExpectedVersion.ExpectedVersion,
    events: ReadonlyArray<EncodedEvent>,
    offset: number,
  ): Effect.Effect<Outcome, ConcurrencyConflict | EventStoreError> =>
    insert(tenantOf(streamName), streamName, expected, events).pipe(
      Effect.matchEffect({
        onSuccess: (rows): Effect.Effect<Outcome, ConcurrencyConflict | EventStoreError> => {
          if (rows.length === 0) return refused(streamName, expected)
          let streamVersion = 0
          let lastPosition = 0
          for (const row of rows) {
            streamVersion = Math.max(streamVersion, Number(row.stream_version))
            lastPosition = Math.max(lastPosition, Number(row.position))
          }
          return Effect.succeed({ _tag: "Done", result: { streamVersion, lastPosition } })
        },
        onFailure: (error) => {
          switch (violationOf(error)) {
            case "unique":
              return refused(streamName, expected)
            case "invalid":
              return Effect.fail(
                new EventStoreError({
                  reason: "InvalidArgument",
                  message: `An event of the batch (events ${offset + 1} to ${offset + events.length}) breaks a constraint of the log, nothing was appended: ${error.cause instanceof Error ? error.cause.message : error.message}`,
                  streamName,
                  cause: error,
                }),
              )
            default:
              return Effect.fail(unavailable(`Could not append to stream ${streamName}`, streamName)(error))
          }
        },
      }),
    )

  const appendOnce = (
    streamName: StreamName,
    expected: ExpectedVersion.ExpectedVersion,
    events: ReadonlyArray<EncodedEvent>,
  ): Effect.Effect<Outcome, ConcurrencyConflict | EventStoreError> => {
    if (events.length <= CHUNK) return insertChunk(streamName, expected, events, 0)
    // A batch too large for one statement is written in one transaction, each chunk
    // expecting the version the previous one reached.
    return Effect.gen(function* () {
      let current = expected
      let result: AppendResult | undefined
      let offset = 0
      for (const chunk of chunksOf(events, CHUNK)) {
        const outcome = yield* insertChunk(streamName, current, chunk, offset)
        if (outcome._tag === "Retry") return outcome
        result = outcome.result
        current = ExpectedVersion.exact(result.streamVersion)
        offset += chunk.length
      }
      return { _tag: "Done", result: result! } as const
    }).pipe(
      sql.withTransaction,
      Effect.catchTag("SqlError", unavailable(`Could not append to stream ${streamName}`, streamName)),
    )
  }

  const append = (
    streamName: StreamName,
    expected: ExpectedVersion.ExpectedVersion,
    events: ReadonlyArray<EncodedEvent>,
  ): Effect.Effect<AppendResult, ConcurrencyConflict | EventStoreError> => {
    // An `Any` append that loses a race for its version (a unique violation) is tried again at once:
    // the next attempt reads the version the winner wrote. A plain recursion rather than
    // `Effect.retry`, whose schedule every append would pay for (docs/performance.md).
    const attempt = (n: number): Effect.Effect<AppendResult, ConcurrencyConflict | EventStoreError> =>
      Effect.flatMap(appendOnce(streamName, expected, events), (outcome) => {
        if (outcome._tag === "Done") return Effect.succeed(outcome.result)
        if (n < RETRIES) return attempt(n + 1)
        return Effect.fail(
          new EventStoreError({
            reason: "Unavailable",
            message: `Append to stream ${streamName} kept losing races after ${RETRIES} attempts`,
            streamName,
          }),
        )
      })
    return attempt(1)
  }

  /**
   * Several streams in one transaction, each insert checking its own expectation; any refusal rolls
   * the whole call back. On PostgreSQL each stream's insert is a savepoint, so that a refused one (a
   * unique violation aborts a transaction) can still read the stream's version it names.
   */
  const appendMany = (
    appends: ReadonlyArray<EventStoreDriver.StreamAppend>,
  ): Effect.Effect<ReadonlyArray<AppendResult>, ConcurrencyConflict | EventStoreError> =>
    Effect.gen(function* () {
      const results: Array<AppendResult> = []
      for (const { streamName, expected, events } of appends) {
        const once = isPg
          ? sql.withTransaction(appendOnce(streamName, expected, events))
          : appendOnce(streamName, expected, events)
        let outcome = yield* once
        for (let n = 1; outcome._tag === "Retry"; n++) {
          if (n >= RETRIES) {
            return yield* new EventStoreError({
              reason: "Unavailable",
              message: `Append to stream ${streamName} kept losing races after ${RETRIES} attempts`,
              streamName,
            })
          }
          outcome = yield* once
        }
        results.push(outcome.result)
      }
      return results
    }).pipe(sql.withTransaction, Effect.catchTag("SqlError", unavailable("Could not append to several streams")))

  const readStreamText = sql`SELECT position, stream_version AS "streamVersion", type,
    schema_version AS "schemaVersion", data, metadata
    FROM cartable_events WHERE tenant = ${""} AND stream_name = ${""}
    AND stream_version > CAST(${0} AS INTEGER) ORDER BY stream_version`.compile()[0]
  const readStreamName = statementName("cartable_read_stream", readStreamText)
  /** The rows of a stream read, or its tombstone's error. */
  const streamRows = (
    streamName: StreamName,
    afterVersion: number,
    rows: ReadonlyArray<Row>,
  ): Effect.Effect<ReadonlyArray<StoredEvent>, EventStoreError> => {
    const last = rows[rows.length - 1]
    if (last?.type === TOMBSTONE) return Effect.fail(tombstoned(streamName))
    // Reading past the end says nothing of a tombstone placed after it: ask.
    if (last === undefined && afterVersion > 0) {
      return Effect.flatMap(streamInfo(streamName), (info) =>
        info.tombstoned ? Effect.fail(tombstoned(streamName)) : Effect.succeed([]),
      )
    }
    return Effect.succeed(toStored(rows, streamName))
  }
  const readStream = (streamName: StreamName, afterVersion: number) =>
    executor.run<Row>(readStreamText, [tenantOf(streamName), streamName, afterVersion], readStreamName).pipe(
      Effect.mapError(unavailable(`Could not read stream ${streamName}`, streamName)),
      Effect.flatMap((rows) => streamRows(streamName, afterVersion, rows)),
    )

  // The same read with the key of the subject each row's sealed envelope names, from the
  // key table beside the log: a fold or a command reads its stream in one statement, the
  // keys in the same snapshot as the rows (an erasure committed before is seen at once).
  const dialect = isPg ? "pg" : "sqlite"
  const keyedText = sql`SELECT e.position, e.stream_version AS "streamVersion", e.type,
    e.schema_version AS "schemaVersion", e.data, e.metadata, k.subject_id AS "keySubject", k.key AS "keyBytes"
    FROM cartable_events e LEFT JOIN cartable_subject_keys k ON k.subject_id = ${sql.literal(KeyRows.sealedSubjectSql(dialect, "e.data"))}
    WHERE e.tenant = ${""} AND e.stream_name = ${""}
    AND e.stream_version > CAST(${0} AS INTEGER) ORDER BY e.stream_version`.compile()[0]
  const keyedName = statementName("cartable_read_stream_keyed", keyedText)
  /** The key states of the rows, taken off them (a stored event carries no key). */
  const keysOf = (
    rows: ReadonlyArray<KeyedRow>,
  ): ReadonlyMap<string, SubjectKeyStore.KeyState> | SubjectKeyStore.SubjectKeyStoreError => {
    const keys = new Map<string, SubjectKeyStore.KeyState>()
    for (const row of rows) {
      const subject = row.keySubject
      if (typeof subject === "string" && !keys.has(subject)) {
        const state = KeyRows.stateOf(subject, row.keyBytes ?? null)
        if (state instanceof SubjectKeyStore.SubjectKeyStoreError) return state
        keys.set(subject, state)
      }
      row.keySubject = undefined
      row.keyBytes = undefined
    }
    return keys
  }
  const keyedReads = (keyStore: SubjectKeyStore.SubjectKeyStore.Service): KeyedReads => ({
    keyStore,
    readStream: (streamName, afterVersion) =>
      executor.run<KeyedRow>(keyedText, [tenantOf(streamName), streamName, afterVersion], keyedName).pipe(
        Effect.mapError(unavailable(`Could not read stream ${streamName}`, streamName)),
        Effect.flatMap((rows): Effect.Effect<KeyedRows, EventStoreError | SubjectKeyStore.SubjectKeyStoreError> => {
          const keys = keysOf(rows)
          if (keys instanceof SubjectKeyStore.SubjectKeyStoreError) return Effect.fail(keys)
          return Effect.map(streamRows(streamName, afterVersion, rows), (events) => ({ events, keys }))
        }),
      ),
  })

  // SQLite serialises writers: a position is committed before the next is drawn. On
  // PostgreSQL, `cartable_read_all` stops below the lowest position a transaction in
  // flight may still commit (parallelAppendsMigration.ts).
  const readAllText = isPg
    ? `SELECT o_position AS position, o_stream_name AS "streamName", o_stream_version AS "streamVersion",
      o_type AS type, o_schema_version AS "schemaVersion", o_data AS data, o_metadata AS metadata
      FROM cartable_read_all($1, $2)`
    : sql`SELECT position, stream_name AS "streamName", stream_version AS "streamVersion", type,
    schema_version AS "schemaVersion", data, metadata
    FROM cartable_events WHERE position > ${0} AND type <> '$tombstone' ORDER BY position LIMIT ${0}`.compile()[0]
  const readAllName = statementName("cartable_read_all", readAllText)
  const readAll = (afterPosition: number, limit: number) =>
    executor.run<Row>(readAllText, [afterPosition, limit], readAllName).pipe(
      Effect.map((rows) => toStored(rows)),
      Effect.mapError(unavailable("Could not read the log")),
    )

  // The last committed position a reader reaches: tombstone markers take a position but are never read.
  const headText =
    sql`SELECT COALESCE(MAX(position), 0) AS head FROM cartable_events WHERE type <> '$tombstone'`.compile()[0]
  const head = executor
    .run<{ readonly head: number | string | bigint }>(headText, [], statementName("cartable_log_head", headText))
    .pipe(
      Effect.map((rows) => Number(rows[0]?.head ?? 0)),
      Effect.mapError(unavailable("Could not read the log's head")),
    )

  const tombstone = (streamName: StreamName): Effect.Effect<void, EventStoreError> => {
    const marker: EncodedEvent = { type: TOMBSTONE, schemaVersion: 1, data: "{}", metadata: "{}" }
    // An already tombstoned stream matches no row of the guard: nothing to do. A race for the
    // marker's version (a unique violation) is tried again at once.
    return insert(tenantOf(streamName), streamName, ExpectedVersion.any, [marker]).pipe(
      Effect.asVoid,
      Effect.retry({ times: RETRIES - 1, while: (error) => violationOf(error) === "unique" }),
      Effect.mapError(unavailable(`Could not tombstone stream ${streamName}`, streamName)),
    )
  }

  // Arguments are checked by the port's shared validation, the same way as on every store.
  const keyed = options.keyStore === undefined ? {} : { keyedReads: keyedReads(options.keyStore) }
  if (!spans)
    return EventStoreDriver.validating({
      append,
      appendMany,
      readStream,
      readAll,
      streamInfo,
      tombstone,
      head,
      ...keyed,
    })
  // The call site of these spans is always this file: capturing its stack would only cost.
  const traced = (name: string, attributes: Record<string, unknown>) =>
    Effect.withSpan(`SqlEventStoreDriver.${name}`, { kind: "client", attributes, captureStackTrace: false })
  return EventStoreDriver.validating({
    append: (streamName, expected, events) =>
      append(streamName, expected, events).pipe(
        traced("append", {
          "cartable.stream_name": streamName,
          "cartable.expected_version": ExpectedVersion.format(expected),
          "cartable.events": events.length,
        }),
      ),
    appendMany: (appends) => appendMany(appends).pipe(traced("appendMany", { "cartable.streams": appends.length })),
    readStream: (streamName, afterVersion) =>
      readStream(streamName, afterVersion).pipe(
        traced("readStream", { "cartable.stream_name": streamName, "cartable.after_version": afterVersion }),
      ),
    readAll: (afterPosition, limit) =>
      readAll(afterPosition, limit).pipe(
        traced("readAll", { "cartable.after_position": afterPosition, "cartable.limit": limit }),
      ),
    streamInfo: (streamName) =>
      streamInfo(streamName).pipe(traced("streamInfo", { "cartable.stream_name": streamName })),
    tombstone: (streamName) => tombstone(streamName).pipe(traced("tombstone", { "cartable.stream_name": streamName })),
    head: head.pipe(traced("head", {})),
    ...(options.keyStore === undefined
      ? {}
      : {
          keyedReads: {
            keyStore: options.keyStore,
            readStream: (streamName: StreamName, afterVersion: number) =>
              keyedReads(options.keyStore!)
                .readStream(streamName, afterVersion)
                .pipe(
                  traced("readStream", { "cartable.stream_name": streamName, "cartable.after_version": afterVersion }),
                ),
          },
        }),
  })
})

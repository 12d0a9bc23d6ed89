/**
 * The toy adapter of docs/adapters.md, run through both conformance suites. The
 * guide's TypeScript blocks are excerpts of this file (```ts excerpt=...):
 * tests/snippets.test.ts fails when they drift apart.
 */
import * as Domain from "@cartable/domain/Domain"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import type { AppendResult, EncodedEvent, StoredEvent } from "@cartable/eventlog/EventStoreDriver"
import { EventStoreDriver, validating } from "@cartable/eventlog/EventStoreDriver"
import { ConcurrencyConflict, EventStoreError } from "@cartable/eventlog/EventStoreError"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import type { StreamName } from "@cartable/eventlog/StreamName"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as ErasureConformance from "@cartable/testing/ErasureConformance"
import * as EventStoreConformance from "@cartable/testing/EventStoreConformance"
import { assert, describe, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
// The adapters are not dependencies of the root package: reached by path, to typecheck the guide's snippets.
import * as PostgresEventStore from "../adapters/store-postgres/src/PostgresEventStore.ts"
import * as SqlEventStoreDriver from "../adapters/store-sql/src/SqlEventStoreDriver.ts"
import * as SqlSubjectKeyStore from "../adapters/store-sql/src/SqlSubjectKeyStore.ts"
import * as SqliteEventStore from "../adapters/store-sqlite/src/SqliteEventStore.ts"

/** Stands for a vendor's client: asynchronous, text values, an atomic multi-put, errors of its own. */
class AcmeClient {
  readonly entries = new Map<string, string>()
  closed = false
  private async roundTrip(): Promise<void> {
    await Promise.resolve()
    if (this.closed) throw new Error("ACME_CLOSED: the connection is closed")
  }
  async getMany(keys: ReadonlyArray<string>): Promise<ReadonlyArray<string | undefined>> {
    await this.roundTrip()
    return keys.map((key) => this.entries.get(key))
  }
  /** Writes every entry or none. */
  async putMany(entries: ReadonlyArray<readonly [string, string]>): Promise<void> {
    await this.roundTrip()
    for (const [key, value] of entries) this.entries.set(key, value)
  }
}

class Acme extends Context.Tag("@acme/cartable-store/Acme")<Acme, AcmeClient>() {}

interface Head {
  readonly version: number
  readonly tombstoned: boolean
}

const range = (from: number, to: number): ReadonlyArray<number> =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i)

const makeDriver = Effect.gen(function* () {
  const acme = yield* Acme
  // One appender at a time: no head moves during a check, positions appear in order.
  const lock = yield* Effect.makeSemaphore(1)

  // Every failure of the vendor's client leaves the port as Unavailable, its cause kept.
  const call = <A>(message: string, f: () => Promise<A>, streamName?: StreamName) =>
    Effect.tryPromise({
      try: f,
      catch: (cause) => new EventStoreError({ reason: "Unavailable", message, streamName, cause }),
    })
  const tombstoned = (streamName: StreamName) =>
    new EventStoreError({ reason: "StreamTombstoned", message: `Stream ${streamName} was tombstoned`, streamName })

  const headOf = (text: string | undefined): Head =>
    text === undefined ? { version: 0, tombstoned: false } : (JSON.parse(text) as Head)
  const rowsAt = (positions: ReadonlyArray<number>) =>
    Effect.map(
      call("Could not read the log", () => acme.getMany(positions.map((p) => `log:${p}`))),
      (texts) => texts.map((text) => JSON.parse(text!) as StoredEvent),
    )

  const append = (
    streamName: StreamName,
    expected: ExpectedVersion.ExpectedVersion,
    events: ReadonlyArray<EncodedEvent>,
  ) =>
    Effect.gen(function* () {
      const [headText, lastText] = yield* call(
        `Could not append to ${streamName}`,
        () => acme.getMany([`head:${streamName}`, "log"]),
        streamName,
      )
      const head = headOf(headText)
      if (head.tombstoned) return yield* tombstoned(streamName)
      if (!ExpectedVersion.matches(expected, head.version)) {
        const conflict = { streamName, expected: ExpectedVersion.format(expected), actual: head.version }
        return yield* new ConcurrencyConflict(conflict)
      }
      const last = Number(lastText ?? 0)
      const writes: Array<readonly [string, string]> = []
      for (const [i, { type, schemaVersion, data, metadata }] of events.entries()) {
        const row: StoredEvent = {
          type,
          schemaVersion,
          data,
          metadata,
          streamName,
          streamVersion: head.version + i + 1,
          position: last + i + 1,
        }
        writes.push([`log:${row.position}`, JSON.stringify(row)])
        writes.push([`stream:${streamName}:${row.streamVersion}`, String(row.position)])
      }
      const result: AppendResult = { streamVersion: head.version + events.length, lastPosition: last + events.length }
      writes.push([`head:${streamName}`, JSON.stringify({ version: result.streamVersion, tombstoned: false })])
      writes.push(["log", String(result.lastPosition)])
      yield* call(`Could not append to ${streamName}`, () => acme.putMany(writes), streamName)
      return result
    }).pipe(lock.withPermits(1))

  const streamInfo = (streamName: StreamName) =>
    Effect.map(
      call(`Could not read ${streamName}`, () => acme.getMany([`head:${streamName}`]), streamName),
      ([text]) => headOf(text),
    )

  const readStream = (streamName: StreamName, afterVersion: number) =>
    Effect.gen(function* () {
      const head = yield* streamInfo(streamName)
      if (head.tombstoned) return yield* tombstoned(streamName)
      const versions = range(afterVersion + 1, head.version)
      const keys = versions.map((version) => `stream:${streamName}:${version}`)
      const positions = yield* call(`Could not read ${streamName}`, () => acme.getMany(keys), streamName)
      return yield* rowsAt(positions.map(Number))
    })

  // Rows and the "log" counter are written by one putMany: every position up to the
  // counter is there, so a reader never skips one that shows up later.
  const readAll = (afterPosition: number, limit: number) =>
    Effect.gen(function* () {
      const [lastText] = yield* call("Could not read the log", () => acme.getMany(["log"]))
      const from = afterPosition + 1
      return yield* rowsAt(range(from, Math.min(Number(lastText ?? 0), from + limit - 1)))
    })

  const tombstone = (streamName: StreamName) =>
    Effect.flatMap(streamInfo(streamName), (head) =>
      call(
        `Could not tombstone ${streamName}`,
        () => acme.putMany([[`head:${streamName}`, JSON.stringify({ ...head, tombstoned: true })]]),
        streamName,
      ),
    ).pipe(lock.withPermits(1))

  // The log's head: the counter, which the appends move with their rows.
  const head = Effect.map(
    call("Could not read the log", () => acme.getMany(["log"])),
    ([text]) => Number(text ?? 0),
  )

  // The port's shared checks refuse malformed calls (InvalidArgument) before any of the above runs.
  return validating({ append, readStream, readAll, streamInfo, tombstone, head })
})

const makeKeyStore = Effect.gen(function* () {
  const acme = yield* Acme
  const lock = yield* Effect.makeSemaphore(1)
  // The vendor's error is the cause; the message never holds a key.
  const call = <A>(message: string, f: () => Promise<A>, subjectId?: string) =>
    Effect.tryPromise({
      try: f,
      catch: (cause) => new SubjectKeyStore.SubjectKeyStoreError({ reason: "Unavailable", message, subjectId, cause }),
    })
  // A destroyed key is overwritten with "" rather than deleted, so that it is never created again.
  const stateOf = (subjectId: string, stored: string | undefined) =>
    stored === undefined || stored === ""
      ? Effect.succeed(SubjectKeyStore.destroyed)
      : SubjectKeyStore.fromStoredBytes(subjectId, Buffer.from(stored, "base64"))

  const getOrCreate = (subjectId: string) =>
    Effect.gen(function* () {
      const [stored] = yield* call("Could not read a key", () => acme.getMany([`key:${subjectId}`]), subjectId)
      if (stored !== undefined) return yield* stateOf(subjectId, stored)
      const key = SubjectKeyStore.generateKey()
      const text = Buffer.from(key).toString("base64")
      yield* call("Could not create a key", () => acme.putMany([[`key:${subjectId}`, text]]), subjectId)
      return SubjectKeyStore.active(key)
    }).pipe(lock.withPermits(1))

  const lookup = (subjectIds: ReadonlyArray<string>) =>
    Effect.gen(function* () {
      const stored = yield* call("Could not look keys up", () => acme.getMany(subjectIds.map((id) => `key:${id}`)))
      const states = new Map<string, SubjectKeyStore.KeyState>()
      for (const [i, subjectId] of subjectIds.entries()) states.set(subjectId, yield* stateOf(subjectId, stored[i]))
      return states
    })

  const destroy = (subjectId: string) =>
    call("Could not destroy a key", () => acme.putMany([[`key:${subjectId}`, ""]]), subjectId).pipe(lock.withPermits(1))

  return { getOrCreate, lookup, destroy } satisfies SubjectKeyStore.SubjectKeyStore.Service
})

/** The driver and the key store on one fresh Acme store per build, with its client. */
const layer = Layer.mergeAll(
  Layer.effect(EventStoreDriver, makeDriver),
  Layer.effect(SubjectKeyStore.SubjectKeyStore, makeKeyStore),
).pipe(Layer.provideMerge(Layer.sync(Acme, () => new AcmeClient())))

EventStoreConformance.suite("Acme", layer)

ErasureConformance.suite("Acme", layer, {
  // Raw storage as a forensic reader sees it: a name as UTF-8, a key as the base64 it is stored in.
  scan: (needle) =>
    Effect.map(Acme, (acme) => {
      const forms = [Buffer.from(needle).toString("utf8"), Buffer.from(needle).toString("base64")]
      return [...acme.entries.values()].some((value) => forms.some((form) => value.includes(form)))
    }),
  scanFindsKeys: true,
})

// Typechecked, never built: the guide's choice of a store.
const catalog = EventCatalog.make(Domain.events)

const OnFile = SqliteEventStore.layer({ filename: "cartable.db", catalog })
const OnServer = PostgresEventStore.layerConfig({ catalog })

// Typechecked, never built: the SQL driver over a client of your own (any layer of SqlClient).
const yourSqlClient = SqliteEventStore.layerClient({ filename: ":memory:" })

const OnYourSql = SqlSubjectKeyStore.layer.pipe(
  Layer.provideMerge(SqlEventStoreDriver.layer({ tenantOf: (stream) => stream.split("-")[1] ?? "" })),
  Layer.provideMerge(yourSqlClient),
)

describe("the guide's toy adapter", () => {
  it.effect("a failure of the vendor's client leaves the port as Unavailable, with the client's error as cause", () =>
    Effect.gen(function* () {
      const acme = yield* Acme
      const driver = yield* EventStoreDriver
      const keys = yield* SubjectKeyStore.SubjectKeyStore
      acme.closed = true
      const read = yield* Effect.flip(driver.readAll(0, 10))
      assert.deepInclude(read, { _tag: "EventStoreError", reason: "Unavailable" })
      assert.include(String(read.cause), "ACME_CLOSED")
      const key = yield* Effect.flip(keys.getOrCreate("subject-1"))
      assert.deepInclude(key, { _tag: "SubjectKeyStoreError", reason: "Unavailable", subjectId: "subject-1" })
    }).pipe(Effect.provide(layer)),
  )

  it("the guide's store layers are layers (they are typechecked, never built)", () => {
    for (const store of [OnFile, OnServer, OnYourSql]) assert.isTrue(Layer.isLayer(store))
  })
})

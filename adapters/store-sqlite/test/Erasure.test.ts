import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import * as ErasureConformance from "@cartable/testing/ErasureConformance"
import * as SqlClient from "@effect/sql/SqlClient"
import { afterAll, assert, describe, it, layer } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"

const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-erasure-"))
const filename = Path.join(directory, "erasure.db")
afterAll(() => Fs.rmSync(directory, { recursive: true, force: true }))

const layerDriverOf = (file: string) => SqliteEventStore.layerDriver({ filename: file })
const store = layerDriverOf(filename)

/** The check: the bytes of every file of the store (database, WAL, shared memory), as a forensic reader would see them. */
const scanFiles = (needle: Uint8Array) =>
  Effect.sync(() =>
    [filename, `${filename}-wal`, `${filename}-shm`].some(
      (file) => Fs.existsSync(file) && Fs.readFileSync(file).includes(Buffer.from(needle)),
    ),
  )

ErasureConformance.suite("SQLite file", store, { scan: scanFiles, scanFindsKeys: true, numRuns: 20 })

describe("SQLite: a destroyed key leaves no copy in the database file", () => {
  it.layer(store)((it) => {
    it.effect("even once the key's page was checkpointed into the main file", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const keys = yield* SubjectKeyStore.SubjectKeyStore
        const subjectId = `checkpointed-${Crypto.randomUUID()}`
        const state = yield* keys.getOrCreate(subjectId)
        assert.strictEqual(state._tag, "Active")
        const key = state._tag === "Active" ? Buffer.from(Redacted.value(state.key)) : Buffer.alloc(0)
        yield* sql`PRAGMA wal_checkpoint(TRUNCATE)`
        assert.isTrue(Fs.readFileSync(filename).includes(key), "the key is in the main file before")
        yield* keys.destroy(subjectId)
        assert.isFalse(yield* scanFiles(key), "no copy of the key remains in the file or the WAL")
        assert.strictEqual((yield* keys.getOrCreate(subjectId))._tag, "Destroyed")
      }),
    )
  })
})

// Its own layer without the test services: the scrubber's retries run on the live clock.
layer(layerDriverOf(filename), { excludeTestServices: true })(
  "SQLite: erasure while another connection reads",
  (it) => {
    it.effect(
      "a reader holding an older snapshot delays the scrubbing: once it ends, no file of the store holds the key",
      () =>
        Effect.gen(function* () {
          const keys = yield* SubjectKeyStore.SubjectKeyStore
          const subjectId = `read-held-${Crypto.randomUUID()}`
          const state = yield* keys.getOrCreate(subjectId)
          const key = state._tag === "Active" ? Redacted.value(state.key) : new Uint8Array()
          assert.strictEqual(key.length, 32)
          // A second connection to the file, in a read transaction that sees the key.
          const reader = yield* SqliteEventStore.layerClient({ filename }).pipe(Layer.build)
          const readerSql = Context.get(reader, SqlClient.SqlClient)
          const conn = yield* readerSql.reserve
          yield* conn.executeUnprepared("BEGIN", [], undefined)
          const seen = yield* conn.executeUnprepared("SELECT count(*) AS n FROM cartable_subject_keys", [], undefined)
          assert.isAbove(Number((seen[0] as { readonly n: number }).n), 0)

          yield* keys.destroy(subjectId)
          assert.strictEqual((yield* keys.getOrCreate(subjectId))._tag, "Destroyed")
          // The reader's snapshot still needs the old page: the scrubbing waits for it.
          assert.isTrue(yield* scanFiles(key), "the reader's snapshot keeps a copy while it lasts")

          yield* conn.executeUnprepared("COMMIT", [], undefined)
          // Within the documented bound (a retry at least once a second), every copy is gone.
          const remains = yield* scanFiles(key).pipe(
            Effect.filterOrFail((found) => !found),
            Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo("3 seconds"))),
            Effect.as(false),
            Effect.orElseSucceed(() => true),
          )
          assert.isFalse(remains, "a copy of the key remains in a file of the store")
        }).pipe(Effect.scoped),
    )
  },
)

import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import * as ErasureConformance from "@cartable/testing/ErasureConformance"
import * as SqlClient from "@effect/sql/SqlClient"
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-erasure-"))
const filename = Path.join(directory, "erasure.db")
afterAll(() => Fs.rmSync(directory, { recursive: true, force: true }))

const layer = SqliteEventStore.layerDriver({ filename })

/** The check: the bytes of the database file and of its WAL, as a forensic reader would see them. */
const scanFiles = (needle: Uint8Array) =>
  Effect.sync(() =>
    [filename, `${filename}-wal`].some(
      (file) => Fs.existsSync(file) && Fs.readFileSync(file).includes(Buffer.from(needle)),
    ),
  )

ErasureConformance.suite("SQLite file", layer, { scan: scanFiles, scanFindsKeys: true, numRuns: 20 })

describe("SQLite: a destroyed key leaves no copy in the database file", () => {
  it.layer(layer)((it) => {
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

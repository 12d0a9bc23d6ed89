/**
 * The identity store on SQLite, on the event store's own client: the conformance
 * suite on a file and in memory, the driver's errors, and processes racing on one file.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import * as IdentityStoreConformance from "@cartable/testing/IdentityStoreConformance"
import { afterAll, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as IdentityRace from "../../store-sql/test/IdentityRace.ts"
import * as IdentityUnavailable from "../../store-sql/test/IdentityUnavailable.ts"

const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-identity-"))
afterAll(() => Fs.rmSync(directory, { recursive: true, force: true }))
const worker = Path.join(import.meta.dirname, "fixtures", "identityWorker.ts")

/** The identity store beside the event store, on one connection to `filename`. */
const onFile = (filename: string) =>
  SqliteEventStore.layerIdentityStore.pipe(Layer.provideMerge(SqliteEventStore.layerDriver({ filename })))

IdentityStoreConformance.suite("SQLite file (WAL)", onFile(Path.join(directory, "conformance.db")))
IdentityStoreConformance.suite("SQLite :memory:", onFile(":memory:"))

describe("SQLite identity store", () => {
  it.effect("a failing database gives Unavailable with the driver's message, never the keys or values", () =>
    IdentityUnavailable.scenario.pipe(Effect.provide(onFile(":memory:"))),
  )

  it.live(
    "4 processes on one file race take (each entry to one process) and recordFailure (counts 1..total)",
    () => {
      const database = Path.join(directory, "race.db")
      return IdentityRace.seeded({ worker, database, processes: 4, layer: onFile(database) })
    },
    120_000,
  )

  it.live(
    "4 processes open a fresh file together: the identity tables are migrated once, and every process works",
    () => {
      const database = Path.join(directory, "fresh.db")
      return IdentityRace.fresh({ worker, database, processes: 4, layer: onFile(database) })
    },
    120_000,
  )
})

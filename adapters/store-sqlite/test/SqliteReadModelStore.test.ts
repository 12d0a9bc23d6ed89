import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import * as ProjectionRuntimeConformance from "@cartable/testing/ProjectionRuntimeConformance"
import * as ReadModelStoreConformance from "@cartable/testing/ReadModelStoreConformance"
import { describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as SharedTables from "../../store-sql/test/SharedTables.ts"

const fileStore = Layer.unwrapScoped(
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-read-models-"))),
      (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true })),
    ),
    (dir) => SqliteEventStore.layerDriver({ filename: Path.join(dir, "store.db") }),
  ),
)

ReadModelStoreConformance.suite("SQLite file (WAL)", fileStore)
ReadModelStoreConformance.suite("SQLite :memory:", SqliteEventStore.layerDriver({ filename: ":memory:" }), {
  numRuns: 10,
})

// The projection runtime over the same layers: inline in the append's transaction, checkpoints, leases, rebuilds.
ProjectionRuntimeConformance.suite("SQLite file (WAL)", fileStore)

describe("SQLite: two read-model stores on one file", () => {
  it.scoped("see the tables and indexes the other created or dropped", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.acquireRelease(
        Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-shared-tables-"))),
        (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true })),
      )
      const filename = Path.join(dir, "store.db")
      yield* SharedTables.scenario(
        SqliteEventStore.layerDriver({ filename }),
        SqliteEventStore.layerDriver({ filename }),
      )
    }),
  )
})

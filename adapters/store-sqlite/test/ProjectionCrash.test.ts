/**
 * Async projections on a SQLite file across real processes killed with SIGKILL
 * (issue 11): every event applied exactly once, one runner holding the lease.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as ProjectionCrash from "../../store-sql/test/ProjectionCrash.ts"

const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-crash-"))
afterAll(() => Fs.rmSync(directory, { recursive: true, force: true }))
const worker = Path.join(import.meta.dirname, "fixtures", "projectionWorker.ts")

describe("SQLite: an async projection run by processes killed with SIGKILL", () => {
  it.live(
    "applies every event exactly once, in order, with one process holding it at a time",
    () => {
      const filename = Path.join(directory, "crash.db")
      return Effect.gen(function* () {
        const result = yield* ProjectionCrash.scenario({
          worker,
          args: [filename],
          processes: 3,
          kills: 10,
          before: 1500,
          during: 500,
        })
        assert.strictEqual(result.position, result.head, result.outputs.join("\n"))
        assert.deepStrictEqual(result.applied, result.expected)
        assert.isTrue(result.heldByAWorker)
      }).pipe(Effect.provide(SqliteEventStore.layer({ filename, catalog: ProjectionCrash.catalog })), Effect.scoped)
    },
    { timeout: 240_000 },
  )
})

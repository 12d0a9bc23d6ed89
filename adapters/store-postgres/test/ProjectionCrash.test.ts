/**
 * Async projections on PostgreSQL across real processes killed with SIGKILL
 * (issue 11): every event applied exactly once, one runner holding the lease.
 */
import * as Path from "node:path"
import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ProjectionCrash from "../../store-sql/test/ProjectionCrash.ts"
import { database, describeWithServer } from "./TestDatabase.ts"

const worker = Path.join(import.meta.dirname, "fixtures", "projectionWorker.ts")

describeWithServer("PostgreSQL: an async projection run by processes killed with SIGKILL", (server) => {
  it.live(
    "applies every event exactly once, in order, with one process holding it at a time",
    () =>
      Effect.gen(function* () {
        const url = yield* database(server)
        return yield* Effect.gen(function* () {
          const result = yield* ProjectionCrash.scenario({
            worker,
            args: [url],
            processes: 3,
            kills: 10,
            before: 1000,
            during: 500,
          })
          assert.strictEqual(result.position, result.head, result.outputs.join("\n"))
          assert.deepStrictEqual(result.applied, result.expected)
          assert.isTrue(result.heldByAWorker)
        }).pipe(
          Effect.provide(
            Layer.fresh(PostgresEventStore.layer({ url, maxConnections: 3, catalog: ProjectionCrash.catalog })),
          ),
        )
      }).pipe(Effect.scoped),
    { timeout: 240_000 },
  )
})

/**
 * The identity store on PostgreSQL, on the event store's own pool: the
 * conformance suite, the driver's errors, and processes racing on one database.
 */
import * as Path from "node:path"
import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as IdentityStoreConformance from "@cartable/testing/IdentityStoreConformance"
import { it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as IdentityRace from "../../store-sql/test/IdentityRace.ts"
import * as IdentityUnavailable from "../../store-sql/test/IdentityUnavailable.ts"
import { database as databaseOf, describeWithServer, layerWithDatabase } from "./TestDatabase.ts"

const worker = Path.join(import.meta.dirname, "fixtures", "identityWorker.ts")

// A French ICU default collation, as a French deployment's may be: the store's COLLATE "C" keeps keys exact.
const frenchCollation = "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'fr-FR' LOCALE 'C.UTF-8'"

/** The identity store beside the event store, on one pool to `url`. */
const onDatabase = (url: string) =>
  PostgresEventStore.layerIdentityStore.pipe(
    Layer.provideMerge(PostgresEventStore.layerDriver({ url, maxConnections: 8 })),
  )

describeWithServer("PostgreSQL identity store", (server) => {
  IdentityStoreConformance.suite(
    "PostgreSQL (French default collation)",
    layerWithDatabase(server, onDatabase, frenchCollation),
  )

  it.effect("a failing database gives Unavailable with the driver's message, never the keys or values", () =>
    Effect.gen(function* () {
      const url = yield* databaseOf(server)
      yield* IdentityUnavailable.scenario.pipe(Effect.provide(onDatabase(url)))
    }).pipe(Effect.scoped),
  )

  it.live(
    "4 processes on one database race take (each entry to one process) and recordFailure (counts 1..total)",
    () =>
      Effect.gen(function* () {
        const database = yield* databaseOf(server)
        yield* IdentityRace.seeded({ worker, database, processes: 4, layer: onDatabase(database) })
      }).pipe(Effect.scoped),
    120_000,
  )

  it.live(
    "4 processes open a fresh database together: the identity tables are migrated once, and every process works",
    () =>
      Effect.gen(function* () {
        const database = yield* databaseOf(server)
        yield* IdentityRace.fresh({ worker, database, processes: 4, layer: onDatabase(database) })
      }).pipe(Effect.scoped),
    120_000,
  )
})

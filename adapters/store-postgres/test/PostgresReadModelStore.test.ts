import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as ProjectionRuntimeConformance from "@cartable/testing/ProjectionRuntimeConformance"
import * as ReadModelStoreConformance from "@cartable/testing/ReadModelStoreConformance"
import { it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as SharedTables from "../../store-sql/test/SharedTables.ts"
import { database, describeWithServer, layerWithDatabase } from "./TestDatabase.ts"

// A database whose default collation is French (ICU), as a French deployment's may be: it orders
// "\u{E000}" after "😀" and "B" after "a", so only the store's own COLLATE "C" gives the code-point order.
const frenchCollation = "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'fr-FR' LOCALE 'C.UTF-8'"

describeWithServer("PostgreSQL read-model store", (server) => {
  ReadModelStoreConformance.suite(
    "PostgreSQL (French default collation)",
    layerWithDatabase(server, (url) => PostgresEventStore.layerDriver({ url }), frenchCollation),
  )
  // The projection runtime over the same layers: inline in the append's transaction, checkpoints, leases, rebuilds.
  ProjectionRuntimeConformance.suite(
    "PostgreSQL",
    layerWithDatabase(server, (url) => PostgresEventStore.layerDriver({ url, maxConnections: 4 })),
  )
})

describeWithServer("PostgreSQL: two read-model stores on one database", (server) => {
  it.scoped("see the tables and indexes the other created or dropped", () =>
    Effect.gen(function* () {
      const url = yield* database(server)
      yield* SharedTables.scenario(PostgresEventStore.layerDriver({ url }), PostgresEventStore.layerDriver({ url }))
    }),
  )
})

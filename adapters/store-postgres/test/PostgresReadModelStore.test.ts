import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as ReadModelStoreConformance from "@cartable/testing/ReadModelStoreConformance"
import { describeWithServer, layerWithDatabase } from "./TestDatabase.ts"

describeWithServer("PostgreSQL read-model store", (server) => {
  ReadModelStoreConformance.suite(
    "PostgreSQL",
    layerWithDatabase(server, (url) => PostgresEventStore.layerDriver({ url })),
  )
})

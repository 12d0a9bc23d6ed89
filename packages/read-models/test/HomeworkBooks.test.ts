import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import { describeWithServer, layerWithDatabase } from "../../../adapters/store-postgres/test/TestDatabase.ts"
import { memory, sqlite } from "./fixtures.ts"
import { suite } from "./HomeworkBooksSuite.ts"

suite("memory", memory, 40)
suite("SQLite", sqlite(), 5)
describeWithServer("HomeworkBooks on PostgreSQL", (server) => {
  suite(
    "PostgreSQL",
    layerWithDatabase(server, (url) => PostgresEventStore.layerDriver({ url, maxConnections: 4 })),
    3,
  )
})

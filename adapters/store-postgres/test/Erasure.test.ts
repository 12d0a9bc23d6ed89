import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as ErasureConformance from "@cartable/testing/ErasureConformance"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { describeWithServer, layerWithDatabase } from "./TestDatabase.ts"

/**
 * The check on PostgreSQL: the rows of the event table (data and metadata)
 * and the key table. Text needles are searched in the events, byte needles (keys)
 * in the key table.
 */
const scanTables = (needle: Uint8Array) =>
  Effect.gen(function* () {
    const sql = (yield* SqlClient.SqlClient).withoutTransforms()
    let text: string | undefined
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(needle)
    } catch {
      text = undefined
    }
    const inEvents =
      text === undefined || text.includes("\u0000")
        ? []
        : yield* sql<{ readonly found: number }>`SELECT 1 AS found FROM cartable_events
            WHERE strpos(data, ${text}) > 0 OR strpos(metadata, ${text}) > 0 LIMIT 1`
    const inKeys = yield* sql<{ readonly found: number }>`SELECT 1 AS found FROM cartable_subject_keys
      WHERE key IS NOT NULL AND position(${Buffer.from(needle)}::bytea IN key) > 0 LIMIT 1`
    return inEvents.length > 0 || inKeys.length > 0
  })

describeWithServer("PostgreSQL erasure", (server) => {
  const layer = layerWithDatabase(server, (url) => PostgresEventStore.layerDriver({ url }))
  ErasureConformance.suite("PostgreSQL", layer, { scan: scanTables, scanFindsKeys: true, numRuns: 15 })
})

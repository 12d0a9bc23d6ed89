/**
 * Runtimes with the Authorization projection inline, on memory, SQLite and
 * PostgreSQL, for the read model's tests and the cross-aggregate rules' tests.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Domain from "@cartable/domain/Domain"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { layerWithDatabase, serverUrl } from "../../../adapters/store-postgres/test/TestDatabase.ts"
import * as Authorization from "../src/Authorization.ts"

export const catalog = EventCatalog.make(Domain.events)
export const context = { occurredAt: DateTime.unsafeMake("2026-09-01T08:00:00Z") }

export const memory = Layer.merge(ReadModelStore.layerMemoryWithDriver, SubjectKeyStore.layerMemory)

export const sqliteFile = Layer.unwrapScoped(
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-authorization-"))),
      (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true })),
    ),
    (dir) => SqliteEventStore.layerDriver({ filename: Path.join(dir, "store.db") }),
  ),
)

/** A fresh PostgreSQL database, when DATABASE_URL names a server. */
export const postgres =
  serverUrl === undefined
    ? undefined
    : layerWithDatabase(serverUrl, (url) => PostgresEventStore.layerDriver({ url, maxConnections: 4 }))

/** The stores the tests run on: memory, SQLite, and PostgreSQL when a server is configured. */
export const stores = [
  { name: "memory", storage: memory },
  { name: "SQLite", storage: sqliteFile },
  ...(postgres === undefined ? [] : [{ name: "PostgreSQL", storage: postgres }]),
] as const

/** The runtime with Authorization inline over a storage layer, and its queries. */
export const runtimeOn = <E, R>(
  storage: Layer.Layer<ReadModelStore.ReadModelStore | SubjectKeyStore.SubjectKeyStore | EventStoreDriverOf, E, R>,
) => {
  const store = EventStore.layer(catalog).pipe(Layer.provideMerge(storage))
  const runtime = ProjectionRuntime.layer({ inline: [Authorization.AuthorizationProjection], background: false }).pipe(
    Layer.provideMerge(store),
  )
  return Authorization.layer.pipe(Layer.provideMerge(runtime))
}

type EventStoreDriverOf = Layer.Layer.Success<typeof ReadModelStore.layerMemoryWithDriver>

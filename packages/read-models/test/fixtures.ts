/**
 * What the read models' tests share: storage layers, a runtime over them, a
 * way to send commands at given instants, and the school day of an instant
 * computed apart from the code under test.
 */
import type * as Actor from "@cartable/domain/Actor"
import * as Domain from "@cartable/domain/Domain"
import { AccountId } from "@cartable/domain/Ids"
import type { LocalDate } from "@cartable/domain/SchoolYear"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import type * as EventStoreDriver from "@cartable/eventlog/EventStoreDriver"
import type { RecordedEvent } from "@cartable/eventlog/RecordedEvent"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import type * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import type { TimedCommand } from "@cartable/testing/TimedHistories"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { everything } from "../src/internal/pages.ts"

export const catalog = EventCatalog.make(Domain.events)

/** Storage for the runtime: an event driver, a key store and a read-model store sharing transactions. */
export type Storage<E = unknown> = Layer.Layer<
  EventStoreDriver.EventStoreDriver | SubjectKeyStore.SubjectKeyStore | ReadModelStore.ReadModelStore,
  E
>

export const memory: Storage<never> = Layer.merge(ReadModelStore.layerMemoryWithDriver, SubjectKeyStore.layerMemory)
export const sqlite = (): Storage => SqliteEventStore.layerDriver({ filename: ":memory:" })

/** The runtime with these projections inline, over the storage, with the typed event store. */
export const runtime = <E>(storage: Storage<E>, inline: ReadonlyArray<Projection.Projection.Any>) =>
  ProjectionRuntime.layer({ background: false, inline }).pipe(
    Layer.provideMerge(EventStore.layer(catalog).pipe(Layer.provideMerge(storage))),
  )

/** Sends each command at its instant; refusals are part of random histories. */
export const play = (history: ReadonlyArray<TimedCommand>) =>
  Effect.gen(function* () {
    const router = yield* CommandRouter.make(Domain.aggregates)
    for (const { command, occurredAt } of history) yield* Effect.either(router.handleTyped(command, { occurredAt }))
  })

/** Sends one command at an ISO instant; it must be accepted. */
export const send = (command: Domain.Command, at: string) =>
  Effect.flatMap(CommandRouter.make(Domain.aggregates), (router) =>
    router.handleTyped(command, { occurredAt: DateTime.unsafeMake(at) }),
  )

/** The whole log. */
export const log: Effect.Effect<ReadonlyArray<RecordedEvent>, unknown, EventStore.EventStore> = Effect.flatMap(
  EventStore.EventStore,
  (store) => store.readAll(0, 1_000_000),
)

/** Every document of every collection of a projection, by collection. */
export const snapshot = (projection: Projection.Projection.Any) =>
  Effect.forEach(Object.keys(projection.collections), (name) =>
    Effect.flatMap(ProjectionRuntime.reader(projection, name), (reader) =>
      Effect.map(everything(reader, {}), (documents) => [name, documents] as const),
    ),
  ).pipe(Effect.map((entries) => Object.fromEntries(entries)))

/** The calendar day of an instant in Paris, as a French school counts days (the oracle's own reckoning). */
export const parisDay = (at: DateTime.DateTime): LocalDate =>
  DateTime.toDate(at).toLocaleDateString("sv-SE", { timeZone: "Europe/Paris" }) as LocalDate

/** The day `offset` days after `date`. */
export const shift = (date: string, offset: number): LocalDate =>
  new Date(Date.parse(`${date}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10) as LocalDate

/** The directory feed, the timetable import, and a school's administrator. */
export const feed: Actor.Actor = {
  accountId: AccountId.make("system:aaf"),
  roles: [{ _tag: "System", process: "aaf" }],
}
export const timetable: Actor.Actor = {
  accountId: AccountId.make("system:timetable"),
  roles: [{ _tag: "System", process: "timetable" }],
}

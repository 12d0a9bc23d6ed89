import * as EventStoreDriver from "@cartable/eventlog/EventStoreDriver"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { ReadModelStore } from "../ReadModelStore.ts"
import * as MemoryStore from "./memoryStore.ts"
import * as MemoryTransaction from "./memoryTransaction.ts"

/** The driver's calls wait for a running transaction, like the store's, so that a rollback undoes them in order. */
const guardDriver = (
  driver: EventStoreDriver.EventStoreDriver.Service,
  guard: MemoryTransaction.MemoryTransaction["guard"],
): EventStoreDriver.EventStoreDriver.Service => ({
  append: (streamName, expected, events) => guard(driver.append(streamName, expected, events)),
  ...(driver.appendMany === undefined
    ? {}
    : {
        appendMany: (appends: Parameters<NonNullable<typeof driver.appendMany>>[0]) =>
          guard(driver.appendMany!(appends)),
      }),
  readStream: (streamName, afterVersion) => guard(driver.readStream(streamName, afterVersion)),
  readAll: (afterPosition, limit) => guard(driver.readAll(afterPosition, limit)),
  streamInfo: (streamName) => guard(driver.streamInfo(streamName)),
  tombstone: (streamName) => guard(driver.tombstone(streamName)),
  head: guard(driver.head),
})

export const makeStore: Effect.Effect<ReadModelStore.Service> = Effect.map(MemoryTransaction.make, MemoryStore.make)

export const makeWithDriver: Effect.Effect<Context.Context<ReadModelStore | EventStoreDriver.EventStoreDriver>> =
  Effect.gen(function* () {
    const transaction = yield* MemoryTransaction.make
    const driver = yield* EventStoreDriver.makeMemoryRecording(transaction.record)
    return Context.make(ReadModelStore, MemoryStore.make(transaction)).pipe(
      Context.add(EventStoreDriver.EventStoreDriver, guardDriver(driver, transaction.guard)),
    )
  })

import * as EventStoreDriver from "@cartable/eventlog/EventStoreDriver"
import * as EventStoreConformance from "@cartable/testing/EventStoreConformance"

EventStoreConformance.suite("in-memory", EventStoreDriver.layerMemory)

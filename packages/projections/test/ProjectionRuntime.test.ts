import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as ProjectionRuntimeConformance from "@cartable/testing/ProjectionRuntimeConformance"
import * as Layer from "effect/Layer"

ProjectionRuntimeConformance.suite(
  "memory",
  Layer.merge(ReadModelStore.layerMemoryWithDriver, SubjectKeyStore.layerMemory),
)

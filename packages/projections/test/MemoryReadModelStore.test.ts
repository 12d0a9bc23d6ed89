import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as ReadModelStoreConformance from "@cartable/testing/ReadModelStoreConformance"

ReadModelStoreConformance.suite("in-memory", ReadModelStore.layerMemoryWithDriver)

import * as IdentityStoreMemory from "@cartable/identity/IdentityStoreMemory"
import * as IdentityStoreConformance from "@cartable/testing/IdentityStoreConformance"

IdentityStoreConformance.suite("memory", IdentityStoreMemory.layer, { numRuns: 200 })

/**
 * The import's test stack: the Workspace over a log and read-model store in
 * memory (or a SQLite file), with the Authorization facts inline, as a vendor
 * wires it; codes drawn from a counter so that runs compare.
 */
import * as Credentials from "@cartable/domain/Credentials"
import * as Domain from "@cartable/domain/Domain"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import type * as FeedImport from "@cartable/feeds/FeedImport"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as Authorization from "@cartable/read-models/Authorization"
import * as Workspace from "@cartable/workspace/Workspace"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"

export const catalog = EventCatalog.make(Domain.events)

/** The Workspace with the Authorization facts inline, over the storage given. */
export const stack = Workspace.layer.pipe(
  Layer.provideMerge(Authorization.layer),
  Layer.provideMerge(ProjectionRuntime.layer({ inline: [Authorization.AuthorizationProjection], background: false })),
)

/** A fresh log and read-model store in memory. */
export const memory = () =>
  EventStore.layer(catalog).pipe(
    Layer.provideMerge(Layer.merge(ReadModelStore.layerMemoryWithDriver, SubjectKeyStore.layerMemory)),
  )

let drawn = 0
/** Codes from a counter: valid, distinct, and the same from one run to the next. */
export const codes: Effect.Effect<Credentials.OneTimeCode> = Effect.sync(() => {
  drawn++
  const bytes = new Uint8Array(32).map((_, i) => (drawn * 7 + i * 13) % 248)
  return Option.getOrThrow(Credentials.codeFromBytes(bytes))
})

export const year = SchoolYear.starting(2025)
export const at = DateTime.unsafeMake("2025-09-01T02:00:00Z")

export const options = (overrides: Partial<FeedImport.Options> = {}): FeedImport.Options => ({
  mode: "full",
  schoolYear: year,
  occurredAt: at,
  activationCode: codes,
  ...overrides,
})

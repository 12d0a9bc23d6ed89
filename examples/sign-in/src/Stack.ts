/**
 * The ENT on one SQLite file, as a vendor's server wires it: the Workspace over
 * the projection runtime (the Authorization facts inline, and whichever read
 * models the server queries), local sign-in (argon2id), and the identity store
 * on the same connection. Both examples/sign-in and examples/vendor-http stand
 * on it; each adds its own flows and read-model services.
 *
 * @since 0.1.0
 */
import * as Domain from "@cartable/domain/Domain"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as Mailer from "@cartable/identity/Mailer"
import * as Argon2Hasher from "@cartable/idp-local/Argon2Hasher"
import * as LocalProvider from "@cartable/idp-local/LocalProvider"
import type * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as Authorization from "@cartable/read-models/Authorization"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import * as Workspace from "@cartable/workspace/Workspace"
import * as Layer from "effect/Layer"

/**
 * Where the ENT keeps its data, the cost of its password hashes, and the read
 * models the runtime keeps beside the Authorization facts.
 *
 * @since 0.1.0
 */
export interface Options {
  /** The SQLite file of the log, the read models, the subject keys and the identity store. */
  readonly filename: string
  /** argon2id's cost (OWASP's defaults: 19 MiB, 2 passes). */
  readonly hasher?: Argon2Hasher.Parameters | undefined
  /** Projections applied in each append's transaction, after the Authorization facts. */
  readonly inline?: ReadonlyArray<Projection.Projection.Any> | undefined
  /** Projections run in background fibers. */
  readonly async?: ReadonlyArray<Projection.Projection.Any> | undefined
}

const catalog = EventCatalog.make(Domain.events)

/**
 * The Workspace with the Authorization facts inline (a right granted or a block
 * is seen by the next command), over the SQLite event store, with the local
 * provider, the identity store on the same connection and an outbox mailer.
 *
 * @since 0.1.0
 */
export const layer = (options: Options) => {
  const storage = SqliteEventStore.layer({ filename: options.filename, catalog })
  const runtime = ProjectionRuntime.layer({
    inline: [Authorization.AuthorizationProjection, ...(options.inline ?? [])],
    async: options.async,
  })
  const workspace = Workspace.layer.pipe(
    Layer.provideMerge(Authorization.layer),
    Layer.provideMerge(runtime),
    Layer.provideMerge(storage),
  )
  return Layer.mergeAll(
    LocalProvider.layer.pipe(Layer.provideMerge(Argon2Hasher.layer(options.hasher))),
    SqliteEventStore.layerIdentityStore,
    // No recovery e-mail in this story; @cartable/mail-smtp's Mailer in production.
    Mailer.layerOutbox,
  ).pipe(Layer.provideMerge(workspace))
}

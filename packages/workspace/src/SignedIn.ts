/**
 * Who a signed-in account is, as the Workspace sees it before a command: the
 * account refused unless it may act (unknown, blocked, pre-deleted, deleted,
 * or a process's id), else its actor with the roles the log gives. An API puts
 * it in front of the read models whose permission is its own business.
 *
 * @since 0.1.0
 */
import type { Actor } from "@cartable/domain/Actor"
import type { ReadModelError } from "@cartable/projections/ReadModelStore"
import { Authorization } from "@cartable/read-models/Authorization"
import * as Effect from "effect/Effect"
import * as internal from "./internal/signedIn.ts"
import type { AccountRefused } from "./WorkspaceError.ts"

/**
 * The actor of a signed-in account, from the Authorization facts (run inline):
 * the same check and the same roles as `Workspace.handle`, never `System`.
 *
 * @example
 * const actor = yield* SignedIn.actor(session.accountId)
 * if (!Actor.isDirectionOf(actor, school)) return yield* new Forbidden(...)
 * @since 0.1.0
 */
export const actor: (accountId: string) => Effect.Effect<Actor, AccountRefused | ReadModelError, Authorization> =
  Effect.fn("SignedIn.actor")(function* (accountId: string) {
    const authorization = yield* Authorization
    return yield* internal.actorOf(authorization, accountId)
  })

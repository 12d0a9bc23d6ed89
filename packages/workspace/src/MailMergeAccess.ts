/**
 * The mail-merge (publipostage) as a signed-in account runs it: the account is
 * refused unless it may act, then unless it holds the role "Gestionnaire
 * publipostage" of the school (BR-MM-1, from the log); only then are the
 * sheets listed or printed. Put it, not the MailMerge read model, behind an
 * HTTP API.
 *
 * @since 0.1.0
 */
import * as Actor from "@cartable/domain/Actor"
import { StructureId } from "@cartable/domain/Ids"
import type { ReadModelError } from "@cartable/projections/ReadModelStore"
import { Authorization } from "@cartable/read-models/Authorization"
import type * as MailMergeModel from "@cartable/read-models/MailMerge"
import { MailMerge, type MailMergeError } from "@cartable/read-models/MailMerge"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as SignedIn from "./internal/signedIn.ts"
import { type AccountRefused, MailMergeRefused } from "./WorkspaceError.ts"

const isStructureId = Schema.is(StructureId)

/**
 * @since 0.1.0
 */
export declare namespace MailMergeAccess {
  /**
   * Why a mail-merge was not given: the account may not act, it lacks the
   * role, or the stores failed.
   *
   * @since 0.1.0
   */
  export type Error = AccountRefused | MailMergeRefused | ReadModelError

  /**
   * The mail-merge of one school for a signed-in account.
   *
   * @since 0.1.0
   */
  export interface Service {
    /** The sheets and counts of the query's school (MailMerge.list), for a holder of its mail-merge role. */
    readonly list: (accountId: string, query: MailMergeModel.Query) => Effect.Effect<MailMergeModel.Listing, Error>
    /** The sheets as a PDF of 1, 2 or 8 accounts per page (MailMerge.pdf), for a holder of the role. */
    readonly pdf: (
      accountId: string,
      query: MailMergeModel.Query,
      options: MailMergeModel.PdfOptions,
    ) => Effect.Effect<Uint8Array, Error | MailMergeError>
  }
}

/**
 * The mail-merge behind its permission.
 *
 * @since 0.1.0
 */
export class MailMergeAccess extends Context.Tag("@cartable/workspace/MailMergeAccess")<
  MailMergeAccess,
  MailMergeAccess.Service
>() {}

/**
 * Builds the service on the Authorization facts (run inline, so that a role
 * granted or withdrawn counts at once) and the MailMerge read model.
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<MailMergeAccess.Service, never, Authorization | MailMerge> = Effect.gen(function* () {
  const authorization = yield* Authorization
  const mailMerge = yield* MailMerge
  const allowed = (accountId: string, school: string) =>
    Effect.flatMap(SignedIn.actorOf(authorization, accountId), (actor) =>
      isStructureId(school) && Actor.isMailMergeManagerOf(actor, school)
        ? Effect.void
        : Effect.fail(new MailMergeRefused({ accountId, structureId: school })),
    )
  return {
    list: (accountId, query) => Effect.zipRight(allowed(accountId, query.school), mailMerge.list(query)),
    pdf: (accountId, query, options) =>
      Effect.zipRight(allowed(accountId, query.school), mailMerge.pdf(query, options)),
  }
})

/**
 * {@link make} as a layer.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<MailMergeAccess, never, Authorization | MailMerge> = Layer.effect(MailMergeAccess, make)

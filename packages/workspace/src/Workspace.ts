/**
 * The trusted entry point for untrusted input (ARCHITECTURE.md principle 9):
 * it takes who is signed in (an account id, from the identity provider's
 * session) and what they want (an intent: a command without its fact fields),
 * resolves the facts from the log (the account's state and roles, the facts of
 * other aggregates), then decides and appends through the command router.
 * Nothing the caller sends can make him an administrator or a system process.
 *
 * @since 0.1.0
 */
import type * as Domain from "@cartable/domain/Domain"
import type * as CommandHandler from "@cartable/eventlog/CommandHandler"
import type * as CommandInput from "@cartable/eventlog/CommandInput"
import type { Aggregates } from "@cartable/eventlog/CommandRouter"
import type { EventStore } from "@cartable/eventlog/EventStore"
import type { ConcurrencyConflict, EventStoreError } from "@cartable/eventlog/EventStoreError"
import type { Aggregate } from "@cartable/kernel/Decider"
import type { ReadModelError } from "@cartable/projections/ReadModelStore"
import type { Authorization } from "@cartable/read-models/Authorization"
import * as Context from "effect/Context"
import type * as DateTime from "effect/DateTime"
import type * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as internal from "./internal/workspace.ts"
import type { SystemProcess } from "./SystemProcess.ts"
import type { AccountRefused, UnresolvedFact } from "./WorkspaceError.ts"

/**
 * What a signed-in user's request says besides the intent: when it happened
 * (the domain has no clock) and the request's correlation id.
 *
 * @since 0.1.0
 */
export interface RequestContext {
  readonly occurredAt: DateTime.Utc
  readonly correlationId?: string
}

/**
 * @since 0.1.0
 */
export declare namespace Workspace {
  /**
   * Why a command through the Workspace did not go through: an intent that does
   * not decode (`InvalidCommand`, naming the field), an account refused, a fact
   * the log does not hold, an aggregate's rejection (with its `ruleId`), or the
   * stores' failures.
   *
   * @since 0.1.0
   */
  export type Error<A extends Aggregates> =
    | CommandInput.InvalidCommand
    | AccountRefused
    | UnresolvedFact
    | Aggregate.Rejection<A[keyof A]>
    | ConcurrencyConflict
    | EventStoreError
    | ReadModelError

  /**
   * What a process's command may fail with: a signed-in account's errors, but
   * no account to refuse.
   *
   * @since 0.1.0
   */
  export type SystemError<A extends Aggregates> = Exclude<Error<A>, AccountRefused>

  /**
   * A process's own entry point: its intents act as `System`. Causation ids and
   * idempotence are there for process managers that may see an event twice.
   *
   * @since 0.1.0
   */
  export interface SystemSession<A extends Aggregates> {
    readonly process: SystemProcess
    readonly handle: (
      intent: unknown,
      context: CommandHandler.CommandContext,
    ) => Effect.Effect<CommandHandler.Handled<Aggregate.Event<A[keyof A]>>, SystemError<A>>
    /**
     * Many intents of a bulk process (the directory import) decided one after another and appended
     * together in one transaction with their inline projections, one outcome each, in order.
     * Facts: each intent's cross-aggregate facts are read from the log as it was before the batch,
     * while each stream's own state follows the batch's earlier intents on it; so give together only
     * intents whose facts no other intent of the batch changes (docs/feed-import.md). The uniqueness
     * claims (logins, feed persons) are checked by the append itself. When the batch's append
     * conflicts (another writer, a claim taken), or the store cannot append to several streams at
     * once, every intent is handled again one by one as by {@link handle}: nothing is lost, and each
     * refusal is that intent's own. Fails only with a store's failure; idempotent contexts
     * (`causationId` with `idempotent`) are handled one by one.
     */
    readonly handleBatch: (
      intents: ReadonlyArray<unknown>,
      context: CommandHandler.CommandContext,
    ) => Effect.Effect<ReadonlyArray<BatchOutcome<A>>, EventStoreError | ReadModelError>
  }

  /**
   * One intent's outcome in a batch: handled, or why not.
   *
   * @since 0.1.0
   */
  export type BatchOutcome<A extends Aggregates> = Either.Either<
    CommandHandler.Handled<Aggregate.Event<A[keyof A]>>,
    SystemError<A>
  >

  /**
   * The Workspace over a set of aggregates.
   *
   * @since 0.1.0
   */
  export interface Service<A extends Aggregates> {
    /**
     * Handles a signed-in account's intent: decodes it (refusing any field the
     * intent does not have: `actor`, `roles`, a fact field), refuses an unknown,
     * blocked, pre-deleted or deleted account, builds the actor from the log,
     * completes the other facts, decides and appends.
     */
    readonly handle: (
      accountId: string,
      intent: unknown,
      context: RequestContext,
    ) => Effect.Effect<CommandHandler.Handled<Aggregate.Event<A[keyof A]>>, Error<A>>
    /**
     * The trusted entry point of one of the library's own processes (feed
     * imports, process managers, the install): never wire it to user input.
     */
    readonly system: (process: SystemProcess) => SystemSession<A>
  }
}

/**
 * The Workspace over the core's aggregates.
 *
 * @since 0.1.0
 */
export class Workspace extends Context.Tag("@cartable/workspace/Workspace")<
  Workspace,
  Workspace.Service<typeof Domain.aggregates>
>() {}

/**
 * Builds the Workspace over a set of aggregates (the core's `Domain.aggregates`
 * and a distribution's own), on the EventStore in context (the projection
 * runtime's, so that the Authorization facts are kept inline) and the
 * Authorization facts. A command field holding an `Actor` that is not marked
 * as a fact is a programming error (a defect here).
 *
 * @example
 * const workspace = yield* Workspace.make({ ...Domain.aggregates, Loan: LibraryLoan.aggregate })
 * yield* workspace.handle(session.accountId, JSON.parse(body), { occurredAt: DateTime.unsafeNow() })
 * @since 0.1.0
 */
export const make: <const A extends Aggregates>(
  aggregates: A,
  options?: CommandHandler.Options,
) => Effect.Effect<Workspace.Service<A>, never, EventStore | Authorization> = internal.make

/**
 * The Workspace over the core's aggregates, as a layer.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<Workspace, never, EventStore | Authorization> = Layer.effect(
  Workspace,
  internal.makeCore,
)

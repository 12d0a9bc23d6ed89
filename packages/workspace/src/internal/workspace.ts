import { Actor } from "@cartable/domain/Actor"
import * as Domain from "@cartable/domain/Domain"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import { EventStore } from "@cartable/eventlog/EventStore"
import type { EventStoreError } from "@cartable/eventlog/EventStoreError"
import type { Aggregate } from "@cartable/kernel/Decider"
import * as Tracing from "@cartable/kernel/Tracing"
import type { ReadModelError } from "@cartable/projections/ReadModelStore"
import { Authorization } from "@cartable/read-models/Authorization"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Metric from "effect/Metric"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import * as Intent from "../Intent.ts"
import * as SystemProcess from "../SystemProcess.ts"
import type { RequestContext, Workspace } from "../Workspace.ts"
import { UnresolvedFact } from "../WorkspaceError.ts"
import * as WorkspaceMetrics from "../WorkspaceMetrics.ts"
import * as CrossFacts from "./crossFacts.ts"
import * as SignedIn from "./signedIn.ts"

type Aggregates = CommandRouter.Aggregates
type Command = { readonly _tag: string; readonly [field: string]: unknown }

/** A fact field the cross-facts step must have set (or, when optional, left unset or valid). */
interface FactCheck {
  readonly field: string
  readonly optional: boolean
  readonly valid: (value: unknown) => boolean
}

/** What the Workspace does for one command tag: where the actor goes, which other facts to check. */
interface Plan {
  readonly actorFields: ReadonlyArray<string>
  readonly checks: ReadonlyArray<FactCheck>
}

const planOf = (entry: Intent.IntentOf): Plan => {
  const ast = AST.isTransformation(entry.command.ast) ? entry.command.ast.to : entry.command.ast
  const signatures = AST.isTypeLiteral(ast) ? ast.propertySignatures : []
  const actorFields: Array<string> = []
  const checks: Array<FactCheck> = []
  for (const field of entry.factFields) {
    const signature = signatures.find((candidate) => candidate.name === field)!
    if (signature.type === Actor.ast) actorFields.push(field)
    else checks.push({ field, optional: signature.isOptional, valid: Schema.is(Schema.make(signature.type)) })
  }
  return { actorFields, checks }
}

const unresolved = (plan: Plan, command: Command): ReadonlyArray<string> =>
  plan.checks
    .filter(({ field, optional, valid }) => (command[field] === undefined ? !optional : !valid(command[field])))
    .map(({ field }) => field)

export const make = <const A extends Aggregates>(
  aggregates: A,
  options: CommandHandler.Options = {},
): Effect.Effect<Workspace.Service<A>, never, EventStore | Authorization> =>
  Effect.gen(function* () {
    type C = Aggregate.Command<A[keyof A]>
    const intents = yield* Effect.try(() => Intent.make(aggregates)).pipe(Effect.orDie)
    const router = yield* CommandRouter.make(aggregates, options)
    const store = yield* EventStore
    const authorization = yield* Authorization
    const plans = new Map([...intents.byTag].map(([tag, entry]) => [tag, planOf(entry)]))

    /** Sets the actor, completes the other facts from the log and checks them: the command to decide. */
    const prepare = (intent: Intent.Intent, actor: Actor, facts: Authorization.Service = authorization) =>
      Effect.gen(function* () {
        // Every tag the intents decode has a plan.
        const plan = plans.get(intent._tag)!
        let command: Command = intent
        if (plan.actorFields.length > 0) {
          const withActor: Record<string, unknown> = { ...intent }
          for (const field of plan.actorFields) withActor[field] = actor
          command = withActor as Command
        }
        // The cross-facts step: a report's location, a pupil's classes, the holder of a login, from the log.
        const completed = yield* Effect.provideService(CrossFacts.complete(command), Authorization, facts)
        const missing = unresolved(plan, completed)
        if (missing.length > 0) return yield* new UnresolvedFact({ command: intent._tag, fields: missing })
        // The intent decoded with the command's own field Schemas and every fact is set and valid:
        // the command is one of C, without decoding it again.
        return completed as unknown as C
      })

    /** Prepares the command, then decides and appends. */
    const decide = (intent: Intent.Intent, actor: Actor, context: CommandHandler.CommandContext) =>
      Effect.flatMap(prepare(intent, actor), (command) => router.handleTyped(command, context)).pipe(
        // A login or feed person claimed by a concurrent command: resolve again, and decide refuses it.
        CrossFacts.retryOnClaimConflict,
      )

    const signedIn = (accountId: string) => SignedIn.actorOf(authorization, accountId)

    // The refusals before any aggregate decides, one counter per entry point and reason.
    const refusals = new Map(
      (["handle", "system"] as const).flatMap((entry) =>
        WorkspaceMetrics.reasons.map(
          (reason) =>
            [
              `${entry} ${reason}`,
              WorkspaceMetrics.refused.pipe(Metric.tagged("entry", entry), Metric.tagged("reason", reason)),
            ] as const,
        ),
      ),
    )
    const countRefusal =
      (entry: "handle" | "system") =>
      (error: { readonly _tag: string }): Effect.Effect<void> => {
        const counter = refusals.get(`${entry} ${error._tag}`)
        return counter === undefined ? Effect.void : Metric.increment(counter)
      }

    const handle = (accountId: string, input: unknown, context: RequestContext) =>
      Effect.gen(function* () {
        const intent = yield* intents.decode(input)
        const actor = yield* signedIn(accountId)
        const handled = yield* decide(intent, actor, context)
        return handled
      }).pipe(
        Effect.tapError(countRefusal("handle")),
        Tracing.withSpan("Workspace.handle", {
          captureStackTrace: false,
          attributes: { accountId },
        }),
      )

    const system = (process: SystemProcess.SystemProcess): Workspace.SystemSession<A> => {
      if (!SystemProcess.isSystemProcess(process)) throw new Error(`Not a process of the library: ${String(process)}`)
      const actor = SystemProcess.actor(process)
      const handle = (input: unknown, context: CommandHandler.CommandContext) =>
        Effect.flatMap(intents.decode(input), (intent) => decide(intent, actor, context)).pipe(
          Effect.tapError(countRefusal("system")),
          Tracing.withSpan("Workspace.system", { captureStackTrace: false, attributes: { process } }),
        )
      type Outcome = Workspace.BatchOutcome<A>
      const oneByOne = (inputs: ReadonlyArray<unknown>, context: CommandHandler.CommandContext) =>
        Effect.forEach(inputs, (input) => Effect.either(handle(input, context)))
      const handleBatch = (inputs: ReadonlyArray<unknown>, context: CommandHandler.CommandContext) =>
        Effect.gen(function* () {
          const appendMany = store.appendMany
          if (appendMany === undefined || (context.idempotent === true && context.causationId !== undefined)) {
            return yield* oneByOne(inputs, context)
          }
          const batch = CommandHandler.makeBatch()
          const decoded = yield* Effect.forEach(inputs, (input) => Effect.either(intents.decode(input)))
          // The facts most of a batch's intents need (its claims, its links' pupils) read in one call each:
          // the log as it was before the batch, as each intent would read it.
          const facts = yield* CrossFacts.prefetched(
            authorization,
            decoded.flatMap((intent) => (Either.isRight(intent) ? [intent.right] : [])),
          )
          const decided: Array<
            Either.Either<CommandHandler.Decided<Aggregate.Event<A[keyof A]>>, Workspace.SystemError<A>>
          > = []
          for (const intent of decoded) {
            const outcome = yield* Effect.either(
              Effect.flatMap(intent, (intent) =>
                Effect.flatMap(prepare(intent, actor, facts), (command) =>
                  router.decideInBatch(command, context, batch),
                ),
              ),
            )
            // A store failing under a read fails the batch as it fails a command.
            if (Either.isLeft(outcome) && isStoreFailure(outcome.left)) {
              return yield* Effect.fail(outcome.left as EventStoreError | ReadModelError)
            }
            decided.push(outcome as never)
          }
          const appends = batch.appends()
          const written = appends.length === 0 ? Either.right([]) : yield* Effect.either(appendMany(appends))
          if (Either.isLeft(written)) {
            // Another writer moved a stream, or a claim (login, feed person) was taken: decide each again alone.
            if (written.left._tag === "ConcurrencyConflict" || CrossFacts.isClaimConflict(written.left)) {
              return yield* oneByOne(inputs, context)
            }
            return yield* Effect.fail(written.left as EventStoreError)
          }
          // Counted as one by one counts them: each command's outcome, each refusal.
          yield* batch.counted
          for (const outcome of decided) if (Either.isLeft(outcome)) yield* countRefusal("system")(outcome.left)
          return decided.map(
            (outcome): Outcome => Either.map(outcome, ({ events, streamVersion }) => ({ events, streamVersion })),
          )
        }).pipe(Tracing.withSpan("Workspace.systemBatch", { captureStackTrace: false, attributes: { process } }))
      return { process, handle, handleBatch }
    }

    return { handle, system }
  })

/** A store's failure, which stops a batch as it stops a command (as opposed to a command's refusal). */
const isStoreFailure = (error: { readonly _tag: string }): boolean =>
  error._tag === "EventStoreError" || error._tag === "ReadModelError"

export const makeCore = make(Domain.aggregates)

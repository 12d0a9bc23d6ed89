import { Actor } from "@cartable/domain/Actor"
import * as Domain from "@cartable/domain/Domain"
import type * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import type { EventStore } from "@cartable/eventlog/EventStore"
import type { Aggregate } from "@cartable/kernel/Decider"
import * as Tracing from "@cartable/kernel/Tracing"
import { Authorization } from "@cartable/read-models/Authorization"
import * as Effect from "effect/Effect"
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
    const authorization = yield* Authorization
    const plans = new Map([...intents.byTag].map(([tag, entry]) => [tag, planOf(entry)]))

    /** Sets the actor, completes the other facts, checks them, then decides and appends. */
    const decide = (intent: Intent.Intent, actor: Actor, context: CommandHandler.CommandContext) =>
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
        const completed = yield* Effect.provideService(CrossFacts.complete(command), Authorization, authorization)
        const missing = unresolved(plan, completed)
        if (missing.length > 0) return yield* new UnresolvedFact({ command: intent._tag, fields: missing })
        // The intent decoded with the command's own field Schemas and every fact is set and valid:
        // the command is one of C, without decoding it again.
        return yield* router.handleTyped(completed as unknown as C, context)
      }).pipe(
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
      return {
        process,
        handle: (input, context) =>
          Effect.flatMap(intents.decode(input), (intent) => decide(intent, actor, context)).pipe(
            Effect.tapError(countRefusal("system")),
            Tracing.withSpan("Workspace.system", { captureStackTrace: false, attributes: { process } }),
          ),
      }
    }

    return { handle, system }
  })

export const makeCore = make(Domain.aggregates)

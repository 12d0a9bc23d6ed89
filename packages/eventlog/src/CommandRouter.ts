/**
 * One entry point for the commands of several aggregates: decode any command of
 * the set (the core's `Domain.aggregates` and a distribution's own), dispatch on
 * its tag to the aggregate that owns it, one union of rejections.
 *
 * @since 0.1.0
 */
import type { Aggregate } from "@cartable/kernel/Decider"
import * as Arr from "effect/Array"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import * as CommandHandler from "./CommandHandler.ts"
import * as CommandInput from "./CommandInput.ts"
import type { EventStore } from "./EventStore.ts"
import type { ConcurrencyConflict, EventStoreError } from "./EventStoreError.ts"

/**
 * The aggregates a router serves, keyed by any name (usually the category).
 *
 * @since 0.1.0
 */
export type Aggregates = Readonly<Record<string, Aggregate.Any>>

/**
 * A router over a set of aggregates.
 *
 * @since 0.1.0
 */
export interface CommandRouter<A extends Aggregates> {
  /** Decodes untrusted input as a command of any of the aggregates, then handles it. */
  readonly handle: (
    input: unknown,
    context: CommandHandler.CommandContext,
  ) => Effect.Effect<
    CommandHandler.Handled<Aggregate.Event<A[keyof A]>>,
    CommandInput.InvalidCommand | Aggregate.Rejection<A[keyof A]> | ConcurrencyConflict | EventStoreError
  >
  /** Handles a command the application built itself. */
  readonly handleTyped: (
    command: Aggregate.Command<A[keyof A]>,
    context: CommandHandler.CommandContext,
  ) => Effect.Effect<
    CommandHandler.Handled<Aggregate.Event<A[keyof A]>>,
    Aggregate.Rejection<A[keyof A]> | ConcurrencyConflict | EventStoreError
  >
  /**
   * Decides a command the application built into a batch, without appending
   * (`CommandHandler.BatchDecider`): the batch's appends go to `EventStore.appendMany`.
   */
  readonly decideInBatch: (
    command: Aggregate.Command<A[keyof A]>,
    context: CommandHandler.CommandContext,
    batch: CommandHandler.Batch,
  ) => Effect.Effect<
    CommandHandler.Decided<Aggregate.Event<A[keyof A]>>,
    Aggregate.Rejection<A[keyof A]> | EventStoreError
  >
  /** The union of every aggregate's command Schema. */
  readonly Command: Schema.Schema<Aggregate.Command<A[keyof A]>, unknown>
}

/**
 * The `_tag`s a command Schema accepts: the literal `_tag` of each member of
 * its (possibly nested) union.
 *
 * @since 0.1.0
 */
export const commandTags = (schema: Schema.Schema.Any): ReadonlyArray<string> => {
  const tags: Array<string> = []
  const visit = (ast: AST.AST): void => {
    if (AST.isUnion(ast)) ast.types.forEach(visit)
    else if (AST.isTransformation(ast) || AST.isRefinement(ast)) visit(ast.from)
    else if (AST.isSuspend(ast)) visit(ast.f())
    else if (AST.isTypeLiteral(ast)) {
      const tag = ast.propertySignatures.find((signature) => signature.name === "_tag")
      if (tag !== undefined && AST.isLiteral(tag.type) && typeof tag.type.literal === "string") {
        tags.push(tag.type.literal)
      }
    }
  }
  visit(schema.ast)
  return tags
}

/**
 * Builds a router over the aggregates, with one command handler each over the
 * EventStore in context. Two aggregates accepting the same command tag is a
 * programming error (a defect when the router is built).
 *
 * @example
 * const router = yield* CommandRouter.make({ ...Domain.aggregates, Loan: LibraryLoan.aggregate })
 * yield* router.handle(JSON.parse(body), { occurredAt: DateTime.unsafeNow() })
 * @since 0.1.0
 */
export const make = <const A extends Aggregates>(
  aggregates: A,
  options: CommandHandler.Options = {},
): Effect.Effect<CommandRouter<A>, never, EventStore> =>
  Effect.gen(function* () {
    type C = Aggregate.Command<A[keyof A]>
    type Handled = CommandHandler.Handled<Aggregate.Event<A[keyof A]>>
    type Failure = Aggregate.Rejection<A[keyof A]> | ConcurrencyConflict | EventStoreError
    const byTag = new Map<string, CommandHandler.CommandHandler<C, Aggregate.Event<A[keyof A]>, Failure>>()
    const batchByTag = new Map<
      string,
      CommandHandler.BatchDecider<C, Aggregate.Event<A[keyof A]>, Aggregate.Rejection<A[keyof A]>>
    >()
    for (const aggregate of Object.values(aggregates)) {
      const handler = yield* CommandHandler.makeTyped(aggregate, options)
      const batchDecider = yield* CommandHandler.makeBatchDecider(aggregate)
      const tags = commandTags(aggregate.Command)
      if (tags.length === 0) return yield* Effect.dieMessage(`${aggregate.category}: its Command Schema has no _tag`)
      for (const tag of tags) {
        if (byTag.has(tag)) return yield* Effect.dieMessage(`Command ${tag} belongs to two aggregates`)
        byTag.set(tag, handler)
        batchByTag.set(tag, batchDecider as never)
      }
    }
    const schemas = Object.values(aggregates).map((aggregate) => aggregate.Command)
    const Command = (Arr.isNonEmptyReadonlyArray(schemas) ? Schema.Union(...schemas) : Schema.Never) as Schema.Schema<
      C,
      unknown
    >
    const handleTyped = (command: C, context: CommandHandler.CommandContext): Effect.Effect<Handled, Failure> =>
      // Every tag the Command Schema decodes was registered above.
      byTag.get(command._tag)!(command, context)
    const decode = CommandInput.decode(Command)
    return {
      Command,
      handleTyped,
      decideInBatch: (command, context, batch) => batchByTag.get(command._tag)!(command, context, batch),
      handle: (input, context) => Effect.flatMap(decode(input), (command) => handleTyped(command, context)),
    }
  })

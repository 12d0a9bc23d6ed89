/**
 * What a signed-in user may say: a command without its fact fields (the actor,
 * a school's location, a pupil's class), which the library resolves from the log
 * (ARCHITECTURE.md principle 9). The intents are derived from the fact marks of
 * the commands (`@cartable/domain/Fact`), never from a list of names, so a field
 * marked later drops out of every intent at once.
 *
 * @since 0.1.0
 */
import { Actor } from "@cartable/domain/Actor"
import * as Fact from "@cartable/domain/Fact"
import * as CommandInput from "@cartable/eventlog/CommandInput"
import type { Aggregates } from "@cartable/eventlog/CommandRouter"
import * as Arr from "effect/Array"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/**
 * A decoded intent: the command's tag and its own fields, decoded with the
 * command's field Schemas (branded ids, bounded text, `Redacted` passwords).
 *
 * @since 0.1.0
 */
export interface Intent {
  readonly _tag: string
  readonly [field: string]: unknown
}

/**
 * The intents of one command tag: the command's Schema, its fact fields (in
 * declaration order) and the Schema of what a user may send.
 *
 * @since 0.1.0
 */
export interface IntentOf {
  readonly tag: string
  readonly command: Schema.Schema.AnyNoContext
  readonly factFields: ReadonlyArray<string>
  readonly intent: Schema.Schema<Intent, unknown>
}

/**
 * The intents of a set of aggregates: one per command tag, their union, and the
 * bounded decoder of untrusted input.
 *
 * @since 0.1.0
 */
export interface Intents {
  /** Every command tag, with its intent. */
  readonly byTag: ReadonlyMap<string, IntentOf>
  /** The union of every intent Schema. */
  readonly Intent: Schema.Schema<Intent, unknown>
  /**
   * Decodes untrusted input as an intent: bounded like every command input, every
   * offending field named, and a field the intent does not have (an `actor`,
   * `roles`, a fact field, anything unknown) refused by name.
   */
  readonly decode: (input: unknown) => Effect.Effect<Intent, CommandInput.InvalidCommand>
}

/** The member commands of a (possibly nested) union of tagged commands. */
const members = (ast: AST.AST): ReadonlyArray<AST.AST> => {
  if (AST.isUnion(ast)) return ast.types.flatMap(members)
  if (AST.isSuspend(ast)) return members(ast.f())
  return [ast]
}

const typeLiteralOf = (ast: AST.AST): AST.TypeLiteral | undefined => {
  const to = AST.isTransformation(ast) ? ast.to : ast
  return AST.isTypeLiteral(to) ? to : undefined
}

const tagOf = (literal: AST.TypeLiteral): string | undefined => {
  const tag = literal.propertySignatures.find((signature) => signature.name === "_tag")
  return tag !== undefined && AST.isLiteral(tag.type) && typeof tag.type.literal === "string"
    ? tag.type.literal
    : undefined
}

/**
 * The intent Schema of one command: the command without its fact fields.
 *
 * @example
 * const intent = Intent.ofCommand(Account.BlockAccount) // { _tag, accountId, application? }
 * @since 0.1.0
 */
export const ofCommand = (command: Schema.Schema.AnyNoContext): Schema.Schema<Intent, unknown> =>
  // The command's own field Schemas, minus the facts: an intent decodes to what the command holds.
  Schema.make(AST.omit(command.ast, Fact.factFields(command))) as unknown as Schema.Schema<Intent, unknown>

/**
 * The intents of every command of the aggregates. A command field holding an
 * `Actor` that is not marked as a fact would let a caller vouch for himself: that
 * is a programming error, thrown when the intents are built, like two aggregates
 * claiming one command tag.
 *
 * @example
 * const intents = Intent.make({ ...Domain.aggregates, Loan: LibraryLoan.aggregate })
 * const intent = yield* intents.decode(JSON.parse(body))
 * @since 0.1.0
 */
export const make = (aggregates: Aggregates): Intents => {
  const byTag = new Map<string, IntentOf>()
  for (const aggregate of Object.values(aggregates)) {
    for (const member of members(aggregate.Command.ast)) {
      const literal = typeLiteralOf(member)
      const tag = literal && tagOf(literal)
      if (literal === undefined || tag === undefined) {
        throw new Error(`${aggregate.category}: a member of its Command Schema is not a tagged struct`)
      }
      if (byTag.has(tag)) throw new Error(`Command ${tag} belongs to two aggregates`)
      const command: Schema.Schema.AnyNoContext = Schema.make(member)
      const factFields = Fact.factFields(command)
      const vouched = literal.propertySignatures.find(
        (signature) => signature.type === Actor.ast && !factFields.includes(String(signature.name)),
      )
      if (vouched !== undefined) {
        throw new Error(`Command ${tag}: its field ${String(vouched.name)} holds an Actor but is not marked as a fact`)
      }
      byTag.set(tag, { tag, command, factFields, intent: ofCommand(command) })
    }
  }
  const schemas = [...byTag.values()].map((entry) => entry.intent)
  const Intent = (Arr.isNonEmptyReadonlyArray(schemas) ? Schema.Union(...schemas) : Schema.Never) as Schema.Schema<
    Intent,
    unknown
  >
  return { byTag, Intent, decode: CommandInput.decode(Intent) }
}

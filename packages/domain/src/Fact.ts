/**
 * Marks the fields of a command that the library resolves from the log, never
 * from the caller (ARCHITECTURE.md principle 9): the acting account's roles, a
 * school's location, a pupil's class. `decide` reads them like any field; the
 * trusted entry point refuses an intent that carries one, then fills them in.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/**
 * Annotation key of a fact field (on the property, so the field's type keeps
 * its own name).
 *
 * @since 0.1.0
 */
export const FactId: unique symbol = Symbol.for("@cartable/domain/Fact")

/**
 * A required field whose value the library resolves from the log before `decide`.
 *
 * @since 0.1.0
 */
export const fact = <S extends Schema.Schema.All>(schema: S): Schema.propertySignature<S> =>
  Schema.propertySignature(schema).annotations({ [FactId]: true })

/**
 * An optional field whose value, when there is one, the library resolves from the log.
 *
 * @since 0.1.0
 */
export const optionalFact = <S extends Schema.Schema.All>(schema: S): Schema.optional<S> =>
  Schema.optional(schema).annotations({ [FactId]: true })

/**
 * The names of a command's fact fields, in declaration order.
 *
 * @since 0.1.0
 */
export const factFields = (command: Schema.Schema.All): ReadonlyArray<string> => {
  const ast = AST.isTransformation(command.ast) ? command.ast.to : command.ast
  if (!AST.isTypeLiteral(ast)) return []
  return ast.propertySignatures
    .filter((property) => property.annotations[FactId] === true)
    .map((property) => String(property.name))
}

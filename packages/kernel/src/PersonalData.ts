/**
 * Marks personal data in event schemas (ARCHITECTURE.md principle 5, BR-ACC-9):
 * a field annotated `personal` holds data about the subject named by the event's
 * `dataSubject` annotation, so a store can encrypt it with that subject's key and
 * erase it by destroying the key, without rewriting history.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/**
 * Annotation key of a personal field.
 *
 * @since 0.1.0
 */
export const PersonalDataId: unique symbol = Symbol.for("@cartable/kernel/PersonalData")

/**
 * Annotation key, on an event schema, naming the field that holds the data
 * subject's id (usually an account id).
 *
 * @since 0.1.0
 */
export const DataSubjectId: unique symbol = Symbol.for("@cartable/kernel/DataSubject")

/**
 * Annotation key, on an event schema, naming the field that holds the id of the
 * subject whose personal data the event erases: a store destroys that subject's
 * key when it appends the event (BR-ACC-9).
 *
 * @since 0.1.0
 */
export const ErasesDataSubjectId: unique symbol = Symbol.for("@cartable/kernel/ErasesDataSubject")

/**
 * What a personal field reads as once its subject's key is destroyed (BR-ACC-9):
 * the event still decodes, with this marker in place of the value.
 *
 * @since 0.1.0
 */
export const ERASED = "[erased]" as const

/**
 * The redaction marker as a Schema.
 *
 * @since 0.1.0
 */
export const Erased = Schema.Literal(ERASED)

/** @since 0.1.0 */
export type Erased = typeof ERASED

/**
 * A personal field: the value, or the redaction marker once erased.
 *
 * @since 0.1.0
 */
export interface Personal<S extends Schema.Schema.Any> extends Schema.Union<[S, typeof Erased]> {}

/**
 * Marks a field's schema as personal data. Its type widens to the value or
 * {@link ERASED}, so that events of an erased subject still decode.
 *
 * @example
 * const AccountProvisioned = Schema.TaggedStruct("AccountProvisioned", {
 *   accountId: AccountId,
 *   lastName: PersonalData.personal(Schema.String),
 * }).annotations({ [PersonalData.DataSubjectId]: "accountId" })
 * @since 0.1.0
 */
export const personal = <S extends Schema.Schema.Any>(schema: S): Personal<S> =>
  Schema.Union(schema, Erased).annotations({ [PersonalDataId]: true })

/**
 * Whether a personal value was erased.
 *
 * @since 0.1.0
 */
export const isErased = (value: unknown): value is Erased => value === ERASED

/**
 * Whether a schema is marked personal.
 *
 * @since 0.1.0
 */
export const isPersonal = (ast: AST.AST): boolean =>
  AST.getAnnotation<boolean>(PersonalDataId)(ast).pipe(Option.getOrElse(() => false))

/**
 * The personal fields of a struct schema and the field naming their subject.
 *
 * @since 0.1.0
 */
export interface PersonalFields {
  readonly subjectField: string | undefined
  readonly fields: ReadonlyArray<string>
}

/**
 * Reads the personal-data marks of a (tagged) struct schema: the top-level fields
 * marked `personal`, optional or not, and the subject field.
 *
 * @since 0.1.0
 */
export const personalFields = (schema: Schema.Schema.Any): PersonalFields => {
  const ast = schema.ast
  const subjectField = Option.getOrUndefined(AST.getAnnotation<string>(DataSubjectId)(ast))
  const typeAst = AST.isTransformation(ast) ? ast.to : ast
  const fields: Array<string> = []
  if (AST.isTypeLiteral(typeAst)) {
    for (const property of typeAst.propertySignatures) {
      if (isPersonal(property.type) || isPersonalUnion(property.type)) fields.push(String(property.name))
    }
  }
  return { subjectField, fields }
}

// `Schema.optional(personal(X))` becomes `X | undefined`: look into the union.
const isPersonalUnion = (ast: AST.AST): boolean => AST.isUnion(ast) && ast.types.some(isPersonal)

/**
 * The field naming the subject whose data an erasure event erases; `undefined`
 * when the schema is not an erasure event.
 *
 * @since 0.1.0
 */
export const erasedSubjectField = (schema: Schema.Schema.Any): string | undefined =>
  Option.getOrUndefined(AST.getAnnotation<string>(ErasesDataSubjectId)(schema.ast))

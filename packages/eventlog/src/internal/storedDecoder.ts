/**
 * A decoder of stored event data compiled once per event Schema, for the
 * Schemas whose encoded form is their type (structs, tagged unions, literals,
 * strings, numbers, booleans, arrays, refinements such as brands and patterns):
 * the same checks as Schema's decoder, without its general machinery (an
 * Either and a parse issue per node, the union's candidate search).
 *
 * It answers the decoded value only when Schema would answer the same; in any
 * other case (a value that fails a check, a field missing, a union two members
 * accept differently) it answers {@link FALLBACK} and the caller asks Schema,
 * which decides and words the error. A Schema with a node it does not know (a
 * transformation, a class, a declaration, a suspension) is not compiled at all.
 * The Schemas it compiles have no transformation, so their encoded form is
 * their type and Schema's encoder checks and copies as its decoder does: the
 * same compiled function serves the append path too. The tests check that it
 * agrees with both on arbitrary values.
 */
import * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"

/** The answer of a compiled decoder when Schema must decide. */
export const FALLBACK: unique symbol = Symbol.for("@cartable/eventlog/storedDecoder/FALLBACK")

/** A compiled decoder: the value Schema would decode, or {@link FALLBACK}. */
export type Decoder = (input: unknown) => unknown

class Unsupported extends Error {}

const options: AST.ParseOptions = {}

const isObject = (input: unknown): input is Record<PropertyKey, unknown> =>
  typeof input === "object" && input !== null && !Array.isArray(input)

const primitive = (value: unknown): boolean => typeof value !== "object" || value === null

const compileNode = (ast: AST.AST): Decoder => {
  switch (ast._tag) {
    case "StringKeyword":
      return (input) => (typeof input === "string" ? input : FALLBACK)
    case "NumberKeyword":
      return (input) => (typeof input === "number" ? input : FALLBACK)
    case "BooleanKeyword":
      return (input) => (typeof input === "boolean" ? input : FALLBACK)
    case "UndefinedKeyword":
      return (input) => (input === undefined ? input : FALLBACK)
    case "UnknownKeyword":
    case "AnyKeyword":
      return (input) => input
    case "Literal": {
      const literal = ast.literal
      return (input) => (input === literal ? input : FALLBACK)
    }
    case "Refinement": {
      const from = compileNode(ast.from)
      const refinement = ast
      return (input) => {
        const value = from(input)
        if (value === FALLBACK) return FALLBACK
        return Option.isNone(refinement.filter(value, options, refinement)) ? value : FALLBACK
      }
    }
    case "Union":
      return compileUnion(ast)
    case "TypeLiteral":
      return compileStruct(ast)
    case "TupleType":
      return compileTuple(ast)
    default:
      throw new Unsupported(ast._tag)
  }
}

/** Every member is tried: the answer stands when one accepts, or several accept the same primitive. */
const compileUnion = (ast: AST.Union): Decoder => {
  const members = ast.types.map(compileNode)
  return (input) => {
    let found: unknown = FALLBACK
    for (const member of members) {
      const value = member(input)
      if (value === FALLBACK) continue
      if (found !== FALLBACK && !(primitive(value) && value === found)) return FALLBACK
      found = value
    }
    return found
  }
}

interface Field {
  readonly name: string
  readonly optional: boolean
  readonly decode: Decoder
}

/**
 * A struct: its own declared keys, decoded, in declaration order; other keys
 * dropped, as Schema drops them. A missing required key is Schema's to judge.
 */
const compileStruct = (ast: AST.TypeLiteral): Decoder => {
  if (ast.indexSignatures.length > 0) throw new Unsupported("index signature")
  const fields: Array<Field> = ast.propertySignatures.map((property) => {
    if (typeof property.name !== "string" || property.name === "__proto__") throw new Unsupported("key")
    return { name: property.name, optional: property.isOptional, decode: compileNode(property.type) }
  })
  return (input) => {
    if (!isObject(input)) return FALLBACK
    const output: Record<string, unknown> = {}
    for (const field of fields) {
      if (!Object.hasOwn(input, field.name)) {
        if (field.optional) continue
        return FALLBACK
      }
      const value = field.decode(input[field.name])
      if (value === FALLBACK) return FALLBACK
      output[field.name] = value
    }
    return output
  }
}

/** Arrays (`Schema.Array`) and tuples of required elements, with at most one rest element. */
const compileTuple = (ast: AST.TupleType): Decoder => {
  if (ast.elements.some((element) => element.isOptional) || ast.rest.length > 1) throw new Unsupported("tuple")
  const elements = ast.elements.map((element) => compileNode(element.type))
  const rest = ast.rest.length === 1 ? compileNode(ast.rest[0]!.type) : undefined
  return (input) => {
    if (!Array.isArray(input)) return FALLBACK
    if (input.length < elements.length || (rest === undefined && input.length > elements.length)) return FALLBACK
    const output: Array<unknown> = new Array(input.length)
    for (let index = 0; index < input.length; index++) {
      const decode = index < elements.length ? elements[index]! : rest!
      const value = decode(input[index])
      if (value === FALLBACK) return FALLBACK
      output[index] = value
    }
    return output
  }
}

/**
 * The compiled decoder of a Schema, or `undefined` when it holds a node this
 * module does not compile (Schema's own decoder is then the only one).
 */
export const compile = (schema: Schema.Schema.Any): Decoder | undefined => {
  try {
    return compileNode(schema.ast)
  } catch (error) {
    if (error instanceof Unsupported) return undefined
    throw error
  }
}

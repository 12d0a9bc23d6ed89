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

/**
 * How a struct treats keys it does not declare: dropped, as Schema's default
 * does (`"ignore"`), or refused, as `onExcessProperty: "error"` does (the
 * command decoder), in which case Schema decides and words the error.
 * `"owned"` is `"ignore"` for input the caller owns and will not use again
 * (the JSON the store has just parsed): a struct whose own keys are exactly
 * its declared ones, in their order, and an array, are decoded where they are
 * and returned themselves, instead of a copy; the answer has the same keys, in
 * the same order, and the same values as Schema's.
 */
export type Excess = "ignore" | "error" | "owned"

/** What an in-place struct decoding answers when the input's keys are not the declared ones, in order. */
const COPY: unique symbol = Symbol.for("@cartable/eventlog/storedDecoder/COPY")

const compileNode = (ast: AST.AST, excess: Excess): Decoder => {
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
      const from = compileNode(ast.from, excess)
      const refinement = ast
      return (input) => {
        const value = from(input)
        if (value === FALLBACK) return FALLBACK
        return Option.isNone(refinement.filter(value, options, refinement)) ? value : FALLBACK
      }
    }
    case "Union":
      return compileUnion(ast, excess)
    case "TypeLiteral":
      return compileStruct(ast, excess)
    case "TupleType":
      return compileTuple(ast, excess)
    default:
      throw new Unsupported(ast._tag)
  }
}

/** What a member that cannot be compiled answers when it might accept the input: Schema decides. */
const UNKNOWN: unique symbol = Symbol.for("@cartable/eventlog/storedDecoder/UNKNOWN")

/**
 * A member of a union that cannot be compiled (a transformation in one of its
 * fields): it accepts nothing whose literal-typed field (a tag) holds another
 * value, and for anything else it answers {@link UNKNOWN}, so that the union
 * leaves the input to Schema. Tagged unions of commands thereby keep their
 * compiled members when one command holds, say, a redacted password.
 */
const guardOf = (ast: AST.AST): Decoder => {
  // A union that does not compile (another aggregate's commands in a router's union): it refuses
  // what all its members refuse. The input of a transformation or refinement is its `from` side.
  if (ast._tag === "Union") {
    const guards = ast.types.map(guardOf)
    return (input) => {
      for (const guard of guards) if (guard(input) !== FALLBACK) return UNKNOWN
      return FALLBACK
    }
  }
  if (ast._tag === "Transformation" || ast._tag === "Refinement") return guardOf(ast.from)
  const tags =
    ast._tag === "TypeLiteral"
      ? ast.propertySignatures.filter(
          (property) => !property.isOptional && typeof property.name === "string" && property.type._tag === "Literal",
        )
      : []
  return (input) => {
    if (!isObject(input)) return UNKNOWN
    for (const tag of tags) {
      const literal = (tag.type as AST.Literal).literal
      if (Object.hasOwn(input, tag.name) && input[tag.name as string] !== literal) return FALLBACK
    }
    return UNKNOWN
  }
}

/** Every member is tried: the answer stands when one accepts, or several accept the same primitive. */
const compileUnion = (ast: AST.Union, excess: Excess): Decoder => {
  let compiled = 0
  const members = ast.types.map((member) => {
    try {
      // A member never decodes in place: a member that fails must leave the input as it was for the next.
      const decoder = compileNode(member, excess === "owned" ? "ignore" : excess)
      compiled++
      return decoder
    } catch (error) {
      if (error instanceof Unsupported) return guardOf(member)
      throw error
    }
  })
  // Nothing to gain when no member compiles: the union is Schema's alone, as before.
  if (compiled === 0) throw new Unsupported("no member of the union compiles")
  return (input) => {
    let found: unknown = FALLBACK
    for (const member of members) {
      const value = member(input)
      if (value === UNKNOWN) return FALLBACK
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
 * dropped, as Schema drops them, or with `excess: "error"` left to Schema to
 * refuse. A missing required key is Schema's to judge.
 */
const compileStruct = (ast: AST.TypeLiteral, excess: Excess): Decoder => {
  if (ast.indexSignatures.length > 0) throw new Unsupported("index signature")
  const fields: Array<Field> = ast.propertySignatures.map((property) => {
    if (typeof property.name !== "string" || property.name === "__proto__") throw new Unsupported("key")
    return { name: property.name, optional: property.isOptional, decode: compileNode(property.type, excess) }
  })
  const strict = excess === "error"
  const copying = (input: Record<PropertyKey, unknown>): unknown => {
    const output: Record<string, unknown> = {}
    let present = 0
    for (const field of fields) {
      if (!Object.hasOwn(input, field.name)) {
        if (field.optional) continue
        return FALLBACK
      }
      present++
      const value = field.decode(input[field.name])
      if (value === FALLBACK) return FALLBACK
      output[field.name] = value
    }
    // Schema counts every own key, symbols included, the declared ones being all distinct names.
    if (strict && Reflect.ownKeys(input).length !== present) return FALLBACK
    return output
  }
  if (excess !== "owned") return (input) => (isObject(input) ? copying(input) : FALLBACK)
  // The keys in the order they come, each the next declared one (absent optional ones skipped): the
  // decoded values put back where they are. Any other key, or another order, and the copy decides.
  const inPlace = (input: Record<PropertyKey, unknown>): unknown => {
    let index = 0
    for (const key in input) {
      while (index < fields.length && fields[index]!.name !== key && fields[index]!.optional) index++
      const field = fields[index]
      if (field === undefined || field.name !== key || !Object.hasOwn(input, key)) return COPY
      const current = input[key]
      const value = field.decode(current)
      if (value === FALLBACK) return FALLBACK
      if (value !== current) input[key] = value
      index++
    }
    for (; index < fields.length; index++) if (!fields[index]!.optional) return FALLBACK
    return input
  }
  return (input) => {
    if (!isObject(input) || Object.getOwnPropertySymbols(input).length > 0) {
      return isObject(input) ? copying(input) : FALLBACK
    }
    const decoded = inPlace(input)
    return decoded === COPY ? copying(input) : decoded
  }
}

/** Arrays (`Schema.Array`) and tuples of required elements, with at most one rest element. */
const compileTuple = (ast: AST.TupleType, excess: Excess): Decoder => {
  if (ast.elements.some((element) => element.isOptional) || ast.rest.length > 1) throw new Unsupported("tuple")
  const elements = ast.elements.map((element) => compileNode(element.type, excess))
  const rest = ast.rest.length === 1 ? compileNode(ast.rest[0]!.type, excess) : undefined
  return (input) => {
    if (!Array.isArray(input)) return FALLBACK
    if (input.length < elements.length || (rest === undefined && input.length > elements.length)) return FALLBACK
    const output: Array<unknown> = excess === "owned" ? input : new Array(input.length)
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
export const compile = (schema: Schema.Schema.Any, excess: Excess = "ignore"): Decoder | undefined => {
  try {
    return compileNode(schema.ast, excess)
  } catch (error) {
    if (error instanceof Unsupported) return undefined
    throw error
  }
}

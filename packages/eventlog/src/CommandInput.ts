/**
 * Untrusted input (an HTTP body, a queue message, a CLI argument) decoded into
 * a command, with every offending field named and a bounded error: no input,
 * however large or deep, makes the error, the heap or the stack blow up.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as StoredDecoder from "./internal/storedDecoder.ts"

/**
 * The bounds of untrusted input: nesting depth, number of values (objects,
 * arrays and scalars), and what an {@link InvalidCommand} carries back.
 *
 * @since 0.1.0
 */
export const limits = {
  /** A command nests a few levels (actor, roles, a role): 32 is far beyond any. */
  maxDepth: 32,
  /** Values in one input; a command has a few dozen. */
  maxValues: 10_000,
  /** Fields an InvalidCommand lists; the rest is counted in `omitted`. */
  maxFields: 20,
  /** Characters of one field's message (the decoder quotes the offending value). */
  maxMessageLength: 300,
} as const

/**
 * Where a command failed to decode: the path of the field and what is wrong.
 *
 * @since 0.1.0
 */
export const InvalidField = Schema.Struct({ path: Schema.String, message: Schema.String })

/** @since 0.1.0 */
export type InvalidField = typeof InvalidField.Type

/**
 * Input that does not decode as a command: nothing was decided nor appended.
 * `fields` names each offending field with its path (`actor.roles.0.scopeId`),
 * at most {@link limits}`.maxFields` of them; `omitted` counts the others.
 *
 * @since 0.1.0
 */
export class InvalidCommand extends Schema.TaggedError<InvalidCommand>("@cartable/eventlog/InvalidCommand")(
  "InvalidCommand",
  { fields: Schema.Array(InvalidField), omitted: Schema.optional(Schema.NonNegativeInt) },
) {
  override get message(): string {
    const listed = this.fields.map((field) => `${field.path || "(root)"}: ${field.message}`).join("; ")
    return `Invalid command: ${listed}${this.omitted ? ` (and ${this.omitted} more)` : ""}`
  }
}

const truncate = (text: string): string =>
  text.length <= limits.maxMessageLength ? text : `${text.slice(0, limits.maxMessageLength - 1)}…`

/** Builds the bounded error from every issue found. */
const invalid = (fields: ReadonlyArray<InvalidField>): InvalidCommand => {
  const kept = fields.slice(0, limits.maxFields).map((field) => ({
    path: truncate(field.path),
    message: truncate(field.message),
  }))
  const omitted = fields.length - kept.length
  return new InvalidCommand(omitted > 0 ? { fields: kept, omitted } : { fields: kept })
}

/**
 * Checks, without recursion, that the input nests at most `maxDepth` levels and
 * holds at most `maxValues` values, before the decoder (which recurses, and
 * reports every excess key) sees it.
 */
const checkShape = (input: unknown): InvalidField | undefined => {
  const stack: Array<readonly [unknown, number]> = [[input, 0]]
  let values = 0
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!
    if (++values > limits.maxValues) return { path: "", message: `more than ${limits.maxValues} values` }
    if (typeof value !== "object" || value === null) continue
    if (depth >= limits.maxDepth) return { path: "", message: `nested deeper than ${limits.maxDepth} levels` }
    const children = Array.isArray(value) ? value : Object.values(value)
    if (values + children.length > limits.maxValues) {
      return { path: "", message: `more than ${limits.maxValues} values` }
    }
    for (const child of children) stack.push([child, depth + 1])
  }
  return undefined
}

/**
 * Decodes untrusted input into a command of the Schema. Input too deep or too
 * large, or that does not decode, fails with {@link InvalidCommand}.
 *
 * @example
 * const decode = CommandInput.decode(Account.AccountCommand)
 * const command = yield* decode(JSON.parse(body))
 * @since 0.1.0
 */
export const decode = <C, I>(schema: Schema.Schema<C, I>): ((input: unknown) => Effect.Effect<C, InvalidCommand>) => {
  const decodeEither = Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "error" })
  // The decoder compiled once for the Schema (internal/storedDecoder.ts) answers a valid command
  // as Schema would; anything else, and every refusal, is Schema's to judge and word.
  const compiled = StoredDecoder.compile(schema, "error")
  return (input) =>
    Effect.suspend(() => {
      const shape = checkShape(input)
      if (shape !== undefined) return Effect.fail(invalid([shape]))
      if (compiled !== undefined) {
        const fast = compiled(input)
        if (fast !== StoredDecoder.FALLBACK) return Effect.succeed(fast as C)
      }
      const decoded = decodeEither(input)
      if (Either.isRight(decoded)) return Effect.succeed(decoded.right)
      const issues = ParseResult.ArrayFormatter.formatErrorSync(decoded.left).map((issue) => ({
        path: issue.path.map(String).join("."),
        message: issue.message,
      }))
      // In a union of tagged commands, every member whose tag differs reports it: keep
      // only the issues of the member the input meant, unless its tag itself is wrong.
      const meant = issues.filter((issue) => issue.path !== "_tag")
      return Effect.fail(invalid(meant.length > 0 ? meant : issues))
    })
}

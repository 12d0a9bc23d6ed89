/**
 * Generators shared by the Workspace tests: a valid intent of any command tag,
 * in its wire form, and the same intent with forged fields injected.
 */
import type * as Actor from "@cartable/domain/Actor"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import * as AccountArbitraries from "@cartable/testing/AccountArbitraries"
import type * as Intent from "@cartable/workspace/Intent"
import * as Arbitrary from "effect/Arbitrary"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/** An intent as a caller sends it: plain JSON-like values. */
export interface Drawn {
  readonly tag: string
  readonly encoded: Readonly<Record<string, unknown>>
}

/** A drawn intent with forged fields, and the names of the fields injected. */
export interface Forged {
  readonly encoded: Readonly<Record<string, unknown>>
  readonly injected: ReadonlyArray<string>
}

/** The roles a forger would claim: the strongest ones first. */
const strongRoles: ReadonlyArray<Actor.Role> = [
  { _tag: "Administrator", level: "Platform" },
  { _tag: "System", process: "aaf-import" },
  { _tag: "Administrator", level: "School", scopeId: StructureId.make("school-a") },
]

const forgedActor: FastCheck.Arbitrary<Actor.Actor> = FastCheck.oneof(
  FastCheck.constantFrom(...strongRoles).map((role) => ({ accountId: AccountId.make("admin-a"), roles: [role] })),
  AccountArbitraries.actor,
)

const forgedRoles = FastCheck.oneof(
  FastCheck.constantFrom(...strongRoles).map((role) => [role]),
  FastCheck.array(AccountArbitraries.role, { maxLength: 3 }),
)

/** Any valid intent of any tag of the intents, tags drawn uniformly. */
export const intentOfAnyTag = (intents: Intent.Intents): FastCheck.Arbitrary<Drawn> =>
  FastCheck.constantFrom(...intents.byTag.keys()).chain((tag) => {
    const entry = intents.byTag.get(tag)!
    const encode = Schema.encodeUnknownSync(entry.intent)
    return Arbitrary.make(entry.intent).map((intent) => ({
      tag,
      encoded: encode(intent) as Readonly<Record<string, unknown>>,
    }))
  })

const fieldSchema = (command: Schema.Schema.AnyNoContext, field: string): Schema.Schema.AnyNoContext | undefined => {
  const ast = AST.isTransformation(command.ast) ? command.ast.to : command.ast
  if (!AST.isTypeLiteral(ast)) return undefined
  const signature = ast.propertySignatures.find((candidate) => candidate.name === field)
  return signature === undefined ? undefined : Schema.encodedSchema(Schema.make(signature.type))
}

/**
 * The intent with one to all of: a forged `actor`, forged `roles`, each of the
 * command's fact fields, and a field no command has.
 */
export const forgery = (intents: Intent.Intents, drawn: Drawn): FastCheck.Arbitrary<Forged> => {
  const entry = intents.byTag.get(drawn.tag)!
  const candidates: Record<string, FastCheck.Arbitrary<unknown>> = {
    actor: forgedActor,
    roles: forgedRoles,
    isAdministrator: FastCheck.boolean(),
  }
  for (const field of entry.factFields) {
    const schema = fieldSchema(entry.command, field)
    if (field !== "actor" && schema !== undefined) candidates[field] = Arbitrary.make(schema)
  }
  const names = Object.keys(candidates)
  return FastCheck.subarray(names, { minLength: 1 }).chain((injected) =>
    FastCheck.record(Object.fromEntries(injected.map((name) => [name, candidates[name]!]))).map((values) => ({
      encoded: { ...drawn.encoded, ...values },
      injected,
    })),
  )
}

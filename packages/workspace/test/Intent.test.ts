import * as Account from "@cartable/domain/Account"
import * as Actor from "@cartable/domain/Actor"
import * as Domain from "@cartable/domain/Domain"
import { AccountId } from "@cartable/domain/Ids"
import * as Report from "@cartable/domain/Report"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import * as Decider from "@cartable/kernel/Decider"
import * as Intent from "@cartable/workspace/Intent"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { forgery, intentOfAnyTag } from "./fixtures.ts"

const intents = Intent.make(Domain.aggregates)

describe("Intent", () => {
  it("has one intent per command tag of the aggregates, each without its fact fields", () => {
    const tags = Object.values(Domain.aggregates).flatMap((aggregate) => CommandRouter.commandTags(aggregate.Command))
    assert.deepStrictEqual([...intents.byTag.keys()].sort(), [...tags].sort())
    // Written from the Fact marks of the core's commands: the actor everywhere it acts, a report's
    // location, the schools' locations of an administrator's command and a renewal's pupil classes; the
    // sign-in flows' commands have no actor, and their facts (a hash, a digest, a time) the identity flows compute.
    assert.deepStrictEqual(intents.byTag.get("ReportContent")?.factFields, [
      "actor",
      "location",
      "reporterSchools",
      "reportedMessage",
    ])
    assert.deepStrictEqual(intents.byTag.get("SendMessage")?.factFields, [
      "actor",
      "sender",
      "policy",
      "resolved",
      "replyTarget",
    ])
    assert.deepStrictEqual(intents.byTag.get("PublishCommunication")?.factFields, ["actor", "directory"])
    assert.deepStrictEqual(intents.byTag.get("IssuePasswordRenewalCode")?.factFields, [
      "actor",
      "locations",
      "pupilClassIds",
    ])
    assert.deepStrictEqual(intents.byTag.get("ActivateAccount")?.factFields, ["passwordHash"])
    assert.deepStrictEqual(intents.byTag.get("RenewPassword")?.factFields, ["passwordHash"])
    assert.deepStrictEqual(intents.byTag.get("RecoverPassword")?.factFields, [
      "tokenDigest",
      "recoveredAt",
      "passwordHash",
    ])
    const signIn = new Set(["ActivateAccount", "RenewPassword", "RequestPasswordRecovery", "RecoverPassword"])
    for (const [tag, entry] of intents.byTag) {
      if (!signIn.has(tag)) assert.include(entry.factFields, "actor", tag)
    }
  })

  it.effect("decodes an intent to the command's own fields, branded ids and all", () =>
    Effect.gen(function* () {
      const intent = yield* intents.decode({ _tag: "BlockAccount", accountId: "acc-1", application: "messagerie" })
      assert.deepStrictEqual(intent, { _tag: "BlockAccount", accountId: "acc-1", application: "messagerie" })
      assert.isTrue(Schema.is(AccountId)(intent.accountId))
    }),
  )

  it.prop(
    "a forged actor, role or fact field, or an unknown field, in an intent of any command tag is refused by name",
    [intentOfAnyTag(intents).chain((drawn) => forgery(intents, drawn))],
    ([{ encoded, injected }]) => {
      const decoded = Effect.runSync(Effect.either(intents.decode(encoded)))
      assert.isTrue(Either.isLeft(decoded), JSON.stringify(encoded))
      if (Either.isLeft(decoded)) {
        // A command with a field of that name (a group import's member `roles`) names the bad value inside it.
        const paths = decoded.left.fields.map((field) => field.path)
        for (const field of injected) {
          assert.isTrue(
            paths.some((path) => path === field || path.startsWith(`${field}.`)),
            `${field} not in ${JSON.stringify(decoded.left.fields)}`,
          )
        }
      }
    },
    { fastCheck: { numRuns: 300 } },
  )

  it.prop(
    "the same intent without the forged fields decodes",
    [intentOfAnyTag(intents)],
    ([{ encoded }]) => {
      assert.isTrue(Either.isRight(Effect.runSync(Effect.either(intents.decode(encoded)))), JSON.stringify(encoded))
    },
    { fastCheck: { numRuns: 200 } },
  )

  it("refuses to build intents over a command whose actor is not marked as a fact", () => {
    const Vouched = Schema.TaggedStruct("Vouch", { actor: Actor.Actor, accountId: AccountId })
    const aggregate = Decider.aggregate({
      category: "Vouching",
      Command: Vouched,
      events: { Vouched: Schema.TaggedStruct("Vouched", { accountId: AccountId }) },
      streamId: (command) => command.accountId,
      initialState: null,
      decide: () => Either.right([]),
      evolve: (state) => state,
    })
    assert.throws(() => Intent.make({ Vouching: aggregate }), /Vouch: its field actor holds an Actor/)
  })

  it("refuses two aggregates claiming one command tag", () => {
    assert.throws(
      () => Intent.make({ Account: Account.aggregate, Again: Account.aggregate }),
      /belongs to two aggregates/,
    )
  })

  it("keeps a report's content and comment, drops only its facts", () => {
    const entry = intents.byTag.get("ReportContent")!
    const ast = entry.intent.ast
    assert.isTrue(AST.isTypeLiteral(ast))
    const kept = AST.isTypeLiteral(ast) ? ast.propertySignatures.map((signature) => String(signature.name)) : []
    const expected = Object.keys(Report.ReportContent.fields).filter(
      (field) =>
        field !== "actor" && field !== "location" && field !== "reporterSchools" && field !== "reportedMessage",
    )
    assert.deepStrictEqual(kept.sort(), expected.sort())
  })
})

/**
 * `cartable erase ACCOUNT`: erases the personal data of a deleted account
 * (BR-ACC-9), through the account-lifecycle process of the Workspace: its
 * subject key is destroyed, its events stay and their personal fields read as
 * erased. An account not deleted yet is refused, with the rule.
 *
 * @since 0.1.0
 */
import { AccountId } from "@cartable/domain/Ids"
import * as Authorization from "@cartable/read-models/Authorization"
import * as Workspace from "@cartable/workspace/Workspace"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as CliError from "./CliError.ts"
import * as Output from "./Output.ts"
import * as ReadSide from "./ReadSide.ts"
import * as Store from "./Store.ts"

const account = Args.text({ name: "account" }).pipe(Args.withDescription("The id of the deleted account to erase"))

/**
 * A command the Workspace refused, as the CLI's error: a rule's rejection names its rule.
 *
 * @since 0.1.0
 */
export const refused = (error: { readonly _tag: string; readonly message: string; readonly ruleId?: string }) =>
  error.ruleId !== undefined
    ? CliError.make("Refused", `${error.ruleId}: ${error.message}`, error)
    : error._tag === "InvalidCommand"
      ? CliError.make("Usage", error.message, error)
      : ReadSide.failed(error)

/**
 * The Workspace over the commands' runtime, for the commands that append.
 *
 * @since 0.1.0
 */
export const workspace = (address: Store.Address, options?: { readonly create?: boolean }) =>
  Workspace.layer.pipe(
    Layer.provideMerge(Authorization.layer),
    Layer.provideMerge(ReadSide.runtime),
    Layer.provideMerge(Store.layer(address, options)),
  )

/**
 * The `erase` command.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "erase",
  { account, store: Store.option, json: Output.json },
  ({ account, store, json }) =>
    Effect.gen(function* () {
      const address = yield* Store.resolve(store)
      if (!Schema.is(AccountId)(account)) {
        return yield* CliError.make("Usage", `${JSON.stringify(account)} is not an account id`)
      }
      const erased = yield* Effect.gen(function* () {
        const facts = yield* Authorization.Authorization
        if ((yield* facts.account(account).pipe(Effect.mapError(ReadSide.failed))) === undefined) {
          return yield* CliError.make("UnknownAccount", `No account ${account} in ${Store.describe(address)}`)
        }
        const handled = yield* (yield* Workspace.Workspace)
          .system("account-lifecycle")
          .handle({ _tag: "EraseAccountData", accountId: account }, { occurredAt: yield* DateTime.now })
          .pipe(Effect.mapError(refused))
        return handled.events.length > 0
      }).pipe(Effect.provide(workspace(address)))
      yield* Output.emit(json, { account, erased }, (value) =>
        value.erased
          ? `Erased the personal data of account ${value.account}: its events stay, their personal fields read as erased`
          : `The personal data of account ${value.account} was already erased: nothing to do`,
      )
    }),
).pipe(Command.withDescription("Erase the personal data of a deleted account (BR-ACC-9)"))

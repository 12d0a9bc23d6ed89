/**
 * `cartable init`: creates the store (the SQLite file, or the tables on
 * PostgreSQL) and appoints its first platform administrator through the
 * `install` process: the account is provisioned (profile Personnel, from the
 * install), then appointed. It prints the login and the activation code the
 * administrator signs in with the first time; it refuses a store it ran on before.
 *
 * @since 0.1.0
 */
import { AccountId } from "@cartable/domain/Ids"
import * as Codes from "@cartable/idp-local/Codes"
import * as Authorization from "@cartable/read-models/Authorization"
import * as Workspace from "@cartable/workspace/Workspace"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as CliError from "./CliError.ts"
import { refused, workspace } from "./EraseCommand.ts"
import * as Output from "./Output.ts"
import * as ReadSide from "./ReadSide.ts"
import * as Store from "./Store.ts"

const login = Options.text("login").pipe(Options.withDescription("The administrator's login (e.g. camille.martin)"))
const firstName = Options.text("first-name").pipe(Options.withDescription("The administrator's first name"))
const lastName = Options.text("last-name").pipe(Options.withDescription("The administrator's last name"))
const structure = Options.text("structure").pipe(
  Options.withDescription("The structure the administrator's account belongs to (a UAI, e.g. 0751234A)"),
)
const accountId = Options.text("account-id").pipe(
  Options.withDescription("The administrator's account id"),
  Options.withDefault("platform-admin"),
)

/**
 * What `init` did, for `--json`: the activation code is the administrator's first credential.
 *
 * @since 0.1.0
 */
export interface Initialised {
  readonly store: string
  readonly accountId: string
  readonly login: string
  readonly activationCode: string
}

/**
 * The `init` command.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "init",
  { login, firstName, lastName, structure, accountId, store: Store.option, json: Output.json },
  (options) =>
    Effect.gen(function* () {
      const address = yield* Store.resolve(options.store)
      const accountId = options.accountId
      if (!Schema.is(AccountId)(accountId)) {
        return yield* CliError.make("Usage", `${JSON.stringify(accountId)} is not an account id`)
      }
      const done = yield* Effect.gen(function* () {
        const facts = yield* Authorization.Authorization
        if ((yield* facts.account(accountId).pipe(Effect.mapError(ReadSide.failed))) !== undefined) {
          return yield* CliError.make(
            "AlreadyInitialised",
            `${Store.describe(address)} already has account ${options.accountId}: init ran on it before`,
          )
        }
        const install = (yield* Workspace.Workspace).system("install")
        const occurredAt = yield* DateTime.now
        const activationCode = yield* Codes.generate
        yield* install
          .handle(
            {
              _tag: "ProvisionAccount",
              accountId: options.accountId,
              profile: "Personnel",
              origin: { _tag: "Feed", source: "install", externalId: options.accountId },
              structureId: options.structure,
              login: options.login,
              firstName: options.firstName,
              lastName: options.lastName,
              activationCode,
            },
            { occurredAt },
          )
          .pipe(Effect.mapError(refused))
        yield* install
          .handle({ _tag: "AppointPlatformAdministrator", accountId: options.accountId }, { occurredAt })
          .pipe(Effect.mapError(refused))
        return {
          store: Store.describe(address),
          accountId: options.accountId,
          login: options.login,
          activationCode,
        } satisfies Initialised
      }).pipe(Effect.provide(workspace(address, { create: true })))
      yield* Output.emit(options.json, done, (value) =>
        [
          `Created the store ${value.store} and its platform administrator ${value.accountId}.`,
          `First sign-in: login ${value.login}, activation code ${value.activationCode} (then choose a password).`,
        ].join("\n"),
      )
    }),
).pipe(Command.withDescription("Create the store and appoint its first platform administrator"))

/**
 * `cartable directory`: the accounts of the directory, filtered by school,
 * profile, state and the first letters of a name, a page at a time. It prints
 * what finding a person needs (id, login, names, profile, state, schools),
 * never an e-mail address, an activation code or a relative.
 *
 * @since 0.1.0
 */
import { Profile } from "@cartable/domain/AccountEvents"
import * as Directory from "@cartable/read-models/Directory"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as CliError from "./CliError.ts"
import * as Output from "./Output.ts"
import * as ReadSide from "./ReadSide.ts"
import * as Store from "./Store.ts"

/**
 * The options that select accounts, shared with `stats`.
 *
 * @since 0.1.0
 */
export const school = Options.text("school").pipe(
  Options.withDescription("Only the accounts of this school (its UAI, e.g. 0751234A)"),
  Options.optional,
)

/**
 * The `--profile` option.
 *
 * @since 0.1.0
 */
export const profile = Options.choice("profile", Profile.literals).pipe(
  Options.withDescription("Only the accounts of this profile"),
  Options.optional,
)

const state = Options.choice("state", Directory.AccountState.literals).pipe(
  Options.withDescription("Only the accounts in this state"),
  Options.optional,
)

const search = Options.text("search").pipe(
  Options.withDescription("The first letters of a first or last name (accents and case ignored)"),
  Options.optional,
)

const limit = Options.integer("limit").pipe(
  Options.withDescription("How many accounts a page holds, 1 to 1,000"),
  Options.withDefault(50),
)

const after = Options.text("after").pipe(
  Options.withDescription("Where the previous page ended (the cursor it printed)"),
  Options.optional,
)

/**
 * What one account shows: nothing more than finding him needs.
 *
 * @since 0.1.0
 */
export interface Row {
  readonly id: string
  readonly login: string
  readonly lastName: string
  readonly firstName: string
  readonly profile: string
  readonly state: string
  readonly schools: ReadonlyArray<string>
}

const rowOf = (entry: Directory.Entry): Row => ({
  id: entry.id,
  login: entry.login,
  lastName: entry.lastName,
  firstName: entry.firstName,
  profile: entry.profile,
  state: entry.state,
  schools: entry.schools,
})

const text = (value: { readonly accounts: ReadonlyArray<Row>; readonly next?: string | undefined }): string =>
  [
    value.accounts.length === 0
      ? "No account matches."
      : Output.table(
          ["id", "login", "last name", "first name", "profile", "state", "schools"],
          value.accounts.map((row) => [
            row.id,
            row.login,
            row.lastName,
            row.firstName,
            row.profile,
            row.state,
            row.schools.join(","),
          ]),
        ),
    ...(value.next === undefined ? [] : [`More accounts follow: add --after ${value.next}`]),
  ].join("\n")

/**
 * The `directory` command.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "directory",
  { school, profile, state, search, limit, after, store: Store.option, json: Output.json },
  (options) =>
    Effect.gen(function* () {
      if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > 1000) {
        return yield* CliError.make("Usage", `--limit is 1 to 1,000, not ${options.limit}`)
      }
      const address = yield* Store.resolve(options.store)
      const page = yield* Effect.gen(function* () {
        yield* ReadSide.upToDate(Directory.DirectoryProjection)
        const directory = yield* Directory.Directory
        return yield* directory
          .list({
            school: Option.getOrUndefined(options.school),
            profile: Option.getOrUndefined(options.profile),
            state: Option.getOrUndefined(options.state),
            search: Option.getOrUndefined(options.search),
            after: Option.getOrUndefined(options.after),
            limit: options.limit,
          })
          .pipe(Effect.mapError(ReadSide.failed))
      }).pipe(Effect.provide(ReadSide.queries.pipe(Layer.provideMerge(Store.layer(address)))))
      yield* Output.emit(options.json, { accounts: page.entries.map(rowOf), next: page.next }, text)
    }),
).pipe(
  Command.withDescription("List the directory's accounts by school, profile, state or the first letters of a name"),
)

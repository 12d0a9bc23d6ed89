/**
 * `cartable mail-merge`: the connection sheets of a school (BR-MM-1) as a PDF
 * of 1, 2 or 8 sheets a page, written to a file. It prints the counts the
 * mail-merge screen shows, never a sheet's content: the codes are on paper only.
 *
 * @since 0.1.0
 */
import * as Fs from "node:fs/promises"
import * as MailMerge from "@cartable/read-models/MailMerge"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as CliError from "./CliError.ts"
import { profile } from "./DirectoryCommand.ts"
import * as Output from "./Output.ts"
import * as ReadSide from "./ReadSide.ts"
import * as Store from "./Store.ts"

const school = Options.text("school").pipe(Options.withDescription("The school (its UAI, e.g. 0751234A)"))

const notActivated = Options.boolean("not-activated").pipe(
  Options.withDescription("Only the accounts not activated yet (default: every account)"),
)

const perPage = Options.choice("per-page", ["1", "2", "8"]).pipe(
  Options.withDescription("Sheets on each page"),
  Options.withDefault("1"),
)

const out = Options.file("out").pipe(Options.withDescription("The PDF file to write (e.g. sheets.pdf)"))

const address = Options.text("connection-address").pipe(
  Options.withDescription("The address users connect to, printed on every sheet"),
  Options.optional,
)

/**
 * What the command did, for `--json`.
 *
 * @since 0.1.0
 */
export interface Written {
  readonly school: string
  readonly selected: number
  readonly withoutEmail: number
  readonly perPage: MailMerge.PerPage
  readonly pages: number
  readonly out: string
}

/**
 * The `mail-merge` command.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "mail-merge",
  { school, profile, notActivated, perPage, out, connectionAddress: address, store: Store.option, json: Output.json },
  (options) =>
    Effect.gen(function* () {
      const location = yield* Store.resolve(options.store)
      const perPage = Number(options.perPage) as MailMerge.PerPage
      const written = yield* Effect.gen(function* () {
        yield* ReadSide.upToDate(MailMerge.MailMergeProjection)
        const mailMerge = yield* MailMerge.MailMerge
        const listing = yield* mailMerge
          .list({
            school: options.school,
            profile: Option.getOrUndefined(options.profile),
            activation: options.notActivated ? "not-activated" : undefined,
          })
          .pipe(Effect.mapError(ReadSide.failed))
        const pdf = yield* mailMerge
          .pdfOf(listing.sheets, {
            perPage,
            connectionAddress: Option.getOrUndefined(options.connectionAddress),
          })
          .pipe(Effect.mapError((error) => CliError.make("Unexpected", error.message, error)))
        yield* Effect.tryPromise({
          try: () => Fs.writeFile(options.out, pdf),
          catch: (cause) =>
            CliError.make(
              "OutputFailed",
              `Could not write ${options.out}: ${cause instanceof Error ? cause.message : String(cause)}`,
              cause,
            ),
        })
        return {
          school: options.school,
          selected: listing.selected,
          withoutEmail: listing.withoutEmail,
          perPage,
          pages: Math.ceil(listing.selected / perPage),
          out: options.out,
        } satisfies Written
      }).pipe(Effect.provide(ReadSide.queries.pipe(Layer.provideMerge(Store.layer(location)))))
      yield* Output.emit(
        options.json,
        written,
        (value) =>
          `Wrote ${Output.count(value.selected)} sheets (${Output.count(value.withoutEmail)} without an e-mail address), ${value.perPage} a page, ${Output.count(value.pages)} pages, to ${value.out}`,
      )
    }),
).pipe(Command.withDescription("Print a school's connection sheets to a PDF file, 1, 2 or 8 a page"))

/**
 * `cartable import FEED...`: imports directory feeds into the store through
 * the Workspace's `aaf-import` process (docs/feed-import.md): AAF export
 * folders, AAF parts (`.xml`) or a small school's CSV file (`.csv`), read in
 * the order given. Prints what was read, imported and reported; a school held
 * by the blocking threshold (BR-FEED-1) ends the run with its own exit code,
 * after the report, with the digest an administrator confirms.
 *
 * @since 0.1.0
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import * as AafReader from "@cartable/feeds/AafReader"
import type { AafElement } from "@cartable/feeds/AafRecord"
import * as CsvReader from "@cartable/feeds/CsvReader"
import * as FeedImport from "@cartable/feeds/FeedImport"
import * as Codes from "@cartable/idp-local/Codes"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as CliError from "./CliError.ts"
import { refused, workspace } from "./EraseCommand.ts"
import * as Output from "./Output.ts"
import * as Progress from "./Progress.ts"
import * as Store from "./Store.ts"

const feeds = Args.text({ name: "feed" }).pipe(
  Args.withDescription("An AAF export folder, an AAF part (.xml) or a school's CSV file (.csv)"),
  Args.atLeast(1),
)
const mode = Options.choice("mode", ["full", "incremental"]).pipe(
  Options.withDescription("full: the export is the whole directory of its schools (the absent are pre-deleted)"),
  Options.withDefault("full" as const),
)
const schoolYear = Options.text("school-year").pipe(
  Options.withDescription("The school year classes open for, e.g. 2026-2027 (default: the current one)"),
  Options.optional,
)
const threshold = Options.float("threshold").pipe(
  Options.withDescription("The blocking share of BR-FEED-1, from 0 to 1"),
  Options.withDefault(0.1),
)
const source = Options.text("source").pipe(
  Options.withDescription("The feed's name in the accounts' origin"),
  Options.withDefault("AAF"),
)
const report = Options.file("report").pipe(
  Options.withDescription("Write every problem and warning, with file and line, to this file"),
  Options.optional,
)

/** The records of the feeds given, in their order: a folder is an AAF export, a file its kind by extension. */
const elementsOf = (paths: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    // Every file error is a bad record of the report (AafReader.readFiles and the CSV reader's catch): no error left.
    const streams: Array<Stream.Stream<AafElement>> = []
    for (const path of paths) {
      if (!Fs.existsSync(path)) return yield* CliError.make("FeedMissing", `No feed at ${Path.resolve(path)}`)
      if (Fs.statSync(path).isDirectory()) {
        const files = yield* AafReader.exportFiles(path).pipe(
          Effect.mapError((error) => CliError.make("FeedMissing", error.message, error)),
        )
        if (files.length === 0) {
          return yield* CliError.make(
            "FeedMissing",
            `No AAF part (…_Complet_… or …_Delta_….xml) in ${Path.resolve(path)}`,
          )
        }
        streams.push(AafReader.readFiles(files))
      } else if (path.toLowerCase().endsWith(".csv")) {
        streams.push(CsvReader.readFile(path).pipe(Stream.catchAll((e) => Stream.make(AafReader.fileErrorRecord(e)))))
      } else {
        streams.push(AafReader.readFiles([path]))
      }
    }
    return streams.reduce<Stream.Stream<AafElement>>((all, next) => Stream.concat(all, next), Stream.empty)
  })

const currentYear: Effect.Effect<string> = Effect.map(DateTime.now, (now) =>
  SchoolYear.of(DateTime.formatIsoDateUtc(now) as SchoolYear.LocalDate),
)

const text = (r: FeedImport.Report): string => {
  const lines = [
    `read ${Output.count(r.read)}: ${Output.count(r.imported)} imported + ${Output.count(r.reported)} reported` +
      ` (${Output.count(r.problems.length - r.reported)} warnings)`,
    `${Output.count(r.schools)} schools; accounts: ${Output.count(r.accounts.provisioned)} provisioned, ` +
      `${Output.count(r.accounts.updated)} updated, ${Output.count(r.accounts.preDeleted)} pre-deleted, ` +
      `${Output.count(r.accounts.restored)} restored; ${Output.count(r.events)} events appended`,
    `time: ${r.phases.map((phase) => `${phase.name} ${phase.seconds.toFixed(1)} s`).join(", ")}`,
  ]
  for (const problem of r.problems.slice(0, 20)) {
    lines.push(
      `  ${problem.source.file}:${problem.source.line} ${problem.severity} ${problem.reason}: ${problem.message}`,
    )
  }
  if (r.problems.length > 20)
    lines.push(`  … and ${Output.count(r.problems.length - 20)} more (--report FILE lists them all)`)
  for (const held of r.held) {
    lines.push(
      `held: ${held.structureId} (${held.preDeletions} pre-deletions and ${held.moves} moves of ${held.accounts} accounts,` +
        ` more than ${Math.round(held.threshold * 100)} %): an administrator confirms with ConfirmFeedImport ${held.digest}`,
    )
  }
  return lines.join("\n")
}

/**
 * The `import` command.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "import",
  { feeds, mode, schoolYear, threshold, source, report, store: Store.option, json: Output.json },
  (options) =>
    Effect.gen(function* () {
      const address = yield* Store.resolve(options.store)
      if (!(options.threshold >= 0 && options.threshold <= 1)) {
        return yield* CliError.make("Usage", `--threshold is a share from 0 to 1, got ${options.threshold}`)
      }
      const year = Option.isSome(options.schoolYear) ? options.schoolYear.value : yield* currentYear
      if (!Schema.is(SchoolYear.SchoolYear)(year)) {
        return yield* CliError.make("Usage", `--school-year is like 2026-2027, got ${JSON.stringify(year)}`)
      }
      const elements = yield* elementsOf(options.feeds)
      const progress = { done: 0, total: 0 }
      const done = yield* Progress.track(
        {
          label: "import",
          unit: "people",
          total: () => progress.total,
          done: Effect.sync(() => progress.done),
          enabled: Output.interactive(options.json),
        },
        FeedImport.run(elements, {
          mode: options.mode,
          source: options.source,
          schoolYear: year,
          occurredAt: yield* DateTime.now,
          activationCode: Codes.generate,
          threshold: options.threshold,
          reportFile: Option.getOrUndefined(options.report),
          // Two passes over the people, their drafts in a temporary file: memory stays nearly flat with the export's size.
          passes: 2,
          onProgress: (n, total) => {
            progress.done = n
            progress.total = total
          },
        }).pipe(
          Effect.mapError((error) =>
            error._tag === "FeedImportError"
              ? CliError.make(error.reason === "InvalidOptions" ? "Usage" : "OutputFailed", error.message, error)
              : refused(error as never),
          ),
          Effect.provide(workspace(address)),
        ),
      )
      yield* Output.emit(options.json, done, text)
      if (done.held.length > 0) {
        return yield* CliError.make(
          "ImportHeld",
          `${done.held.length} school(s) held by the blocking threshold (BR-FEED-1): nothing applied there`,
        )
      }
    }),
).pipe(Command.withDescription("Import directory feeds: AAF exports and parts, or a school's CSV file"))

/**
 * The `cartable` command tree: one subcommand per module, put together here,
 * and how a run ends: the output, then the exit code of its failure
 * (CliError.exitCodes), the message on stderr (as JSON with `--json`).
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as CliError from "./CliError.ts"
import * as DirectoryCommand from "./DirectoryCommand.ts"
import * as EraseCommand from "./EraseCommand.ts"
import * as ImportCommand from "./ImportCommand.ts"
import * as InitCommand from "./InitCommand.ts"
import * as MailMergeCommand from "./MailMergeCommand.ts"
import * as RebuildCommand from "./RebuildCommand.ts"
import * as ReportsCommand from "./ReportsCommand.ts"
import * as StatsCommand from "./StatsCommand.ts"
import * as StatusCommand from "./StatusCommand.ts"

/**
 * The version `cartable --version` prints.
 *
 * @since 0.1.0
 */
export const version = "0.1.0"

/**
 * The subcommands, in the order `--help` lists them.
 *
 * @since 0.1.0
 */
export const subcommands = [
  InitCommand.command,
  ImportCommand.command,
  RebuildCommand.command,
  StatusCommand.command,
  DirectoryCommand.command,
  ReportsCommand.command,
  MailMergeCommand.command,
  EraseCommand.command,
  StatsCommand.command,
] as const

/**
 * The root command.
 *
 * @since 0.1.0
 */
export const cartable = Command.make("cartable").pipe(
  Command.withDescription("Run a Cartable store: create it, rebuild and watch its projections, query its read models"),
  Command.withSubcommands(subcommands),
)

const wantsJson = (argv: ReadonlyArray<string>) => argv.includes("--json")

// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape sequences are what is removed
const ansi = /\u001b\[[0-9;]*m/g

/** @effect/cli styles its help and messages with ANSI codes: a pipe or a file gets them plain. */
const plainWhenPiped = (console: Console.Console): Console.Console => {
  const plain = (tty: boolean | undefined, write: (...args: ReadonlyArray<unknown>) => void) =>
    tty === true
      ? write
      : (...args: ReadonlyArray<unknown>) =>
          write(...args.map((arg) => (typeof arg === "string" ? arg.replace(ansi, "") : arg)))
  const log = plain(process.stdout.isTTY, (...args) => console.unsafe.log(...args))
  const error = plain(process.stderr.isTTY, (...args) => console.unsafe.error(...args))
  return {
    ...console,
    log: (...args) => Effect.sync(() => log(...args)),
    error: (...args) => Effect.sync(() => error(...args)),
    unsafe: { ...console.unsafe, log, error },
  }
}

/**
 * Runs the command line (`process.argv`: the node binary and the script
 * first) and gives the exit code: 0, the code of a CliError's reason, 2 for an
 * option or argument @effect/cli refused (it printed why), 1 for a defect.
 *
 * @since 0.1.0
 */
export const run = (argv: ReadonlyArray<string>) =>
  Console.consoleWith((console) =>
    Effect.withConsole(Command.run(cartable, { name: "cartable", version })(argv), plainWhenPiped(console)),
  ).pipe(
    // Logs never mix with the output: on stderr, warnings and worse unless --log-level says otherwise.
    Logger.withMinimumLogLevel(LogLevel.Warning),
    Effect.provide(Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger))),
    Effect.as(0),
    Effect.catchAllCause((cause) => {
      const failure = Cause.failureOption(cause)
      if (failure._tag === "Some" && ValidationError.isValidationError(failure.value)) {
        return Effect.succeed(CliError.exitCodes.Usage)
      }
      if (Cause.isInterruptedOnly(cause)) return Effect.succeed(130)
      const error =
        failure._tag === "Some" && failure.value instanceof CliError.CliError
          ? failure.value
          : CliError.make("Unexpected", Cause.pretty(cause))
      const code = CliError.exitCodes[error.reason]
      const shown = wantsJson(argv)
        ? JSON.stringify({ error: { reason: error.reason, exitCode: code, message: error.message } })
        : `cartable: ${error.message}`
      return Effect.as(Console.error(shown), code)
    }),
  )

/**
 * `cartable reports`: the reports of the platform's queue (or of one school's),
 * newest first; `--open` only those still to handle. It prints what handling
 * needs (the report, the school, the content reported, the decision), not the
 * reporter nor his comment.
 *
 * @since 0.1.0
 */
import * as ReportQueue from "@cartable/read-models/ReportQueue"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as CliError from "./CliError.ts"
import * as Output from "./Output.ts"
import * as ReadSide from "./ReadSide.ts"
import * as Store from "./Store.ts"

const open = Options.boolean("open").pipe(Options.withDescription("Only the reports still open"))

const school = Options.text("school").pipe(
  Options.withDescription("The queue of this school's administrators (default: the platform's, every report)"),
  Options.optional,
)

const limit = Options.integer("limit").pipe(
  Options.withDescription("How many reports to show, 1 to 1,000"),
  Options.withDefault(50),
)

/**
 * One report as the command shows it.
 *
 * @since 0.1.0
 */
export interface Row {
  readonly reportId: string
  readonly school: string
  readonly status: string
  readonly reportedAt: string
  readonly content: string
  readonly decision?: string | undefined
  readonly handledAt?: string | undefined
}

const rowOf = (report: ReportQueue.ReportEntry): Row => ({
  reportId: report.reportId,
  school: report.structureId,
  status: report.status,
  reportedAt: DateTime.formatIso(report.reportedAt),
  content: `${report.content.kind}:${report.content.contentId}`,
  decision: report.handling?.decision,
  handledAt: report.handling === undefined ? undefined : DateTime.formatIso(report.handling.handledAt),
})

const text = (value: { readonly reports: ReadonlyArray<Row>; readonly total: number }): string =>
  value.reports.length === 0
    ? "No report."
    : [
        Output.table(
          ["report", "school", "status", "reported at", "content", "decision", "handled at"],
          value.reports.map((row) => [
            row.reportId,
            row.school,
            row.status,
            row.reportedAt,
            row.content,
            row.decision ?? "-",
            row.handledAt ?? "-",
          ]),
        ),
        `${Output.count(value.reports.length)} of ${Output.count(value.total)} reports`,
      ].join("\n")

/**
 * The `reports` command.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "reports",
  { open, school, limit, store: Store.option, json: Output.json },
  (options) =>
    Effect.gen(function* () {
      if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > 1000) {
        return yield* CliError.make("Usage", `--limit is 1 to 1,000, not ${options.limit}`)
      }
      const address = yield* Store.resolve(options.store)
      const filter: ReportQueue.QueueFilter = {
        scope: Option.match(options.school, {
          onNone: () => ({ level: "Platform" as const }),
          onSome: (scopeId) => ({
            level: "School" as const,
            scopeId: scopeId as ReportQueue.ReportEntry["structureId"],
          }),
        }),
        status: options.open ? "Open" : undefined,
      }
      const found = yield* Effect.gen(function* () {
        const queue = yield* ReportQueue.ReportQueue
        const page = yield* queue.list({ ...filter, limit: options.limit })
        const total = yield* queue.count(filter)
        return { reports: page.reports.map(rowOf), total }
      }).pipe(
        Effect.mapError(ReadSide.failed),
        Effect.provide(ReadSide.queries.pipe(Layer.provideMerge(Store.layer(address)))),
      )
      yield* Output.emit(options.json, found, text)
    }),
).pipe(Command.withDescription("List the reported contents, newest first (--open: those still to handle)"))

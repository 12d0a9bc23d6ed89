/**
 * `cartable stats`: counts for an operator: the events of the log, the
 * accounts by profile and by state, the reports open and handled, and how many
 * projections are behind; for the platform or one school. Counts only.
 *
 * @since 0.1.0
 */
import { Profile } from "@cartable/domain/AccountEvents"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as StoredStatus from "@cartable/projections/StoredStatus"
import * as Directory from "@cartable/read-models/Directory"
import * as ReportQueue from "@cartable/read-models/ReportQueue"
import * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { school } from "./DirectoryCommand.ts"
import * as Output from "./Output.ts"
import * as ReadSide from "./ReadSide.ts"
import * as Store from "./Store.ts"

/**
 * The figures, for `--json`.
 *
 * @since 0.1.0
 */
export interface Stats {
  readonly school?: string | undefined
  readonly events: number
  readonly accounts: {
    readonly total: number
    readonly byProfile: Readonly<Record<string, number>>
    readonly byState: Readonly<Record<string, number>>
  }
  readonly reports: { readonly open: number; readonly handled: number }
  readonly projections: { readonly total: number; readonly behind: number; readonly failed: number }
}

const text = (stats: Stats): string => {
  const pairs = (record: Readonly<Record<string, number>>) =>
    Object.entries(record)
      .map(([key, n]) => `${key} ${Output.count(n)}`)
      .join(", ")
  return [
    stats.school === undefined ? "The platform" : `School ${stats.school}`,
    `  events in the log  ${Output.count(stats.events)}`,
    `  accounts           ${Output.count(stats.accounts.total)}`,
    `    by profile       ${pairs(stats.accounts.byProfile)}`,
    `    by state         ${pairs(stats.accounts.byState)}`,
    `  reports            ${Output.count(stats.reports.open)} open, ${Output.count(stats.reports.handled)} handled`,
    `  projections        ${stats.projections.total}, ${stats.projections.behind} behind, ${stats.projections.failed} failed`,
  ].join("\n")
}

/**
 * The `stats` command.
 *
 * @since 0.1.0
 */
export const command = Command.make("stats", { school, store: Store.option, json: Output.json }, (options) =>
  Effect.gen(function* () {
    const address = yield* Store.resolve(options.store)
    const only = Option.getOrUndefined(options.school)
    const stats = yield* Effect.gen(function* () {
      yield* ReadSide.upToDate(Directory.DirectoryProjection)
      const directory = yield* Directory.Directory
      const queue = yield* ReportQueue.ReportQueue
      const events = yield* EventStore.EventStore
      const counts = <K extends string>(keys: ReadonlyArray<K>, query: (key: K) => Directory.CountQuery) =>
        Effect.map(
          Effect.forEach(keys, (key) => directory.count({ school: only, ...query(key) })),
          (found) => Object.fromEntries(keys.map((key, i) => [key, found[i]!])),
        )
      const scope: ReportQueue.Scope =
        only === undefined
          ? { level: "Platform" }
          : { level: "School", scopeId: only as ReportQueue.ReportEntry["structureId"] }
      const statuses = yield* StoredStatus.read({ projections: ReadSide.all })
      return {
        school: only,
        events: yield* events.head,
        accounts: {
          total: yield* directory.count({ school: only }),
          byProfile: yield* counts(Profile.literals, (profile) => ({ profile })),
          byState: yield* counts(Directory.AccountState.literals, (state) => ({ state })),
        },
        reports: {
          open: yield* queue.count({ scope, status: "Open" }),
          handled: yield* queue.count({ scope, status: "Handled" }),
        },
        projections: {
          total: statuses.filter((status) => status.state !== "retired").length,
          behind: statuses.filter((status) => status.state !== "retired" && status.lagEvents > 0).length,
          failed: statuses.filter((status) => status.state === "failed").length,
        },
      } satisfies Stats
    }).pipe(
      Effect.mapError(ReadSide.failed),
      Effect.provide(ReadSide.queries.pipe(Layer.provideMerge(Store.layer(address)))),
    )
    yield* Output.emit(options.json, stats, text)
  }),
).pipe(
  Command.withDescription("Count the log's events, the accounts by profile and state, the reports, the projections"),
)

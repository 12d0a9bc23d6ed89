/**
 * `cartable status`: every projection's position, lag in events and in time,
 * runner and last error, read from the stores alone, so that it works from an
 * operator's terminal while a server runs the projections. It starts no
 * runtime and writes nothing.
 *
 * @since 0.1.0
 */
import * as StoredStatus from "@cartable/projections/StoredStatus"
import * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Output from "./Output.ts"
import * as ReadSide from "./ReadSide.ts"
import * as Store from "./Store.ts"

const text = (statuses: ReadonlyArray<StoredStatus.StoredStatus>): string =>
  statuses.length === 0
    ? "No projection has run on this store yet."
    : [
        Output.table(
          ["projection", "state", "position", "lag", "behind by", "runner", "last error"],
          statuses.map((status) => [
            `${status.name}${status.kind === "projection" ? ` v${status.version}` : ""}${status.serving ? "" : status.kind === "projection" ? " (not serving)" : ""}`,
            status.inline ? `${status.state} (inline)` : status.state,
            Output.count(status.position),
            `${Output.count(status.lagEvents)} events`,
            Output.duration(status.lagSeconds),
            status.runner === undefined ? "-" : status.runner.holder,
            status.lastError === undefined
              ? "-"
              : // A projection past the event it failed on shows the error as history.
                `${status.state === "failed" ? "" : "earlier, "}${status.lastError.eventType === undefined ? "" : `at ${status.lastError.position} (${status.lastError.eventType}): `}${status.lastError.message}`,
          ]),
        ),
        `log head: ${Output.count(statuses[0]?.head ?? 0)}`,
      ].join("\n")

/**
 * The `status` command.
 *
 * @since 0.1.0
 */
export const command = Command.make("status", { store: Store.option, json: Output.json }, ({ store, json }) =>
  Effect.gen(function* () {
    const address = yield* Store.resolve(store)
    const statuses = yield* StoredStatus.read({ projections: ReadSide.all }).pipe(
      Effect.mapError(ReadSide.failed),
      Effect.provide(Store.layer(address)),
    )
    yield* Output.emit(json, { store: Store.describe(address), projections: statuses }, ({ projections }) =>
      text(projections),
    )
  }),
).pipe(Command.withDescription("Show every projection: position, lag in events and seconds, runner, last error"))

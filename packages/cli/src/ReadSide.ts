/**
 * The read models the commands run, as docs/read-models.md wires them: the
 * Authorization facts, the report queue and the feed's withdrawals inline (so
 * that the commands that append keep them as every server does), the others
 * async. A command that reads an async read model first brings it up to the
 * head, under its lease, unless another process runs it.
 *
 * @since 0.1.0
 */
import * as EventStore from "@cartable/eventlog/EventStore"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import { ReadModelStore } from "@cartable/projections/ReadModelStore"
import * as AuditTrail from "@cartable/read-models/AuditTrail"
import * as Authorization from "@cartable/read-models/Authorization"
import * as Directory from "@cartable/read-models/Directory"
import * as HomeworkBooks from "@cartable/read-models/HomeworkBooks"
import * as MailMerge from "@cartable/read-models/MailMerge"
import * as NewsFeed from "@cartable/read-models/NewsFeed"
import * as ReportQueue from "@cartable/read-models/ReportQueue"
import * as Rosters from "@cartable/read-models/Rosters"
import * as SectionContents from "@cartable/read-models/SectionContents"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as CliError from "./CliError.ts"

/**
 * The projections applied in each append's transaction: every process that appends runs the same.
 *
 * @since 0.1.0
 */
export const inline: ReadonlyArray<Projection.Projection.Any> = [
  Authorization.AuthorizationProjection,
  ReportQueue.ReportQueueProjection,
  NewsFeed.FeedWithdrawals,
]

/**
 * The projections that follow the log from their checkpoints.
 *
 * @since 0.1.0
 */
export const async: ReadonlyArray<Projection.Projection.Any> = [
  Directory.DirectoryProjection,
  MailMerge.MailMergeProjection,
  Rosters.RostersProjection,
  HomeworkBooks.HomeworkBooksProjection,
  NewsFeed.NewsFeedProjection,
  SectionContents.SectionContentsProjection,
  AuditTrail.AuditTrailProjection,
]

/**
 * Every projection the commands know, inline ones first.
 *
 * @since 0.1.0
 */
export const all: ReadonlyArray<Projection.Projection.Any> = [...inline, ...async]

/**
 * The projection of this name (or of this id, `name@version`), or `UnknownProjection` listing the known names.
 *
 * @since 0.1.0
 */
export const find = (name: string): Effect.Effect<Projection.Projection.Any, CliError.CliError> => {
  const found = all.find((projection) => projection.name === name || Projection.idOf(projection) === name)
  return found !== undefined
    ? Effect.succeed(found)
    : Effect.fail(
        CliError.make(
          "UnknownProjection",
          `No projection is called ${JSON.stringify(name)}: the projections are ${all.map((p) => p.name).join(", ")}`,
        ),
      )
}

/**
 * The runtime of the commands: every projection, no background fiber (a command
 * catches up what it reads, in its own fiber), and the store that applies the
 * inline ones on each append in place of the adapter's.
 *
 * @since 0.1.0
 */
export const runtime: Layer.Layer<
  ProjectionRuntime.ProjectionRuntime | EventStore.EventStore,
  CliError.CliError,
  EventStore.EventStore | ReadModelStore
> = ProjectionRuntime.layer({ inline, async, background: false }).pipe(Layer.mapError(failed))

/** A store failure, or a projection that fails, as a command's error. */
export function failed(error: { readonly _tag: string; readonly message: string }): CliError.CliError {
  return error._tag === "CliError"
    ? (error as CliError.CliError)
    : CliError.make(
        error._tag === "ProjectionFailed" || error._tag === "ReactorFailed" ? "Unexpected" : "StoreUnavailable",
        error.message,
        error,
      )
}

/** This process's name in the leases it takes. */
const holder = `cartable-cli:${process.pid}:${crypto.randomUUID()}`

/** Leases are taken for a minute and renewed every 20 seconds while the work runs. */
const LEASE_MILLIS = 60_000

/**
 * Runs `work` holding the projection's lease, as a runner of the runtime would;
 * `Busy` when another process holds it (a server runs the projection).
 *
 * @since 0.1.0
 */
export const underLease = <A, E, R>(
  projection: Projection.Projection.Any,
  work: Effect.Effect<A, E, R>,
): Effect.Effect<A, E | CliError.CliError, R | ReadModelStore | Scope.Scope> =>
  Effect.gen(function* () {
    const store = yield* ReadModelStore
    const id = Projection.idOf(projection)
    const acquire = store.acquireLease(id, holder, LEASE_MILLIS).pipe(Effect.mapError(failed))
    if (!(yield* acquire)) {
      const running = (yield* store.leases.pipe(Effect.mapError(failed))).find((lease) => lease.id === id)
      return yield* Effect.fail(
        CliError.make(
          "Busy",
          `Another process runs ${id} (lease holder ${running?.holder ?? "unknown"}): stop it first, or let it catch up`,
        ),
      )
    }
    yield* Effect.addFinalizer(() => store.releaseLease(id, holder).pipe(Effect.ignore))
    yield* Effect.forkScoped(Effect.forever(Effect.zipRight(Effect.sleep(LEASE_MILLIS / 3), Effect.ignore(acquire))))
    return yield* work
  })

/** How long a reading command waits for another process's runner to reach the head it saw. */
const WAIT_FOR_RUNNER_MILLIS = 30_000

/**
 * Brings an async projection up to the head before a command reads it. When
 * another process runs it (a server, or another `cartable` catching it up), the
 * command waits until that runner's checkpoint reaches the log's head as it was
 * when the command started, or until the lease is free to catch up itself, then
 * reads: never a model behind what was committed before the command (after 30 s,
 * it reads what there is).
 *
 * @since 0.1.0
 */
export const upToDate = (
  projection: Projection.Projection.Any,
): Effect.Effect<
  void,
  CliError.CliError,
  ProjectionRuntime.ProjectionRuntime | ReadModelStore | EventStore.EventStore
> =>
  Effect.gen(function* () {
    const runtime = yield* ProjectionRuntime.ProjectionRuntime
    const store = yield* ReadModelStore
    const head = yield* (yield* EventStore.EventStore).head.pipe(Effect.mapError(failed))
    const catchUp = underLease(projection, runtime.catchUp(projection).pipe(Effect.mapError(failed))).pipe(
      Effect.as(true),
      Effect.catchIf(
        (error) => error.reason === "Busy",
        () => Effect.succeed(false),
      ),
      Effect.scoped,
    )
    const id = Projection.idOf(projection)
    const started = yield* Clock.currentTimeMillis
    while (!(yield* catchUp)) {
      const checkpoint = yield* store.checkpoint(id).pipe(Effect.mapError(failed))
      if (checkpoint._tag === "Some" && checkpoint.value.position >= head) return
      if ((yield* Clock.currentTimeMillis) - started > WAIT_FOR_RUNNER_MILLIS) return
      yield* Effect.sleep("50 millis")
    }
  })

/**
 * Everything a reading command needs over the storage: the runtime and the read models' query services.
 *
 * @since 0.1.0
 */
export const queries: Layer.Layer<
  | ProjectionRuntime.ProjectionRuntime
  | EventStore.EventStore
  | Authorization.Authorization
  | Directory.Directory
  | MailMerge.MailMerge
  | ReportQueue.ReportQueue,
  CliError.CliError,
  EventStore.EventStore | ReadModelStore
> = Layer.mergeAll(Authorization.layer, Directory.layer, MailMerge.layer, ReportQueue.layer).pipe(
  Layer.mapError(failed),
  Layer.provideMerge(runtime),
)

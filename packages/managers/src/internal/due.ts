/**
 * What the clock-driven managers share: the tick loop over a read model's
 * documents by due instant (Deletions, Erasures, SectionBin) and, for Deletions
 * and Erasures, a read model of the accounts due for a lifecycle command at an
 * instant with a reactor that issues it for every account due by the tick.
 */
import * as Domain from "@cartable/domain/Domain"
import type { AccountId } from "@cartable/domain/Ids"
import type * as Projection from "@cartable/projections/Projection"
import * as ProjectionMake from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as Reactor from "@cartable/projections/Reactor"
import * as ReadModel from "@cartable/projections/ReadModel"
import type { ReadModelStore } from "@cartable/projections/ReadModelStore"
import type { Authorization } from "@cartable/read-models/Authorization"
import type { SystemProcess } from "@cartable/workspace/SystemProcess"
import * as Workspace from "@cartable/workspace/Workspace"
import * as DateTime from "effect/DateTime"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as ClockTick from "../ClockTick.ts"

/** An account due for the manager's command at `due`, since the event at `position` (recorded at `since`). */
export const DueAccount = Schema.Struct({
  accountId: Schema.String,
  since: Schema.DateTimeUtc,
  due: Schema.DateTimeUtc,
  position: Schema.Number,
})
export type DueAccount = typeof DueAccount.Type

/** ISO 8601 in UTC with milliseconds has one width for years 0 to 9999: its code-point order is time order. */
export const dueIndex = (instant: DateTime.Utc): string => DateTime.formatIso(instant)

/** The Workspace's session of a system process over the core's aggregates. */
type Session = Workspace.Workspace.SystemSession<typeof Domain.aggregates>
type SystemErrorTag = Effect.Effect.Error<ReturnType<Session["handle"]>>["_tag"]

/**
 * A reactor that, on each clock tick, gives one command for each document of a
 * read model due by the tick's instant, as a system process. The documents are
 * read page by page in the order of `index` (their due instant, {@link dueIndex}),
 * so the first one not due yet ends the round; the session is built on the first
 * due document only (most ticks find none). A rejection tagged `skip` means the
 * document's subject moved on between the read and the command (restored,
 * deleted by hand...): logged, and the round goes on.
 */
export const dueReactor = <A, Idx extends string>(options: {
  readonly name: string
  readonly reader: Effect.Effect<ReadModel.Reader<A, Idx>, never, ReadModelStore>
  readonly index: Idx
  readonly dueOf: (document: A) => DateTime.Utc
  readonly process: SystemProcess
  /** The command a due document gets, with the causation id that gives it once per document. */
  readonly command: (document: A) => { readonly intent: unknown; readonly causationId: string }
  readonly skip: SystemErrorTag
  readonly skipped: (document: A) => string
}): Reactor.Reactor<Authorization | ReadModelStore> => {
  const { name, reader, index, dueOf, process, command, skip, skipped } = options
  return Reactor.make({
    name,
    events: ClockTick.events,
    reactions: {
      ClockTicked: (tick, reaction) =>
        Effect.gen(function* () {
          const documents = yield* reader
          const base = reaction.context()
          let session: Session | undefined
          let after: string | undefined
          do {
            const page = yield* documents.find({ index, prefix: "", after, limit: 100 })
            for (const document of page.documents) {
              if (DateTime.greaterThan(dueOf(document), tick.at)) return
              session ??= (yield* Workspace.make(Domain.aggregates)).system(process)
              const { intent, causationId } = command(document)
              yield* session.handle(intent, { ...base, occurredAt: tick.at, causationId, idempotent: true }).pipe(
                Effect.catchIf(
                  (error) => error._tag === skip,
                  (rejected) => Effect.logInfo(`${name}: ${skipped(document)}`, rejected),
                ),
              )
            }
            after = page.next
          } while (after !== undefined)
        }),
    },
  })
}

export const DueAccounts = ReadModel.collection("due", {
  document: DueAccount,
  key: (account) => account.accountId,
  indexes: { due: (account) => dueIndex(account.due) },
})

type AccountEventTag = "AccountPreDeleted" | "AccountRestored" | "AccountDeleted" | "AccountDataErased"
type LifecycleCommand = "DeleteAccount" | "EraseAccountData"

export interface Definition {
  /** The projection's and the reactor's name. */
  readonly name: string
  readonly version: number
  readonly delay: Duration.Duration
  /** The event that makes an account due at its instant plus the delay. */
  readonly start: AccountEventTag
  /** The events after which the account is no longer due. */
  readonly stop: ReadonlyArray<AccountEventTag>
  readonly command: LifecycleCommand
  readonly process: SystemProcess
}

export interface DueManager {
  readonly projection: Projection.Projection<{ readonly due: typeof DueAccounts }>
  readonly reactor: Reactor.Reactor<Authorization | ReadModelStore>
}

/** The causation id of the command for one account made due by the event at `position`: once per such event. */
export const causationIdOf = (name: string, account: DueAccount): string =>
  `${name}:${account.accountId}:${account.position}`

export const make = (definition: Definition): DueManager => {
  const { name, delay, start, stop, command, process } = definition
  const handlers: Record<string, Projection.Handler<{ readonly accountId: AccountId }, { due: typeof DueAccounts }>> = {
    [start]: (event, into, recorded) =>
      into.due.put({
        accountId: event.accountId,
        since: recorded.metadata.occurredAt,
        due: DateTime.addDuration(recorded.metadata.occurredAt, delay),
        position: recorded.position,
      }),
  }
  for (const tag of stop) handlers[tag] = (event, into) => into.due.remove(event.accountId)
  const projection = ProjectionMake.make({
    name,
    version: definition.version,
    events: Domain.events,
    collections: { due: DueAccounts },
    handlers: handlers as ProjectionMake.Handlers<typeof Domain.events, { readonly due: typeof DueAccounts }>,
  })

  // By due instant, then account: the accounts due by the tick come first.
  const reactor = dueReactor({
    name,
    reader: ProjectionRuntime.reader(projection, "due"),
    index: "due",
    dueOf: (account) => account.due,
    process,
    command: (account) => ({
      intent: { _tag: command, accountId: account.accountId },
      causationId: causationIdOf(name, account),
    }),
    // Restored, deleted or erased by hand between the read and the command: nothing left to do.
    skip: "AccountRejected",
    skipped: (account) => `${command} of ${account.accountId} refused, skipped`,
  })
  return { projection, reactor }
}

/**
 * What Deletions and Erasures share: a read model of the accounts due for a
 * lifecycle command at an instant, and a reactor that, on each clock tick,
 * issues that command for every account due by the tick's instant.
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

  const reactor: Reactor.Reactor<Authorization | ReadModelStore> = Reactor.make({
    name,
    events: ClockTick.events,
    reactions: {
      ClockTicked: (tick, reaction) =>
        Effect.gen(function* () {
          const accounts = yield* ProjectionRuntime.reader(projection, "due")
          // Built on the first due account only: most ticks find none.
          let session: Workspace.Workspace.SystemSession<typeof Domain.aggregates> | undefined
          const base = reaction.context()
          let after: string | undefined
          do {
            // By due instant, then account: the accounts due by the tick come first.
            const page = yield* accounts.find({ index: "due", prefix: "", after, limit: 100 })
            for (const account of page.documents) {
              if (DateTime.greaterThan(account.due, tick.at)) return
              session ??= (yield* Workspace.make(Domain.aggregates)).system(process)
              yield* session
                .handle(
                  { _tag: command, accountId: account.accountId },
                  {
                    ...base,
                    occurredAt: tick.at,
                    causationId: causationIdOf(name, account),
                    idempotent: true,
                  },
                )
                .pipe(
                  // Restored, deleted or erased by hand between the read and the command: nothing left to do.
                  Effect.catchTag("AccountRejected", (rejected) =>
                    Effect.logInfo(`${name}: ${command} of ${account.accountId} refused, skipped`, rejected),
                  ),
                )
            }
            after = page.next
          } while (after !== undefined)
        }),
    },
  })
  return { projection, reactor }
}

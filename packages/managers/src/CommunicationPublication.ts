/**
 * The process manager of targeted communication (BR-MSG-3): a scheduled
 * communication is published at the first clock tick at or after the start of
 * its window, its recipients resolved from the directory as it is then, as the
 * `targeted-communication` process, once. Its read model keeps each communication
 * waiting for publication with its window (an inline projection: run it in every
 * process that appends); its reactor reads it on each tick. A communication no
 * tick reached inside its window (the first tick comes at or after its end) is
 * never published: that tick records it expired, and it leaves the waiting list.
 *
 * @since 0.1.0
 */
import * as Domain from "@cartable/domain/Domain"
import { CommunicationId } from "@cartable/domain/TargetedCommunicationEvents"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as Reactor from "@cartable/projections/Reactor"
import * as ReadModel from "@cartable/projections/ReadModel"
import type { ReadModelStore } from "@cartable/projections/ReadModelStore"
import type { Authorization } from "@cartable/read-models/Authorization"
import type * as SystemProcess from "@cartable/workspace/SystemProcess"
import * as Workspace from "@cartable/workspace/Workspace"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as ClockTick from "./ClockTick.ts"
import { dueIndex } from "./internal/due.ts"

const process = "targeted-communication" satisfies SystemProcess.SystemProcess

/**
 * A communication waiting for its window: from when, until when.
 *
 * @since 0.1.0
 */
export const Waiting = Schema.Struct({
  communicationId: CommunicationId,
  publishFrom: Schema.DateTimeUtc,
  publishUntil: Schema.DateTimeUtc,
})
/** @since 0.1.0 */
export type Waiting = typeof Waiting.Type

/** The waiting communications, by start of window. @since 0.1.0 */
export const WaitingCommunications = ReadModel.collection("waiting", {
  document: Waiting,
  key: (entry) => entry.communicationId,
  indexes: { from: (entry) => dueIndex(entry.publishFrom) },
})

/**
 * The read model of the communications waiting for publication; run it inline.
 *
 * @since 0.1.0
 */
export const projection = Projection.make({
  name: "communications",
  version: 1,
  events: Domain.events,
  collections: { waiting: WaitingCommunications },
  personal: false,
  handlers: {
    CommunicationScheduled: (event, into) =>
      into.waiting.put({
        communicationId: event.communicationId,
        publishFrom: event.publishFrom,
        publishUntil: event.publishUntil,
      }),
    CommunicationPublished: (event, into) => into.waiting.remove(event.communicationId),
    CommunicationWithdrawn: (event, into) => into.waiting.remove(event.communicationId),
    CommunicationExpired: (event, into) => into.waiting.remove(event.communicationId),
  },
})

/**
 * The causation id of a communication's publication: once, however many ticks see it.
 *
 * @since 0.1.0
 */
export const causationId = (communicationId: string): string => `${process}:${communicationId}`

/**
 * The causation id of a communication's expiry: once, however many ticks see it.
 *
 * @since 0.1.0
 */
export const expiryCausationId = (communicationId: string): string => `${process}:${communicationId}:expired`

/**
 * The reactor: on each tick, publishes every waiting communication whose window
 * is open, and expires every one whose window ended unpublished, through the
 * Workspace's `targeted-communication` session.
 *
 * @since 0.1.0
 */
export const reactor: Reactor.Reactor<Authorization | ReadModelStore> = Reactor.make({
  name: "communications",
  events: ClockTick.events,
  reactions: {
    ClockTicked: (tick, reaction) =>
      Effect.gen(function* () {
        const waiting = yield* ProjectionRuntime.reader(projection, "waiting")
        let session: Workspace.Workspace.SystemSession<typeof Domain.aggregates> | undefined
        const base = reaction.context()
        let after: string | undefined
        do {
          const page = yield* waiting.find({ index: "from", prefix: "", after, limit: 100 })
          for (const entry of page.documents) {
            // By start of window: the first one not started ends the round.
            if (DateTime.greaterThan(entry.publishFrom, tick.at)) return
            // The window's end is excluded: a tick at it, or after, comes too late to publish.
            const over = !DateTime.lessThan(tick.at, entry.publishUntil)
            session ??= (yield* Workspace.make(Domain.aggregates)).system(process)
            const at = DateTime.formatIso(tick.at)
            yield* session
              .handle(
                over
                  ? { _tag: "ExpireCommunication", communicationId: entry.communicationId, expiredAt: at }
                  : { _tag: "PublishCommunication", communicationId: entry.communicationId, publishedAt: at },
                {
                  ...base,
                  occurredAt: tick.at,
                  causationId: (over ? expiryCausationId : causationId)(entry.communicationId),
                  idempotent: true,
                },
              )
              .pipe(
                // Withdrawn meanwhile: nothing to publish or expire.
                Effect.catchTag("TargetedCommunicationRejected", (rejected) =>
                  Effect.logInfo(
                    `communications: ${entry.communicationId} not ${over ? "expired" : "published"}`,
                    rejected,
                  ),
                ),
              )
          }
          after = page.next
        } while (after !== undefined)
      }),
  },
})

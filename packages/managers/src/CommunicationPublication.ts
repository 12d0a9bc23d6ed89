/**
 * The process manager of targeted communication (BR-MSG-3): a scheduled
 * communication is published at the first clock tick at or after the start of
 * its window, its recipients resolved from the directory as it is then, as the
 * `targeted-communication` process, once. Its read model keeps each communication
 * waiting for publication with its window (an inline projection: run it in every
 * process that appends); its reactor reads it on each tick. A tick that comes
 * after the window's end publishes nothing (the aggregate refuses it): the
 * communication stays unpublished and later ticks pass it by.
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
  },
})

/**
 * The causation id of a communication's publication: once, however many ticks see it.
 *
 * @since 0.1.0
 */
export const causationId = (communicationId: string): string => `${process}:${communicationId}`

/**
 * The reactor: on each tick, publishes every waiting communication whose window
 * has started, through the Workspace's `targeted-communication` session.
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
            if (!DateTime.lessThan(tick.at, entry.publishUntil)) continue
            session ??= (yield* Workspace.make(Domain.aggregates)).system(process)
            yield* session
              .handle(
                {
                  _tag: "PublishCommunication",
                  communicationId: entry.communicationId,
                  publishedAt: DateTime.formatIso(tick.at),
                },
                { ...base, occurredAt: tick.at, causationId: causationId(entry.communicationId), idempotent: true },
              )
              .pipe(
                // Its window closed before a tick came, or withdrawn meanwhile: nothing to publish.
                Effect.catchTag("TargetedCommunicationRejected", (rejected) =>
                  Effect.logInfo(`communications: ${entry.communicationId} not published`, rejected),
                ),
              )
          }
          after = page.next
        } while (after !== undefined)
      }),
  },
})

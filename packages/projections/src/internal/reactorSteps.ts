/**
 * How a reactor moves forward: each event it reads is reacted to, then its
 * checkpoint moves past it; a failed reaction stops the batch there, so that
 * the event is reacted to again (idempotently, by causation id) after a retry.
 */
import * as EventStore from "@cartable/eventlog/EventStore"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import type * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import { ReactorFailed } from "../ProjectionError.ts"
import * as Reactor from "../Reactor.ts"
import type { Core } from "./core.ts"
import { underLease } from "./follow.ts"

/**
 * One batch of a reactor. Its commands run with `context` and append through
 * `through` (the runtime's store, so that they apply the inline projections).
 */
export const step = <R>(
  core: Core,
  reactor: Reactor.Reactor<R>,
  context: Context.Context<R>,
  through: EventStore.EventStore.Service,
) =>
  Effect.gen(function* () {
    const { events, store } = core
    const id = Reactor.idOf(reactor)
    let from = yield* core.positionAt(id)
    const batch = yield* events.readAll(from, core.batchSize)
    /** Moves the checkpoint past the events read so far that needed nothing. */
    const passed = (position: number) =>
      position > from
        ? Effect.as(store.commit({ changes: [], checkpoint: { id, from, to: position } }), position)
        : Effect.succeed(from)
    let seen = from
    for (const recorded of batch) {
      yield* core.sawHead(recorded.position)
      if (!reactor.eventTypes.has(recorded.type)) {
        seen = recorded.position
        continue
      }
      const now = DateTime.unsafeMake(yield* Clock.currentTimeMillis)
      const reaction = reactor.react(recorded, {
        recorded,
        context: (n = 0) => {
          const causationId = Reactor.causationId(reactor, recorded.position, n)
          return {
            occurredAt: now,
            correlationId: recorded.metadata.correlationId ?? causationId,
            causationId,
            idempotent: true,
          }
        },
      })
      if (reaction !== undefined) {
        from = yield* passed(seen)
        yield* reaction.pipe(
          // The runtime's store innermost: the context the runtime was built in may hold the raw store too,
          // and a reaction's appends must apply the inline projections.
          Effect.provideService(EventStore.EventStore, through),
          Effect.provide(context),
          Effect.catchAllCause((cause) =>
            Effect.fail(
              new ReactorFailed({
                reactor: reactor.name,
                position: recorded.position,
                streamName: recorded.streamName,
                eventType: recorded.type,
                reason:
                  Cause.isFailType(cause) && cause.error instanceof Error ? cause.error.message : Cause.pretty(cause),
                cause: Cause.squash(cause),
              }),
            ),
          ),
        )
      }
      from = yield* passed(recorded.position)
      seen = from
    }
    yield* passed(seen)
    return batch.length < core.batchSize
  })

/** Up to the head, in the calling fiber. */
export const catchUp = <R>(
  core: Core,
  reactor: Reactor.Reactor<R>,
  context: Context.Context<R>,
  through: EventStore.EventStore.Service,
) => {
  const id = Reactor.idOf(reactor)
  return Effect.gen(function* () {
    yield* core.setLocal(id, { state: "catching-up" })
    while (!(yield* step(core, reactor, context, through))) {
      /* next batch */
    }
    yield* core.setLocal(id, { state: "live" })
  }).pipe(Effect.tapError((error) => core.recordFailure(id, error)))
}

/** One round of a background reactor: one batch under its lease. */
export const round = <R>(
  core: Core,
  reactor: Reactor.Reactor<R>,
  context: Context.Context<R>,
  through: EventStore.EventStore.Service,
) => underLease(core, Reactor.idOf(reactor), step(core, reactor, context, through))

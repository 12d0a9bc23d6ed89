/**
 * The status of each consumer a runtime runs, for an operator: its state, its
 * position against the head, its lag in events and seconds, its last error.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import type { ProjectionStatus } from "../ProjectionRuntime.ts"
import type { Core } from "./core.ts"
import * as Registry from "./registry.ts"

export interface Consumer {
  readonly id: string
  readonly name: string
  readonly version: number
  readonly mode: "inline" | "async" | "reactor"
}

export const status = (core: Core, consumers: ReadonlyArray<Consumer>) =>
  Effect.gen(function* () {
    const { events, store } = core
    const states = yield* Ref.get(core.local)
    const now = yield* Clock.currentTimeMillis
    const known = yield* Ref.get(core.head)
    return yield* Effect.forEach(consumers, ({ id, name, version, mode }) =>
      Effect.gen(function* () {
        const checkpoint = yield* core.positionAt(id)
        const persisted = yield* Registry.versionState(store, id)
        const serving = mode === "reactor" ? undefined : yield* Registry.serving(store, name)
        const entry = states.get(id)
        // A live inline projection is at the head by construction: its checkpoint only served its catch-up.
        const inlineLive = mode === "inline" && entry?.state === "live"
        const next = inlineLive ? [] : yield* events.readAll(checkpoint, 1)
        const headNow = Math.max(known, checkpoint, next[0]?.position ?? 0)
        const position = inlineLive ? headNow : checkpoint
        const oldest = next[0]
        return {
          name,
          version,
          mode,
          state: entry?.state ?? "waiting",
          serving: serving === version,
          position,
          head: headNow,
          lagEvents: Math.max(0, headNow - position),
          lagSeconds: oldest === undefined ? 0 : Math.max(0, (now - oldest.metadata.occurredAt.epochMillis) / 1000),
          lastError: entry?.lastError ?? persisted?.lastError,
        } satisfies ProjectionStatus
      }),
    )
  })

/**
 * The status of every consumer as the stores hold it, for a process that runs
 * none of them (an operator's `cartable status` beside a server): the log's
 * head, each checkpoint, lease and registry entry, and the consumers named by
 * the caller that never moved.
 */
import * as EventStore from "@cartable/eventlog/EventStore"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Projection from "../Projection.ts"
import * as Reactor from "../Reactor.ts"
import { type Checkpoint, type Lease, ReadModelStore } from "../ReadModelStore.ts"
import type { Options, StoredState, StoredStatus } from "../StoredStatus.ts"
import * as Registry from "./registry.ts"

interface Known {
  readonly id: string
  readonly name: string
  readonly version: number
  readonly kind: StoredStatus["kind"]
}

/** What an id says of its consumer: `name@version` for a projection, `reactor:name` for a reactor. */
const parse = (id: string): Known => {
  const projection = /^(.+)@(\d+)$/.exec(id)
  if (projection !== null) return { id, name: projection[1]!, version: Number(projection[2]), kind: "projection" }
  if (id.startsWith("reactor:")) return { id, name: id.slice("reactor:".length), version: 0, kind: "reactor" }
  return { id, name: id, version: 0, kind: "consumer" }
}

const stateOf = (
  status: Omit<StoredStatus, "state">,
  retired: boolean,
  checkpoint: Checkpoint | undefined,
): StoredState => {
  if (retired) return "retired"
  const error = status.lastError
  // Still stuck at the event it failed on (or, for a failure without one, no move since).
  const stuck =
    error !== undefined &&
    (error.position !== undefined ? status.position < error.position : (checkpoint?.updatedAt ?? 0) <= error.at)
  if (stuck && status.lagEvents > 0) return "failed"
  if (status.lagEvents === 0) return "live"
  return status.runner !== undefined ? "catching-up" : "stopped"
}

export const read = (options: Options = {}) =>
  Effect.gen(function* () {
    const events = yield* EventStore.EventStore
    const store = yield* ReadModelStore
    const now = yield* Clock.currentTimeMillis
    const registry = yield* Registry.entries(store)
    const checkpoints = new Map((yield* store.checkpoints).map((checkpoint) => [checkpoint.id, checkpoint]))
    const leases = new Map<string, Lease>((yield* store.leases).map((lease) => [lease.id, lease]))
    // Read after the checkpoints, so that no checkpoint is past it (but for appends in between: clamped below).
    const logHead = yield* events.head

    const serving = new Map<string, number>()
    const versions = new Map<string, Registry.VersionState>()
    for (const entry of registry) {
      if (entry._tag === "Serving") serving.set(entry.name, entry.version)
      else versions.set(entry.id, entry)
    }
    const known = new Map<string, Known>()
    for (const projection of options.projections ?? []) {
      const id = Projection.idOf(projection)
      known.set(id, { id, name: projection.name, version: projection.version, kind: "projection" })
    }
    for (const reactor of options.reactors ?? []) {
      const id = Reactor.idOf(reactor)
      known.set(id, { id, name: reactor.name, version: 0, kind: "reactor" })
    }
    for (const id of [...checkpoints.keys(), ...versions.keys(), ...leases.keys()]) {
      if (!known.has(id)) known.set(id, parse(id))
    }

    const all = [...known.values()].sort((a, b) =>
      a.name === b.name ? a.version - b.version : a.name < b.name ? -1 : 1,
    )
    return yield* Effect.forEach(all, (consumer) =>
      Effect.gen(function* () {
        const checkpoint = checkpoints.get(consumer.id)
        const version = versions.get(consumer.id)
        const lease = leases.get(consumer.id)
        const servingVersion = consumer.kind === "projection" ? serving.get(consumer.name) : undefined
        // An inline projection that caught up is applied in every append's transaction: at the head.
        const inline = version?.inlineLive === true
        const head = Math.max(logHead, checkpoint?.position ?? 0)
        const position = inline ? head : (checkpoint?.position ?? 0)
        const lagEvents = Math.max(0, head - position)
        const [oldest] = lagEvents === 0 ? [] : yield* events.readAll(position, 1)
        const base: Omit<StoredStatus, "state"> = {
          id: consumer.id,
          name: consumer.name,
          version: consumer.version,
          kind: consumer.kind,
          inline,
          serving: servingVersion !== undefined && servingVersion === consumer.version,
          position,
          head,
          lagEvents,
          lagSeconds: oldest === undefined ? 0 : Math.max(0, (now - oldest.metadata.occurredAt.epochMillis) / 1000),
          updatedAt: checkpoint?.updatedAt,
          runner: lease === undefined ? undefined : { holder: lease.holder, until: lease.expiresAt },
          lastError: version?.lastError,
        }
        const retired = servingVersion !== undefined && servingVersion > consumer.version
        return { ...base, state: stateOf(base, retired, checkpoint) } satisfies StoredStatus
      }),
    )
  })

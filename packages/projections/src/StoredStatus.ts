/**
 * The status of the projections and reactors as the stores hold it: read by a
 * process that runs none of them (an operator's `cartable status` while a
 * server runs them), from the log's head, the checkpoints, the leases and the
 * runtime's registry. {@link ProjectionRuntime.ProjectionRuntime.Service.status}
 * is the view of the runtime that runs them; this one needs no runtime.
 *
 * @since 0.1.0
 */
import type { EventStore } from "@cartable/eventlog/EventStore"
import type { EventStoreError } from "@cartable/eventlog/EventStoreError"
import type * as Effect from "effect/Effect"
import * as internal from "./internal/storedStatus.ts"
import type * as Projection from "./Projection.ts"
import type * as ProjectionRuntime from "./ProjectionRuntime.ts"
import type * as Reactor from "./Reactor.ts"
import type { ReadModelError, ReadModelStore } from "./ReadModelStore.ts"

/**
 * What a consumer is doing, as far as the stores tell:
 * - `live`: at the head of the log;
 * - `catching-up`: behind, and a runner holds its lease;
 * - `stopped`: behind, and no runner holds its lease (no process runs it now);
 * - `failed`: stopped on the event of its last error, and behind;
 * - `retired`: a newer version serves.
 *
 * @since 0.1.0
 */
export type StoredState = "live" | "catching-up" | "stopped" | "failed" | "retired"

/**
 * The stored status of one consumer (a projection version, a reactor, or
 * another consumer of the checkpoints, named by its id alone).
 *
 * @since 0.1.0
 */
export interface StoredStatus {
  /** Its checkpoint's id: `name@version` for a projection, `reactor:name` for a reactor. */
  readonly id: string
  readonly name: string
  /** 0 for reactors and other consumers. */
  readonly version: number
  readonly kind: "projection" | "reactor" | "consumer"
  readonly state: StoredState
  /** An inline projection that caught up: the appends apply it in their transaction. */
  readonly inline: boolean
  /** Whether this version serves readers. */
  readonly serving: boolean
  /** The position of the last event applied (an inline projection that caught up: the head). */
  readonly position: number
  /** The log's head when read. */
  readonly head: number
  readonly lagEvents: number
  /** Age in seconds (by its `occurredAt`) of the oldest event not applied; 0 when none is. */
  readonly lagSeconds: number
  /** When its checkpoint moved last (milliseconds since the epoch, by the store's clock). */
  readonly updatedAt?: number | undefined
  /** The runner holding its lease, and until when (by the store's clock), if one does. */
  readonly runner?: { readonly holder: string; readonly until: number } | undefined
  /** The last error a runtime recorded for it. */
  readonly lastError?: ProjectionRuntime.ProjectionStatus["lastError"]
}

/**
 * The consumers to show even when the stores know nothing of them yet (never
 * run): the others come from the stores.
 *
 * @since 0.1.0
 */
export interface Options {
  readonly projections?: ReadonlyArray<Projection.Projection.Any> | undefined
  readonly reactors?: ReadonlyArray<Reactor.Reactor<never>> | undefined
}

/**
 * Reads the status of every consumer the stores know of, and of those named,
 * by name then version. It writes nothing and creates no table.
 *
 * @example
 * const statuses = yield* StoredStatus.read({ projections: [DirectoryProjection] })
 * @since 0.1.0
 */
export const read: (
  options?: Options,
) => Effect.Effect<ReadonlyArray<StoredStatus>, ReadModelError | EventStoreError, EventStore | ReadModelStore> =
  internal.read

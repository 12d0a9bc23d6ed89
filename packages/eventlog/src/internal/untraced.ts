import type { EventStore } from "../EventStore.ts"

/**
 * The typed store's operations without their own spans, for the command handler,
 * whose one span per command covers its read and its append: a span costs about
 * 6 µs (ids, clock, a context copy), a tenth of a SQLite command's own work.
 * Kept under a symbol, so that the port's shape does not change; another
 * implementation of the port simply lacks it and is called as it is.
 */
const symbol: unique symbol = Symbol.for("@cartable/eventlog/EventStore/untraced")

export type Operations = Pick<EventStore.Service, "readStream" | "append">

interface Held extends Operations {
  readonly owner: EventStore.Service
}

/**
 * Gives `service` its untraced operations: not enumerable, so that a wrapper
 * spreading the store (`{ ...store, append }`, the projection runtime's inline
 * store) does not carry them, and owned, so that a copy would not be used anyway.
 */
export const attach = <S extends EventStore.Service>(service: S, operations: Operations): S =>
  Object.defineProperty(service, symbol, {
    value: { ...operations, owner: service } satisfies Held,
    enumerable: false,
  })

/** The store's own untraced operations when it has them, else the store itself. */
export const of = (store: EventStore.Service): Operations => {
  const held = (store as EventStore.Service & { readonly [symbol]?: Held })[symbol]
  return held !== undefined && held.owner === store ? held : store
}

const rolledBack: unique symbol = Symbol.for("@cartable/eventlog/EventStore/rolledBack")

/** Gives `service` what to run when a transaction around its appends rolled back (not enumerable). */
export const attachRolledBack = <S extends EventStore.Service>(service: S, run: () => void): S =>
  Object.defineProperty(service, rolledBack, { value: run, enumerable: false })

/** Tells the store (when it is the typed store) that a transaction around its appends rolled back. */
export const notifyRolledBack = (store: EventStore.Service): void => {
  ;(store as EventStore.Service & { readonly [rolledBack]?: () => void })[rolledBack]?.()
}

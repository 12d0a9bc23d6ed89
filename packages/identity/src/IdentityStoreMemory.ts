/**
 * The in-memory {@link IdentityStore}: one process, gone with it. For tests and
 * examples; a store shared by processes is the SQL one.
 *
 * @since 0.1.0
 */
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { IdentityStore, IdentityStoreError } from "./IdentityStore.ts"

interface Entry {
  readonly value: string
  readonly expiresAt: number
}

interface Window {
  readonly count: number
  readonly openedAt: number
}

/**
 * Builds an empty in-memory store.
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<IdentityStore.Service> = Effect.sync(() => {
  const entries = new Map<string, Entry>()
  const windows = new Map<string, Window>()
  const id = (namespace: string, key: string) => `${namespace}\u0000${key}`
  const live = (namespace: string, key: string, now: DateTime.Utc) => {
    const entry = entries.get(id(namespace, key))
    return entry !== undefined && entry.expiresAt > DateTime.toEpochMillis(now) ? entry : undefined
  }
  const openWindow = (namespace: string, key: string, now: DateTime.Utc, window: Duration.DurationInput) => {
    const open = windows.get(id(namespace, key))
    return open !== undefined && DateTime.toEpochMillis(now) - open.openedAt < Duration.toMillis(window)
      ? open
      : undefined
  }
  return IdentityStore.of({
    put: (namespace, key, value, expiresAt, now) =>
      // Checked when run, not when built: an Effect built early and run late sees the store as it is then.
      Effect.suspend(() => {
        if (live(namespace, key, now) !== undefined) {
          return Effect.fail(new IdentityStoreError({ reason: "KeyTaken", message: `The ${namespace} key is taken` }))
        }
        entries.set(id(namespace, key), { value, expiresAt: DateTime.toEpochMillis(expiresAt) })
        return Effect.void
      }),
    get: (namespace, key, now) => Effect.sync(() => Option.fromNullable(live(namespace, key, now)?.value)),
    take: (namespace, key, now) =>
      Effect.sync(() => {
        // An expired entry does not exist for the take: it stays until purge, as in the SQL store.
        const entry = live(namespace, key, now)
        if (entry !== undefined) entries.delete(id(namespace, key))
        return Option.fromNullable(entry?.value)
      }),
    remove: (namespace, key) =>
      Effect.sync(() => {
        entries.delete(id(namespace, key))
      }),
    recordFailure: (namespace, key, at, window) =>
      Effect.sync(() => {
        const open = openWindow(namespace, key, at, window)
        const next =
          open === undefined ? { count: 1, openedAt: DateTime.toEpochMillis(at) } : { ...open, count: open.count + 1 }
        windows.set(id(namespace, key), next)
        return next.count
      }),
    failures: (namespace, key, now, window) => Effect.sync(() => openWindow(namespace, key, now, window)?.count ?? 0),
    clearFailures: (namespace, key) =>
      Effect.sync(() => {
        windows.delete(id(namespace, key))
      }),
    purge: (now, window) =>
      Effect.sync(() => {
        const at = DateTime.toEpochMillis(now)
        let purged = 0
        for (const [k, entry] of entries) if (entry.expiresAt <= at && entries.delete(k)) purged++
        for (const [k, open] of windows)
          if (at - open.openedAt >= Duration.toMillis(window) && windows.delete(k)) purged++
        return purged
      }),
  })
})

/**
 * The in-memory store as a layer.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<IdentityStore> = Layer.effect(IdentityStore, make)

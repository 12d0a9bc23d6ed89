/**
 * The oracle of the identity store's property: the port's JSDoc as a few lines
 * over two Maps, with times as plain milliseconds. An entry exists for an
 * operation at `now` while `now < expiresAt`; a window opened at `openedAt` is
 * open at `t` while `t - openedAt < window`.
 */

/** One operation of a drawn sequence; `ns` and `key` index the run's namespaces and keys. */
export type Op =
  | {
      readonly _tag: "put"
      readonly ns: number
      readonly key: number
      readonly value: string
      readonly expiresAt: number
      readonly now: number
    }
  | { readonly _tag: "get" | "take"; readonly ns: number; readonly key: number; readonly now: number }
  | { readonly _tag: "remove" | "clearFailures"; readonly ns: number; readonly key: number }
  | {
      readonly _tag: "recordFailure" | "failures"
      readonly ns: number
      readonly key: number
      readonly at: number
      readonly window: number
    }
  | { readonly _tag: "purge"; readonly now: number; readonly window: number }

/** What an operation returned: `KeyTaken` or `ok` for a put, the value or null, a count. */
export type Outcome = "ok" | "KeyTaken" | string | null | number

/** A model store: `apply` runs one operation on it and returns what the port's JSDoc says it returns. */
export const make = () => {
  const entries = new Map<string, { readonly value: string; readonly expiresAt: number }>()
  const windows = new Map<string, { readonly count: number; readonly openedAt: number }>()
  const id = (ns: number, key: number) => `${ns}/${key}`
  const live = (ns: number, key: number, now: number) => {
    const entry = entries.get(id(ns, key))
    return entry !== undefined && now < entry.expiresAt ? entry : undefined
  }
  const open = (ns: number, key: number, at: number, window: number) => {
    const opened = windows.get(id(ns, key))
    return opened !== undefined && at - opened.openedAt < window ? opened : undefined
  }
  const apply = (op: Op): Outcome => {
    switch (op._tag) {
      case "put":
        if (live(op.ns, op.key, op.now) !== undefined) return "KeyTaken"
        entries.set(id(op.ns, op.key), { value: op.value, expiresAt: op.expiresAt })
        return "ok"
      case "get":
        return live(op.ns, op.key, op.now)?.value ?? null
      case "take": {
        const entry = live(op.ns, op.key, op.now)
        if (entry === undefined) return null
        entries.delete(id(op.ns, op.key))
        return entry.value
      }
      case "remove":
        entries.delete(id(op.ns, op.key))
        return "ok"
      case "recordFailure": {
        const current = open(op.ns, op.key, op.at, op.window)
        const next = current === undefined ? { count: 1, openedAt: op.at } : { ...current, count: current.count + 1 }
        windows.set(id(op.ns, op.key), next)
        return next.count
      }
      case "failures":
        return open(op.ns, op.key, op.at, op.window)?.count ?? 0
      case "clearFailures":
        windows.delete(id(op.ns, op.key))
        return "ok"
      case "purge": {
        let purged = 0
        for (const [k, entry] of entries) {
          if (entry.expiresAt <= op.now) {
            entries.delete(k)
            purged++
          }
        }
        for (const [k, opened] of windows) {
          if (op.now - opened.openedAt >= op.window) {
            windows.delete(k)
            purged++
          }
        }
        return purged
      }
    }
  }
  return { apply }
}

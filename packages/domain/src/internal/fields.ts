/** The list without the items `drop` selects. */
export const without = <A>(list: ReadonlyArray<A>, drop: (a: A) => boolean): ReadonlyArray<A> =>
  list.filter((a) => !drop(a))

/**
 * The list with `item` in place of the item of the same key, or appended when
 * there is none: the one way evolve records "at most one per key" (a school, a
 * pupil's link, a provider's identity) without reordering the others.
 */
export const upsert = <A>(list: ReadonlyArray<A>, item: A, key: (a: A) => unknown): ReadonlyArray<A> => {
  const k = key(item)
  return list.some((a) => key(a) === k) ? list.map((a) => (key(a) === k ? item : a)) : [...list, item]
}

/**
 * `{ [key]: value }`, or `{}` when the value is undefined: a key holding
 * `undefined` would not survive a JSON round trip, so events keep optional keys
 * only when set.
 */
export const defined = <K extends string, A>(key: K, value: A | undefined): { readonly [k in K]?: A } =>
  (value === undefined ? {} : { [key]: value }) as { readonly [k in K]?: A }

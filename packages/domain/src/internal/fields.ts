/** The list without the items `drop` selects. */
export const without = <A>(list: ReadonlyArray<A>, drop: (a: A) => boolean): ReadonlyArray<A> =>
  list.filter((a) => !drop(a))

/**
 * `{ [key]: value }`, or `{}` when the value is undefined: a key holding
 * `undefined` would not survive a JSON round trip, so events keep optional keys
 * only when set.
 */
export const defined = <K extends string, A>(key: K, value: A | undefined): { readonly [k in K]?: A } =>
  (value === undefined ? {} : { [key]: value }) as { readonly [k in K]?: A }

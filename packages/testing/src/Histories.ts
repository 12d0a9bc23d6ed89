/**
 * Random histories of several aggregates at once: each aggregate's commands
 * keep their own order, and a list of picks decides which aggregate speaks
 * next, so that fast-check shrinks the interleaving like any other value.
 *
 * @since 0.1.0
 */

/**
 * One sequence of the queues' items, each queue's in its own order: the i-th
 * comes from the first non-empty queue at or after `picks[i % picks.length]`
 * (or the first non-empty one), with the pick that chose it.
 *
 * @example
 * interleave([["a1", "a2"], ["b1"]], [1, 0]).map(({ item }) => item) // ["b1", "a1", "a2"]
 * @since 0.1.0
 */
export const interleave = <A>(
  queues: ReadonlyArray<ReadonlyArray<A>>,
  picks: ReadonlyArray<number>,
): Array<{ readonly item: A; readonly pick: number }> => {
  const remaining = queues.map((queue) => [...queue])
  const out: Array<{ readonly item: A; readonly pick: number }> = []
  let i = 0
  while (remaining.some((queue) => queue.length > 0)) {
    const pick = picks.length === 0 ? 0 : picks[i++ % picks.length]!
    const queue =
      remaining.find((candidate, k) => k >= pick && candidate.length > 0) ??
      remaining.find((candidate) => candidate.length > 0)!
    out.push({ item: queue.shift()!, pick })
  }
  return out
}

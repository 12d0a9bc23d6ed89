/**
 * Unicode code-point order on well-formed UTF-16 strings: the order of their
 * UTF-8 bytes, which is what PostgreSQL (`COLLATE "C"`) and SQLite (`BINARY`)
 * compare. JavaScript's `<` compares UTF-16 units instead, which puts an astral
 * character (a surrogate pair, D800..DFFF) before U+E000..U+FFFF: the units differ
 * from the code points only there, so only the first differing unit is adjusted.
 */
export const compare = (a: string, b: string): number => {
  if (a === b) return 0
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return rank(x) - rank(y)
  }
  return a.length - b.length
}

// Surrogates (astral code points) move above U+FFFF, U+E000..U+FFFF below them.
const rank = (unit: number): number => (unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit)

/** Compares two (value, key) entries: by value, then by key. */
export const compareEntries = (a: readonly [string, string], b: readonly [string, string]): number =>
  compare(a[0], b[0]) || compare(a[1], b[1])

/**
 * The least string above every string starting with `prefix`, in code-point order
 * (the SQL stores bound a prefix scan with it); undefined when there is none (the
 * prefix is empty or only U+10FFFF).
 */
export const prefixEnd = (prefix: string): string | undefined => {
  const points = Array.from(prefix)
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!
    if (last < 0x10ffff) {
      const next = last === 0xd7ff ? 0xe000 : last + 1
      return points.join("") + String.fromCodePoint(next)
    }
  }
  return undefined
}

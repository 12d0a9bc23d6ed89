/**
 * The one normalisation of searchable text for every read model: lower case,
 * accents stripped (NFD, then combining marks dropped), as seed 003
 * "Rechercher un utilisateur" expects ("lae" finds "Laëtitia", "ANQ" finds
 * "Anquet"). Index values and typed prefixes both go through it, so they meet.
 *
 * @since 0.1.0
 */
import * as Text from "@cartable/kernel/Text"

/**
 * The search key of a text: NFD, combining marks removed, lower case, inner
 * white space collapsed to one space, trimmed. "Œ" and "Æ" are spelt "oe" and
 * "ae" (they do not decompose, and a French user types them so).
 *
 * @since 0.1.0
 */
export const searchKey = (text: string): string => Text.plain(text).replace(/\s+/gu, " ").trim()

/**
 * The keys a name is found under by its first letters: the whole name and each
 * of its words (split on spaces, hyphens and apostrophes), so that "Jean-Pierre"
 * is found by "jea" and by "pie", and "d'Alembert" by "ale".
 *
 * @since 0.1.0
 */
export const nameKeys = (name: string): ReadonlyArray<string> => {
  const whole = searchKey(name)
  if (whole === "") return []
  const words = whole.split(/[\s\-'’]+/u).filter((word) => word !== "")
  return [...new Set([whole, ...words])]
}

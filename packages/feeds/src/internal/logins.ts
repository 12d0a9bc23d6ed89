/**
 * Logins of new feed accounts: `firstname.lastname`, lowercase, accents
 * removed, then `firstname.lastname2`, `3`, ... while the one before is held
 * (BR-ACC-10: logins and aliases are one namespace).
 */
import * as Text from "@cartable/kernel/Text"

/** One dot-separated part of a login: lowercase letters, digits and hyphens. */
const part = (name: string): string =>
  Text.plain(name)
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")

/** The login a person's names give, at most 60 characters, leaving room for a number. */
export const base = (firstName: string, lastName: string): string => {
  const given = part(firstName).slice(0, 29).replace(/-+$/, "")
  // A login starts with a letter.
  const lead = /^[a-z]/.test(given) ? given : `x${given}`.slice(0, 29)
  const family = part(lastName).slice(0, 30).replace(/-+$/, "") || "x"
  return `${lead}.${family}`
}

/** The n-th candidate: the base, then the base with 2, 3, ... */
export const candidate = (login: string, n: number): string => (n === 1 ? login : `${login}${n}`)

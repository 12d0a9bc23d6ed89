/**
 * Bounded text: the one character rule and the maximum lengths of every text
 * field of the domain's commands and events, defined once. Lengths count UTF-16
 * code units (JavaScript's `length`), so a limit of n stores in at most 3n bytes
 * of UTF-8. A value over its limit is refused by the Schema with a message naming
 * the limit, never echoing the value (docs/events.md, "Text limits").
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * The maximum lengths, in UTF-16 code units:
 * - `id`: every id of `Ids` (128);
 * - `name`: a person's first or last name (100);
 * - `email`: an e-mail address (320, RFC 5321's 64 + 1 + 255);
 * - `shortText`: a label, a structure's or group's name, a phone number, a provider, an external id (200);
 * - `comment`: a report's comment (2,000, decision);
 * - `contentId`: the id of reported content, from another application (256);
 * - `code`: an activation or renewal code as typed at login (64; issued codes are 8);
 * - `password`: a password as typed (256), so that hashing stays cheap;
 * - `freeText`: free text written by a person, such as a session's content (200,000, a few hundred KB).
 *
 * @since 0.1.0
 */
export const limits = {
  id: 128,
  name: 100,
  email: 320,
  shortText: 200,
  comment: 2_000,
  contentId: 256,
  code: 64,
  password: 256,
  freeText: 200_000,
} as const

/**
 * What each limit bounds and its character rule, for the generated docs (docs/events.md).
 *
 * @since 0.1.0
 */
export const limitUses: { readonly [K in keyof typeof limits]: string } = {
  id: "every id (`AccountId`, `StructureId`, ...); one line, trimmed",
  name: "a person's first or last name (`Name`); one line, trimmed",
  email: "an e-mail address (`Email`); one line, trimmed",
  shortText: "labels, structure and group names, phone numbers, providers, feed ids (`ShortText`); one line, trimmed",
  comment: "a report's comment (`Comment`); free text, trimmed (decision)",
  contentId: "the id of reported content, kept by another application (`ContentId`); one line, trimmed",
  code: "an activation or renewal code as typed in a command; one line",
  password: "a password as typed in a command (never stored); free text",
  freeText: "free text written by a person, e.g. a session's content and homework (`FreeText`); free text",
}

interface WellFormed {
  readonly isWellFormed: () => boolean
}

/**
 * Whether a string is well-formed UTF-16 (no lone surrogate). A lone surrogate
 * has no UTF-8 form: a database would store something else than was given.
 *
 * @since 0.1.0
 */
export const isWellFormed = (text: string): boolean => (text as unknown as WellFormed).isWellFormed()

// Control characters (C0, DEL, C1), lone surrogates, line and paragraph separators.
const notOnOneLine = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]/u

/**
 * The character rule of ids, stream names and one-line fields: well-formed, with
 * no control character (newlines, tabs, NUL), nor U+2028 / U+2029 line separators.
 *
 * @since 0.1.0
 */
export const isOneLine = (text: string): boolean => !notOnOneLine.test(text)

/**
 * Whether a string is non-empty and has no leading or trailing white space.
 *
 * @since 0.1.0
 */
export const isTrimmed = (text: string): boolean => text.length > 0 && text.trim() === text

// The length is checked first: the other checks never run over a value that is already too long.
const bounded = (maxLength: number, what: string) =>
  Schema.String.pipe(Schema.maxLength(maxLength, { message: () => `${what} is at most ${maxLength} characters` }))

/**
 * One line of text of at most `maxLength` characters, possibly empty or padded:
 * raw input that `decide` trims (an e-mail address as typed).
 *
 * @since 0.1.0
 */
export const line = (maxLength: number, what: string) =>
  bounded(maxLength, what).pipe(
    Schema.filter(isOneLine, {
      message: () => `${what} is one line of text: no control character, line separator or lone surrogate`,
    }),
  )

/**
 * One non-empty line of at most `maxLength` characters, without surrounding spaces:
 * names, labels and ids.
 *
 * @since 0.1.0
 */
export const trimmedLine = (maxLength: number, what: string) =>
  line(maxLength, what).pipe(
    Schema.filter(isTrimmed, { message: () => `${what} is not empty and has no leading or trailing spaces` }),
  )

/**
 * Text of at most `maxLength` characters, on several lines if need be, possibly
 * empty; only well-formed UTF-16 is refused.
 *
 * @since 0.1.0
 */
export const text = (maxLength: number, what: string) =>
  bounded(maxLength, what).pipe(
    Schema.filter(isWellFormed, { message: () => `${what} is not well-formed text (a lone surrogate)` }),
  )

/**
 * Non-empty text of at most `maxLength` characters, without surrounding spaces.
 *
 * @since 0.1.0
 */
export const trimmedText = (maxLength: number, what: string) =>
  text(maxLength, what).pipe(
    Schema.filter(isTrimmed, { message: () => `${what} is not empty and has no leading or trailing spaces` }),
  )

/**
 * A person's first or last name: one line, 1 to 100 characters.
 *
 * @since 0.1.0
 */
export const Name = trimmedLine(limits.name, "a name").annotations({
  identifier: "Name",
  description: `One line of 1 to ${limits.name} characters`,
})

/**
 * An e-mail address: one line, 1 to 320 characters (its form is checked by `decide`, BR-ACC-3).
 *
 * @since 0.1.0
 */
export const Email = trimmedLine(limits.email, "an e-mail address").annotations({
  identifier: "Email",
  description: `One line of 1 to ${limits.email} characters`,
})

/**
 * A short label: a structure's or group's name, a phone number, a provider, an external id.
 *
 * @since 0.1.0
 */
export const ShortText = trimmedLine(limits.shortText, "a short text").annotations({
  identifier: "ShortText",
  description: `One line of 1 to ${limits.shortText} characters`,
})

/**
 * Free text written by a person, such as a session's content: at most 200,000
 * characters, any line breaks. A distribution wanting a lower bound decodes its
 * input with `Text.text(n, what)` first (docs/domain.md, "Text limits").
 *
 * @since 0.1.0
 */
export const FreeText = text(limits.freeText, "a text").annotations({
  identifier: "FreeText",
  description: `Text of at most ${limits.freeText.toLocaleString("en")} characters`,
})

/** Letters NFD does not decompose, as a French user types them without their marks. */
const unmarked: ReadonlyArray<readonly [RegExp, string]> = [
  [/œ/g, "oe"],
  [/æ/g, "ae"],
  [/ß/g, "ss"],
  [/ø/g, "o"],
  [/ł/g, "l"],
  [/đ/g, "d"],
]

/**
 * A text in plain lower-case letters: NFD, combining marks removed, lower case,
 * "œ", "æ", "ß", "ø", "ł" and "đ" spelt "oe", "ae", "ss", "o", "l" and "d" (they
 * do not decompose). The one folding of names for searches and for the logins
 * built from them.
 *
 * @example
 * Text.plain("Laëtitia CŒUR") // "laetitia coeur"
 * @since 0.1.0
 */
export const plain = (text: string): string =>
  unmarked.reduce(
    (folded, [letter, spelt]) => folded.replace(letter, spelt),
    text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase(),
  )

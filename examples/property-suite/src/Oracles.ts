/**
 * The rules as a third party reads them in DOMAIN.md, written without the
 * library's code: each property compares what the library decides with these.
 *
 * @since 0.1.0
 */

/**
 * BR-ACC-1: the profiles the directory feeds bring, never created by hand.
 *
 * @since 0.1.0
 */
export const feedProfiles: ReadonlySet<string> = new Set(["Student", "Relative", "Teacher"])

/**
 * BR-ACC-2: a code is 8 lowercase letters and digits, without the look-alikes
 * 0/o and 1/l, since it is printed on paper.
 *
 * @since 0.1.0
 */
export const isPrintableCode = (code: string): boolean => /^[a-z0-9]{8}$/.test(code) && !/[0o1l]/.test(code)

/**
 * BR-ACC-3: the default policy: at least 6 characters, a lowercase letter, an
 * uppercase letter, and a digit or a special character; from what the
 * password is made of, not from the string.
 *
 * @since 0.1.0
 */
export const meetsDefaultPolicy = (made: {
  readonly length: number
  readonly classes: ReadonlySet<"lowercase" | "uppercase" | "digit" | "special">
}): boolean =>
  made.length >= 6 &&
  made.classes.has("lowercase") &&
  made.classes.has("uppercase") &&
  (made.classes.has("digit") || made.classes.has("special"))

/**
 * BR-CDT-3: a visa's period holds a day when the day lies in it, both ends included.
 *
 * @since 0.1.0
 */
export const within = (period: { readonly from: string; readonly to: string }, day: string): boolean =>
  period.from <= day && day <= period.to

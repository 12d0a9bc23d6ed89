/**
 * Logins, activation and renewal codes, and the password policy (BR-ACC-2,
 * BR-ACC-3, BR-ACC-10). Pure: codes are drawn by the caller from a CSPRNG and
 * passed in commands; {@link codeFromBytes} turns the random bytes into a code.
 *
 * @since 0.1.0
 */
import type * as Brand from "effect/Brand"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/**
 * The code alphabet: lowercase letters and digits without look-alikes (no 0/o,
 * no 1/l/i), since codes are printed on paper (BR-ACC-2, decision).
 *
 * @since 0.1.0
 */
export const CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

/** The length of activation and renewal codes (BR-ACC-2). @since 0.1.0 */
export const CODE_LENGTH = 8

const codePattern = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`)

/** @since 0.1.0 */
export type OneTimeCode = string & Brand.Brand<"OneTimeCode">

/**
 * A one-time code: activation (BR-ACC-2) or password renewal (BR-ACC-5).
 *
 * @since 0.1.0
 */
export const OneTimeCode: Schema.brand<Schema.filter<typeof Schema.String>, "OneTimeCode"> = Schema.String.pipe(
  Schema.pattern(codePattern, {
    message: () => `a code is ${CODE_LENGTH} characters among "${CODE_ALPHABET}"`,
  }),
  Schema.brand("OneTimeCode"),
  Schema.annotations({
    identifier: "OneTimeCode",
    description: "8 lowercase letters and digits without look-alikes, e.g. 3n6g8fmj",
    arbitrary: () => (fc) =>
      fc
        .array(fc.constantFrom(...CODE_ALPHABET), { minLength: CODE_LENGTH, maxLength: CODE_LENGTH })
        .map((chars) => chars.join("") as OneTimeCode),
  }),
)

/**
 * Turns random bytes (from a CSPRNG) into a code, without modulo bias: bytes
 * that would bias the draw are skipped. `None` when the bytes run out first;
 * 16 bytes fail with a probability below 1e-9.
 *
 * @example
 * Credentials.codeFromBytes(crypto.getRandomValues(new Uint8Array(16)))
 * @since 0.1.0
 */
export const codeFromBytes = (bytes: Uint8Array): Option.Option<OneTimeCode> => {
  const n = CODE_ALPHABET.length
  const limit = 256 - (256 % n)
  let code = ""
  for (const byte of bytes) {
    if (byte >= limit) continue
    code += CODE_ALPHABET[byte % n]
    if (code.length === CODE_LENGTH) return Option.some(code as OneTimeCode)
  }
  return Option.none()
}

const FIRST_NAMES = [
  "marie",
  "lucas",
  "lea",
  "hugo",
  "chloe",
  "nathan",
  "ines",
  "louis",
  "camille",
  "jules",
  "zoe",
  "adam",
]
const LAST_NAMES = ["martin", "bernard", "dubois", "thomas", "robert", "richard", "petit", "durand", "leroy", "moreau"]

/** @since 0.1.0 */
export type Login = string & Brand.Brand<"Login">

/**
 * A login or login alias: `firstname.lastname` style, lowercase, optionally
 * numbered (`marie.a`, `lucas.martin2`) (BR-ACC-10).
 *
 * @since 0.1.0
 */
export const Login: Schema.brand<Schema.filter<Schema.filter<typeof Schema.String>>, "Login"> = Schema.String.pipe(
  // The length first: the pattern never runs over a value that is already too long.
  Schema.maxLength(64, { message: () => "a login is at most 64 characters" }),
  Schema.pattern(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/, {
    message: () => "a login is lowercase letters, digits and hyphens in dot-separated parts, e.g. marie.a",
  }),
  Schema.brand("Login"),
  Schema.annotations({
    identifier: "Login",
    arbitrary: () => (fc) =>
      fc
        .tuple(fc.constantFrom(...FIRST_NAMES), fc.constantFrom(...LAST_NAMES), fc.nat({ max: 99 }))
        .map(([first, last, n]) => `${first}.${last}${n === 0 ? "" : n}` as Login),
  }),
)

/**
 * A password policy. The default is BR-ACC-3's: at least 6 characters with a
 * lowercase letter, an uppercase letter, and a digit or a special character.
 * A distribution may configure a stricter one.
 *
 * @since 0.1.0
 */
export interface PasswordPolicy {
  readonly minLength: number
  readonly requireLowercase: boolean
  readonly requireUppercase: boolean
  readonly requireDigitOrSpecial: boolean
}

/** BR-ACC-3's default policy. @since 0.1.0 */
export const defaultPasswordPolicy: PasswordPolicy = {
  minLength: 6,
  requireLowercase: true,
  requireUppercase: true,
  requireDigitOrSpecial: true,
}

/**
 * What a password lacks to meet a policy; empty when it meets it.
 *
 * @since 0.1.0
 */
export const passwordViolations = (policy: PasswordPolicy, password: string): ReadonlyArray<string> => {
  const violations: Array<string> = []
  if ([...password].length < policy.minLength) violations.push(`at least ${policy.minLength} characters`)
  if (policy.requireLowercase && !/\p{Ll}/u.test(password)) violations.push("a lowercase letter")
  if (policy.requireUppercase && !/\p{Lu}/u.test(password)) violations.push("an uppercase letter")
  if (policy.requireDigitOrSpecial && !/[^\p{L}]/u.test(password)) violations.push("a digit or a special character")
  return violations
}

/** @since 0.1.0 */
export type PasswordHash = string & Brand.Brand<"PasswordHash">

/**
 * A password hash in the PHC string format (`$argon2id$v=19$m=...`, `$scrypt$...`):
 * what the identity adapters compute; the domain records it, never a password
 * (BR-ACC-4). Personal data of the holder: encrypted under his key in the log and
 * erased with him (docs/erasure.md).
 *
 * @since 0.1.0
 */
export const PasswordHash: Schema.brand<
  Schema.filter<Schema.filter<Schema.filter<typeof Schema.String>>>,
  "PasswordHash"
> = Schema.String.pipe(
  Schema.minLength(16, { message: () => "a password hash is at least 16 characters" }),
  Schema.maxLength(512, { message: () => "a password hash is at most 512 characters" }),
  Schema.pattern(/^\$[a-z0-9-]+\$[\x21-\x7e]+$/, {
    message: () => "a password hash is a PHC string, e.g. $argon2id$v=19$m=19456,t=2,p=1$...",
  }),
  Schema.brand("PasswordHash"),
  Schema.annotations({
    identifier: "PasswordHash",
    arbitrary: () => (fc) =>
      fc
        .constantFrom("c2FsdHNhbHQ", "cGVwcGVyMTI", "bm9uY2Vub24")
        .map((salt) => `$argon2id$v=19$m=19456,t=2,p=1$${salt}$aGFzaGhhc2hoYXNo` as PasswordHash),
  }),
)

/** @since 0.1.0 */
export type TokenDigest = string & Brand.Brand<"TokenDigest">

/**
 * The SHA-256 digest, base64url without padding, of a recovery token (BR-ACC-4):
 * the token goes by e-mail, the log keeps only its digest.
 *
 * @since 0.1.0
 */
export const TokenDigest: Schema.brand<Schema.filter<typeof Schema.String>, "TokenDigest"> = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9_-]{43}$/, { message: () => "a token digest is 43 base64url characters" }),
  Schema.brand("TokenDigest"),
  Schema.annotations({
    identifier: "TokenDigest",
    arbitrary: () => (fc) =>
      fc.constantFrom("A".repeat(43), "b".repeat(42) + "c", "_".repeat(43)).map((d) => d as TokenDigest),
  }),
)

/**
 * Codes and the password policy (Credentials.ts), with oracles written from
 * DOMAIN.md BR-ACC-2 and BR-ACC-3.
 */
import * as Credentials from "@cartable/domain/Credentials"
import * as AccountArbitraries from "@cartable/testing/AccountArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

// BR-ACC-2: lowercase letters and digits, without look-alikes: no 0/o, no 1/l (and no i, a 1/l look-alike: decision).
const lookAlikes = ["0", "o", "1", "l", "i"]
const expectedAlphabet = [..."abcdefghijklmnopqrstuvwxyz0123456789"].filter((c) => !lookAlikes.includes(c))

const bytesOf = (...bytes: ReadonlyArray<number>) => Uint8Array.from(bytes)
const eightTimes = (byte: number) => bytesOf(...Array<number>(8).fill(byte))

describe("Credentials", () => {
  it("BR-ACC-2 the code alphabet is the 31 lowercase letters and digits without look-alikes, codes have 8", () => {
    assert.deepStrictEqual([...Credentials.CODE_ALPHABET].sort(), [...expectedAlphabet].sort())
    assert.strictEqual(new Set(Credentials.CODE_ALPHABET).size, Credentials.CODE_ALPHABET.length)
    assert.strictEqual(Credentials.CODE_LENGTH, 8)
  })

  it.prop(
    "BR-ACC-2 a code is exactly 8 characters of the alphabet; anything else is refused with the rule's message",
    [
      FastCheck.integer({ min: 6, max: 10 }).chain((length) =>
        FastCheck.array(FastCheck.constantFrom(...expectedAlphabet, ...lookAlikes, "A", "Z", "-", "é"), {
          minLength: length,
          maxLength: length,
        }),
      ),
    ],
    ([chars]) => {
      const candidate = chars.join("")
      const valid = chars.length === 8 && chars.every((c) => expectedAlphabet.includes(c))
      const decoded = Schema.decodeUnknownEither(Credentials.OneTimeCode)(candidate)
      assert.strictEqual(Either.isRight(decoded), valid, candidate)
      if (Either.isLeft(decoded)) {
        assert.include(String(decoded.left), 'a code is 8 characters among "abcdefghjkmnpqrstuvwxyz23456789"')
      }
    },
  )

  it("BR-ACC-2 codeFromBytes reaches every character of the alphabet equally often: no modulo bias", () => {
    const counts = new Map<string, number>()
    let skipped = 0
    for (let byte = 0; byte < 256; byte++) {
      const code = Credentials.codeFromBytes(eightTimes(byte))
      if (Option.isNone(code)) {
        skipped++
        continue
      }
      const [char, ...rest] = code.value
      assert.ok(
        rest.every((c) => c === char),
        "one byte value gives one character",
      )
      counts.set(char!, (counts.get(char!) ?? 0) + 1)
    }
    // 256 = 31 × 8 + 8: the 8 byte values above 247 would favour some characters, so they are skipped.
    assert.strictEqual(skipped, 8)
    assert.deepStrictEqual([...counts.keys()].sort(), [...expectedAlphabet].sort())
    assert.ok([...counts.values()].every((n) => n === 8))
  })

  it.prop(
    "BR-ACC-2 codeFromBytes skips biased bytes, keeps the order of the others, and needs 8 of them",
    [FastCheck.uint8Array({ minLength: 0, maxLength: 24 })],
    ([bytes]) => {
      const usable = [...bytes].filter((byte) => byte < 248)
      const code = Credentials.codeFromBytes(bytes)
      if (usable.length < 8) {
        assert.ok(Option.isNone(code))
        return
      }
      assert.ok(Option.isSome(code))
      assert.ok(Schema.is(Credentials.OneTimeCode)(code.value))
      const perByte = usable
        .slice(0, 8)
        .map((byte) => Option.getOrThrow(Credentials.codeFromBytes(eightTimes(byte)))[0])
      assert.strictEqual(code.value, perByte.join(""))
    },
  )

  it("BR-ACC-2 sixteen random bytes give a code, as the documentation promises", () => {
    for (let i = 0; i < 200; i++) {
      assert.ok(Option.isSome(Credentials.codeFromBytes(crypto.getRandomValues(new Uint8Array(16)))))
    }
  })

  it.prop(
    "BR-ACC-3 a password meets a policy exactly when it has the length and classes it asks, and is told what it lacks",
    [
      AccountArbitraries.passwordCandidate,
      FastCheck.oneof(
        FastCheck.constant(Credentials.defaultPasswordPolicy),
        FastCheck.record({
          minLength: FastCheck.integer({ min: 1, max: 10 }),
          requireLowercase: FastCheck.boolean(),
          requireUppercase: FastCheck.boolean(),
          requireDigitOrSpecial: FastCheck.boolean(),
        }),
      ),
    ],
    ([candidate, policy]) => {
      const { classes } = candidate
      const expected = [
        ...(candidate.length < policy.minLength ? [`at least ${policy.minLength} characters`] : []),
        ...(policy.requireLowercase && !classes.has("lowercase") ? ["a lowercase letter"] : []),
        ...(policy.requireUppercase && !classes.has("uppercase") ? ["an uppercase letter"] : []),
        ...(policy.requireDigitOrSpecial && !classes.has("digit") && !classes.has("special")
          ? ["a digit or a special character"]
          : []),
      ]
      assert.deepStrictEqual(Credentials.passwordViolations(policy, candidate.password), expected)
    },
  )

  it("BR-ACC-3 the default policy is the seed's: 6 characters, a lowercase, an uppercase, a digit or a special", () => {
    assert.deepStrictEqual(Credentials.defaultPasswordPolicy, {
      minLength: 6,
      requireLowercase: true,
      requireUppercase: true,
      requireDigitOrSpecial: true,
    })
    assert.deepStrictEqual(Credentials.passwordViolations(Credentials.defaultPasswordPolicy, "Secre1"), [])
    assert.deepStrictEqual(Credentials.passwordViolations(Credentials.defaultPasswordPolicy, "Secr1"), [
      "at least 6 characters",
    ])
    // Five characters, six UTF-16 units: characters are counted, not units.
    assert.deepStrictEqual(Credentials.passwordViolations(Credentials.defaultPasswordPolicy, "Sec😀r"), [
      "at least 6 characters",
    ])
  })

  it("BR-ACC-10 a login is lowercase dot-separated parts (marie.a), of at most 64 characters", () => {
    const verdicts: ReadonlyArray<readonly [string, boolean]> = [
      ["marie.a", true],
      ["lucas.martin2", true],
      ["jean-paul.dupont", true],
      ["laou.anquet", true],
      [`a.${"b".repeat(62)}`, true],
      [`a.${"b".repeat(63)}`, false],
      ["Marie.a", false],
      [".marie", false],
      ["marie.", false],
      ["marie..a", false],
      ["2marie", false],
      ["marie a", false],
      ["marie_a", false],
      ["", false],
      ["[erased]", false],
    ]
    for (const [login, valid] of verdicts) assert.strictEqual(Schema.is(Credentials.Login)(login), valid, login)
  })
})

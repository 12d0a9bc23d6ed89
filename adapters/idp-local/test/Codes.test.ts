import * as Credentials from "@cartable/domain/Credentials"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Codes from "../src/Codes.ts"

describe("Codes", () => {
  it.effect(
    "BR-ACC-2 draws codes of 8 characters without look-alikes, every character of the alphabet used, none repeated",
    () =>
      Effect.gen(function* () {
        const drawn = yield* Effect.all(Array.from({ length: 2_000 }, () => Codes.generate))
        // From DOMAIN.md BR-ACC-2: 8 lowercase letters and digits, no 0/o, no 1/l/i.
        for (const code of drawn) assert.match(code, /^[a-hj-km-np-z2-9]{8}$/)
        for (const code of drawn) assert.isTrue(Schema.is(Credentials.OneTimeCode)(code))
        assert.strictEqual(new Set(drawn).size, drawn.length)
        const seen = new Set(drawn.join(""))
        assert.strictEqual(seen.size, Credentials.CODE_ALPHABET.length)
      }),
  )
})

import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { ExternalIdentity } from "../src/ExternalIdentity.ts"

describe("ExternalIdentity", () => {
  const decode = Schema.decodeUnknownEither(ExternalIdentity)

  it("decodes a provider's multi-valued attributes as released", () => {
    const identity = decode({ provider: "academy-cas", subject: "u-1", attributes: { groups: ["a", "b"], mail: [] } })
    assert.isTrue(Either.isRight(identity))
  })

  it("never takes an attribute named __proto__, which would become the record's prototype", () => {
    const hostile = JSON.parse('{"provider":"x","subject":"y","attributes":{"__proto__":["polluted"],"a":["b"]}}')
    const decoded = Either.getOrThrow(decode(hostile))
    assert.deepStrictEqual(Object.keys(decoded.attributes), ["a"])
    assert.strictEqual(Object.getPrototypeOf(decoded.attributes), Object.prototype)
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(ExternalIdentity, { onExcessProperty: "error" })(hostile)))
    assert.isTrue(Either.isLeft(decode({ provider: " ", subject: "y", attributes: {} })))
  })
})

// The logins of new feed accounts (BR-ACC-10): firstname.lastname in the Login format, numbered while taken.
import * as Credentials from "@cartable/domain/Credentials"
import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as Logins from "../src/internal/logins.ts"

describe("the logins of new feed accounts", () => {
  it("are the names in plain letters, hyphens for the rest, numbered from 2", () => {
    assert.strictEqual(Logins.base("Élodie", "N'Diaye"), "elodie.n-diaye")
    assert.strictEqual(Logins.base("Jean-Pierre", "CŒUR DE LION"), "jean-pierre.coeur-de-lion")
    assert.strictEqual(Logins.base("Thành", "NGUYỄN"), "thanh.nguyen")
    assert.strictEqual(Logins.base("2Pac", "Ærø"), "x2pac.aero")
    assert.strictEqual(Logins.candidate("marie.a", 1), "marie.a")
    assert.strictEqual(Logins.candidate("marie.a", 3), "marie.a3")
  })

  it.prop(
    "are always logins the domain takes, whatever the names",
    [FastCheck.string(), FastCheck.string(), FastCheck.integer({ min: 1, max: 9999 })],
    ([first, last, n]) => {
      const login = Logins.candidate(Logins.base(first, last), n)
      assert.isTrue(Schema.is(Credentials.Login)(login), login)
    },
  )
})

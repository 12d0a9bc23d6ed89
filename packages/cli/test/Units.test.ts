import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Output from "../src/Output.ts"
import * as Progress from "../src/Progress.ts"
import * as Store from "../src/Store.ts"

describe("the progress line", () => {
  it("shows the share done, the counts, the rate and the time left, then the time taken", () => {
    // 2,500 of 10,000 in 2 s: 1,250 a second, 7,500 left, 6 s to go.
    assert.strictEqual(
      Progress.line("directory v1", { done: 2500, total: 10_000, elapsedMillis: 2000 }, "events", false),
      "directory v1 [#######.....................]   25%  2,500/10,000 events  1,250 events/s  ETA 6s",
    )
    assert.strictEqual(
      Progress.line("directory v1", { done: 10_000, total: 10_000, elapsedMillis: 125_000 }, "events", true),
      "directory v1 [############################]  100%  10,000/10,000 events  80 events/s  done in 2m 5s",
    )
    // Nothing done yet: no rate to tell a time from; an empty log is done at once.
    assert.match(Progress.line("x", { done: 0, total: 10, elapsedMillis: 0 }, "events", false), /0 events\/s {2}ETA -$/)
    assert.match(Progress.line("x", { done: 0, total: 0, elapsedMillis: 0 }, "events", true), /100% {2}0\/0 events/)
  })

  it("durations read as a person says them", () => {
    assert.deepStrictEqual([0.4, 59, 61, 3599, 3600 * 2 + 5 * 60, 86_400 * 3 + 3600 * 4].map(Output.duration), [
      "0s",
      "59s",
      "1m 1s",
      "59m 59s",
      "2h 5m",
      "3d 4h",
    ])
  })
})

describe("store addresses", () => {
  it("sqlite:FILE, postgres:URL and a bare PostgreSQL URL; anything else names what is wrong", () => {
    assert.deepStrictEqual(
      Store.parse("sqlite:data/school.db"),
      Either.right({ _tag: "Sqlite", filename: "data/school.db" }),
    )
    assert.deepStrictEqual(
      Store.parse("postgres:postgres://cartable@db:5432/ent"),
      Either.right({ _tag: "Postgres", url: "postgres://cartable@db:5432/ent" }),
    )
    assert.deepStrictEqual(
      Store.parse("postgresql://cartable@db/ent"),
      Either.right({ _tag: "Postgres", url: "postgresql://cartable@db/ent" }),
    )
    const reasons = ["sqlite:", "postgres:not a url", "postgres:http://db/ent", "mysql://db/ent", "cartable.db"].map(
      (value) => Either.getLeft(Store.parse(value)).pipe((left) => (left._tag === "Some" ? left.value.reason : "none")),
    )
    assert.deepStrictEqual(reasons, ["StoreAddress", "StoreAddress", "StoreAddress", "StoreAddress", "StoreAddress"])
    // A password never reaches a message.
    const left = Either.getLeft(Store.parse("postgres:postgres://cartable:s3cret@/ent"))
    assert.isTrue(left._tag === "Some" && !left.value.message.includes("s3cret"))
    assert.strictEqual(
      Store.describe({ _tag: "Postgres", url: "postgres://u:s3cret@db/ent" }),
      "postgres:postgres://u:***@db/ent",
    )
  })
})

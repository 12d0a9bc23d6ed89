/**
 * A failing database gives `IdentityStoreError` "Unavailable" with the driver's
 * message, and never the keys or values of the statement.
 */
import { IdentityStore } from "@cartable/identity/IdentityStore"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"

const now = DateTime.unsafeMake("2026-09-01T08:00:00Z")

/** Drops the store's tables under it (run it on a database of its own), then calls every operation. */
export const scenario = Effect.gen(function* () {
  const store = yield* IdentityStore
  const sql = yield* SqlClient.SqlClient
  yield* sql`DROP TABLE cartable_identity_entries`
  yield* sql`DROP TABLE cartable_identity_failures`
  const secret = "secret-value-7f3a"
  const key = "secret-key-91bc"
  const calls = [
    store.put("ns", key, secret, DateTime.add(now, { hours: 1 }), now),
    store.get("ns", key, now),
    store.take("ns", key, now),
    store.remove("ns", key),
    store.recordFailure("ns", key, now, "1 minute"),
    store.failures("ns", key, now, "1 minute"),
    store.clearFailures("ns", key),
    store.purge(now, "1 minute"),
  ]
  for (const call of calls) {
    const error = yield* Effect.flip(call)
    assert.strictEqual(error.reason, "Unavailable", error.message)
    // The database's own words: SQLite's "no such table", PostgreSQL's "does not exist".
    assert.match(error.message, /no such table|does not exist/)
    assert.notInclude(error.message, secret)
    assert.notInclude(error.message, key)
  }
})

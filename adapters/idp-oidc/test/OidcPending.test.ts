/**
 * What a begun sign-in leaves in the IdentityStore, and for how long (on the
 * TestClock: the pending entry's expiry is read from the Clock).
 */
import { createHash } from "node:crypto"
import { IdentityStore } from "@cartable/identity/IdentityStore"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as RelyingParty from "./fixtures/RelyingParty.ts"

describe("OidcProvider's pending sign-ins", () => {
  it.scoped("are stored under a digest of the state, never the state, and expire after 10 minutes", () =>
    Effect.gen(function* () {
      const store = yield* IdentityStore
      const provider = yield* RelyingParty.relyingParty()
      const at = DateTime.unsafeMake(0)
      const { url } = yield* provider.begin({ returnTo: "/agenda" })
      const state = RelyingParty.param(url, "state")
      const key = createHash("sha256").update(`EduConnect\u0000${state}`).digest("base64url")
      assert.isTrue(Option.isNone(yield* store.get("oidc-pending", state, at)))
      const stored = yield* store.get("oidc-pending", key, at)
      assert.isTrue(Option.isSome(stored))
      const value = Option.getOrThrow(stored)
      assert.notInclude(value, state)
      assert.include(value, "/agenda")
      // The verifier is kept, the challenge sent: the URL does not carry what the store holds.
      assert.notInclude(url, JSON.parse(value).v)
      const justBefore = DateTime.addDuration(at, Duration.millis(10 * 60_000 - 1))
      assert.isTrue(Option.isSome(yield* store.get("oidc-pending", key, justBefore)))
      const atExpiry = DateTime.addDuration(at, Duration.minutes(10))
      assert.isTrue(Option.isNone(yield* store.get("oidc-pending", key, atExpiry)))
    }).pipe(Effect.provide(RelyingParty.layer)),
  )

  it.scoped("a callback after the pending sign-in expired is refused as Replayed", () =>
    Effect.gen(function* () {
      const provider = yield* RelyingParty.relyingParty({ pendingTtl: Duration.minutes(2) })
      const url = yield* RelyingParty.signIn(provider, "pupil-lea")
      yield* TestClock.adjust(Duration.minutes(2))
      const error = yield* Effect.flip(provider.complete({ url }))
      assert.strictEqual(error.reason, "Replayed")
    }).pipe(Effect.provide(RelyingParty.layer)),
  )
})

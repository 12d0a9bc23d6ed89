/**
 * The IdentityProvider conformance suite on the OpenID Connect relying party,
 * against a real oidc-provider on 127.0.0.1: each valid credential goes through
 * `begin` and the provider's login.
 */
import * as IdentityProviderConformance from "@cartable/testing/IdentityProviderConformance"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import type { OidcCallback } from "../src/OidcProvider.ts"
import * as RelyingParty from "./fixtures/RelyingParty.ts"
import { REDIRECT_URI } from "./fixtures/TestOpenIdProvider.ts"

const subjects = ["pupil-lea", "parent-omar", "stranger-zoe"] as const

const query = FastCheck.dictionary(FastCheck.string({ maxLength: 40 }), FastCheck.string({ maxLength: 80 }), {
  maxKeys: 6,
}).map((params) => new URLSearchParams(params).toString())

/** Callback URLs a hostile browser may bring: junk, random queries, huge or doubled values, other hosts. */
const hostile: FastCheck.Arbitrary<OidcCallback> = FastCheck.oneof(
  FastCheck.string({ maxLength: 200 }),
  query.map((search) => `${REDIRECT_URI}?${search}`),
  FastCheck.tuple(FastCheck.string({ minLength: 1, maxLength: 60 }), FastCheck.string({ maxLength: 60 })).map(
    ([state, code]) => `${REDIRECT_URI}?${new URLSearchParams({ state, code, iss: "http://127.0.0.1:1" })}`,
  ),
  FastCheck.integer({ min: 600, max: 20_000 }).map((size) => `${REDIRECT_URI}?code=x&state=${"s".repeat(size)}`),
  FastCheck.constantFrom(
    `${REDIRECT_URI}?state=a&state=b&code=c`,
    `${REDIRECT_URI}?code=c`,
    `${REDIRECT_URI}?error=access_denied&state=`,
    `${REDIRECT_URI}#code=c&state=s`,
    `${REDIRECT_URI}?code=${"c".repeat(9_000)}&state=s`,
  ),
  FastCheck.tuple(FastCheck.webUrl(), query).map(([url, search]) => `${url.split(/[?#]/)[0]}?${search}`),
).map((url) => ({ url }))

IdentityProviderConformance.suite(
  "OpenID Connect",
  Effect.gen(function* () {
    const provider = yield* RelyingParty.relyingParty()
    let signIns = 0
    return {
      provider,
      valid: Effect.gen(function* () {
        const subject = subjects[signIns++ % subjects.length] ?? "pupil-lea"
        return { credential: { url: yield* RelyingParty.signIn(provider, subject) }, subject }
      }),
      refused: RelyingParty.refusedCases(provider),
      hostile,
      singleUse: true,
    }
  }),
  RelyingParty.layer,
  { numRuns: 100 },
)

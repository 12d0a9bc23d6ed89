/**
 * The OpenID Connect relying party end to end against a real oidc-provider on
 * 127.0.0.1: a sign-in, what it keeps in the store and for how long, and every
 * refusal with its exact reason.
 */
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import type { InvalidCredentials, ProviderRefused } from "@cartable/identity/IdentityError"
import { IdentityStore } from "@cartable/identity/IdentityStore"
import { assert, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as OidcProvider from "../src/OidcProvider.ts"
import * as RelyingParty from "./fixtures/RelyingParty.ts"
import * as TestOp from "./fixtures/TestOpenIdProvider.ts"

/** The reason of a refusal (the tag of any other error). */
const refusalOf = <A, R>(effect: Effect.Effect<A, InvalidCredentials | ProviderRefused, R>) =>
  Effect.map(Effect.flip(effect), (error) => (error._tag === "ProviderRefused" ? error.reason : error._tag))

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
const closedPort = Effect.async<number>((resume) => {
  const server = Http.createServer().listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** A server of hand-written discovery documents on 127.0.0.1, one per path prefix. */
const discoveryServer = Effect.acquireRelease(
  Effect.async<Http.Server>((resume) => {
    const server = Http.createServer((request, response) => {
      const { port } = server.address() as AddressInfo
      const [, name] = /^\/([\w-]+)\//.exec(request.url ?? "") ?? []
      const issuer = `http://127.0.0.1:${port}/${name}`
      const at = name === "http-elsewhere" ? "http://idp.example" : issuer
      response.writeHead(200, { "content-type": "application/json" })
      response.end(
        JSON.stringify({
          issuer: name === "another-issuer" ? "http://127.0.0.1:1/another" : issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${at}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ["code"],
        }),
      )
    })
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
  }),
  (server) =>
    Effect.async<void>((resume) => {
      server.close(() => resume(Effect.void))
    }),
).pipe(
  Effect.map((server) => ({
    issuer: (name: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/${name}`,
  })),
)

layer(RelyingParty.layer, { excludeTestServices: true })("OidcProvider against oidc-provider", (it) => {
  it.effect("a sign-in gives the provider's subject with exactly the released claims, and the returnTo back", () =>
    Effect.gen(function* () {
      const provider = yield* RelyingParty.relyingParty()
      const url = yield* RelyingParty.signIn(provider, "pupil-lea", "/cahier-de-textes?week=12")
      const { identity, returnTo } = yield* provider.complete({ url })
      assert.strictEqual(identity.provider, "EduConnect")
      assert.strictEqual(identity.subject, "pupil-lea")
      assert.deepStrictEqual(identity.attributes, {
        email: ["lea.martin@example.org"],
        given_name: ["Léa"],
        family_name: ["Martin"],
        groups: ["3A", "latin"],
      })
      assert.deepStrictEqual(returnTo, Option.some("/cahier-de-textes?week=12"))
    }),
  )

  it.effect("a subject the ENT does not know comes back exactly as the provider said (mapping is sign-in's)", () =>
    Effect.gen(function* () {
      const provider = yield* RelyingParty.relyingParty()
      const identity = yield* provider.authenticate({ url: yield* RelyingParty.signIn(provider, "stranger-zoe") })
      assert.strictEqual(identity.subject, "stranger-zoe")
      // No groups claim at the provider: none released, rather than an empty one.
      assert.deepStrictEqual(identity.attributes, {
        email: ["zoe@elsewhere.example"],
        given_name: ["Zoé"],
        family_name: ["Inconnue"],
      })
      const parent = yield* provider.authenticate({ url: yield* RelyingParty.signIn(provider, "parent-omar") })
      assert.deepStrictEqual(parent.attributes.groups, [])
    }),
  )

  it.effect("a configured subject claim is the subject; its absence is a malformed response", () =>
    Effect.gen(function* () {
      const provider = yield* RelyingParty.relyingParty({ subjectClaim: "uid", attributes: [] })
      const identity = yield* provider.authenticate({ url: yield* RelyingParty.signIn(provider, "pupil-lea") })
      assert.strictEqual(identity.subject, "lmartin")
      assert.deepStrictEqual(identity.attributes, {})
      const omar = yield* RelyingParty.signIn(provider, "parent-omar")
      assert.strictEqual(yield* refusalOf(provider.authenticate({ url: omar })), "MalformedResponse")
    }),
  )

  it.effect("a public client signs in with PKCE alone", () =>
    Effect.gen(function* () {
      const provider = yield* RelyingParty.relyingParty({ clientId: TestOp.PUBLIC_CLIENT_ID, clientSecret: undefined })
      const identity = yield* provider.authenticate({ url: yield* RelyingParty.signIn(provider, "parent-omar") })
      assert.strictEqual(identity.subject, "parent-omar")
    }),
  )

  it.effect("the authorization request carries PKCE S256, a state, a nonce and the scopes", () =>
    Effect.gen(function* () {
      const op = yield* TestOp.TestOpenIdProviderTag
      const provider = yield* RelyingParty.relyingParty()
      const url = new URL((yield* provider.begin()).url)
      assert.strictEqual(url.origin, op.issuer)
      const params = url.searchParams
      assert.strictEqual(params.get("response_type"), "code")
      assert.strictEqual(params.get("client_id"), TestOp.CLIENT_ID)
      assert.strictEqual(params.get("redirect_uri"), TestOp.REDIRECT_URI)
      assert.strictEqual(params.get("scope"), "openid email profile ent")
      assert.strictEqual(params.get("code_challenge_method"), "S256")
      assert.match(params.get("code_challenge") ?? "", /^[\w-]{43}$/)
      assert.isAtLeast((params.get("state") ?? "").length, 32)
      assert.isAtLeast((params.get("nonce") ?? "").length, 32)
      assert.notStrictEqual(params.get("state"), params.get("nonce"))
    }),
  )

  it.effect("every refused callback gives its exact reason", () =>
    Effect.gen(function* () {
      const provider = yield* RelyingParty.relyingParty()
      for (const { label, reason, credential } of RelyingParty.refusedCases(provider)) {
        const callback = yield* Effect.orDie(credential)
        const error = yield* Effect.flip(provider.complete(callback)).pipe(
          Effect.orElse(() => Effect.dieMessage(`${label}: authenticated`)),
        )
        assert.strictEqual(error.reason, reason, `${label}: ${error.message}`)
        assert.strictEqual(error.provider, "EduConnect", label)
      }
    }),
  )

  it.effect("a state begun at another provider sharing the store is unknown here", () =>
    Effect.gen(function* () {
      const eduConnect = yield* RelyingParty.relyingParty()
      const academy = yield* RelyingParty.relyingParty({ providerId: "academy" })
      const url = yield* RelyingParty.signIn(academy, "pupil-lea")
      assert.strictEqual(yield* refusalOf(eduConnect.authenticate({ url })), "Replayed")
      assert.strictEqual((yield* academy.authenticate({ url })).subject, "pupil-lea")
    }),
  )

  it.effect("a callback elsewhere than the redirect URI is refused before the state is spent", () =>
    Effect.gen(function* () {
      const provider = yield* RelyingParty.relyingParty()
      const url = yield* RelyingParty.signIn(provider, "pupil-lea")
      for (const elsewhere of [
        url.replace("127.0.0.1:1", "127.0.0.2:1"),
        url.replace("/oidc/callback", "/oidc/other"),
        url.replace("http://", "http://user:pass@"),
      ]) {
        assert.strictEqual(yield* refusalOf(provider.authenticate({ url: elsewhere })), "MalformedResponse", elsewhere)
      }
      assert.strictEqual((yield* provider.authenticate({ url })).subject, "pupil-lea")
    }),
  )

  it.effect("a provider that does not answer gives Unavailable, at begin and at the callback", () =>
    Effect.gen(function* () {
      const port = yield* closedPort
      const down = yield* RelyingParty.relyingParty({ issuer: `http://127.0.0.1:${port}` })
      assert.strictEqual(yield* refusalOf(down.begin()), "Unavailable")
      // A provider of its own, stopped between the redirect and the callback.
      const { provider, url } = yield* Effect.scoped(
        Effect.gen(function* () {
          const context = yield* Layer.build(TestOp.layer)
          const op = Effect.provide(RelyingParty.relyingParty(), context)
          const provider = yield* op
          const url = yield* Effect.provide(RelyingParty.signIn(provider, "pupil-lea"), context)
          return { provider, url }
        }),
      )
      assert.strictEqual(yield* refusalOf(provider.authenticate({ url })), "Unavailable")
    }),
  )

  it.scoped("a discovery document sending us to plain HTTP off loopback, or naming another issuer, is refused", () =>
    Effect.gen(function* () {
      const documents = yield* discoveryServer
      const elsewhere = yield* RelyingParty.relyingParty({ issuer: documents.issuer("http-elsewhere") })
      assert.strictEqual(yield* refusalOf(elsewhere.begin()), "MalformedResponse")
      const mixUp = yield* RelyingParty.relyingParty({ issuer: documents.issuer("another-issuer") })
      assert.strictEqual(yield* refusalOf(mixUp.begin()), "MalformedResponse")
      const fine = yield* RelyingParty.relyingParty({ issuer: documents.issuer("loopback") })
      assert.match((yield* fine.begin()).url, /^http:\/\/127\.0\.0\.1:\d+\/loopback\/auth\?/)
    }),
  )

  it.effect("options that cannot work are refused at make", () =>
    Effect.gen(function* () {
      const store = yield* IdentityStore
      const base: OidcProvider.Options = {
        providerId: "EduConnect",
        issuer: "https://idp.example",
        clientId: "cartable",
        clientSecret: Redacted.make("secret"),
        redirectUri: "https://ent.example/oidc/callback",
      }
      const refusedOptions: ReadonlyArray<Partial<OidcProvider.Options>> = [
        { issuer: "http://idp.example" },
        { issuer: "http://127.0.0.1:8080" },
        { issuer: "http://idp.example", allowInsecureLoopback: true },
        { issuer: "not a url" },
        { redirectUri: "https://ent.example/oidc/callback?from=x" },
      ]
      for (const options of refusedOptions) {
        const error = yield* Effect.flip(
          Effect.provideService(OidcProvider.make({ ...base, ...options }), IdentityStore, store),
        )
        assert.strictEqual(error._tag, "IllegalArgumentException", JSON.stringify(options))
      }
      const https = yield* Effect.provideService(OidcProvider.make(base), IdentityStore, store)
      assert.strictEqual(https.id, "EduConnect")
    }),
  )
})

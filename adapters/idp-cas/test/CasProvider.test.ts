import type { ProviderRefusalReason } from "@cartable/identity/IdentityError"
import * as CasProvider from "@cartable/idp-cas/CasProvider"
import * as IdentityProviderConformance from "@cartable/testing/IdentityProviderConformance"
import { assert, describe, it, layer } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import { CasServer, layer as casServer, failureBody, successBody, type TicketPlan } from "./CasServer.ts"

// A callback URL with a query: what reaches the server must be this very string.
const SERVICE = "https://ent.example.fr/auth/cas/callback?school=0750001A&lang=fr"
const PROVIDER = "academy-cas"

const ATTRIBUTES = {
  mail: ["jeanne.dupont@ac-exemple.fr"],
  displayName: ["Jeanne Dupont-Éluard"],
  memberOf: ["ENS-0750001A", "ENS-0750002B"],
}

// Short enough for the server that never answers, long enough for a loaded machine's validations.
const providerWith = (options: Partial<CasProvider.Config> = {}) =>
  Effect.flatMap(CasServer, (server) =>
    CasProvider.make({ providerId: PROVIDER, casUrl: server.url, service: SERVICE, timeout: "2 seconds", ...options }),
  )

const mint = (plan: TicketPlan) => Effect.flatMap(CasServer, (server) => server.mint(plan))
const body = (text: string, status?: number): TicketPlan => ({
  _tag: "Body",
  body: text,
  ...(status === undefined ? {} : { status }),
})
const credential = (plan: TicketPlan) => Effect.map(mint(plan), (ticket) => ({ ticket, service: SERVICE }))

const jeanne: TicketPlan = { _tag: "User", user: "jdupont", service: SERVICE, attributes: ATTRIBUTES }

const BILLION_LAUGHS = [
  '<?xml version="1.0"?>',
  "<!DOCTYPE lolz [",
  ' <!ENTITY lol "lol">',
  ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`),
  "]>",
  '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">',
  "  <cas:authenticationSuccess><cas:user>&lol9;</cas:user></cas:authenticationSuccess>",
  "</cas:serviceResponse>",
].join("\n")

const EXTERNAL_ENTITY = [
  '<?xml version="1.0"?>',
  '<!DOCTYPE cas:serviceResponse [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
  '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">',
  "  <cas:authenticationSuccess><cas:user>&xxe;</cas:user></cas:authenticationSuccess>",
  "</cas:serviceResponse>",
].join("\n")

// A DOCTYPE that declares nothing and a body that would otherwise authenticate: refused for the DOCTYPE alone.
const HARMLESS_DOCTYPE = `<!DOCTYPE cas:serviceResponse>\n${successBody("jdupont", undefined)}`

const OTHER_NAMESPACE = successBody("jdupont", undefined).replace("http://www.yale.edu/tp/cas", "urn:not-cas")

const TWO_USERS = successBody("jdupont", undefined).replace(
  "<cas:user>jdupont</cas:user>",
  "<cas:user>jdupont</cas:user><cas:user>admin</cas:user>",
)

const MIXED_USER = successBody("jdupont", undefined).replace(
  "<cas:user>jdupont</cas:user>",
  "<cas:user>jdupont<cas:user>admin</cas:user></cas:user>",
)

// An element of another namespace among the attributes (a smuggled identity) ends the parse.
const FOREIGN_ELEMENT = successBody("jdupont", ATTRIBUTES).replace(
  "<cas:attributes>",
  '<cas:attributes><x:user xmlns:x="urn:x">admin</x:user>',
)

/** Refusals with the reason each must have. */
const cases: ReadonlyArray<{
  readonly label: string
  readonly reason: ProviderRefusalReason
  readonly credential: Effect.Effect<CasProvider.CasCredential, never, CasServer>
}> = [
  {
    label: "an unknown ticket (INVALID_TICKET)",
    reason: "InvalidTicket",
    credential: Effect.succeed({ ticket: "ST-1-neverIssued-cas.test", service: SERVICE }),
  },
  {
    label: "a ticket issued for another service (INVALID_SERVICE)",
    reason: "WrongService",
    credential: credential({ ...jeanne, service: "https://elsewhere.example.fr/callback" }),
  },
  {
    label: "INVALID_REQUEST",
    reason: "MalformedResponse",
    credential: credential(body(failureBody("INVALID_REQUEST", "'service' and 'ticket' parameters are both required"))),
  },
  {
    label: "INTERNAL_ERROR",
    reason: "MalformedResponse",
    credential: credential(body(failureBody("INTERNAL_ERROR", "oops"))),
  },
  { label: "malformed XML", reason: "MalformedResponse", credential: credential(body("<cas:serviceResponse><cas:")) },
  { label: "a billion laughs", reason: "MalformedResponse", credential: credential(body(BILLION_LAUGHS)) },
  { label: "an external entity", reason: "MalformedResponse", credential: credential(body(EXTERNAL_ENTITY)) },
  { label: "a harmless DOCTYPE", reason: "MalformedResponse", credential: credential(body(HARMLESS_DOCTYPE)) },
  {
    label: "a huge body (5 MB)",
    reason: "MalformedResponse",
    credential: credential({ _tag: "Megabytes", megabytes: 5 }),
  },
  {
    label: "a non-XML 200",
    reason: "MalformedResponse",
    credential: credential(body("<html><body>Welcome</body></html>")),
  },
  { label: "a plain-text 200", reason: "MalformedResponse", credential: credential(body("yes\njdupont\n")) },
  { label: "an empty 200", reason: "MalformedResponse", credential: credential(body("")) },
  {
    label: "bytes that are not UTF-8",
    reason: "MalformedResponse",
    credential: credential({
      _tag: "Body",
      body: new Uint8Array([...Buffer.from(successBody("jdupont", undefined).slice(0, 90)), 0xff, 0xfe]),
    }),
  },
  {
    label: "CAS elements in another namespace",
    reason: "MalformedResponse",
    credential: credential(body(OTHER_NAMESPACE)),
  },
  { label: "two cas:user", reason: "MalformedResponse", credential: credential(body(TWO_USERS)) },
  { label: "an element inside cas:user", reason: "MalformedResponse", credential: credential(body(MIXED_USER)) },
  {
    label: "a foreign element in the attributes",
    reason: "MalformedResponse",
    credential: credential(body(FOREIGN_ELEMENT)),
  },
  {
    label: "an empty cas:user",
    reason: "MalformedResponse",
    credential: credential(body(successBody("   ", undefined))),
  },
  { label: "an HTTP 500", reason: "Unavailable", credential: credential(body("Internal Server Error", 500)) },
  {
    label: "an HTTP 500 with a success body",
    reason: "Unavailable",
    credential: credential(body(successBody("jdupont", undefined), 500)),
  },
  {
    label: "a redirect",
    reason: "Unavailable",
    // To a validation that would succeed: a client that follows it authenticates.
    credential: Effect.gen(function* () {
      const server = yield* CasServer
      const ticket = yield* server.mint(jeanne)
      const location = `${server.url}/p3/serviceValidate?service=${encodeURIComponent(SERVICE)}&ticket=${ticket}`
      return yield* credential({ _tag: "Redirect", location })
    }),
  },
  { label: "a server that never answers", reason: "Unavailable", credential: credential({ _tag: "Hang" }) },
  {
    label: "a ticket presented for another service (no call)",
    reason: "WrongService",
    credential: Effect.map(mint(jeanne), (ticket) => ({ ticket, service: "https://evil.example/callback" })),
  },
  {
    label: "a proxy ticket (no call)",
    reason: "InvalidTicket",
    credential: Effect.succeed({ ticket: "PT-1-abc", service: SERVICE }),
  },
  {
    label: "a ticket with a space (no call)",
    reason: "InvalidTicket",
    credential: Effect.succeed({ ticket: "ST-1 abc", service: SERVICE }),
  },
  {
    label: "a ticket longer than 256 characters (no call)",
    reason: "InvalidTicket",
    credential: Effect.succeed({ ticket: `ST-${"a".repeat(254)}`, service: SERVICE }),
  },
]

const refusal = (exit: Exit.Exit<unknown, unknown>) => {
  if (Exit.isSuccess(exit)) return assert.fail("authenticated")
  const failure = Cause.failureOption(exit.cause)
  if (failure._tag === "None") return assert.fail(`not a typed failure: ${Cause.pretty(exit.cause)}`)
  const error = failure.value as { readonly _tag: string; readonly reason: string; readonly message: string }
  assert.strictEqual(error._tag, "ProviderRefused")
  return error
}

// Live services: the timeouts under test run on the real clock.
layer(casServer, { timeout: 60_000, excludeTestServices: true })("CasProvider", (it) => {
  it.effect("a 3.0 success gives the CAS user and its attributes, multi-valued ones as arrays", () =>
    Effect.gen(function* () {
      const provider = yield* providerWith()
      const identity = yield* provider.authenticate(yield* credential(jeanne))
      assert.strictEqual(identity.provider, PROVIDER)
      assert.strictEqual(identity.subject, "jdupont")
      assert.deepStrictEqual(identity.attributes, ATTRIBUTES)
    }),
  )

  it.effect("a 2.0 success at /serviceValidate gives the CAS user, with no attributes", () =>
    Effect.gen(function* () {
      const provider = yield* providerWith({ protocol: "2.0" })
      const identity = yield* provider.authenticate(yield* credential(jeanne))
      assert.strictEqual(identity.subject, "jdupont")
      assert.deepStrictEqual(identity.attributes, {})
    }),
  )

  it.effect("the subject may be an attribute's single value; absent or multi-valued, the response is refused", () =>
    Effect.gen(function* () {
      const byMail = yield* providerWith({ subjectAttribute: "mail" })
      const identity = yield* byMail.authenticate(yield* credential(jeanne))
      assert.strictEqual(identity.subject, "jeanne.dupont@ac-exemple.fr")
      for (const subjectAttribute of ["memberOf", "uid"]) {
        const provider = yield* providerWith({ subjectAttribute })
        const error = refusal(yield* Effect.exit(provider.authenticate(yield* credential(jeanne))))
        assert.strictEqual(error.reason, "MalformedResponse", subjectAttribute)
      }
    }),
  )

  it.effect("attribute names are data: constructor is a plain key, and __proto__ refuses the response", () =>
    Effect.gen(function* () {
      const provider = yield* providerWith()
      const identity = yield* provider.authenticate(
        yield* credential({ ...jeanne, attributes: { constructor: ["x"], toString: ["y"] } }),
      )
      assert.deepStrictEqual(Object.keys(identity.attributes).sort(), ["constructor", "toString"])
      assert.deepStrictEqual(Object.getOwnPropertyDescriptor(identity.attributes, "constructor")?.value, ["x"])
      // Effect's Schema.Record would turn an own "__proto__" key into the attributes' prototype.
      const polluted: Record<string, ReadonlyArray<string>> = JSON.parse('{"mail":["a@b.fr"],"__proto__":["polluted"]}')
      const error = refusal(
        yield* Effect.exit(provider.authenticate(yield* credential({ ...jeanne, attributes: polluted }))),
      )
      assert.strictEqual(error.reason, "MalformedResponse")
    }),
  )

  it.effect("each refused response has its reason", () =>
    Effect.gen(function* () {
      const provider = yield* providerWith()
      for (const { label, reason, credential } of cases) {
        const error = refusal(yield* Effect.exit(Effect.flatMap(credential, provider.authenticate)))
        assert.strictEqual(error.reason, reason, `${label}: ${error.message}`)
      }
    }),
  )

  it.effect("hostile XML is refused for its DOCTYPE, before any entity is read", () =>
    Effect.gen(function* () {
      const provider = yield* providerWith()
      for (const xml of [BILLION_LAUGHS, EXTERNAL_ENTITY, HARMLESS_DOCTYPE]) {
        const error = refusal(yield* Effect.exit(provider.authenticate(yield* credential(body(xml)))))
        assert.match(error.message, /DOCTYPE/)
      }
    }),
  )

  it.effect("a ticket for another service or of the wrong form is refused without calling the server", () =>
    Effect.gen(function* () {
      const server = yield* CasServer
      const provider = yield* providerWith()
      const ticket = yield* server.mint(jeanne)
      const before = yield* server.requests
      for (const presented of [
        { ticket, service: "https://evil.example/callback" },
        { ticket, service: `${SERVICE}&x=1` },
        { ticket, service: SERVICE.toUpperCase() },
        { ticket: "", service: SERVICE },
        { ticket: "ST-", service: SERVICE },
        { ticket: "TGT-1-abc", service: SERVICE },
        { ticket: "ST-1-é", service: SERVICE },
        { ticket: "ST-1\r\nX-Injected: 1", service: SERVICE },
      ]) {
        yield* Effect.exit(provider.authenticate(presented))
      }
      assert.strictEqual(yield* server.requests, before)
      // The ticket was not spent by the refused presentations.
      const identity = yield* provider.authenticate({ ticket, service: SERVICE })
      assert.strictEqual(identity.subject, "jdupont")
    }),
  )

  it.effect("a server that is down is Unavailable", () =>
    Effect.gen(function* () {
      const provider = yield* CasProvider.make({
        providerId: PROVIDER,
        casUrl: "http://127.0.0.1:9/cas",
        service: SERVICE,
      })
      const error = refusal(yield* Effect.exit(provider.authenticate({ ticket: "ST-1-abc", service: SERVICE })))
      assert.strictEqual(error.reason, "Unavailable")
    }),
  )

  it.effect("begin sends the browser to /login with the service URL-encoded", () =>
    Effect.gen(function* () {
      const server = yield* CasServer
      const provider = yield* CasProvider.make({ providerId: PROVIDER, casUrl: `${server.url}/`, service: SERVICE })
      const { url } = yield* provider.begin()
      assert.strictEqual(
        url,
        `${server.url}/login?service=https%3A%2F%2Fent.example.fr%2Fauth%2Fcas%2Fcallback%3Fschool%3D0750001A%26lang%3Dfr`,
      )
      assert.strictEqual(new URL(url).searchParams.get("service"), SERVICE)
    }),
  )
})

describe("CasProvider.make", () => {
  it.effect("refuses a configuration that is not usable", () =>
    Effect.gen(function* () {
      const valid = { providerId: PROVIDER, casUrl: "https://cas.example.fr/cas", service: SERVICE }
      for (const config of [
        { ...valid, providerId: "" },
        { ...valid, providerId: " academy" },
        { ...valid, casUrl: "not a url" },
        { ...valid, casUrl: "file:///etc/cas" },
        { ...valid, service: "/relative" },
        { ...valid, maxResponseBytes: 0 },
      ]) {
        const exit = yield* Effect.exit(CasProvider.make(config))
        assert.isTrue(Exit.isFailure(exit), JSON.stringify(config))
      }
      assert.isTrue(Exit.isSuccess(yield* Effect.exit(CasProvider.make(valid))))
    }),
  )
})

const hostile: FastCheck.Arbitrary<CasProvider.CasCredential> = FastCheck.record({
  ticket: FastCheck.oneof(
    FastCheck.string(),
    FastCheck.string({ unit: "binary", maxLength: 300 }),
    FastCheck.string({ minLength: 1 }).map((rest) => `ST-${rest}`),
    FastCheck.stringMatching(/^ST-[A-Za-z0-9.-]{1,40}$/),
  ),
  service: FastCheck.oneof(FastCheck.constant(SERVICE), FastCheck.webUrl(), FastCheck.string()),
})

IdentityProviderConformance.suite(
  "CAS",
  Effect.gen(function* () {
    const provider = yield* providerWith()
    return {
      provider,
      valid: Effect.map(credential(jeanne), (credential) => ({ credential, subject: "jdupont" })),
      refused: cases.map(({ label, credential }) => ({ label, credential })),
      hostile,
      singleUse: true,
    }
  }),
  casServer,
)

/**
 * A stand-in for the OpenID provider pupils and parents sign in with (EduConnect
 * in production): a real oidc-provider on 127.0.0.1, on a free port, with one
 * confidential client (the ENT) and the people it knows, each releasing the AAF
 * jointure id of the feed person as the `ENTPersonJointure` claim. `login` plays
 * the browser: it follows the authorization URL through oidc-provider's
 * development login form and returns the callback URL the browser is sent to.
 */
import { generateKeyPairSync } from "node:crypto"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import Provider, { type Configuration } from "oidc-provider"

/** A person the provider knows: its subject, and the jointure id it releases. */
export interface Person {
  readonly subject: string
  readonly jointure: string
  readonly givenName: string
  readonly familyName: string
}

/** The claim that carries the AAF jointure id. */
export const JOINTURE_CLAIM = "ENTPersonJointure"

/** The scope under which the provider releases it. */
export const SCOPE = "ent"

/** The running provider: where it is, how the ENT is registered at it, and a browser that logs a person in. */
export interface AcademyProviderService {
  readonly issuer: string
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  /** The ENT's callback, as registered; the browser is sent there, never actually fetched here. */
  readonly redirectUri: string
  /** Logs `subject` in at the authorization URL: the callback URL the browser comes back with. */
  readonly login: (authorizationUrl: string, subject: string) => Effect.Effect<string>
}

/** The stand-in provider as a service. */
export class AcademyProvider extends Context.Tag("@cartable/example-sign-in/AcademyProvider")<
  AcademyProvider,
  AcademyProviderService
>() {}

const CLIENT_ID = "cartable-ent"
const CLIENT_SECRET = "a-secret-of-the-example-only"
const REDIRECT_URI = "https://ent.example.fr/oidc/educonnect/callback"
const SCOPES = `openid profile ${SCOPE}`

const listen = (server: Http.Server) =>
  Effect.async<number>((resume) => {
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as AddressInfo).port)))
  })

const close = (server: Http.Server) =>
  Effect.async<void>((resume) => {
    server.closeAllConnections()
    server.close(() => resume(Effect.void))
  })

/** A browser of one sign-in: cookies by name, redirects followed by hand, the login form filled in. */
const browse = (start: string, subject: string) =>
  Effect.promise(async () => {
    const cookies = new Map<string, string>()
    let url = new URL(start)
    let form: URLSearchParams | undefined
    for (let hop = 0; hop < 20; hop++) {
      const response = await fetch(url, {
        method: form === undefined ? "GET" : "POST",
        redirect: "manual",
        headers: {
          cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join("; "),
          ...(form === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" }),
        },
        ...(form === undefined ? {} : { body: form.toString() }),
      })
      for (const line of response.headers.getSetCookie()) {
        const [pair = ""] = line.split(";")
        const at = pair.indexOf("=")
        cookies.set(pair.slice(0, at), pair.slice(at + 1))
      }
      await response.arrayBuffer()
      const location = response.headers.get("location")
      if (location === null) throw new Error(`the provider stopped at ${url.href} with ${response.status}`)
      const next = new URL(location, url)
      if (next.href.startsWith(REDIRECT_URI)) return next.href
      url = next
      // The development login form takes any password: the stand-in checks who, not how.
      form = next.pathname.startsWith("/interaction/")
        ? new URLSearchParams({ prompt: "login", login: subject, password: "any" })
        : undefined
    }
    throw new Error("too many redirects")
  })

const make = (people: ReadonlyArray<Person>) =>
  Effect.gen(function* () {
    const key = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey
    const server = Http.createServer()
    const port = yield* listen(server)
    yield* Effect.addFinalizer(() => close(server))
    const issuer = `http://127.0.0.1:${port}`
    const configuration: Configuration = {
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [REDIRECT_URI],
          grant_types: ["authorization_code"],
          response_types: ["code"],
          token_endpoint_auth_method: "client_secret_basic",
        },
      ],
      jwks: { keys: [{ ...key.export({ format: "jwk" }), kid: "academy-key-1", alg: "RS256", use: "sig" }] },
      cookies: { keys: ["a-cookie-key-of-the-example-only"] },
      claims: { openid: ["sub"], profile: ["given_name", "family_name"], [SCOPE]: [JOINTURE_CLAIM] },
      scopes: SCOPES.split(" "),
      // The claims go into the id token, which is signed: the ENT need not call the userinfo endpoint.
      conformIdTokenClaims: false,
      findAccount: (_ctx, id) => {
        const person = people.find((candidate) => candidate.subject === id)
        return person === undefined
          ? undefined
          : {
              accountId: id,
              claims: () => ({
                sub: id,
                given_name: person.givenName,
                family_name: person.familyName,
                [JOINTURE_CLAIM]: person.jointure,
              }),
            }
      },
      // Consent is given beforehand, as an ENT's provider does for its own relying party.
      loadExistingGrant: async (ctx) => {
        const accountId = ctx.oidc.session?.accountId
        const clientId = ctx.oidc.client?.clientId
        if (accountId === undefined || clientId === undefined) return undefined
        const grant = new ctx.oidc.provider.Grant({ accountId, clientId })
        grant.addOIDCScope(SCOPES)
        await grant.save()
        return grant
      },
      features: { devInteractions: { enabled: true } },
      ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Grant: 600, Session: 600 },
    }
    const provider = new Provider(issuer, configuration)
    server.on("request", provider.callback())
    return AcademyProvider.of({
      issuer,
      clientId: CLIENT_ID,
      clientSecret: Redacted.make(CLIENT_SECRET),
      redirectUri: REDIRECT_URI,
      login: browse,
    })
  })

/** The stand-in provider knowing these people, started for the scope of the layer. */
export const layer = (people: ReadonlyArray<Person>): Layer.Layer<AcademyProvider> =>
  Layer.scoped(AcademyProvider, make(people))

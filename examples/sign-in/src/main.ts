/**
 * `pnpm start`: a vendor's wiring of sign-in. Local credentials (argon2id) for
 * the administrators, OpenID Connect for pupils and parents (EduConnect, here a
 * real oidc-provider started on 127.0.0.1), and every command through the
 * Workspace with the session's account id only. The event log, the read models,
 * the subject keys and the identity store share one SQLite file (`sign-in.db`,
 * made anew each run, left for you to inspect).
 */
import { rmSync } from "node:fs"
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import * as AccountEvents from "@cartable/domain/AccountEvents"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as Identity from "@cartable/identity/Identity"
import type * as Argon2Hasher from "@cartable/idp-local/Argon2Hasher"
import * as Codes from "@cartable/idp-local/Codes"
import * as OidcProvider from "@cartable/idp-oidc/OidcProvider"
import * as Workspace from "@cartable/workspace/Workspace"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as AcademyProvider from "./AcademyProvider.ts"
import * as Stack from "./Stack.ts"

/** The school, as the academy's feed knows it. */
export const school = {
  structureId: "0571994H",
  uai: "0571994H",
  name: "Collège Jean Moulin",
  kind: "SecondarySchool",
  districtId: "circo-metz-1",
  departmentId: "dsden-57",
  academyId: "ac-nancy-metz",
} as const

/**
 * The people of the story: the vendor's own account (made platform administrator
 * by the install), a staff member who becomes the school's administrator, a pupil
 * and her parent. `jointure` is the feed person's AAF id; `subject` the OpenID
 * provider's (pupils and parents only).
 */
export const people = {
  vendor: { accountId: "vendor-1", profile: "Personnel", login: "vendeur.ent", jointure: "AAF-0001" },
  administrator: { accountId: "staff-1", profile: "Personnel", login: "camille.martin", jointure: "AAF-4470" },
  pupil: {
    accountId: "pupil-1",
    profile: "Student",
    login: "lea.benali",
    jointure: "AAF-4471",
    subject: "educonnect-8d2b7f",
  },
  parent: {
    accountId: "relative-1",
    profile: "Relative",
    login: "omar.benali",
    jointure: "AAF-4472",
    subject: "educonnect-1c9e40",
  },
} as const

/** What the stand-in OpenID provider knows of the pupil and the parent. */
export const academyPeople: ReadonlyArray<AcademyProvider.Person> = [
  { subject: people.pupil.subject, jointure: people.pupil.jointure, givenName: "Léa", familyName: "Benali" },
  { subject: people.parent.subject, jointure: people.parent.jointure, givenName: "Omar", familyName: "Benali" },
]

/** The OpenID provider pupils and parents sign in with, as a service of the vendor's own. */
export class EduConnect extends Context.Tag("@cartable/example-sign-in/EduConnect")<
  EduConnect,
  OidcProvider.OidcProvider
>() {}

/** Where the ENT keeps its data, and how it is registered at the OpenID provider. */
export interface Options {
  /** The SQLite file of the log, the read models, the subject keys and the identity store. */
  readonly filename: string
  readonly issuer: string
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  readonly redirectUri: string
  /** Only for a provider on 127.0.0.1, as the stand-in is. */
  readonly allowInsecureLoopback?: boolean
  /** argon2id's cost (OWASP's defaults: 19 MiB, 2 passes). */
  readonly hasher?: Argon2Hasher.Parameters
}

/**
 * The whole ENT on one SQLite file: the Workspace with the Authorization facts
 * inline, local sign-in (argon2id), EduConnect over OpenID Connect, the identity
 * store on the same connection (`Stack.layer`), and the flows, whose first sign-in
 * through EduConnect links the identity to the account the feed provisioned for
 * the jointure id the provider releases.
 */
export const layer = (options: Options) => {
  const stores = Stack.layer({ filename: options.filename, hasher: options.hasher })
  const eduConnect = Layer.effect(
    EduConnect,
    OidcProvider.make({
      providerId: "EduConnect",
      issuer: options.issuer,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      redirectUri: options.redirectUri,
      scopes: ["profile", AcademyProvider.SCOPE],
      attributes: [AcademyProvider.JOINTURE_CLAIM, "given_name", "family_name"],
      allowInsecureLoopback: options.allowInsecureLoopback === true,
    }),
  )
  const flows = Identity.layer({
    linking: { EduConnect: Identity.byFeedId({ source: "AAF", attribute: AcademyProvider.JOINTURE_CLAIM }) },
  })
  return Layer.merge(flows, eduConnect).pipe(Layer.provideMerge(stores))
}

/** A command that did not go through: who tried it, which intent, the error's tag, its rule when it names one. */
export interface Refusal {
  readonly who: string
  readonly intent: string
  readonly error: string
  readonly ruleId: string | undefined
  readonly message: string
}

/** What the story returns: who the sessions are, what the log holds, what was refused, and its account. */
export interface Outcome {
  /** The sessions opened: each one's token (what a cookie carries), account id and end. */
  readonly sessions: {
    readonly vendor: Identity.Session
    readonly administrator: Identity.Session
    readonly pupil: Identity.Session
    readonly pupilAgain: Identity.Session
    readonly parent: Identity.Session
  }
  /** The whole log: each event's type, stream and actor. */
  readonly events: ReadonlyArray<{ readonly type: string; readonly stream: string; readonly actor: string | undefined }>
  readonly linked: ReadonlyArray<{ readonly accountId: string; readonly provider: string; readonly subject: string }>
  readonly accepted: ReadonlyArray<{
    readonly who: string
    readonly intent: string
    readonly events: ReadonlyArray<string>
  }>
  readonly refusals: ReadonlyArray<Refusal>
  /** The story, line by line, as `pnpm start` prints it. */
  readonly story: ReadonlyArray<string>
}

/** An intent as a client sends it: plain data, which the Workspace decodes. */
type Intent = { readonly _tag: string } & Readonly<Record<string, unknown>>

/** An intent in a few words: its tag, and whose account with which application. */
const describe = (intent: Intent) =>
  [intent._tag, intent.accountId, intent.application].filter((part) => typeof part === "string").join(" ")

const isLinked = Schema.is(AccountEvents.ExternalIdentityLinked)

const storeFailures: ReadonlySet<string> = new Set([
  "EventStoreError",
  "ConcurrencyConflict",
  "ReadModelError",
  "IdentityStoreError",
])

/**
 * The story: the install and the feed set the school up; the vendor and the
 * administrator activate and sign in locally; the pupil and the parent sign in
 * through EduConnect (first sign-in: linked by their jointure id); then commands
 * through the Workspace with the session's account id, allowed and refused.
 */
export const program = Effect.gen(function* () {
  const identity = yield* Identity.Identity
  const workspace = yield* Workspace.Workspace
  const eduConnect = yield* EduConnect
  const browser = yield* AcademyProvider.AcademyProvider
  const story: Array<string> = []
  const accepted: Array<Outcome["accepted"][number]> = []
  const refusals: Array<Refusal> = []
  const say = (line: string) => story.push(line)
  const at = Effect.map(DateTime.now, (occurredAt) => ({ occurredAt }))
  const request = (clientAddress: string): Identity.RequestInfo => ({ clientAddress })

  // 1. What a deployment's own processes do: the feed (AAF) and the install. Never wired to a request.
  const feed = workspace.system("aaf-import")
  yield* feed.handle({ _tag: "RegisterStructure", ...school }, yield* at)
  const codes = new Map<string, string>()
  for (const person of Object.values(people)) {
    const activationCode = yield* Codes.generate
    codes.set(person.accountId, activationCode)
    yield* feed.handle(
      {
        _tag: "ProvisionAccount",
        accountId: person.accountId,
        profile: person.profile,
        origin: { _tag: "Feed", source: "AAF", externalId: person.jointure },
        structureId: school.structureId,
        login: person.login,
        firstName: person.login.split(".")[0],
        lastName: person.login.split(".")[1],
        activationCode,
      },
      yield* at,
    )
  }
  yield* feed.handle(
    {
      _tag: "LinkRelative",
      accountId: people.parent.accountId,
      link: { pupilId: people.pupil.accountId, legalAuthority: true, financial: true, contact: true },
    },
    yield* at,
  )
  yield* workspace
    .system("install")
    .handle({ _tag: "AppointPlatformAdministrator", accountId: people.vendor.accountId }, yield* at)
  say(`The feed registers ${school.name} and provisions ${Object.keys(people).length} accounts with activation codes`)
  say(`The install appoints ${people.vendor.login} platform administrator`)

  /** A command through the trusted entry point: the account is the session's, whatever the intent says. */
  const command = (who: string, token: Redacted.Redacted<string>, intent: Intent) =>
    Effect.gen(function* () {
      const accountId = yield* identity.session(Redacted.value(token))
      const outcome = yield* Effect.either(workspace.handle(accountId, intent, yield* at))
      if (Either.isRight(outcome)) {
        const events = outcome.right.events.map((event) => event._tag)
        accepted.push({ who, intent: intent._tag, events })
        say(`  ${who}: ${describe(intent)} -> ${events.join(", ") || "nothing to record"}`)
        return
      }
      const error = outcome.left
      if (storeFailures.has(error._tag)) return yield* Effect.fail(error)
      const ruleId = "ruleId" in error ? error.ruleId : undefined
      refusals.push({ who, intent: intent._tag, error: error._tag, ruleId, message: error.message })
      say(`  ${who}: ${describe(intent)} refused (${ruleId ?? error._tag}): ${error.message}`)
    })

  // 2. Local sign-in: first login with the activation code (BR-ACC-3), which opens a session.
  const vendor = yield* identity.activate(
    {
      login: people.vendor.login,
      activationCode: codes.get(people.vendor.accountId),
      password: "Vendeur-ENT-2026",
      charterAccepted: true,
      email: "support@vendor.example",
    },
    request("198.51.100.10"),
  )
  say(`${people.vendor.login} activates his account with his code: session of ${vendor.accountId}`)
  yield* command("the vendor", vendor.token, {
    _tag: "GrantAdministratorRight",
    accountId: people.administrator.accountId,
    structureId: school.structureId,
  })

  yield* identity.activate(
    {
      login: people.administrator.login,
      activationCode: codes.get(people.administrator.accountId),
      password: "Camille-ENT-2026",
      charterAccepted: true,
      email: "camille.martin@ac-nancy-metz.fr",
    },
    request("203.0.113.20"),
  )
  const administrator = yield* identity.signIn(
    { login: people.administrator.login, password: Redacted.make("Camille-ENT-2026") },
    request("203.0.113.20"),
  )
  say(
    `${people.administrator.login} activates her account, then signs in with her password: session of ${administrator.accountId}`,
  )

  // 3. EduConnect: begin -> the provider's login -> the callback -> signInWith.
  const viaEduConnect = (subject: string, clientAddress: string) =>
    Effect.gen(function* () {
      const { url } = yield* eduConnect.begin({ returnTo: "/" })
      const callback = yield* browser.login(url, subject)
      return yield* identity.signInWith(eduConnect, { url: callback }, request(clientAddress))
    })
  const pupil = yield* viaEduConnect(people.pupil.subject, "192.0.2.31")
  say(
    `The pupil signs in through EduConnect for the first time: linked by her jointure id, session of ${pupil.accountId}`,
  )
  const parent = yield* viaEduConnect(people.parent.subject, "192.0.2.32")
  say(`The parent signs in through EduConnect for the first time: linked, session of ${parent.accountId}`)
  const again = yield* viaEduConnect(people.pupil.subject, "192.0.2.31")
  say(`The pupil signs in again: her linked identity finds her account (${again.accountId}), nothing new is linked`)

  // 4. Commands with the session's account id only.
  say("Commands through the Workspace, with the session's account id:")
  yield* command("the administrator", administrator.token, {
    _tag: "BlockAccount",
    accountId: people.pupil.accountId,
    application: "messagerie",
  })
  yield* command("the parent", parent.token, {
    _tag: "SetLoginAlias",
    accountId: people.parent.accountId,
    alias: "omar.b",
  })
  // A parent may not block his child's messaging: the Account refuses it, naming its rule.
  yield* command("the parent", parent.token, {
    _tag: "BlockAccount",
    accountId: people.pupil.accountId,
    application: "messagerie",
  })
  // An intent carries no actor: a client that sends one (here, the administrator's) is refused, field named.
  yield* command("the parent", parent.token, {
    _tag: "UnblockAccount",
    accountId: people.pupil.accountId,
    application: "messagerie",
    actor: {
      accountId: people.administrator.accountId,
      roles: [{ _tag: "Administrator", level: "School", scopeId: school.structureId }],
    },
  })
  const forged = yield* Effect.flip(identity.session("a-token-nobody-was-given"))
  refusals.push({ who: "a client", intent: "session", error: forged._tag, ruleId: undefined, message: forged.message })
  say(`  a client with a made-up session token: ${forged._tag}: ${forged.message}`)

  const log = yield* Effect.flatMap(EventStore.EventStore, (store) => store.readAll(0, 10_000))
  const events = log.map((recorded) => ({
    type: recorded.type,
    stream: recorded.streamName,
    actor: recorded.metadata.actor,
  }))
  const linked = log.flatMap(({ event }) =>
    isLinked(event) ? [{ accountId: event.accountId, provider: event.provider, subject: event.subject }] : [],
  )
  say(`The log holds ${events.length} events; the links of first sign-in, by the sign-in process:`)
  for (const link of linked) say(`  ${link.accountId} <- ${link.provider} ${link.subject}`)
  const outcome: Outcome = {
    sessions: { vendor, administrator, pupil, pupilAgain: again, parent },
    events,
    linked,
    accepted,
    refusals,
    story,
  }
  return outcome
})

/** The ENT on `filename`, registered at the stand-in OpenID provider, which it starts on 127.0.0.1. */
export const standalone = (filename: string, hasher?: Argon2Hasher.Parameters) =>
  Layer.unwrapEffect(
    Effect.map(AcademyProvider.AcademyProvider, (provider) =>
      layer({
        filename,
        issuer: provider.issuer,
        clientId: provider.clientId,
        clientSecret: provider.clientSecret,
        redirectUri: provider.redirectUri,
        allowInsecureLoopback: true,
        ...(hasher === undefined ? {} : { hasher }),
      }),
    ),
  ).pipe(Layer.provideMerge(AcademyProvider.layer(academyPeople)))

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const filename = resolve("sign-in.db")
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${filename}${suffix}`, { force: true })
  const main = Effect.gen(function* () {
    yield* Console.log(`Cartable demo: signing in (one SQLite file: ${filename})\n`)
    const outcome = yield* program
    let n = 0
    for (const line of outcome.story) yield* Console.log(line.startsWith("  ") ? line : `${++n}. ${line}`)
  })
  Effect.runPromise(main.pipe(Effect.provide(standalone(filename)))).catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
}

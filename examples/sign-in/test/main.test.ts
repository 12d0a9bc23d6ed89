/**
 * The example's story, run against the stand-in OpenID provider on 127.0.0.1
 * and a fresh SQLite file: the sessions are the accounts they should be, the
 * first sign-ins through EduConnect linked the feed's accounts by jointure id
 * (once each), every command acted as the session's account, and the refusals
 * name their rule. Then a second stack on the same file (another process, as it
 * were) finds the same sessions and the same log: one database holds them all.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as Identity from "@cartable/identity/Identity"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { layer, type Outcome, people, program, standalone } from "../src/main.ts"

// Cheap argon2id: the story does not depend on the cost.
const hasher = { memoryCost: 1_024, timeCost: 1, parallelism: 1 }

const actorsOf = (outcome: Outcome, type: string) =>
  outcome.events.filter((event) => event.type === type).map((event) => `${event.stream} by ${event.actor}`)

describe("examples/sign-in", () => {
  it.live(
    "local sign-in for administrators, EduConnect for pupils and parents, commands as the session's account",
    () =>
      Effect.gen(function* () {
        const dir = mkdtempSync(join(tmpdir(), "cartable-sign-in-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
        const filename = join(dir, "sign-in.db")
        const outcome = yield* program.pipe(Effect.provide(standalone(filename, hasher)))

        // Each session is the account of the person who signed in.
        assert.deepStrictEqual<Readonly<Record<string, string>>>(
          Object.fromEntries(Object.entries(outcome.sessions).map(([name, session]) => [name, session.accountId])),
          {
            vendor: people.vendor.accountId,
            administrator: people.administrator.accountId,
            pupil: people.pupil.accountId,
            pupilAgain: people.pupil.accountId,
            parent: people.parent.accountId,
          },
        )

        // BR-ACC-10: the first sign-in linked each identity to the account provisioned for its jointure id, once.
        assert.deepStrictEqual(outcome.linked, [
          { accountId: people.pupil.accountId, provider: "EduConnect", subject: people.pupil.subject },
          { accountId: people.parent.accountId, provider: "EduConnect", subject: people.parent.subject },
        ])
        assert.deepStrictEqual(actorsOf(outcome, "ExternalIdentityLinked"), [
          "Account-pupil-1 by system:sign-in",
          "Account-relative-1 by system:sign-in",
        ])

        // Local sign-in: both administrators activated with their codes (the flow records no actor for it).
        assert.deepStrictEqual(
          outcome.events.filter((event) => event.type === "AccountActivated").map((event) => event.stream),
          ["Account-vendor-1", "Account-staff-1"],
        )
        // The commands acted as the session's account, and only the accepted ones left events.
        assert.deepStrictEqual(actorsOf(outcome, "AdministratorRightGranted"), ["Account-staff-1 by vendor-1"])
        assert.deepStrictEqual(actorsOf(outcome, "AccountBlocked"), ["Account-pupil-1 by staff-1"])
        assert.deepStrictEqual(actorsOf(outcome, "LoginAliasSet"), ["Account-relative-1 by relative-1"])
        assert.deepStrictEqual(
          outcome.events.filter((event) => event.actor === people.parent.accountId).map((event) => event.type),
          ["LoginAliasSet"],
        )
        assert.deepStrictEqual(
          outcome.accepted.map(({ who, intent, events }) => [who, intent, events.join(",")]),
          [
            ["the vendor", "GrantAdministratorRight", "AdministratorRightGranted"],
            ["the administrator", "BlockAccount", "AccountBlocked"],
            ["the parent", "SetLoginAlias", "LoginAliasSet"],
          ],
        )

        // The refusals: a parent blocking his child (BR-ACC-6), a forged actor, a made-up session token.
        assert.deepStrictEqual(
          outcome.refusals.map(({ who, intent, error, ruleId }) => [who, intent, error, ruleId]),
          [
            ["the parent", "BlockAccount", "AccountRejected", "BR-ACC-6"],
            ["the parent", "UnblockAccount", "InvalidCommand", undefined],
            ["a client", "session", "SessionInvalid", undefined],
          ],
        )
        assert.match(outcome.refusals[1]?.message ?? "", /^Invalid command: actor: is unexpected/)

        // Another stack on the same file: the sessions and the log are in it.
        const reopened = yield* Effect.gen(function* () {
          const identity = yield* Identity.Identity
          const log = yield* Effect.flatMap(EventStore.EventStore, (store) => store.readAll(0, 10_000))
          const administrator = yield* identity.session(Redacted.value(outcome.sessions.administrator.token))
          const parent = yield* identity.session(Redacted.value(outcome.sessions.parent.token))
          return { administrator, parent, events: log.length }
        }).pipe(
          Effect.provide(
            layer({
              filename,
              // Never called: the discovery document is read on first use.
              issuer: "http://127.0.0.1:9",
              clientId: "unused",
              clientSecret: Redacted.make("unused"),
              redirectUri: "https://ent.example.fr/oidc/educonnect/callback",
              allowInsecureLoopback: true,
              hasher,
            }),
          ),
        )
        assert.deepStrictEqual<object>(reopened, {
          administrator: people.administrator.accountId,
          parent: people.parent.accountId,
          events: outcome.events.length,
        })
      }).pipe(Effect.scoped),
  )
})

/**
 * The local provider: the IdentityProvider conformance suite, the constant-work
 * path of BR-ACC-6 observed from outside (reads and verifications counted on
 * every path), the timings of the refusals compared, and the rehash on sign-in.
 */
import * as Account from "@cartable/domain/Account"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import { EventStore } from "@cartable/eventlog/EventStore"
import * as StreamName from "@cartable/eventlog/StreamName"
import { Identity } from "@cartable/identity/Identity"
import { INVALID_CREDENTIALS_MESSAGE } from "@cartable/identity/IdentityError"
import * as Local from "@cartable/identity/LocalProvider"
import { PasswordHasher } from "@cartable/identity/PasswordHasher"
import { Authorization } from "@cartable/read-models/Authorization"
import * as IdentityProviderConformance from "@cartable/testing/IdentityProviderConformance"
import { Workspace } from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import {
  activate,
  context,
  ids,
  logins,
  request,
  setup,
  stack,
  testParameters,
} from "../../../packages/identity/test/fixtures.ts"
import * as Argon2Hasher from "../src/Argon2Hasher.ts"
import * as LocalProvider from "../src/LocalProvider.ts"

const PASSWORD = "Cartable-2026"

/** The school's accounts activated; the relative blocked, the teacher pre-deleted, the staff member deleted. */
const world = Effect.gen(function* () {
  yield* setup
  for (const who of ["pupil", "relative", "teacher", "staff"] as const) yield* activate(who, PASSWORD)
  const feed = (yield* Workspace).system("aaf-import")
  yield* feed.handle({ _tag: "BlockAccount", accountId: ids.relative }, context)
  yield* feed.handle({ _tag: "PreDeleteAccount", accountId: ids.teacher }, context)
  yield* feed.handle({ _tag: "PreDeleteAccount", accountId: ids.staff }, context)
  yield* feed.handle({ _tag: "DeleteAccount", accountId: ids.staff }, context)
})

const credential = (login: string, password: string): Local.PasswordCredential => ({
  login,
  password: Redacted.make(password),
})

const refusals = [
  ["a wrong password", credential(logins.pupil, "Mauvais-2026")],
  ["an unknown login", credential("personne.inconnue", PASSWORD)],
  ["a blocked account", credential(logins.relative, PASSWORD)],
  ["a pre-deleted account", credential(logins.teacher, PASSWORD)],
  ["a deleted account", credential(logins.staff, PASSWORD)],
  ["a login no login can be", credential("' OR 1=1 --\u0000", PASSWORD)],
] as const

IdentityProviderConformance.suite(
  "local (argon2id)",
  Effect.map(Local.LocalProvider, (provider) => ({
    provider,
    valid: Effect.succeed({ credential: credential(logins.pupil, PASSWORD), subject: ids.pupil }),
    refused: refusals.map(([label, refused]) => ({ label, credential: Effect.succeed(refused) })),
    hostile: FastCheck.record({
      login: FastCheck.oneof(FastCheck.string({ maxLength: 300 }), FastCheck.constant(logins.pupil)),
      password: FastCheck.string({ maxLength: 300 }).map(Redacted.make),
    }),
    singleUse: false,
  })),
  Layer.effectDiscard(world).pipe(Layer.provideMerge(stack())),
)

/** What one attempt does: the store reads and the verifications, counted from outside the provider. */
const counting = Effect.gen(function* () {
  const counts = { holders: 0, streams: [] as Array<string>, verifications: 0 }
  const store = yield* EventStore
  const authorization = yield* Authorization
  const hasher = yield* PasswordHasher
  const provider = yield* LocalProvider.make.pipe(
    Effect.provideService(EventStore, {
      ...store,
      readStream: (name, after) => {
        counts.streams.push(name)
        return store.readStream(name, after)
      },
    }),
    Effect.provideService(Authorization, {
      ...authorization,
      loginHolder: (login) => {
        counts.holders++
        return authorization.loginHolder(login)
      },
    }),
    Effect.provideService(PasswordHasher, {
      ...hasher,
      verify: (hash, password) => {
        counts.verifications++
        return hasher.verify(hash, password)
      },
    }),
  )
  return { counts, provider }
})

describe("the local provider", () => {
  it.effect("BR-ACC-6 every path does the same work: one holder read, one stream read, one verification", () =>
    Effect.gen(function* () {
      yield* world
      const { counts, provider } = yield* counting
      for (const [label, refused] of [
        ...refusals,
        ["the right password", credential(logins.pupil, PASSWORD)],
      ] as const) {
        counts.holders = 0
        counts.streams = []
        counts.verifications = 0
        const exit = yield* Effect.exit(provider.authenticate(refused))
        assert.strictEqual(counts.holders, 1, label)
        assert.strictEqual(counts.streams.length, 1, label)
        assert.strictEqual(counts.verifications, 1, label)
        assert.strictEqual(exit._tag === "Success", label === "the right password", label)
        if (exit._tag === "Failure") assert.include(String(exit.cause), INVALID_CREDENTIALS_MESSAGE, label)
      }
    }).pipe(Effect.provide(stack())),
  )

  // Timing is measured here because the rule is about timing; the bound is wide (a factor of 2 on medians)
  // and the attempts interleave, so a loaded machine slows every kind alike.
  it.live(
    "BR-ACC-6 a wrong password, an unknown login and a blocked account take the same time (medians within a factor of 2)",
    () =>
      Effect.gen(function* () {
        yield* world
        const provider = yield* Local.LocalProvider
        const kinds = refusals.slice(0, 3)
        const times: Array<Array<number>> = kinds.map(() => [])
        for (let round = 0; round < 15; round++) {
          for (const [index, [, refused]] of kinds.entries()) {
            const start = performance.now()
            yield* Effect.exit(provider.authenticate(refused))
            times[index]!.push(performance.now() - start)
          }
        }
        const medians = times.map((list) => [...list].sort((a, b) => a - b)[7]!)
        const [wrong, ...others] = medians as [number, ...Array<number>]
        for (const [index, median] of others.entries()) {
          const ratio = median / wrong
          assert.isTrue(
            ratio > 0.5 && ratio < 2,
            `${kinds[index + 1]![0]}: ${median.toFixed(1)} ms vs ${wrong.toFixed(1)} ms`,
          )
        }
      }).pipe(Effect.provide(stack({}, Argon2Hasher.defaultParameters))),
  )

  it.effect(
    "a hash made with weaker parameters is upgraded at sign-in, once, and the password still opens the account",
    () =>
      Effect.gen(function* () {
        yield* setup
        const weak = yield* Argon2Hasher.make(testParameters)
        const weakHash = yield* weak.hash(Redacted.make(PASSWORD))
        const router = yield* CommandRouter.make({ Account: Account.aggregate })
        yield* router.handle(
          {
            _tag: "ActivateAccount",
            accountId: ids.pupil,
            login: logins.pupil,
            activationCode: "3n6g8fmj",
            password: PASSWORD,
            passwordHash: weakHash,
            charterAccepted: true,
            email: "pupil@example.org",
          },
          context,
        )
        const identity = yield* Identity
        const hasher = yield* PasswordHasher
        assert.isTrue(hasher.needsRehash(weakHash))
        yield* identity.signIn(credential(logins.pupil, PASSWORD), request)
        yield* identity.signIn(credential(logins.pupil, PASSWORD), request)
        const store = yield* EventStore
        const events = yield* store.readStream(StreamName.make("Account", ids.pupil))
        assert.deepStrictEqual(
          events.map((event) => event.type).filter((type) => type === "PasswordHashUpgraded"),
          ["PasswordHashUpgraded"],
        )
        const upgraded = events.find((event) => event.type === "PasswordHashUpgraded")!.event as unknown as {
          passwordHash: string
        }
        assert.match(upgraded.passwordHash, /^\$argon2id\$v=19\$m=2048,t=1,p=1\$/)
        assert.isFalse(hasher.needsRehash(upgraded.passwordHash as never))
      }).pipe(Effect.provide(stack({}, { memoryCost: 2_048, timeCost: 1, parallelism: 1 }))),
  )
})

describe("Argon2Hasher", () => {
  it.effect(
    "hashes to an argon2id PHC string that verifies its password only; an unreadable hash verifies nothing",
    () =>
      Effect.gen(function* () {
        const hasher = yield* Argon2Hasher.make(testParameters)
        const hash = yield* hasher.hash(Redacted.make("Élève-2026"))
        assert.match(hash, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
        assert.isTrue(yield* hasher.verify(hash, Redacted.make("Élève-2026")))
        assert.isFalse(yield* hasher.verify(hash, Redacted.make("élève-2026")))
        assert.isFalse(yield* hasher.verify("$scrypt$ln=15,r=8,p=1$abcdefgh$ijkl" as never, Redacted.make("x")))
        // A fresh salt each time: the same password never hashes the same.
        assert.notStrictEqual(yield* hasher.hash(Redacted.make("Élève-2026")), hash)
        assert.isFalse(yield* hasher.verify(hasher.dummyHash, Redacted.make("")))
      }),
  )

  it.effect("asks for a rehash when any cost is below the current one, or for another algorithm", () =>
    Effect.gen(function* () {
      const hasher = yield* Argon2Hasher.make({ memoryCost: 2_048, timeCost: 2, parallelism: 1 })
      const at = (m: number, t: number, p: number) =>
        `$argon2id$v=19$m=${m},t=${t},p=${p}$c2FsdHNhbHRzYWx0$aGFzaA` as never
      assert.isFalse(hasher.needsRehash(at(2_048, 2, 1)))
      assert.isFalse(hasher.needsRehash(at(4_096, 3, 2)))
      assert.isTrue(hasher.needsRehash(at(1_024, 2, 1)))
      assert.isTrue(hasher.needsRehash(at(2_048, 1, 1)))
      assert.isTrue(hasher.needsRehash("$argon2i$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA" as never))
    }),
  )
})

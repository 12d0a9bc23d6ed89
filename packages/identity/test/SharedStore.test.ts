/**
 * Identity on a store shared by processes: stacks over one SQLite file (their
 * own connections, as two processes have) race one activation code, and count
 * one login's failures together. The store's own cross-process races (real OS
 * processes) are in adapters/store-sql/test.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Equal from "effect/Equal"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Identity from "../src/Identity.ts"
import { invalidCredentials } from "../src/IdentityError.ts"
import { activate, catalog, codes, ids, logins, request, setup, stack } from "./fixtures.ts"

const onFile = (filename: string) =>
  SqliteEventStore.layerIdentityStore.pipe(Layer.provideMerge(SqliteEventStore.layer({ filename, catalog })))

describe("Identity on a shared SQLite store", () => {
  it.live("BR-ACC-2 two processes activating with the same code at once: exactly one activation is recorded", () =>
    Effect.gen(function* () {
      const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-identity-"))
      const filename = Path.join(dir, "ent.db")
      yield* setup.pipe(Effect.provide(stack({}, undefined, onFile(filename))))
      const attempt = (password: string) =>
        Effect.flatMap(Identity.Identity, (identity) =>
          identity.activate(
            {
              login: logins.relative,
              activationCode: codes.relative,
              password,
              charterAccepted: true,
              email: "relative@example.org",
            },
            request,
          ),
        ).pipe(Effect.either, Effect.provide(stack({}, undefined, onFile(filename))))
      const outcomes = yield* Effect.all([attempt("Premier-2026"), attempt("Second-2026")], { concurrency: 2 })
      assert.strictEqual(outcomes.filter((outcome) => outcome._tag === "Right").length, 1)
      const activations = yield* Effect.flatMap(EventStore.EventStore, (store) =>
        store.readStream(StreamName.make("Account", ids.relative)),
      ).pipe(Effect.provide(stack({}, undefined, onFile(filename))))
      assert.strictEqual(activations.filter((event) => event.type === "AccountActivated").length, 1)
      Fs.rmSync(dir, { recursive: true, force: true })
    }),
  )

  it.live("a login's failures in one process throttle its sign-in in another; a success there is refused too", () =>
    Effect.gen(function* () {
      const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-identity-"))
      const filename = Path.join(dir, "ent.db")
      const options: Identity.Options = {
        throttle: { maxFailuresPerLogin: 3, maxFailuresPerAddress: 100, window: "1 hour" },
      }
      const signIn = (password: string) =>
        Effect.flatMap(Identity.Identity, (identity) =>
          identity.signIn({ login: logins.pupil, password: Redacted.make(password) }, request),
        )
      yield* Effect.gen(function* () {
        yield* setup
        yield* activate("pupil", "Cartable-2026")
        for (let n = 0; n < 3; n++) yield* Effect.flip(signIn("Mauvais-2026"))
      }).pipe(Effect.provide(stack(options, undefined, onFile(filename))))
      const other = yield* Effect.flip(signIn("Cartable-2026")).pipe(
        Effect.provide(stack(options, undefined, onFile(filename))),
      )
      assert.isTrue(Equal.equals(other, invalidCredentials))
      // Without the failures, the other process signs the pupil in: the refusal was the shared throttle.
      const fresh = { ...options, throttle: { ...options.throttle!, maxFailuresPerLogin: 10 } }
      const session = yield* signIn("Cartable-2026").pipe(Effect.provide(stack(fresh, undefined, onFile(filename))))
      assert.strictEqual(session.accountId, ids.pupil)
      Fs.rmSync(dir, { recursive: true, force: true })
    }),
  )
})

/**
 * The conformance suite of the IdentityProvider port: what every adapter
 * (adapters/idp-local, idp-oidc, idp-cas, a third party's) must do. The adapter's
 * test gives a harness: how to obtain a credential that authenticates a known
 * subject (going through the provider's redirect step when it has one), the
 * credentials it must refuse, and an arbitrary of hostile ones.
 *
 * @example
 * import * as IdentityProviderConformance from "@cartable/testing/IdentityProviderConformance"
 * IdentityProviderConformance.suite("MyProvider", makeHarness, MyTestServer.layer)
 *
 * @since 0.1.0
 */
import { ExternalIdentity } from "@cartable/identity/ExternalIdentity"
import type { InvalidCredentials, ProviderRefused } from "@cartable/identity/IdentityError"
import type { IdentityProvider } from "@cartable/identity/IdentityProvider"
import { assert, layer } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import type * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

/**
 * What an adapter's test supplies.
 *
 * @since 0.1.0
 */
export interface Harness<Credential, R> {
  readonly provider: IdentityProvider<Credential, R>
  /** A fresh credential that authenticates `subject` (a new ticket, a new authorization code...). */
  readonly valid: Effect.Effect<{ readonly credential: Credential; readonly subject: string }, unknown, R>
  /**
   * Credentials the provider must refuse with a typed error, each named: a wrong
   * password, an unknown subject, a bad signature, a wrong audience...
   */
  readonly refused: ReadonlyArray<{
    readonly label: string
    readonly credential: Effect.Effect<Credential, unknown, R>
  }>
  /** Inputs a hostile client may send: refused with a typed error, never a defect, never an identity. */
  readonly hostile: FastCheck.Arbitrary<Credential>
  /** Whether a credential is single use (tickets, codes, states): a replay is refused, also when concurrent. */
  readonly singleUse: boolean
}

/**
 * Tuning of the suite: runs of the hostile-input property (25).
 *
 * @since 0.1.0
 */
export interface Options {
  readonly numRuns?: number
}

const isIdentityError = (error: unknown): error is InvalidCredentials | ProviderRefused =>
  typeof error === "object" &&
  error !== null &&
  "_tag" in error &&
  (error._tag === "InvalidCredentials" || error._tag === "ProviderRefused")

/** The exit is a typed refusal of this provider: no defect, no interruption, no identity. */
const assertRefused = (providerId: string, exit: Exit.Exit<unknown, unknown>, label: string) => {
  if (Exit.isSuccess(exit)) assert.fail(`${label}: authenticated where it must be refused`)
  const failure = Cause.failureOption(exit.cause)
  if (failure._tag === "None")
    assert.fail(`${label}: a defect or an interruption, not a typed error: ${Cause.pretty(exit.cause)}`)
  const error = failure.value
  assert.isTrue(isIdentityError(error), `${label}: not InvalidCredentials or ProviderRefused: ${String(error)}`)
  if (isIdentityError(error) && error._tag === "ProviderRefused") assert.strictEqual(error.provider, providerId, label)
}

/**
 * Registers the suite under `name`, with the layer the harness needs (test
 * servers, stores).
 *
 * @since 0.1.0
 */
export const suite = <Credential, R, E>(
  name: string,
  harness: Effect.Effect<Harness<Credential, R>, unknown, R>,
  services: Layer.Layer<R, E>,
  options: Options = {},
): void => {
  layer(services, { timeout: 120_000, excludeTestServices: true })(`IdentityProvider conformance: ${name}`, (it) => {
    it.effect("a valid credential gives the provider's identity of its subject, attributes as strings", () =>
      Effect.gen(function* () {
        const { provider, valid } = yield* harness
        const { credential, subject } = yield* valid
        const identity = yield* provider.authenticate(credential)
        assert.strictEqual(identity.provider, provider.id)
        assert.strictEqual(identity.subject, subject)
        // The identity is what the schema says: a caller may encode it (a session, a log line).
        assert.isTrue(Schema.is(ExternalIdentity)(identity))
      }),
    )

    it.effect("every credential the harness names is refused with a typed error of this provider", () =>
      Effect.gen(function* () {
        const { provider, refused } = yield* harness
        assert.isAbove(refused.length, 0, "a harness names at least one refused credential")
        for (const { label, credential } of refused) {
          const exit = yield* Effect.exit(Effect.flatMap(credential, provider.authenticate))
          assertRefused(provider.id, exit, label)
        }
      }),
    )

    it.effect("a used single-use credential is refused, and of two concurrent uses one at most succeeds", () =>
      Effect.gen(function* () {
        const { provider, valid, singleUse } = yield* harness
        if (!singleUse) return
        const first = yield* valid
        yield* provider.authenticate(first.credential)
        assertRefused(provider.id, yield* Effect.exit(provider.authenticate(first.credential)), "replay")
        const second = yield* valid
        const exits = yield* Effect.all(
          [
            Effect.exit(provider.authenticate(second.credential)),
            Effect.exit(provider.authenticate(second.credential)),
          ],
          { concurrency: 2 },
        )
        assert.strictEqual(exits.filter(Exit.isSuccess).length, 1, "exactly one of two concurrent uses succeeds")
      }),
    )

    it.effect("hostile inputs are refused with a typed error, never a defect, never an identity", () =>
      Effect.gen(function* () {
        const { provider, hostile } = yield* harness
        for (const credential of FastCheck.sample(hostile, { numRuns: options.numRuns ?? 25, seed: 20250901 })) {
          assertRefused(
            provider.id,
            yield* Effect.exit(provider.authenticate(credential)),
            `hostile ${JSON.stringify(credential)}`,
          )
        }
      }),
    )
  })
}

/**
 * The IdentityStore port: the little state identity keeps outside the event log,
 * shared by every process on one store: single-use entries with an expiry
 * (sessions, OpenID Connect pending states and nonces, recovery tokens' rate) and
 * failure counters (throttling). Implementations: memory ({@link layerMemory}),
 * SQLite and PostgreSQL (`SqlIdentityStore` of adapters/store-sql, layers in
 * adapters/store-sqlite and adapters/store-postgres). One conformance suite,
 * `@cartable/testing/IdentityStoreConformance`, runs on the three.
 *
 * Nothing here is personal data in clear: keys are digests or random ids, and the
 * flows store digests of tokens, never tokens.
 *
 * Times are passed in (the flows read the Clock), so that tests pin them.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as DateTime from "effect/DateTime"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/**
 * A failure of the store itself (`Unavailable`), or a `put` on a key that is
 * already taken and not expired (`KeyTaken`).
 *
 * @since 0.1.0
 */
export class IdentityStoreError extends Schema.TaggedError<IdentityStoreError>("@cartable/identity/IdentityStoreError")(
  "IdentityStoreError",
  {
    reason: Schema.Literal("Unavailable", "KeyTaken"),
    message: Schema.String,
    cause: Schema.optional(Schema.Defect),
  },
) {}

/**
 * @since 0.1.0
 */
export declare namespace IdentityStore {
  /**
   * The operations. `namespace` separates the users of the store (`session`,
   * `oidc-pending`, `throttle-login`...); keys are at most 200 characters, values
   * at most 4,000. An entry whose `expiresAt` is at or before `now` does not exist
   * for any operation.
   *
   * @since 0.1.0
   */
  export interface Service {
    /** Stores an entry until `expiresAt`; `KeyTaken` when a live entry has the key (an expired one is replaced). */
    readonly put: (
      namespace: string,
      key: string,
      value: string,
      expiresAt: DateTime.Utc,
      now: DateTime.Utc,
    ) => Effect.Effect<void, IdentityStoreError>
    /** The live entry's value, left in place. */
    readonly get: (
      namespace: string,
      key: string,
      now: DateTime.Utc,
    ) => Effect.Effect<Option.Option<string>, IdentityStoreError>
    /**
     * Reads and removes the live entry in one atomic step: of two concurrent
     * takes, across processes too, exactly one gets the value (single use).
     */
    readonly take: (
      namespace: string,
      key: string,
      now: DateTime.Utc,
    ) => Effect.Effect<Option.Option<string>, IdentityStoreError>
    /** Removes the entry if any; idempotent. */
    readonly remove: (namespace: string, key: string) => Effect.Effect<void, IdentityStoreError>
    /**
     * Counts one failure for `key` at `at`, atomically, and returns the failures
     * counted in the current window: a window opens at the first failure and lasts
     * `window`; a failure after it opens a new one (count 1).
     */
    readonly recordFailure: (
      namespace: string,
      key: string,
      at: DateTime.Utc,
      window: Duration.DurationInput,
    ) => Effect.Effect<number, IdentityStoreError>
    /** The failures of the window open at `now` (0 when none is open). */
    readonly failures: (
      namespace: string,
      key: string,
      now: DateTime.Utc,
      window: Duration.DurationInput,
    ) => Effect.Effect<number, IdentityStoreError>
    /** Forgets the key's failures (a successful sign-in). */
    readonly clearFailures: (namespace: string, key: string) => Effect.Effect<void, IdentityStoreError>
    /** Deletes expired entries and closed windows; returns how many rows went. Housekeeping only. */
    readonly purge: (now: DateTime.Utc, window: Duration.DurationInput) => Effect.Effect<number, IdentityStoreError>
  }
}

/**
 * The IdentityStore port.
 *
 * @since 0.1.0
 */
export class IdentityStore extends Context.Tag("@cartable/identity/IdentityStore")<
  IdentityStore,
  IdentityStore.Service
>() {}

/**
 * The SubjectKeyStore port: one AES-256 key per data subject, with which the
 * {@link EventStore} encrypts the subject's personal fields. Destroying the key
 * erases the subject's personal data from every event at once (crypto-shredding,
 * BR-ACC-9) without rewriting history. See docs/erasure.md.
 *
 * Keys travel as `Redacted` values so that logging or tracing a key prints
 * `<redacted>`; implementations never log them either.
 *
 * @since 0.1.0
 */
import * as Crypto from "node:crypto"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

/**
 * The length of a subject key in bytes (AES-256).
 *
 * @since 0.1.0
 */
export const KEY_LENGTH = 32

/**
 * A subject's key: 32 random bytes, redacted.
 *
 * @since 0.1.0
 */
export type SubjectKey = Redacted.Redacted<Uint8Array>

/**
 * What the store holds for a subject: a usable key, or nothing usable any more.
 * `Destroyed` also stands for a subject that never had a key: either way, what
 * such a key encrypted cannot be read.
 *
 * @since 0.1.0
 */
export type KeyState = { readonly _tag: "Active"; readonly key: SubjectKey } | { readonly _tag: "Destroyed" }

/**
 * The state of a subject whose key was destroyed.
 *
 * @since 0.1.0
 */
export const destroyed: KeyState = { _tag: "Destroyed" }

/**
 * An active key state holding these bytes.
 *
 * @since 0.1.0
 */
export const active = (bytes: Uint8Array): KeyState => ({ _tag: "Active", key: Redacted.make(bytes) })

/**
 * Draws a fresh key from the operating system's CSPRNG.
 *
 * @since 0.1.0
 */
export const generateKey = (): Uint8Array => new Uint8Array(Crypto.randomBytes(KEY_LENGTH))

/**
 * Why a key store call failed: `Unavailable` when the storage failed (its error
 * is the cause), `InvalidKey` when a stored key is not 32 bytes.
 *
 * @since 0.1.0
 */
export const SubjectKeyStoreErrorReason = Schema.Literal("Unavailable", "InvalidKey")

/** @since 0.1.0 */
export type SubjectKeyStoreErrorReason = typeof SubjectKeyStoreErrorReason.Type

/**
 * A key store failure. It never carries key material.
 *
 * @since 0.1.0
 */
export class SubjectKeyStoreError extends Schema.TaggedError<SubjectKeyStoreError>(
  "@cartable/eventlog/SubjectKeyStoreError",
)("SubjectKeyStoreError", {
  reason: SubjectKeyStoreErrorReason,
  message: Schema.String,
  subjectId: Schema.optional(Schema.String),
  cause: Schema.optional(Schema.Defect),
}) {}

/**
 * @since 0.1.0
 */
export declare namespace SubjectKeyStore {
  /**
   * The operations of a key store. A destroyed key is never re-created: once
   * erased, a subject stays erased.
   *
   * @since 0.1.0
   */
  export interface Service {
    /** The subject's key, created on first use; `Destroyed` once it was destroyed. */
    readonly getOrCreate: (subjectId: string) => Effect.Effect<KeyState, SubjectKeyStoreError>
    /** The state of each subject asked for (one round trip for a page of events); never creates a key. */
    readonly lookup: (
      subjectIds: ReadonlyArray<string>,
    ) => Effect.Effect<ReadonlyMap<string, KeyState>, SubjectKeyStoreError>
    /** Destroys the subject's key for good; idempotent, and it blocks a later creation. */
    readonly destroy: (subjectId: string) => Effect.Effect<void, SubjectKeyStoreError>
  }
}

/**
 * The SubjectKeyStore port. Storage adapters keep keys in their own key table
 * (adapters/store-sql `SqlSubjectKeyStore`); a KMS-backed implementation fits too.
 *
 * @since 0.1.0
 */
export class SubjectKeyStore extends Context.Tag("@cartable/eventlog/SubjectKeyStore")<
  SubjectKeyStore,
  SubjectKeyStore.Service
>() {}

/**
 * Checks that bytes read from storage are a key.
 *
 * @since 0.1.0
 */
export const fromStoredBytes = (
  subjectId: string,
  bytes: Uint8Array,
): Effect.Effect<KeyState, SubjectKeyStoreError> => {
  const state = fromStoredBytesSync(subjectId, bytes)
  return state instanceof SubjectKeyStoreError ? Effect.fail(state) : Effect.succeed(state)
}

/**
 * {@link fromStoredBytes} without an Effect, for a key store's loop over the
 * rows of a lookup: the key's state, or the error.
 *
 * @since 0.1.0
 */
export const fromStoredBytesSync = (subjectId: string, bytes: Uint8Array): KeyState | SubjectKeyStoreError =>
  bytes.length === KEY_LENGTH
    ? active(bytes)
    : new SubjectKeyStoreError({
        reason: "InvalidKey",
        message: `The stored key of subject ${subjectId} is ${bytes.length} bytes long, not ${KEY_LENGTH}`,
        subjectId,
      })

/**
 * A key store in memory, for tests and demos. A destroyed key's bytes are
 * overwritten with zeros before they are dropped.
 *
 * @since 0.1.0
 */
export const makeMemory: Effect.Effect<SubjectKeyStore.Service> = Effect.sync(() => {
  // `null` marks a destroyed subject, so that its key is never created again.
  const keys = new Map<string, Uint8Array | null>()

  const stateOf = (subjectId: string): KeyState => {
    const bytes = keys.get(subjectId)
    // A copy: zeroing the kept bytes on destroy must not turn a key in use into all zeros.
    return bytes === undefined || bytes === null ? destroyed : active(bytes.slice())
  }

  return {
    getOrCreate: (subjectId) =>
      Effect.sync(() => {
        if (!keys.has(subjectId)) keys.set(subjectId, generateKey())
        return stateOf(subjectId)
      }),
    lookup: (subjectIds) => Effect.sync(() => new Map(subjectIds.map((id) => [id, stateOf(id)] as const))),
    destroy: (subjectId) =>
      Effect.sync(() => {
        keys.get(subjectId)?.fill(0)
        keys.set(subjectId, null)
      }),
  }
})

/**
 * The in-memory key store as a layer.
 *
 * @since 0.1.0
 */
export const layerMemory: Layer.Layer<SubjectKeyStore> = Layer.effect(SubjectKeyStore, makeMemory)

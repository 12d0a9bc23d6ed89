import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"

/**
 * The key table of crypto-shredding (BR-ACC-9, docs/erasure.md): one AES-256 key
 * per data subject. A destroyed key is a row whose `key` is NULL, so that the
 * subject never gets a new key; `destroyed_at` records when it was erased.
 */
export const createSubjectKeys = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.onDialectOrElse({
    pg: () => sql`
      CREATE TABLE IF NOT EXISTS cartable_subject_keys (
        subject_id TEXT PRIMARY KEY,
        key BYTEA CHECK (key IS NULL OR octet_length(key) = 32),
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        destroyed_at TIMESTAMPTZ,
        CONSTRAINT cartable_subject_keys_destroyed CHECK ((key IS NULL) = (destroyed_at IS NOT NULL))
      )`,
    orElse: () => sql`
      CREATE TABLE IF NOT EXISTS cartable_subject_keys (
        subject_id TEXT PRIMARY KEY,
        key BLOB CHECK (key IS NULL OR length(key) = 32),
        created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
        destroyed_at TEXT,
        CONSTRAINT cartable_subject_keys_destroyed CHECK ((key IS NULL) = (destroyed_at IS NOT NULL))
      )`,
  })
})

import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"

/** A row of `cartable_subject_keys`: the key's bytes, `null` once destroyed. */
export interface KeyRow {
  readonly subject_id: string
  readonly key: Uint8Array | null
}

/**
 * The state a stored key stands for, or the error of a key that is not 32 bytes;
 * without an Effect, for the loops over the rows of a read.
 */
export const stateOf = (
  subjectId: string,
  key: Uint8Array | null,
): SubjectKeyStore.KeyState | SubjectKeyStore.SubjectKeyStoreError =>
  key === null
    ? SubjectKeyStore.destroyed
    : // A copy: the driver's buffer may be pooled or reused.
      SubjectKeyStore.fromStoredBytesSync(subjectId, new Uint8Array(key))

/**
 * The text of the subject a row's sealed envelope names, extracted in SQL from the
 * stored JSON as the typed store writes it (`"$personal":{"$personal":2,"subject":"...`),
 * so that the read can join the key table without parsing JSON (a malformed row then
 * still fails where the typed store decodes it, with its Decode error). A subject
 * holding a quote or a backslash is escaped in the text and matches no key: the typed
 * store then looks it up by itself. `data` is the column's SQL expression.
 */
export const sealedSubjectSql = (dialect: "pg" | "sqlite", data: string): string => {
  const marker = '"$personal":{"$personal":2,"subject":"'
  const literal = `'${marker}'`
  return dialect === "pg"
    ? `CASE WHEN strpos(${data}, ${literal}) > 0 THEN split_part(substr(${data}, strpos(${data}, ${literal}) + ${marker.length}), '"', 1) END`
    : `CASE WHEN instr(${data}, ${literal}) > 0 THEN substr(${data}, instr(${data}, ${literal}) + ${marker.length}, instr(substr(${data}, instr(${data}, ${literal}) + ${marker.length}), '"') - 1) END`
}

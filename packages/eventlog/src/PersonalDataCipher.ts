/**
 * Encryption of the personal fields of encoded events (BR-ACC-9, crypto-shredding).
 *
 * On append, the top-level fields marked `personal` in an event's Schema are
 * taken out of the encoded JSON and sealed together in one {@link SealedEnvelope}
 * under the top-level key `$personal`: AES-256-GCM under the key of the subject
 * the event's `DataSubjectId` field names, a fresh 96-bit IV per event. Rows of
 * the first format hold one {@link Envelope} per field in place of its value;
 * they are still read. On read, the stored JSON is walked for envelopes whatever
 * the event's version, before upcasting: each is opened with its subject's key,
 * or its fields read as the `ERASED` marker once that key was destroyed. See
 * docs/erasure.md.
 *
 * The envelope's key `$personal` is reserved: a key of the stored JSON made of
 * one or more `$` and `personal` is stored with one `$` more ({@link escapeKey})
 * and read back with one fewer, so a user value that looks like an envelope
 * round-trips exactly and is never taken for one.
 *
 * @since 0.1.0
 */
import * as Crypto from "node:crypto"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import type * as EventCatalog from "./EventCatalog.ts"
import type { KeyState } from "./SubjectKeyStore.ts"

/**
 * The property that marks an envelope in stored JSON; its value is the format's version.
 *
 * @since 0.1.0
 */
export const ENVELOPE_TAG = "$personal"

/**
 * The deepest nesting of objects and arrays an event's encoded data may have (the
 * event itself is level 1). The store refuses deeper data on append, and the
 * walks over stored JSON stop there, so that no event can overflow the stack.
 *
 * @since 0.1.0
 */
export const MAX_DEPTH = 64

const reservedKey = /^\$+personal$/

/**
 * The stored form of a key of an encoded event: a key of one or more `$`
 * followed by `personal` gets one `$` more, every other key is kept.
 *
 * @since 0.1.0
 */
export const escapeKey = (key: string): string =>
  key.charCodeAt(0) === 36 && key.endsWith("personal") && reservedKey.test(key) ? `$${key}` : key

/**
 * The key an escaped stored key stands for: the inverse of {@link escapeKey}.
 *
 * @since 0.1.0
 */
export const unescapeKey = (key: string): string =>
  key.charCodeAt(1) === 36 && key.charCodeAt(0) === 36 && key.endsWith("personal") && reservedKey.test(key)
    ? key.slice(1)
    : key

/**
 * An encrypted personal value as stored: `iv` is the base64 of 12 random bytes,
 * `ciphertext` the base64 of the AES-256-GCM ciphertext of the value's JSON
 * followed by its 16-byte authentication tag.
 *
 * @example
 * { "$personal": 1, "subject": "acc-42", "iv": "q1Cw…", "ciphertext": "9xJz…" }
 * @since 0.1.0
 */
export interface Envelope {
  readonly [ENVELOPE_TAG]: 1
  readonly subject: string
  readonly iv: string
  readonly ciphertext: string
}

/**
 * The personal values of one event as stored since format 2, under the event's
 * top-level key `$personal`: `fields` names the stored fields it holds, in order;
 * `ciphertext` is the base64 of the AES-256-GCM ciphertext of the JSON array of
 * their values followed by its 16-byte tag; the type, the subject and `fields`
 * are authenticated.
 *
 * @example
 * { "$personal": { "$personal": 2, "subject": "acc-42", "fields": ["login", "email"], "iv": "q1Cw…", "ciphertext": "9xJz…" } }
 * @since 0.1.0
 */
export interface SealedEnvelope {
  readonly [ENVELOPE_TAG]: 2
  readonly subject: string
  readonly fields: ReadonlyArray<string>
  readonly iv: string
  readonly ciphertext: string
}

/**
 * Why personal data could not be encrypted or decrypted:
 * - `MissingSubject`: the event holds personal values but no subject id;
 * - `Unsupported`: the Schema marks personal data the cipher cannot reach (a nested
 *   field, a class or union schema): the event is refused rather than stored in clear;
 * - `Tampered`: an envelope is malformed or fails authentication under an active key, or the
 *   stored JSON is nested deeper than {@link MAX_DEPTH}.
 *
 * @since 0.1.0
 */
export const PersonalDataErrorReason = Schema.Literal("MissingSubject", "Unsupported", "Tampered")

/** @since 0.1.0 */
export type PersonalDataErrorReason = typeof PersonalDataErrorReason.Type

/**
 * A failure of the cipher. It never carries key material or personal values.
 *
 * @since 0.1.0
 */
export class PersonalDataError extends Schema.TaggedError<PersonalDataError>("@cartable/eventlog/PersonalDataError")(
  "PersonalDataError",
  {
    reason: PersonalDataErrorReason,
    type: Schema.String,
    message: Schema.String,
  },
) {}

/**
 * What the cipher knows of one event type, computed once from its Schema's
 * annotations. Field names are those of the encoded JSON.
 *
 * @since 0.1.0
 */
export interface Plan {
  readonly type: string
  readonly fields: ReadonlyArray<string>
  readonly subjectField: string | undefined
  /** For an erasure event (`PersonalData.ErasesDataSubjectId`), the field naming the erased subject. */
  readonly erasedSubjectField: string | undefined
  /** Why the Schema's personal marks cannot be honoured, if they cannot. */
  readonly unsupported: string | undefined
}

/**
 * The cipher of one catalogue.
 *
 * @since 0.1.0
 */
export interface Cipher {
  readonly plans: ReadonlyMap<string, Plan>
  /** The subject whose key the encoded event needs; `undefined` when it has no personal value to hide. */
  readonly subjectOf: (type: string, data: unknown) => Either.Either<string | undefined, PersonalDataError>
  /** The subject an erasure event erases; `undefined` for any other event. */
  readonly erasedSubjectOf: (type: string, data: unknown) => Either.Either<string | undefined, PersonalDataError>
  /**
   * Replaces the personal values of the encoded event with envelopes under the
   * key, or with the `ERASED` marker when the key is destroyed.
   */
  readonly encrypt: (type: string, data: unknown, key: KeyState) => Either.Either<unknown, PersonalDataError>
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

// A plain assignment of "__proto__" would set the prototype instead of a key.
const defineOwn = (into: Record<string, unknown>, key: string, value: unknown) => {
  if (key === "__proto__")
    Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true })
  else into[key] = value
}

/** Every AST node annotated personal, not looking inside personal nodes. */
const personalNodes = (root: AST.AST): Set<AST.AST> => {
  const found = new Set<AST.AST>()
  const seen = new Set<AST.AST>()
  const visit = (ast: AST.AST): void => {
    if (seen.has(ast)) return
    seen.add(ast)
    if (PersonalData.isPersonal(ast)) {
      found.add(ast)
      return
    }
    switch (ast._tag) {
      case "TypeLiteral":
        for (const property of ast.propertySignatures) visit(property.type)
        for (const index of ast.indexSignatures) visit(index.type)
        return
      case "Union":
        for (const member of ast.types) visit(member)
        return
      case "TupleType":
        for (const element of ast.elements) visit(element.type)
        for (const rest of ast.rest) visit(rest.type)
        return
      case "Refinement":
        visit(ast.from)
        return
      case "Transformation":
        visit(ast.from)
        visit(ast.to)
        return
      case "Suspend":
        visit(ast.f())
        return
      case "Declaration":
        for (const parameter of ast.typeParameters) visit(parameter)
        return
      default:
        return
    }
  }
  visit(root)
  return found
}

/** The encoded names of the type-side fields of a struct, when a transformation renames them. */
const encodedNames = (ast: AST.AST): ReadonlyMap<string, string> => {
  const names = new Map<string, string>()
  if (AST.isTransformation(ast) && AST.isTypeLiteralTransformation(ast.transformation)) {
    for (const renamed of ast.transformation.propertySignatureTransformations) {
      names.set(String(renamed.to), String(renamed.from))
    }
  }
  return names
}

/**
 * Computes the plan of one event type from its Schema's annotations. Field names
 * are those of the stored JSON (encoded, then {@link escapeKey}).
 *
 * @since 0.1.0
 */
export const plan = (type: string, schema: Schema.Schema.Any): Plan => {
  const ast = schema.ast
  const { fields, subjectField } = PersonalData.personalFields(schema)
  const erasedSubjectField = PersonalData.erasedSubjectField(schema)
  const names = encodedNames(ast)
  const encoded = (name: string) => escapeKey(names.get(name) ?? name)
  const typeAst = AST.isTransformation(ast) ? ast.to : ast
  // Personal marks the top-level plan covers; any other one would be stored in clear.
  const covered = new Set<AST.AST>()
  if (AST.isTypeLiteral(typeAst)) {
    for (const property of typeAst.propertySignatures) {
      if (!fields.includes(String(property.name))) continue
      covered.add(property.type)
      if (AST.isUnion(property.type)) for (const member of property.type.types) covered.add(member)
    }
  }
  const uncovered = [...personalNodes(ast)].filter((node) => !covered.has(node)).length
  const unsupported =
    uncovered > 0
      ? `Event ${type} marks personal data that is not a top-level field of a struct schema; the store refuses it rather than store it in clear`
      : fields.length > 0 && subjectField === undefined
        ? `Event ${type} has personal fields but no DataSubjectId annotation naming its subject's field`
        : undefined
  return {
    type,
    fields: fields.map(encoded),
    subjectField: subjectField === undefined ? undefined : encoded(subjectField),
    erasedSubjectField: erasedSubjectField === undefined ? undefined : encoded(erasedSubjectField),
    unsupported,
  }
}

const hasValueToHide = (value: unknown) => value !== undefined && !PersonalData.isErased(value)

const aad = (type: string, subject: string) => Buffer.from(`cartable/personal/1\u0000${type}\u0000${subject}`, "utf8")

// IVs are drawn from the CSPRNG 256 at a time: one call per value cost as much as the encryption.
const IV_BATCH = 12 * 256
let ivPool = Buffer.alloc(0)
let ivOffset = 0
const nextIv = (): Buffer => {
  if (ivOffset + 12 > ivPool.length) {
    ivPool = Crypto.randomBytes(IV_BATCH)
    ivOffset = 0
  }
  ivOffset += 12
  return ivPool.subarray(ivOffset - 12, ivOffset)
}

const aadSealed = (type: string, subject: string, fields: ReadonlyArray<string>) =>
  Buffer.from(`cartable/personal/2\u0000${type}\u0000${subject}\u0000${JSON.stringify(fields)}`, "utf8")

const sealAll = (
  type: string,
  subject: string,
  key: Uint8Array,
  fields: ReadonlyArray<string>,
  values: ReadonlyArray<unknown>,
): SealedEnvelope => {
  const iv = nextIv()
  const cipher = Crypto.createCipheriv("aes-256-gcm", key, iv)
  cipher.setAAD(aadSealed(type, subject, fields))
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(values), "utf8"), cipher.final(), cipher.getAuthTag()])
  return {
    [ENVELOPE_TAG]: 2,
    subject,
    fields,
    iv: iv.toString("base64"),
    ciphertext: ciphertext.toString("base64"),
  }
}

const stringField = (data: unknown, field: string): string | undefined => {
  if (!isRecord(data)) return undefined
  const value = data[field]
  return typeof value === "string" && value.length > 0 ? value : undefined
}

/**
 * Builds the cipher of a catalogue: one plan per entry, computed once.
 *
 * @since 0.1.0
 */
export const make = (catalog: EventCatalog.EventCatalog): Cipher => {
  const plans = new Map<string, Plan>()
  for (const [type, entry] of catalog.entries) plans.set(type, plan(type, entry.schema))

  const subjectOf = (type: string, data: unknown): Either.Either<string | undefined, PersonalDataError> => {
    const current = plans.get(type)
    if (current === undefined) return Either.right(undefined)
    // Refused whatever the values: a type the cipher cannot protect is a catalogue bug, found on its first append.
    if (current.unsupported !== undefined) {
      return Either.left(new PersonalDataError({ reason: "Unsupported", type, message: current.unsupported }))
    }
    if (!isRecord(data) || !current.fields.some((field) => hasValueToHide(data[field]))) {
      return Either.right(undefined)
    }
    const subject = stringField(data, current.subjectField!)
    return subject === undefined
      ? Either.left(
          new PersonalDataError({
            reason: "MissingSubject",
            type,
            message: `Event ${type} holds personal data but its subject field ${current.subjectField} is not a non-empty string`,
          }),
        )
      : Either.right(subject)
  }

  const erasedSubjectOf = (type: string, data: unknown): Either.Either<string | undefined, PersonalDataError> => {
    const field = plans.get(type)?.erasedSubjectField
    if (field === undefined) return Either.right(undefined)
    const subject = stringField(data, field)
    return subject === undefined
      ? Either.left(
          new PersonalDataError({
            reason: "MissingSubject",
            type,
            message: `Erasure event ${type} does not name its subject in field ${field}`,
          }),
        )
      : Either.right(subject)
  }

  const encrypt = (type: string, data: unknown, key: KeyState): Either.Either<unknown, PersonalDataError> =>
    Either.flatMap(subjectOf(type, data), (subject) => {
      if (subject === undefined || !isRecord(data)) return Either.right(data)
      const hidden = plans.get(type)!.fields.filter((field) => hasValueToHide(data[field]))
      if (key._tag === "Destroyed") {
        const out: Record<string, unknown> = { ...data }
        for (const field of hidden) out[field] = PersonalData.ERASED
        return Either.right(out)
      }
      // All the personal values of the event in one envelope: one AES-GCM per event to open, not one per field.
      const out: Record<string, unknown> = {}
      for (const name of Object.keys(data)) if (!hidden.includes(name)) defineOwn(out, name, data[name])
      const sealed = sealAll(
        type,
        subject,
        Redacted.value(key.key),
        hidden,
        hidden.map((field) => data[field]),
      )
      out[ENVELOPE_TAG] = sealed
      return Either.right(out)
    })

  return { plans, subjectOf, erasedSubjectOf, encrypt }
}

/**
 * A cheap test on the stored JSON text: `false` means it holds neither an envelope
 * nor an escaped key, so {@link decrypt} and the key lookups can be skipped.
 *
 * @since 0.1.0
 */
export const mayHoldEnvelopes = (json: string): boolean => json.includes(`${ENVELOPE_TAG}"`)

/**
 * Whether a JSON value is an envelope of the first format (one per value).
 *
 * @since 0.1.0
 */
export const isEnvelope = (value: unknown): value is Envelope =>
  isRecord(value) &&
  value[ENVELOPE_TAG] === 1 &&
  typeof value.subject === "string" &&
  typeof value.iv === "string" &&
  typeof value.ciphertext === "string"

/**
 * Whether a JSON value is a sealed envelope (the personal values of one event).
 *
 * @since 0.1.0
 */
export const isSealedEnvelope = (value: unknown): value is SealedEnvelope =>
  isRecord(value) &&
  value[ENVELOPE_TAG] === 2 &&
  typeof value.subject === "string" &&
  Array.isArray(value.fields) &&
  value.fields.length > 0 &&
  value.fields.every((field) => typeof field === "string") &&
  typeof value.iv === "string" &&
  typeof value.ciphertext === "string"

/**
 * The stored fields of an event's stored JSON that hold sealed personal values,
 * each with the subject it is sealed for, in either format; what a test of the
 * stored form checks.
 *
 * @since 0.1.0
 */
export const sealedFields = (data: unknown): ReadonlyMap<string, string> => {
  const found = new Map<string, string>()
  if (!isRecord(data)) return found
  for (const [name, value] of Object.entries(data)) if (isEnvelope(value)) found.set(name, value.subject)
  const sealed = data[ENVELOPE_TAG]
  if (isSealedEnvelope(sealed)) for (const field of sealed.fields) found.set(field, sealed.subject)
  return found
}

/**
 * Adds the subjects of every envelope in a stored JSON value to `into`.
 *
 * @since 0.1.0
 */
export const collectSubjects = (data: unknown, into: Set<string>): void => {
  // Bounded like decrypt, which refuses what lies deeper.
  const visit = (value: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) return
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1)
    } else if (isRecord(value)) {
      if (isEnvelope(value) || isSealedEnvelope(value)) into.add(value.subject)
      else for (const field of Object.values(value)) visit(field, depth + 1)
    }
  }
  visit(data, 1)
}

/**
 * For a read without decryption: removes the sealed envelope of an event's
 * stored JSON root (which the caller owns) and puts `ERASED` in each of its
 * fields, so that the event decodes without its key; the reader then hides
 * those fields (UnreadPersonalData). A malformed envelope is left for
 * {@link decryptorOwned} to refuse, as a decrypting read does. Envelopes of the
 * first format (one per value, anywhere) are not touched.
 *
 * @since 0.1.0
 */
export const dropSealed = (data: unknown): void => {
  if (!isRecord(data) || !Object.hasOwn(data, ENVELOPE_TAG)) return
  const envelope = data[ENVELOPE_TAG]
  if (!isSealedEnvelope(envelope)) return
  const { fields } = envelope
  if (new Set(fields).size !== fields.length || fields.some((field) => Object.hasOwn(data, field))) return
  delete data[ENVELOPE_TAG]
  for (const field of fields) defineOwn(data, field, PersonalData.ERASED)
}

class Tampered extends Error {}

/**
 * What a decryption keeps across the envelopes of one read: the AAD per type and
 * subject. (A `KeyObject` per subject measured no faster than the key's bytes,
 * and costs 1.6 µs to build.)
 */
interface OpenCache {
  readonly aads: Map<string, Buffer>
}

const newCache = (): OpenCache => ({ aads: new Map() })

/** Opens AES-256-GCM `ciphertext` (base64, tag last) and parses its JSON; any failure is `Tampered`. */
const openSealed = (key: Uint8Array, ivText: string, ciphertext: string, additional: Buffer): unknown => {
  const iv = Buffer.from(ivText, "base64")
  const sealed = Buffer.from(ciphertext, "base64")
  if (iv.length !== 12 || sealed.length < 16) throw new Tampered("malformed envelope")
  try {
    const decipher = Crypto.createDecipheriv("aes-256-gcm", key, iv)
    decipher.setAAD(additional)
    decipher.setAuthTag(sealed.subarray(sealed.length - 16))
    const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()])
    return JSON.parse(plain.toString("utf8"))
  } catch {
    throw new Tampered("authentication failed")
  }
}

const open = (type: string, envelope: Envelope, keys: ReadonlyMap<string, KeyState>, cache?: OpenCache): unknown => {
  const state = keys.get(envelope.subject)
  if (state === undefined || state._tag === "Destroyed") return PersonalData.ERASED
  let additional: Buffer | undefined
  if (cache !== undefined) {
    const aadKey = `${type}\u0000${envelope.subject}`
    additional = cache.aads.get(aadKey)
    if (additional === undefined) {
      additional = aad(type, envelope.subject)
      cache.aads.set(aadKey, additional)
    }
  }
  return openSealed(
    Redacted.value(state.key),
    envelope.iv,
    envelope.ciphertext,
    additional ?? aad(type, envelope.subject),
  )
}

/**
 * The stored fields and values of the sealed envelope of an event's root, each
 * value `ERASED` when the subject's key is destroyed. The envelope must be well
 * formed, name distinct fields the root does not hold, and open to as many values.
 */
const openAll = (
  type: string,
  envelope: unknown,
  root: Record<string, unknown>,
  keys: ReadonlyMap<string, KeyState>,
): ReadonlyArray<readonly [string, unknown]> => {
  if (!isSealedEnvelope(envelope)) throw new Tampered("malformed envelope")
  const { fields, subject } = envelope
  if (new Set(fields).size !== fields.length || fields.some((field) => Object.hasOwn(root, field))) {
    throw new Tampered("malformed envelope")
  }
  const state = keys.get(subject)
  if (state === undefined || state._tag === "Destroyed") return fields.map((field) => [field, PersonalData.ERASED])
  const values = openSealed(
    Redacted.value(state.key),
    envelope.iv,
    envelope.ciphertext,
    aadSealed(type, subject, fields),
  )
  if (!Array.isArray(values) || values.length !== fields.length) throw new Tampered("malformed envelope")
  return fields.map((field, index) => [field, values[index]])
}

/**
 * Replaces every envelope of a stored JSON value (of an event of type `type`, any
 * version) with its clear values, or with `ERASED` when its subject's key is
 * destroyed or absent from `keys`, and unescapes reserved keys ({@link unescapeKey}).
 * The fields of a sealed envelope come after the event's other fields.
 * Returns a new value; the input is not changed.
 *
 * @since 0.1.0
 */
export const decrypt = (
  type: string,
  data: unknown,
  keys: ReadonlyMap<string, KeyState>,
): Either.Either<unknown, PersonalDataError> => {
  // `sealed`: inside an opened envelope, where no envelope can be (its value was escaped before sealing).
  const walk = (value: unknown, depth: number, sealed: boolean): unknown => {
    if (typeof value !== "object" || value === null) return value
    if (depth > MAX_DEPTH) throw new Tampered(`nested deeper than ${MAX_DEPTH} levels`)
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1, sealed))
    if (!sealed && isEnvelope(value)) return walk(open(type, value, keys), depth, true)
    const record = value as Record<string, unknown>
    let opened: ReadonlyArray<readonly [string, unknown]> = []
    if (ENVELOPE_TAG in record) {
      // Only the event's root holds a sealed envelope, and only the store writes a bare `$personal` key.
      if (depth !== 1 || sealed) throw new Tampered("malformed envelope")
      opened = openAll(type, record[ENVELOPE_TAG], record, keys)
    }
    // fromEntries defines own properties, so a stored "__proto__" key stays a plain key.
    return Object.fromEntries([
      ...Object.entries(record)
        .filter(([name]) => name !== ENVELOPE_TAG)
        .map(([name, field]) => [unescapeKey(name), walk(field, depth + 1, sealed)]),
      ...opened.map(([name, field]) => [unescapeKey(name), walk(field, depth + 1, true)]),
    ])
  }
  return opened(type, () => walk(data, 1, false))
}

const opened = (type: string, walk: () => unknown): Either.Either<unknown, PersonalDataError> => {
  try {
    return Either.right(walk())
  } catch (error) {
    if (!(error instanceof Tampered)) throw error
    return Either.left(
      new PersonalDataError({
        reason: "Tampered",
        type,
        message: `A personal value of event ${type} cannot be decrypted: ${error.message}`,
      }),
    )
  }
}

/** Whether an own key of stored JSON is an escaped reserved key, which {@link unescapeKey} changes. */
const isEscaped = (key: string): boolean => key.charCodeAt(0) === 36 && unescapeKey(key) !== key

/**
 * {@link decrypt} for values the caller owns, such as JSON it has just parsed:
 * the same results, but built in the values themselves (their envelopes replaced
 * where they are) without copying every object, and with each subject's key
 * prepared once for all the values decrypted with the returned function (one
 * read). A value must not be used after it was given.
 *
 * @since 0.1.0
 */
export const decryptorOwned = (
  keys: ReadonlyMap<string, KeyState>,
): ((type: string, data: unknown) => Either.Either<unknown, PersonalDataError>) => {
  const cache = newCache()
  return (type, data) => {
    const walk = (value: unknown, depth: number, sealed: boolean): unknown => {
      if (typeof value !== "object" || value === null) return value
      if (depth > MAX_DEPTH) throw new Tampered(`nested deeper than ${MAX_DEPTH} levels`)
      if (Array.isArray(value)) {
        for (let index = 0; index < value.length; index++) value[index] = walk(value[index], depth + 1, sealed)
        return value
      }
      if (!sealed && isEnvelope(value)) return walk(open(type, value, keys, cache), depth, true)
      const record = value as Record<string, unknown>
      let opened: ReadonlyArray<readonly [string, unknown]> | undefined
      if (ENVELOPE_TAG in record) {
        if (depth !== 1 || sealed) throw new Tampered("malformed envelope")
        opened = openAll(type, record[ENVELOPE_TAG], record, keys)
        delete record[ENVELOPE_TAG]
      }
      const names = Object.keys(record)
      let escaped = false
      for (const name of names) {
        const field = record[name]
        if (isEscaped(name)) escaped = true
        if (typeof field !== "object" || field === null) continue
        const walked = walk(field, depth + 1, sealed)
        // An own "__proto__" key (JSON.parse defines one) is a data property: assigning it sets the key.
        if (walked !== field) record[name] = walked
      }
      if (opened !== undefined) {
        // After the other fields, as decrypt puts them; stored names, unescaped below with the others.
        for (const [name, field] of opened) {
          if (isEscaped(name)) escaped = true
          defineOwn(record, name, walk(field, depth + 1, true))
          names.push(name)
        }
      }
      // A renamed key changes the order of the keys: rebuilt, as decrypt builds it.
      return escaped ? Object.fromEntries(names.map((name) => [unescapeKey(name), record[name]])) : record
    }
    return opened(type, () => walk(data, 1, false))
  }
}

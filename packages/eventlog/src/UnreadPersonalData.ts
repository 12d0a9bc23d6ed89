/**
 * Events read without decrypting their personal fields (a read with
 * `decrypt: false`, for a projection that declares it reads no personal data).
 * Such a field holds no value at all: reading it throws
 * {@link PersonalDataUnread}, so that a reader that said it needs no personal
 * field but reads one fails at once, in its tests, instead of storing a wrong
 * value. It is not `ERASED`, which means the subject's key was destroyed.
 *
 * @since 0.1.0
 */
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as Schema from "effect/Schema"

/**
 * Thrown by a personal field of an event read without decryption when it is read.
 *
 * @since 0.1.0
 */
export class PersonalDataUnread extends Schema.TaggedError<PersonalDataUnread>("@cartable/eventlog/PersonalDataUnread")(
  "PersonalDataUnread",
  {
    type: Schema.String,
    field: Schema.String,
    message: Schema.String,
  },
) {}

/**
 * The personal fields (type side, top level) of each event type of a set of
 * Schemas that has any; computed once per catalogue or projection.
 *
 * @since 0.1.0
 */
export const personalFieldsByType = (
  schemas: Iterable<readonly [string, Schema.Schema.Any]>,
): ReadonlyMap<string, ReadonlyArray<string>> => {
  const found = new Map<string, ReadonlyArray<string>>()
  for (const [type, schema] of schemas) {
    const { fields } = PersonalData.personalFields(schema)
    if (fields.length > 0) found.set(type, fields)
  }
  return found
}

/** The accessors {@link hide} defines, one per type and field, so that {@link isUnread} knows them from any other getter. */
const unreadGetters = new Map<string, () => never>()
const ours = new WeakSet<() => never>()

const unreadGetter = (type: string, field: string): (() => never) => {
  const id = `${type}\u0000${field}`
  const known = unreadGetters.get(id)
  if (known !== undefined) return known
  const get = (): never => {
    throw new PersonalDataUnread({
      type,
      field,
      message: `Field ${field} of event ${type} is personal data and was read without decryption: a reader that declares it reads no personal field (a projection with personal: false) must not read it`,
    })
  }
  unreadGetters.set(id, get)
  ours.add(get)
  return get
}

/** A copy with the same prototype and own properties, each of them configurable. */
const unfrozenCopy = (value: object): object => {
  const copy = Object.create(Object.getPrototypeOf(value)) as object
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
    Object.defineProperty(copy, key, {
      ...descriptor,
      configurable: true,
      ...("value" in descriptor ? { writable: true } : {}),
    })
  }
  return copy
}

/**
 * The event with each of its `fields` that it holds replaced by an accessor
 * that throws {@link PersonalDataUnread}; the other fields are unchanged. With
 * `owned` (a value the caller just decoded) the event is changed in place when
 * it can be; otherwise, or when it is frozen, a copy is. The fields' values are
 * never read.
 *
 * @since 0.1.0
 */
export const hide = <E extends object>(type: string, event: E, fields: ReadonlyArray<string>, owned = false): E => {
  let target: object = event
  for (const field of fields) {
    if (!Object.hasOwn(target, field)) continue
    // Already hidden (the store hid it, a projection hides again): kept.
    if (isUnread(target, field)) continue
    if (target === event && (!owned || !Object.isExtensible(event))) target = unfrozenCopy(event)
    Object.defineProperty(target, field, { get: unreadGetter(type, field), enumerable: true, configurable: true })
  }
  return target as E
}

/**
 * Whether a field of a value is one {@link hide} hid (its value unread), without reading it.
 *
 * @since 0.1.0
 */
export const isUnread = (value: object, field: string): boolean => {
  const get = Object.getOwnPropertyDescriptor(value, field)?.get
  return get !== undefined && ours.has(get as () => never)
}

import * as Text from "@cartable/kernel/Text"
import * as Either from "effect/Either"
import { escapeKey, MAX_DEPTH } from "../PersonalDataCipher.ts"

/** Why a value cannot be stored: what is wrong, and where (`items[3].name`, empty at the root). */
export interface Problem {
  readonly path: string
  readonly message: string
}

// Thrown from where the value is wrong; each level on the way out adds its key to the path,
// so that the walk over good data keeps no path at all.
class Invalid {
  readonly path: Array<string | number> = []
  constructor(readonly message: string) {}
}

const at = (part: string | number, error: unknown): unknown => {
  if (error instanceof Invalid) error.path.unshift(part)
  return error
}

const describe = (value: object): string => {
  const prototype: unknown = Object.getPrototypeOf(value)
  const name =
    typeof prototype === "object" && prototype !== null && typeof prototype.constructor === "function"
      ? prototype.constructor.name
      : ""
  return name === "" ? "an exotic object" : `a ${name} object`
}

const pathOf = (path: ReadonlyArray<string | number>): string =>
  path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`)).join("")

// Module-level walkers, the ancestors passed along: an append runs this once per event.
const walk = (value: unknown, ancestors: Array<object>): unknown => {
  switch (typeof value) {
    case "string":
      if (!Text.isWellFormed(value)) throw new Invalid("a string that is not well-formed UTF-16 (a lone surrogate)")
      return value
    case "number":
      if (!Number.isFinite(value)) throw new Invalid(`${value} is not a finite number, JSON cannot hold it`)
      return value
    case "boolean":
      return value
    case "object":
      if (value === null) return value
      return walkObject(value, ancestors)
    default:
      throw new Invalid(`a ${typeof value} is not JSON`)
  }
}

const walkObject = (value: object, ancestors: Array<object>): unknown => {
  if (ancestors.length >= MAX_DEPTH) {
    throw new Invalid(
      ancestors.includes(value)
        ? "a circular reference"
        : `nested deeper than ${MAX_DEPTH} levels of objects and arrays`,
    )
  }
  ancestors.push(value)
  const stored = Array.isArray(value) ? walkArray(value, ancestors) : walkRecord(value, ancestors)
  ancestors.pop()
  return stored
}

const walkArray = (value: ReadonlyArray<unknown>, ancestors: Array<object>): unknown => {
  let copy: Array<unknown> | undefined
  for (let index = 0; index < value.length; index++) {
    const item = value[index]
    let stored: unknown
    try {
      if (item === undefined) throw new Invalid("undefined (or a hole) in an array, which JSON writes as null")
      stored = walk(item, ancestors)
    } catch (error) {
      throw at(index, error)
    }
    if (stored !== item && copy === undefined) copy = value.slice(0, index)
    copy?.push(stored)
  }
  return copy ?? value
}

const walkRecord = (value: object, ancestors: Array<object>): unknown => {
  const prototype: unknown = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) throw new Invalid(`${describe(value)} is not plain JSON`)
  const record = value as Record<string, unknown>
  let copy: Record<string, unknown> | undefined
  const keys = Object.keys(record)
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!
    const item = record[key]
    const storedKey = escapeKey(key)
    let stored: unknown
    try {
      if (!Text.isWellFormed(key)) throw new Invalid("a key that is not well-formed UTF-16 (a lone surrogate)")
      stored = item === undefined ? undefined : walk(item, ancestors)
    } catch (error) {
      throw at(key, error)
    }
    if (copy === undefined && (stored !== item || storedKey !== key)) {
      copy = {}
      for (const earlier of keys.slice(0, index)) define(copy, escapeKey(earlier), record[earlier])
    }
    if (copy !== undefined && stored !== undefined) define(copy, storedKey, stored)
  }
  return copy ?? value
}

/**
 * Checks that an encoded value is plain JSON that reads back as it was written,
 * and returns its stored form: keys reserved by the cipher escaped (a copy only
 * where a key changed). Refused: numbers that are not finite (JSON writes `null`),
 * strings and keys that are not well-formed UTF-16, `undefined` in arrays, BigInt,
 * functions, symbols, objects that are not plain (a Date, a Map, a class instance),
 * cycles and nesting deeper than `MAX_DEPTH`. A key holding `undefined` is dropped,
 * as JSON does. Never throws, whatever the value.
 */
export const toStored = (value: unknown): Either.Either<unknown, Problem> => {
  try {
    if (value === undefined) return Either.left({ path: "", message: "undefined is not JSON" })
    return Either.right(walk(value, []))
  } catch (error) {
    // A getter or a proxy that throws, or an exhausted stack: refused as well, never thrown.
    return Either.left(
      error instanceof Invalid
        ? { path: pathOf(error.path), message: error.message }
        : { path: "", message: `it cannot be read: ${String(error)}` },
    )
  }
}

// A plain assignment of "__proto__" would set the prototype instead of a key.
const define = (into: Record<string, unknown>, key: string, value: unknown) => {
  Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true })
}

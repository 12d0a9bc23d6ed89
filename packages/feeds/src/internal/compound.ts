/**
 * What every `$`-compound value shares: splitting into an exact number of
 * fields and saying in words why a value does not fit.
 */
import * as Either from "effect/Either"
import * as Malformed from "../AafMalformed.ts"

/** Splits `value` on `$` into exactly `arity` fields, or says why not. */
export const split = (
  value: string,
  arity: number,
  shape: string,
): Either.Either<ReadonlyArray<string>, Malformed.AafMalformed> => {
  const parts = value.split("$")
  return parts.length === arity
    ? Either.right(parts)
    : Either.left(Malformed.value(`"${value}" has ${parts.length} field(s), ${arity} expected (${shape})`))
}

/** The field at `index`, which must not be empty. */
export const required = (
  parts: ReadonlyArray<string>,
  index: number,
  name: string,
  value: string,
): Either.Either<string, Malformed.AafMalformed> => {
  const part = parts[index] ?? ""
  return part === "" ? Either.left(Malformed.value(`"${value}" has an empty ${name}`)) : Either.right(part)
}

/** A 0/1 flag of the format. */
export const flag = (part: string, name: string, value: string): Either.Either<boolean, Malformed.AafMalformed> =>
  part === "1"
    ? Either.right(true)
    : part === "0"
      ? Either.right(false)
      : Either.left(Malformed.value(`"${value}": ${name} is "${part}", 0 or 1 expected`))

/**
 * Where a command reads and writes: `--store sqlite:FILE` or `--store
 * postgres:URL`, else `DATABASE_URL`, else the SQLite file `cartable.db` in the
 * working directory; and the storage layer of that address, its failures
 * turned into the command's errors (a missing file, a bad URL, a store that
 * cannot be reached).
 *
 * @since 0.1.0
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Domain from "@cartable/domain/Domain"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import type * as EventStore from "@cartable/eventlog/EventStore"
import type { ReadModelStore } from "@cartable/projections/ReadModelStore"
import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as CliError from "./CliError.ts"

/**
 * A store's address: a SQLite file (its path as given) or a PostgreSQL URL.
 *
 * @since 0.1.0
 */
export type Address =
  | { readonly _tag: "Sqlite"; readonly filename: string }
  | { readonly _tag: "Postgres"; readonly url: string }

/**
 * The file used when neither `--store` nor `DATABASE_URL` says otherwise.
 *
 * @since 0.1.0
 */
export const defaultFile = "cartable.db"

/**
 * The `--store` option every command takes.
 *
 * @since 0.1.0
 */
export const option: Options.Options<Option.Option<string>> = Options.text("store").pipe(
  Options.withDescription(
    `The store: sqlite:FILE or postgres:URL (default: DATABASE_URL if set, else sqlite:${defaultFile})`,
  ),
  Options.optional,
)

const badAddress = (value: string, why: string) =>
  CliError.make("StoreAddress", `${JSON.stringify(redact(value))} is not a store address: ${why}`)

/** A URL with its password hidden: what a message may show. */
const redact = (value: string): string => value.replace(/(\/\/[^:/@]*:)[^@/]*@/, "$1***@")

const postgres = (value: string, url: string): Either.Either<Address, CliError.CliError> => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return Either.left(badAddress(value, "the URL does not parse (postgres://user:password@host:5432/database)"))
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    return Either.left(badAddress(value, "a PostgreSQL URL starts with postgres:// or postgresql://"))
  }
  if (parsed.hostname === "") return Either.left(badAddress(value, "the URL names no host"))
  return Either.right({ _tag: "Postgres", url })
}

/**
 * Reads an address: `sqlite:FILE`, `postgres:URL`, or a URL starting with
 * `postgres://` or `postgresql://` (as `DATABASE_URL` holds it).
 *
 * @since 0.1.0
 */
export const parse = (value: string): Either.Either<Address, CliError.CliError> => {
  if (/^postgres(ql)?:\/\//.test(value)) return postgres(value, value)
  if (value.startsWith("postgres:")) return postgres(value, value.slice("postgres:".length))
  if (value.startsWith("sqlite:")) {
    const filename = value.slice("sqlite:".length)
    return filename === ""
      ? Either.left(badAddress(value, "sqlite: needs a file name (sqlite:cartable.db)"))
      : Either.right({ _tag: "Sqlite", filename })
  }
  return Either.left(badAddress(value, "write sqlite:FILE or postgres:URL"))
}

/**
 * The address of a command: `--store`, else `DATABASE_URL`, else the default file.
 *
 * @since 0.1.0
 */
export const resolve = (store: Option.Option<string>): Effect.Effect<Address, CliError.CliError> =>
  Effect.suspend(() => {
    if (Option.isSome(store)) return parse(store.value)
    const env = process.env.DATABASE_URL
    if (env !== undefined && env !== "") return parse(env)
    return Either.right({ _tag: "Sqlite" as const, filename: defaultFile })
  })

/**
 * How an address reads in a message, its password hidden.
 *
 * @since 0.1.0
 */
export const describe = (address: Address): string =>
  address._tag === "Sqlite" ? `sqlite:${address.filename}` : `postgres:${redact(address.url)}`

/** The catalogue of the core's events, which every command reads and writes. */
const catalog = EventCatalog.make(Domain.events)

/**
 * The storage of an address: the typed event store and the read-model store on
 * one database. Only `init` passes `create: true`; otherwise a missing SQLite file
 * is `StoreMissing` rather than an empty store created by mistake.
 *
 * @since 0.1.0
 */
export const layer = (
  address: Address,
  options: { readonly create?: boolean } = {},
): Layer.Layer<EventStore.EventStore | ReadModelStore, CliError.CliError> => {
  const unavailable = (error: { readonly message: string }) =>
    CliError.make("StoreUnavailable", `The store ${describe(address)} could not be opened: ${error.message}`, error)
  if (address._tag === "Postgres") {
    return PostgresEventStore.layer({ url: address.url, catalog, maxConnections: 4 }).pipe(Layer.mapError(unavailable))
  }
  const check = Effect.suspend(() => {
    if (options.create === true || Fs.existsSync(address.filename)) return Effect.void
    return Effect.fail(
      CliError.make(
        "StoreMissing",
        `No store at ${Path.resolve(address.filename)}: create it with \`cartable init\`, or name another with --store`,
      ),
    )
  })
  return Layer.unwrapEffect(
    Effect.as(check, SqliteEventStore.layer({ filename: address.filename, catalog }).pipe(Layer.mapError(unavailable))),
  )
}

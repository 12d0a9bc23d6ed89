/**
 * The directory administrators search (BR-ACC-12, seed 003 "Rechercher un
 * utilisateur"): accounts by school, profile, class, group and state, with
 * their relatives and children, found by the first letters of a first or last
 * name, accents and case ignored, a page at a time in a stable order.
 *
 * A relative has one account for all his children (BR-ACC-7): he is one entry,
 * listed once, with his children of every school.
 *
 * Async: see docs/read-models/directory.md.
 *
 * @since 0.1.0
 */
import * as Domain from "@cartable/domain/Domain"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModel from "@cartable/projections/ReadModel"
import type { ReadModelError, ReadModelStore } from "@cartable/projections/ReadModelStore"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Accounts from "./internal/accounts.ts"
import * as Paging from "./internal/paging.ts"
import { nameKeys, searchKey } from "./internal/searchKey.ts"

export {
  /**
   * An account's state as administrators see it (BR-ACC-12).
   *
   * @since 0.1.0
   */
  AccountState,
} from "./internal/accounts.ts"

/**
 * The document of an account in the directory: its row in the read model, as `list` and `get` return it.
 *
 * @since 0.1.0
 */
export const AccountDocument = Accounts.AccountDocument

/**
 * @since 0.1.0
 */
export type AccountDocument = Accounts.AccountDocument

/**
 * The document of a class or group (its kind, name and members).
 *
 * @since 0.1.0
 */
export const GroupDocument = Accounts.GroupDocument

/**
 * @since 0.1.0
 */
export type GroupDocument = Accounts.GroupDocument

/** Between the parts of an index value: below every character a name or an id holds. */
const SEP = "\u001f"
const ANY = "*"

/** Last name then first name, normalised: the alphabetical order of every listing. */
const sortKey = (account: AccountDocument): string => `${searchKey(account.lastName)} ${searchKey(account.firstName)}`

const scopes = (account: AccountDocument): ReadonlyArray<string> => [...account.schools, ANY]

const listingValues = (account: AccountDocument): ReadonlyArray<string> => {
  const state = Accounts.stateOf(account)
  const key = sortKey(account)
  return scopes(account).flatMap((school) =>
    [account.profile, ANY].flatMap((profile) => [state, ANY].map((s) => [school, profile, s, key].join(SEP))),
  )
}

const nameValues = (account: AccountDocument): ReadonlyArray<string> => {
  const keys = [...new Set([...nameKeys(account.firstName), ...nameKeys(account.lastName)])]
  return scopes(account).flatMap((school) => keys.map((key) => `${school}${SEP}${key}`))
}

const memberValues = (account: AccountDocument): ReadonlyArray<string> =>
  [...account.classes, ...account.groups].map((group) => `${group}${SEP}${sortKey(account)}`)

/**
 * The directory's accounts. Indexes: `listing` (school or `*`, profile or `*`,
 * state or `*`, then last and first name), `name` (school or `*`, then each
 * name key of the first and last names), `member` (class or group id, then
 * the names). Placeholders (`provisioned: false`) are under no index.
 *
 * @since 0.1.0
 */
export const AccountsCollection = ReadModel.collection("accounts", {
  document: Accounts.AccountDocument,
  key: (account) => account.id,
  indexes: {
    listing: (account) => (account.provisioned ? listingValues(account) : undefined),
    name: (account) => (account.provisioned ? nameValues(account) : undefined),
    member: (account) => (account.provisioned ? memberValues(account) : undefined),
  },
})

/**
 * The classes and groups the directory knows (their kind decides whether a
 * membership is a class; their members leave with them).
 *
 * @since 0.1.0
 */
export const GroupsCollection = Accounts.GroupsCollection

/**
 * The directory's projection (async in the runtime; see its doc page).
 *
 * @since 0.1.0
 */
export const DirectoryProjection = Projection.make({
  name: "directory",
  version: 1,
  events: Domain.events,
  collections: { accounts: AccountsCollection, groups: GroupsCollection },
  handlers: Accounts.handlers,
})

/**
 * A person as an entry shows him, and his relatives and children.
 *
 * @since 0.1.0
 */
export interface Person {
  readonly id: string
  readonly login: string
  readonly firstName: string
  readonly lastName: string
  readonly profile: AccountDocument["profile"]
  readonly state: Accounts.AccountState
  readonly schools: ReadonlyArray<string>
}

/**
 * An entry of the directory: the person, his classes and groups, his e-mail,
 * his activation code while he has not activated (BR-ACC-2), his relatives and
 * his children (BR-ACC-7).
 *
 * @since 0.1.0
 */
export interface Entry extends Person {
  readonly classes: ReadonlyArray<string>
  readonly groups: ReadonlyArray<string>
  readonly email?: string | undefined
  readonly activationCode?: string | undefined
  readonly relatives: ReadonlyArray<Person>
  readonly children: ReadonlyArray<Person>
}

/**
 * What to list: every filter is optional and they add up. `search` is the
 * first letters of a first or last name (or of one of their words), accents
 * and case ignored. `after` is the `next` of the previous page of the same
 * query; `limit` is 1 to 1,000 (50 by default).
 *
 * @since 0.1.0
 */
export interface Query {
  readonly school?: string | undefined
  readonly profile?: AccountDocument["profile"] | undefined
  readonly state?: Accounts.AccountState | undefined
  readonly classId?: string | undefined
  readonly groupId?: string | undefined
  readonly search?: string | undefined
  readonly after?: string | undefined
  readonly limit?: number | undefined
}

/**
 * A page of entries; `next` is the cursor of the following page, absent on the last.
 *
 * @since 0.1.0
 */
export interface Page {
  readonly entries: ReadonlyArray<Entry>
  readonly next?: string | undefined
}

/**
 * The directory's queries. They take plain filters: who may run them is the
 * Workspace's business.
 *
 * @since 0.1.0
 */
export class Directory extends Context.Tag("@cartable/read-models/Directory")<
  Directory,
  {
    /** The entry of an account, or `undefined` when the directory does not hold it. */
    readonly get: (accountId: string) => Effect.Effect<Entry | undefined, ReadModelError>
    /**
     * A page of entries in a stable order: by last then first name (and id);
     * with `search` alone, by the name key that matched (and id). Each account
     * comes once.
     */
    readonly list: (query?: Query) => Effect.Effect<Page, ReadModelError>
    /** How many accounts a school, profile and state select (each optional): one count of an index, for statistics. */
    readonly count: (query?: CountQuery) => Effect.Effect<number, ReadModelError>
  }
>() {}

/**
 * What {@link Directory} counts: the filters of a listing without a search, a
 * class or a group.
 *
 * @since 0.1.0
 */
export type CountQuery = Pick<Query, "school" | "profile" | "state">

const personOf = (account: AccountDocument): Person => ({
  id: account.id,
  login: account.login,
  firstName: account.firstName,
  lastName: account.lastName,
  profile: account.profile,
  state: Accounts.stateOf(account),
  schools: account.schools,
})

/** Does the account pass the filters the scan's index did not apply? */
const passes = (account: AccountDocument, query: Query, search: string): boolean =>
  account.provisioned &&
  (query.school === undefined || account.schools.includes(query.school)) &&
  (query.profile === undefined || account.profile === query.profile) &&
  (query.state === undefined || Accounts.stateOf(account) === query.state) &&
  (query.classId === undefined || account.classes.includes(query.classId)) &&
  (query.groupId === undefined || account.groups.includes(query.groupId)) &&
  (search === "" ||
    [...nameKeys(account.firstName), ...nameKeys(account.lastName)].some((key) => key.startsWith(search)))

/**
 * Builds the directory's queries over the serving read-model store.
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<Directory["Type"], never, ReadModelStore> = Effect.gen(function* () {
  const accounts = yield* ProjectionRuntime.reader(DirectoryProjection, "accounts")

  const entries = (documents: ReadonlyArray<AccountDocument>) =>
    Effect.gen(function* () {
      const linked = [...new Set(documents.flatMap((account) => [...account.relatives, ...account.children]))]
      const found = new Map((yield* accounts.getMany(linked)).map((account) => [account.id, account]))
      const people = (ids: ReadonlyArray<string>) =>
        ids.flatMap((id) => {
          const account = found.get(id)
          return account?.provisioned ? [personOf(account)] : []
        })
      return documents.map(
        (account): Entry => ({
          ...personOf(account),
          classes: account.classes,
          groups: account.groups,
          email: account.email,
          // BR-ACC-2: the fold drops the code at activation.
          activationCode: account.activationCode,
          relatives: people(account.relatives),
          children: people(account.children),
        }),
      )
    })

  const list = Effect.fn("Directory.list")(function* (query: Query = {}) {
    const limit = Paging.limitOf(query.limit, 50, 1000)
    const search = searchKey(query.search ?? "")
    const member = query.classId ?? query.groupId
    const scan: Paging.Scan<AccountDocument, "listing" | "name" | "member"> =
      member !== undefined
        ? { index: "member", prefix: `${member}${SEP}` }
        : search !== ""
          ? {
              index: "name",
              prefix: `${query.school ?? ANY}${SEP}${search}`,
              // An account found under two of its name keys is given once, at the first.
              valuesOf: nameValues,
            }
          : {
              index: "listing",
              prefix: [query.school ?? ANY, query.profile ?? ANY, query.state ?? ANY, ""].join(SEP),
            }
    const page = yield* Paging.collect(accounts, scan, (account) => passes(account, query, search), {
      after: query.after,
      limit,
    })
    return { entries: yield* entries(page.documents), next: page.next }
  })

  return Directory.of({
    get: (accountId) =>
      Effect.flatMap(accounts.get(accountId), (account) =>
        account?.provisioned ? Effect.map(entries([account]), (found) => found[0]) : Effect.succeed(undefined),
      ).pipe(Effect.withSpan("Directory.get")),
    list,
    count: (query = {}) =>
      accounts
        .count({
          index: "listing",
          prefix: [query.school ?? ANY, query.profile ?? ANY, query.state ?? ANY, ""].join(SEP),
        })
        .pipe(Effect.withSpan("Directory.count")),
  })
})

/**
 * The directory's queries as a layer, over the read-model store the runtime writes.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<Directory, never, ReadModelStore> = Layer.effect(Directory, make)

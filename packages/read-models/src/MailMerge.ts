/**
 * The mail-merge (publipostage, BR-MM-1, seed 003 "Publipostage des comptes"):
 * the accounts of a school filtered by activation state and profile (all by
 * default), sorted by two keys the user chooses (alphabetical by default), the
 * counts the screen shows (selected accounts, those without an e-mail), and the
 * connection sheets as a PDF of 1, 2 or 8 accounts per page.
 *
 * A sheet shows the login, and the activation code while the account is not
 * activated (BR-ACC-2: never after); a relative's sheet lists his children
 * (BR-ACC-7).
 *
 * Only holders of the role "Gestionnaire publipostage" may run it (BR-MM-1):
 * the Workspace checks that; this service takes the filters only.
 *
 * @since 0.1.0
 */
import type { Profile } from "@cartable/domain/AccountEvents"
import * as Domain from "@cartable/domain/Domain"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModel from "@cartable/projections/ReadModel"
import type { ReadModelError, ReadModelStore } from "@cartable/projections/ReadModelStore"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Accounts from "./internal/accounts.ts"
import * as Sheets from "./internal/mailMergePdf.ts"
import { everything } from "./internal/pages.ts"
import { searchKey } from "./internal/searchKey.ts"

const SEP = "\u001f"
const ANY = "*"

/**
 * Activation states the mail-merge filters by (seed 003 "Activation", "Utilisateurs non activés").
 *
 * @since 0.1.0
 */
export const Activation = Schema.Literal("activated", "not-activated")

/**
 * @since 0.1.0
 */
export type Activation = typeof Activation.Type

/**
 * The keys a user sorts by (seed 003 "Triez votre publipostage PDF": class by
 * class, then profile by profile, for instance).
 *
 * @since 0.1.0
 */
export const SortKey = Schema.Literal("name", "firstName", "profile", "class", "login", "createdAt")

/**
 * @since 0.1.0
 */
export type SortKey = typeof SortKey.Type

/**
 * Layouts of the PDF: accounts per page (BR-MM-1).
 *
 * @since 0.1.0
 */
export const PerPage = Schema.Literal(1, 2, 8)

/**
 * @since 0.1.0
 */
export type PerPage = typeof PerPage.Type

/**
 * The PDF of an empty selection: a PDF has at least one page, and ceil(0 / n)
 * is none, so there is no document to give (the screen has nothing to print).
 *
 * @since 0.1.0
 */
export class MailMergeError extends Schema.TaggedError<MailMergeError>("@cartable/read-models/MailMergeError")(
  "MailMergeError",
  { reason: Schema.Literal("EmptySelection"), message: Schema.String },
) {}

const emptySelection = () =>
  new MailMergeError({ reason: "EmptySelection", message: "No account is selected: there is no sheet to print" })

const activationOf = (account: Accounts.AccountDocument): Activation =>
  account.activated ? "activated" : "not-activated"

/** Deleted and pre-deleted accounts cannot log in: nothing to send them (decision). */
const listed = (account: Accounts.AccountDocument) => account.provisioned && !account.deleted && !account.preDeleted

/**
 * The mail-merge's accounts. Index `selection`: school, activation state or
 * `*`, profile or `*`, for every school of the account.
 *
 * @since 0.1.0
 */
export const AccountsCollection = ReadModel.collection("accounts", {
  document: Accounts.AccountDocument,
  key: (account) => account.id,
  indexes: {
    selection: (account) =>
      listed(account)
        ? account.schools.flatMap((school) =>
            [activationOf(account), ANY].flatMap((activation) =>
              [account.profile, ANY].map((profile) => [school, activation, profile].join(SEP)),
            ),
          )
        : undefined,
  },
})

/**
 * The classes and groups, for the class names the sheets print.
 *
 * @since 0.1.0
 */
export const GroupsCollection = Accounts.GroupsCollection

/**
 * The mail-merge's projection (async in the runtime; see its doc page).
 *
 * @since 0.1.0
 */
export const MailMergeProjection = Projection.make({
  name: "mailmerge",
  version: 1,
  events: Domain.events,
  collections: { accounts: AccountsCollection, groups: GroupsCollection },
  handlers: Accounts.handlers,
})

/**
 * A connection sheet: who, his login, his activation code while not activated
 * (BR-ACC-2), his e-mail, his classes, and a relative's children (BR-ACC-7).
 *
 * @since 0.1.0
 */
export interface Sheet {
  readonly id: string
  readonly lastName: string
  readonly firstName: string
  readonly profile: Profile
  readonly login: string
  readonly activated: boolean
  readonly activationCode?: string | undefined
  readonly email?: string | undefined
  readonly classes: ReadonlyArray<string>
  readonly children: ReadonlyArray<{ readonly firstName: string; readonly lastName: string }>
  readonly createdAt?: string | undefined
}

/**
 * The selection: the school, the activation state and the profile (all when
 * absent), and up to two sort keys (alphabetical when absent).
 *
 * @since 0.1.0
 */
export interface Query {
  readonly school: string
  readonly activation?: Activation | undefined
  readonly profile?: Profile | undefined
  readonly sortBy?: readonly [] | readonly [SortKey] | readonly [SortKey, SortKey] | undefined
}

/**
 * The selected sheets, sorted, and the counts the screen shows ("385 comptes
 * sélectionnés au total", "104 comptes sans adresse courriel").
 *
 * @since 0.1.0
 */
export interface Listing {
  readonly sheets: ReadonlyArray<Sheet>
  readonly selected: number
  readonly withoutEmail: number
}

/**
 * How the PDF is laid out: accounts per page, and the address users connect
 * to, printed on every sheet.
 *
 * @since 0.1.0
 */
export interface PdfOptions {
  readonly perPage: PerPage
  readonly connectionAddress?: string | undefined
}

/**
 * The mail-merge's queries. They take the filters only: the permission (the
 * role "Gestionnaire publipostage", BR-MM-1) is checked by the Workspace
 * before it calls them.
 *
 * @since 0.1.0
 */
export class MailMerge extends Context.Tag("@cartable/read-models/MailMerge")<
  MailMerge,
  {
    /** Every selected sheet, sorted, with the counts. */
    readonly list: (query: Query) => Effect.Effect<Listing, ReadModelError>
    /** The selection's sheets as one PDF, `perPage` accounts a page: ceil(n / perPage) pages. */
    readonly pdf: (query: Query, options: PdfOptions) => Effect.Effect<Uint8Array, ReadModelError | MailMergeError>
    /** The PDF of sheets already listed (a selection the user narrowed by hand). */
    readonly pdfOf: (sheets: ReadonlyArray<Sheet>, options: PdfOptions) => Effect.Effect<Uint8Array, MailMergeError>
    /** The same PDF as a stream of chunks, for an HTTP response. */
    readonly pdfStream: (
      query: Query,
      options: PdfOptions,
    ) => Stream.Stream<Uint8Array, ReadModelError | MailMergeError>
  }
>() {}

type Sortable = Sheet & { readonly sortName: string; readonly sortClass: string }

const PROFILE_ORDER: Readonly<Record<Profile, number>> = {
  Student: 0,
  Relative: 1,
  Teacher: 2,
  Personnel: 3,
  Guest: 4,
}

const compareBy =
  (key: SortKey) =>
  (a: Sortable, b: Sortable): number => {
    switch (key) {
      case "name":
        return compare(a.sortName, b.sortName)
      case "firstName":
        return compare(searchKey(a.firstName), searchKey(b.firstName))
      case "profile":
        return PROFILE_ORDER[a.profile] - PROFILE_ORDER[b.profile]
      case "class":
        return compare(a.sortClass, b.sortClass)
      case "login":
        return compare(a.login, b.login)
      case "createdAt":
        return compare(a.createdAt ?? "", b.createdAt ?? "")
    }
  }

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Sorts sheets by the user's keys, then alphabetically (last, first name),
 * then by id, so that the order is total and the same on every store.
 *
 * @since 0.1.0
 */
export const sortSheets = (sheets: ReadonlyArray<Sheet>, keys: ReadonlyArray<SortKey>): ReadonlyArray<Sheet> => {
  const sortable: Array<Sortable> = sheets.map((sheet) => ({
    ...sheet,
    sortName: `${searchKey(sheet.lastName)} ${searchKey(sheet.firstName)}`,
    // An account outside any class sorts after those in one.
    sortClass: sheet.classes.length === 0 ? "\uffff" : searchKey([...sheet.classes].sort()[0]!),
  }))
  const comparators = [...keys, "name" as const].map(compareBy)
  sortable.sort((a, b) => {
    for (const comparator of comparators) {
      const order = comparator(a, b)
      if (order !== 0) return order
    }
    return compare(a.id, b.id)
  })
  return sortable.map(({ sortName: _, sortClass: __, ...sheet }) => sheet)
}

/**
 * Builds the mail-merge's queries over the serving read-model store.
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<MailMerge["Type"], never, ReadModelStore> = Effect.gen(function* () {
  const accounts = yield* ProjectionRuntime.reader(MailMergeProjection, "accounts")
  const groups = yield* ProjectionRuntime.reader(MailMergeProjection, "groups")

  const selection = (query: Query) =>
    everything(
      accounts,
      { index: "selection", equals: [query.school, query.activation ?? ANY, query.profile ?? ANY].join(SEP) },
      1000,
    )

  const list = Effect.fn("MailMerge.list")(function* (query: Query) {
    const documents = yield* selection(query)
    const childIds = [...new Set(documents.flatMap((account) => account.children))]
    const children = new Map<string, Accounts.AccountDocument>()
    for (let i = 0; i < childIds.length; i += 1000) {
      for (const child of yield* accounts.getMany(childIds.slice(i, i + 1000))) children.set(child.id, child)
    }
    const groupKeys = [
      ...new Set(documents.flatMap((account) => account.classes.map((id) => Accounts.groupKey(query.school, id)))),
    ]
    const classNames = new Map<string, string>()
    for (let i = 0; i < groupKeys.length; i += 1000) {
      for (const group of yield* groups.getMany(groupKeys.slice(i, i + 1000))) classNames.set(group.groupId, group.name)
    }
    const sheets = documents.map(
      (account): Sheet => ({
        id: account.id,
        lastName: account.lastName,
        firstName: account.firstName,
        profile: account.profile,
        login: account.login,
        activated: account.activated,
        // BR-ACC-2: the fold drops the code at activation.
        activationCode: account.activationCode,
        email: account.email,
        // Classes of this school only: a sheet goes to one school's families.
        classes: account.classes.flatMap((id) => {
          const name = classNames.get(id)
          return name === undefined ? [] : [name]
        }),
        children: account.children.flatMap((id) => {
          const child = children.get(id)
          return child?.provisioned ? [{ firstName: child.firstName, lastName: child.lastName }] : []
        }),
        createdAt: account.createdAt,
      }),
    )
    return {
      sheets: sortSheets(sheets, query.sortBy ?? []),
      selected: sheets.length,
      withoutEmail: sheets.filter((sheet) => sheet.email === undefined || sheet.email === "").length,
    }
  })

  const pdfOf = (sheets: ReadonlyArray<Sheet>, options: PdfOptions) =>
    sheets.length === 0 ? Effect.fail(emptySelection()) : Sheets.render(sheets, options)

  const pdf = (query: Query, options: PdfOptions) =>
    Effect.flatMap(list(query), (listing) => pdfOf(listing.sheets, options)).pipe(Effect.withSpan("MailMerge.pdf"))

  return MailMerge.of({
    list,
    pdf,
    pdfOf: (sheets, options) => pdfOf(sheets, options).pipe(Effect.withSpan("MailMerge.pdfOf")),
    pdfStream: (query, options) =>
      Stream.unwrap(
        Effect.flatMap(list(query), (listing) =>
          listing.sheets.length === 0
            ? Effect.fail(emptySelection())
            : Effect.succeed(Sheets.stream(listing.sheets, options)),
        ),
      ),
  })
})

/**
 * The mail-merge's queries as a layer, over the read-model store the runtime writes.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<MailMerge, never, ReadModelStore> = Layer.effect(MailMerge, make)

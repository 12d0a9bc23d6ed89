/**
 * A school directory as a distribution would write it: one collection of
 * accounts, found by login prefix, school and status, kept by a projection of
 * the Account events; and statistics per school, kept asynchronously.
 */
import * as Domain from "@cartable/domain/Domain"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as Projection from "@cartable/projections/Projection"
import * as ReadModel from "@cartable/projections/ReadModel"
import * as Schema from "effect/Schema"

export const AccountEntry = Schema.Struct({
  id: Schema.String,
  login: Schema.String,
  lastName: Schema.String,
  schools: Schema.Array(Schema.String),
  status: Schema.Literal("provisioned", "active", "pre-deleted", "deleted"),
})
export type AccountEntry = typeof AccountEntry.Type

export const Accounts = ReadModel.collection("accounts", {
  document: AccountEntry,
  key: (account) => account.id,
  indexes: {
    login: (account) => account.login.toLowerCase(),
    school: (account) => account.schools,
    status: (account) => account.status,
  },
})

/** An erased value reads as `"[erased]"` in a rebuild: the directory shows nothing for it. */
const clear = (value: string): string => (PersonalData.isErased(value) ? "" : value)

export const Directory = Projection.make({
  name: "directory",
  version: 1,
  events: Domain.events,
  collections: { accounts: Accounts },
  handlers: {
    AccountProvisioned: (event, into) =>
      into.accounts.update(event.accountId, (current) => ({
        id: event.accountId,
        login: clear(event.login),
        lastName: clear(event.lastName),
        schools: current?.schools ?? [event.structureId],
        status: current?.status ?? "provisioned",
      })),
    AccountActivated: (event, into) =>
      into.accounts.update(event.accountId, (current) => current && { ...current, status: "active" }),
    AccountAttachedToStructure: (event, into) =>
      into.accounts.update(
        event.accountId,
        (current) => current && { ...current, schools: [...new Set([...current.schools, event.structureId])] },
      ),
    AccountDetachedFromStructure: (event, into) =>
      into.accounts.update(
        event.accountId,
        (current) => current && { ...current, schools: current.schools.filter((s) => s !== event.structureId) },
      ),
    AccountPreDeleted: (event, into) =>
      into.accounts.update(event.accountId, (current) => current && { ...current, status: "pre-deleted" }),
    AccountRestored: (event, into) =>
      into.accounts.update(event.accountId, (current) => current && { ...current, status: "active" }),
    AccountDeleted: (event, into) =>
      into.accounts.update(event.accountId, (current) => current && { ...current, status: "deleted" }),
    // BR-ACC-9: the directory forgets an erased person.
    AccountDataErased: (event, into) => into.accounts.remove(event.accountId),
  },
})

export const SchoolCount = Schema.Struct({
  school: Schema.String,
  provisioned: Schema.Number,
  activated: Schema.Number,
})

export const Schools = ReadModel.collection("schools", { document: SchoolCount, key: (count) => count.school })

/** Where each account was provisioned: the statistics' own lookup, since an activation does not say it. */
export const Members = ReadModel.collection("members", {
  document: Schema.Struct({ account: Schema.String, school: Schema.String }),
  key: (member) => member.account,
})

const counted = (
  school: string,
  current: typeof SchoolCount.Type | undefined,
  provisioned: number,
  activated: number,
) => ({
  school,
  provisioned: (current?.provisioned ?? 0) + provisioned,
  activated: (current?.activated ?? 0) + activated,
})

/**
 * How many accounts each school provisioned and saw activated: kept
 * asynchronously. It reads no personal field, so it declares `personal: false`
 * and its reads decrypt nothing; `personal` and `name` are parameters for the
 * benchmark, which rebuilds it both ways.
 */
export const makeStatistics = (personal = false, name = "statistics") =>
  Projection.make({
    name,
    version: 1,
    events: Domain.events,
    collections: { schools: Schools, members: Members },
    personal,
    handlers: {
      // A re-import provisions an account again: it is counted once.
      AccountProvisioned: (event, into) =>
        into.members.read(event.accountId, (member) =>
          member !== undefined
            ? []
            : [
                into.members.put({ account: event.accountId, school: event.structureId }),
                into.schools.update(event.structureId, (current) => counted(event.structureId, current, 1, 0)),
              ],
        ),
      AccountActivated: (event, into) =>
        into.members.read(event.accountId, (member) =>
          member === undefined
            ? []
            : into.schools.update(member.school, (current) => counted(member.school, current, 0, 1)),
        ),
    },
  })

/** The statistics of the example, reading no personal field. */
export const Statistics = makeStatistics()

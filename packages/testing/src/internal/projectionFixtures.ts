/**
 * Projections of the whole domain for the runtime's tests: one reads every
 * event type (a summary per stream), one reads personal data and forgets it on
 * erasure (a directory of accounts).
 */
import * as Domain from "@cartable/domain/Domain"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as Projection from "@cartable/projections/Projection"
import * as ReadModel from "@cartable/projections/ReadModel"
import * as Schema from "effect/Schema"

export const StreamSummary = Schema.Struct({
  stream: Schema.String,
  category: Schema.String,
  events: Schema.Number,
  lastType: Schema.String,
  lastVersion: Schema.Number,
  positions: Schema.Array(Schema.Number),
})
export type StreamSummary = typeof StreamSummary.Type

export const Streams = ReadModel.collection("streams", {
  document: StreamSummary,
  key: (summary) => summary.stream,
  indexes: { category: (summary) => summary.category, last_type: (summary) => summary.lastType },
})

type DomainTag = keyof typeof Domain.events

/** Every event of the domain counted per stream: a handler for every event type. */
export const streamsProjection = (version = 1) =>
  Projection.make({
    name: "streams",
    version,
    events: Domain.events,
    collections: { streams: Streams },
    handlers: Object.fromEntries(
      (Object.keys(Domain.events) as ReadonlyArray<DomainTag>).map((tag) => [
        tag,
        (
          _event: unknown,
          into: Projection.Writers<{ streams: typeof Streams }>,
          recorded: {
            readonly streamName: string
            readonly type: string
            readonly streamVersion: number
            readonly position: number
          },
        ) =>
          into.streams.update(recorded.streamName, (current) => ({
            stream: recorded.streamName,
            category: recorded.streamName.slice(0, recorded.streamName.indexOf("-")),
            events: (current?.events ?? 0) + 1,
            lastType: recorded.type,
            lastVersion: recorded.streamVersion,
            positions: [...(current?.positions ?? []), recorded.position],
          })),
      ]),
    ) as Projection.Handlers<typeof Domain.events, { streams: typeof Streams }>,
  })

export const AccountEntry = Schema.Struct({
  id: Schema.String,
  profile: Schema.String,
  login: Schema.String,
  firstName: Schema.String,
  lastName: Schema.String,
  status: Schema.Literal("provisioned", "active", "blocked", "pre-deleted", "deleted"),
  erased: Schema.Boolean,
})
export type AccountEntry = typeof AccountEntry.Type

export const Accounts = ReadModel.collection("accounts", {
  document: AccountEntry,
  key: (account) => account.id,
  indexes: {
    login: (account) => (account.erased ? undefined : account.login.toLowerCase()),
    profile: (account) => account.profile,
    status: (account) => account.status,
  },
})

const text = (value: string): string => (PersonalData.isErased(value) ? "" : value)

/** A directory of accounts with their names: what erasure must empty. */
export const directoryProjection = (version = 1) =>
  Projection.make({
    name: "directory",
    version,
    events: Domain.events,
    collections: { accounts: Accounts },
    handlers: {
      AccountProvisioned: (event, into) =>
        into.accounts.update(event.accountId, (current) => ({
          id: event.accountId,
          profile: event.profile,
          login: text(event.login),
          firstName: text(event.firstName),
          lastName: text(event.lastName),
          status: current?.status ?? "provisioned",
          erased: current?.erased ?? false,
        })),
      AccountIdentityUpdated: (event, into) =>
        into.accounts.update(event.accountId, (current) =>
          current === undefined || current.erased
            ? current
            : { ...current, firstName: text(event.firstName), lastName: text(event.lastName) },
        ),
      AccountActivated: (event, into) =>
        into.accounts.update(event.accountId, (current) => current && { ...current, status: "active" }),
      AccountBlocked: (event, into) =>
        into.accounts.update(event.accountId, (current) => current && { ...current, status: "blocked" }),
      AccountPreDeleted: (event, into) =>
        into.accounts.update(event.accountId, (current) => current && { ...current, status: "pre-deleted" }),
      AccountDeleted: (event, into) =>
        into.accounts.update(event.accountId, (current) => current && { ...current, status: "deleted" }),
      AccountDataErased: (event, into) =>
        into.accounts.update(
          event.accountId,
          (current) => current && { ...current, login: "", firstName: "", lastName: "", erased: true },
        ),
    },
  })

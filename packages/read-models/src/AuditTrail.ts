/**
 * The audit trail: who did what, and when, as an administrator consults it, per
 * account (what he did, what was done about him) and per school. One entry per
 * event of the log: its type, the stream it changed, the acting account and the
 * date from its metadata. Personal data it shows (names, login, e-mail) reads
 * as `PersonalData.ERASED` once the person's data was erased (BR-ACC-9).
 *
 * @since 0.1.0
 */
import * as Domain from "@cartable/domain/Domain"
import type { RecordedEvent } from "@cartable/eventlog/RecordedEvent"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModel from "@cartable/projections/ReadModel"
import type { ReadModelError, ReadModelStore } from "@cartable/projections/ReadModelStore"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { accountsOf, ownSchoolsOf, personalOf, streamSchoolsOf } from "./internal/eventFacts.ts"
import { ascending, descending, distinct, joined, prefixOf } from "./internal/ordering.ts"

/**
 * One line of the trail. `stream` is the aggregate changed (`Account-acc-1`),
 * `subject` its id; `accounts` and `schools` are what the event is about and
 * where; `personal` the event's personal values the trail shows.
 *
 * @since 0.1.0
 */
export const AuditEntry = Schema.Struct({
  position: Schema.Number,
  type: Schema.String,
  stream: Schema.String,
  subject: Schema.String,
  actor: Schema.optional(Schema.String),
  occurredAt: Schema.DateTimeUtc,
  accounts: Schema.Array(Schema.String),
  schools: Schema.Array(Schema.String),
  personal: Schema.Record({ key: Schema.String, value: Schema.String }),
})
/** @since 0.1.0 */
export type AuditEntry = typeof AuditEntry.Type

const newest = (entry: AuditEntry) => descending(entry.position)

/**
 * The entries, newest first: by actor, by account concerned, by school, and all.
 *
 * @since 0.1.0
 */
export const Entries = ReadModel.collection("entries", {
  document: AuditEntry,
  key: (entry) => ascending(entry.position),
  indexes: {
    actor: (entry) => (entry.actor === undefined ? undefined : joined(entry.actor, newest(entry))),
    account: (entry) => entry.accounts.map((account) => joined(account, newest(entry))),
    school: (entry) => entry.schools.map((school) => joined(school, newest(entry))),
    newest,
  },
})

/**
 * The schools each stream is tied to (an account's, a report's, a homework
 * book's), so that its later events land in those schools' trails.
 *
 * @since 0.1.0
 */
export const Streams = ReadModel.collection("streams", {
  document: Schema.Struct({ stream: Schema.String, schools: Schema.Array(Schema.String) }),
  key: (stream) => stream.stream,
})

/**
 * The entries that hold each person's personal data, so that his erasure reaches them.
 *
 * @since 0.1.0
 */
export const Subjects = ReadModel.collection("subjects", {
  document: Schema.Struct({ accountId: Schema.String, entries: Schema.Array(Schema.String) }),
  key: (subject) => subject.accountId,
})

const collections = { entries: Entries, streams: Streams, subjects: Subjects }
type Into = Projection.Writers<typeof collections>

const erased = (entry: AuditEntry): AuditEntry => ({
  ...entry,
  personal: Object.fromEntries(Object.keys(entry.personal).map((field) => [field, PersonalData.ERASED])),
})

/** The changes of any event: its entry, its stream's schools, whose data it holds, and an erasure's reach. */
const audit = (event: { readonly _tag: string }, into: Into, recorded: RecordedEvent) => {
  const fields = event as unknown as Readonly<Record<string, unknown>>
  const stream = recorded.streamName
  const { add, remove } = streamSchoolsOf(recorded.type, fields)
  const personal = personalOf(recorded.type, fields)
  const key = ascending(recorded.position)
  return into.streams.read(stream, (tied) => {
    const before = tied?.schools ?? []
    const after = distinct([...before, ...add]).filter((school) => !remove.includes(school))
    const entry: AuditEntry = {
      position: recorded.position,
      type: recorded.type,
      stream,
      subject: stream.slice(stream.indexOf("-") + 1),
      ...(recorded.metadata.actor === undefined ? {} : { actor: recorded.metadata.actor }),
      occurredAt: recorded.metadata.occurredAt,
      accounts: distinct(accountsOf(fields)),
      schools: distinct([...before, ...add, ...ownSchoolsOf(fields)]),
      personal: personal.values,
    }
    return [
      into.entries.put(entry),
      ...(add.length > 0 || remove.length > 0 ? [into.streams.put({ stream, schools: after })] : []),
      ...(personal.subject === undefined
        ? []
        : [
            into.subjects.update(personal.subject, (current) => ({
              accountId: personal.subject!,
              entries: distinct([...(current?.entries ?? []), key]),
            })),
          ]),
      // BR-ACC-9: what the trail showed of the person reads as erased; who did what stays.
      ...(recorded.type === "AccountDataErased" && typeof fields.accountId === "string"
        ? [
            into.subjects.read(fields.accountId, (subject) =>
              (subject?.entries ?? []).map((held) =>
                into.entries.update(held, (current) => current && erased(current)),
              ),
            ),
          ]
        : []),
    ]
  })
}

/**
 * The projection of the audit trail, over every event of the core. Run it
 * async: it writes on every append, and nobody decides on it right after a command.
 *
 * @since 0.1.0
 */
export const AuditTrailProjection = Projection.make({
  name: "audit_trail",
  // 2: a structured personal value (a schooling) shows as its JSON, so that its erasure shows too.
  version: 2,
  events: Domain.events,
  collections,
  handlers: Object.fromEntries(Object.keys(Domain.events).map((type) => [type, audit])) as Projection.Handlers<
    typeof Domain.events,
    typeof collections
  >,
})

/**
 * A page of the trail: `next` is the cursor of the following page.
 *
 * @since 0.1.0
 */
export interface AuditPage {
  readonly entries: ReadonlyArray<AuditEntry>
  readonly next?: string | undefined
}

/**
 * Paging of a trail query; `limit` defaults to 50.
 *
 * @since 0.1.0
 */
export interface Paging {
  readonly after?: string | undefined
  readonly limit?: number | undefined
}

/**
 * @since 0.1.0
 */
export declare namespace AuditTrail {
  /**
   * The queries of the audit trail, each newest first.
   *
   * @since 0.1.0
   */
  export interface Service {
    /** What an account did (the events whose metadata names it as actor). */
    readonly byActor: (query: Paging & { readonly accountId: string }) => Effect.Effect<AuditPage, ReadModelError>
    /** What was done about an account: its own events, and those naming it (a group's member, a reporter...). */
    readonly aboutAccount: (query: Paging & { readonly accountId: string }) => Effect.Effect<AuditPage, ReadModelError>
    /** What happened in a school: its structure's events and those of its accounts, reports and homework books. */
    readonly bySchool: (query: Paging & { readonly structureId: string }) => Effect.Effect<AuditPage, ReadModelError>
    /** Everything, for the platform. */
    readonly all: (query?: Paging) => Effect.Effect<AuditPage, ReadModelError>
  }
}

/**
 * The audit trail's query service.
 *
 * @since 0.1.0
 */
export class AuditTrail extends Context.Tag("@cartable/read-models/AuditTrail")<AuditTrail, AuditTrail.Service>() {}

/**
 * Builds the query service over the serving version of the projection.
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<AuditTrail.Service, ReadModelError, ReadModelStore> = Effect.gen(function* () {
  const entries = yield* ProjectionRuntime.readerOf([AuditTrailProjection], "entries")
  const page = (index: "actor" | "account" | "school" | "newest", prefix: string, paging: Paging | undefined) =>
    Effect.map(
      entries.find({ index, prefix, after: paging?.after, limit: paging?.limit ?? 50 }),
      (found): AuditPage => ({ entries: found.documents, next: found.next }),
    )
  return {
    byActor: (query) => page("actor", prefixOf(query.accountId), query).pipe(Effect.withSpan("AuditTrail.byActor")),
    aboutAccount: (query) =>
      page("account", prefixOf(query.accountId), query).pipe(Effect.withSpan("AuditTrail.aboutAccount")),
    bySchool: (query) =>
      page("school", prefixOf(query.structureId), query).pipe(Effect.withSpan("AuditTrail.bySchool")),
    all: (query) => page("newest", "", query).pipe(Effect.withSpan("AuditTrail.all")),
  }
})

/**
 * The query service as a layer, over the read-model store.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<AuditTrail, ReadModelError, ReadModelStore> = Layer.effect(AuditTrail, make)

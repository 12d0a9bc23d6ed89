/**
 * The report queue (gestion des signalements): every report, open or handled,
 * in the queue of each administration scope that covers its school, from the
 * location recorded on the report (BR-SIG-2), with who reported and when, and
 * who decided what and when (BR-SIG-3). Nothing leaves it: dismissing one's
 * alert keeps the report retrievable (BR-SIG-4).
 *
 * @since 0.1.0
 */
import type { Location } from "@cartable/domain/Actor"
import * as Domain from "@cartable/domain/Domain"
import { AccountId, ReportId, StructureId } from "@cartable/domain/Ids"
import { ReportDecision, ReportedContent } from "@cartable/domain/ReportEvents"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModel from "@cartable/projections/ReadModel"
import type { ReadModelError, ReadModelStore } from "@cartable/projections/ReadModelStore"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { distinct, joined, newestFirst, prefixOf } from "./internal/ordering.ts"

/**
 * An administration scope whose queue is read: a school's, a district's, a
 * department's or an academy's administrators (with the structure they
 * administer), or the platform vendor's.
 *
 * @since 0.1.0
 */
export const Scope = Schema.Union(
  Schema.Struct({ level: Schema.Literal("School", "District", "Department", "Academy"), scopeId: StructureId }),
  Schema.Struct({ level: Schema.Literal("Platform") }),
)
/** @since 0.1.0 */
export type Scope = typeof Scope.Type

/**
 * Where a report stands: open until an administrator keeps or deletes the content.
 *
 * @since 0.1.0
 */
export const Status = Schema.Literal("Open", "Handled")
/** @since 0.1.0 */
export type Status = typeof Status.Type

/**
 * Who decided what, and when (BR-SIG-3).
 *
 * @since 0.1.0
 */
export const Handling = Schema.Struct({
  decision: ReportDecision,
  handledBy: AccountId,
  handledAt: Schema.DateTimeUtc,
  blockAuthor: Schema.Boolean,
})
/** @since 0.1.0 */
export type Handling = typeof Handling.Type

/**
 * One report as an administrator sees it. The reporter's comment is his
 * personal data: it is gone once his data is erased (BR-ACC-9).
 *
 * @since 0.1.0
 */
export const ReportEntry = Schema.Struct({
  reportId: ReportId,
  structureId: StructureId,
  districtId: Schema.optional(StructureId),
  departmentId: Schema.optional(StructureId),
  academyId: Schema.optional(StructureId),
  content: ReportedContent,
  reportedBy: AccountId,
  reportedAt: Schema.DateTimeUtc,
  comment: Schema.optional(Schema.String),
  status: Status,
  handling: Schema.optional(Handling),
  alertDismissedBy: Schema.Array(AccountId),
})
/** @since 0.1.0 */
export type ReportEntry = typeof ReportEntry.Type

/** The scopes whose administrators cover a school at this location (Actor.covers, BR-SIG-2). */
const scopesOf = (location: Location): ReadonlyArray<string> => [
  joined("School", location.structureId),
  ...(location.districtId === undefined ? [] : [joined("District", location.districtId)]),
  ...(location.departmentId === undefined ? [] : [joined("Department", location.departmentId)]),
  ...(location.academyId === undefined ? [] : [joined("Academy", location.academyId)]),
  "Platform",
]

const scopeKey = (scope: Scope): string =>
  scope.level === "Platform" ? "Platform" : joined(scope.level, scope.scopeId)

/**
 * The reports, found by scope (newest first), by scope and status, and by reporter.
 *
 * @since 0.1.0
 */
export const Reports = ReadModel.collection("reports", {
  document: ReportEntry,
  key: (report) => report.reportId,
  indexes: {
    scope: (report) => scopesOf(report).map((scope) => joined(scope, newestFirst(report.reportedAt))),
    scope_status: (report) =>
      scopesOf(report).map((scope) => joined(scope, report.status, newestFirst(report.reportedAt))),
  },
})

/**
 * The reports each account made, so that erasing his data reaches their comments.
 *
 * @since 0.1.0
 */
export const Reporters = ReadModel.collection("reporters", {
  document: Schema.Struct({ accountId: AccountId, reportIds: Schema.Array(ReportId) }),
  key: (reporter) => reporter.accountId,
})

/** A rebuild after erasure reads the comment as `"[erased]"`: the same as no comment. */
const clear = (comment: string | undefined): string | undefined =>
  comment === undefined || PersonalData.isErased(comment) ? undefined : comment

const withoutComment = ({ comment: _, ...report }: ReportEntry): ReportEntry => report

/**
 * The projection of the report queue, from the Report events and the erasure.
 * Run it inline: it writes one document per Report event, and the administrator
 * who just handled a report sees his decision in the queue at once.
 *
 * @since 0.1.0
 */
export const ReportQueueProjection = Projection.make({
  name: "report_queue",
  version: 1,
  events: Domain.events,
  collections: { reports: Reports, reporters: Reporters },
  handlers: {
    ContentReported: (event, into) => {
      const comment = clear(event.comment)
      return [
        into.reports.update(
          event.reportId,
          (current) =>
            current ?? {
              reportId: event.reportId,
              structureId: event.location.structureId,
              ...(event.location.districtId === undefined ? {} : { districtId: event.location.districtId }),
              ...(event.location.departmentId === undefined ? {} : { departmentId: event.location.departmentId }),
              ...(event.location.academyId === undefined ? {} : { academyId: event.location.academyId }),
              content: event.content,
              reportedBy: event.reportedBy,
              reportedAt: event.reportedAt,
              ...(comment === undefined ? {} : { comment }),
              status: "Open",
              alertDismissedBy: [],
            },
        ),
        into.reporters.update(event.reportedBy, (current) => ({
          accountId: event.reportedBy,
          reportIds: distinct([...(current?.reportIds ?? []), event.reportId]),
        })),
      ]
    },
    // A report is handled once (BR-SIG-3): the first handling stays.
    ReportHandled: (event, into) =>
      into.reports.update(
        event.reportId,
        (current) =>
          current &&
          (current.handling !== undefined
            ? current
            : {
                ...current,
                status: "Handled",
                handling: {
                  decision: event.decision,
                  handledBy: event.handledBy,
                  handledAt: event.handledAt,
                  blockAuthor: event.blockAuthor,
                },
              }),
      ),
    // BR-SIG-4: dismissing the alert keeps the report in the queue.
    ReportAlertDismissed: (event, into) =>
      into.reports.update(
        event.reportId,
        (current) =>
          current && { ...current, alertDismissedBy: distinct([...current.alertDismissedBy, event.dismissedBy]) },
      ),
    // BR-ACC-9: the reporter's comments go; the reports stay, they are the school's history.
    AccountDataErased: (event, into) =>
      into.reporters.read(event.accountId, (reporter) =>
        (reporter?.reportIds ?? []).map((reportId) =>
          into.reports.update(reportId, (current) => current && withoutComment(current)),
        ),
      ),
  },
})

/**
 * A page of reports: `next` is the cursor of the following page.
 *
 * @since 0.1.0
 */
export interface ReportPage {
  readonly reports: ReadonlyArray<ReportEntry>
  readonly next?: string | undefined
}

/**
 * What a queue is read with: a scope, a status (both by default), and paging.
 *
 * @since 0.1.0
 */
export interface QueueFilter {
  readonly scope: Scope
  readonly status?: Status | undefined
}

/**
 * @since 0.1.0
 */
export declare namespace ReportQueue {
  /**
   * The queries of the report queue.
   *
   * @since 0.1.0
   */
  export interface Service {
    /** The reports of a scope, newest first (then by report id), open, handled or both, a page at a time (`limit` defaults to 50). */
    readonly list: (
      filter: QueueFilter & { readonly after?: string | undefined; readonly limit?: number | undefined },
    ) => Effect.Effect<ReportPage, ReadModelError>
    /** How many reports a scope's queue holds, by status or in all. */
    readonly count: (filter: QueueFilter) => Effect.Effect<number, ReadModelError>
    /** One report, whichever scope it is in. */
    readonly get: (reportId: ReportId) => Effect.Effect<ReportEntry | undefined, ReadModelError>
  }
}

/**
 * The report queue's query service.
 *
 * @since 0.1.0
 */
export class ReportQueue extends Context.Tag("@cartable/read-models/ReportQueue")<ReportQueue, ReportQueue.Service>() {}

const queryOf = (filter: QueueFilter) =>
  filter.status === undefined
    ? { index: "scope" as const, prefix: prefixOf(scopeKey(filter.scope)) }
    : { index: "scope_status" as const, prefix: prefixOf(scopeKey(filter.scope), filter.status) }

/**
 * Builds the query service over the serving version of the projection.
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<ReportQueue.Service, ReadModelError, ReadModelStore> = Effect.gen(function* () {
  const reports = yield* ProjectionRuntime.readerOf([ReportQueueProjection], "reports")
  return {
    list: Effect.fn("ReportQueue.list")(function* (filter) {
      const page = yield* reports.find({ ...queryOf(filter), after: filter.after, limit: filter.limit ?? 50 })
      return { reports: page.documents, next: page.next }
    }),
    count: (filter) => reports.count(queryOf(filter)).pipe(Effect.withSpan("ReportQueue.count")),
    get: (reportId) => reports.get(reportId).pipe(Effect.withSpan("ReportQueue.get")),
  }
})

/**
 * The query service as a layer, over the read-model store.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<ReportQueue, ReadModelError, ReadModelStore> = Layer.effect(ReportQueue, make)

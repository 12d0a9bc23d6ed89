/**
 * One school's ENT on one SQLite file, wired from the library's public modules
 * only: the Workspace over the projection runtime (the facts, the report queue,
 * the withdrawals, the mailboxes, the announcements and the managers' due dates
 * inline; the directory, the mail-merge, the rosters, the homework books, the
 * sections' contents and the news feed async), the process managers
 * on the runtime's reactors with a scheduler whose ticks the story gives (a
 * simulated clock), local sign-in (argon2id) with the identity store on the
 * same file, and the mail-merge behind its role.
 *
 * @since 0.1.0
 */
import * as Domain from "@cartable/domain/Domain"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as Identity from "@cartable/identity/Identity"
import * as Mailer from "@cartable/identity/Mailer"
import * as Argon2Hasher from "@cartable/idp-local/Argon2Hasher"
import * as LocalProvider from "@cartable/idp-local/LocalProvider"
import * as ClockTick from "@cartable/managers/ClockTick"
import * as CommunicationPublication from "@cartable/managers/CommunicationPublication"
import * as Deletions from "@cartable/managers/Deletions"
import * as Erasures from "@cartable/managers/Erasures"
import * as ReportFollowUp from "@cartable/managers/ReportFollowUp"
import * as Scheduler from "@cartable/managers/Scheduler"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as Announcements from "@cartable/read-models/Announcements"
import * as Authorization from "@cartable/read-models/Authorization"
import * as Directory from "@cartable/read-models/Directory"
import * as HomeworkBooks from "@cartable/read-models/HomeworkBooks"
import * as Mailboxes from "@cartable/read-models/Mailboxes"
import * as MailMerge from "@cartable/read-models/MailMerge"
import * as NewsFeed from "@cartable/read-models/NewsFeed"
import * as ReportQueue from "@cartable/read-models/ReportQueue"
import * as Rosters from "@cartable/read-models/Rosters"
import * as SectionContents from "@cartable/read-models/SectionContents"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import * as MailMergeAccess from "@cartable/workspace/MailMergeAccess"
import * as Workspace from "@cartable/workspace/Workspace"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * Where the ENT keeps its data and what its password hashes cost.
 *
 * @since 0.1.0
 */
export interface Options {
  /** The SQLite file of the log, the read models, the subject keys and the identity store (`:memory:` too). */
  readonly filename: string
  /** argon2id's cost (OWASP's defaults: 19 MiB, 2 passes); tests pass a cheaper one. */
  readonly hasher?: Argon2Hasher.Parameters | undefined
}

/**
 * The core's events and the clock ticks the managers react to, in one catalogue.
 *
 * @since 0.1.0
 */
export const catalog = EventCatalog.make({ ...Domain.events, ...ClockTick.events })

/**
 * The read models the story queries, run in background fibers (the story
 * catches them up before it reads, as a screen would refresh).
 *
 * @since 0.1.0
 */
export const asyncProjections = [
  Directory.DirectoryProjection,
  MailMerge.MailMergeProjection,
  Rosters.RostersProjection,
  HomeworkBooks.HomeworkBooksProjection,
  SectionContents.SectionContentsProjection,
  NewsFeed.NewsFeedProjection,
]

/**
 * The whole stack: Workspace, Identity flows, MailMergeAccess, the read models'
 * query services, the scheduler and the managers, over one SQLite file.
 *
 * @since 0.1.0
 */
export const layer = (options: Options) =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      // The library's defaults: pre-deleted accounts deleted after 90 days, erased 30 days later.
      const deletions = yield* Deletions.make()
      const erasures = yield* Erasures.make()
      const runtime = ProjectionRuntime.layer({
        inline: [
          Authorization.AuthorizationProjection,
          ReportQueue.ReportQueueProjection,
          NewsFeed.FeedWithdrawals,
          // The mailboxes and the home pages' announcements, as docs/messaging.md wires them.
          Mailboxes.MailboxesProjection,
          Announcements.AnnouncementsProjection,
          deletions.projection,
          erasures.projection,
          CommunicationPublication.projection,
        ],
        async: asyncProjections,
        // No background fibers: the story catches the read models and the managers up when it reads,
        // so that what it prints follows from what it did, in order.
        background: false,
        reactors: [deletions.reactor, erasures.reactor, ReportFollowUp.reactor, CommunicationPublication.reactor],
      })
      // The Authorization facts under the runtime: the report's follow-up reads them.
      const readModels = Layer.mergeAll(
        Directory.layer,
        MailMerge.layer,
        Rosters.layer,
        HomeworkBooks.layer,
        ReportQueue.layer,
        SectionContents.layer,
        NewsFeed.layer,
        Mailboxes.layer,
        Announcements.layer,
      ).pipe(
        Layer.provideMerge(runtime),
        Layer.provideMerge(Authorization.layer),
        Layer.provideMerge(SqliteEventStore.layer({ filename: options.filename, catalog })),
      )
      const entry = Layer.mergeAll(Workspace.layer, MailMergeAccess.layer, Scheduler.layer).pipe(
        Layer.provideMerge(readModels),
      )
      const signIn = Identity.layer({}).pipe(
        Layer.provideMerge(
          Layer.mergeAll(
            LocalProvider.layer.pipe(Layer.provideMerge(Argon2Hasher.layer(options.hasher))),
            SqliteEventStore.layerIdentityStore,
            // No recovery e-mail in this story; @cartable/mail-smtp's Mailer in production.
            Mailer.layerOutbox,
          ),
        ),
      )
      return signIn.pipe(Layer.provideMerge(entry))
    }),
  )

/**
 * A school for the managers' tests: the feed registers it and provisions
 * pupils; the stack runs the managers' read models inline (with the
 * Authorization facts) and their reactors on the projection runtime, without
 * background fibers, so that a test says when each runner catches up.
 */
import * as Domain from "@cartable/domain/Domain"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as ClockTick from "@cartable/managers/ClockTick"
import * as CommunicationPublication from "@cartable/managers/CommunicationPublication"
import * as Deletions from "@cartable/managers/Deletions"
import * as Erasures from "@cartable/managers/Erasures"
import * as ReportFollowUp from "@cartable/managers/ReportFollowUp"
import * as Scheduler from "@cartable/managers/Scheduler"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as Announcements from "@cartable/read-models/Announcements"
import * as Authorization from "@cartable/read-models/Authorization"
import * as Mailboxes from "@cartable/read-models/Mailboxes"
import * as NewsFeed from "@cartable/read-models/NewsFeed"
import * as Workspace from "@cartable/workspace/Workspace"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

export const catalog = EventCatalog.make({ ...Domain.events, ...ClockTick.events })

export const deletions = Effect.runSync(Deletions.make())
export const erasures = Effect.runSync(Erasures.make())

/** The managers' stack over a storage (built once per runner: two stacks over one storage are two runners). */
export const stack = (
  managers: { readonly deletions: Deletions.Deletions; readonly erasures: Erasures.Erasures },
  options: Pick<ProjectionRuntime.Options, "background" | "pollInterval" | "leaseTtl"> = {},
) =>
  Layer.mergeAll(Workspace.layer, Scheduler.layer).pipe(
    Layer.provideMerge(
      ProjectionRuntime.layer({
        inline: [
          Authorization.AuthorizationProjection,
          NewsFeed.FeedWithdrawals,
          managers.deletions.projection,
          managers.erasures.projection,
        ],
        reactors: [managers.deletions.reactor, managers.erasures.reactor, ReportFollowUp.reactor],
        background: false,
        ...options,
      }),
    ),
    Layer.provideMerge(Authorization.layer),
  )

/**
 * Targeted communication's stack over a fresh memory storage: the publication manager's projection and
 * reactor, the announcements and mailboxes read models inline with the Authorization facts.
 */
export const publicationStack = () =>
  Layer.mergeAll(Workspace.layer, Scheduler.layer, Announcements.layer, Mailboxes.layer).pipe(
    Layer.provideMerge(
      ProjectionRuntime.layer({
        inline: [
          Authorization.AuthorizationProjection,
          CommunicationPublication.projection,
          Announcements.AnnouncementsProjection,
          Mailboxes.MailboxesProjection,
        ],
        reactors: [CommunicationPublication.reactor],
        background: false,
      }),
    ),
    Layer.provideMerge(Authorization.layer),
    Layer.provideMerge(memory()),
  )

/** A fresh log and read-model store in memory. */
export const memory = () =>
  EventStore.layer(catalog).pipe(
    Layer.provideMerge(Layer.merge(ReadModelStore.layerMemoryWithDriver, SubjectKeyStore.layerMemory)),
  )

export const school = "0571994H"
export const start = DateTime.unsafeMake("2026-09-01T00:00:00Z")
export const context = { occurredAt: start }
export const pupilIds = (n: number) => Array.from({ length: n }, (_, i) => `pupil-${i + 1}`)

/** The school and its pupils, from the feed. */
export const setup = (pupils: ReadonlyArray<string>, staff: ReadonlyArray<string> = []) =>
  Effect.gen(function* () {
    const feed = (yield* Workspace.Workspace).system("aaf-import")
    yield* feed.handle(
      {
        _tag: "RegisterStructure",
        structureId: school,
        uai: school,
        name: "Collège Jean Moulin",
        kind: "SecondarySchool",
        districtId: "circo-metz-1",
        departmentId: "dsden-57",
        academyId: "ac-nancy-metz",
      },
      context,
    )
    for (const [n, accountId] of [...pupils, ...staff].entries()) {
      yield* feed.handle(
        {
          _tag: "ProvisionAccount",
          accountId,
          profile: n < pupils.length ? "Student" : "Personnel",
          origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${accountId}` },
          structureId: school,
          login: `eleve.numero${n + 1}`,
          firstName: "Camille",
          lastName: "Martin",
          activationCode: "3n6g8fmj",
        },
        context,
      )
    }
  })

/** The events of an account's stream, with their instants. */
export const accountHistory = (accountId: string) =>
  Effect.flatMap(EventStore.EventStore, (store) =>
    Effect.map(store.readStream(StreamName.make("Account", accountId)), (events) =>
      events.map((recorded) => ({ type: recorded.type, at: recorded.metadata.occurredAt, recorded })),
    ),
  )

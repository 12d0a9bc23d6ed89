/**
 * The news feed (fil de nouveautés): each account's notifications, newest
 * first, derived from the events users see: a session recorded or rewritten in
 * a class's homework book notifies the class's members, a visa the teachers
 * whose sessions it freezes, a report the administrators it alerts (BR-SIG-2).
 * Relatives follow their children's homework books (BR-ACC-7). A publication
 * put online in a section (rubrique) notifies the accounts its grants name: the
 * accounts, the members of the groups and the accounts of the profiles in the
 * section's school (BR-RUB-1), and leaves their feeds when it is deleted.
 * A notification deleted by a report's handling leaves every feed at once
 * (BR-SIG-3) while the content it points to stays.
 *
 * @since 0.1.0
 */
import { Profile } from "@cartable/domain/AccountEvents"
import * as Domain from "@cartable/domain/Domain"
import type { HomeworkBookEvent } from "@cartable/domain/HomeworkBookEvents"
import { VisaScope } from "@cartable/domain/HomeworkBookEvents"
import * as HomeworkBookQueries from "@cartable/domain/HomeworkBookQueries"
import { AccountId, GroupId, HomeworkBookId, ReportId, SessionId, StructureId, SubjectCode } from "@cartable/domain/Ids"
import { ReportedContent } from "@cartable/domain/ReportEvents"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import * as SectionEvents from "@cartable/domain/SectionEvents"
import type { RecordedEvent } from "@cartable/eventlog/RecordedEvent"
import type { Change, Writer } from "@cartable/projections/Projection"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModel from "@cartable/projections/ReadModel"
import type { ReadModelError, ReadModelStore } from "@cartable/projections/ReadModelStore"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Audiences from "./internal/audiences.ts"
import { descending, distinct, joined, keyOf, prefixOf } from "./internal/ordering.ts"
import { readEach } from "./internal/reads.ts"

/**
 * What a notification points to: a session of a homework book, a visa placed
 * on one, or a report to handle (with who reported and when, BR-SIG-2).
 *
 * @since 0.1.0
 */
export const About = Schema.Union(
  Schema.TaggedStruct("Session", {
    homeworkBookId: HomeworkBookId,
    sessionId: SessionId,
    subject: SubjectCode,
    teacherId: AccountId,
    date: SchoolYear.LocalDate,
  }),
  Schema.TaggedStruct("Visa", { homeworkBookId: HomeworkBookId, period: SchoolYear.Period, scope: VisaScope }),
  Schema.TaggedStruct("Publication", {
    sectionId: SectionEvents.SectionId,
    publicationId: SectionEvents.PublicationId,
    service: SectionEvents.PublicationService,
    authorId: AccountId,
  }),
  Schema.TaggedStruct("Report", {
    reportId: ReportId,
    structureId: StructureId,
    reportedBy: AccountId,
    reportedAt: Schema.DateTimeUtc,
    content: ReportedContent,
  }),
)
/** @since 0.1.0 */
export type About = typeof About.Type

/**
 * One notification. Its `id` is the event's stream and version
 * (`HomeworkBook-cdt-6A-2025@3`): what a user quotes as the `contentId` when he
 * reports it (BR-SIG-1). It holds ids only, no personal data: names are the
 * directory's.
 *
 * @since 0.1.0
 */
export const Notification = Schema.Struct({
  id: Schema.String,
  type: Schema.Literal("SessionRecorded", "SessionEdited", "VisaPlaced", "ContentReported", "PublicationPublished"),
  actor: Schema.optional(Schema.String),
  occurredAt: Schema.DateTimeUtc,
  position: Schema.Number,
  about: About,
})
/** @since 0.1.0 */
export type Notification = typeof Notification.Type

/**
 * The id of the notification an event makes.
 *
 * @since 0.1.0
 */
export const notificationIdOf = (recorded: Pick<RecordedEvent, "streamName" | "streamVersion">): string =>
  `${recorded.streamName}@${recorded.streamVersion}`

/**
 * One notification in one account's feed, found newest first by recipient.
 *
 * @since 0.1.0
 */
export const Entries = ReadModel.collection("entries", {
  document: Schema.Struct({ recipient: AccountId, notification: Notification }),
  key: (entry) => keyOf(entry.recipient, entry.notification.id),
  indexes: { recipient: (entry) => joined(entry.recipient, descending(entry.notification.position)) },
})

/**
 * Each notification and the feeds it went to, so that a deletion reaches them all.
 *
 * @since 0.1.0
 */
export const Notifications = ReadModel.collection("notifications", {
  document: Schema.Struct({
    notification: Notification,
    recipients: Schema.Array(AccountId),
    withdrawn: Schema.Boolean,
  }),
  key: (sent) => sent.notification.id,
})

/**
 * A homework book's class or group and the sessions it holds, for the
 * audience of a session and the teachers a visa freezes.
 *
 * @since 0.1.0
 */
export const Books = ReadModel.collection("books", {
  document: Schema.Struct({
    homeworkBookId: HomeworkBookId,
    structureId: StructureId,
    groupId: GroupId,
    sessions: Schema.Array(
      Schema.Struct({ sessionId: SessionId, subject: SubjectCode, teacherId: AccountId, date: SchoolYear.LocalDate }),
    ),
  }),
  key: (book) => book.homeworkBookId,
})
type Book = ReadModel.Collection.Document<typeof Books>

/**
 * A section's readers the feed can name (the accounts, groups and profiles its
 * grants name) and the notification of each of its published publications.
 *
 * @since 0.1.0
 */
export const Sections = ReadModel.collection("sections", {
  document: Schema.Struct({
    sectionId: SectionEvents.SectionId,
    structureId: StructureId,
    accounts: Schema.Array(AccountId),
    groups: Schema.Array(GroupId),
    profiles: Schema.Array(Profile),
    published: Schema.Array(
      Schema.Struct({ publicationId: SectionEvents.PublicationId, notificationId: Schema.String }),
    ),
  }),
  key: (section) => section.sectionId,
})
type SectionDocument = ReadModel.Collection.Document<typeof Sections>

const collections = {
  ...Audiences.collections,
  books: Books,
  notifications: Notifications,
  entries: Entries,
  sections: Sections,
}

type Into = Projection.Writers<typeof collections>

/** The changes that send a notification to its recipients. */
const send = (
  into: Into,
  recorded: RecordedEvent,
  type: Notification["type"],
  about: About,
  recipients: ReadonlyArray<AccountId>,
): ReadonlyArray<Change> => {
  const notification: Notification = {
    id: notificationIdOf(recorded),
    type,
    ...(recorded.metadata.actor === undefined ? {} : { actor: recorded.metadata.actor }),
    occurredAt: recorded.metadata.occurredAt,
    position: recorded.position,
    about,
  }
  return [
    into.notifications.put({ notification, recipients, withdrawn: false }),
    ...recipients.map((recipient) => into.entries.put({ recipient, notification })),
  ]
}

/**
 * The members of the book's class or group and their relatives (BR-ACC-7: a
 * relative follows his child's homework book), but the one who wrote (he knows).
 */
const toMembersOf = (
  into: Into,
  book: Book | undefined,
  author: string,
  next: (audience: ReadonlyArray<AccountId>) => ReadonlyArray<Change>,
) =>
  book === undefined
    ? []
    : into.groups.read(Audiences.groupKey(book.structureId, book.groupId), (group) => {
        const members = group?.members ?? []
        return readEach(into.relatives, members, (pupils) =>
          next(distinct([...members, ...pupils.flatMap((pupil) => pupil.relatives)]).filter((r) => r !== author)),
        )
      })

const sessionNotice = (
  into: Into,
  recorded: RecordedEvent,
  event: Extract<HomeworkBookEvent, { readonly _tag: "SessionRecorded" | "SessionEdited" }>,
  author: string,
): Change =>
  into.books.read(event.homeworkBookId, (book) =>
    toMembersOf(into, book, author, (members) =>
      send(
        into,
        recorded,
        event._tag,
        {
          _tag: "Session",
          homeworkBookId: event.homeworkBookId,
          sessionId: event.sessionId,
          subject: event.subject,
          teacherId: event.teacherId,
          date: event.date,
        },
        members,
      ),
    ),
  )

const withSession = (book: Book | undefined, session: Book["sessions"][number]): Book | undefined =>
  book && { ...book, sessions: [...book.sessions.filter((s) => s.sessionId !== session.sessionId), session] }

const removeEntries = (
  entries: Writer<ReadModel.Collection.Document<typeof Entries>>,
  id: string,
  recipients: ReadonlyArray<string>,
) => recipients.map((recipient) => entries.remove(keyOf(recipient, id)))

const withGrantee = (section: SectionDocument, grantee: SectionEvents.Grantee, granted: boolean): SectionDocument => {
  const change = <A>(list: ReadonlyArray<A>, value: A) =>
    granted ? distinct([...list, value]) : list.filter((item) => item !== value)
  switch (grantee._tag) {
    case "Account":
      return { ...section, accounts: change(section.accounts, grantee.accountId) }
    case "Group":
      return { ...section, groups: change(section.groups, grantee.groupId) }
    case "Profile":
      return { ...section, profiles: change(section.profiles, grantee.profile) }
  }
}

/**
 * The projection of the news feed. Run it async: a session fans out to every
 * member of a class, too much work for the transaction of a teacher's command;
 * {@link FeedWithdrawals}, inline, hides a deleted notification until it caught up.
 *
 * @since 0.1.0
 */
export const NewsFeedProjection = Projection.make({
  name: "news_feed",
  // 2: publications of sections (BR-RUB-1). 3: profile grants reach the profile's accounts in the school.
  version: 3,
  events: Domain.events,
  collections,
  handlers: {
    ...Audiences.handlers,
    ClassClosed: Audiences.handlers.GroupClosed,
    HomeworkBookOpened: (event, into) =>
      into.books.update(
        event.homeworkBookId,
        (current) =>
          current ?? {
            homeworkBookId: event.homeworkBookId,
            structureId: event.structureId,
            groupId: event.groupId,
            sessions: [],
          },
      ),
    SessionRecorded: (event, into, recorded) => [
      into.books.update(event.homeworkBookId, (book) => withSession(book, event)),
      sessionNotice(into, recorded, event, event.recordedBy),
    ],
    SessionEdited: (event, into, recorded) => [
      into.books.update(event.homeworkBookId, (book) => withSession(book, event)),
      sessionNotice(into, recorded, event, recorded.metadata.actor ?? event.teacherId),
    ],
    SessionDeleted: (event, into) =>
      into.books.update(
        event.homeworkBookId,
        (book) => book && { ...book, sessions: book.sessions.filter((s) => s.sessionId !== event.sessionId) },
      ),
    // The teachers whose sessions the visa freezes (BR-CDT-3), and the teacher it names.
    VisaPlaced: (event, into, recorded) =>
      into.books.read(event.homeworkBookId, (book) => {
        const covered = (book?.sessions ?? []).filter((session) => HomeworkBookQueries.visaCovers(event, session))
        const named = event.scope._tag === "Teacher" ? [event.scope.teacherId] : []
        return send(
          into,
          recorded,
          "VisaPlaced",
          { _tag: "Visa", homeworkBookId: event.homeworkBookId, period: event.period, scope: event.scope },
          distinct([...covered.map((session) => session.teacherId), ...named]),
        )
      }),
    // BR-SIG-2: the administrators of the school, district and department it alerts.
    ContentReported: (event, into, recorded) =>
      readEach(
        into.admins,
        distinct(event.recipients.flatMap((recipient) => (recipient.scopeId === undefined ? [] : [recipient.scopeId]))),
        (scopes) =>
          send(
            into,
            recorded,
            "ContentReported",
            {
              _tag: "Report",
              reportId: event.reportId,
              structureId: event.location.structureId,
              reportedBy: event.reportedBy,
              reportedAt: event.reportedAt,
              content: event.content,
            },
            distinct(scopes.flatMap((scope) => scope.accountIds)).filter((admin) => admin !== event.reportedBy),
          ),
      ),
    SectionCreated: (event, into) =>
      into.sections.update(
        event.sectionId,
        (current) =>
          current ?? {
            sectionId: event.sectionId,
            structureId: event.owner.structureId,
            accounts: [],
            groups: [],
            profiles: [],
            published: [],
          },
      ),
    SectionRoleGranted: (event, into) =>
      into.sections.update(event.sectionId, (section) => section && withGrantee(section, event.grantee, true)),
    SectionRoleRevoked: (event, into) =>
      into.sections.update(event.sectionId, (section) => section && withGrantee(section, event.grantee, false)),
    // The readers the grants name, but the one who put it online (he knows).
    PublicationPublished: (event, into, recorded) =>
      into.sections.read(event.sectionId, (section) =>
        section === undefined
          ? []
          : readEach(
              into.groups,
              section.groups.map((groupId) => Audiences.groupKey(section.structureId, groupId)),
              (groups) =>
                readEach(
                  into.profiles,
                  section.profiles.map((profile) => Audiences.profileKey(section.structureId, profile)),
                  (profiles) => [
                    into.sections.put({
                      ...section,
                      published: [
                        ...section.published.filter((p) => p.publicationId !== event.publicationId),
                        { publicationId: event.publicationId, notificationId: notificationIdOf(recorded) },
                      ],
                    }),
                    ...send(
                      into,
                      recorded,
                      "PublicationPublished",
                      {
                        _tag: "Publication",
                        sectionId: event.sectionId,
                        publicationId: event.publicationId,
                        service: event.service,
                        authorId: event.authorId,
                      },
                      distinct([
                        ...section.accounts,
                        ...groups.flatMap((group) => group.members),
                        ...profiles.flatMap((audience) => audience.accountIds),
                      ]).filter((reader) => reader !== event.publishedBy),
                    ),
                  ],
                ),
            ),
      ),
    // A deleted publication leaves every feed that showed it.
    PublicationDeleted: (event, into) =>
      into.sections.read(event.sectionId, (section) => {
        const published = section?.published.find((p) => p.publicationId === event.publicationId)
        return section === undefined || published === undefined
          ? []
          : [
              into.sections.put({
                ...section,
                published: section.published.filter((p) => p !== published),
              }),
              into.notifications.read(published.notificationId, (sent) =>
                sent === undefined
                  ? []
                  : [
                      into.notifications.put({ ...sent, withdrawn: true }),
                      ...removeEntries(into.entries, sent.notification.id, sent.recipients),
                    ],
              ),
            ]
      }),
    // The alert leaves the feed of who dismissed it; the report stays in the queue (BR-SIG-4).
    // The alert is the report stream's first event: Report.decide makes ContentReported on an absent report only.
    ReportAlertDismissed: (event, into, recorded) =>
      into.entries.remove(
        keyOf(event.dismissedBy, notificationIdOf({ streamName: recorded.streamName, streamVersion: 1 })),
      ),
    // BR-SIG-3: a deleted notification leaves every feed that showed it; what it points to stays.
    ReportHandled: (event, into) =>
      event.withdrawal !== "RemoveNotificationFromFeeds"
        ? []
        : into.notifications.read(event.content.contentId, (sent) =>
            sent === undefined
              ? []
              : [
                  into.notifications.put({ ...sent, withdrawn: true }),
                  ...removeEntries(into.entries, sent.notification.id, sent.recipients),
                ],
          ),
  },
})

/**
 * A notification a report's handling deleted, by whom and when (BR-SIG-3).
 *
 * @since 0.1.0
 */
export const Withdrawal = Schema.Struct({
  notificationId: Schema.String,
  reportId: ReportId,
  handledBy: AccountId,
  handledAt: Schema.DateTimeUtc,
})
/** @since 0.1.0 */
export type Withdrawal = typeof Withdrawal.Type

/**
 * The withdrawn notifications.
 *
 * @since 0.1.0
 */
export const Withdrawals = ReadModel.collection("withdrawn", { document: Withdrawal, key: (w) => w.notificationId })

/**
 * The deleted notifications, inline: one document per deletion, written in the
 * transaction of the handling, so that the feed's queries hide a deleted
 * notification as soon as the command returned (BR-SIG-3), however far behind
 * the async feed is. It reads only `ReportHandled`: other appends do not run it.
 *
 * @since 0.1.0
 */
export const FeedWithdrawals = Projection.make({
  name: "feed_withdrawn",
  version: 1,
  events: Domain.events,
  collections: { withdrawn: Withdrawals },
  handlers: {
    ReportHandled: (event, into) =>
      event.withdrawal !== "RemoveNotificationFromFeeds"
        ? []
        : into.withdrawn.update(
            event.content.contentId,
            (current) =>
              current ?? {
                notificationId: event.content.contentId,
                reportId: event.reportId,
                handledBy: event.handledBy,
                handledAt: event.handledAt,
              },
          ),
  },
})

/**
 * A page of a feed: `next` is the cursor of the following page. A page may hold
 * fewer than `limit` notifications when some were just deleted.
 *
 * @since 0.1.0
 */
export interface FeedPage {
  readonly notifications: ReadonlyArray<Notification>
  readonly next?: string | undefined
}

/**
 * A notification, the feeds it went to, and its withdrawal if it was deleted.
 *
 * @since 0.1.0
 */
export interface SentNotification {
  readonly notification: Notification
  readonly recipients: ReadonlyArray<AccountId>
  readonly withdrawal: Withdrawal | undefined
}

/**
 * @since 0.1.0
 */
export declare namespace NewsFeed {
  /**
   * The queries of the news feed.
   *
   * @since 0.1.0
   */
  export interface Service {
    /** An account's notifications, newest first, deleted ones left out; `limit` defaults to 20. */
    readonly feed: (query: {
      readonly recipient: AccountId
      readonly after?: string | undefined
      readonly limit?: number | undefined
    }) => Effect.Effect<FeedPage, ReadModelError>
    /** One notification, deleted or not: what a report's handler looks at (003 section 6). */
    readonly notification: (id: string) => Effect.Effect<SentNotification | undefined, ReadModelError>
  }
}

/**
 * The news feed's query service.
 *
 * @since 0.1.0
 */
export class NewsFeed extends Context.Tag("@cartable/read-models/NewsFeed")<NewsFeed, NewsFeed.Service>() {}

/**
 * Builds the query service over the serving versions of both projections.
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<NewsFeed.Service, ReadModelError, ReadModelStore> = Effect.gen(function* () {
  const entries = yield* ProjectionRuntime.readerOf([NewsFeedProjection], "entries")
  const notifications = yield* ProjectionRuntime.readerOf([NewsFeedProjection], "notifications")
  const withdrawn = yield* ProjectionRuntime.readerOf([FeedWithdrawals], "withdrawn")
  return {
    feed: Effect.fn("NewsFeed.feed")(function* (query) {
      const page = yield* entries.find({
        index: "recipient",
        prefix: prefixOf(query.recipient),
        after: query.after,
        limit: query.limit ?? 20,
      })
      const ids = page.documents.map((entry) => entry.notification.id)
      const gone = new Set((yield* withdrawn.getMany(ids)).map((w) => w.notificationId))
      return {
        notifications: page.documents.map((entry) => entry.notification).filter((n) => !gone.has(n.id)),
        next: page.next,
      }
    }),
    notification: Effect.fn("NewsFeed.notification")(function* (id) {
      const sent = yield* notifications.get(id)
      if (sent === undefined) return undefined
      return { notification: sent.notification, recipients: sent.recipients, withdrawal: yield* withdrawn.get(id) }
    }),
  }
})

/**
 * The query service as a layer, over the read-model store.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<NewsFeed, ReadModelError, ReadModelStore> = Layer.effect(NewsFeed, make)

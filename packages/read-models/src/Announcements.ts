/**
 * The announcements of targeted communication (BR-MSG-3) as each account sees
 * them on his home page: those published to him on the announcement channel,
 * while their publication window is open at the instant asked (from its start,
 * included, to its end, excluded), until withdrawn; with their type
 * (information, warning, alert), which gives their look. The title and content
 * are their author's personal data: erasing his data blanks them (BR-ACC-9).
 *
 * @since 0.1.0
 */
import * as Domain from "@cartable/domain/Domain"
import { AccountId } from "@cartable/domain/Ids"
import { CommunicationId, CommunicationKind } from "@cartable/domain/TargetedCommunicationEvents"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModel from "@cartable/projections/ReadModel"
import type { ReadModelError, ReadModelStore } from "@cartable/projections/ReadModelStore"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { distinct, joined, keyOf, newestFirst, prefixOf } from "./internal/ordering.ts"

/**
 * One announcement as its recipient sees it.
 *
 * @since 0.1.0
 */
export const AnnouncementEntry = Schema.Struct({
  key: Schema.String,
  ownerId: AccountId,
  communicationId: CommunicationId,
  authorId: AccountId,
  kind: CommunicationKind,
  /** `PersonalData.ERASED` once the author's data is erased. */
  title: Schema.String,
  content: Schema.String,
  publishFrom: Schema.DateTimeUtc,
  publishUntil: Schema.DateTimeUtc,
})
/** @since 0.1.0 */
export type AnnouncementEntry = typeof AnnouncementEntry.Type

/** Each recipient's announcements, by owner and newest start first. @since 0.1.0 */
export const Shown = ReadModel.collection("announcements", {
  document: AnnouncementEntry,
  key: (entry) => entry.key,
  indexes: { owner: (entry) => joined(entry.ownerId, newestFirst(entry.publishFrom)) },
})

/** A communication as scheduled, and whom it was published to. @since 0.1.0 */
export const Scheduled = ReadModel.collection("announcement_items", {
  document: Schema.Struct({
    communicationId: CommunicationId,
    authorId: AccountId,
    kind: CommunicationKind,
    title: Schema.String,
    content: Schema.String,
    publishFrom: Schema.DateTimeUtc,
    publishUntil: Schema.DateTimeUtc,
    announcement: Schema.Boolean,
    recipients: Schema.Array(AccountId),
  }),
  key: (entry) => entry.communicationId,
})

/** The communications each author scheduled, for erasure. @since 0.1.0 */
export const ByAuthor = ReadModel.collection("announcement_authors", {
  document: Schema.Struct({ accountId: AccountId, communicationIds: Schema.Array(CommunicationId) }),
  key: (entry) => entry.accountId,
})

const clear = (value: string): string => (PersonalData.isErased(value) ? PersonalData.ERASED : value)
const entryKey = (ownerId: string, communicationId: string) => keyOf(ownerId, communicationId)

/**
 * The projection of the announcements.
 *
 * @since 0.1.0
 */
export const AnnouncementsProjection = Projection.make({
  name: "announcements",
  version: 1,
  events: Domain.events,
  collections: { shown: Shown, scheduled: Scheduled, authors: ByAuthor },
  handlers: {
    CommunicationScheduled: (event, into) => [
      into.scheduled.update(
        event.communicationId,
        (current) =>
          current ?? {
            communicationId: event.communicationId,
            authorId: event.authorId,
            kind: event.kind,
            title: clear(event.title),
            content: clear(event.content),
            publishFrom: event.publishFrom,
            publishUntil: event.publishUntil,
            announcement: event.channel === "Announcement",
            recipients: [],
          },
      ),
      into.authors.update(event.authorId, (current) => ({
        accountId: event.authorId,
        communicationIds: distinct([...(current?.communicationIds ?? []), event.communicationId]),
      })),
    ],
    CommunicationPublished: (event, into) =>
      into.scheduled.read(event.communicationId, (item) =>
        item === undefined || !item.announcement
          ? []
          : [
              into.scheduled.put({ ...item, recipients: event.recipients }),
              ...event.recipients.map((ownerId) =>
                into.shown.put({
                  key: entryKey(ownerId, item.communicationId),
                  ownerId,
                  communicationId: item.communicationId,
                  authorId: item.authorId,
                  kind: item.kind,
                  title: item.title,
                  content: item.content,
                  publishFrom: item.publishFrom,
                  publishUntil: item.publishUntil,
                }),
              ),
            ],
      ),
    CommunicationWithdrawn: (event, into) =>
      into.scheduled.read(event.communicationId, (item) =>
        item === undefined
          ? []
          : [
              into.scheduled.put({ ...item, recipients: [] }),
              ...item.recipients.map((ownerId) => into.shown.remove(entryKey(ownerId, item.communicationId))),
            ],
      ),
    AccountDataErased: (event, into) =>
      into.authors.read(event.accountId, (author) =>
        (author?.communicationIds ?? []).map((communicationId) =>
          into.scheduled.read(communicationId, (item) => {
            if (item === undefined) return []
            const erased = { title: PersonalData.ERASED, content: PersonalData.ERASED }
            return [
              into.scheduled.put({ ...item, ...erased }),
              ...item.recipients.map((ownerId) =>
                into.shown.update(entryKey(ownerId, communicationId), (entry) => entry && { ...entry, ...erased }),
              ),
            ]
          }),
        ),
      ),
  },
})

/**
 * @since 0.1.0
 */
export declare namespace Announcements {
  /**
   * The queries of the announcements. They take the owner's id: the caller checks he is the signed-in account.
   *
   * @since 0.1.0
   */
  export interface Service {
    /** The announcements shown to an account at `at` (its window open then), newest start first. */
    readonly visible: (
      ownerId: AccountId,
      at: DateTime.Utc,
    ) => Effect.Effect<ReadonlyArray<AnnouncementEntry>, ReadModelError>
  }
}

/**
 * The announcements' query service.
 *
 * @since 0.1.0
 */
export class Announcements extends Context.Tag("@cartable/read-models/Announcements")<
  Announcements,
  Announcements.Service
>() {}

/**
 * Builds the query service over the serving version of the projection.
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<Announcements.Service, ReadModelError, ReadModelStore> = Effect.gen(function* () {
  const shown = yield* ProjectionRuntime.readerOf([AnnouncementsProjection], "shown")
  return {
    visible: Effect.fn("Announcements.visible")(function* (ownerId, at) {
      const found: Array<AnnouncementEntry> = []
      let after: string | undefined
      do {
        const page = yield* shown.find({ index: "owner", prefix: prefixOf(ownerId), after, limit: 200 })
        for (const entry of page.documents) {
          if (!DateTime.lessThan(at, entry.publishFrom) && DateTime.lessThan(at, entry.publishUntil)) found.push(entry)
        }
        after = page.next
      } while (after !== undefined)
      return found
    }),
  }
})

/**
 * The query service as a layer, over the read-model store.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<Announcements, ReadModelError, ReadModelStore> = Layer.effect(Announcements, make)

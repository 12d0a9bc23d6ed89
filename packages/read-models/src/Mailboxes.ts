/**
 * The mailboxes (messagerie): each account's inbox and sent box, newest first,
 * and its unread count. A message is in the inbox of every account it was
 * delivered to (BR-MSG-1, BR-ACC-6), and a targeted communication by ENT mail in
 * the inbox of its recipients, marked as not answerable (BR-MSG-3). A reported
 * message stops being delivered at once: it leaves its recipients' inboxes and
 * counts while a report on it is pending, comes back when kept, and stays out
 * when deleted (BR-SIG-3). Subjects and bodies are their author's personal
 * data: erasing his data blanks them (BR-ACC-9).
 *
 * @since 0.1.0
 */
import * as Domain from "@cartable/domain/Domain"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModel from "@cartable/projections/ReadModel"
import type { ReadModelError, ReadModelStore } from "@cartable/projections/ReadModelStore"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { distinct, joined, keyOf, newestFirst, prefixOf } from "./internal/ordering.ts"

/**
 * Which box an entry is in.
 *
 * @since 0.1.0
 */
export const Box = Schema.Literal("Inbox", "Sent")
/** @since 0.1.0 */
export type Box = typeof Box.Type

/**
 * One entry of a mailbox: a message or a targeted communication, as its owner sees it.
 *
 * @since 0.1.0
 */
export const MailEntry = Schema.Struct({
  key: Schema.String,
  ownerId: AccountId,
  box: Box,
  kind: Schema.Literal("Message", "TargetedCommunication"),
  itemId: Schema.String,
  structureId: StructureId,
  authorId: AccountId,
  /** `PersonalData.ERASED` once the author's data is erased. */
  subject: Schema.String,
  body: Schema.String,
  sentAt: Schema.DateTimeUtc,
  read: Schema.Boolean,
  /** Whether its recipient may answer it (a targeted communication may not, BR-MSG-3). */
  replyable: Schema.Boolean,
  /** Out of the inbox while reported (BR-SIG-3). */
  withheld: Schema.Boolean,
})
/** @since 0.1.0 */
export type MailEntry = typeof MailEntry.Type

const shown = (entry: MailEntry) => entry.box === "Sent" || !entry.withheld

/** The mailbox entries: by owner and box, newest first; the unread ones by owner. @since 0.1.0 */
export const Mail = ReadModel.collection("mail", {
  document: MailEntry,
  key: (entry) => entry.key,
  indexes: {
    box: (entry) => (shown(entry) ? joined(entry.ownerId, entry.box, newestFirst(entry.sentAt)) : undefined),
    unread: (entry) => (entry.box === "Inbox" && !entry.read && !entry.withheld ? entry.ownerId : undefined),
  },
})

/**
 * A message or communication and where its copies are: the reports pending on
 * it, whether a report deleted it, and what a mail of a communication says.
 *
 * @since 0.1.0
 */
export const ItemEntry = Schema.Struct({
  key: Schema.String,
  authorId: AccountId,
  owners: Schema.Array(AccountId),
  pendingReports: Schema.Array(Schema.String),
  deleted: Schema.Boolean,
  structureId: StructureId,
  subject: Schema.String,
  body: Schema.String,
})
/** @since 0.1.0 */
export type ItemEntry = typeof ItemEntry.Type

/** @since 0.1.0 */
export const Items = ReadModel.collection("mail_items", { document: ItemEntry, key: (entry) => entry.key })

/** The items each author wrote, so that erasing his data reaches every copy. @since 0.1.0 */
export const Authors = ReadModel.collection("mail_authors", {
  document: Schema.Struct({ accountId: AccountId, itemKeys: Schema.Array(Schema.String) }),
  key: (entry) => entry.accountId,
})

const itemKey = (kind: MailEntry["kind"], id: string) => keyOf(kind, id)
const entryKey = (owner: string, box: Box, item: string) => keyOf(owner, box, item)

type Writers = Projection.Writers<{ mail: typeof Mail; items: typeof Items; authors: typeof Authors }>

const clear = (value: string): string => (PersonalData.isErased(value) ? PersonalData.ERASED : value)

const deliver = (
  into: Writers,
  item: Omit<MailEntry, "key" | "ownerId" | "box" | "read" | "withheld">,
  authorId: AccountId,
  recipients: ReadonlyArray<AccountId>,
) => [
  into.mail.put({
    ...item,
    key: entryKey(authorId, "Sent", item.itemId),
    ownerId: authorId,
    box: "Sent",
    read: true,
    withheld: false,
  }),
  ...recipients.map((ownerId) =>
    into.mail.put({
      ...item,
      key: entryKey(ownerId, "Inbox", item.itemId),
      ownerId,
      box: "Inbox",
      read: false,
      withheld: false,
    }),
  ),
  into.authors.update(authorId, (current) => ({
    accountId: authorId,
    itemKeys: distinct([...(current?.itemKeys ?? []), itemKey(item.kind, item.itemId)]),
  })),
]

/** Every inbox copy of a message follows its reports: out while one is pending or once deleted. */
const withhold = (into: Writers, id: string, change: (item: ItemEntry) => ItemEntry) =>
  into.items.read(itemKey("Message", id), (item) => {
    if (item === undefined) return []
    const next = change(item)
    const withheld = next.deleted || next.pendingReports.length > 0
    return [
      into.items.put(next),
      ...next.owners.map((ownerId) =>
        into.mail.update(entryKey(ownerId, "Inbox", id), (entry) => entry && { ...entry, withheld }),
      ),
    ]
  })

/**
 * The projection of the mailboxes. Run it inline where the inbox must show a
 * message at once, or async (it is rebuilt from the log like any other).
 *
 * @since 0.1.0
 */
export const MailboxesProjection = Projection.make({
  name: "mailboxes",
  version: 1,
  events: Domain.events,
  collections: { mail: Mail, items: Items, authors: Authors },
  handlers: {
    MessageSent: (event, into) => [
      into.items.update(
        itemKey("Message", event.messageId),
        (current) =>
          current ?? {
            key: itemKey("Message", event.messageId),
            authorId: event.authorId,
            owners: event.deliveredTo,
            pendingReports: [],
            deleted: false,
            structureId: event.structureId,
            subject: clear(event.subject),
            body: clear(event.body),
          },
      ),
      ...deliver(
        into,
        {
          kind: "Message",
          itemId: event.messageId,
          structureId: event.structureId,
          authorId: event.authorId,
          subject: clear(event.subject),
          body: clear(event.body),
          sentAt: event.sentAt,
          replyable: true,
        },
        event.authorId,
        event.deliveredTo,
      ),
    ],
    MessageRead: (event, into) =>
      into.mail.update(
        entryKey(event.readerId, "Inbox", event.messageId),
        (entry) => entry && { ...entry, read: true },
      ),
    // BR-SIG-3: a reported message stops being delivered at once.
    ContentReported: (event, into) =>
      event.content.kind !== "Message"
        ? []
        : withhold(into, event.content.contentId, (item) => ({
            ...item,
            pendingReports: distinct([...item.pendingReports, event.reportId]),
          })),
    // Kept: delivered again (once no other report is pending); deleted: it stays out.
    ReportHandled: (event, into) =>
      event.content.kind !== "Message"
        ? []
        : withhold(into, event.content.contentId, (item) => ({
            ...item,
            pendingReports: item.pendingReports.filter((reportId) => reportId !== event.reportId),
            deleted: item.deleted || event.withdrawal === "StopMessageDelivery",
          })),
    CommunicationScheduled: (event, into) =>
      into.items.update(
        itemKey("TargetedCommunication", event.communicationId),
        (current) =>
          current ?? {
            key: itemKey("TargetedCommunication", event.communicationId),
            authorId: event.authorId,
            owners: [],
            pendingReports: [],
            deleted: false,
            structureId: event.structureIds[0],
            subject: clear(event.title),
            body: clear(event.content),
          },
      ),
    // BR-MSG-3: the ENT mail channel delivers to the recipients resolved at publication, who cannot reply.
    CommunicationPublished: (event, into) =>
      event.channel !== "Mail"
        ? []
        : into.items.read(itemKey("TargetedCommunication", event.communicationId), (item) =>
            item === undefined
              ? []
              : [
                  into.items.put({ ...item, owners: event.recipients }),
                  ...deliver(
                    into,
                    {
                      kind: "TargetedCommunication",
                      itemId: event.communicationId,
                      structureId: item.structureId,
                      authorId: item.authorId,
                      subject: item.subject,
                      body: item.body,
                      sentAt: event.publishedAt,
                      replyable: false,
                    },
                    item.authorId,
                    event.recipients,
                  ),
                ],
          ),
    // BR-ACC-9: the author's subjects and bodies are blanked in every copy; the copies stay.
    AccountDataErased: (event, into) =>
      into.authors.read(event.accountId, (author) =>
        (author?.itemKeys ?? []).map((key) =>
          into.items.read(key, (item) => {
            if (item === undefined) return []
            const [, itemId] = JSON.parse(key) as [MailEntry["kind"], string]
            const erased = { subject: PersonalData.ERASED, body: PersonalData.ERASED }
            return [
              into.items.put({ ...item, ...erased }),
              into.mail.update(entryKey(item.authorId, "Sent", itemId), (entry) => entry && { ...entry, ...erased }),
              ...item.owners.map((ownerId) =>
                into.mail.update(entryKey(ownerId, "Inbox", itemId), (entry) => entry && { ...entry, ...erased }),
              ),
            ]
          }),
        ),
      ),
  },
})

/**
 * A page of a mailbox: `next` is the cursor of the following page.
 *
 * @since 0.1.0
 */
export interface MailPage {
  readonly entries: ReadonlyArray<MailEntry>
  readonly next?: string | undefined
}

/**
 * @since 0.1.0
 */
export declare namespace Mailboxes {
  /**
   * The queries of the mailboxes. They take the owner's id: the caller checks he is the signed-in account.
   *
   * @since 0.1.0
   */
  export interface Service {
    /** The inbox or the sent box of an account, newest first, a page at a time (`limit` defaults to 50). */
    readonly list: (options: {
      readonly ownerId: AccountId
      readonly box: Box
      readonly after?: string | undefined
      readonly limit?: number | undefined
    }) => Effect.Effect<MailPage, ReadModelError>
    /** How many messages of the inbox are unread (reported ones do not count, BR-SIG-3). */
    readonly unread: (ownerId: AccountId) => Effect.Effect<number, ReadModelError>
    /** One entry of a box, if the owner has it there and it is shown. */
    readonly get: (ownerId: AccountId, box: Box, itemId: string) => Effect.Effect<MailEntry | undefined, ReadModelError>
  }
}

/**
 * The mailboxes' query service.
 *
 * @since 0.1.0
 */
export class Mailboxes extends Context.Tag("@cartable/read-models/Mailboxes")<Mailboxes, Mailboxes.Service>() {}

/**
 * Builds the query service over the serving version of the projection.
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<Mailboxes.Service, ReadModelError, ReadModelStore> = Effect.gen(function* () {
  const mail = yield* ProjectionRuntime.readerOf([MailboxesProjection], "mail")
  return {
    list: Effect.fn("Mailboxes.list")(function* (options) {
      const page = yield* mail.find({
        index: "box",
        prefix: prefixOf(options.ownerId, options.box),
        after: options.after,
        limit: options.limit ?? 50,
      })
      return { entries: page.documents, next: page.next }
    }),
    unread: (ownerId) => mail.count({ index: "unread", equals: ownerId }).pipe(Effect.withSpan("Mailboxes.unread")),
    get: (ownerId, box, itemId) =>
      Effect.map(mail.get(entryKey(ownerId, box, itemId)), (entry) =>
        entry !== undefined && shown(entry) ? entry : undefined,
      ).pipe(Effect.withSpan("Mailboxes.get")),
  }
})

/**
 * The query service as a layer, over the read-model store.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<Mailboxes, ReadModelError, ReadModelStore> = Layer.effect(Mailboxes, make)

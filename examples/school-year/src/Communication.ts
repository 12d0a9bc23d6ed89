/**
 * The year's communication (issue 16): a post in the class section of 6A, the
 * messages of a week in October (one sent, one refused by the communication
 * rules, one to the account blocked after the report), and a targeted
 * announcement for the parents, which the `targeted-communication` manager
 * publishes at a tick of the scheduler. Every command goes through
 * `workspace.handle` with the session's account id, like the rest of the story;
 * what it prints it reads from the read models and the log.
 *
 * @since 0.1.0
 */
import type { AccountId } from "@cartable/domain/Ids"
import { MessageSent } from "@cartable/domain/MessageEvents"
import { SectionId } from "@cartable/domain/SectionEvents"
import { CommunicationPublished } from "@cartable/domain/TargetedCommunicationEvents"
import { EventStore } from "@cartable/eventlog/EventStore"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as Announcements from "@cartable/read-models/Announcements"
import * as Mailboxes from "@cartable/read-models/Mailboxes"
import * as NewsFeed from "@cartable/read-models/NewsFeed"
import * as SectionContents from "@cartable/read-models/SectionContents"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Ent from "./Ent.ts"
import type { StoryClock } from "./StoryClock.ts"

/**
 * What the chapter plays with: the story's access to the ENT, its clock, how it
 * says a line, the school it follows and the head's login.
 *
 * @since 0.1.0
 */
export interface Chapter {
  readonly ent: Ent.Ent
  readonly clock: StoryClock
  readonly say: (line: string) => Effect.Effect<void>
  readonly school: string
  readonly head: string
}

const sectionId = "rub-6A"
const announcementId = "com-reunion-parents"
const isPublished = Schema.is(CommunicationPublished)

const isSent = Schema.is(MessageSent)

/** What became of a message: sent to whom the log says, or refused with the rule's id (kept in `ent.refusals`). */
const outcome = (
  ent: Ent.Ent,
  command: Effect.Effect<{ readonly events: ReadonlyArray<unknown> } | undefined, unknown>,
) =>
  Effect.map(command, (done) =>
    done === undefined
      ? `refused (${ent.refusals.at(-1)?.ruleId})`
      : `sent to ${done.events.filter(isSent).flatMap((sent) => sent.deliveredTo).length} account(s)`,
  )

/**
 * The class section of 6A, the week's messages and the announcement scheduled
 * (7 to 9 October, after the report's author was blocked).
 *
 * @since 0.1.0
 */
export const play = (chapter: Chapter) =>
  Effect.gen(function* () {
    const { ent, clock, say, school, head } = chapter
    const martin = yield* ent.accountOf("eloise.martin", "Martin")
    const chloe = yield* ent.accountOf("chloe.bernard", "Bernard")
    const fatma = yield* ent.accountOf("fatma.celik", "Çelik")
    const lucas = yield* ent.accountOf("lucas.bernard", "Bernard")
    const logins = new Map<string, string>([
      [martin, "eloise.martin"],
      [chloe, "chloe.bernard"],
    ])
    const loginOf = (id: string | undefined) => (id === undefined ? "nobody" : (logins.get(id) ?? id))

    // --- 7 October: the class's teacher creates its section (she manages it without a grant, docs/sections.md)
    // and lets the class write in it; a pupil's article waits for her validation (the section is moderated).
    clock.set("2025-10-07T08:00:00Z")
    yield* ent.as("eloise.martin", {
      _tag: "CreateSection",
      sectionId,
      structureId: school,
      groupId: `${school}$6A`,
      name: "6e A",
      services: { blog: true, forum: true, sharedFolders: true },
      moderated: true,
    })
    yield* ent.as("eloise.martin", {
      _tag: "GrantSectionRole",
      sectionId,
      grantee: { _tag: "Group", groupId: `${school}$6A` },
      role: "Writer",
    })
    const article = {
      _tag: "ProposePublication",
      sectionId,
      publicationId: "pub-1",
      service: "Blog",
      title: "Sortie au musée",
      body: "Nous avons vu les Nymphéas.",
    } as const
    // A Rédacteur does not put his content online himself (BR-RUB-1): refused; proposed, it waits.
    yield* ent.as("chloe.bernard", { ...article, publishNow: true })
    yield* ent.as("chloe.bernard", { ...article, publishNow: false })
    clock.set("2025-10-07T17:00:00Z")
    yield* ent.as("eloise.martin", { _tag: "ValidatePublication", sectionId, publicationId: "pub-1" })
    yield* ent.refresh
    const view = yield* (yield* SectionContents.SectionContents).view(SectionId.make(sectionId), chloe)
    const posts = (view?.publications ?? []).map(
      ({ publication, may }) =>
        `"${publication.title}" ${publication.status}, validated by ${loginOf(publication.validatedBy)}, she may: ${may.join(", ") || "nothing"}`,
    )
    const feed = yield* (yield* NewsFeed.NewsFeed).feed({ recipient: chloe })
    const news = feed.notifications.filter((n) => n.type === "PublicationPublished")
    yield* say(
      [
        `Section "${view?.section.name}" of ${school}$6A as chloe.bernard sees it: role ${view?.role}; rights ${view?.rights.join(", ")}`,
        ...posts.map((post) => `  ${post}`),
        `  her news feed: ${news.map((n) => `${n.type} by ${loginOf(n.actor)}`).join(", ") || "nothing"}`,
      ].join("\n"),
    )

    // --- 8 October: the teacher writes to her class; a pupil may not write to a parent (BR-MSG-1, the
    // default rules); nobody writes to the blocked author of the report (BR-ACC-6).
    clock.set("2025-10-08T12:00:00Z")
    const message = (messageId: string, recipients: ReadonlyArray<unknown>, subject: string) => ({
      _tag: "SendMessage",
      messageId,
      structureId: school,
      recipients,
      subject,
      body: `<p>${subject}</p>`,
      sentAt: DateTime.formatIso(clock.now()),
    })
    const toClass = yield* outcome(
      ent,
      ent.as("eloise.martin", message("msg-1", [{ _tag: "Group", groupId: `${school}$6A` }], "Sortie au musée")),
    )
    const toParent = yield* outcome(
      ent,
      ent.as("chloe.bernard", message("msg-2", [{ _tag: "Account", accountId: fatma }], "Bonjour")),
    )
    const toBlocked = yield* outcome(
      ent,
      ent.as("francois.dupre", message("msg-3", [{ _tag: "Account", accountId: lucas }], "Devoir de mathématiques")),
    )
    yield* say(
      `Messages of 8 October: eloise.martin to the class 6A ${toClass}; chloe.bernard to the parent fatma.celik ${toParent}; francois.dupre to lucas.bernard (blocked) ${toBlocked}`,
    )
    yield* ent.refresh
    const mailboxes = yield* Mailboxes.Mailboxes
    const inbox = yield* mailboxes.list({ ownerId: chloe, box: "Inbox" })
    yield* say(
      `Mailbox of chloe.bernard: ${inbox.entries.length} message(s) in the inbox (${inbox.entries.map((m) => `"${m.subject}" from ${loginOf(m.authorId)}`).join(", ")}), ${yield* mailboxes.unread(chloe)} unread`,
    )

    // --- 9 October: the head schedules an announcement for the parents (BR-MSG-3), shown from 20 October to
    // 7 November; its recipients are resolved when the window opens, at a tick of the scheduler.
    clock.set("2025-10-09T09:00:00Z")
    yield* ent.as(head, {
      _tag: "ScheduleCommunication",
      communicationId: announcementId,
      structureIds: [school],
      channel: "Announcement",
      kind: "Information",
      title: "Réunion parents-professeurs",
      content: "<p>Le jeudi 6 novembre à 18 h, au réfectoire.</p>",
      targets: [{ profile: "Relative" }],
      publishFrom: "2025-10-20T00:00:00Z",
      publishUntil: "2025-11-07T00:00:00Z",
    })
    yield* say(
      `Announcement ${announcementId} scheduled by ${head} for the parents of ${school}, 2025-10-20 to 2025-11-07`,
    )
  })

/**
 * The announcement once the scheduler's ticks went by: who published it, when,
 * to how many, and the home page of a parent it targets (BR-MSG-3).
 *
 * @since 0.1.0
 */
export const announcement = (chapter: Chapter) =>
  Effect.gen(function* () {
    const { ent, say } = chapter
    const fatma: AccountId = yield* ent.accountOf("fatma.celik", "Çelik")
    const store = yield* EventStore
    const stream = yield* store.readStream(StreamName.make("TargetedCommunication", announcementId))
    const published = stream.find((recorded) => isPublished(recorded.event))
    const event = isPublished(published?.event) ? published.event : undefined
    const on = DateTime.unsafeMake("2025-10-29T08:00:00Z")
    const shown = yield* (yield* Announcements.Announcements).visible(fatma, on)
    yield* say(
      [
        event === undefined
          ? `Announcement ${announcementId} not published`
          : `Announcement ${announcementId} published at the tick of ${DateTime.formatIso(event.publishedAt).slice(0, 10)} by ${published?.metadata.actor} to ${event.recipients.length} account(s)`,
        `  fatma.celik's home page on 2025-10-29: ${shown.map((a) => `${a.kind} "${a.title}" until ${DateTime.formatIso(a.publishUntil).slice(0, 10)}`).join(", ") || "nothing"}`,
      ].join("\n"),
    )
  })

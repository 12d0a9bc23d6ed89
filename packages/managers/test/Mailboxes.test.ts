// The mailboxes read model over the Workspace (BR-MSG-1, BR-SIG-3, BR-ACC-9): inbox, sent box, unread counts;
// a reported message leaves the inboxes at once, comes back when kept, stays out when deleted; erasing its
// author's data blanks it.
import { AccountId } from "@cartable/domain/Ids"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as Authorization from "@cartable/read-models/Authorization"
import * as Mailboxes from "@cartable/read-models/Mailboxes"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { context, memory, school, setup } from "./world.ts"

const stack = Layer.mergeAll(Workspace.layer, Mailboxes.layer).pipe(
  Layer.provideMerge(
    ProjectionRuntime.layer({
      inline: [Authorization.AuthorizationProjection, Mailboxes.MailboxesProjection],
      background: false,
    }),
  ),
  Layer.provideMerge(Authorization.layer),
  Layer.provideMerge(memory()),
)

const [admin, teacher] = ["staff-1", "staff-2"]
const pupils = ["pupil-1", "pupil-2"]

const send = (messageId: string, to: ReadonlyArray<string>) =>
  Effect.flatMap(Workspace.Workspace, (workspace) =>
    workspace.handle(
      teacher,
      {
        _tag: "SendMessage",
        messageId,
        structureId: school,
        recipients: to.map((accountId) => ({ _tag: "Account", accountId })),
        subject: `Objet ${messageId}`,
        body: "<p>Bonjour</p>",
        sentAt: "2026-09-14T08:00:00.000Z",
      },
      context,
    ),
  )

const inbox = (owner: string) =>
  Effect.flatMap(Mailboxes.Mailboxes, (mailboxes) =>
    Effect.map(mailboxes.list({ ownerId: AccountId.make(owner), box: "Inbox" }), (page) =>
      page.entries.map((entry) => entry.itemId),
    ),
  )
const unread = (owner: string) => Effect.flatMap(Mailboxes.Mailboxes, (m) => m.unread(AccountId.make(owner)))

const world = Effect.gen(function* () {
  yield* setup(pupils, [admin, teacher])
  const workspace = yield* Workspace.Workspace
  yield* workspace.system("install").handle({ _tag: "AppointPlatformAdministrator", accountId: admin }, context)
  return workspace
})

describe("Mailboxes", () => {
  it.effect("inbox, sent box and unread counts follow sending and reading", () =>
    Effect.gen(function* () {
      const workspace = yield* world
      yield* send("msg-1", pupils)
      yield* send("msg-2", ["pupil-1"])
      assert.sameMembers(yield* inbox("pupil-1"), ["msg-1", "msg-2"])
      assert.deepStrictEqual(yield* inbox("pupil-2"), ["msg-1"])
      assert.strictEqual(yield* unread("pupil-1"), 2)
      yield* workspace.handle(
        "pupil-1",
        { _tag: "ReadMessage", messageId: "msg-1", readAt: "2026-09-14T09:00:00.000Z" },
        context,
      )
      assert.strictEqual(yield* unread("pupil-1"), 1)
      const sent = yield* Effect.flatMap(Mailboxes.Mailboxes, (m) =>
        m.list({ ownerId: AccountId.make(teacher), box: "Sent" }),
      )
      assert.sameMembers(
        sent.entries.map((entry) => entry.itemId),
        ["msg-1", "msg-2"],
      )
    }).pipe(Effect.provide(stack)),
  )

  it.effect("BR-SIG-3 a reported message stops being delivered at once; kept, it is back; deleted, it stays out", () =>
    Effect.gen(function* () {
      const workspace = yield* world
      for (const [messageId, decision] of [
        ["msg-kept", "Kept"],
        ["msg-deleted", "Deleted"],
      ] as const) {
        yield* send(messageId, pupils)
        yield* workspace.handle(
          "pupil-1",
          {
            _tag: "ReportContent",
            reportId: `rep-${messageId}`,
            structureId: school,
            content: { kind: "Message", contentId: messageId },
            reportedAt: "2026-09-14T09:00:00.000Z",
          },
          context,
        )
        // Out of both recipients' inboxes and counts at once, not only the reporter's.
        for (const pupil of pupils) {
          assert.notInclude(yield* inbox(pupil), messageId, pupil)
        }
        yield* workspace.handle(
          admin,
          {
            _tag: "HandleReport",
            reportId: `rep-${messageId}`,
            decision,
            handledAt: "2026-09-14T10:00:00.000Z",
            blockAuthor: false,
          },
          context,
        )
        for (const pupil of pupils) {
          const shown = (yield* inbox(pupil)).includes(messageId)
          assert.strictEqual(shown, decision === "Kept", `${pupil} ${decision}`)
        }
      }
      assert.strictEqual(yield* unread("pupil-2"), 1)
    }).pipe(Effect.provide(stack)),
  )

  it.effect("BR-ACC-9 erasing the author's data blanks his messages' subject and body in every mailbox", () =>
    Effect.gen(function* () {
      const workspace = yield* world
      yield* send("msg-1", ["pupil-1"])
      for (const tag of ["PreDeleteAccount", "DeleteAccount", "EraseAccountData"]) {
        yield* workspace.handle(admin, { _tag: tag, accountId: teacher }, context)
      }
      const [entry] = (yield* Effect.flatMap(Mailboxes.Mailboxes, (m) =>
        m.list({ ownerId: AccountId.make("pupil-1"), box: "Inbox" }),
      )).entries
      assert.deepStrictEqual([entry?.subject, entry?.body], ["[erased]", "[erased]"])
    }).pipe(Effect.provide(stack)),
  )
})

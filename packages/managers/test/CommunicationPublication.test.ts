// The publication of targeted communications on clock ticks (BR-MSG-3): a simulated clock drives the scheduler,
// the window's edges are tested to the millisecond and the day around them, the recipients are those of the
// directory when the window opens, the announcement shows inside its window only, and an ENT mail lands in the
// recipients' inboxes, not answerable.

import { AccountId } from "@cartable/domain/Ids"
import * as Scheduler from "@cartable/managers/Scheduler"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as Announcements from "@cartable/read-models/Announcements"
import * as Mailboxes from "@cartable/read-models/Mailboxes"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import { context, publicationStack, school, setup } from "./world.ts"

const stack = publicationStack()

const from = DateTime.unsafeMake("2026-09-14T07:00:00Z")
const until = DateTime.unsafeMake("2026-09-21T07:00:00Z")
const shift = (at: DateTime.Utc, days: number, millis = 0) => DateTime.add(at, { days, millis })
const head = "staff-1"

const schedule = (communicationId: string, channel: "Announcement" | "Mail") =>
  Effect.flatMap(Workspace.Workspace, (workspace) =>
    workspace.handle(
      head,
      {
        _tag: "ScheduleCommunication",
        communicationId,
        structureIds: [school],
        channel,
        kind: "Alert",
        title: "Situation canicule",
        content: "<p>Les cours de l'après-midi sont suspendus.</p>",
        targets: [{ profile: "Student" }],
        publishFrom: DateTime.formatIso(from),
        publishUntil: DateTime.formatIso(until),
      },
      context,
    ),
  )

const tick = (at: DateTime.Utc) =>
  Effect.gen(function* () {
    yield* (yield* Scheduler.Scheduler).tick(at)
    yield* (yield* ProjectionRuntime.ProjectionRuntime).catchUpReactor("communications")
  })

const visible = (accountId: string, at: DateTime.Utc) =>
  Effect.flatMap(Announcements.Announcements, (announcements) =>
    Effect.map(announcements.visible(AccountId.make(accountId), at), (list) =>
      list.map((entry) => entry.communicationId as string),
    ),
  )

describe("CommunicationPublication", () => {
  it.effect("BR-MSG-3 published at the first tick at or after the window's start, to the directory of then", () =>
    Effect.gen(function* () {
      yield* setup(["pupil-1"], [head])
      const workspace = yield* Workspace.Workspace
      yield* workspace.system("install").handle({ _tag: "AppointPlatformAdministrator", accountId: head }, context)
      yield* schedule("com-1", "Announcement")
      // The day before, and a millisecond before: nothing.
      yield* tick(shift(from, -1))
      yield* tick(shift(from, 0, -1))
      assert.deepStrictEqual(yield* visible("pupil-1", from), [])
      // A pupil enrolled after the scheduling, before the window opens, is reached.
      yield* workspace.system("aaf-import").handle(
        {
          _tag: "ProvisionAccount",
          accountId: "pupil-2",
          profile: "Student",
          origin: { _tag: "Feed", source: "AAF", externalId: "jointure-pupil-2" },
          structureId: school,
          login: "eleve.nouveau",
          firstName: "Lou",
          lastName: "Martin",
          activationCode: "3n6g8fmj",
        },
        context,
      )
      yield* tick(from)
      for (const pupil of ["pupil-1", "pupil-2"]) {
        assert.deepStrictEqual(yield* visible(pupil, from), ["com-1"], pupil)
        assert.deepStrictEqual(yield* visible(pupil, shift(from, 0, -1)), [], `${pupil} before`)
        assert.deepStrictEqual(yield* visible(pupil, shift(from, 1)), ["com-1"], `${pupil} the day after`)
        assert.deepStrictEqual(yield* visible(pupil, shift(until, -1)), ["com-1"], `${pupil} the last day`)
        assert.deepStrictEqual(yield* visible(pupil, shift(until, 0, -1)), ["com-1"], `${pupil} the last instant`)
        assert.deepStrictEqual(yield* visible(pupil, until), [], `${pupil} at the end`)
        assert.deepStrictEqual(yield* visible(pupil, shift(until, 1)), [], `${pupil} the day after the end`)
      }
      // The staff member is not targeted.
      assert.deepStrictEqual(yield* visible(head, from), [])
      // Withdrawn: shown no longer.
      yield* workspace.handle(
        head,
        { _tag: "WithdrawCommunication", communicationId: "com-1", withdrawnAt: "2026-09-15T00:00:00.000Z" },
        context,
      )
      assert.deepStrictEqual(yield* visible("pupil-1", shift(from, 1)), [])
    }).pipe(Effect.provide(stack)),
  )

  it.effect(
    "BR-MSG-3 a tick after the window's end publishes nothing; an ENT mail lands in the inboxes, not answerable",
    () =>
      Effect.gen(function* () {
        yield* setup(["pupil-1"], [head])
        const workspace = yield* Workspace.Workspace
        yield* workspace.system("install").handle({ _tag: "AppointPlatformAdministrator", accountId: head }, context)
        yield* schedule("com-late", "Announcement")
        yield* tick(until)
        assert.deepStrictEqual(yield* visible("pupil-1", shift(from, 1)), [])
        yield* schedule("com-mail", "Mail")
        yield* tick(shift(until, 1))
        const mailboxes = yield* Mailboxes.Mailboxes
        assert.strictEqual(
          (yield* mailboxes.list({ ownerId: AccountId.make("pupil-1"), box: "Inbox" })).entries.length,
          0,
        )
        const early = "com-mail-2"
        yield* Effect.flatMap(Workspace.Workspace, (w) =>
          w.handle(
            head,
            {
              _tag: "ScheduleCommunication",
              communicationId: early,
              structureIds: [school],
              channel: "Mail",
              kind: "Information",
              title: "Restitution des manuels scolaires",
              content: "<p>Au CDI.</p>",
              targets: [{ profile: "Student" }],
              publishFrom: DateTime.formatIso(shift(until, 1)),
              publishUntil: DateTime.formatIso(shift(until, 8)),
            },
            context,
          ),
        )
        yield* tick(shift(until, 2))
        const inbox = yield* mailboxes.list({ ownerId: AccountId.make("pupil-1"), box: "Inbox" })
        assert.deepStrictEqual(
          inbox.entries.map((entry) => [entry.itemId, entry.kind, entry.replyable, entry.subject]),
          [[early, "TargetedCommunication", false, "Restitution des manuels scolaires"]],
        )
        assert.strictEqual(yield* mailboxes.unread(AccountId.make("pupil-1")), 1)
      }).pipe(Effect.provide(stack)),
  )
})

// Messaging through the Workspace: the sender, the recipients (profile, groups, blocked state), a group's members,
// the school's communication rules and what a reply or a report answers all come from the log, never from the
// caller (BR-MSG-1, BR-MSG-2, BR-ACC-6, BR-SIG-1, BR-SIG-3, BR-MSG-3).
import type * as Domain from "@cartable/domain/Domain"
import type * as EventStore from "@cartable/eventlog/EventStore"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { context, ids, memory, setup } from "./world.ts"

const inWorld = <A, E>(effect: Effect.Effect<A, E, Workspace.Workspace | EventStore.EventStore>) =>
  Effect.gen(function* () {
    yield* setup
    return yield* effect
  }).pipe(Effect.provide(memory()))

const teacher = ids.staff[0]
let counter = 0
const message = (recipients: ReadonlyArray<object>, extra: object = {}) => ({
  _tag: "SendMessage",
  messageId: `msg-${++counter}`,
  structureId: ids.schoolA,
  recipients,
  subject: "Sortie au musée",
  body: "<p>Rendez-vous à 8 h.</p>",
  sentAt: "2026-09-14T08:00:00.000Z",
  ...extra,
})
const strings = (list: ReadonlyArray<string>): Array<string> => [...list]
const to = (accountId: string) => ({ _tag: "Account", accountId })

type Outcome = Either.Either<
  { readonly events: ReadonlyArray<Domain.Event> },
  { readonly _tag: string; readonly ruleId?: string; readonly reason?: string }
>
const as = (accountId: string, intent: object) =>
  Effect.flatMap(Workspace.Workspace, (workspace) =>
    Effect.either(workspace.handle(accountId, intent, context)),
  ) as unknown as Effect.Effect<Outcome>
const admin = (intent: object) => as(ids.vendor, intent)
const rule = (outcome: Outcome) =>
  Either.isLeft(outcome) ? `${outcome.left.ruleId} ${outcome.left.reason}` : "accepted"
const sent = (outcome: Outcome) => {
  assert.ok(Either.isRight(outcome), rule(outcome))
  const event = outcome.right.events[0]
  assert.ok(event?._tag === "MessageSent")
  return event
}

describe("Messaging through the Workspace", () => {
  it.effect("BR-MSG-1 the school's rules from the log decide: a pupil may not write to a pupil of another class", () =>
    inWorld(
      Effect.gen(function* () {
        assert.deepStrictEqual(strings(sent(yield* as(teacher, message([to(ids.pupil)]))).deliveredTo), [ids.pupil])
        assert.strictEqual(rule(yield* as(ids.pupil, message([to(ids.otherPupil)]))), "BR-MSG-1 NotAllowed")
        assert.strictEqual(rule(yield* as(ids.pupil, message([to(teacher)]))), "accepted")
        // The administrator forbids teachers to write to pupils: the next message is refused at once.
        const teacherToPupil = {
          from: { _tag: "Profile", profile: "Teacher" },
          to: { _tag: "Profile", profile: "Student" },
          reach: "School",
        }
        assert.strictEqual(
          rule(yield* admin({ _tag: "ForbidCommunication", structureId: ids.schoolA, rule: teacherToPupil })),
          "accepted",
        )
        assert.strictEqual(rule(yield* as(teacher, message([to(ids.pupil)]))), "BR-MSG-1 NotAllowed")
        assert.strictEqual(
          rule(yield* admin({ _tag: "AllowCommunication", structureId: ids.schoolA, rule: teacherToPupil })),
          "accepted",
        )
        assert.strictEqual(rule(yield* as(teacher, message([to(ids.pupil)]))), "accepted")
        // Only the school's administrators configure it.
        assert.strictEqual(
          rule(yield* as(teacher, { _tag: "SetEveryoneOption", structureId: ids.schoolA, enabled: false })),
          "BR-MSG-1 NotAuthorized",
        )
      }),
    ),
  )

  it.effect('BR-MSG-1 "Tous" reaches the school\'s accounts until the administrator disables it', () =>
    inWorld(
      Effect.gen(function* () {
        const everyone = sent(yield* as(teacher, message([{ _tag: "Everyone" }])))
        assert.sameMembers(strings(everyone.deliveredTo), [
          ids.vendor,
          ids.staff[1],
          ids.staff[2],
          ids.pupil,
          ids.otherPupil,
        ])
        yield* admin({ _tag: "SetEveryoneOption", structureId: ids.schoolA, enabled: false })
        assert.strictEqual(rule(yield* as(teacher, message([{ _tag: "Everyone" }]))), "BR-MSG-1 EveryoneDisabled")
        yield* admin({ _tag: "SetEveryoneOption", structureId: ids.schoolA, enabled: true })
        assert.strictEqual(rule(yield* as(teacher, message([{ _tag: "Everyone" }]))), "accepted")
      }),
    ),
  )

  it.effect(
    "BR-ACC-6 nobody can write to a blocked account nor to one whose messaging is blocked; unblocked, he can",
    () =>
      inWorld(
        Effect.gen(function* () {
          for (const application of [undefined, "messaging"]) {
            const scope = application === undefined ? {} : { application }
            yield* admin({ _tag: "BlockAccount", accountId: ids.otherPupil, ...scope })
            assert.strictEqual(rule(yield* as(teacher, message([to(ids.otherPupil)]))), "BR-ACC-6 RecipientBlocked")
            yield* admin({ _tag: "UnblockAccount", accountId: ids.otherPupil, ...scope })
            assert.strictEqual(rule(yield* as(teacher, message([to(ids.otherPupil)]))), "accepted")
          }
          // His messaging blocked, an author sends nothing.
          yield* admin({ _tag: "BlockAccount", accountId: teacher, application: "messaging" })
          assert.strictEqual(rule(yield* as(teacher, message([to(ids.pupil)]))), "BR-ACC-6 SenderBlocked")
        }),
      ),
  )

  it.effect("a caller cannot vouch for a fact: sender, rules and recipients sent in an intent are refused", () =>
    inWorld(
      Effect.gen(function* () {
        const forged = message([to(ids.otherPupil)], { policy: { rules: [], everyone: true } })
        const outcome = yield* as(ids.pupil, forged)
        assert.ok(Either.isLeft(outcome) && outcome.left._tag === "InvalidCommand")
      }),
    ),
  )

  it.effect("BR-SIG-1 BR-SIG-3 a message is reported by one who received it, with its author from the log", () =>
    inWorld(
      Effect.gen(function* () {
        const { messageId } = sent(yield* as(teacher, message([to(ids.pupil)])))
        const report = (reportId: string) => ({
          _tag: "ReportContent",
          reportId,
          structureId: ids.schoolA,
          content: { kind: "Message", contentId: messageId, authorId: ids.staff[1] },
          reportedAt: "2026-09-14T09:00:00.000Z",
        })
        const outcome = yield* as(ids.pupil, report("rep-1"))
        assert.ok(Either.isRight(outcome), rule(outcome))
        const reported = outcome.right.events[0]
        assert.ok(reported?._tag === "ContentReported")
        assert.strictEqual(String(reported.content.authorId), teacher)
        assert.strictEqual(reported.withdrawal, "StopMessageDelivery")
        assert.strictEqual(rule(yield* as(ids.otherPupil, report("rep-2"))), "BR-SIG-1 NotAuthorized")
        assert.strictEqual(
          rule(yield* as(ids.pupil, { ...report("rep-3"), content: { kind: "Message", contentId: "no-such" } })),
          "BR-SIG-1 NotFound",
        )
      }),
    ),
  )

  it.effect("BR-MSG-3 a targeted communication by ENT mail cannot be replied to; a message can", () =>
    inWorld(
      Effect.gen(function* () {
        const { messageId } = sent(yield* as(teacher, message([to(ids.pupil)])))
        const reply = (inReplyTo: object) => message([to(teacher)], { inReplyTo })
        assert.strictEqual(rule(yield* as(ids.pupil, reply({ kind: "Message", id: messageId }))), "accepted")
        assert.strictEqual(
          rule(yield* as(ids.otherPupil, reply({ kind: "Message", id: messageId }))),
          "BR-MSG-1 NotAuthorized",
        )
        const schedule = yield* admin({
          _tag: "ScheduleCommunication",
          communicationId: "com-1",
          structureIds: [ids.schoolA],
          channel: "Mail",
          kind: "Information",
          title: "Restitution des manuels scolaires",
          content: "<p>Au CDI.</p>",
          targets: [{ profile: "Student" }],
          publishFrom: "2026-09-14T00:00:00.000Z",
          publishUntil: "2026-09-21T00:00:00.000Z",
        })
        assert.strictEqual(rule(schedule), "accepted")
        const publisher = (yield* Workspace.Workspace).system("targeted-communication")
        const published = yield* publisher.handle(
          { _tag: "PublishCommunication", communicationId: "com-1", publishedAt: "2026-09-14T06:00:00.000Z" },
          { occurredAt: DateTime.unsafeMake("2026-09-14T06:00:00Z") },
        )
        const event = published.events[0]
        assert.ok(event?._tag === "CommunicationPublished")
        assert.sameMembers(strings(event.recipients), [ids.pupil, ids.otherPupil])
        assert.strictEqual(
          rule(yield* as(ids.pupil, reply({ kind: "TargetedCommunication", id: "com-1" }))),
          "BR-MSG-3 NoReply",
        )
      }),
    ),
  )

  it.effect(
    "BR-MSG-2 a group of 500 members is written to, one of 501 is refused",
    () =>
      inWorld(
        Effect.gen(function* () {
          const workspace = yield* Workspace.Workspace
          const feed = workspace.system("aaf-import")
          yield* feed.handle(
            {
              _tag: "OpenGroup",
              structureId: ids.schoolA,
              groupId: "big",
              kind: "TeachingGroup",
              name: "Big",
              schoolYear: "2026-2027",
              owner: "Feed",
            },
            context,
          )
          const join = (n: number) =>
            Effect.gen(function* () {
              const accountId = `pupil-big-${n}`
              yield* feed.handle(
                {
                  _tag: "ProvisionAccount",
                  accountId,
                  profile: "Student",
                  origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${accountId}` },
                  structureId: ids.schoolA,
                  login: `eleve.big${n}`,
                  firstName: "Camille",
                  lastName: "Martin",
                  activationCode: "3n6g8fmj",
                },
                context,
              )
              yield* feed.handle(
                {
                  _tag: "AssignToGroup",
                  structureId: ids.schoolA,
                  groupId: "big",
                  accountId,
                  role: "Student",
                  source: "Feed",
                },
                context,
              )
            })
          for (let n = 1; n <= 500; n++) yield* join(n)
          const five = sent(yield* as(teacher, message([{ _tag: "Group", groupId: "big" }])))
          assert.strictEqual(five.deliveredTo.length, 500)
          yield* join(501)
          assert.strictEqual(
            rule(yield* as(teacher, message([{ _tag: "Group", groupId: "big" }]))),
            "BR-MSG-2 GroupTooLarge",
          )
        }),
      ),
    60_000,
  )
})

import * as Domain from "@cartable/domain/Domain"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as Intent from "@cartable/workspace/Intent"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import { forgery, intentOfAnyTag } from "./fixtures.ts"
import { apply, context, ids, memory, type Outcome, type Probe, probe, type Step, setup } from "./world.ts"

const intents = Intent.make(Domain.aggregates)

/** Runs an effect in a fresh world (setup done) in memory. */
const inWorld = <A, E>(effect: Effect.Effect<A, E, Workspace.Workspace | EventStore.EventStore>) =>
  Effect.gen(function* () {
    yield* setup
    return yield* effect
  }).pipe(Effect.provide(memory()))

/** The log's head: nothing appended means it did not move. */
const head = Effect.flatMap(EventStore.EventStore, (store) =>
  Effect.map(store.readAll(0, 100_000), (all) => all.length),
)

// The oracle of a history, from DOMAIN.md: BR-ACC-11 (administrator rights granted and revoked, scoped to
// a school), BR-GRP-1 (teachers attached to classes), BR-GRP-3 (direction through the functional group
// "Chef d'établissement"), BR-ACC-6 (a blocked account cannot act). The platform vendor administers every
// school. Written apart from the code: sets, no read model.
interface Model {
  readonly admins: Set<string>
  readonly teachers: Set<string>
  readonly direction: Set<string>
  readonly blocked: Set<string>
}

const fold = (steps: ReadonlyArray<Step>): Model => {
  const model: Model = { admins: new Set(), teachers: new Set(), direction: new Set(), blocked: new Set() }
  for (const step of steps) {
    switch (step._tag) {
      case "Grant":
        model.admins.add(`${step.staff}|${step.school}`)
        break
      case "Revoke":
        model.admins.delete(`${step.staff}|${step.school}`)
        break
      case "Attach":
        model.teachers.add(step.staff)
        break
      case "Detach":
        model.teachers.delete(step.staff)
        break
      case "JoinDirection":
        model.direction.add(step.staff)
        break
      case "LeaveDirection":
        model.direction.delete(step.staff)
        break
      case "Block":
        model.blocked.add(step.staff)
        break
      case "Unblock":
        model.blocked.delete(step.staff)
        break
    }
  }
  return model
}

const known = new Set<string>([ids.vendor, ...ids.staff, ids.pupil, ids.otherPupil])

const expected = (model: Model, accountId: string, which: Probe): Outcome => {
  if (!known.has(accountId)) return "refused Unknown"
  if (model.blocked.has(accountId)) return "refused Blocked"
  const administersA = accountId === ids.vendor || model.admins.has(`${accountId}|${ids.schoolA}`)
  switch (which) {
    // BR-ACC-6: the feed or an administrator of the account's school blocks it.
    case "BlockPupil":
      return administersA ? "accepted" : "rejected BR-ACC-6 NotAuthorized"
    // BR-CDT-1: the timetable import, the direction or an administrator of the school opens a book.
    case "OpenBook":
      return administersA || model.direction.has(accountId) ? "accepted" : "rejected BR-CDT-1 NotAuthorized"
    // BR-CDT-1, BR-GRP-1: a teacher attached to the class records his own sessions.
    case "RecordSession":
      return model.teachers.has(accountId) ? "accepted" : "rejected BR-CDT-1 NotAuthorized"
    // BR-ACC-5: an administrator of the school, or a teacher attached to the pupil's class (from the log).
    case "RenewPupilPassword":
      return administersA || model.teachers.has(accountId) ? "accepted" : "rejected BR-ACC-5 NotAuthorized"
  }
}

const staff = FastCheck.constantFrom(...ids.staff)
const step: FastCheck.Arbitrary<Step> = FastCheck.oneof(
  FastCheck.record({
    _tag: FastCheck.constantFrom("Grant" as const, "Revoke" as const),
    staff,
    school: FastCheck.constantFrom(ids.schoolA, ids.schoolB),
  }),
  FastCheck.record({
    _tag: FastCheck.constantFrom(
      "Attach" as const,
      "Detach" as const,
      "JoinDirection" as const,
      "LeaveDirection" as const,
      "Block" as const,
      "Unblock" as const,
    ),
    staff,
  }),
)
const signedIn = FastCheck.constantFrom(...ids.staff, ids.vendor, ids.pupil, "ghost")
const which = FastCheck.constantFrom<Probe>("BlockPupil", "OpenBook", "RecordSession", "RenewPupilPassword")

describe("Workspace", () => {
  it.effect("a signed-in account's intent acts with the roles the log gives it, not with any it claims", () =>
    inWorld(
      Effect.gen(function* () {
        const workspace = yield* Workspace.Workspace
        const before = yield* head
        const forged = yield* Effect.either(
          workspace.handle(
            ids.staff[0],
            { _tag: "BlockAccount", accountId: ids.pupil, actor: { accountId: ids.staff[0], roles: [] } },
            context,
          ),
        )
        assert.isTrue(Either.isLeft(forged) && forged.left._tag === "InvalidCommand")
        if (Either.isLeft(forged) && forged.left._tag === "InvalidCommand") {
          assert.deepStrictEqual(
            forged.left.fields.map((field) => field.path),
            ["actor"],
          )
        }
        assert.strictEqual(yield* head, before)
        assert.strictEqual(yield* probe(ids.staff[0], "BlockPupil"), "rejected BR-ACC-6 NotAuthorized")
        yield* apply({ _tag: "Grant", staff: ids.staff[0], school: ids.schoolA })
        assert.strictEqual(yield* probe(ids.staff[0], "BlockPupil"), "accepted")
      }),
    ),
  )

  it.effect("refuses an unknown account and an id the library's processes act under", () =>
    inWorld(
      Effect.gen(function* () {
        const workspace = yield* Workspace.Workspace
        for (const [accountId, reason] of [
          ["ghost", "Unknown"],
          ["system:aaf-import", "Reserved"],
          ["", "Unknown"],
        ] as const) {
          const refused = yield* Effect.flip(
            workspace.handle(accountId, { _tag: "BlockAccount", accountId: ids.pupil }, context),
          )
          assert.strictEqual(refused._tag, "AccountRefused")
          if (refused._tag === "AccountRefused") assert.strictEqual(refused.reason, reason)
        }
      }),
    ),
  )

  it.effect("BR-ACC-12 a pre-deleted, then deleted account is refused; restored, it acts again", () =>
    inWorld(
      Effect.gen(function* () {
        const workspace = yield* Workspace.Workspace
        const vendor = (intent: object) => workspace.handle(ids.vendor, intent, context)
        const reason = (accountId: string) =>
          Effect.map(
            Effect.either(workspace.handle(accountId, { _tag: "RemoveLoginAlias", accountId }, context)),
            (result) => (Either.isLeft(result) && result.left._tag === "AccountRefused" ? result.left.reason : "acted"),
          )
        const [alice, bob] = ids.staff
        assert.strictEqual(yield* reason(alice), "acted")
        yield* vendor({ _tag: "PreDeleteAccount", accountId: alice })
        assert.strictEqual(yield* reason(alice), "PreDeleted")
        yield* vendor({ _tag: "RestoreAccount", accountId: alice })
        assert.strictEqual(yield* reason(alice), "acted")
        yield* vendor({ _tag: "PreDeleteAccount", accountId: bob })
        yield* vendor({ _tag: "DeleteAccount", accountId: bob })
        assert.strictEqual(yield* reason(bob), "Deleted")
      }),
    ),
  )

  it.effect.prop(
    "BR-ACC-11 BR-GRP-1 BR-GRP-3 BR-ACC-6 BR-ACC-5 a signed-in account may do what the log's history lets it, whatever it is",
    [
      FastCheck.array(step, { maxLength: 12 }),
      FastCheck.array(FastCheck.tuple(signedIn, which), { minLength: 1, maxLength: 4 }),
    ],
    ([steps, probes]) =>
      inWorld(
        Effect.gen(function* () {
          for (const each of steps) yield* apply(each)
          const model = fold(steps)
          for (const [accountId, kind] of probes) {
            const outcome = expected(model, accountId, kind)
            assert.strictEqual(yield* probe(accountId, kind), outcome, `${accountId} ${kind}`)
            // A probe that blocked the pupil blocked him for the next ones (BR-ACC-6).
            if (kind === "BlockPupil" && outcome === "accepted") model.blocked.add(ids.pupil)
          }
        }),
      ),
    { fastCheck: { numRuns: 40 } },
  )

  it.effect.prop(
    "a forged actor, role or fact field in an intent of any command tag is refused, and nothing is appended",
    [intentOfAnyTag(intents).chain((drawn) => forgery(intents, drawn))],
    ([{ encoded, injected }]) =>
      inWorld(
        Effect.gen(function* () {
          const workspace = yield* Workspace.Workspace
          const before = yield* head
          // Signed in as the platform administrator: the strongest account still cannot vouch for itself.
          const result = yield* Effect.either(workspace.handle(ids.vendor, encoded, context))
          assert.isTrue(Either.isLeft(result) && result.left._tag === "InvalidCommand", JSON.stringify(encoded))
          if (Either.isLeft(result) && result.left._tag === "InvalidCommand") {
            const paths = result.left.fields.map((field) => field.path)
            for (const field of injected) {
              assert.isTrue(
                paths.some((path) => path === field || path.startsWith(`${field}.`)),
                field,
              )
            }
          }
          assert.strictEqual(yield* head, before)
        }),
      ),
    { fastCheck: { numRuns: 60 } },
  )

  it.effect("a system process acts as System under its own name; the same intent from a user is his own", () =>
    inWorld(
      Effect.gen(function* () {
        const workspace = yield* Workspace.Workspace
        const store = yield* EventStore.EventStore
        yield* workspace.system("aaf-import").handle({ _tag: "BlockAccount", accountId: ids.otherPupil }, context)
        const all = yield* store.readAll(0, 100_000)
        const last = all[all.length - 1]!
        assert.strictEqual(last.event._tag, "AccountBlocked")
        assert.strictEqual(last.metadata.actor, "system:aaf-import")
        // A pupil sending the very intent the feed sent is refused: he is no process.
        assert.strictEqual(yield* probe(ids.pupil, "BlockPupil"), "rejected BR-ACC-6 NotAuthorized")
      }),
    ),
  )

  it.effect("a process manager's command applies once per causation id", () =>
    inWorld(
      Effect.gen(function* () {
        const workspace = yield* Workspace.Workspace
        const followUp = workspace.system("report-follow-up")
        const once = { ...context, causationId: "ReportHandled-rep-1", idempotent: true }
        const block = { _tag: "BlockAccount", accountId: ids.otherPupil }
        const first = yield* followUp.handle(block, once)
        yield* workspace.handle(ids.vendor, { _tag: "UnblockAccount", accountId: ids.otherPupil }, context)
        // Seen twice (a crash before the checkpoint moved): the events recorded then, nothing decided again.
        const again = yield* followUp.handle(block, once)
        assert.deepStrictEqual(again.events, first.events)
        assert.strictEqual(again.streamVersion, first.streamVersion + 1)
      }),
    ),
  )

  it.effect("names only the library's own processes", () =>
    inWorld(
      Effect.gen(function* () {
        const workspace = yield* Workspace.Workspace
        // A name from outside the closed list does not typecheck; forced through, it is a defect.
        const exit = yield* Effect.exit(Effect.sync(() => workspace.system("my-script" as never)))
        assert.isTrue(Exit.isFailure(exit))
      }),
    ),
  )
})

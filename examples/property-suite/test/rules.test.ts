/**
 * A third party's property tests of the core rules, written as a user outside
 * the repository writes them: the library's exported arbitraries
 * (`@cartable/testing`), given/when/then (`DeciderSpec`) and the decider laws
 * (`DeciderLaws`), against oracles of its own read from DOMAIN.md
 * (`src/Oracles.ts`). Only `@cartable/*` public modules are imported.
 */
import * as Account from "@cartable/domain/Account"
import type * as Actor from "@cartable/domain/Actor"
import * as Credentials from "@cartable/domain/Credentials"
import * as HomeworkBook from "@cartable/domain/HomeworkBook"
import * as Report from "@cartable/domain/Report"
import * as Structure from "@cartable/domain/Structure"
import * as AccountArbitraries from "@cartable/testing/AccountArbitraries"
import * as Arbitraries from "@cartable/testing/Arbitraries"
import * as DeciderLaws from "@cartable/testing/DeciderLaws"
import { given, run } from "@cartable/testing/DeciderSpec"
import * as HomeworkBookArbitraries from "@cartable/testing/HomeworkBookArbitraries"
import * as ReportArbitraries from "@cartable/testing/ReportArbitraries"
import * as StructureArbitraries from "@cartable/testing/StructureArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Arr from "effect/Array"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Oracles from "../src/Oracles.ts"

// The laws every aggregate keeps (a total evolve, determinism, rejections that say why, events that
// round-trip through the store), run on two of the core's aggregates with their commands that meet.
DeciderLaws.suite(Report.aggregate, { commands: ReportArbitraries.commands, numRuns: 30 })
DeciderLaws.suite(HomeworkBook.aggregate, { commands: HomeworkBookArbitraries.commands, numRuns: 30 })

/** A history's commands stream by stream, as the command handler runs them: one decider per stream. */
const byStream = <C>(commands: ReadonlyArray<C>, streamId: (command: C) => string) =>
  Object.values(Arr.groupBy(commands, streamId))

describe("a third party's properties of the core rules", () => {
  it.prop(
    "BR-ACC-1 a pupil's, a relative's or a teacher's account is never made by hand, whoever asks",
    [
      Arbitraries.fromSchema(Account.ProvisionAccount, {
        ...AccountArbitraries.pool,
        actor: AccountArbitraries.actor,
        origin: FastCheck.constant({ _tag: "Manual" as const }),
        profile: FastCheck.constantFrom(...Oracles.feedProfiles),
      }),
    ],
    ([provision]) => {
      given(Account.aggregate).when(provision).thenRejects({ ruleId: "BR-ACC-1" })
    },
  )

  it.prop(
    "BR-ACC-2 a code drawn from random bytes is printable: 8 lowercase letters and digits, no 0, o, 1 or l",
    [FastCheck.uint8Array({ minLength: 32, maxLength: 32 })],
    ([bytes]) => {
      const code = Credentials.codeFromBytes(bytes)
      // 32 random bytes almost always hold 8 usable ones; when they do not, no code is better than a biased one.
      if (code._tag === "Some") assert.isTrue(Oracles.isPrintableCode(code.value), code.value)
    },
  )

  it.prop(
    "BR-ACC-3 a password meets the default policy exactly when it has 6 characters, both cases, and a digit or a special",
    [AccountArbitraries.passwordCandidate],
    ([candidate]) => {
      const violations = Credentials.passwordViolations(Credentials.defaultPasswordPolicy, candidate.password)
      assert.strictEqual(violations.length === 0, Oracles.meetsDefaultPolicy(candidate), candidate.password)
    },
  )

  it.prop(
    "BR-GRP-2 whatever the feed and the administrators do, a pupil is a pupil of one open class of a school per year at most",
    [StructureArbitraries.membershipCommands],
    ([commands]) => {
      for (const history of byStream(commands, Structure.aggregate.streamId)) {
        const { steps, state } = run(Structure.aggregate, history)
        for (const seen of [...steps.map((step) => step.before), state]) {
          if (seen._tag === "Absent") continue
          const classes = [...seen.groups.values()].filter((group) => group.kind === "Class" && group.open)
          const placements = classes.flatMap((group) =>
            [...group.members]
              .filter(([, member]) => member.role === "Student")
              .map(([accountId]) => `${accountId} ${group.schoolYear}`),
          )
          assert.strictEqual(new Set(placements).size, placements.length, placements.join(", "))
        }
      }
    },
  )

  it.prop(
    "BR-SIG-3 a report is handled once: after its handling, every later handling is refused and records nothing",
    [ReportArbitraries.commands],
    ([commands]) => {
      for (const history of byStream(commands, Report.aggregate.streamId)) {
        const { steps, events } = run(Report.aggregate, history)
        assert.isAtMost(events.filter((event) => event._tag === "ReportHandled").length, 1)
        const first = steps.findIndex((step) => step.command._tag === "HandleReport" && Either.isRight(step.decision))
        if (first === -1) continue
        for (const later of steps.slice(first + 1).filter((step) => step.command._tag === "HandleReport")) {
          assert.isTrue(Either.isLeft(later.decision), "a second handling was accepted")
        }
      }
    },
  )

  it.prop(
    "BR-CDT-3 BR-CDT-4 a session a visa covers is edited or deleted by nobody; one outside it by its own teacher",
    [
      FastCheck.constantFrom(...HomeworkBookArbitraries.ids.days),
      HomeworkBookArbitraries.period,
      HomeworkBookArbitraries.anyActor,
      FastCheck.boolean(),
    ],
    ([day, period, actor, deleting]) => {
      const { ids, named } = HomeworkBookArbitraries
      const session = { sessionId: ids.sessions[0]!, subject: ids.subjects[0]!, teacherId: named.teacher1.accountId }
      const history = [
        HomeworkBookArbitraries.opened,
        HomeworkBookArbitraries.recorded({ ...session, date: day }),
        HomeworkBookArbitraries.visaPlaced(period, { _tag: "AllSessions" }),
      ]
      const change = (by: Actor.Actor): HomeworkBook.HomeworkBookCommand =>
        deleting
          ? HomeworkBook.DeleteSession.make({ actor: by, homeworkBookId: ids.books[0]!, sessionId: session.sessionId })
          : HomeworkBook.EditSession.make({
              actor: by,
              homeworkBookId: ids.books[0]!,
              sessionId: session.sessionId,
              subject: session.subject,
              date: day,
              content: "Corrigé",
              homework: "",
            })
      const byAnyone = given(HomeworkBook.aggregate, history).when(change(actor))
      const byTeacher = given(HomeworkBook.aggregate, history).when(change(named.teacher1))
      if (Oracles.within(period, day)) {
        assert.isTrue(Either.isLeft(byAnyone.decision), "a frozen session was changed")
        byTeacher.thenRejects({ ruleId: "BR-CDT-3" })
      } else {
        byTeacher.accepted()
      }
    },
  )
})

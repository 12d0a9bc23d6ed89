/**
 * The homework books' suite over one storage: a book written by hand with its
 * oracle (visas by subject and teacher at their edges, an inspection's
 * window, an erased teacher), and a property over random histories of every
 * aggregate: sessions, their frozen flags and their visas as BR-CDT-2/3 say,
 * inspectors' access as BR-CDT-5 says, erased content as BR-ACC-9 says, and a
 * rebuild equal to what was kept up to date.
 */
import * as Account from "@cartable/domain/Account"
import * as Credentials from "@cartable/domain/Credentials"
import * as HomeworkBook from "@cartable/domain/HomeworkBook"
import {
  AccountId,
  GroupId,
  HomeworkBookId,
  InspectionId,
  SessionId,
  StructureId,
  SubjectCode,
} from "@cartable/domain/Ids"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import * as StreamName from "@cartable/eventlog/StreamName"
import { fold } from "@cartable/kernel/Decider"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as TimedHistories from "@cartable/testing/TimedHistories"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as HomeworkBooks from "../src/HomeworkBooks.ts"
import { feed, log, play, runtime, type Storage, send, shift, snapshot, timetable } from "./fixtures.ts"

const school = StructureId.make("school-h")
const classId = GroupId.make("school-h$4B")
const bookId = HomeworkBookId.make("cdt-4B-2026")
const year = SchoolYear.starting(2026)
const maths = SubjectCode.make("MATHS")
const french = SubjectCode.make("FRANCAIS")
const durand = AccountId.make("t-durand")
const nguyen = AccountId.make("t-nguyen")
const inspector = AccountId.make("i-bernard")
const day = (date: string) => date as SchoolYear.LocalDate

const head = { accountId: AccountId.make("head-h"), roles: [{ _tag: "Direction", structureId: school }] } as const
const admin = {
  accountId: AccountId.make("admin-h"),
  roles: [{ _tag: "Administrator", level: "School", scopeId: school }],
} as const

const session = (sessionId: string, teacherId: AccountId, subject: SubjectCode, date: string) =>
  HomeworkBook.RecordSession.make({
    actor: timetable,
    homeworkBookId: bookId,
    sessionId: SessionId.make(sessionId),
    subject,
    teacherId,
    date: day(date),
    content: `${subject} du ${date}`,
    homework: `Exercices du ${date}`,
  })

/**
 * One book: four sessions; a visa on maths up to 30 September, a visa on
 * Nguyen's sessions from 1 October; an inspection of Durand from 5 to 12
 * October; Durand's data erased in the end.
 */
const aTerm = Effect.gen(function* () {
  const at = "2026-10-20T08:00:00Z"
  yield* send(
    HomeworkBook.OpenHomeworkBook.make({
      actor: timetable,
      homeworkBookId: bookId,
      structureId: school,
      groupId: classId,
      schoolYear: year,
    }),
    "2026-09-01T06:00:00Z",
  )
  yield* send(session("s1", durand, maths, "2026-09-30"), at)
  yield* send(session("s2", durand, maths, "2026-10-01"), at)
  yield* send(session("s3", nguyen, french, "2026-09-30"), at)
  yield* send(session("s4", nguyen, french, "2026-10-01"), at)
  yield* send(session("s5", durand, french, "2026-10-02"), at)
  yield* send(
    HomeworkBook.PlaceVisa.make({
      actor: head,
      homeworkBookId: bookId,
      period: { from: day("2026-09-01"), to: day("2026-09-30") },
      scope: { _tag: "Subject", subject: maths },
    }),
    "2026-10-21T08:00:00Z",
  )
  yield* send(
    HomeworkBook.PlaceVisa.make({
      actor: head,
      homeworkBookId: bookId,
      period: { from: day("2026-10-01"), to: day("2026-10-15") },
      scope: { _tag: "Teacher", teacherId: nguyen },
    }),
    "2026-10-22T08:00:00Z",
  )
  yield* send(
    HomeworkBook.ScheduleInspection.make({
      actor: admin,
      homeworkBookId: bookId,
      inspectionId: InspectionId.make("insp-1"),
      inspectorId: inspector,
      inspectorRoles: [{ _tag: "Inspector" }],
      location: { structureId: school },
      teacherId: durand,
      period: { from: day("2026-10-05"), to: day("2026-10-12") },
    }),
    "2026-10-01T08:00:00Z",
  )
  yield* send(
    HomeworkBook.ScheduleInspection.make({
      actor: admin,
      homeworkBookId: bookId,
      inspectionId: InspectionId.make("insp-2"),
      inspectorId: inspector,
      inspectorRoles: [{ _tag: "Inspector" }],
      location: { structureId: school },
      teacherId: nguyen,
      period: { from: day("2026-10-05"), to: day("2026-10-12") },
    }),
    "2026-10-01T08:00:00Z",
  )
  yield* send(
    HomeworkBook.CancelInspection.make({
      actor: admin,
      homeworkBookId: bookId,
      inspectionId: InspectionId.make("insp-2"),
      location: { structureId: school },
    }),
    "2026-10-02T08:00:00Z",
  )
})

/** Durand leaves: provisioned, pre-deleted, deleted, his data erased (BR-ACC-9). */
const durandErased = Effect.gen(function* () {
  const at = "2026-11-02T08:00:00Z"
  yield* send(
    Account.ProvisionAccount.make({
      actor: feed,
      accountId: durand,
      profile: "Teacher",
      origin: { _tag: "Feed", source: "AAF", externalId: "jointure-durand" },
      structureId: school,
      login: Credentials.Login.make("paul.durand"),
      firstName: "Paul",
      lastName: "Durand",
      activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
    }),
    at,
  )
  for (const command of [
    Account.PreDeleteAccount.make({ actor: admin, accountId: durand }),
    Account.DeleteAccount.make({ actor: admin, accountId: durand }),
    Account.EraseAccountData.make({ actor: admin, accountId: durand }),
  ]) {
    yield* send(command, at)
  }
})

const idsOf = (sessions: ReadonlyArray<HomeworkBooks.SessionView>) => sessions.map((s) => s.sessionId)

/** Registers the suite on a storage. */
export const suite = <E>(name: string, storage: Storage<E>, numRuns: number): void => {
  const live = () => Layer.provideMerge(HomeworkBooks.layer, runtime(storage, [HomeworkBooks.HomeworkBooksProjection]))

  describe(`HomeworkBooks (${name})`, () => {
    it.effect(
      "BR-CDT-3 sessions per class, teacher and subject, frozen by the visa whose period and scope cover them",
      () =>
        Effect.gen(function* () {
          yield* aTerm
          const books = yield* HomeworkBooks.HomeworkBooks
          const all = yield* books.sessions({ group: { structureId: school, groupId: classId } })
          assert.deepStrictEqual<unknown>(
            all.map((s) => [s.sessionId, s.date, s.frozen, s.frozenBy?.rank ?? null]),
            [
              ["s1", "2026-09-30", true, 1], // maths on the visa's last day
              ["s3", "2026-09-30", false, null], // French: not the visa's subject
              ["s2", "2026-10-01", false, null], // maths the day after the visa
              ["s4", "2026-10-01", true, 2], // Nguyen on the second visa's first day
              ["s5", "2026-10-02", false, null], // Durand: not the second visa's teacher
            ],
          )
          assert.deepStrictEqual<unknown>(idsOf(yield* books.sessions({ teacherId: durand })), ["s1", "s2", "s5"])
          assert.deepStrictEqual<unknown>(idsOf(yield* books.sessions({ subject: french })), ["s3", "s4", "s5"])
          assert.deepStrictEqual<unknown>(
            idsOf(yield* books.sessions({ homeworkBookId: bookId, teacherId: durand, subject: french })),
            ["s5"],
          )
          assert.deepStrictEqual<unknown>(
            idsOf(yield* books.sessions({ homeworkBookId: bookId, from: day("2026-10-01"), to: day("2026-10-01") })),
            ["s2", "s4"],
          )
          assert.deepStrictEqual<unknown>(idsOf(yield* books.sessions({ homeworkBookId: bookId, frozen: true })), [
            "s1",
            "s4",
          ])
          const s1 = yield* books.session(bookId, SessionId.make("s1"))
          assert.deepStrictEqual<unknown>(
            [s1?.content, s1?.frozenBy?.placedBy, s1?.frozenBy?.placedAt, s1?.frozenBy?.scope],
            ["MATHS du 2026-09-30", "head-h", "2026-10-21T08:00:00.000Z", { _tag: "Subject", subject: "MATHS" }],
          )
          assert.deepStrictEqual<unknown>(
            (yield* books.books({ structureId: school, schoolYear: year })).map((b) => [
              b.homeworkBookId,
              b.visas.length,
            ]),
            [[bookId, 2]],
          )
          assert.deepStrictEqual<unknown>(
            yield* books.books({ structureId: school, schoolYear: SchoolYear.starting(2027) }),
            [],
          )
        }).pipe(Effect.provide(live()), Effect.scoped),
    )

    it.effect(
      "BR-CDT-5 an inspector reads the teacher's sessions from the window's first day to its last, both included, until cancelled",
      () =>
        Effect.gen(function* () {
          yield* aTerm
          const books = yield* HomeworkBooks.HomeworkBooks
          const can = (teacherId: AccountId, on: string) =>
            books.canRead({ inspectorId: inspector, teacherId, on: day(on) })
          assert.deepStrictEqual(
            [yield* can(durand, "2026-10-04"), yield* can(durand, "2026-10-05"), yield* can(durand, "2026-10-12")],
            [false, true, true],
          )
          assert.isFalse(yield* can(durand, "2026-10-13"))
          // The inspection of Nguyen was cancelled before it began.
          assert.isFalse(yield* can(nguyen, "2026-10-08"))
          assert.isFalse(yield* books.canRead({ inspectorId: durand, teacherId: durand, on: day("2026-10-08") }))
          assert.isTrue(
            yield* books.canRead({
              inspectorId: inspector,
              teacherId: durand,
              on: day("2026-10-05"),
              homeworkBookId: bookId,
            }),
          )
          assert.isFalse(
            yield* books.canRead({
              inspectorId: inspector,
              teacherId: durand,
              on: day("2026-10-05"),
              homeworkBookId: HomeworkBookId.make("another-book"),
            }),
          )
          assert.deepStrictEqual<unknown>(idsOf(yield* books.readableSessions(inspector, day("2026-10-12"))), [
            "s1",
            "s2",
            "s5",
          ])
          assert.deepStrictEqual<unknown>(idsOf(yield* books.readableSessions(inspector, day("2026-10-13"))), [])
          assert.deepStrictEqual<unknown>(
            (yield* books.inspections({ inspectorId: inspector })).map((i) => [
              i.inspectionId,
              i.teacherId,
              i.cancelled,
            ]),
            [
              ["insp-1", durand, false],
              ["insp-2", nguyen, true],
            ],
          )
        }).pipe(Effect.provide(live()), Effect.scoped),
    )

    it.effect(
      "BR-ACC-9 after the teacher's erasure his sessions' content and homework read as erased, in a rebuild too",
      () =>
        Effect.gen(function* () {
          yield* aTerm
          yield* durandErased
          // Written after the erasure, by the timetable import, in his name: erased as well.
          yield* send(session("s6", durand, maths, "2026-11-03"), "2026-11-03T08:00:00Z")
          const books = yield* HomeworkBooks.HomeworkBooks
          const read = Effect.map(books.sessions({ homeworkBookId: bookId }), (all) =>
            all.map((s) => [s.sessionId, s.content, s.homework, s.erased, s.frozen]),
          )
          const erased = PersonalData.ERASED
          const expected = [
            ["s1", erased, erased, true, true], // still frozen: the visa stays
            ["s3", "FRANCAIS du 2026-09-30", "Exercices du 2026-09-30", false, false],
            ["s2", erased, erased, true, false],
            ["s4", "FRANCAIS du 2026-10-01", "Exercices du 2026-10-01", false, true],
            ["s5", erased, erased, true, false],
            ["s6", erased, erased, true, false],
          ]
          assert.deepStrictEqual<unknown>(yield* read, expected)
          yield* (yield* ProjectionRuntime.ProjectionRuntime).rebuild(HomeworkBooks.HomeworkBooksProjection)
          assert.deepStrictEqual<unknown>(yield* read, expected)
        }).pipe(Effect.provide(live()), Effect.scoped),
    )

    it.effect.prop(
      "BR-CDT-3 over random histories of every aggregate, sessions, visas, inspections and erasures read as the rules say; a rebuild equals what was kept up to date",
      [TimedHistories.histories],
      ([history]) =>
        Effect.gen(function* () {
          yield* play(history)
          const books = yield* HomeworkBooks.HomeworkBooks
          const events = yield* log
          const erased = new Set(
            events.flatMap((r) =>
              r.type === "AccountDataErased" ? [(r.event as unknown as { accountId: string }).accountId] : [],
            ),
          )
          const byStream = new Map<string, Array<HomeworkBook.HomeworkBookEvent>>()
          for (const r of events) {
            if (StreamName.category(r.streamName) !== "HomeworkBook") continue
            byStream.set(r.streamName, [
              ...(byStream.get(r.streamName) ?? []),
              r.event as HomeworkBook.HomeworkBookEvent,
            ])
          }
          for (const stream of byStream.values()) {
            const state = fold(HomeworkBook.aggregate, stream)
            if (state._tag !== "HomeworkBook") continue
            // BR-CDT-3, from DOMAIN.md: a visa covers a session when its date lies in the visa's period, both days
            // included, and the visa is on all sessions, on the session's subject or on its teacher.
            const coverOf = (s: HomeworkBook.Session) =>
              state.visas.findIndex(
                (v) =>
                  v.period.from <= s.date &&
                  s.date <= v.period.to &&
                  (v.scope._tag === "AllSessions" ||
                    (v.scope._tag === "Subject" && v.scope.subject === s.subject) ||
                    (v.scope._tag === "Teacher" && v.scope.teacherId === s.teacherId)),
              )
            const expected = state.sessions
              .map((s) => {
                const gone = erased.has(s.teacherId)
                return [
                  s.sessionId,
                  s.subject,
                  s.teacherId,
                  s.date,
                  gone ? PersonalData.ERASED : s.content,
                  gone ? PersonalData.ERASED : s.homework,
                  coverOf(s) >= 0,
                  coverOf(s) + 1,
                ]
              })
              .sort((a, b) => (a[3]! < b[3]! ? -1 : a[3]! > b[3]! ? 1 : a[0]! < b[0]! ? -1 : 1))
            const actual = yield* books.sessions({ homeworkBookId: state.homeworkBookId })
            assert.deepStrictEqual<unknown>(
              actual.map((s) => [
                s.sessionId,
                s.subject,
                s.teacherId,
                s.date,
                s.content,
                s.homework,
                s.frozen,
                s.frozenBy?.rank ?? 0,
              ]),
              expected,
            )
            // BR-CDT-5, from DOMAIN.md: access between the start and end dates (both included), unless cancelled.
            for (const inspection of state.inspections) {
              const { from, to } = inspection.period
              for (const on of [shift(from, -1), from, to, shift(to, 1)]) {
                const expectedAccess = state.inspections.some(
                  (i) =>
                    !i.cancelled &&
                    i.inspectorId === inspection.inspectorId &&
                    i.teacherId === inspection.teacherId &&
                    i.period.from <= on &&
                    on <= i.period.to,
                )
                assert.strictEqual(
                  yield* books.canRead({
                    inspectorId: inspection.inspectorId,
                    teacherId: inspection.teacherId,
                    on,
                    homeworkBookId: state.homeworkBookId,
                  }),
                  expectedAccess,
                  `${inspection.inspectionId} on ${on}`,
                )
              }
            }
          }

          const kept = yield* snapshot(HomeworkBooks.HomeworkBooksProjection)
          yield* (yield* ProjectionRuntime.ProjectionRuntime).rebuild(HomeworkBooks.HomeworkBooksProjection)
          assert.deepStrictEqual(yield* snapshot(HomeworkBooks.HomeworkBooksProjection), kept)
        }).pipe(Effect.provide(live()), Effect.scoped),
      { fastCheck: { numRuns } },
    )
  })
}

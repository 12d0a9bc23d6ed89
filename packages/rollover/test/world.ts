/**
 * A school world of 2026-2027 for the rollover tests, written through the
 * Workspace: a secondary school with two classes, a teaching group spanning
 * them and the direction's functional group, a primary school with one class,
 * their pupils and a teacher; the timetable import opens the books of a class
 * and of the teaching group, and the teacher writes in both.
 */
import * as Domain from "@cartable/domain/Domain"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as Authorization from "@cartable/read-models/Authorization"
import * as HomeworkBooks from "@cartable/read-models/HomeworkBooks"
import * as Rosters from "@cartable/read-models/Rosters"
import * as Workspace from "@cartable/workspace/Workspace"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

export const catalog = EventCatalog.make(Domain.events)

/** The Workspace and the read models the rollover changes, all inline so that a read follows the append. */
export const stack = <E>(storage: Layer.Layer<EventStore.EventStore | ReadModelStore.ReadModelStore, E>) =>
  Layer.mergeAll(Workspace.layer, Rosters.layer, HomeworkBooks.layer).pipe(
    Layer.provideMerge(Authorization.layer),
    Layer.provideMerge(
      ProjectionRuntime.layer({
        inline: [
          Authorization.AuthorizationProjection,
          Rosters.RostersProjection,
          HomeworkBooks.HomeworkBooksProjection,
        ],
      }),
    ),
    Layer.provideMerge(storage),
  )

/** The in-memory storage: a fresh log each time the layer is built. */
export const memoryStorage = () =>
  EventStore.layer(catalog).pipe(
    Layer.provideMerge(Layer.merge(ReadModelStore.layerMemoryWithDriver, SubjectKeyStore.layerMemory)),
  )

/** The whole stack in memory. */
export const memory = () => stack(memoryStorage())

export const ids = {
  college: "0571994H",
  school: "0570056B",
  class6A: "0571994H$6A",
  class5B: "0571994H$5B",
  english: "0571994H$6-ANG1",
  direction: "0571994H$CHEF",
  classCP: "0570056B$CP",
  book6A: "hb-0571994H-6A-2026",
  bookEnglish: "hb-0571994H-6-ANG1-2026",
  bookCP: "hb-0570056B-CP-2026",
  teacher: "teacher-1",
  head: "head-1",
  pupils: ["pupil-1", "pupil-2", "pupil-3"],
} as const

export const from = "2026-2027"
export const to = "2027-2028"
export const context = { occurredAt: DateTime.unsafeMake("2026-09-07T08:00:00Z") }
/** 1 September 2027, 6:00 in Paris: the new year's first day. */
export const rolloverAt = DateTime.unsafeMake("2027-09-01T04:00:00Z")

const person = (accountId: string, profile: string, structureId: string) => ({
  _tag: "ProvisionAccount",
  accountId,
  profile,
  origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${accountId}` },
  structureId,
  login: accountId.replace("-", "."),
  firstName: "Camille",
  lastName: "Martin",
  activationCode: "3n6g8fmj",
})

/** The world of 2026-2027: every command of it must go through. */
export const setup = Effect.gen(function* () {
  const workspace = yield* Workspace.Workspace
  const feed = workspace.system("aaf-import")
  const timetable = workspace.system("timetable-import")
  const register = (structureId: string, name: string, kind: string) =>
    feed.handle({ _tag: "RegisterStructure", structureId, uai: structureId, name, kind }, context)
  yield* register(ids.college, "Collège Jean Moulin", "SecondarySchool")
  yield* register(ids.school, "École Louise Michel", "PrimarySchool")
  const group = (structureId: string, groupId: string, kind: string, name: string, extra: object = {}) =>
    feed.handle(
      { _tag: "OpenGroup", structureId, groupId, kind, name, schoolYear: from, owner: "Feed", ...extra },
      context,
    )
  yield* group(ids.college, ids.class6A, "Class", "6e A")
  yield* group(ids.college, ids.class5B, "Class", "5e B")
  yield* group(ids.college, ids.english, "TeachingGroup", "Anglais 6e groupe 1")
  yield* group(ids.college, ids.direction, "FunctionalGroup", "Chef d'établissement", { function: "Direction" })
  yield* group(ids.school, ids.classCP, "Class", "CP")
  yield* feed.handle(person(ids.teacher, "Teacher", ids.college), context)
  yield* feed.handle(person(ids.head, "Personnel", ids.college), context)
  for (const pupil of ids.pupils) yield* feed.handle(person(pupil, "Student", ids.college), context)
  const assign = (structureId: string, groupId: string, accountId: string, role: string) =>
    feed.handle({ _tag: "AssignToGroup", structureId, groupId, accountId, role, source: "Feed" }, context)
  const [p1, p2, p3] = ids.pupils
  yield* assign(ids.college, ids.class6A, p1, "Student")
  yield* assign(ids.college, ids.class6A, p2, "Student")
  yield* assign(ids.college, ids.class5B, p3, "Student")
  yield* assign(ids.college, ids.english, p1, "Student")
  yield* assign(ids.college, ids.english, p2, "Student")
  yield* assign(ids.college, ids.class6A, ids.teacher, "Teacher")
  yield* assign(ids.college, ids.english, ids.teacher, "Teacher")
  yield* assign(ids.college, ids.direction, ids.head, "Member")
  const book = (homeworkBookId: string, structureId: string, groupId: string) =>
    timetable.handle({ _tag: "OpenHomeworkBook", homeworkBookId, structureId, groupId, schoolYear: from }, context)
  yield* book(ids.book6A, ids.college, ids.class6A)
  yield* book(ids.bookEnglish, ids.college, ids.english)
  yield* book(ids.bookCP, ids.school, ids.classCP)
  for (const [homeworkBookId, sessionId] of [
    [ids.book6A, "s-6A-1"],
    [ids.bookEnglish, "s-ANG-1"],
  ] as const) {
    yield* workspace.handle(ids.teacher, session(homeworkBookId, sessionId, "2026-09-14"), context)
  }
}).pipe(Effect.orDie)

/** A teacher's session intent. */
export const session = (homeworkBookId: string, sessionId: string, date: string, teacherId: string = ids.teacher) => ({
  _tag: "RecordSession",
  homeworkBookId,
  sessionId,
  subject: "ANGLAIS",
  teacherId,
  date,
  content: "Present perfect",
  homework: "",
})

/** Every event of the log, without metadata: what two worlds compare. */
export const everything = Effect.gen(function* () {
  const store = yield* EventStore.EventStore
  const all = yield* store.readAll(0, 100_000)
  return all.map((recorded) => ({ stream: recorded.streamName, event: recorded.event }))
})

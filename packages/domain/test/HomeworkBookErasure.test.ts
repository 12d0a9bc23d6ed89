/**
 * What a teacher writes in a homework book is his personal data (BR-ACC-9):
 * erasing him makes his sessions' contents and homework read as erased in the
 * book's stream, while other teachers' sessions and the book's structure stay.
 */

import * as HomeworkBook from "@cartable/domain/HomeworkBook"
import { SessionId } from "@cartable/domain/Ids"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as EventStoreDriver from "@cartable/eventlog/EventStoreDriver"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import { fold } from "@cartable/kernel/Decider"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as HomeworkBookArbitraries from "@cartable/testing/HomeworkBookArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const { ids, named } = HomeworkBookArbitraries
const bookId = ids.books[0]!
const context = { occurredAt: DateTime.unsafeMake("2025-09-15T08:00:00Z") }
const store = EventStore.layer(EventCatalog.make(HomeworkBook.events)).pipe(
  Layer.provideMerge(Layer.merge(EventStoreDriver.layerMemory, SubjectKeyStore.layerMemory)),
)

const written = {
  [ids.teachers[0]!]: { content: "Pythagore : démonstration par les aires", homework: "Exercice 12 page 87" },
  [ids.teachers[1]!]: { content: "Lecture du chapitre 3", homework: "Résumé en dix lignes" },
}

describe("HomeworkBook erasure", () => {
  it.effect("BR-ACC-9 erasing a teacher erases the contents and homework of his sessions, and only his", () =>
    Effect.gen(function* () {
      const handle = yield* CommandHandler.make(HomeworkBook.aggregate)
      const eventStore = yield* EventStore.EventStore
      const driver = yield* EventStoreDriver.EventStoreDriver
      yield* handle(
        {
          _tag: "OpenHomeworkBook",
          actor: named.timetable,
          homeworkBookId: bookId,
          structureId: ids.schools[0]!,
          groupId: ids.groups[0]!,
          schoolYear: ids.schoolYear,
        },
        context,
      )
      const [erased, kept] = [named.teacher1, named.teacher2]
      for (const [i, teacher] of [erased, kept].entries()) {
        const text = written[teacher.accountId]!
        const sessionId = SessionId.make(`erasure-${i}`)
        const common = { actor: teacher, homeworkBookId: bookId, sessionId, subject: ids.subjects[0]! }
        yield* handle(
          {
            _tag: "RecordSession",
            ...common,
            teacherId: teacher.accountId,
            date: ids.days[i]!,
            content: "",
            homework: "",
          },
          context,
        )
        yield* handle({ _tag: "EditSession", ...common, date: ids.days[i]!, ...text }, context)
      }
      const { state: before } = yield* CommandHandler.load(HomeworkBook.aggregate, bookId)
      assert.ok(before._tag === "HomeworkBook")
      assert.deepStrictEqual(
        before.sessions.map(({ content, homework }) => ({ content, homework })),
        [written[erased.accountId], written[kept.accountId]],
      )
      // The store never holds the text in clear, before erasure or after.
      const rows = yield* driver.readAll(0, Number.MAX_SAFE_INTEGER)
      for (const text of Object.values(written).flatMap(({ content, homework }) => [content, homework])) {
        assert.ok(
          rows.every((row) => !row.data.includes(text)),
          `"${text}" is stored in clear`,
        )
      }

      yield* eventStore.eraseSubject(erased.accountId)

      const events = (yield* CommandHandler.history(HomeworkBook.aggregate, bookId)).map((entry) => entry.event)
      for (const event of events) {
        if (event._tag !== "SessionRecorded" && event._tag !== "SessionEdited") continue
        const erasedHere = event.teacherId === erased.accountId
        assert.strictEqual(PersonalData.isErased(event.content), erasedHere)
        assert.strictEqual(PersonalData.isErased(event.homework), erasedHere)
      }
      const after = fold(HomeworkBook.aggregate, events)
      assert.ok(after._tag === "HomeworkBook")
      assert.deepStrictEqual(after, {
        ...before,
        sessions: [
          { ...before.sessions[0]!, content: PersonalData.ERASED, homework: PersonalData.ERASED },
          before.sessions[1]!,
        ],
      })
    }).pipe(Effect.provide(store)),
  )
})

/**
 * The homework books as users read them (cahier de textes): sessions per
 * class, teacher and subject, each with whether a visa froze it and which
 * (BR-CDT-1 to BR-CDT-3), and the inspectors' access windows (BR-CDT-5). What
 * a teacher wrote (content, homework) is his personal data: after his
 * `AccountDataErased` it reads as `PersonalData.ERASED`, in the sessions he
 * wrote before and any written after (BR-ACC-9).
 *
 * @since 0.1.0
 */
import * as Domain from "@cartable/domain/Domain"
import { VisaScope } from "@cartable/domain/HomeworkBookEvents"
import {
  AccountId,
  GroupId,
  HomeworkBookId,
  InspectionId,
  SessionId,
  StructureId,
  SubjectCode,
} from "@cartable/domain/Ids"
import { LocalDate, Period, SchoolYear } from "@cartable/domain/SchoolYear"
import type { RecordedEvent } from "@cartable/eventlog/RecordedEvent"
import * as PersonalData from "@cartable/kernel/PersonalData"
import type * as Projection from "@cartable/projections/Projection"
import * as Projections from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModel from "@cartable/projections/ReadModel"
import type { ReadModelError, ReadModelStore } from "@cartable/projections/ReadModelStore"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { everything } from "./internal/pages.ts"
import { traced } from "./internal/traced.ts"

/**
 * A visa as the book keeps it: its rank among the book's visas (1 for the
 * first placed), period, scope, who placed it and when.
 *
 * @since 0.1.0
 */
export const VisaEntry = Schema.Struct({
  rank: Schema.Number,
  period: Period,
  scope: VisaScope,
  placedBy: AccountId,
  placedAt: Schema.String,
})
/** @since 0.1.0 */
export type VisaEntry = typeof VisaEntry.Type

/**
 * A homework book: its class or group, school year and visas, and `archived`
 * once it closed with its class at the end of its year (BR-GRP-4): readable,
 * no session changes any more. Absent means not archived, so that the books of
 * logs written before the rollover existed read as they were, with no rebuild.
 *
 * @since 0.1.0
 */
export const BookEntry = Schema.Struct({
  homeworkBookId: HomeworkBookId,
  structureId: StructureId,
  groupId: GroupId,
  schoolYear: SchoolYear,
  visas: Schema.Array(VisaEntry),
  archived: Schema.optional(Schema.Boolean),
})
/** @since 0.1.0 */
export type BookEntry = typeof BookEntry.Type

/**
 * A session as stored; `erased` once its teacher's data was erased, and then
 * `content` and `homework` read `PersonalData.ERASED`.
 *
 * @since 0.1.0
 */
export const SessionEntry = Schema.Struct({
  homeworkBookId: HomeworkBookId,
  structureId: StructureId,
  groupId: GroupId,
  sessionId: SessionId,
  subject: SubjectCode,
  teacherId: AccountId,
  date: LocalDate,
  content: Schema.String,
  homework: Schema.String,
  erased: Schema.Boolean,
})
/** @since 0.1.0 */
export type SessionEntry = typeof SessionEntry.Type

/**
 * An inspection: the inspector, the teacher whose sessions of the book he may
 * read, the window (both days included) and whether it was cancelled.
 *
 * @since 0.1.0
 */
export const InspectionEntry = Schema.Struct({
  homeworkBookId: HomeworkBookId,
  structureId: StructureId,
  groupId: GroupId,
  inspectionId: InspectionId,
  inspectorId: AccountId,
  teacherId: AccountId,
  period: Period,
  cancelled: Schema.Boolean,
})
/** @since 0.1.0 */
export type InspectionEntry = typeof InspectionEntry.Type

/**
 * A teacher as the author of sessions: the keys of his sessions, and whether
 * his data was erased (what the erasure handler needs, found by key).
 *
 * @since 0.1.0
 */
export const AuthorEntry = Schema.Struct({
  accountId: AccountId,
  sessions: Schema.Array(Schema.String),
  erased: Schema.Boolean,
})
/** @since 0.1.0 */
export type AuthorEntry = typeof AuthorEntry.Type

const groupKey = (structureId: string, groupId: string): string => JSON.stringify([structureId, groupId])
const sessionKey = (homeworkBookId: string, sessionId: string): string => JSON.stringify([homeworkBookId, sessionId])
const inspectionKey = (homeworkBookId: string, inspectionId: string): string =>
  JSON.stringify([homeworkBookId, inspectionId])

/** The books, by id; found by class or group, and by school. @since 0.1.0 */
export const Books = ReadModel.collection("books", {
  document: BookEntry,
  key: (book) => book.homeworkBookId,
  indexes: { group: (book) => groupKey(book.structureId, book.groupId), school: (book) => book.structureId },
})

/** The sessions, found by book, class or group, teacher and subject. @since 0.1.0 */
export const Sessions = ReadModel.collection("sessions", {
  document: SessionEntry,
  key: (session) => sessionKey(session.homeworkBookId, session.sessionId),
  indexes: {
    book: (session) => session.homeworkBookId,
    group: (session) => groupKey(session.structureId, session.groupId),
    teacher: (session) => session.teacherId,
    subject: (session) => session.subject,
  },
})

/** The inspections, found by inspector, teacher and book. @since 0.1.0 */
export const Inspections = ReadModel.collection("inspections", {
  document: InspectionEntry,
  key: (inspection) => inspectionKey(inspection.homeworkBookId, inspection.inspectionId),
  indexes: {
    inspector: (inspection) => inspection.inspectorId,
    teacher: (inspection) => inspection.teacherId,
    book: (inspection) => inspection.homeworkBookId,
  },
})

/** The authors, by account id. @since 0.1.0 */
export const Authors = ReadModel.collection("authors", {
  document: AuthorEntry,
  key: (author) => author.accountId,
})

const collections = { books: Books, sessions: Sessions, inspections: Inspections, authors: Authors }
type Into = Projection.Writers<typeof collections>

/** A session's text, or the erased marker once its author's data is erased. */
const text = (value: string, erased: boolean): string => (erased ? PersonalData.ERASED : value)

/** Writes a session's values, erased if its author's data was (a session written after his erasure included). */
const writeSession = (
  into: Into,
  event: Pick<SessionEntry, "homeworkBookId" | "sessionId" | "subject" | "teacherId" | "date" | "content" | "homework">,
) =>
  into.authors.read(event.teacherId, (author) => {
    const key = sessionKey(event.homeworkBookId, event.sessionId)
    const erased = author?.erased ?? false
    return [
      into.authors.put({
        accountId: event.teacherId,
        sessions:
          author === undefined || !author.sessions.includes(key) ? [...(author?.sessions ?? []), key] : author.sessions,
        erased,
      }),
      into.books.read(event.homeworkBookId, (book) =>
        book === undefined
          ? []
          : into.sessions.put({
              homeworkBookId: book.homeworkBookId,
              structureId: book.structureId,
              groupId: book.groupId,
              sessionId: event.sessionId,
              subject: event.subject,
              teacherId: event.teacherId,
              date: event.date,
              content: text(event.content, erased),
              homework: text(event.homework, erased),
              erased,
            }),
      ),
    ]
  })

/**
 * The homework books' projection: books with their visas, sessions,
 * inspections, and the authors of sessions for erasure.
 *
 * @since 0.1.0
 */
export const HomeworkBooksProjection = Projections.make({
  name: "homework_books",
  version: 1,
  events: Domain.events,
  collections,
  handlers: {
    HomeworkBookOpened: (event, into) =>
      into.books.update(
        event.homeworkBookId,
        (current) =>
          current ?? {
            homeworkBookId: event.homeworkBookId,
            structureId: event.structureId,
            groupId: event.groupId,
            schoolYear: event.schoolYear,
            visas: [],
          },
      ),
    SessionRecorded: (event, into) => writeSession(into, event),
    SessionEdited: (event, into) => writeSession(into, event),
    SessionDeleted: (event, into) =>
      into.sessions.read(sessionKey(event.homeworkBookId, event.sessionId), (session) =>
        session === undefined
          ? []
          : [
              into.sessions.remove(sessionKey(event.homeworkBookId, event.sessionId)),
              into.authors.update(
                session.teacherId,
                (author) =>
                  author && {
                    ...author,
                    sessions: author.sessions.filter(
                      (key) => key !== sessionKey(event.homeworkBookId, event.sessionId),
                    ),
                  },
              ),
            ],
      ),
    VisaPlaced: (event, into, recorded: RecordedEvent) =>
      into.books.update(
        event.homeworkBookId,
        (book) =>
          book && {
            ...book,
            visas: [
              ...book.visas,
              {
                rank: book.visas.length + 1,
                period: event.period,
                scope: event.scope,
                placedBy: event.placedBy,
                placedAt: DateTime.formatIso(recorded.metadata.occurredAt),
              },
            ],
          },
      ),
    InspectionScheduled: (event, into) =>
      into.books.read(event.homeworkBookId, (book) =>
        book === undefined
          ? []
          : into.inspections.put({
              homeworkBookId: book.homeworkBookId,
              structureId: book.structureId,
              groupId: book.groupId,
              inspectionId: event.inspectionId,
              inspectorId: event.inspectorId,
              teacherId: event.teacherId,
              period: event.period,
              cancelled: false,
            }),
      ),
    InspectionRescheduled: (event, into) =>
      into.inspections.update(
        inspectionKey(event.homeworkBookId, event.inspectionId),
        (current) => current && { ...current, period: event.period },
      ),
    InspectionCancelled: (event, into) =>
      into.inspections.update(
        inspectionKey(event.homeworkBookId, event.inspectionId),
        (current) => current && { ...current, cancelled: true },
      ),
    HomeworkBookArchived: (event, into) =>
      into.books.update(event.homeworkBookId, (book) => book && { ...book, archived: true }),
    // BR-ACC-9: the teacher's words go; the sessions stay, with their dates, subjects and visas.
    AccountDataErased: (event, into) =>
      into.authors.read(event.accountId, (author) => [
        into.authors.put({ accountId: event.accountId, sessions: author?.sessions ?? [], erased: true }),
        ...(author?.sessions ?? []).map((key) =>
          into.sessions.update(
            key,
            (session) =>
              session && { ...session, content: PersonalData.ERASED, homework: PersonalData.ERASED, erased: true },
          ),
        ),
      ]),
  },
})

/**
 * A session as the queries give it: with `frozen`, and the visa that froze it
 * (the first placed of those covering it, BR-CDT-3).
 *
 * @since 0.1.0
 */
export interface SessionView extends SessionEntry {
  readonly frozen: boolean
  readonly frozenBy?: VisaEntry | undefined
}

/**
 * Whether a visa covers a session: its date within the visa's period, both
 * days included, and its subject or teacher the visa's scope (BR-CDT-2, BR-CDT-3).
 *
 * @since 0.1.0
 */
export const visaCovers = (visa: VisaEntry, session: Pick<SessionEntry, "date" | "subject" | "teacherId">): boolean =>
  visa.period.from <= session.date &&
  session.date <= visa.period.to &&
  (visa.scope._tag === "AllSessions" ||
    (visa.scope._tag === "Subject" && visa.scope.subject === session.subject) ||
    (visa.scope._tag === "Teacher" && visa.scope.teacherId === session.teacherId))

/**
 * Whether an inspection opens its teacher's sessions to its inspector on day
 * `on`: not cancelled, and `on` from its first to its last day, both included (BR-CDT-5).
 *
 * @since 0.1.0
 */
export const opensOn = (inspection: InspectionEntry, on: LocalDate): boolean =>
  !inspection.cancelled && inspection.period.from <= on && on <= inspection.period.to

/**
 * Which sessions to list: those of a book, or of a class or group (all its
 * books), of a teacher, of a subject, and between two dates (both included).
 * The filters combine; with none, every session.
 *
 * @since 0.1.0
 */
export interface SessionFilter {
  readonly homeworkBookId?: HomeworkBookId | undefined
  readonly group?: { readonly structureId: StructureId; readonly groupId: GroupId } | undefined
  readonly teacherId?: AccountId | undefined
  readonly subject?: SubjectCode | undefined
  readonly from?: LocalDate | undefined
  readonly to?: LocalDate | undefined
  readonly frozen?: boolean | undefined
}

/**
 * @since 0.1.0
 */
export declare namespace HomeworkBooks {
  /** What the homework books answer. */
  export interface Service {
    /** A book with its visas. */
    readonly book: (homeworkBookId: HomeworkBookId) => Effect.Effect<BookEntry | undefined, ReadModelError>
    /** The books of a school, or of one of its classes or groups, optionally of one school year. */
    readonly books: (filter: {
      readonly structureId: StructureId
      readonly groupId?: GroupId | undefined
      readonly schoolYear?: SchoolYear | undefined
    }) => Effect.Effect<ReadonlyArray<BookEntry>, ReadModelError>
    /** One session, with its frozen flag. */
    readonly session: (
      homeworkBookId: HomeworkBookId,
      sessionId: SessionId,
    ) => Effect.Effect<SessionView | undefined, ReadModelError>
    /** Sessions, by date then book and session id, with their frozen flags. */
    readonly sessions: (filter: SessionFilter) => Effect.Effect<ReadonlyArray<SessionView>, ReadModelError>
    /** Inspections (cancelled ones included) of an inspector, a teacher or a book. */
    readonly inspections: (filter: {
      readonly inspectorId?: AccountId | undefined
      readonly teacherId?: AccountId | undefined
      readonly homeworkBookId?: HomeworkBookId | undefined
    }) => Effect.Effect<ReadonlyArray<InspectionEntry>, ReadModelError>
    /**
     * Whether the inspector may read the teacher's sessions on day `on` (of
     * one book, or of any): an inspection of that teacher not cancelled whose
     * window holds the day, first and last included (BR-CDT-5).
     */
    readonly canRead: (query: {
      readonly inspectorId: AccountId
      readonly teacherId: AccountId
      readonly on: LocalDate
      readonly homeworkBookId?: HomeworkBookId | undefined
    }) => Effect.Effect<boolean, ReadModelError>
    /** The sessions an inspector may read on day `on`: his inspected teachers' sessions of the inspections' books. */
    readonly readableSessions: (
      inspectorId: AccountId,
      on: LocalDate,
    ) => Effect.Effect<ReadonlyArray<SessionView>, ReadModelError>
  }
}

/**
 * The homework books' query service.
 *
 * @since 0.1.0
 */
export class HomeworkBooks extends Context.Tag("@cartable/read-models/HomeworkBooks")<
  HomeworkBooks,
  HomeworkBooks.Service
>() {}

const byDate = (a: SessionView, b: SessionView) =>
  a.date !== b.date
    ? a.date < b.date
      ? -1
      : 1
    : a.homeworkBookId !== b.homeworkBookId
      ? a.homeworkBookId < b.homeworkBookId
        ? -1
        : 1
      : a.sessionId < b.sessionId
        ? -1
        : a.sessionId > b.sessionId
          ? 1
          : 0

/**
 * Builds the query service over the serving version of {@link HomeworkBooksProjection}.
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<HomeworkBooks.Service, never, ReadModelStore> = Effect.gen(function* () {
  const store = yield* Effect.context<ReadModelStore>()
  const reader = <K extends keyof typeof collections & string>(name: K) =>
    ProjectionRuntime.readerOf([HomeworkBooksProjection], name).pipe(Effect.provide(store))

  /** The sessions with their frozen flags, from their books' visas. */
  const views = (sessions: ReadonlyArray<SessionEntry>) =>
    Effect.gen(function* () {
      const books = yield* reader("books")
      const found = yield* books.getMany([...new Set(sessions.map((session) => session.homeworkBookId))])
      const visas = new Map(found.map((book) => [book.homeworkBookId, book.visas]))
      return sessions.map((session): SessionView => {
        const frozenBy = (visas.get(session.homeworkBookId) ?? []).find((visa) => visaCovers(visa, session))
        return { ...session, frozen: frozenBy !== undefined, frozenBy }
      })
    })

  const inspections: HomeworkBooks.Service["inspections"] = (filter) =>
    Effect.gen(function* () {
      const all = yield* reader("inspections")
      const found =
        filter.inspectorId !== undefined
          ? yield* everything(all, { index: "inspector", equals: filter.inspectorId })
          : filter.teacherId !== undefined
            ? yield* everything(all, { index: "teacher", equals: filter.teacherId })
            : filter.homeworkBookId !== undefined
              ? yield* everything(all, { index: "book", equals: filter.homeworkBookId })
              : yield* everything(all, {})
      return found.filter(
        (inspection) =>
          (filter.inspectorId === undefined || inspection.inspectorId === filter.inspectorId) &&
          (filter.teacherId === undefined || inspection.teacherId === filter.teacherId) &&
          (filter.homeworkBookId === undefined || inspection.homeworkBookId === filter.homeworkBookId),
      )
    })

  const sessions: HomeworkBooks.Service["sessions"] = (filter) =>
    Effect.gen(function* () {
      const all = yield* reader("sessions")
      const found =
        filter.homeworkBookId !== undefined
          ? yield* everything(all, { index: "book", equals: filter.homeworkBookId })
          : filter.group !== undefined
            ? yield* everything(all, {
                index: "group",
                equals: groupKey(filter.group.structureId, filter.group.groupId),
              })
            : filter.teacherId !== undefined
              ? yield* everything(all, { index: "teacher", equals: filter.teacherId })
              : filter.subject !== undefined
                ? yield* everything(all, { index: "subject", equals: filter.subject })
                : yield* everything(all, {})
      const matching = found.filter(
        (session) =>
          (filter.homeworkBookId === undefined || session.homeworkBookId === filter.homeworkBookId) &&
          (filter.group === undefined ||
            (session.structureId === filter.group.structureId && session.groupId === filter.group.groupId)) &&
          (filter.teacherId === undefined || session.teacherId === filter.teacherId) &&
          (filter.subject === undefined || session.subject === filter.subject) &&
          (filter.from === undefined || filter.from <= session.date) &&
          (filter.to === undefined || session.date <= filter.to),
      )
      const withFlags = yield* views(matching)
      return withFlags.filter((view) => filter.frozen === undefined || view.frozen === filter.frozen).sort(byDate)
    })

  return HomeworkBooks.of(
    traced("HomeworkBooks", {
      book: (homeworkBookId) => Effect.flatMap(reader("books"), (books) => books.get(homeworkBookId)),
      books: (filter) =>
        Effect.gen(function* () {
          const books = yield* reader("books")
          const found =
            filter.groupId === undefined
              ? yield* everything(books, { index: "school", equals: filter.structureId })
              : yield* everything(books, { index: "group", equals: groupKey(filter.structureId, filter.groupId) })
          return found.filter((book) => filter.schoolYear === undefined || book.schoolYear === filter.schoolYear)
        }),
      session: (homeworkBookId, sessionId) =>
        Effect.gen(function* () {
          const found = yield* (yield* reader("sessions")).get(sessionKey(homeworkBookId, sessionId))
          return found === undefined ? undefined : (yield* views([found]))[0]
        }),
      sessions,
      inspections,
      canRead: (query) =>
        Effect.map(
          inspections({
            inspectorId: query.inspectorId,
            teacherId: query.teacherId,
            homeworkBookId: query.homeworkBookId,
          }),
          (found) => found.some((inspection) => opensOn(inspection, query.on)),
        ),
      readableSessions: (inspectorId, on) =>
        Effect.gen(function* () {
          const open = (yield* inspections({ inspectorId })).filter((inspection) => opensOn(inspection, on))
          const found = yield* Effect.forEach(open, (inspection) =>
            sessions({ homeworkBookId: inspection.homeworkBookId, teacherId: inspection.teacherId }),
          )
          const unique = new Map(found.flat().map((view) => [sessionKey(view.homeworkBookId, view.sessionId), view]))
          return [...unique.values()].sort(byDate)
        }),
    }),
  )
})

/**
 * The query service as a layer, over the store the runtime writes in.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<HomeworkBooks, never, ReadModelStore> = Layer.effect(HomeworkBooks, make)

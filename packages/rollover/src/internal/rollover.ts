/**
 * The rollover's implementation (Rollover.ts says what it does).
 */
import type { GroupId, HomeworkBookId, StructureId } from "@cartable/domain/Ids"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import type * as SectionEvents from "@cartable/domain/SectionEvents"
import * as Structure from "@cartable/domain/Structure"
import { EventStore } from "@cartable/eventlog/EventStore"
import * as StreamName from "@cartable/eventlog/StreamName"
import { Workspace } from "@cartable/workspace/Workspace"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import type { BookLine, GroupLine, Options, Report, SchoolReport, SectionLine } from "../Rollover.ts"
import { RolloverError } from "../RolloverError.ts"

/** The log is read in pages of this many rows, decoding only the event types the run needs. */
const PAGE = 1_000
const wanted: ReadonlySet<string> = new Set(["StructureRegistered", "HomeworkBookOpened", "SectionCreated"])

export const follows = (from: SchoolYear.SchoolYear, to: SchoolYear.SchoolYear): boolean =>
  to === SchoolYear.starting(Number(from.slice(0, 4)) + 1)

interface Book {
  readonly homeworkBookId: HomeworkBookId
  readonly structureId: StructureId
  readonly groupId: GroupId
  readonly schoolYear: SchoolYear.SchoolYear
}

/**
 * The registered schools and every book opened, from the log itself rather
 * than a read model: nothing to wire, and never behind the log.
 */
const inventory = Effect.fnUntraced(function* () {
  const store = yield* EventStore
  const schools: Array<StructureId> = []
  const books: Array<Book> = []
  const sections: Array<SectionEvents.SectionOwner & { readonly sectionId: SectionEvents.SectionId }> = []
  let after = 0
  for (;;) {
    const page = yield* store.readAllOfTypes(after, PAGE, wanted)
    for (const { event } of page.events) {
      if (event._tag === "StructureRegistered") {
        const registered = event as Structure.StructureEvent & { readonly _tag: "StructureRegistered" }
        const school = registered.kind === "PrimarySchool" || registered.kind === "SecondarySchool"
        if (school && !schools.includes(registered.structureId)) schools.push(registered.structureId)
      } else if (event._tag === "HomeworkBookOpened") books.push(event as unknown as Book)
      else if (event._tag === "SectionCreated") {
        const created = event as unknown as typeof SectionEvents.SectionCreated.Type
        sections.push({ ...created.owner, sectionId: created.sectionId })
      }
    }
    if (page.rows < PAGE) return { schools, books, sections }
    after = page.lastPosition
  }
})

/** A school's state now, folded from its stream with the aggregate's own evolve. */
const structureOf = Effect.fnUntraced(function* (structureId: StructureId) {
  const recorded = yield* (yield* EventStore).readStream(StreamName.make("Structure", structureId))
  const state = recorded.reduce(
    (current, { event }) => Structure.evolve(current, event as Structure.StructureEvent),
    Structure.initialState,
  )
  return state._tag === "Structure" ? state : undefined
})

const line = (group: Structure.Group): GroupLine => ({
  groupId: group.groupId,
  kind: group.kind,
  name: group.name,
  members: group.members.size,
})

const byId = <A extends { readonly groupId: string }>(a: A, b: A) =>
  a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0

const refused = (structureId: StructureId) => (error: { readonly ruleId: string; readonly message: string }) =>
  new RolloverError({ reason: "Refused", structureId, ruleId: error.ruleId, message: error.message })

export const run = Effect.fn("Rollover.run")(function* (options: Options) {
  const { from, to } = options
  if (!follows(from, to)) {
    return yield* new RolloverError({
      reason: "InvalidYears",
      message: `A rollover goes from a school year to the next: ${to} does not follow ${from}`,
    })
  }
  const session = (yield* Workspace).system("rollover")
  const context = {
    occurredAt: options.occurredAt ?? (yield* DateTime.now),
    correlationId: `rollover:${from}:${to}`,
  }
  const { schools, books, sections } = yield* inventory()
  let appended = 0
  const reports: Array<SchoolReport> = []

  for (const structureId of schools) {
    const handle = (intent: object) =>
      session.handle(intent, context).pipe(
        // A rule's refusal names the school; the stores' failures pass through as they are.
        Effect.catchIf(
          (error): error is Extract<typeof error, { readonly ruleId: string }> => "ruleId" in error,
          (error) => Effect.fail(refused(structureId)(error)),
        ),
        Effect.tap((handled) => {
          appended += handled.events.length
        }),
      )
    const before = yield* structureOf(structureId)
    if (before === undefined) continue
    const ofYear = books.filter((book) => book.structureId === structureId && book.schoolYear === from)
    const isClass = (book: Book) => before.groups.get(book.groupId)?.kind === "Class"

    // 1. The ending year's classes close, and their memberships with them (BR-GRP-4).
    const closing = yield* handle({ _tag: "CloseSchoolYear", structureId, schoolYear: from })
    const closedIds = closing.events.flatMap((event) => (event._tag === "ClassClosed" ? [event.groupId] : []))
    // 2. Their books close to new content: archived, still readable.
    const archivedBooks: Array<BookLine> = []
    for (const book of ofYear.filter(isClass)) {
      const archived = yield* handle({ _tag: "ArchiveHomeworkBook", homeworkBookId: book.homeworkBookId })
      if (archived.events.length > 0) archivedBooks.push({ homeworkBookId: book.homeworkBookId, groupId: book.groupId })
    }
    // 3. The ending year's class sections close with their classes; teaching groups' and the school's persist.
    const endingClasses = new Set(
      [...before.groups.values()]
        .filter((group) => group.kind === "Class" && group.schoolYear === from)
        .map((group) => group.groupId),
    )
    const ofSchool = sections.filter((section) => section.structureId === structureId)
    const closedSections: Array<SectionLine> = []
    for (const section of ofSchool) {
      if (section._tag !== "Class" || !endingClasses.has(section.groupId)) continue
      const closed = yield* handle({ _tag: "CloseSection", sectionId: section.sectionId, reason: "SchoolYearEnded" })
      if (closed.events.length > 0) closedSections.push({ sectionId: section.sectionId, groupId: section.groupId })
    }
    // 4. The new year opens.
    const opening = yield* handle({ _tag: "OpenSchoolYear", structureId, schoolYear: to })

    const after = (yield* structureOf(structureId)) ?? before
    reports.push({
      structureId,
      name: after.name,
      closedClasses: closedIds.flatMap((groupId) => {
        const group = before.groups.get(groupId)
        return group === undefined ? [] : [{ ...line(group), members: 0 }]
      }),
      archivedBooks,
      closedSections,
      keptSections: ofSchool
        .filter((section) => section._tag === "TeachingGroup")
        .map((section) => ({ sectionId: section.sectionId, groupId: (section as { groupId: GroupId }).groupId })),
      yearClosed: closing.events.some((event) => event._tag === "SchoolYearClosed"),
      yearOpened: opening.events.some((event) => event._tag === "SchoolYearOpened"),
      keptGroups: [...after.groups.values()]
        .filter((group) => group.open && group.kind !== "Class")
        .map(line)
        .sort(byId),
      keptBooks: ofYear
        .filter((book) => !isClass(book))
        .map((book) => ({ homeworkBookId: book.homeworkBookId, groupId: book.groupId })),
    })
  }
  return { from, to, schools: reports, events: appended } satisfies Report
})

const list = (title: string, lines: ReadonlyArray<string>) =>
  lines.length === 0 ? [`  ${title}: none`] : [`  ${title}:`, ...lines.map((text) => `    - ${text}`)]

export const format = (report: Report): string =>
  [
    `Rollover ${report.from} -> ${report.to}: ${report.schools.length} school(s), ${report.events} event(s) appended`,
    ...report.schools.flatMap((school) => [
      `${school.name} (${school.structureId})${school.yearClosed ? `: ${report.from} closed` : ""}${
        school.yearOpened ? `, ${report.to} opened` : ""
      }`,
      ...list(
        "closed classes",
        school.closedClasses.map((group) => `${group.name} (${group.groupId})`),
      ),
      ...list(
        "archived books",
        school.archivedBooks.map((book) => `${book.homeworkBookId} (${book.groupId})`),
      ),
      ...list(
        "closed sections",
        school.closedSections.map((section) => `${section.sectionId} (${section.groupId})`),
      ),
      ...list(
        "kept groups",
        school.keptGroups.map((group) => `${group.name} (${group.groupId}, ${group.kind}, ${group.members} member(s))`),
      ),
      ...list(
        "kept books",
        school.keptBooks.map((book) => `${book.homeworkBookId} (${book.groupId})`),
      ),
      ...list(
        "kept teaching sections",
        school.keptSections.map((section) => `${section.sectionId} (${section.groupId})`),
      ),
    ]),
  ].join("\n")

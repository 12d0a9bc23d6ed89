/**
 * A whole school year of the Collège Jean-Jaurès (UAI 0751234J), from the
 * academy's export of 1 September 2025 (examples/aaf-export) to the rollover
 * into 2026-2027. Every command goes through the Workspace: the people's with
 * their session's account id, the feed's, the timetable's, the install's and the
 * managers' as the library's processes. What the story prints it reads back
 * from the read models, the rollover's report, or the log.
 *
 * @since 0.1.0
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { AccountProvisioned } from "@cartable/domain/AccountEvents"
import { AccountId, HomeworkBookId, ReportId, StructureId } from "@cartable/domain/Ids"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import { GroupAssigned } from "@cartable/domain/StructureEvents"
import { EventStore } from "@cartable/eventlog/EventStore"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as AafReader from "@cartable/feeds/AafReader"
import * as FeedImport from "@cartable/feeds/FeedImport"
import * as Codes from "@cartable/idp-local/Codes"
import * as Scheduler from "@cartable/managers/Scheduler"
import * as Directory from "@cartable/read-models/Directory"
import * as HomeworkBooks from "@cartable/read-models/HomeworkBooks"
import type * as MailMerge from "@cartable/read-models/MailMerge"
import * as ReportQueue from "@cartable/read-models/ReportQueue"
import * as Rosters from "@cartable/read-models/Rosters"
import * as Rollover from "@cartable/rollover/Rollover"
import * as MailMergeAccess from "@cartable/workspace/MailMergeAccess"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Communication from "./Communication.ts"
import * as Ent from "./Ent.ts"
import type { StoryClock } from "./StoryClock.ts"

/** Where the example export is, from this file. */
export const exportFolder = Path.join(import.meta.dirname, "..", "..", "aaf-export")

/** The school the story follows, as the export names it. */
export const school = "0751234J"

const year = SchoolYear.starting(2025)
const next = SchoolYear.starting(2026)
const book = (code: string) => `cdt-${school}$${code}-${year}`

/**
 * What the story needs from outside: the clock it moves, where to write the
 * mail-merge PDF (none: not written), and how to say a line.
 *
 * @since 0.1.0
 */
export interface Options {
  readonly clock: StoryClock
  readonly sheetsFile?: string | undefined
  readonly say: (line: string) => Effect.Effect<void>
}

/**
 * What the story ends with: the refusals it met and the rollover's report.
 *
 * @since 0.1.0
 */
export interface Outcome {
  readonly refusals: ReadonlyArray<Ent.Refusal>
  readonly rollover: Rollover.Report
}

/** The people of the export who log in during the year, with the password and e-mail they choose. */
const people = [
  { login: "eloise.martin", lastName: "Martin", password: "Anglais-2025", email: "eloise.martin@ac-paris.example" },
  { login: "francois.dupre", lastName: "Dupré", password: "Pythagore-5B", email: "f.dupre@ac-paris.example" },
  { login: "stephane.bernard", lastName: "Bernard", password: "Maison#2025", email: "s.bernard@example.org" },
  { login: "chloe.bernard", lastName: "Bernard", password: "Chloe-6A!", email: "chloe.bernard@example.org" },
  { login: "lucas.bernard", lastName: "Bernard", password: "Lucas-5B!", email: "lucas.bernard@example.org" },
  { login: "fatma.celik", lastName: "Çelik", password: "Istanbul-75", email: "fatma.celik@example.org" },
  // Too weak for the default policy (BR-ACC-3): no uppercase letter, no digit. She stays inactive.
  { login: "lea.garcia", lastName: "García", password: "soleil", email: "lea.garcia@example.org" },
] as const

/** The head of the collège, whom the vendor makes the school's administrator. */
export const head = { login: "agnes.lefevre", lastName: "Lefèvre", password: "Direction-0751" }

/** The inspector's account, which the head creates by hand. */
const inspector = AccountId.make("inspector-1")

const isAssigned = Schema.is(GroupAssigned)
const isProvisioned = Schema.is(AccountProvisioned)

/** Every event of some types, page after page, from the log. */
const eventsOfTypes = (types: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const store = yield* EventStore
    const wanted = new Set(types)
    const all = []
    let after = 0
    for (;;) {
      const page = yield* store.readAllOfTypes(after, 1_000, wanted)
      all.push(...page.events)
      if (page.rows < 1_000) return all
      after = page.lastPosition
    }
  })

/**
 * What every chapter plays with: the story's access to the ENT, its clock, how
 * it says a line, and the read models' and processes' services.
 *
 * @since 0.1.0
 */
export interface Story extends Effect.Effect.Success<ReturnType<typeof make>> {}

/**
 * The story over the stack in context (`Stack.layer`).
 *
 * @since 0.1.0
 */
export const make = (options: Options) =>
  Effect.gen(function* () {
    return {
      clock: options.clock,
      say: options.say,
      sheetsFile: options.sheetsFile,
      ent: yield* Ent.make(options.clock, `school-year-${year}`),
      directory: yield* Directory.Directory,
      rosters: yield* Rosters.Rosters,
      books: yield* HomeworkBooks.HomeworkBooks,
      queue: yield* ReportQueue.ReportQueue,
      mailMerge: yield* MailMergeAccess.MailMergeAccess,
      scheduler: yield* Scheduler.Scheduler,
    }
  })

/**
 * The export of 1 September imported, the install, and the school's administrator: the head, made
 * administrator by the vendor, activates her account.
 *
 * @since 0.1.0
 */
export const start = (story: Story) =>
  Effect.gen(function* () {
    const { ent, clock, say } = story
    // --- 1 September: the academy's export, the install, the school's administrator.
    clock.set("2025-09-01T02:00:00Z")
    const imported = yield* FeedImport.run(AafReader.readExport(Path.join(exportFolder, "complet")), {
      mode: "full",
      schoolYear: year,
      occurredAt: clock.now(),
      activationCode: Codes.generate,
    })
    yield* say(
      `Import of the export of 1 September: ${imported.read} records read, ${imported.imported} imported, ${imported.reported} reported; ${imported.schools} schools, ${imported.accounts.provisioned} accounts provisioned, ${imported.events} events`,
    )

    clock.set("2025-09-01T07:30:00Z")
    // The install (what `cartable init` does): the vendor's account, made platform administrator.
    const vendorCode = yield* Codes.generate
    yield* ent.system("install", {
      _tag: "ProvisionAccount",
      accountId: "vendor-1",
      profile: "Personnel",
      origin: { _tag: "Feed", source: "install", externalId: "vendor-1" },
      structureId: school,
      login: "vendeur.ent",
      firstName: "Alex",
      lastName: "Vendeur",
      activationCode: vendorCode,
    })
    yield* ent.system("install", { _tag: "AppointPlatformAdministrator", accountId: "vendor-1" })
    yield* ent.activate({
      login: "vendeur.ent",
      activationCode: vendorCode,
      password: "Plateforme-2025",
      email: "support@vendeur.example",
    })
    // The vendor finds the head in the directory, makes her the school's administrator (BR-ACC-11), and
    // hands her the activation code the directory shows administrators until she activates (BR-ACC-2).
    const headEntry = yield* ent.find(head.login, head.lastName)
    yield* ent.as("vendeur.ent", { _tag: "GrantAdministratorRight", accountId: headEntry.id, structureId: school })
    yield* ent.activate({
      login: head.login,
      activationCode: headEntry.activationCode ?? "",
      password: head.password,
      email: headEntry.email ?? "agnes.lefevre@ac-paris.example",
    })
    yield* say(`The vendor made ${head.login} administrator of ${school}; she activated her account`)
  })

/**
 * The mail-merge: the head gives herself the role "Gestionnaire publipostage" (BR-MM-1) and prints the
 * sheets of the accounts not activated; returns the listing.
 *
 * @since 0.1.0
 */
export const sheets = (story: Story) =>
  Effect.gen(function* () {
    const { ent, say, mailMerge } = story
    const headId = yield* ent.accountOf(head.login, head.lastName)
    // --- The mail-merge: the head gives herself the role (BR-MM-1), then prints the sheets.
    yield* ent.as(head.login, {
      _tag: "OpenGroup",
      structureId: school,
      groupId: `${school}$PUBLI`,
      kind: "FunctionalGroup",
      name: "Gestionnaire publipostage",
      schoolYear: year,
      owner: "Manual",
      function: "MailMerge",
    })
    yield* ent.as(head.login, {
      _tag: "AssignToGroup",
      structureId: school,
      groupId: `${school}$PUBLI`,
      accountId: headId,
      role: "Member",
      source: "Manual",
    })
    yield* ent.refresh
    const selection = { school, activation: "not-activated", sortBy: ["class", "profile"] } as const
    const listing = yield* mailMerge.list(headId, selection)
    yield* say(
      `Mail-merge of ${school}: ${listing.selected} comptes sélectionnés au total, ${listing.withoutEmail} comptes sans adresse courriel`,
    )
    const pdf = yield* mailMerge.pdf(headId, selection, { perPage: 8, connectionAddress: "ent.example.org" })
    if (story.sheetsFile !== undefined) Fs.writeFileSync(story.sheetsFile, pdf)
    yield* say(
      `Sheets printed, 8 a page: ${Math.ceil(listing.selected / 8)} page(s), ${pdf.byteLength} bytes${story.sheetsFile === undefined ? "" : ` (${Path.basename(story.sheetsFile)})`}`,
    )

    return listing
  })

/**
 * First logins with the codes of the sheets' listing (BR-ACC-3).
 *
 * @since 0.1.0
 */
export const firstLogins = (story: Story, listing: MailMerge.Listing) =>
  Effect.gen(function* () {
    const { ent, clock, say, directory } = story
    // --- 2 to 5 September: first logins with the codes of the sheets.
    const codeOf = new Map(listing.sheets.map((sheet) => [sheet.login, sheet.activationCode]))
    let day = 2
    for (const person of people) {
      clock.set(`2025-09-0${Math.min(day++, 5)}T18:00:00Z`)
      yield* ent.activate({
        login: person.login,
        activationCode: codeOf.get(person.login) ?? "",
        password: person.password,
        email: person.email,
      })
    }
    yield* ent.refresh
    const stillInactive = yield* directory.count({ school, state: "inactive" })
    yield* say(
      `First logins with the sheets' codes: ${people.length} tried, ${yield* directory.count({ school, state: "active" })} accounts of ${school} active, ${stillInactive} still inactive`,
    )
  })

/**
 * The teachers in their classes with the feed's subjects (BR-GRP-1); a feed membership is not edited
 * by hand (BR-GRP-6).
 *
 * @since 0.1.0
 */
export const teachers = (story: Story) =>
  Effect.gen(function* () {
    const { ent, say, rosters } = story
    // --- The teachers in their classes, with their subjects, as the feed attached them (BR-GRP-1).
    const assigned = yield* eventsOfTypes(["GroupAssigned"])
    for (const teacher of people.slice(0, 2)) {
      const id = yield* ent.accountOf(teacher.login, teacher.lastName)
      const placements = yield* rosters.teacherAssignments(id, year, { structureId: StructureId.make(school) })
      const lines = placements.map((placement) => {
        const last = assigned
          .map((recorded) => recorded.event)
          .filter(isAssigned)
          .filter((event) => event.accountId === id && event.groupId === placement.groupId)
          .at(-1)
        const subjects = last?.subjects ?? []
        const principal = last?.principal === true ? ", principal" : ""
        return `${placement.name} (${subjects.join(", ") || "no subject"}${principal})`
      })
      yield* say(`Teacher ${teacher.login} in ${school}: ${lines.join("; ")}`)
    }
    // A feed membership is the feed's: the head cannot take a teacher out of a class by hand (BR-GRP-6).
    const martin = yield* ent.accountOf("eloise.martin", "Martin")
    yield* ent.as(head.login, {
      _tag: "UnassignFromGroup",
      structureId: school,
      groupId: `${school}$6A`,
      accountId: martin,
      source: "Manual",
    })
  })

/**
 * The timetable opens the classes' homework books; the teachers record sessions.
 *
 * @since 0.1.0
 */
export const homework = (story: Story) =>
  Effect.gen(function* () {
    const { ent, clock } = story
    const martin = yield* ent.accountOf("eloise.martin", "Martin")
    // --- September: the timetable opens the classes' homework books; the teachers fill them.
    clock.set("2025-09-01T05:00:00Z")
    for (const code of ["6A", "5B"]) {
      yield* ent.system("timetable-import", {
        _tag: "OpenHomeworkBook",
        homeworkBookId: book(code),
        structureId: school,
        groupId: `${school}$${code}`,
        schoolYear: year,
      })
    }
    const dupre = yield* ent.accountOf("francois.dupre", "Dupré")
    const sessions = [
      { login: "eloise.martin", id: martin, code: "6A", n: "s1", subject: "ANGLAIS LV1", date: "2025-09-08" },
      { login: "eloise.martin", id: martin, code: "6A", n: "s2", subject: "ANGLAIS LV1", date: "2025-09-15" },
      { login: "francois.dupre", id: dupre, code: "5B", n: "s1", subject: "MATHÉMATIQUES", date: "2025-09-09" },
      { login: "eloise.martin", id: martin, code: "6A", n: "s3", subject: "ANGLAIS LV1", date: "2025-10-13" },
    ]
    for (const session of sessions) {
      clock.set(`${session.date}T16:00:00Z`)
      yield* ent.as(session.login, {
        _tag: "RecordSession",
        homeworkBookId: book(session.code),
        sessionId: session.n,
        subject: session.subject,
        teacherId: session.id,
        date: session.date,
        content: `Séance du ${session.date}`,
        homework: "Exercices p. 12",
      })
    }
  })

/**
 * The incremental export of 15 September.
 *
 * @since 0.1.0
 */
export const delta = (story: Story) =>
  Effect.gen(function* () {
    const { clock, say } = story
    // --- 15 September: the incremental export (a pupil changes class and formation, one is corrected, one
    // leaves; a teacher's formations taught and another's disciplines change).
    clock.set("2025-09-15T02:00:00Z")
    // Read with the schools and MEFs of the last full export, which the delta's records name.
    const schoolsFile = (yield* AafReader.exportFiles(Path.join(exportFolder, "complet"))).filter(
      (file) => file.includes("_EtabEducNat_") || file.includes("_MefEducNat_"),
    )
    const deltaFiles = yield* AafReader.exportFiles(Path.join(exportFolder, "delta"))
    const delta = yield* FeedImport.run(AafReader.readFiles([...schoolsFile, ...deltaFiles]), {
      mode: "incremental",
      schoolYear: year,
      occurredAt: clock.now(),
      activationCode: Codes.generate,
    })
    yield* say(
      `Incremental export of 15 September: ${delta.read} records read, ${delta.imported} imported, ${delta.reported} reported; ${delta.accounts.updated} updated, ${delta.accounts.preDeleted} pre-deleted`,
    )
  })

/**
 * A parent reports a notification; the head deletes it and the follow-up blocks its author (BR-SIG-3,
 * BR-SIG-5).
 *
 * @since 0.1.0
 */
export const report = (story: Story) =>
  Effect.gen(function* () {
    const { ent, clock, say, directory, queue } = story
    const headId = yield* ent.accountOf(head.login, head.lastName)
    // --- 6 October: a parent reports a notification; the head deletes it and blocks its author.
    clock.set("2025-10-06T07:45:00Z")
    const lucas = yield* ent.accountOf("lucas.bernard", "Bernard")
    yield* ent.as("fatma.celik", {
      _tag: "ReportContent",
      reportId: "report-1",
      structureId: school,
      content: { kind: "Notification", contentId: "notif-4411", authorId: lucas },
      reportedAt: "2025-10-06T07:45:00Z",
      comment: "Message insultant sur le fil de la classe",
    })
    clock.set("2025-10-06T10:00:00Z")
    yield* ent.as(head.login, {
      _tag: "HandleReport",
      reportId: "report-1",
      decision: "Deleted",
      handledAt: "2025-10-06T10:00:00Z",
      blockAuthor: true,
    })
    // A report is handled once (BR-SIG-3): the vendor's later decision is refused.
    yield* ent.as("vendeur.ent", {
      _tag: "HandleReport",
      reportId: "report-1",
      decision: "Kept",
      handledAt: "2025-10-06T10:05:00Z",
      blockAuthor: false,
    })
    yield* ent.refresh // the report's follow-up (a process manager) blocks the author (BR-SIG-5)
    const report = yield* queue.get(ReportId.make("report-1"))
    const lucasNow = yield* directory.get(lucas)
    yield* say(
      `Report report-1 in the school's queue: ${report?.handling?.decision ?? "open"} by ${report?.handling?.handledBy === headId ? head.login : report?.handling?.handledBy}; its author ${lucasNow?.login} is ${lucasNow?.state} and ${(yield* ent.canSignIn("lucas.bernard")) ? "still signs in" : "can no longer sign in"}`,
    )
  })

/**
 * The head's visa freezes the sessions it covers (BR-CDT-2, BR-CDT-3, BR-CDT-4).
 *
 * @since 0.1.0
 */
export const visa = (story: Story) =>
  Effect.gen(function* () {
    const { ent, clock, say, books } = story
    // --- 17 October: the head's visa; a later edit of a frozen session is refused (BR-CDT-3, BR-CDT-4).
    clock.set("2025-10-17T17:00:00Z")
    yield* ent.as(head.login, {
      _tag: "PlaceVisa",
      homeworkBookId: book("6A"),
      period: { from: "2025-09-01", to: "2025-10-17" },
      scope: { _tag: "AllSessions" },
    })
    yield* ent.as("eloise.martin", {
      _tag: "EditSession",
      homeworkBookId: book("6A"),
      sessionId: "s1",
      subject: "ANGLAIS LV1",
      date: "2025-09-08",
      content: "Séance corrigée",
      homework: "",
    })
    yield* ent.as(head.login, { _tag: "DeleteSession", homeworkBookId: book("6A"), sessionId: "s2" })
    yield* ent.refresh
    const frozen = yield* books.sessions({ homeworkBookId: HomeworkBookId.make(book("6A")), frozen: true })
    yield* say(`Visa on ${book("6A")} up to 17 October: sessions ${frozen.map((s) => s.sessionId).join(", ")} frozen`)
  })

/**
 * An inspection of the English teacher: read access within its window only (BR-CDT-5).
 *
 * @since 0.1.0
 */
export const inspection = (story: Story) =>
  Effect.gen(function* () {
    const { ent, clock, say, books } = story
    const martin = yield* ent.accountOf("eloise.martin", "Martin")
    // --- 3 November: an inspection of the English teacher, 10 to 21 November (BR-CDT-5).
    clock.set("2025-11-03T09:00:00Z")
    yield* ent.as(head.login, {
      _tag: "ProvisionAccount",
      accountId: "inspector-1",
      profile: "Personnel",
      origin: { _tag: "Manual" },
      structureId: school,
      login: "jeanne.inspectrice",
      firstName: "Jeanne",
      lastName: "Inspectrice",
      activationCode: yield* Codes.generate,
    })
    yield* ent.as(head.login, { _tag: "GrantInspectorAccess", accountId: "inspector-1" })
    yield* ent.as(head.login, {
      _tag: "ScheduleInspection",
      homeworkBookId: book("6A"),
      inspectionId: "inspection-1",
      inspectorId: "inspector-1",
      teacherId: martin,
      period: { from: "2025-11-10", to: "2025-11-21" },
    })
    yield* ent.refresh
    const access = yield* Effect.forEach(["2025-11-09", "2025-11-10", "2025-11-21", "2025-11-22"], (on) =>
      Effect.map(
        books.canRead({ inspectorId: inspector, teacherId: martin, on: SchoolYear.LocalDate.make(on) }),
        (may) => `${on} ${may ? "yes" : "no"}`,
      ),
    )
    const readable = yield* books.readableSessions(inspector, SchoolYear.LocalDate.make("2025-11-14"))
    yield* say(
      `Inspection of eloise.martin: read access ${access.join(", ")}; ${readable.length} session(s) readable on 2025-11-14`,
    )
  })

/**
 * The inspector's account pre-deleted, then the year on the scheduler's ticks: the managers delete and
 * erase it (BR-ACC-12, BR-ACC-9).
 *
 * @since 0.1.0
 */
export const yearGoesBy = (story: Story) =>
  Effect.gen(function* () {
    const { ent, clock, say, directory, scheduler } = story
    const headId = yield* ent.accountOf(head.login, head.lastName)
    // --- 1 December: the inspector's account is no longer needed; the head pre-deletes it (BR-ACC-12).
    clock.set("2025-12-01T10:00:00Z")
    yield* ent.as(head.login, { _tag: "PreDeleteAccount", accountId: "inspector-1" })

    // --- The year goes by: the scheduler ticks every fortnight; the managers act on the ticks: the
    // pre-deleted account is deleted 90 days later, and its personal data erased 30 days after (BR-ACC-9).
    for (let at = Date.parse("2025-09-16T00:00:00Z"); at <= Date.parse("2026-08-31T00:00:00Z"); at += 14 * 86_400_000) {
      clock.set(new Date(at).toISOString())
      yield* scheduler.tick(clock.now())
      yield* ent.refresh
    }
    const lifecycle = yield* eventsOfTypes(["AccountPreDeleted", "AccountDeleted", "AccountDataErased"])
    const ticks = yield* eventsOfTypes(["ClockTicked"])
    yield* say(
      [
        `Clock ticks recorded: ${ticks.length}, from 2025-09-16 to 2026-08-25; the inspector's account:`,
        ...lifecycle.map(
          (recorded) =>
            `  ${DateTime.formatIso(recorded.metadata.occurredAt).slice(0, 10)} ${recorded.type} by ${recorded.metadata.actor === headId ? head.login : recorded.metadata.actor}`,
        ),
      ].join("\n"),
    )
    const store = yield* EventStore
    const [provisioned] = yield* store.readStream(StreamName.make("Account", inspector))
    const names = isProvisioned(provisioned?.event)
      ? `${provisioned.event.firstName} ${provisioned.event.lastName}`
      : "none"
    yield* say(
      `The inspector's account ${(yield* directory.get(inspector)) === undefined ? "is gone from the directory" : "is still listed"}; the log reads the names it was provisioned with as: ${names}`,
    )
  })

/**
 * The rollover into 2026-2027 (BR-GRP-4), its report printed; returns it.
 *
 * @since 0.1.0
 */
export const rollover = (story: Story) =>
  Effect.gen(function* () {
    const { ent, clock, say, books } = story
    // --- 1 September 2026: the rollover into the new year (BR-GRP-4), before the new year's import.
    clock.set("2026-09-01T03:00:00Z")
    const rollover = yield* Rollover.run({ from: year, to: next })
    yield* say(Rollover.format(rollover))
    yield* ent.refresh
    const archived = yield* books.books({ structureId: StructureId.make(school), schoolYear: year })
    yield* say(
      `Books of ${year} after the rollover: ${archived.map((b) => `${b.homeworkBookId}${b.archived ? " archived" : ""}`).join(", ")}`,
    )
    return rollover
  })

/**
 * Plays the year, chapter after chapter, saying what happens; returns the
 * refusals and the rollover's report.
 *
 * @since 0.1.0
 */
export const play = (options: Options) =>
  Effect.gen(function* () {
    const story = yield* make(options)
    yield* start(story)
    yield* firstLogins(story, yield* sheets(story))
    yield* teachers(story)
    yield* homework(story)
    yield* delta(story)
    yield* report(story)
    // Issue 16's chapter, after the report: the messages meet the author it blocked.
    const communication = { ent: story.ent, clock: story.clock, say: story.say, school, head: head.login }
    yield* Communication.play(communication)
    yield* visa(story)
    yield* inspection(story)
    yield* yearGoesBy(story)
    // The parents' announcement, published by its manager at one of the year's ticks.
    yield* Communication.announcement(communication)
    const outcome: Outcome = { refusals: story.ent.refusals, rollover: yield* rollover(story) }
    return outcome
  })

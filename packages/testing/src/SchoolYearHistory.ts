/**
 * A school's year of activity as events, deterministic from a seed: the feed
 * registers the school and opens its classes and groups, provisions pupils,
 * relatives (one account for all his children, some with a child in a second
 * school: BR-ACC-7), teachers and staff, assigns them; then day after day
 * accounts are activated, codes renewed, accounts blocked, pre-deleted,
 * restored or deleted, pupils change class, teachers record and edit sessions,
 * direction places visas, users report contents and administrators handle
 * them. For read-model tests (small sizes, many seeds) and the benchmark
 * (1,000 accounts, 50,000+ events).
 *
 * @since 0.1.0
 */
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import type { NewEvent } from "@cartable/eventlog/RecordedEvent"
import * as DateTime from "effect/DateTime"

/** The sizes of the history. @since 0.1.0 */
export interface Options {
  /** Accounts of the main school (pupils, relatives, teachers, staff). */
  readonly accounts: number
  readonly seed?: number | undefined
  /** School days of activity after the start of the year (at most 180). */
  readonly days?: number | undefined
  /** Sessions per class and school day (6 in a secondary school). */
  readonly sessionsPerDay?: number | undefined
  /** Account incidents a day (renewals, blocks, renames, pre-deletions, class changes); accounts / 400 by default. */
  readonly incidentsPerDay?: number | undefined
}

/** One append: events of one stream. @since 0.1.0 */
export interface Append {
  readonly stream: string
  readonly events: ReadonlyArray<NewEvent>
}

/** An account of the history, as provisioned. @since 0.1.0 */
export interface Person {
  readonly id: string
  readonly profile: "Student" | "Relative" | "Teacher" | "Personnel"
  readonly firstName: string
  readonly lastName: string
  readonly login: string
  readonly school: string
}

/** The history: appends in log order, and who is in it. @since 0.1.0 */
export interface History {
  readonly school: string
  readonly otherSchool: string
  readonly appends: ReadonlyArray<Append>
  readonly people: ReadonlyArray<Person>
  readonly events: number
}

type Event = NewEvent["event"]

const FIRST = [
  "Marie",
  "Laou",
  "Emma",
  "Naël",
  "Léa",
  "Chloé",
  "Inès",
  "Zoé",
  "Jules",
  "Hugo",
  "Gabriel",
  "Noé",
  "Élodie",
  "Maëlle",
  "Jérôme",
  "Anaïs",
  "François",
  "Sofia",
  "Xavier",
  "Virginie",
  "Sandra",
  "Fred",
  "Paul",
  "Jeannette",
]
const LAST = [
  "Anquet",
  "Bonnet",
  "Durand",
  "Paulin",
  "Lefèvre",
  "Moreau",
  "Girard",
  "Rousseau",
  "Müller",
  "Öztürk",
  "De La Fontaine",
  "Martin-Dubois",
  "Benoît",
  "Garçon",
  "N'Diaye",
  "Leroy",
  "Vasseur",
  "Faure",
]
const CODE = "abcdefghjkmnpqrstuvwxyz23456789"
const SUBJECTS = ["MATHS", "FRANCAIS", "HIST-GEO", "ANGLAIS", "SVT", "PHYS-CHIM", "EPS", "TECHNO"]
const EPOCH = Date.parse("2025-09-01T06:00:00.000Z")
const DAY = 86_400_000

/** mulberry32: a small seeded generator, so that a seed gives one history. */
const random = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const plain = (text: string) =>
  text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")

/**
 * The history of one school year.
 *
 * @since 0.1.0
 */
export const schoolYear = (options: Options): History => {
  const next = random(options.seed ?? 1)
  const pick = <A>(list: ReadonlyArray<A>): A => list[Math.floor(next() * list.length)]!
  const chance = (p: number) => next() < p
  const code = () => Array.from({ length: 8 }, () => pick([...CODE])).join("")
  const school = "school-main"
  const otherSchool = "school-other"
  const feed = "system:aaf"
  const admin = "admin-main"
  const items: Array<{ readonly at: number; readonly stream: string; readonly event: Event; readonly actor: string }> =
    []
  let tick = 0
  const emit = (at: number, stream: string, event: Event, actor: string) => {
    items.push({ at: at + (tick++ % 1000), stream, event, actor })
  }
  const structure = (id: string) => `Structure-${id}`
  const account = (id: string) => `Account-${id}`

  // The schools, their classes and groups.
  emit(
    EPOCH,
    structure(school),
    {
      _tag: "StructureRegistered",
      structureId: school,
      uai: "0571994H",
      name: "Collège Louise Paulin",
      kind: "SecondarySchool",
    } as Event,
    feed,
  )
  emit(
    EPOCH,
    structure(otherSchool),
    {
      _tag: "StructureRegistered",
      structureId: otherSchool,
      uai: "0310001H",
      name: "École Jean Jaurès",
      kind: "PrimarySchool",
    } as Event,
    feed,
  )
  const pupils = Math.max(1, Math.round(options.accounts * 0.5))
  const relatives = Math.max(1, Math.round(options.accounts * 0.42))
  const teachers = Math.max(1, Math.round(options.accounts * 0.06))
  const staff = Math.max(0, options.accounts - pupils - relatives - teachers)
  const classCount = Math.max(1, Math.ceil(pupils / 25))
  const open = (structureId: string, groupId: string, kind: string, name: string) =>
    emit(
      EPOCH,
      structure(structureId),
      {
        _tag: "GroupOpened",
        structureId,
        groupId,
        kind,
        name,
        schoolYear: "2025-2026",
        owner: "Feed",
        ...(kind === "FunctionalGroup" ? { function: "Direction" } : {}),
      } as Event,
      feed,
    )
  const classes = Array.from({ length: classCount }, (_, i) => `class-${i}`)
  const levels = ["6e", "5e", "4e", "3e"]
  classes.forEach((id, i) => {
    open(school, id, "Class", `${levels[i % 4]} ${String.fromCharCode(65 + Math.floor(i / 4))}`)
  })
  // Teaching groups of each class: the second language (Spanish or German), Latin, personalised support.
  const GROUP_LABELS: Readonly<Record<string, string>> = {
    "lv2-es": "LV2 espagnol",
    "lv2-de": "LV2 allemand",
    latin: "Latin",
    ap: "Accompagnement personnalisé",
  }
  const groups = classes.flatMap((id) => Object.keys(GROUP_LABELS).map((kind) => `${id}-${kind}`))
  for (const id of groups) {
    const [, n, ...kind] = id.split("-")
    open(school, id, "TeachingGroup", `${n} ${GROUP_LABELS[kind.join("-")]}`)
  }
  open(school, "direction", "FunctionalGroup", "Chef d'établissement")
  open(otherSchool, "cm2", "Class", "CM2")

  // People, provisioned by the feed in the first days.
  const people: Array<Person> = []
  const logins = new Set<string>()
  const person = (profile: Person["profile"], schoolId: string, i: number): Person => {
    const firstName = pick(FIRST)
    const lastName = pick(LAST)
    let login = `${plain(firstName)}.${plain(lastName)}`.replace(/-/g, "")
    for (let n = 2; logins.has(login); n++) login = `${plain(firstName)}.${plain(lastName)}`.replace(/-/g, "") + n
    logins.add(login)
    const id = `acc-${profile.toLowerCase()}-${schoolId === school ? "" : "o"}${i}`
    const p: Person = { id, profile, firstName, lastName, login, school: schoolId }
    people.push(p)
    emit(
      EPOCH + 3_600_000 * (i % 3),
      account(id),
      {
        _tag: "AccountProvisioned",
        accountId: id,
        profile,
        structureId: schoolId,
        login,
        firstName,
        lastName,
        activationCode: code(),
        origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${id}` },
      } as Event,
      feed,
    )
    return p
  }
  const pupilList = Array.from({ length: pupils }, (_, i) => person("Student", school, i))
  const otherPupils = Array.from({ length: Math.max(1, Math.round(pupils / 20)) }, (_, i) =>
    person("Student", otherSchool, i),
  )
  const relativeList = Array.from({ length: relatives }, (_, i) => person("Relative", school, i))
  const teacherList = Array.from({ length: teachers }, (_, i) => person("Teacher", school, i))
  const staffList = Array.from({ length: staff }, (_, i) => person("Personnel", school, i))

  // Memberships: a class and a language group per pupil, three classes per teacher, direction.
  const classOf = new Map<string, string>()
  const assign = (at: number, groupId: string, accountId: string, role: string, structureId = school) =>
    emit(
      at,
      structure(structureId),
      {
        _tag: "GroupAssigned",
        structureId,
        groupId,
        accountId,
        role,
        source: "Feed",
        assignedBy: feed,
      } as Event,
      feed,
    )
  pupilList.forEach((p, i) => {
    const c = classes[i % classCount]!
    classOf.set(p.id, c)
    assign(EPOCH + DAY, c, p.id, "Student")
    assign(EPOCH + DAY, `${c}-lv2-${chance(0.5) ? "es" : "de"}`, p.id, "Student")
    assign(EPOCH + DAY, `${c}-ap`, p.id, "Student")
    if (chance(0.25)) assign(EPOCH + DAY, `${c}-latin`, p.id, "Student")
  })
  for (const p of otherPupils) assign(EPOCH + DAY, "cm2", p.id, "Student", otherSchool)
  const teachesIn = new Map<string, Array<string>>()
  teacherList.forEach((t, i) => {
    for (let k = 0; k < 3; k++) {
      const c = classes[(i * 3 + k) % classCount]!
      assign(EPOCH + DAY, c, t.id, "Teacher")
      teachesIn.set(c, [...(teachesIn.get(c) ?? []), t.id])
    }
  })
  if (staffList[0] !== undefined) assign(EPOCH + DAY, "direction", staffList[0].id, "Member")

  // Relatives: one account for all his children; one in ten has a child in the other school (BR-ACC-7).
  relativeList.forEach((r, i) => {
    const children = [pupilList[i % pupils]!, ...(chance(0.3) ? [pupilList[(i * 7 + 3) % pupils]!] : [])]
    if (i % 10 === 0) {
      const child = otherPupils[i % otherPupils.length]!
      children.push(child)
      emit(
        EPOCH + DAY * 2,
        account(r.id),
        {
          _tag: "AccountAttachedToStructure",
          accountId: r.id,
          structureId: otherSchool,
        } as Event,
        feed,
      )
    }
    for (const child of new Set(children)) {
      emit(
        EPOCH + DAY * 2,
        account(r.id),
        {
          _tag: "RelativeLinked",
          accountId: r.id,
          link: { pupilId: child.id, legalAuthority: true, financial: chance(0.5), contact: true },
        } as Event,
        feed,
      )
    }
  })

  // Day after day.
  const days = Math.min(180, options.days ?? 180)
  const sessionsPerDay = options.sessionsPerDay ?? 6
  const everyone = [...pupilList, ...relativeList, ...teacherList, ...staffList]
  const books = [...classes, ...groups]
  books.forEach((g, i) => {
    emit(
      EPOCH + DAY,
      `HomeworkBook-book-${g}`,
      {
        _tag: "HomeworkBookOpened",
        homeworkBookId: `book-${g}`,
        structureId: school,
        groupId: g,
        schoolYear: "2025-2026",
        openedBy: teacherList[i % teachers]!.id,
      } as Event,
      teacherList[i % teachers]!.id,
    )
  })
  const activated = new Set<string>()
  const preDeleted = new Set<string>()
  // The profiles the feed moved (BR-ACC-8): a teacher who joined the direction, a staff member who teaches.
  const profiles = new Map<string, "Teacher" | "Personnel">()
  let sessions = 0
  let reports = 0
  for (let d = 0; d < days; d++) {
    // School days: five a week, from 2 September.
    const at = EPOCH + DAY * (1 + d + 2 * Math.floor(d / 5))
    const date = new Date(at).toISOString().slice(0, 10)
    // Activations mostly in the first weeks.
    for (const p of everyone) {
      if (!activated.has(p.id) && chance(d < 20 ? 0.04 : 0.002)) {
        activated.add(p.id)
        emit(
          at,
          account(p.id),
          {
            _tag: "AccountActivated",
            accountId: p.id,
            charterAccepted: true,
            ...(chance(0.75) ? { email: `${p.login}@example.fr` } : { email: `${p.login}@ac-nancy-metz.fr` }),
          } as Event,
          p.id,
        )
      }
    }
    for (let k = 0; k < (options.incidentsPerDay ?? Math.ceil(everyone.length / 400)); k++) {
      const p = pick(everyone)
      const roll = next()
      if (roll < 0.3 && activated.has(p.id)) {
        emit(
          at,
          account(p.id),
          { _tag: "PasswordRenewalCodeIssued", accountId: p.id, renewalCode: code(), issuedBy: admin } as Event,
          admin,
        )
        emit(at + 3_600_000, account(p.id), { _tag: "PasswordRenewed", accountId: p.id } as Event, p.id)
      } else if (roll < 0.45) {
        emit(at, account(p.id), { _tag: "AccountBlocked", accountId: p.id, blockedBy: admin } as Event, admin)
        if (chance(0.5)) {
          emit(
            at + DAY / 2,
            account(p.id),
            { _tag: "AccountUnblocked", accountId: p.id, unblockedBy: admin } as Event,
            admin,
          )
        }
      } else if (roll < 0.55) {
        emit(
          at,
          account(p.id),
          { _tag: "AccountBlocked", accountId: p.id, application: "messagerie", blockedBy: admin } as Event,
          admin,
        )
      } else if (roll < 0.7) {
        emit(
          at,
          account(p.id),
          {
            _tag: "AccountIdentityUpdated",
            accountId: p.id,
            firstName: p.firstName,
            lastName: pick(LAST),
          } as Event,
          feed,
        )
      } else if (roll < 0.8 && !preDeleted.has(p.id)) {
        preDeleted.add(p.id)
        emit(at, account(p.id), { _tag: "AccountPreDeleted", accountId: p.id } as Event, admin)
        const fate = next()
        if (fate < 0.5) {
          preDeleted.delete(p.id)
          emit(at + DAY, account(p.id), { _tag: "AccountRestored", accountId: p.id } as Event, admin)
        } else if (fate < 0.75) {
          emit(at + DAY, account(p.id), { _tag: "AccountDeleted", accountId: p.id } as Event, feed)
        }
      } else if (roll < 0.9 && p.profile === "Student" && p.school === school) {
        // A pupil changes class (BR-GRP-2).
        const from = classOf.get(p.id)!
        const to = pick(classes)
        if (to !== from) {
          emit(
            at,
            structure(school),
            {
              _tag: "GroupUnassigned",
              structureId: school,
              groupId: from,
              accountId: p.id,
              source: "Manual",
              unassignedBy: admin,
            } as Event,
            admin,
          )
          emit(
            at,
            structure(school),
            {
              _tag: "GroupAssigned",
              structureId: school,
              groupId: to,
              accountId: p.id,
              role: "Student",
              source: "Manual",
              assignedBy: admin,
            } as Event,
            admin,
          )
          classOf.set(p.id, to)
        }
      } else {
        emit(
          at,
          structure(school),
          {
            _tag: "GroupRenamed",
            structureId: school,
            groupId: pick(groups),
            name: `LV2 ${pick(["espagnol", "allemand"])} ${d}`,
          } as Event,
          admin,
        )
      }
    }
    // Every third day the feed moves one of the education staff between Teacher and Personnel (BR-ACC-8):
    // a teacher who joined the direction, a staff member who started teaching.
    const educationStaff = [...teacherList, ...staffList]
    if (d % 3 === 1 && educationStaff.length > 0) {
      const p = pick(educationStaff)
      const previous = profiles.get(p.id) ?? p.profile
      const profile = previous === "Teacher" ? "Personnel" : "Teacher"
      profiles.set(p.id, profile)
      emit(at, account(p.id), { _tag: "AccountProfileChanged", accountId: p.id, previous, profile } as Event, feed)
    }
    // Sessions: each class's day, and the language groups twice a week.
    for (const c of classes) {
      const staffOfClass = teachesIn.get(c) ?? [teacherList[0]!.id]
      for (let s = 0; s < sessionsPerDay; s++) {
        const teacherId = staffOfClass[s % staffOfClass.length]!
        const sessionId = `s-${c}-${d}-${s}`
        const subject = SUBJECTS[(d + s) % SUBJECTS.length]!
        const content = `Séance ${s + 1} du ${date} : ${subject.toLowerCase()}, chapitre ${1 + (d % 12)}. Correction des exercices, puis activité en binômes sur le document distribué ; synthèse notée dans le cahier.`
        const homework = chance(0.6)
          ? `Pour le ${date} + 2 : exercices ${1 + (s % 9)} et ${2 + (s % 9)} page ${10 + d}.`
          : ""
        sessions++
        emit(
          at + 3_600_000 * (2 + s),
          `HomeworkBook-book-${c}`,
          {
            _tag: "SessionRecorded",
            homeworkBookId: `book-${c}`,
            sessionId,
            subject,
            teacherId,
            date,
            content,
            homework: homework === "" ? "Rien" : homework,
            recordedBy: teacherId,
          } as Event,
          teacherId,
        )
        // Teachers often complete a session's homework afterwards.
        if (chance(0.3)) {
          emit(
            at + 3_600_000 * (10 + s),
            `HomeworkBook-book-${c}`,
            {
              _tag: "SessionEdited",
              homeworkBookId: `book-${c}`,
              sessionId,
              teacherId,
              subject,
              date,
              content: `${content} (complété)`,
              homework: homework === "" ? "Rien" : homework,
            } as Event,
            teacherId,
          )
        }
      }
    }
    // Three days in five.
    if ((d % 5) % 2 === 0) {
      for (const g of groups) {
        const teacherId = pick(teacherList).id
        const session = {
          homeworkBookId: `book-${g}`,
          sessionId: `s-${g}-${d}`,
          subject: g.endsWith("latin") ? "LATIN" : g.endsWith("ap") ? "AP" : "LV2",
          teacherId,
          date,
          content: `Unité ${1 + (d % 10)} : écoute, reformulation, vocabulaire ; exercices à l'oral en petits groupes.`,
          homework: "Apprendre le vocabulaire de l'unité.",
        }
        emit(
          at + 3_600_000 * 9,
          `HomeworkBook-book-${g}`,
          { _tag: "SessionRecorded", ...session, recordedBy: teacherId } as Event,
          teacherId,
        )
        if (chance(0.2)) {
          emit(
            at + 3_600_000 * 13,
            `HomeworkBook-book-${g}`,
            { _tag: "SessionEdited", ...session, homework: `${session.homework} Relire la leçon.` } as Event,
            teacherId,
          )
        }
        sessions++
      }
    }
    // Visas: direction, every four weeks, over the four weeks past.
    if (d % 20 === 19 && staffList[0] !== undefined) {
      const from = new Date(at - 27 * DAY).toISOString().slice(0, 10)
      for (const c of classes) {
        emit(
          at + 3_600_000 * 12,
          `HomeworkBook-book-${c}`,
          {
            _tag: "VisaPlaced",
            homeworkBookId: `book-${c}`,
            period: { from, to: date },
            scope: { _tag: "AllSessions" },
            placedBy: staffList[0].id,
          } as Event,
          staffList[0].id,
        )
      }
    }
    // Reports: a few a day, most handled the next day.
    for (let k = 0; k < Math.max(1, Math.round(everyone.length / 250)); k++) {
      const reporter = pick(everyone)
      const reportId = `report-${reports++}`
      const content = { kind: "Notification", contentId: `notif-${d}-${k}`, authorId: pick(everyone).id }
      emit(
        at + 3_600_000 * 5,
        `Report-${reportId}`,
        {
          _tag: "ContentReported",
          reportId,
          location: { structureId: school },
          content,
          reportedBy: reporter.id,
          reportedAt: DateTime.unsafeMake(at + 3_600_000 * 5),
          recipients: [{ level: "School", scopeId: school }],
          withdrawal: "None",
          ...(chance(0.5) ? { comment: "Propos déplacés dans un commentaire." } : {}),
        } as unknown as Event,
        reporter.id,
      )
      if (chance(0.8)) {
        const deleted = chance(0.5)
        emit(
          at + DAY,
          `Report-${reportId}`,
          {
            _tag: "ReportHandled",
            reportId,
            content,
            decision: deleted ? "Deleted" : "Kept",
            handledBy: admin,
            handledAt: DateTime.unsafeMake(at + DAY),
            withdrawal: deleted ? "RemoveNotificationFromFeeds" : "None",
            contentDeleted: false,
            blockAuthor: false,
          } as unknown as Event,
          admin,
        )
      }
    }
  }

  // The log: by time, then each day's events grouped per stream (one append per stream and day).
  items.sort((a, b) => a.at - b.at)
  const appends: Array<Append> = []
  let day = -1
  let byStream = new Map<string, Array<NewEvent>>()
  let n = 0
  const flush = () => {
    for (const [stream, events] of byStream) appends.push({ stream, events })
    byStream = new Map()
  }
  for (const item of items) {
    const itemDay = Math.floor((item.at - EPOCH) / DAY)
    if (itemDay !== day) {
      flush()
      day = itemDay
    }
    const list = byStream.get(item.stream) ?? []
    n++
    list.push({
      event: item.event,
      metadata: new EventMetadata({
        occurredAt: DateTime.unsafeMake(item.at),
        actor: item.actor,
        correlationId: `corr-${n}`,
        causationId: `cmd-${n}`,
      }),
    })
    byStream.set(item.stream, list)
  }
  flush()
  void sessions
  return { school, otherSchool, appends, people, events: n }
}

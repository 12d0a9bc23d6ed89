/**
 * From the records of an export to what the import will do: the schools with
 * their classes and groups, the people with their schools, memberships and
 * links, checked against one another (a link to an id absent from the export
 * is reported, the rest goes through). Pure: no store is read here.
 */
import * as Account from "@cartable/domain/Account"
import type { Coded, Profile, Schooling } from "@cartable/domain/AccountEvents"
import type { StructureId } from "@cartable/domain/Ids"
import type { StructureKind } from "@cartable/domain/StructureEvents"
import type { Uai } from "@cartable/domain/Uai"
import * as Text from "@cartable/kernel/Text"
import * as Schema from "effect/Schema"
import type { AafElement, AafRecord, Category, Pupil, Relative, School, Source, Staff } from "../AafRecord.ts"
import type { ImportProblem, MappingReason, WarningReason } from "../ImportProblem.ts"
import * as Spill from "./spill.ts"

export interface SchoolPlan {
  /** The export's id of the school (`ENTStructureJointure`), which memberships name. */
  readonly jointure: string
  /** The school's structure id: its UAI. */
  readonly uai: Uai
  readonly name: string
  readonly kind: Extract<StructureKind, "PrimarySchool" | "SecondarySchool">
  readonly academy: string | undefined
  /** Code to label, in the export's order. */
  readonly classes: ReadonlyMap<string, string>
  readonly groups: ReadonlyMap<string, string>
  readonly source: Source
}

export interface Teaching {
  readonly uai: Uai
  readonly code: string
  readonly kind: "Class" | "TeachingGroup"
  readonly subjects: ReadonlyArray<string>
  readonly principal: boolean
}

export interface PersonPlan {
  readonly id: string
  readonly category: Extract<Category, "Eleve" | "PersRelEleve" | "PersEducNat">
  readonly profile: Profile
  readonly firstName: string
  readonly lastName: string
  readonly email: string | undefined
  /** The schools (UAIs) of the person, his attachment first. */
  readonly schools: ReadonlyArray<Uai>
  /** A pupil's class and groups, by school. */
  readonly classes: ReadonlyArray<{ readonly uai: Uai; readonly code: string }>
  readonly groups: ReadonlyArray<{ readonly uai: Uai; readonly code: string }>
  /** A pupil's links to relatives present in the plan. */
  readonly relatives: ReadonlyArray<{
    readonly relativeId: string
    readonly legalAuthority: boolean
    readonly financial: boolean
    readonly contact: boolean
  }>
  /** A teacher's classes and groups, with subjects and principal teacher. */
  readonly teaches: ReadonlyArray<Teaching>
  /** The schools whose direction the person is in (function `DIR`). */
  readonly direction: ReadonlyArray<Uai>
  /**
   * Levels, sub-levels and post disciplines by school (BR-MSG-3): a pupil's MEF (`ENTEleveMEF`) is his
   * sub-level and the MEF it attaches to (`ENTMEFRattach`) his level, in his attachment school; a
   * teacher's MEFs taught (`ENTAuxEnsMEF`) likewise, and the disciplines of his functions.
   */
  readonly schooling: ReadonlyArray<Schooling>
  readonly source: Source
}

export interface Plan {
  readonly schools: ReadonlyArray<SchoolPlan>
  /** The people planned, in the order the import gives them; undefined for a plan of two passes (`replay`). */
  readonly people: ReadonlyArray<PersonPlan> | undefined
  /** How many people are planned. */
  readonly count: number
  /** The schools of each person planned, by his export id (the import clears it once its schools' step is over). */
  readonly schoolsById: Map<string, ReadonlyArray<Uai>>
  /** Modify requests of people (incremental exports): the attributes they replace. */
  readonly modifications: ReadonlyArray<Pupil | Relative | Staff>
  /** Ids of delete requests of people (incremental exports). */
  readonly deletions: ReadonlyArray<{ readonly id: string; readonly category: Category; readonly source: Source }>
  readonly problems: ReadonlyArray<ImportProblem>
  readonly read: number
  /** MEF code to its label and the MEF it attaches to, as the files read give them. */
  readonly mefs: Mefs
  /** Subject code to its label (`MatiereEducNat`), as the files read give them. */
  readonly subjects: ReadonlyMap<string, string>
}

const kindOf = (type: string | undefined): SchoolPlan["kind"] =>
  type === "ECOLE" || type === "EC" || type?.startsWith("ECOLE") === true ? "PrimarySchool" : "SecondarySchool"

const first = (record: AafRecord, name: string): string | undefined => record.attributes.get(name)?.[0]

/** `code$label` values of a school's class or group list. */
const codes = (values: ReadonlyArray<string> | undefined): Map<string, string> => {
  const out = new Map<string, string>()
  for (const value of values ?? []) {
    const cut = value.indexOf("$")
    const code = cut < 0 ? value : value.slice(0, cut)
    const label = cut < 0 ? value : value.slice(cut + 1)
    if (code !== "") out.set(code, label === "" ? code : label)
  }
  return out
}

const isName = Schema.is(Text.Name)
const isEmail = (value: string) => Schema.is(Text.Email)(value) && Account.isEmailAddress(value)

type PersonRecord = Pupil | Relative | Staff

const none: ReadonlyArray<never> = Object.freeze([])

/**
 * An array as small as it can be held: the empty one shared, the others of their length (a pushed-to
 * array keeps room for 16). An academy's plan holds some ten per person.
 */
const tight = <A>(values: ReadonlyArray<A> | undefined): ReadonlyArray<A> =>
  values === undefined || values.length === 0 ? none : values.slice()

/** Where a person's problems point: his record, which is not kept. */
interface Origin {
  readonly source: Source
  readonly category: Category
  readonly id: string
}

/**
 * A person as drafted from his record when it is read (the record is let go: an academy's plan is held,
 * not its records). What a MEF or a subject labels stays a code until the plan is built, as a later
 * part of the export may label it.
 */
interface Draft extends Omit<PersonPlan, "schools" | "relatives" | "schooling"> {
  readonly schools: Array<Uai>
  readonly links: ReadonlyArray<Pupil["relatives"][number]>
  /** MEFs by school: a pupil's (with the label his record gives), a teacher's taught. */
  readonly mefs: ReadonlyArray<{ readonly uai: Uai; readonly code: string; readonly label: string | undefined }>
  readonly disciplines: ReadonlyArray<{ readonly uai: Uai; readonly value: Coded }>
}

/** What the checks of one person against another need of him: all the first of two passes keeps. */
type Entry = Pick<Draft, "id" | "category" | "source" | "schools" | "links" | "mefs">

const entryOf = (draft: Draft): Entry => ({
  id: draft.id,
  category: draft.category,
  source: draft.source,
  schools: draft.schools,
  links: draft.links,
  mefs: draft.mefs,
})

/**
 * What the first of two passes planned of a person: where his record is (the second pass plans that one,
 * not a duplicate), his schools and links, all checks done. Held for every person until the second pass
 * reads him: flat, and keyed by bare id in a map per category (a `category:id` key costs 88 bytes more).
 */
interface Planned {
  readonly file: string
  readonly line: number
  readonly schools: ReadonlyArray<Uai>
  readonly relatives: PersonPlan["relatives"]
}

type PlannedPeople = { readonly [category in PersonPlan["category"]]: Map<string, Planned> }

type Mefs = ReadonlyMap<string, { readonly label: string | undefined; readonly attach: string | undefined }>

/** A MEF as a sub-level, labelled by its record (else by `fallback`, else its code). */
const subLevelOf = (mefs: Mefs, code: string, fallback?: string) => coded(code, mefs.get(code)?.label ?? fallback)

/** The level of a MEF: the MEF it attaches to; one attached to none, or whose record is absent, is its own. */
const levelOf = (mefs: Mefs, code: string, fallback?: string) => {
  const attach = mefs.get(code)?.attach?.trim()
  return attach === undefined || attach === "" || attach === code
    ? subLevelOf(mefs, code, fallback)
    : coded(attach, mefs.get(attach)?.label)
}

/** How many of these MEF codes have no `MefEducNat` record among the files read (each is then its own level). */
const unknownMefs = (mefs: Mefs, taught: ReadonlyArray<{ readonly code: string }>): number =>
  taught.filter(({ code }) => coded(code, undefined) !== undefined && !mefs.has(code)).length

/** The warning's message: the attribute and how many, never the codes (a formation is personal data). */
export const unknownMefMessage = (attribute: "ENTEleveMEF" | "ENTAuxEnsMEF", count: number): string =>
  `${attribute}: ${count === 1 ? "a MEF" : `${count} MEFs`} without a MefEducNat record among the files read, taken as ${count === 1 ? "its" : "their"} own level (read the export's MefEducNat files with it)`

/** Collects what the checks need: schools, subjects and MEFs, and people drafted as they are read. */
class Collector {
  /** Usable schools by the export's id (`ENTStructureJointure`). */
  readonly schools = new Map<string, SchoolPlan>()
  /** Every school id read, usable or not (a second record of one is a duplicate). */
  readonly schoolIds = new Set<string>()
  readonly subjects = new Map<string, string>()
  /** MEF code to its label and the MEF it attaches to (`MefEducNat`). */
  readonly mefs = new Map<string, { readonly label: string | undefined; readonly attach: string | undefined }>()
  /**
   * People drafted, by `personKey`, in the export's order: whole, or (`light`, the first of two passes)
   * only what the checks of one against another need, the whole draft set aside in `spill`.
   */
  readonly drafts = new Map<string, Entry>()
  /** What the first of two passes planned, until the second reads it. */
  planned: PlannedPeople | undefined
  /** The drafts of the first of two passes, for the second to read back (`light`). */
  readonly spill: Spill.Spill | undefined

  constructor(readonly light: boolean) {
    this.spill = light ? Spill.open() : undefined
  }
  /** Records naming a school not read yet: drafted when the plan is built. */
  readonly waiting = new Map<string, PersonRecord>()
  /** People reported, by `personKey`. */
  readonly rejected = new Set<string>()
  readonly deletions: Array<Plan["deletions"][number]> = []
  readonly modifications: Array<PersonRecord> = []
  readonly problems: Array<ImportProblem> = []
  read = 0

  problem(origin: Origin, reason: MappingReason, message: string) {
    const { source, category, id } = origin
    this.problems.push({ source, severity: "problem", reason, message, category, id })
  }

  warning(origin: Origin, reason: WarningReason, message: string) {
    const { source, category, id } = origin
    this.problems.push({ source, severity: "warning", reason, message, category, id })
  }

  /** A person of the export, drafted or reported or waiting. */
  known(key: string) {
    return this.drafts.has(key) || this.rejected.has(key) || this.waiting.has(key)
  }

  add(element: AafElement) {
    this.read++
    if (element._tag === "BadRecord") {
      const { source, reason, message, category, id } = element
      this.problems.push({ source, severity: "problem", reason, message, category, id })
      return
    }
    if (element._tag === "Mef") {
      // A modification replaces the attributes it names only.
      if (element.request === "delete") return
      const known = element.request === "modify" ? this.mefs.get(element.id) : undefined
      const value = (name: "ENTLibelleMef" | "ENTMEFRattach", kept: string | undefined) =>
        element.attributes.has(name) ? first(element, name) : kept
      this.mefs.set(element.id, {
        label: value("ENTLibelleMef", known?.label),
        attach: value("ENTMEFRattach", known?.attach),
      })
      return
    }
    if (element._tag === "Subject") {
      this.subjects.set(element.id, first(element, "ENTLibelleMatiere") ?? element.id)
      return
    }
    if (element.request === "delete") {
      if (element._tag !== "School") {
        this.deletions.push({ id: element.id, category: element.category, source: element.source })
      } else this.problem(element, "UnknownProfile", "A school is never deleted by a feed: it stays registered")
      return
    }
    if (element.request === "modify" && element._tag !== "School") {
      this.modifications.push(element)
      return
    }
    if (element._tag === "School") {
      if (this.schoolIds.has(element.id)) {
        this.problem(element, "DuplicateId", `A second ${element.category} record with id ${element.id}`)
        return
      }
      this.schoolIds.add(element.id)
      const made = schoolPlanOf(element)
      if (made === undefined) {
        this.problem(element, "UnknownSchool", "A school is modified before it was ever added with its UAI")
      } else this.schools.set(element.id, made)
      return
    }
    const key = personKey(element.category, element.id)
    if (this.known(key)) {
      this.problem(element, "DuplicateId", `A second ${element.category} record with id ${element.id}`)
      return
    }
    if (!namesKnownSchools(this.schools, element)) {
      // Kept with the attributes the import reads only (addresses, phones, INE would be most of the memory).
      this.waiting.set(key, { ...element, attributes: kept(element.attributes) })
      return
    }
    this.drafted(key, draft(this, element))
  }

  /** A person drafted (or reported: undefined), kept whole or set aside. */
  drafted(key: string, made: Draft | undefined) {
    if (made === undefined) {
      this.rejected.add(key)
    } else if (this.spill === undefined) {
      this.drafts.set(key, made)
    } else {
      this.drafts.set(key, entryOf(made))
      this.spill.write(JSON.stringify(made))
    }
  }
}

const read = ["sn", "givenName", "mail", "ENTPersonStructRattach", "ENTEleveMEF", "ENTEleveLibelleMEF"] as const

const kept = (attributes: AafRecord["attributes"]): AafRecord["attributes"] => {
  const out = new Map<string, ReadonlyArray<string>>()
  for (const name of read) {
    const values = attributes.get(name)
    if (values !== undefined) out.set(name, values)
  }
  return out
}

const isShortText = Schema.is(Text.ShortText)

/** A code and its label as the log takes them (one trimmed line each); the code stands for a label it lacks. */
const coded = (code: string | undefined, label: string | undefined): Coded | undefined => {
  const c = code?.trim()
  if (c === undefined || c === "" || c === "-" || !isShortText(c)) return undefined
  const l = label?.trim()
  return { code: c, label: l !== undefined && isShortText(l) ? l : c }
}

type Schoolings = Map<Uai, { levels: Array<Coded>; subLevels: Array<Coded>; disciplines: Array<Coded> }>

/** Adds values to a school's schooling in the making. */
const addTo = (into: Schoolings, uai: Uai, kind: "levels" | "subLevels" | "disciplines", value: Coded | undefined) => {
  if (value === undefined) return
  const entry = into.get(uai) ?? { levels: [], subLevels: [], disciplines: [] }
  if (!entry[kind].some((v) => v.code === value.code)) entry[kind].push(value)
  into.set(uai, entry)
}

/** People of several categories may share a jointure id: the key is both. */
const personKey = (category: Category, id: string) => `${category}:${id}`

const schoolPlanOf = (record: School): SchoolPlan | undefined =>
  record.uai === undefined
    ? undefined
    : {
        jointure: record.id,
        uai: record.uai,
        name: first(record, "ENTStructureNomCourant") ?? record.uai,
        kind: kindOf(first(record, "ENTStructureTypeStruct")),
        academy: first(record, "ENTServAcAcademie"),
        classes: codes(record.attributes.get("ENTStructureClasses")),
        groups: codes(record.attributes.get("ENTStructureGroupes")),
        source: record.source,
      }

/** Whether every school a person's record names was read: then he is drafted at once, the same as later. */
const namesKnownSchools = (schools: ReadonlyMap<string, SchoolPlan>, record: PersonRecord): boolean => {
  for (const jointure of record.attributes.get("ENTPersonStructRattach") ?? []) if (!schools.has(jointure)) return false
  const lists =
    record._tag === "Pupil"
      ? [record.classes, record.groups]
      : record._tag === "Staff"
        ? [record.classes, record.groups, record.functions, record.mefs]
        : []
  for (const list of lists) for (const { structureId } of list) if (!schools.has(structureId)) return false
  return true
}

/** A person's record checked against the schools read, or undefined when it is reported. */
const draft = (collected: Collector, record: PersonRecord): Draft | undefined => {
  const reject = (reason: MappingReason, message: string) => {
    collected.problem(record, reason, message)
    return undefined
  }
  const school = (jointure: string) => collected.schools.get(jointure)
  const inSchool = (
    list: ReadonlyArray<{ readonly structureId: string; readonly code: string }>,
    kind: "classes" | "groups",
  ) => {
    const out: Array<{ uai: Uai; code: string; jointure: string }> = []
    for (const { structureId, code } of list) {
      const found = school(structureId)
      if (found === undefined) return reject("UnknownSchool", `${kind}: school ${structureId} is not in the export`)
      if (!found[kind].has(code)) {
        return reject(
          "UnknownGroup",
          `${kind}: ${found.uai} lists no ${kind === "classes" ? "class" : "group"} ${code}`,
        )
      }
      out.push({ uai: found.uai, code, jointure: structureId })
    }
    return out
  }

  const lastName = first(record, "sn")
  const firstName = first(record, "givenName")
  if (lastName === undefined || firstName === undefined) {
    return reject("MissingName", `${lastName === undefined ? "sn" : "givenName"}: no value`)
  }
  if (!isName(lastName) || !isName(firstName)) return reject("MissingName", "sn or givenName: not a name")
  const mail = first(record, "mail")
  const email = mail === undefined ? undefined : isEmail(mail) ? mail : undefined
  if (mail !== undefined && email === undefined)
    collected.warning(record, "MalformedEmail", "mail: not an e-mail address")
  const schoolsOf: Array<Uai> = []
  for (const jointure of record.attributes.get("ENTPersonStructRattach") ?? []) {
    const found = school(jointure)
    if (found === undefined)
      return reject("UnknownSchool", `ENTPersonStructRattach: school ${jointure} is not in the export`)
    if (!schoolsOf.includes(found.uai)) schoolsOf.push(found.uai)
  }
  // One object literal of fixed shape (spreads give each draft a hidden class of its own: 400 bytes more).
  const made = (fields: Pick<Draft, "category" | "profile"> & Partial<Draft>): Draft => ({
    id: record.id,
    category: fields.category,
    profile: fields.profile,
    firstName,
    lastName,
    email,
    schools: [...schoolsOf],
    classes: tight(fields.classes),
    groups: tight(fields.groups),
    links: tight(fields.links),
    teaches: tight(fields.teaches),
    direction: tight(fields.direction),
    mefs: tight(fields.mefs),
    disciplines: tight(fields.disciplines),
    source: record.source,
  })
  if (record._tag === "Relative") return made({ category: "PersRelEleve", profile: "Relative" })
  if (record._tag === "Pupil") {
    const classes = inSchool(record.classes, "classes")
    const groups = classes && inSchool(record.groups, "groups")
    if (classes === undefined || groups === undefined) return undefined
    const twice = classes.find((one, i) => classes.some((other, j) => j < i && other.uai === one.uai))
    if (twice !== undefined) {
      return reject(
        "TwoClasses",
        `ENTEleveClasses: two classes in ${twice.uai} (BR-GRP-2: one class per school and year)`,
      )
    }
    for (const { uai } of [...classes, ...groups]) if (!schoolsOf.includes(uai)) schoolsOf.push(uai)
    // His MEF is his attachment school's (the first of ENTPersonStructRattach).
    const mef = first(record, "ENTEleveMEF")
    const attachment = schoolsOf[0]
    return made({
      category: "Eleve",
      profile: "Student",
      classes: classes.map(({ uai, code }) => ({ uai, code })),
      groups: groups.map(({ uai, code }) => ({ uai, code })),
      links: record.relatives,
      mefs:
        mef === undefined || attachment === undefined
          ? []
          : [{ uai: attachment, code: mef, label: first(record, "ENTEleveLibelleMEF") }],
    })
  }
  const teaches: Array<Teaching> = []
  for (const [list, kind] of [
    [record.classes, "classes"],
    [record.groups, "groups"],
  ] as const) {
    const found = inSchool(list, kind)
    if (found === undefined) return undefined
    const subjectsOf = kind === "classes" ? record.classSubjects : record.groupSubjects
    for (const { uai, code, jointure } of found) {
      // Subject codes here, labelled when the plan is built.
      const subjects = subjectsOf
        .filter((teaching) => teaching.structureId === jointure && teaching.code === code)
        .map((teaching) => teaching.subjectCode)
      const principal =
        kind === "classes" && record.principalOf.some((entry) => entry.structureId === jointure && entry.code === code)
      teaches.push({ uai, code, kind: kind === "classes" ? "Class" : "TeachingGroup", subjects, principal })
      if (!schoolsOf.includes(uai)) schoolsOf.push(uai)
    }
  }
  const direction: Array<Uai> = []
  const disciplines: Array<Draft["disciplines"][number]> = []
  for (const fn of record.functions) {
    const found = school(fn.structureId)
    if (found === undefined)
      return reject("UnknownSchool", `ENTPersonFonctions: school ${fn.structureId} is not in the export`)
    if (fn.code === "DIR" && !direction.includes(found.uai)) direction.push(found.uai)
    if (!schoolsOf.includes(found.uai)) schoolsOf.push(found.uai)
    // The discipline of the post (004 "discipline de poste"), when the function has one.
    const value = coded(fn.disciplineCode, fn.disciplineLabel)
    if (value !== undefined) disciplines.push({ uai: found.uai, value })
  }
  const mefs: Array<Draft["mefs"][number]> = []
  for (const taught of record.mefs) {
    const found = school(taught.structureId)
    if (found === undefined)
      return reject("UnknownSchool", `ENTAuxEnsMEF: school ${taught.structureId} is not in the export`)
    mefs.push({ uai: found.uai, code: taught.code, label: undefined })
  }
  // A teacher teaches (function ENS, or classes and groups to teach); other staff are personnel.
  const teacher = teaches.length > 0 || record.functions.some((fn) => fn.code === "ENS")
  return made({
    category: "PersEducNat",
    profile: teacher ? "Teacher" : "Personnel",
    teaches,
    direction,
    mefs,
    disciplines,
  })
}

/** The people drafted checked against one another (links, schools), and the plan. */
const build = (collected: Collector): Plan => {
  for (const [key, record] of collected.waiting) collected.drafted(key, draft(collected, record))
  collected.waiting.clear()
  const { drafts } = collected
  const reject = (person: Origin, reason: MappingReason, message: string) => {
    collected.problem(person, reason, message)
    return undefined
  }

  // Links: a relative absent from the export fails the pupil; one reported himself drops the link only.
  const childrenSchools = new Map<string, Array<Uai>>()
  const pupils: Array<[Entry, PersonPlan["relatives"]]> = []
  for (const person of drafts.values()) {
    if (person.category !== "Eleve") continue
    const relatives: Array<PersonPlan["relatives"][number]> = []
    let ok = true
    for (const link of person.links) {
      const key = personKey("PersRelEleve", link.relativeId)
      if (!collected.known(key)) {
        reject(person, "UnknownRelative", `ENTElevePersRelEleve: relative ${link.relativeId} is not in the export`)
        ok = false
        break
      }
      if (!drafts.has(key)) {
        collected.warning(person, "DroppedLink", `ENTElevePersRelEleve: relative ${link.relativeId} was reported`)
        continue
      }
      if (relatives.some((r) => r.relativeId === link.relativeId)) continue
      relatives.push({
        relativeId: link.relativeId,
        legalAuthority: link.legal !== 0,
        financial: link.financial,
        contact: link.contact,
      })
    }
    if (!ok) {
      drafts.delete(personKey("Eleve", person.id))
      continue
    }
    pupils.push([person, tight(relatives)])
    for (const { relativeId } of relatives) {
      const list = childrenSchools.get(relativeId) ?? []
      for (const uai of person.schools) if (!list.includes(uai)) list.push(uai)
      childrenSchools.set(relativeId, list)
    }
  }
  /** A MEF without its record is its own level (`levelOf`): the person is imported, with a warning. */
  const warnUnknownMefs = (person: Entry) => {
    const unknown = unknownMefs(collected.mefs, person.mefs)
    if (unknown === 0) return
    const attribute = person.category === "Eleve" ? "ENTEleveMEF" : "ENTAuxEnsMEF"
    collected.warning(person, "UnknownMef", unknownMefMessage(attribute, unknown))
  }
  // Non-pupils first, then pupils: [entry, relatives].
  const planned: Array<[Entry, PersonPlan["relatives"]]> = []
  for (const person of drafts.values()) {
    if (person.category === "Eleve") continue
    if (person.category === "PersRelEleve") {
      for (const uai of childrenSchools.get(person.id) ?? [])
        if (!person.schools.includes(uai)) person.schools.push(uai)
    }
    if (person.schools.length === 0) {
      reject(person, "NoSchool", "The person is attached to no school of the export")
      continue
    }
    warnUnknownMefs(person)
    planned.push([person, none])
  }
  for (const [person, relatives] of pupils) {
    if (person.schools.length === 0) {
      reject(person, "NoSchool", "The pupil is attached to no school of the export")
      continue
    }
    warnUnknownMefs(person)
    planned.push([person, relatives])
  }
  // A relative dropped for having no school leaves links to him: they go with a warning.
  const relatives = new Set<string>()
  for (const [person] of planned) if (person.category === "PersRelEleve") relatives.add(person.id)
  for (const entry of planned) {
    if (entry[0].category !== "Eleve") continue
    const kept = entry[1].filter((link) => relatives.has(link.relativeId))
    if (kept.length < entry[1].length) entry[1] = kept
  }
  // Most people share their list of schools with others of their school: one array for each list.
  const lists = new Map<string, ReadonlyArray<Uai>>()
  const interned = (schools: ReadonlyArray<Uai>) => {
    const key = schools.join(" ")
    const known = lists.get(key)
    if (known !== undefined) return known
    const list = tight(schools)
    lists.set(key, list)
    return list
  }
  const schoolsById = new Map<string, ReadonlyArray<Uai>>()
  for (const [person] of planned) schoolsById.set(person.id, interned(person.schools))
  if (collected.light) {
    // The first of two passes: what the second needs to plan each person again as it reads him.
    const byCategory: PlannedPeople = { Eleve: new Map(), PersRelEleve: new Map(), PersEducNat: new Map() }
    for (const [person, links] of planned) {
      byCategory[person.category].set(person.id, {
        file: person.source.file,
        line: person.source.line,
        schools: interned(person.schools),
        relatives: links,
      })
    }
    collected.planned = byCategory
    drafts.clear()
  }
  const people = collected.light
    ? undefined
    : planned.map(([person, links]) => planOf(collected, person as Draft, interned(person.schools), links))
  return {
    schools: [...collected.schools.values()],
    people,
    count: planned.length,
    schoolsById,
    deletions: collected.deletions,
    modifications: collected.modifications,
    problems: collected.problems,
    read: collected.read,
    mefs: collected.mefs,
    subjects: collected.subjects,
  }
}

/**
 * The schooling a person's modify request leaves him (BR-MSG-3): the parts it replaces (a pupil's
 * `ENTEleveMEF`, a teacher's `ENTAuxEnsMEF`, the disciplines of `ENTPersonFonctions`) read as an add
 * request's are, the others kept from `current` (a pupil's moved to his new attachment school when it
 * replaces `ENTPersonStructRattach`), with how many of its MEFs have no `MefEducNat` record
 * among the files read (`unknownMefs`: each is its own level, as in a full import). Undefined when it
 * replaces none of them; the id of a school absent from the files read (`uaiOf`, by jointure) when it
 * names one.
 */
export const modifiedSchooling = (
  plan: Plan,
  record: PersonRecord,
  current: ReadonlyArray<Schooling>,
  uaiOf: ReadonlyMap<string, string>,
  attachment: string | undefined,
):
  | { readonly schooling: ReadonlyArray<Schooling>; readonly unknownMefs: number }
  | { readonly unknownSchool: string }
  | undefined => {
  const replaces = (name: string) => record.attributes.has(name)
  const mefsReplaced = replaces(record._tag === "Pupil" ? "ENTEleveMEF" : "ENTAuxEnsMEF")
  const disciplinesReplaced = record._tag === "Staff" && replaces("ENTPersonFonctions")
  // A pupil's levels are his attachment school's: a new attachment takes them along.
  const moved = record._tag === "Pupil" && replaces("ENTPersonStructRattach")
  if (record._tag === "Relative" || !(mefsReplaced || disciplinesReplaced || moved)) return undefined
  // His MEF is his attachment school's: the first of a replaced ENTPersonStructRattach, else his account's.
  const rattach = record._tag === "Pupil" ? record.attributes.get("ENTPersonStructRattach")?.[0] : undefined
  const attachedTo = rattach === undefined ? attachment : uaiOf.get(rattach)
  if (rattach !== undefined && attachedTo === undefined) return { unknownSchool: rattach }
  const into: Schoolings = new Map()
  const add = (uai: string, kind: "levels" | "subLevels" | "disciplines", value: Coded | undefined) =>
    addTo(into, uai as Uai, kind, value)
  for (const entry of current) {
    const at = moved && attachedTo !== undefined ? attachedTo : entry.structureId
    for (const value of mefsReplaced ? [] : entry.levels) add(at, "levels", value)
    for (const value of mefsReplaced ? [] : entry.subLevels) add(at, "subLevels", value)
    for (const value of disciplinesReplaced ? [] : entry.disciplines) add(entry.structureId, "disciplines", value)
  }
  const taught: Array<{ readonly uai: string; readonly code: string; readonly label: string | undefined }> = []
  if (record._tag === "Pupil") {
    const uai = attachedTo
    const mef = first(record, "ENTEleveMEF")
    if (mef !== undefined && uai !== undefined)
      taught.push({ uai, code: mef, label: first(record, "ENTEleveLibelleMEF") })
  } else {
    for (const { structureId, code } of mefsReplaced ? record.mefs : []) {
      const uai = uaiOf.get(structureId)
      if (uai === undefined) return { unknownSchool: structureId }
      taught.push({ uai, code, label: undefined })
    }
    for (const fn of disciplinesReplaced ? record.functions : []) {
      const uai = uaiOf.get(fn.structureId)
      if (uai === undefined) return { unknownSchool: fn.structureId }
      add(uai, "disciplines", coded(fn.disciplineCode, fn.disciplineLabel))
    }
  }
  for (const { uai, code, label } of taught) {
    add(uai, "levels", levelOf(plan.mefs, code, label))
    add(uai, "subLevels", subLevelOf(plan.mefs, code, label))
  }
  return {
    schooling: [...into].map(([uai, { levels, subLevels, disciplines }]) => ({
      structureId: uai as string as StructureId,
      levels,
      subLevels,
      disciplines,
    })),
    unknownMefs: unknownMefs(plan.mefs, taught),
  }
}

/** A person's plan: his subjects and MEFs labelled (BR-MSG-3: levels, sub-levels, post disciplines). */
const planOf = (
  collected: Collector,
  person: Draft,
  schools: ReadonlyArray<Uai>,
  relatives: PersonPlan["relatives"],
): PersonPlan => {
  const { mefs, subjects } = collected
  const schooling: Schoolings = new Map()
  for (const { uai, value } of person.disciplines) addTo(schooling, uai, "disciplines", value)
  for (const { uai, code, label } of person.mefs) {
    addTo(schooling, uai, "levels", levelOf(mefs, code, label))
    addTo(schooling, uai, "subLevels", subLevelOf(mefs, code, label))
  }
  // A literal of fixed shape, as in `draft`.
  return {
    id: person.id,
    category: person.category,
    profile: person.profile,
    firstName: person.firstName,
    lastName: person.lastName,
    email: person.email,
    schools,
    classes: person.classes,
    groups: person.groups,
    relatives,
    teaches: person.teaches.every((teaching) => teaching.subjects.length === 0)
      ? person.teaches
      : person.teaches.map((teaching) =>
          teaching.subjects.length === 0
            ? teaching
            : { ...teaching, subjects: teaching.subjects.map((code) => subjects.get(code) ?? code) },
        ),
    direction: person.direction,
    schooling:
      schooling.size === 0
        ? none
        : [...schooling].map(([uai, { levels, subLevels, disciplines }]) => ({
            structureId: uai as string as StructureId,
            levels,
            subLevels,
            disciplines,
          })),
    source: person.source,
  }
}

/**
 * A plan builder fed one element at a time. `light` keeps only what the checks need (the first of two
 * passes), each person's draft set aside in an encrypted temporary file: `replay` then plans each person
 * again as it reads his draft back, in the order read.
 */
export const collector = (light = false) => {
  const collected = new Collector(light)
  return {
    add: (element: AafElement) => collected.add(element),
    plan: () => build(collected),
    /** The plans of the people the first pass planned, in the order read (`light` only, once). */
    replay: function* (): Generator<PersonPlan, void, undefined> {
      const spill = collected.spill
      if (spill === undefined) return
      for (const line of spill.lines()) {
        const made = JSON.parse(line) as Draft
        const ofCategory = collected.planned?.[made.category]
        const planned = ofCategory?.get(made.id)
        // The draft the first pass planned, not a duplicate's, nor one reported when checked against others.
        if (planned === undefined || planned.line !== made.source.line || planned.file !== made.source.file) continue
        ofCategory?.delete(made.id)
        yield planOf(collected, made, planned.schools, planned.relatives)
      }
      collected.planned = undefined
    },
    /** Lets the temporary file go (idempotent). */
    close: () => collected.spill?.close(),
  }
}

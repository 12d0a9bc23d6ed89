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
import type { AafElement, AafRecord, Category, Pupil, Relative, Source, Staff } from "../AafRecord.ts"
import type { ImportProblem, MappingReason, WarningReason } from "../ImportProblem.ts"

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
  readonly people: ReadonlyArray<PersonPlan>
  /** Modify requests of people (incremental exports): the attributes they replace. */
  readonly modifications: ReadonlyArray<Pupil | Relative | Staff>
  /** Ids of delete requests of people (incremental exports). */
  readonly deletions: ReadonlyArray<{ readonly id: string; readonly category: Category; readonly source: Source }>
  readonly problems: ReadonlyArray<ImportProblem>
  readonly read: number
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

/** Collects what the checks need: records by category and id, in the export's order. */
class Collector {
  readonly schools = new Map<string, AafRecord & { readonly _tag: "School" }>()
  readonly people = new Map<string, PersonRecord>()
  readonly subjects = new Map<string, string>()
  /** MEF code to its label and the MEF it attaches to (`MefEducNat`). */
  readonly mefs = new Map<string, { readonly label: string | undefined; readonly attach: string | undefined }>()
  readonly deletions: Array<Plan["deletions"][number]> = []
  readonly modifications: Array<PersonRecord> = []
  readonly problems: Array<ImportProblem> = []
  read = 0

  problem(record: AafRecord, reason: MappingReason, message: string) {
    this.problems.push({
      source: record.source,
      severity: "problem",
      reason,
      message,
      category: record.category,
      id: record.id,
    })
  }

  warning(record: AafRecord, reason: WarningReason, message: string) {
    this.problems.push({
      source: record.source,
      severity: "warning",
      reason,
      message,
      category: record.category,
      id: record.id,
    })
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
    const into: Map<string, AafRecord> = element._tag === "School" ? this.schools : this.people
    const key = element._tag === "School" ? element.id : personKey(element.category, element.id)
    if (into.has(key)) {
      this.problem(element, "DuplicateId", `A second ${element.category} record with id ${element.id}`)
      return
    }
    // A person is kept with the attributes the import reads only: an academy's export is held until its
    // links are checked, and the rest (addresses, phones, INE) would be most of the memory.
    into.set(key, element._tag === "School" ? element : { ...element, attributes: kept(element.attributes) })
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

/** Adds values to a school's schooling in the making. */
const addTo = (
  into: Map<Uai, { levels: Array<Coded>; subLevels: Array<Coded>; disciplines: Array<Coded> }>,
  uai: Uai,
  kind: "levels" | "subLevels" | "disciplines",
  value: Coded | undefined,
) => {
  if (value === undefined) return
  const entry = into.get(uai) ?? { levels: [], subLevels: [], disciplines: [] }
  if (!entry[kind].some((v) => v.code === value.code)) entry[kind].push(value)
  into.set(uai, entry)
}

const schoolingOf = (
  into: ReadonlyMap<Uai, { levels: Array<Coded>; subLevels: Array<Coded>; disciplines: Array<Coded> }>,
): ReadonlyArray<Schooling> =>
  [...into].map(([uai, values]) => ({ structureId: uai as string as StructureId, ...values }))

/** People of several categories may share a jointure id: the key is both. */
const personKey = (category: Category, id: string) => `${category}:${id}`

/** Checks the collected records against one another and builds the plan. */
const build = (collected: Collector): Plan => {
  const schools = new Map<string, SchoolPlan>()
  for (const record of collected.schools.values()) {
    if (record.uai === undefined) {
      collected.problem(record, "UnknownSchool", "A school is modified before it was ever added with its UAI")
      continue
    }
    schools.set(record.id, {
      jointure: record.id,
      uai: record.uai,
      name: first(record, "ENTStructureNomCourant") ?? record.uai,
      kind: kindOf(first(record, "ENTStructureTypeStruct")),
      academy: first(record, "ENTServAcAcademie"),
      classes: codes(record.attributes.get("ENTStructureClasses")),
      groups: codes(record.attributes.get("ENTStructureGroupes")),
      source: record.source,
    })
  }

  type Draft = Omit<PersonPlan, "schools" | "relatives"> & {
    readonly record: PersonRecord
    readonly schools: Array<Uai>
    readonly links: ReadonlyArray<Pupil["relatives"][number]>
  }
  const drafts = new Map<string, Draft>()
  const reject = (record: PersonRecord, reason: MappingReason, message: string) => {
    collected.problem(record, reason, message)
    return undefined
  }

  /** A MEF as a sub-level, labelled by its record (else by `fallback`, else its code). */
  const subLevelOf = (code: string, fallback?: string) => coded(code, collected.mefs.get(code)?.label ?? fallback)
  /** The level of a MEF: the MEF it attaches to; one attached to none, or whose record is absent, is its own. */
  const levelOf = (code: string, fallback?: string) => {
    const attach = collected.mefs.get(code)?.attach?.trim()
    return attach === undefined || attach === "" || attach === code
      ? subLevelOf(code, fallback)
      : coded(attach, collected.mefs.get(attach)?.label)
  }

  /** A school of the export by its jointure id. */
  const school = (jointure: string) => schools.get(jointure)
  const inSchool = (
    record: PersonRecord,
    list: ReadonlyArray<{ readonly structureId: string; readonly code: string }>,
    kind: "classes" | "groups",
  ) => {
    const out: Array<{ uai: Uai; code: string; jointure: string }> = []
    for (const { structureId, code } of list) {
      const found = school(structureId)
      if (found === undefined)
        return reject(record, "UnknownSchool", `${kind}: school ${structureId} is not in the export`)
      if (!found[kind].has(code)) {
        return reject(
          record,
          "UnknownGroup",
          `${kind}: ${found.uai} lists no ${kind === "classes" ? "class" : "group"} ${code}`,
        )
      }
      out.push({ uai: found.uai, code, jointure: structureId })
    }
    return out
  }

  const draft = (record: PersonRecord): Draft | undefined => {
    const lastName = first(record, "sn")
    const firstName = first(record, "givenName")
    if (lastName === undefined || firstName === undefined) {
      return reject(record, "MissingName", `${lastName === undefined ? "sn" : "givenName"}: no value`)
    }
    if (!isName(lastName) || !isName(firstName)) return reject(record, "MissingName", "sn or givenName: not a name")
    const mail = first(record, "mail")
    const email = mail === undefined ? undefined : isEmail(mail) ? mail : undefined
    if (mail !== undefined && email === undefined)
      collected.warning(record, "MalformedEmail", "mail: not an e-mail address")
    const schoolsOf: Array<Uai> = []
    for (const jointure of record.attributes.get("ENTPersonStructRattach") ?? []) {
      const found = school(jointure)
      if (found === undefined)
        return reject(record, "UnknownSchool", `ENTPersonStructRattach: school ${jointure} is not in the export`)
      if (!schoolsOf.includes(found.uai)) schoolsOf.push(found.uai)
    }
    const base = { id: record.id, firstName, lastName, email, source: record.source, record }
    if (record._tag === "Relative") {
      return {
        ...base,
        category: "PersRelEleve",
        profile: "Relative",
        schools: schoolsOf,
        classes: [],
        groups: [],
        links: [],
        teaches: [],
        direction: [],
        schooling: [],
      }
    }
    if (record._tag === "Pupil") {
      const classes = inSchool(record, record.classes, "classes")
      const groups = classes && inSchool(record, record.groups, "groups")
      if (classes === undefined || groups === undefined) return undefined
      const twice = classes.find((one, i) => classes.some((other, j) => j < i && other.uai === one.uai))
      if (twice !== undefined) {
        return reject(
          record,
          "TwoClasses",
          `ENTEleveClasses: two classes in ${twice.uai} (BR-GRP-2: one class per school and year)`,
        )
      }
      for (const { uai } of [...classes, ...groups]) if (!schoolsOf.includes(uai)) schoolsOf.push(uai)
      // His MEF is his attachment school's (the first of ENTPersonStructRattach).
      const schooling = new Map<Uai, { levels: Array<Coded>; subLevels: Array<Coded>; disciplines: Array<Coded> }>()
      const mef = first(record, "ENTEleveMEF")
      const attachment = schoolsOf[0]
      if (mef !== undefined && attachment !== undefined) {
        const label = first(record, "ENTEleveLibelleMEF")
        addTo(schooling, attachment, "levels", levelOf(mef, label))
        addTo(schooling, attachment, "subLevels", subLevelOf(mef, label))
      }
      return {
        ...base,
        category: "Eleve",
        profile: "Student",
        schools: schoolsOf,
        classes,
        groups,
        links: record.relatives,
        teaches: [],
        direction: [],
        schooling: schoolingOf(schooling),
      }
    }
    const teaches: Array<Teaching> = []
    for (const [list, kind] of [
      [record.classes, "classes"],
      [record.groups, "groups"],
    ] as const) {
      const found = inSchool(record, list, kind)
      if (found === undefined) return undefined
      const subjectsOf = kind === "classes" ? record.classSubjects : record.groupSubjects
      for (const { uai, code, jointure } of found) {
        const subjects = subjectsOf
          .filter((teaching) => teaching.structureId === jointure && teaching.code === code)
          .map((teaching) => collected.subjects.get(teaching.subjectCode) ?? teaching.subjectCode)
        const principal =
          kind === "classes" &&
          record.principalOf.some((entry) => entry.structureId === jointure && entry.code === code)
        teaches.push({ uai, code, kind: kind === "classes" ? "Class" : "TeachingGroup", subjects, principal })
        if (!schoolsOf.includes(uai)) schoolsOf.push(uai)
      }
    }
    const direction: Array<Uai> = []
    const schooling = new Map<Uai, { levels: Array<Coded>; subLevels: Array<Coded>; disciplines: Array<Coded> }>()
    for (const fn of record.functions) {
      const found = school(fn.structureId)
      if (found === undefined)
        return reject(record, "UnknownSchool", `ENTPersonFonctions: school ${fn.structureId} is not in the export`)
      if (fn.code === "DIR" && !direction.includes(found.uai)) direction.push(found.uai)
      if (!schoolsOf.includes(found.uai)) schoolsOf.push(found.uai)
      // The discipline of the post (004 "discipline de poste"), when the function has one.
      addTo(schooling, found.uai, "disciplines", coded(fn.disciplineCode, fn.disciplineLabel))
    }
    for (const taught of record.mefs) {
      const found = school(taught.structureId)
      if (found === undefined)
        return reject(record, "UnknownSchool", `ENTAuxEnsMEF: school ${taught.structureId} is not in the export`)
      addTo(schooling, found.uai, "levels", levelOf(taught.code))
      addTo(schooling, found.uai, "subLevels", subLevelOf(taught.code))
    }
    // A teacher teaches (function ENS, or classes and groups to teach); other staff are personnel.
    const teacher = teaches.length > 0 || record.functions.some((fn) => fn.code === "ENS")
    return {
      ...base,
      category: "PersEducNat",
      profile: teacher ? "Teacher" : "Personnel",
      schools: schoolsOf,
      classes: [],
      groups: [],
      links: [],
      teaches,
      direction,
      schooling: schoolingOf(schooling),
    }
  }

  for (const record of collected.people.values()) {
    const made = draft(record)
    if (made !== undefined) drafts.set(personKey(record.category, record.id), made)
  }

  // Links: a relative absent from the export fails the pupil; one reported himself drops the link only.
  const people: Array<PersonPlan> = []
  const childrenSchools = new Map<string, Array<Uai>>()
  const pupils: Array<[Draft, PersonPlan["relatives"]]> = []
  for (const person of drafts.values()) {
    if (person.category !== "Eleve") continue
    const relatives: Array<PersonPlan["relatives"][number]> = []
    let ok = true
    for (const link of person.links) {
      const key = personKey("PersRelEleve", link.relativeId)
      if (!collected.people.has(key)) {
        reject(
          person.record,
          "UnknownRelative",
          `ENTElevePersRelEleve: relative ${link.relativeId} is not in the export`,
        )
        ok = false
        break
      }
      if (!drafts.has(key)) {
        collected.warning(
          person.record,
          "DroppedLink",
          `ENTElevePersRelEleve: relative ${link.relativeId} was reported`,
        )
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
    pupils.push([person, relatives])
    for (const { relativeId } of relatives) {
      const list = childrenSchools.get(relativeId) ?? []
      for (const uai of person.schools) if (!list.includes(uai)) list.push(uai)
      childrenSchools.set(relativeId, list)
    }
  }
  const planOf = (person: Draft, relatives: PersonPlan["relatives"]): PersonPlan => {
    const { record: _record, links: _links, ...rest } = person
    return { ...rest, relatives }
  }
  for (const person of drafts.values()) {
    if (person.category === "Eleve") continue
    if (person.category === "PersRelEleve") {
      for (const uai of childrenSchools.get(person.id) ?? [])
        if (!person.schools.includes(uai)) person.schools.push(uai)
    }
    if (person.schools.length === 0) {
      reject(person.record, "NoSchool", "The person is attached to no school of the export")
      continue
    }
    people.push(planOf(person, []))
  }
  for (const [person, relatives] of pupils) {
    if (person.schools.length === 0) {
      reject(person.record, "NoSchool", "The pupil is attached to no school of the export")
      continue
    }
    people.push(planOf(person, relatives))
  }
  // A relative dropped for having no school leaves links to him: they go with a warning.
  const planned = new Set(people.filter((p) => p.category === "PersRelEleve").map((p) => p.id))
  const final = people.map((person) => {
    if (person.category !== "Eleve") return person
    const kept = person.relatives.filter((link) => planned.has(link.relativeId))
    return kept.length === person.relatives.length ? person : { ...person, relatives: kept }
  })
  return {
    schools: [...schools.values()],
    people: final,
    deletions: collected.deletions,
    modifications: collected.modifications,
    problems: collected.problems,
    read: collected.read,
  }
}

/** A plan builder fed one element at a time. */
export const collector = () => {
  const collected = new Collector()
  return { add: (element: AafElement) => collected.add(element), plan: () => build(collected) }
}

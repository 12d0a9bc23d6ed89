/**
 * From the rows of a school's CSV file to the AAF's records: each row is
 * written as the `addRequest` the AAF would carry for it (the same attribute
 * names, the `$`-compound values prefixed with the school's id) and typed by
 * the AAF reader's own `toElement`, so that both formats obey one set of rules.
 */
import type { AafElement, Attributes, BadRecord, BadRecordReason, Category, Source } from "../AafRecord.ts"
import type { Row } from "./csvTokenizer.ts"
import { bad, toElement } from "./records.ts"

/**
 * The format's columns, in the order the docs give them. Only `profile` and
 * `id` are required in the header; a missing column reads as empty cells.
 */
export const columns = [
  "profile",
  "id",
  "last_name",
  "first_name",
  "birth_date",
  "email",
  "classes",
  "groups",
  "relatives",
  "functions",
  "class_subjects",
  "group_subjects",
  "principal_of",
  "name",
  "school_type",
  "academy",
] as const

/** A column of the format. */
export type Column = (typeof columns)[number]

/** The `profile` values, as written in the docs. */
export type Profile = "etablissement" | "eleve" | "responsable" | "enseignant" | "personnel"

/** What a profile is in the AAF. */
export const categoryOfProfile: Readonly<Record<Profile, Category>> = {
  etablissement: "EtabEducNat",
  eleve: "Eleve",
  responsable: "PersRelEleve",
  enseignant: "PersEducNat",
  personnel: "PersEducNat",
}

// Also the AAF's own category names; compared without case or accents (élève, Eleve).
const profileNames: ReadonlyMap<string, Profile> = new Map([
  ["etablissement", "etablissement"],
  ["etabeducnat", "etablissement"],
  ["eleve", "eleve"],
  ["responsable", "responsable"],
  ["persreleleve", "responsable"],
  ["enseignant", "enseignant"],
  ["personnel", "personnel"],
  ["perseducnat", "personnel"],
])

/** The profile a `profile` cell names, or undefined. */
export const profileOf = (cell: string): Profile | undefined =>
  profileNames.get(cell.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim())

const person: ReadonlyArray<Column> = ["profile", "id", "last_name", "first_name", "birth_date", "email"]
const staff: ReadonlySet<Column> = new Set([
  ...person,
  "classes",
  "groups",
  "functions",
  "class_subjects",
  "group_subjects",
  "principal_of",
])

/** The columns a row of each category may fill; the others must be empty. */
export const columnsOf: Readonly<Record<Category, ReadonlySet<Column>>> = {
  EtabEducNat: new Set(["profile", "id", "name", "school_type", "academy", "classes", "groups"]),
  Eleve: new Set([...person, "classes", "groups", "relatives"]),
  PersRelEleve: new Set(person),
  PersEducNat: staff,
  MatiereEducNat: new Set(),
  MefEducNat: new Set(),
}

/** Where each column is in the file. */
export interface Header {
  readonly index: ReadonlyMap<Column, number>
  readonly count: number
}

const known: ReadonlySet<string> = new Set(columns)

/** The header row read, or why it is not the format's. */
export const header = (row: Row): Header | string => {
  if (row.malformed !== undefined) return `the header breaks the quoting rules: ${row.malformed}`
  const index = new Map<Column, number>()
  for (const [i, raw] of row.cells.entries()) {
    const name = raw.trim().toLowerCase()
    if (!known.has(name)) {
      return `unknown column "${raw.trim()}" in the header (the columns: ${columns.join(", ")})`
    }
    if (index.has(name as Column)) return `the column ${name} appears twice in the header`
    index.set(name as Column, i)
  }
  const missing = (["profile", "id"] as const).filter((c) => !index.has(c))
  if (missing.length > 0) return `the header has no ${missing.join(" nor ")} column`
  return { index, count: row.count }
}

/** A row's cell in `column`, trimmed; empty when the header does not have the column. */
export const cell = (header: Header, row: Row, column: Column): string => {
  const at = header.index.get(column)
  return at === undefined ? "" : (row.cells[at] ?? "").trim()
}

/** Whether every cell of the row is empty: spreadsheets write such rows (`;;;;`); they are no record. */
export const isEmpty = (row: Row): boolean => row.malformed === undefined && row.cells.every((c) => c.trim() === "")

/** An id fit for the compound values that point to it: `$` and `|` separate their fields and items. */
export const isValidId = (id: string): boolean => id !== "" && !/[$|]/.test(id)

/** The school a CSV file describes: its id (its UAI as written) and the line of its row. */
export interface School {
  readonly id: string
  readonly line: number
}

/** A person's record id: the school's row id under the school's UAI, so that two schools' files never share ids. */
export const personId = (school: string, id: string): string => `${school}-${id}`

const one = (value: string): Array<string> => (value === "" ? [] : [value])

const items = (value: string): Array<string> =>
  value
    .split("|")
    .map((item) => item.trim())
    .filter((item) => item !== "")

const attributesOf = (
  category: Category,
  profile: Profile,
  id: string,
  school: string,
  get: (column: Column) => string,
): Attributes => {
  const inSchool = (column: Column) => items(get(column)).map((item) => `${school}$${item}`)
  if (category === "EtabEducNat") {
    // A class or group without a label is labelled with its code.
    const labelled = (column: Column) =>
      items(get(column)).map((item) => (item.includes("$") ? item : `${item}$${item}`))
    return new Map([
      ["ENTStructureJointure", [id]],
      ["ENTStructureUAI", [id]],
      ["ENTStructureNomCourant", one(get("name"))],
      ["ENTStructureTypeStruct", one(get("school_type"))],
      ["ENTServAcAcademie", one(get("academy"))],
      ["ENTStructureClasses", labelled("classes")],
      ["ENTStructureGroupes", labelled("groups")],
    ])
  }
  const attributes = new Map<string, ReadonlyArray<string>>([
    ["ENTPersonJointure", [id]],
    ["sn", one(get("last_name"))],
    ["givenName", one(get("first_name"))],
    ["ENTPersonDateNaissance", one(get("birth_date"))],
    ["mail", one(get("email"))],
    ["ENTPersonStructRattach", [school]],
  ])
  if (category === "Eleve") {
    attributes.set("ENTEleveClasses", inSchool("classes"))
    attributes.set("ENTEleveGroupes", inSchool("groups"))
    attributes.set(
      "ENTElevePersRelEleve",
      items(get("relatives")).map((link) => {
        const at = link.indexOf("$")
        const relative = at === -1 ? link : link.slice(0, at)
        // An empty relative id stays empty, for the link's parser to say so.
        return relative === "" ? link : personId(school, relative) + link.slice(relative.length)
      }),
    )
  } else if (category === "PersEducNat") {
    // A function is its code alone or the AAF's four fields after the school.
    const functions = items(get("functions")).map((f) => (f.includes("$") ? f : `${f}$$$`))
    if (profile === "enseignant" && !functions.some((f) => f.split("$")[0] === "ENS")) {
      functions.unshift("ENS$ENSEIGNEMENT$$")
    }
    attributes.set(
      "ENTPersonFonctions",
      functions.map((f) => `${school}$${f}`),
    )
    attributes.set("ENTAuxEnsClasses", inSchool("classes"))
    attributes.set("ENTAuxEnsGroupes", inSchool("groups"))
    attributes.set("ENTAuxEnsClassesMatieres", inSchool("class_subjects"))
    attributes.set("ENTAuxEnsGroupesMatieres", inSchool("group_subjects"))
    attributes.set("ENTAuxEnsClassesPrincipal", inSchool("principal_of"))
  }
  return attributes
}

// The AAF reader's messages name the attribute; a CSV file's author knows the column.
const columnOfAttribute: ReadonlyMap<string, Column> = new Map([
  ["ENTStructureUAI", "id"],
  ["sn", "last_name"],
  ["givenName", "first_name"],
  ["ENTPersonDateNaissance", "birth_date"],
  ["mail", "email"],
  ["ENTEleveClasses", "classes"],
  ["ENTAuxEnsClasses", "classes"],
  ["ENTEleveGroupes", "groups"],
  ["ENTAuxEnsGroupes", "groups"],
  ["ENTElevePersRelEleve", "relatives"],
  ["ENTPersonFonctions", "functions"],
  ["ENTAuxEnsClassesMatieres", "class_subjects"],
  ["ENTAuxEnsGroupesMatieres", "group_subjects"],
  ["ENTAuxEnsClassesPrincipal", "principal_of"],
])

const inColumnTerms = (element: AafElement): AafElement => {
  if (element._tag !== "BadRecord") return element
  const at = element.message.indexOf(": ")
  const column = at === -1 ? undefined : columnOfAttribute.get(element.message.slice(0, at))
  return column === undefined ? element : { ...element, message: column + element.message.slice(at) }
}

/**
 * The element a data row makes. `school` is the file's school, undefined for
 * the school's own row (the first data row, checked by the caller).
 */
export const element = (file: string, header: Header, school: School | undefined, row: Row): AafElement => {
  const source: Source = { file, line: row.line }
  const get = (column: Column) => cell(header, row, column)
  const profile = profileOf(get("profile"))
  const category = profile === undefined ? undefined : categoryOfProfile[profile]
  const rawId = get("id")
  const schoolId = school?.id ?? rawId
  const id = rawId === "" ? undefined : category === "EtabEducNat" ? rawId : personId(schoolId, rawId)
  const refuse = (reason: BadRecordReason, message: string): BadRecord => bad(source, reason, message, category, id)

  if (row.malformed !== undefined) return refuse("MalformedRow", row.malformed)
  if (row.count !== header.count) return refuse("MalformedRow", `${row.count} cells, the header has ${header.count}`)
  if (profile === undefined || category === undefined) {
    const written = get("profile")
    return bad(
      source,
      "UnknownCategory",
      written === ""
        ? "the profile cell is empty"
        : `profile "${written}" is not one of ${[...new Set(profileNames.values())].join(", ")}`,
      undefined,
      id,
    )
  }
  if (id === undefined) return refuse("MissingId", "the id cell is empty")
  if (!isValidId(rawId))
    return refuse("MalformedValue", `id "${rawId}" holds a $ or a |, which separate compound values`)
  if (school !== undefined && category === "EtabEducNat") {
    return refuse(
      "UnexpectedContent",
      `a second school row: a file describes one school, the one on line ${school.line}`,
    )
  }
  const stray = columns.filter((column) => !columnsOf[category].has(column) && get(column) !== "")
  return inColumnTerms(
    toElement({
      kind: "add",
      source,
      categoryAttribute: category === "EtabEducNat" ? "categorieStructure" : "categoriePersonne",
      categoryValues: [category],
      id,
      attributes: attributesOf(category, profile, id, schoolId, get),
      unexpected:
        stray.length === 0
          ? undefined
          : `${stray.length === 1 ? "column" : "columns"} ${stray.join(", ")} filled, which profile ${profile} does not have`,
    }),
  )
}

/**
 * The input of the demo: one secondary school as the academy's directory feed
 * and its people would describe it at the start of the 2026-2027 school year.
 * Everything the demo prints is computed from the events these inputs produce.
 */

export const schoolYear = "2026-2027"

export const school = {
  structureId: "0571994H",
  uai: "0571994H",
  name: "Collège Jean Moulin",
  districtId: "circo-metz-1",
  departmentId: "dsden-57",
  academyId: "ac-nancy-metz",
}

export const classes = [
  { code: "6A", name: "6e A" },
  { code: "5B", name: "5e B" },
]

export type Person = {
  readonly id: string
  readonly profile: "Student" | "Relative" | "Teacher" | "Personnel"
  readonly login: string
  readonly firstName: string
  readonly lastName: string
  /** Pupils: their class; teachers: the classes they teach. */
  readonly classes?: ReadonlyArray<string>
  /** Relatives: their children. */
  readonly children?: ReadonlyArray<string>
  /** Whether the person logs in for the first time during the demo, and with which password. */
  readonly firstLogin?: { readonly password: string; readonly email: string }
}

export const people: ReadonlyArray<Person> = [
  {
    id: "p-lea",
    profile: "Student",
    login: "lea.martin",
    firstName: "Léa",
    lastName: "Martin",
    classes: ["6A"],
    firstLogin: { password: "Cartable-1", email: "lea.martin@example.org" },
  },
  { id: "p-hugo", profile: "Student", login: "hugo.martin", firstName: "Hugo", lastName: "Martin", classes: ["5B"] },
  {
    id: "p-ines",
    profile: "Student",
    login: "ines.benali",
    firstName: "Inès",
    lastName: "Benali",
    classes: ["6A"],
    firstLogin: { password: "soleil", email: "ines.benali@example.org" },
  },
  {
    id: "p-yann",
    profile: "Student",
    login: "yann.le-goff",
    firstName: "Yann",
    lastName: "Le Goff",
    classes: ["5B"],
    firstLogin: { password: "Kenavo-29", email: "yann@example.org" },
  },
  {
    id: "r-claire",
    profile: "Relative",
    login: "claire.martin",
    firstName: "Claire",
    lastName: "Martin",
    children: ["p-lea", "p-hugo"],
    firstLogin: { password: "Maison#2026", email: "claire.martin@example.org" },
  },
  {
    id: "r-karim",
    profile: "Relative",
    login: "karim.benali",
    firstName: "Karim",
    lastName: "Benali",
    children: ["p-ines"],
  },
  {
    id: "t-durand",
    profile: "Teacher",
    login: "sophie.durand",
    firstName: "Sophie",
    lastName: "Durand",
    classes: ["6A", "5B"],
    firstLogin: { password: "Maths-Pi314", email: "s.durand@example.org" },
  },
  {
    id: "t-nguyen",
    profile: "Teacher",
    login: "minh.nguyen",
    firstName: "Minh",
    lastName: "Nguyễn",
    classes: ["6A"],
    firstLogin: { password: "Histoire-1789", email: "m.nguyen@example.org" },
  },
  {
    id: "d-roche",
    profile: "Personnel",
    login: "anne.roche",
    firstName: "Anne",
    lastName: "Roche",
    firstLogin: { password: "Direction-57", email: "principal@example.org" },
  },
]

/** The head of school, put in the functional group "Chef d'établissement". */
export const headId = "d-roche"

/** The school's ENT administrator (ADML), who handles reports and creates guest accounts. */
export const administratorId = "adml-0571994H"

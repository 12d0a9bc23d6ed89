/**
 * A school directory as the academy knows it, written as an AAF export by the
 * tests' own writer: the model the import's oracles are written from (what
 * DOMAIN.md says the ENT must show for it), apart from the importer's code.
 */
import * as Uai from "@cartable/domain/Uai"
import * as AafReader from "@cartable/feeds/AafReader"
import type { AafElement } from "@cartable/feeds/AafRecord"
import * as FastCheck from "effect/FastCheck"
import * as Stream from "effect/Stream"
import * as Writer from "./aafWriter.ts"

export interface School {
  readonly jointure: string
  readonly uai: string
  readonly name: string
  /** Class code to label. */
  readonly classes: ReadonlyArray<readonly [string, string]>
  readonly groups: ReadonlyArray<readonly [string, string]>
}

export interface Link {
  readonly relativeId: string
  readonly legal: 0 | 1 | 2
  readonly financial: boolean
  readonly contact: boolean
}

export interface Pupil {
  readonly id: string
  readonly firstName: string
  readonly lastName: string
  readonly school: string
  /** His formation (ENTEleveMEF), a code of {@link mefs}. */
  readonly mef: string
  readonly classCode: string
  readonly groupCodes: ReadonlyArray<string>
  readonly links: ReadonlyArray<Link>
}

export interface Relative {
  readonly id: string
  readonly firstName: string
  readonly lastName: string
  readonly email: string | undefined
}

export interface Teaching {
  readonly code: string
  readonly kind: "Class" | "TeachingGroup"
  readonly subjects: ReadonlyArray<string>
  readonly principal: boolean
}

export interface Staff {
  readonly id: string
  readonly firstName: string
  readonly lastName: string
  readonly school: string
  readonly teaches: ReadonlyArray<Teaching>
  readonly direction: boolean
  /** The discipline of a teacher's post (code, label), in ENTPersonFonctions. */
  readonly discipline: readonly [string, string] | undefined
  /** The formations he teaches (ENTAuxEnsMEF), codes of {@link mefs}. */
  readonly mefsTaught: ReadonlyArray<string>
}

export interface Directory {
  readonly schools: ReadonlyArray<School>
  readonly pupils: ReadonlyArray<Pupil>
  readonly relatives: ReadonlyArray<Relative>
  readonly staff: ReadonlyArray<Staff>
}

/** Subject codes and their labels, as `MatiereEducNat` records give them. */
export const subjects: ReadonlyArray<readonly [string, string]> = [
  ["MATH", "Mathématiques"],
  ["ANG", "Anglais"],
  ["SVT", "Sciences de la vie et de la Terre"],
]

/**
 * Formations as `MefEducNat` records give them: code, label and the MEF each attaches to
 * (ENTMEFRattach: a bilingual 6e attaches to the 6e; a general one to itself).
 */
export const mefs: ReadonlyArray<{ readonly code: string; readonly label: string; readonly attach: string }> = [
  { code: "10010012110", label: "6EME", attach: "10010012110" },
  { code: "10010012111", label: "6EME BILANGUE", attach: "10010012110" },
  { code: "10110001110", label: "5EME", attach: "10110001110" },
]

/** Post disciplines (code, label), as ENTPersonFonctions gives them. */
export const disciplines: ReadonlyArray<readonly [string, string]> = [
  ["L0100", "LETTRES"],
  ["L1300", "MATHEMATIQUES"],
  ["L0422", "ANGLAIS"],
]

const uaiOf = (n: number): string => {
  const digits = String(570_0000 + n).padStart(7, "0")
  return `${digits}${Uai.checkLetter(digits)}`
}

const names = ["Élodie", "Lucas", "Zoé", "Noah", "Inès", "Léon", "Chloé", "Adam"]
const lastNames = ["Martin", "Bernard", "N'Diaye", "Lefèvre", "Dubois", "Garcia"]

/**
 * Directories of two schools: pupils in one class each and some groups,
 * relatives shared by siblings and across schools, teachers with subjects,
 * principal classes and a head.
 */
export const directory: FastCheck.Arbitrary<Directory> = FastCheck.record({
  pupilCount: FastCheck.integer({ min: 1, max: 12 }),
  relativeCount: FastCheck.integer({ min: 1, max: 8 }),
  staffCount: FastCheck.integer({ min: 1, max: 4 }),
  seed: FastCheck.array(FastCheck.nat(1_000), { minLength: 64, maxLength: 64 }),
}).map(({ pupilCount, relativeCount, staffCount, seed }) => {
  let i = 0
  const pick = (n: number) => seed[i++ % seed.length]! % n
  // Formations and disciplines draw apart, so that the other draws stay those of a seed.
  let j = 0
  const pickSchooling = (n: number) => seed[(seed.length - 1 - (j++ % seed.length)) % seed.length]! % n
  const schools: Array<School> = [0, 1].map((n) => ({
    jointure: `J${100 + n}`,
    uai: uaiOf(n + 1),
    name: n === 0 ? "Collège Louise Michel" : "Lycée Victor Hugo",
    classes: [
      ["6A", "6e A"],
      ["6B", "6e B"],
    ],
    groups: [["G-ANG", "Anglais groupe 1"]],
  }))
  // Two relatives never share both names: the domain takes that for one person twice (BR-ACC-7's doublons).
  const relatives: Array<Relative> = Array.from({ length: relativeCount }, (_, r) => ({
    id: `R${r}`,
    firstName: names[r % names.length]!,
    lastName: lastNames[r % lastNames.length]!,
    email: pick(2) === 0 ? `parent${r}@example.org` : undefined,
  }))
  const pupils: Array<Pupil> = Array.from({ length: pupilCount }, (_, p) => {
    const school = schools[pick(2)]!
    const first = pick(relativeCount)
    const second = pick(relativeCount)
    const ids = first === second ? [first] : [first, second]
    return {
      id: `P${p}`,
      firstName: names[pick(names.length)]!,
      lastName: lastNames[pick(lastNames.length)]!,
      school: school.jointure,
      mef: mefs[pickSchooling(mefs.length)]!.code,
      classCode: school.classes[pick(2)]![0],
      groupCodes: pick(2) === 0 ? ["G-ANG"] : [],
      links: ids.map((r) => ({
        relativeId: `R${r}`,
        legal: pick(3) as 0 | 1 | 2,
        financial: pick(2) === 0,
        contact: pick(2) === 0,
      })),
    }
  })
  const staff: Array<Staff> = Array.from({ length: staffCount }, (_, s) => ({
    id: `S${s}`,
    firstName: names[pick(names.length)]!,
    lastName: lastNames[pick(lastNames.length)]!,
    school: schools[pick(2)]!.jointure,
    teaches:
      s === 0
        ? []
        : [
            {
              code: pick(2) === 0 ? "6A" : "6B",
              kind: "Class",
              subjects: [subjects[pick(3)]![0]],
              principal: pick(2) === 0,
            },
            { code: "G-ANG", kind: "TeachingGroup", subjects: ["ANG"], principal: false },
          ],
    direction: s === 0,
    discipline: s === 0 ? undefined : disciplines[pickSchooling(disciplines.length)],
    mefsTaught: s === 0 ? [] : mefs.filter(() => pickSchooling(2) === 0).map((mef) => mef.code),
  }))
  // Relatives no pupil links are not in an export (the academy exports the relatives of its pupils).
  const linked = new Set(pupils.flatMap((pupil) => pupil.links.map((link) => link.relativeId)))
  return { schools, pupils, relatives: relatives.filter((r) => linked.has(r.id)), staff }
})

const person = (category: string, id: string, attributes: Writer.Request["attributes"]): Writer.Request => ({
  kind: "add",
  categoryAttribute: "categoriePersonne",
  category,
  id,
  attributes: [["ENTPersonJointure", [id]], ...attributes],
})

/** A relative's record's attributes, as an academy writes them (his schools are his children's). */
export const relativeAttributes = (r: Relative): Writer.Request["attributes"] => [
  ["sn", [r.lastName]],
  ["givenName", [r.firstName]],
  ...(r.email === undefined ? [] : ([["mail", [r.email]]] as const)),
]

/** A staff member's record's attributes, as an academy writes them. */
export const staffAttributes = (s: Staff): Writer.Request["attributes"] => [
  ["sn", [s.lastName]],
  ["givenName", [s.firstName]],
  ["ENTPersonStructRattach", [s.school]],
  [
    "ENTPersonFonctions",
    [
      s.direction
        ? `${s.school}$DIR$DIRECTION$$`
        : `${s.school}$ENS$ENSEIGNEMENT$${s.discipline?.[0] ?? ""}$${s.discipline?.[1] ?? ""}`,
    ],
  ],
  ["ENTAuxEnsMEF", s.mefsTaught.map((code) => `${s.school}$${code}`)],
  ["ENTAuxEnsClasses", s.teaches.filter((t) => t.kind === "Class").map((t) => `${s.school}$${t.code}`)],
  ["ENTAuxEnsGroupes", s.teaches.filter((t) => t.kind === "TeachingGroup").map((t) => `${s.school}$${t.code}`)],
  [
    "ENTAuxEnsClassesMatieres",
    s.teaches
      .filter((t) => t.kind === "Class")
      .flatMap((t) => t.subjects.map((subject) => `${s.school}$${t.code}$${subject}`)),
  ],
  [
    "ENTAuxEnsGroupesMatieres",
    s.teaches
      .filter((t) => t.kind === "TeachingGroup")
      .flatMap((t) => t.subjects.map((subject) => `${s.school}$${t.code}$${subject}`)),
  ],
  ["ENTAuxEnsClassesPrincipal", s.teaches.filter((t) => t.principal).map((t) => `${s.school}$${t.code}`)],
]

/** A pupil's record's attributes, as an academy writes them. */
export const pupilAttributes = (p: Pupil): Writer.Request["attributes"] => [
  ["sn", [p.lastName]],
  ["givenName", [p.firstName]],
  ["ENTPersonStructRattach", [p.school]],
  ["ENTEleveMEF", [p.mef]],
  ["ENTEleveClasses", [`${p.school}$${p.classCode}`]],
  ["ENTEleveGroupes", p.groupCodes.map((code) => `${p.school}$${code}`)],
  [
    "ENTElevePersRelEleve",
    p.links.map((l) => `${l.relativeId}$10$${l.financial ? 1 : 0}$${l.legal}$${l.contact ? 1 : 0}$0`),
  ],
  ["ENTPersonDateNaissance", ["12/03/2013"]],
]

/** The export's files (name, XML) for a directory, as an academy writes them. */
export const files = (d: Directory): ReadonlyArray<readonly [string, string]> => {
  return [
    [
      "T_Complet_20250901_EtabEducNat_0000.xml",
      Writer.document(
        d.schools.map((s) => ({
          kind: "add",
          categoryAttribute: "categorieStructure",
          category: "EtabEducNat",
          id: s.jointure,
          attributes: [
            ["ENTStructureJointure", [s.jointure]],
            ["ENTStructureUAI", [s.uai]],
            ["ENTStructureNomCourant", [s.name]],
            ["ENTStructureTypeStruct", ["COLLEGE"]],
            ["ENTServAcAcademie", ["NANCY-METZ"]],
            ["ENTStructureClasses", s.classes.map(([code, label]) => `${code}$${label}`)],
            ["ENTStructureGroupes", s.groups.map(([code, label]) => `${code}$${label}`)],
          ],
        })),
      ),
    ],
    [
      "T_Complet_20250901_MatiereEducNat_0000.xml",
      Writer.document(
        subjects.map(([code, label]) => ({
          kind: "add",
          categoryAttribute: "categorieMatiere",
          category: "MatiereEducNat",
          id: code,
          attributes: [
            ["ENTMatJointure", [code]],
            ["ENTLibelleMatiere", [label]],
          ],
        })),
      ),
    ],
    [
      "T_Complet_20250901_MefEducNat_0000.xml",
      Writer.document(
        mefs.map((mef) => ({
          kind: "add",
          categoryAttribute: "categorieMef",
          category: "MefEducNat",
          id: mef.code,
          attributes: [
            ["ENTMefJointure", [mef.code]],
            ["ENTLibelleMef", [mef.label]],
            ["ENTMEFRattach", [mef.attach]],
          ],
        })),
      ),
    ],
    [
      "T_Complet_20250901_PersEducNat_0000.xml",
      Writer.document(d.staff.map((s) => person("PersEducNat", s.id, staffAttributes(s)))),
    ],
    [
      "T_Complet_20250901_Eleve_0000.xml",
      Writer.document(d.pupils.map((p) => person("Eleve", p.id, pupilAttributes(p)))),
    ],
    [
      "T_Complet_20250901_PersRelEleve_0000.xml",
      Writer.document(d.relatives.map((r) => person("PersRelEleve", r.id, relativeAttributes(r)))),
    ],
  ]
}

/** The export as the reader streams it. */
export const elements = (d: Directory): Stream.Stream<AafElement> =>
  Stream.fromIterable(files(d)).pipe(
    Stream.flatMap(([name, xml]) =>
      AafReader.fromBytes(name, Stream.make(new TextEncoder().encode(xml))).pipe(Stream.orDie),
    ),
  )

/** The school (UAI) of a jointure id. */
export const uaiOfSchool = (d: Directory, jointure: string): string =>
  d.schools.find((s) => s.jointure === jointure)!.uai

/** The schools (jointure ids) a person of the directory belongs to: a relative through his children. */
export const schoolsOf = (d: Directory, id: string): ReadonlyArray<string> => {
  const own = [...d.pupils, ...d.staff].find((p) => p.id === id)
  if (own !== undefined) return [own.school]
  if (!d.relatives.some((r) => r.id === id)) return []
  return [...new Set(d.pupils.filter((p) => p.links.some((l) => l.relativeId === id)).map((p) => p.school))]
}

/** Everyone in the directory, by id. */
export const everyone = (d: Directory): ReadonlyArray<string> => [
  ...d.pupils.map((p) => p.id),
  ...d.relatives.map((r) => r.id),
  ...d.staff.map((s) => s.id),
]

/**
 * The modify requests an academy writes when the directory `before` becomes `after`: for each person,
 * the attributes of his record whose values changed, and those only.
 */
export const modifications = (before: Directory, after: Directory): ReadonlyArray<Writer.Request> => {
  const requests: Array<Writer.Request> = []
  const diff = <P extends { readonly id: string }>(
    category: string,
    was: ReadonlyArray<P>,
    now: ReadonlyArray<P>,
    attributes: (person: P) => Writer.Request["attributes"],
  ) => {
    for (const person of now) {
      const old = was.find((p) => p.id === person.id)
      if (old === undefined) continue
      const kept = new Map(attributes(old).map(([name, values]) => [name, JSON.stringify(values)]))
      const changed = attributes(person).filter(([name, values]) => kept.get(name) !== JSON.stringify(values))
      if (changed.length > 0) {
        requests.push({
          kind: "modify",
          categoryAttribute: "categoriePersonne",
          category,
          id: person.id,
          attributes: changed,
        })
      }
    }
  }
  diff("PersEducNat", before.staff, after.staff, staffAttributes)
  diff("Eleve", before.pupils, after.pupils, pupilAttributes)
  diff("PersRelEleve", before.relatives, after.relatives, relativeAttributes)
  return requests
}

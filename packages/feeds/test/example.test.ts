/**
 * The project's own small export (examples/aaf-export), read whole: every record
 * and every bad record against a hand-written expectation (the lines are those
 * of the files' request elements).
 */
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as AafReader from "../src/AafReader.ts"
import type { AafElement, BadRecordReason } from "../src/AafRecord.ts"

const root = join(import.meta.dirname, "../../../examples/aaf-export")
const file = (category: string, part: number) =>
  `CARTABLE_Complet_20250901_${category}_${String(part).padStart(4, "0")}.xml`

type Expected =
  | {
      readonly tag: "School" | "Pupil" | "Relative" | "Staff" | "Subject" | "Mef"
      readonly id: string
      readonly line: number
    }
  | {
      readonly tag: "BadRecord"
      readonly reason: BadRecordReason
      readonly id: string | undefined
      readonly line: number
    }

const good = (tag: Exclude<Expected["tag"], "BadRecord">, file: string, lines: ReadonlyArray<[string, number]>) =>
  lines.map(([id, line]) => ({ file, expected: { tag, id, line } as Expected }))
const badAt = (file: string, line: number, reason: BadRecordReason, id: string | undefined) => ({
  file,
  expected: { tag: "BadRecord", reason, id, line } as Expected,
})

// Reading order: schools, subjects, MEFs, staff, pupils (part 0 then part 1), relatives.
const expectedFull = [
  ...good("School", file("EtabEducNat", 0), [
    ["1001", 5],
    ["1002", 22],
  ]),
  badAt(file("EtabEducNat", 0), 39, "InvalidUai", "1003"),
  ...good("Subject", file("MatiereEducNat", 0), [
    ["020700", 5],
    ["030201", 13],
    ["061300", 21],
    ["072800", 29],
  ]),
  ...good("Mef", file("MefEducNat", 0), [
    ["10010012110", 5],
    ["10110001110", 15],
    ["20010018110", 25],
    ["10010012111", 35],
  ]),
  ...good("Staff", file("PersEducNat", 0), [
    ["3001", 5],
    ["3002", 26],
    ["3003", 46],
    ["3004", 66],
  ]),
  badAt(file("PersEducNat", 0), 86, "MalformedValue", "3005"),
  ...good("Pupil", file("Eleve", 0), [
    ["4001", 5],
    ["4002", 24],
    ["4003", 43],
    ["4004", 62],
    ["4005", 81],
    ["4006", 100],
  ]),
  badAt(file("Eleve", 0), 119, "MissingId", undefined),
  badAt(file("Eleve", 0), 138, "MalformedDate", "4008"),
  badAt(file("Eleve", 0), 157, "MalformedValue", "4009"),
  ...good("Pupil", file("Eleve", 0), [
    ["4010", 176],
    ["4011", 195],
  ]),
  ...good("Pupil", file("Eleve", 1), [
    ["4012", 5],
    ["4013", 24],
    ["4014", 43],
    ["4015", 62],
  ]),
  badAt(file("Eleve", 1), 81, "TooManyValues", "4016"),
  badAt(file("Eleve", 1), 101, "UnknownCategory", "4017"),
  badAt(file("Eleve", 1), 120, "UnknownRequest", undefined),
  ...good("Pupil", file("Eleve", 1), [
    ["4018", 123],
    ["4019", 142],
    ["4020", 161],
  ]),
  ...good("Relative", file("PersRelEleve", 0), [
    ["5001", 5],
    ["5002", 24],
    ["5003", 43],
    ["5004", 62],
    ["5005", 81],
    ["5006", 100],
    ["5007", 119],
    ["5008", 138],
    ["5010", 157],
    ["5012", 176],
    ["5013", 195],
    ["5014", 214],
    ["5015", 233],
    ["5016", 252],
    ["5018", 271],
  ]),
  badAt(file("PersRelEleve", 0), 290, "UnexpectedContent", "5019"),
  ...good("Relative", file("PersRelEleve", 0), [["5020", 309]]),
]

const shape = (element: AafElement): { file: string; expected: Expected } =>
  element._tag === "BadRecord"
    ? {
        file: element.source.file,
        expected: { tag: "BadRecord", reason: element.reason, id: element.id, line: element.source.line },
      }
    : { file: element.source.file, expected: { tag: element._tag, id: element.id, line: element.source.line } }

const readAll = (folder: string) =>
  Stream.runCollect(AafReader.readExport(join(root, folder))).pipe(Effect.map(Chunk.toReadonlyArray))

const find = <T extends AafElement["_tag"]>(elements: ReadonlyArray<AafElement>, tag: T, id: string) => {
  const found = elements.find((e) => e._tag === tag && e.id === id)
  assert.isDefined(found, `${tag} ${id}`)
  return found as Extract<AafElement, { _tag: T }>
}

const link = (
  relativeId: string,
  relation: string,
  financial: boolean,
  legal: 0 | 1 | 2,
  contact: boolean,
  payment: boolean,
) => ({
  relativeId,
  relation,
  financial,
  legal,
  contact,
  payment,
})

describe("examples/aaf-export", () => {
  it.effect("the full export: every record and every bad record, in reading order", () =>
    Effect.gen(function* () {
      const elements = yield* readAll("complet")
      assert.deepStrictEqual(elements.map(shape), expectedFull)
      const summary = yield* AafReader.summarise(AafReader.readExport(join(root, "complet")))
      assert.strictEqual(summary.read, 54)
      assert.strictEqual(summary.good, 45)
      assert.strictEqual(summary.bad, 9)
      assert.deepStrictEqual(summary.badByReason, {
        InvalidUai: 1,
        MalformedValue: 2,
        MissingId: 1,
        MalformedDate: 1,
        TooManyValues: 1,
        UnknownCategory: 1,
        UnknownRequest: 1,
        UnexpectedContent: 1,
      })
    }),
  )

  it.effect("schools: the UAI checked, the ISO-8859-15 names read with their accents", () =>
    Effect.gen(function* () {
      const elements = yield* readAll("complet")
      const jaures = find(elements, "School", "1001")
      assert.strictEqual(jaures.uai, "0751234J")
      assert.deepStrictEqual(jaures.attributes.get("ENTStructureNomCourant"), ["COLLÈGE JEAN-JAURÈS"])
      assert.deepStrictEqual(jaures.attributes.get("ENTStructureClasses"), ["6A$6e A", "5B$5e B"])
      // The placeholder phone reads as no phone.
      assert.deepStrictEqual(jaures.attributes.get("telephoneNumber"), [])
      const boucher = find(elements, "School", "1002")
      assert.strictEqual(boucher.uai, "0921567D")
      assert.deepStrictEqual(boucher.attributes.get("street"), ["3 avenue Édouard-Vaillant"])
      const etoiles = find(elements, "BadRecord", "1003")
      assert.strictEqual(etoiles.message, "ENTStructureUAI: 0931999A has a wrong check letter, 0931999 calls for T")
    }),
  )

  it.effect("subjects (MatEducNat read as MatiereEducNat) and MEFs", () =>
    Effect.gen(function* () {
      const elements = yield* readAll("complet")
      const history = find(elements, "Subject", "072800")
      assert.strictEqual(history.category, "MatiereEducNat")
      assert.deepStrictEqual(history.attributes.get("ENTLibelleMatiere"), ["HISTOIRE-GÉOGRAPHIE"])
      assert.deepStrictEqual(find(elements, "Mef", "20010018110").attributes.get("ENTLibelleMef"), [
        "2NDE GENERALE ET TECHNOLOGIQUE",
      ])
      // A bilingual 6e attaches to the 6e: its level (BR-MSG-3, docs/feeds.md).
      const bilingual = find(elements, "Mef", "10010012111")
      assert.deepStrictEqual(bilingual.attributes.get("ENTMEFRattach"), ["10010012110"])
    }),
  )

  it.effect("staff: functions, classes, groups, subjects and the principal teacher", () =>
    Effect.gen(function* () {
      const elements = yield* readAll("complet")
      const martin = find(elements, "Staff", "3001")
      assert.deepStrictEqual(martin.birthDate, { year: 1980, month: 3, day: 14 })
      assert.deepStrictEqual(martin.functions, [
        {
          structureId: "1001",
          code: "ENS",
          label: "ENSEIGNEMENT",
          disciplineCode: "L0422",
          disciplineLabel: "ANGLAIS",
        },
      ])
      assert.deepStrictEqual(martin.classes, [
        { structureId: "1001", code: "6A" },
        { structureId: "1001", code: "5B" },
      ])
      assert.deepStrictEqual(martin.groups, [{ structureId: "1001", code: "6A-ESP" }])
      assert.deepStrictEqual(martin.classSubjects, [
        { structureId: "1001", code: "6A", subjectCode: "030201" },
        { structureId: "1001", code: "5B", subjectCode: "030201" },
      ])
      assert.deepStrictEqual(martin.groupSubjects, [])
      assert.deepStrictEqual(martin.principalOf, [{ structureId: "1001", code: "6A" }])
      // ENTAuxEnsMEF: the formations she teaches.
      assert.deepStrictEqual(martin.mefs, [
        { structureId: "1001", code: "10010012111" },
        { structureId: "1001", code: "10110001110" },
      ])
      assert.deepStrictEqual(martin.attributes.get("givenName"), ["Éloïse"])
      const dupre = find(elements, "Staff", "3002")
      assert.deepStrictEqual(
        dupre.functions.map((f) => `${f.structureId}:${f.code}`),
        ["1001:ENS", "1002:ENS"],
      )
      assert.deepStrictEqual(dupre.groupSubjects, [{ structureId: "1002", code: "G-MATHS", subjectCode: "061300" }])
      assert.deepStrictEqual(dupre.principalOf, [{ structureId: "1002", code: "2NDE1" }])
      // An empty <value/> is no value: the attribute is there, with none.
      assert.deepStrictEqual(dupre.attributes.get("mail"), [])
      const lefevre = find(elements, "Staff", "3003")
      assert.deepStrictEqual(lefevre.birthDate, { year: 1972, month: 2, day: 29 })
      assert.deepStrictEqual(lefevre.functions, [
        { structureId: "1001", code: "DIR", label: "DIRECTION", disciplineCode: "", disciplineLabel: "" },
      ])
      const ndiaye = find(elements, "Staff", "3004")
      assert.deepStrictEqual(
        ndiaye.functions.map((f) => f.code),
        ["DIR", "EDU"],
      )
      assert.deepStrictEqual(ndiaye.attributes.get("sn"), ["N'DIAYE"])
    }),
  )

  it.effect("pupils: classes and groups by school, links to relatives with their flags, class entries", () =>
    Effect.gen(function* () {
      const elements = yield* readAll("complet")
      const chloe = find(elements, "Pupil", "4001")
      assert.deepStrictEqual(chloe.birthDate, { year: 2014, month: 5, day: 12 })
      assert.deepStrictEqual(chloe.classes, [{ structureId: "1001", code: "6A" }])
      assert.deepStrictEqual(chloe.groups, [{ structureId: "1001", code: "6A-ESP" }])
      assert.deepStrictEqual(chloe.relatives, [
        link("5001", "10", true, 1, true, true),
        link("5002", "20", false, 1, true, false),
      ])
      assert.deepStrictEqual(chloe.classEntries, [
        { structureId: "1001", date: { year: 2025, month: 9, day: 1 }, code: "6A" },
      ])
      // Siblings in two schools share their parents.
      for (const sibling of ["4002", "4012"]) {
        assert.deepStrictEqual(
          find(elements, "Pupil", sibling).relatives.map((l) => l.relativeId),
          ["5001", "5002"],
        )
      }
      // One relative of two pupils in two schools.
      assert.deepStrictEqual(find(elements, "Pupil", "4005").relatives[0], link("5010", "20", true, 1, true, true))
      assert.deepStrictEqual(find(elements, "Pupil", "4015").relatives, [link("5010", "20", true, 1, true, true)])
      assert.deepStrictEqual(find(elements, "Pupil", "4015").classes, [{ structureId: "1002", code: "2NDE1" }])
      const lea = find(elements, "Pupil", "4003")
      assert.deepStrictEqual(lea.birthDate, { year: 2012, month: 2, day: 29 })
      assert.deepStrictEqual(lea.relatives[1], link("5004", "2", false, 2, false, false))
      assert.deepStrictEqual(lea.attributes.get("sn"), ["GARCÍA"])
      assert.deepStrictEqual(find(elements, "Pupil", "4004").attributes.get("sn"), ["NGUYỄN"])
      assert.deepStrictEqual(find(elements, "Pupil", "4011").attributes.get("givenName"), ["Ayşe"])
      assert.deepStrictEqual(find(elements, "Pupil", "4002").groups, [])
      assert.deepStrictEqual(find(elements, "Pupil", "4019").relatives[1], link("5020", "41", false, 0, true, false))
    }),
  )

  it.effect("relatives: placeholder phones read as none, a real phone kept", () =>
    Effect.gen(function* () {
      const elements = yield* readAll("complet")
      const stephane = find(elements, "Relative", "5001")
      assert.deepStrictEqual(stephane.attributes.get("homePhone"), ["01 43 00 00 01"])
      assert.deepStrictEqual(stephane.attributes.get("telephoneNumber"), [])
      assert.deepStrictEqual(stephane.attributes.get("mail"), ["s.bernard@example.org"])
      assert.strictEqual(stephane.birthDate, undefined)
      const berenice = find(elements, "Relative", "5010")
      assert.deepStrictEqual(berenice.attributes.get("homePhone"), [])
      assert.deepStrictEqual(berenice.attributes.get("telephoneNumber"), ["06 12 34 56 78"])
      assert.deepStrictEqual(find(elements, "Relative", "5005").attributes.get("givenName"), ["Thị Mai"])
    }),
  )

  it.effect("the bad records say why, with the attribute and the value", () =>
    Effect.gen(function* () {
      const elements = yield* readAll("complet")
      const messages = elements.flatMap((e) => (e._tag === "BadRecord" ? [`${e.reason}: ${e.message}`] : []))
      assert.deepStrictEqual(messages, [
        "InvalidUai: ENTStructureUAI: 0931999A has a wrong check letter, 0931999 calls for T",
        'MalformedValue: ENTPersonFonctions: "1002$DOC" has 2 field(s), 5 expected (structureId$functionCode$functionLabel$disciplineCode$disciplineLabel)',
        "MissingId: no identifier/id",
        'MalformedDate: ENTPersonDateNaissance: "31/04/2014": month 4 of 2014 has no day 31',
        'MalformedValue: ENTElevePersRelEleve: "5011$10$1$3$1$1": legal is "3", 0, 1 or 2 expected',
        "TooManyValues: sn has 2 values, the format allows one",
        "UnknownCategory: unknown category categoriePersonne=Eleeve",
        "UnknownRequest: <replaceRequest> is not addRequest, modifyRequest nor deleteRequest",
        "UnexpectedContent: <i> in <value> (line 298)",
      ])
    }),
  )

  it.effect("the incremental export: modify requests carry the replaced attributes, delete the id only", () =>
    Effect.gen(function* () {
      const elements = yield* readAll("delta")
      assert.strictEqual(elements.length, 6)
      // Staff first (the reading order of categories), then pupils.
      const [english, maths, lea, camille, faure, bad] = elements
      assert.deepStrictEqual(english?._tag === "Staff" && [english.request, english.id, english.mefs], [
        "modify",
        "3001",
        [{ structureId: "1001", code: "10110001110" }],
      ])
      assert.deepStrictEqual(
        maths?._tag === "Staff" && [maths.request, maths.id, maths.functions.map((fn) => fn.disciplineLabel)],
        ["modify", "3002", ["MATHEMATIQUES", "PHYSIQUE-CHIMIE"]],
      )
      assert.strictEqual(lea?._tag, "Pupil")
      if (lea?._tag !== "Pupil") return
      assert.strictEqual(lea.request, "modify")
      assert.strictEqual(lea.id, "4003")
      assert.deepStrictEqual(lea.source, { file: "CARTABLE_Delta_20250915_Eleve_0000.xml", line: 5 })
      assert.deepStrictEqual(
        [...lea.attributes.keys()],
        ["ENTEleveClasses", "ENTEleveDateEntreeClasses", "ENTEleveMEF"],
      )
      assert.deepStrictEqual(lea.classes, [{ structureId: "1001", code: "5B" }])
      assert.deepStrictEqual(lea.classEntries, [
        { structureId: "1001", date: { year: 2025, month: 9, day: 15 }, code: "5B" },
      ])
      assert.strictEqual(lea.birthDate, undefined)
      assert.strictEqual(camille?._tag, "Pupil")
      if (camille?._tag !== "Pupil") return
      assert.deepStrictEqual(camille.attributes.get("givenName"), ["Camille-Rose"])
      // "Replace with nothing": present, without values.
      assert.deepStrictEqual(camille.attributes.get("ENTEleveGroupes"), [])
      assert.deepStrictEqual(camille.source.line, 14)
      assert.deepStrictEqual(faure, {
        _tag: "Pupil",
        category: "Eleve",
        request: "delete",
        id: "4020",
        attributes: new Map(),
        source: { file: "CARTABLE_Delta_20250915_Eleve_0000.xml", line: 22 },
        birthDate: undefined,
        classes: [],
        groups: [],
        relatives: [],
        classEntries: [],
      })
      assert.strictEqual(bad?._tag, "BadRecord")
      if (bad?._tag !== "BadRecord") return
      assert.deepStrictEqual([bad.reason, bad.id, bad.source.line], ["MalformedValue", "4004", 26])
    }),
  )
})

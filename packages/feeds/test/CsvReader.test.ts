/**
 * The CSV variant: a school written as CSV by the test's own writer reads back
 * as the AAF records docs/feeds.md says it maps to (the oracle below is written
 * from that table, not from the reader); every bad-row reason with its line;
 * quoting, byte order mark, both separators, CRLF and chunk cuts; read = good + bad.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Stream from "effect/Stream"
import type { AafFileError } from "../src/AafFileError.ts"
import * as AafReader from "../src/AafReader.ts"
import type { AafElement } from "../src/AafRecord.ts"
import * as CsvReader from "../src/CsvReader.ts"

const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-csv-"))
afterAll(() => Fs.rmSync(dir, { recursive: true, force: true }))

const collect = <E>(stream: Stream.Stream<AafElement, E>) =>
  Stream.runCollect(stream).pipe(Effect.map(Chunk.toReadonlyArray))

const bytesOf = (text: string | Uint8Array) => (typeof text === "string" ? new TextEncoder().encode(text) : text)

const readText = (text: string | Uint8Array, cuts: ReadonlyArray<number> = []) => {
  const bytes = bytesOf(text)
  const parts: Array<Uint8Array> = []
  let at = 0
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parts.push(bytes.subarray(at, Math.max(at, cut)))
    at = Math.max(at, cut)
  }
  parts.push(bytes.subarray(at))
  return collect(CsvReader.fromBytes("school.csv", Stream.fromIterable(parts)))
}

const failure = (effect: Effect.Effect<unknown, AafFileError>) =>
  Effect.flip(effect).pipe(Effect.map((e) => ({ reason: e.reason, file: e.file, line: e.line })))

// Records compared with their attributes as entries, so that the order counts too.
const plain = (element: AafElement) =>
  element._tag === "BadRecord" ? element : { ...element, attributes: [...element.attributes] }

// ---------------------------------------------------------------------------
// The model of a school, and the test's own CSV writer.

interface Day {
  readonly year: number
  readonly month: number
  readonly day: number
}
interface Link {
  readonly relative: string
  readonly relation: string
  readonly financial: boolean
  readonly legal: 0 | 1 | 2
  readonly contact: boolean
  readonly payment: boolean
}
interface Fn {
  readonly code: string
  readonly label: string
  readonly disciplineCode: string
  readonly disciplineLabel: string
  /** Written as its code alone (the other fields are then empty). */
  readonly short: boolean
}
interface Coded {
  readonly code: string
  readonly label: string | undefined
}
interface Person {
  readonly id: string
  readonly last: string
  readonly first: string
  readonly birth: Day | undefined
  readonly email: string | undefined
}
interface Pupil extends Person {
  readonly classes: ReadonlyArray<string>
  readonly groups: ReadonlyArray<string>
  readonly links: ReadonlyArray<Link>
}
interface Staff extends Person {
  readonly profile: "enseignant" | "personnel"
  readonly functions: ReadonlyArray<Fn>
  readonly classes: ReadonlyArray<string>
  readonly groups: ReadonlyArray<string>
  readonly classSubjects: ReadonlyArray<readonly [string, string]>
  readonly groupSubjects: ReadonlyArray<readonly [string, string]>
  readonly principalOf: ReadonlyArray<string>
}
interface SchoolModel {
  readonly uai: string
  readonly name: string
  readonly type: string
  readonly academy: string
  readonly classes: ReadonlyArray<Coded>
  readonly groups: ReadonlyArray<Coded>
  readonly people: ReadonlyArray<
    | { readonly kind: "eleve"; readonly p: Pupil }
    | { readonly kind: "responsable"; readonly p: Person }
    | { readonly kind: "staff"; readonly p: Staff }
  >
}
interface Layout {
  readonly separator: ";" | ","
  readonly eol: "\n" | "\r\n"
  readonly bom: boolean
  readonly quoteAll: boolean
  /** The header's columns, in the file's order. */
  readonly columns: ReadonlyArray<string>
  /** Before which data rows a blank line or a row of empty cells is written. */
  readonly blanks: ReadonlyArray<number>
}

/** A row's cells by column; `+extra` is one cell more than the header has. */
type Cells = Partial<Record<string, string>>

const pad = (n: number, width: number) => String(n).padStart(width, "0")
const dayText = (d: Day | undefined) => (d === undefined ? "" : `${pad(d.day, 2)}/${pad(d.month, 2)}/${pad(d.year, 4)}`)
const bit = (b: boolean) => (b ? "1" : "0")

const cellsOf = (school: SchoolModel): ReadonlyArray<Cells> => {
  const coded = (cs: ReadonlyArray<Coded>) =>
    cs.map((c) => (c.label === undefined ? c.code : `${c.code}$${c.label}`)).join("|")
  const rows: Array<Cells> = [
    {
      profile: "etablissement",
      id: school.uai,
      name: school.name,
      school_type: school.type,
      academy: school.academy,
      classes: coded(school.classes),
      groups: coded(school.groups),
    },
  ]
  for (const { kind, p } of school.people) {
    const person: Cells = {
      id: p.id,
      last_name: p.last,
      first_name: p.first,
      birth_date: dayText(p.birth),
      email: p.email ?? "",
    }
    if (kind === "eleve") {
      const pupil = p as Pupil
      rows.push({
        ...person,
        profile: "eleve",
        classes: pupil.classes.join("|"),
        groups: pupil.groups.join(" | "),
        relatives: pupil.links
          .map((l) => `${l.relative}$${l.relation}$${bit(l.financial)}$${l.legal}$${bit(l.contact)}$${bit(l.payment)}`)
          .join("|"),
      })
    } else if (kind === "responsable") rows.push({ ...person, profile: "responsable" })
    else {
      const staff = p as Staff
      rows.push({
        ...person,
        profile: staff.profile,
        functions: staff.functions
          .map((f) => (f.short ? f.code : `${f.code}$${f.label}$${f.disciplineCode}$${f.disciplineLabel}`))
          .join("|"),
        classes: staff.classes.join("|"),
        groups: staff.groups.join("|"),
        class_subjects: staff.classSubjects.map(([c, s]) => `${c}$${s}`).join("|"),
        group_subjects: staff.groupSubjects.map(([g, s]) => `${g}$${s}`).join("|"),
        principal_of: staff.principalOf.join("|"),
      })
    }
  }
  return rows
}

/** Writes the rows; returns the text and the line each data row starts on. */
const writeCsv = (rows: ReadonlyArray<Cells>, layout: Layout): { text: string; lines: ReadonlyArray<number> } => {
  const quote = (value: string) =>
    layout.quoteAll || value.includes(layout.separator) || /["\r\n]/.test(value)
      ? // A line break inside a cell is written as the file's own (CRLF counts as one line, read as \n).
        `"${value.replace(/"/g, '""').replace(/\n/g, layout.eol)}"`
      : value
  const lineOf = (cells: ReadonlyArray<string>) => cells.map(quote).join(layout.separator)
  let text = (layout.bom ? "\uFEFF" : "") + lineOf(layout.columns) + layout.eol
  let line = 2
  const lines: Array<number> = []
  rows.forEach((row, i) => {
    if (layout.blanks.includes(i)) {
      text += (i % 2 === 0 ? "" : layout.separator.repeat(layout.columns.length - 1)) + layout.eol
      line++
    }
    const extra = row["+extra"]
    const cells = [...layout.columns.map((c) => row[c] ?? ""), ...(extra === undefined ? [] : [extra])]
    lines.push(line)
    text += lineOf(cells) + layout.eol
    line += 1 + cells.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0)
  })
  return { text, lines }
}

// ---------------------------------------------------------------------------
// The oracle, from docs/feeds.md's "CSV variant" tables.

const expectedOf = (school: SchoolModel, lines: ReadonlyArray<number>) => {
  const uai = school.uai
  const source = (i: number) => ({ file: "school.csv", line: lines[i]! })
  const one = (v: string | undefined) => (v === undefined || v === "" ? [] : [v])
  const pid = (id: string) => `${uai}-${id}`
  const member = (code: string) => ({ structureId: uai, code })
  const labelled = (cs: ReadonlyArray<Coded>) => cs.map((c) => `${c.code}$${c.label ?? c.code}`)
  const expected: Array<unknown> = [
    {
      _tag: "School",
      category: "EtabEducNat",
      request: "add",
      id: uai,
      attributes: [
        ["ENTStructureJointure", [uai]],
        ["ENTStructureUAI", [uai]],
        ["ENTStructureNomCourant", one(school.name)],
        ["ENTStructureTypeStruct", one(school.type)],
        ["ENTServAcAcademie", one(school.academy)],
        ["ENTStructureClasses", labelled(school.classes)],
        ["ENTStructureGroupes", labelled(school.groups)],
      ],
      source: source(0),
      uai,
    },
  ]
  school.people.forEach(({ kind, p }, i) => {
    const common = [
      ["ENTPersonJointure", [pid(p.id)]],
      ["sn", one(p.last)],
      ["givenName", one(p.first)],
      ["ENTPersonDateNaissance", one(dayText(p.birth))],
      ["mail", one(p.email)],
      ["ENTPersonStructRattach", [uai]],
    ] as const
    const base = { request: "add", id: pid(p.id), source: source(i + 1), birthDate: p.birth }
    if (kind === "eleve") {
      const pupil = p as Pupil
      const links = pupil.links.map((l) => ({
        relativeId: pid(l.relative),
        relation: l.relation,
        financial: l.financial,
        legal: l.legal,
        contact: l.contact,
        payment: l.payment,
      }))
      expected.push({
        _tag: "Pupil",
        category: "Eleve",
        ...base,
        attributes: [
          ...common,
          ["ENTEleveClasses", pupil.classes.map((c) => `${uai}$${c}`)],
          ["ENTEleveGroupes", pupil.groups.map((g) => `${uai}$${g}`)],
          [
            "ENTElevePersRelEleve",
            links.map(
              (l) => `${l.relativeId}$${l.relation}$${bit(l.financial)}$${l.legal}$${bit(l.contact)}$${bit(l.payment)}`,
            ),
          ],
        ],
        classes: pupil.classes.map(member),
        groups: pupil.groups.map(member),
        relatives: links,
        classEntries: [],
      })
    } else if (kind === "responsable") {
      expected.push({ _tag: "Relative", category: "PersRelEleve", ...base, attributes: [...common] })
    } else {
      const staff = p as Staff
      // A teacher teaches: without an ENS function of his own, he is given one first.
      const functions = [
        ...(staff.profile === "enseignant" && !staff.functions.some((f) => f.code === "ENS")
          ? [{ code: "ENS", label: "ENSEIGNEMENT", disciplineCode: "", disciplineLabel: "" }]
          : []),
        ...staff.functions.map((f) =>
          f.short ? { code: f.code, label: "", disciplineCode: "", disciplineLabel: "" } : f,
        ),
      ].map((f) => ({
        structureId: uai,
        code: f.code,
        label: f.label,
        disciplineCode: f.disciplineCode,
        disciplineLabel: f.disciplineLabel,
      }))
      const teaching = ([code, subjectCode]: readonly [string, string]) => ({ structureId: uai, code, subjectCode })
      expected.push({
        _tag: "Staff",
        category: "PersEducNat",
        ...base,
        attributes: [
          ...common,
          [
            "ENTPersonFonctions",
            functions.map((f) => `${uai}$${f.code}$${f.label}$${f.disciplineCode}$${f.disciplineLabel}`),
          ],
          ["ENTAuxEnsClasses", staff.classes.map((c) => `${uai}$${c}`)],
          ["ENTAuxEnsGroupes", staff.groups.map((g) => `${uai}$${g}`)],
          ["ENTAuxEnsClassesMatieres", staff.classSubjects.map(([c, s]) => `${uai}$${c}$${s}`)],
          ["ENTAuxEnsGroupesMatieres", staff.groupSubjects.map(([g, s]) => `${uai}$${g}$${s}`)],
          ["ENTAuxEnsClassesPrincipal", staff.principalOf.map((c) => `${uai}$${c}`)],
        ],
        functions,
        classes: staff.classes.map(member),
        groups: staff.groups.map(member),
        classSubjects: staff.classSubjects.map(teaching),
        groupSubjects: staff.groupSubjects.map(teaching),
        principalOf: staff.principalOf.map(member),
        // The CSV variant has no column for the formations taught.
        mefs: [],
      })
    }
  })
  return expected
}

// ---------------------------------------------------------------------------
// Generators.

// Names as people have them, with what CSV must quote (both separators, quotes, line breaks)
// and the list and compound separators, which a single-valued cell keeps as they are.
const name = fc
  .stringMatching(/^[A-Za-zÀ-ÿĀ-žḀ-ỿ0-9 ';,"|$\n-]{1,16}$/)
  .map((s) => s.trim())
  .filter((s) => s !== "")
const code = fc.stringMatching(/^[0-9A-Z][0-9A-Z-]{0,5}$/)
const label = fc.option(
  name.map((s) => s.replace(/[|$]/g, "x")),
  { nil: undefined },
)
const day = fc.record({
  year: fc.integer({ min: 1940, max: 2022 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 28 }),
})
const email = fc.option(fc.stringMatching(/^[a-z]{1,8}\.[a-z]{1,8}@[a-z]{2,8}\.fr$/), { nil: undefined })
const person = (id: fc.Arbitrary<string>) =>
  fc.record({ id, last: name, first: name, birth: fc.option(day, { nil: undefined }), email })
const id = fc.stringMatching(/^[0-9A-Za-z_.-]{1,8}$/)
const fn = fc.record({
  code: fc.constantFrom("ENS", "DIR", "EDU", "DOC", "ADF"),
  label: fc.constantFrom("", "ENSEIGNEMENT", "DIRECTION", "Vie scolaire"),
  disciplineCode: fc.constantFrom("", "L0422", "L1300"),
  disciplineLabel: fc.constantFrom("", "ANGLAIS", "MATHÉMATIQUES"),
  short: fc.boolean(),
})
const codes = fc.array(code, { maxLength: 3 })
const teachings = fc.array(fc.tuple(code, fc.stringMatching(/^\d{6}$/)), { maxLength: 3 })
const link = fc.record({
  relative: id,
  relation: fc.constantFrom("1", "2", "10", "20", "50"),
  financial: fc.boolean(),
  legal: fc.constantFrom(0 as const, 1 as const, 2 as const),
  contact: fc.boolean(),
  payment: fc.boolean(),
})
const someone = fc.oneof(
  fc
    .record({ base: person(id), classes: codes, groups: codes, links: fc.array(link, { maxLength: 3 }) })
    .map(({ base, ...rest }) => ({ kind: "eleve" as const, p: { ...base, ...rest } })),
  person(id).map((p) => ({ kind: "responsable" as const, p })),
  fc
    .record({
      base: person(id),
      profile: fc.constantFrom("enseignant" as const, "personnel" as const),
      functions: fc.array(fn, { maxLength: 2 }),
      classes: codes,
      groups: codes,
      classSubjects: teachings,
      groupSubjects: teachings,
      principalOf: fc.array(code, { maxLength: 1 }),
    })
    .map(({ base, ...rest }) => ({ kind: "staff" as const, p: { ...base, ...rest } })),
)
const coded = fc.array(fc.record({ code, label }), { maxLength: 4 })
const school: fc.Arbitrary<SchoolModel> = fc.record({
  // Real UAIs' digits with their check letter.
  uai: fc.constantFrom("0751234J", "0921567D", "0931999T"),
  name,
  type: fc.constantFrom("ECOLE", "COLLEGE", "LYCEE"),
  academy: fc.constantFrom("PARIS", "VERSAILLES", "CRÉTEIL"),
  classes: coded,
  groups: coded,
  people: fc.array(someone, { maxLength: 8 }),
})
const layout = (rows: number): fc.Arbitrary<Layout> =>
  fc.record({
    separator: fc.constantFrom(";" as const, "," as const),
    eol: fc.constantFrom("\n" as const, "\r\n" as const),
    bom: fc.boolean(),
    quoteAll: fc.boolean(),
    columns: fc.shuffledSubarray([...CsvReader.columns], { minLength: CsvReader.columns.length }),
    blanks: fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, rows) }), { maxLength: 3 }),
  })

// Rows that the docs' table of bad rows refuses, each with the reason, the category and the id the record names.
const badRow = fc.tuple(id, name).chain(([rid, n]) =>
  fc.constantFrom(
    {
      cells: { profile: "eleve", id: rid, last_name: n, birth_date: "31/04/2016" },
      reason: "MalformedDate",
      category: "Eleve",
      id: rid,
    },
    {
      cells: { profile: "responsable", id: "", last_name: n },
      reason: "MissingId",
      category: "PersRelEleve",
      id: undefined,
    },
    { cells: { profile: "eleeve", id: rid, last_name: n }, reason: "UnknownCategory", category: undefined, id: rid },
    {
      cells: { profile: "eleve", id: rid, relatives: `${rid}$10$1$3$1$1` },
      reason: "MalformedValue",
      category: "Eleve",
      id: rid,
    },
    { cells: { profile: "eleve", id: `${rid}|x` }, reason: "MalformedValue", category: "Eleve", id: `${rid}|x` },
    {
      cells: { profile: "responsable", id: rid, classes: "CP" },
      reason: "UnexpectedContent",
      category: "PersRelEleve",
      id: rid,
    },
    {
      cells: { profile: "enseignant", id: rid, last_name: n, "+extra": "x" },
      reason: "MalformedRow",
      category: "PersEducNat",
      id: rid,
    },
    {
      cells: { profile: "etablissement", id: "0921567D" },
      reason: "UnexpectedContent",
      category: "EtabEducNat",
      id: "0921567D",
    },
  ),
)

describe("CsvReader", () => {
  it.effect.prop(
    "a school written as CSV reads back as the records its rows map to, whatever the separator, line ends, BOM, quoting, column order and chunk cuts",
    [school.chain((s) => fc.tuple(fc.constant(s), layout(s.people.length + 1), fc.array(fc.nat(), { maxLength: 6 })))],
    ([[model, shape, cuts]]) =>
      Effect.gen(function* () {
        const { text, lines } = writeCsv(cellsOf(model), shape)
        const bytes = bytesOf(text)
        const elements = yield* readText(
          bytes,
          cuts.map((c) => c % (bytes.byteLength + 1)),
        )
        assert.deepStrictEqual(elements.map(plain), expectedOf(model, lines))
      }),
  )

  it.effect.prop(
    "a bad row among good ones is reported at its line with its reason, category and id; the good rows read as before",
    [
      school.chain((s) =>
        fc.tuple(
          fc.constant(s),
          fc.array(fc.tuple(fc.integer({ min: 1, max: s.people.length + 1 }), badRow), { minLength: 1, maxLength: 4 }),
          layout(s.people.length + 5),
        ),
      ),
    ],
    ([[model, bads, shape]]) =>
      Effect.gen(function* () {
        const rows: Array<{ cells: Cells; bad: (typeof bads)[number][1] | undefined }> = cellsOf(model).map(
          (cells) => ({
            cells,
            bad: undefined,
          }),
        )
        // Inserted from the last position down, so that each position is of the good rows' list.
        for (const [at, bad] of [...bads].sort((a, b) => b[0] - a[0])) rows.splice(at, 0, { cells: bad.cells, bad })
        const { text, lines } = writeCsv(
          rows.map((r) => r.cells),
          shape,
        )
        const good = expectedOf(
          model,
          lines.filter((_, i) => rows[i]!.bad === undefined),
        )
        let next = 0
        const expected = rows.map((r, i) =>
          r.bad === undefined
            ? good[next++]
            : {
                reason: r.bad.reason,
                line: lines[i],
                category: r.bad.category,
                id: r.bad.id === undefined || r.bad.category === "EtabEducNat" ? r.bad.id : `${model.uai}-${r.bad.id}`,
              },
        )
        const elements = yield* readText(text)
        assert.deepStrictEqual(
          elements.map((e) =>
            e._tag === "BadRecord"
              ? { reason: e.reason, line: e.source.line, category: e.category, id: e.id }
              : plain(e),
          ),
          expected,
        )
      }),
  )

  const described = (e: AafElement) =>
    e._tag === "BadRecord" ? `${e.source.line} ${e.reason} ${e.id ?? "-"}` : `${e.source.line} ${e._tag} ${e.id}`

  const badRows = [
    "profile;id;last_name;first_name;birth_date;classes;relatives;functions;name",
    'etablissement;0751234J;;;;CP|CE1;;;"École des',
    'Tilleuls"',
    "eleve;1;Durand;Léo;;CP;;;",
    "eleve;2;Durand;Zoé;31/04/2016;CP;;;",
    "eleve;;Sans;Id;;CP;;;",
    'eleve;3;Trop;"Peu";;',
    'eleve;4;Mal"Quoté;X;;CP;;;',
    'eleve;5;"Dupont"x;X;;CP;;;',
    "eleeve;6;X;Y;;CP;;;",
    "eleve;7;X;Y;;CP;9$10$1$3$1$1;;",
    "eleve;8$b;X;Y;;;;;",
    "enseignant;9;X;Y;;CP;;;",
    "personnel;10;X;Y;;;;DIR$DIRECTION;",
    "responsable;11;X;Y;;CP;;;",
    "etablissement;0921567D;;;;;;;Autre",
    "eleve;12;X;Y;;CP$x;;;",
    ";;;;;;;;",
    "",
    'eleve;13;"A',
    'B";C;;CP;;;',
    "eleve;14;X;Y;12/13/2015;;;;",
    "",
  ].join("\r\n")

  it.effect(
    "every bad-row reason, with the row's line (line breaks in quoted cells counted); the other rows go through",
    () =>
      Effect.gen(function* () {
        const elements = yield* readText(badRows)
        assert.deepStrictEqual(elements.map(described), [
          "2 School 0751234J",
          "4 Pupil 0751234J-1",
          "5 MalformedDate 0751234J-2",
          "6 MissingId -",
          "7 MalformedRow 0751234J-3",
          "8 MalformedRow 0751234J-4",
          "9 MalformedRow 0751234J-5",
          "10 UnknownCategory 0751234J-6",
          "11 MalformedValue 0751234J-7",
          "12 MalformedValue 0751234J-8$b",
          "13 Staff 0751234J-9",
          "14 MalformedValue 0751234J-10",
          "15 UnexpectedContent 0751234J-11",
          "16 UnexpectedContent 0921567D",
          "17 MalformedValue 0751234J-12",
          "20 Pupil 0751234J-13",
          "22 MalformedDate 0751234J-14",
        ])
        const messages = elements.flatMap((e) => (e._tag === "BadRecord" ? [e.message] : []))
        assert.deepStrictEqual(messages, [
          'birth_date: "31/04/2016": month 4 of 2016 has no day 31',
          "the id cell is empty",
          "6 cells, the header has 9",
          "a quote inside a cell that does not start with one (cell 3)",
          "text after a closing quote (cell 3)",
          'profile "eleeve" is not one of etablissement, eleve, responsable, enseignant, personnel',
          'relatives: "0751234J-9$10$1$3$1$1": legal is "3", 0, 1 or 2 expected',
          'id "8$b" holds a $ or a |, which separate compound values',
          'functions: "0751234J$DIR$DIRECTION" has 3 field(s), 5 expected (structureId$functionCode$functionLabel$disciplineCode$disciplineLabel)',
          "column classes filled, which profile responsable does not have",
          "a second school row: a file describes one school, the one on line 2",
          'classes: "0751234J$CP$x" has 3 field(s), 2 expected (structureId$code)',
          'birth_date: "12/13/2015": there is no month 13',
        ])
        const school = elements[0]
        assert.deepStrictEqual(school?._tag === "School" && school.attributes.get("ENTStructureNomCourant"), [
          "École des\nTilleuls",
        ])
        const pupil = elements.find((e) => e._tag === "Pupil" && e.id === "0751234J-13")
        assert.deepStrictEqual(pupil?._tag === "Pupil" && pupil.attributes.get("sn"), ["A\nB"])
        // read = good + bad, counted by the AAF reader's own summary.
        const summary = yield* AafReader.summarise(CsvReader.fromBytes("school.csv", Stream.make(bytesOf(badRows))))
        assert.deepStrictEqual([summary.read, summary.good, summary.bad], [17, 4, 13])
        assert.deepStrictEqual(summary.goodByCategory, { EtabEducNat: 1, Eleve: 2, PersEducNat: 1 })
        assert.deepStrictEqual(summary.badByReason, {
          MalformedDate: 2,
          MissingId: 1,
          MalformedRow: 3,
          UnknownCategory: 1,
          MalformedValue: 4,
          UnexpectedContent: 2,
        })
      }),
  )

  it.effect(
    "a school row whose UAI fails its check is a bad record; its people are read under the UAI as written",
    () =>
      Effect.gen(function* () {
        const elements = yield* readText("profile;id;last_name\netablissement;0931999A;\neleve;1;Durand\n")
        assert.deepStrictEqual(elements.map(described), ["2 InvalidUai 0931999A", "3 Pupil 0931999A-1"])
        assert.strictEqual(
          elements[0]?._tag === "BadRecord" && elements[0].message,
          "id: 0931999A has a wrong check letter, 0931999 calls for T",
        )
        const shape = yield* readText("profile;id\netablissement;75-ECOLE\n")
        assert.deepStrictEqual(shape.map(described), ["2 InvalidUai 75-ECOLE"])
      }),
  )

  it.effect("quoting as RFC 4180 has it, with either separator, LF or CRLF, with or without a byte order mark", () =>
    Effect.gen(function* () {
      const rows = (sep: string) => [
        ["profile", "id", "last_name", "first_name", "classes"],
        ["etablissement", "0751234J", "", "", "CP"],
        ["eleve", "1", '"Dupont; fils, dit ""Jo"""', "Léa", "CP"],
        ["eleve", "2", sep === ";" ? "Virgule, dans le nom" : "Point-virgule; dans le nom", "Zoé", '"CP"'],
      ]
      const read = (sep: string, eol: string, bom: boolean) =>
        readText(
          (bom ? "\uFEFF" : "") +
            rows(sep)
              .map((r) => r.join(sep))
              .join(eol) +
            eol,
        ).pipe(Effect.map((es) => es.map(plain)))
      const reference = yield* read(";", "\n", false)
      assert.deepStrictEqual(
        reference.map((e) => (e._tag === "Pupil" ? [e.attributes[1], e.classes] : e._tag)),
        [
          "School",
          [["sn", ['Dupont; fils, dit "Jo"']], [{ structureId: "0751234J", code: "CP" }]],
          [["sn", ["Virgule, dans le nom"]], [{ structureId: "0751234J", code: "CP" }]],
        ],
      )
      for (const eol of ["\n", "\r\n", "\r"]) {
        for (const bom of [false, true]) {
          assert.deepStrictEqual(yield* read(";", eol, bom), reference)
          const comma = yield* read(",", eol, bom)
          assert.deepStrictEqual(comma.slice(0, 2), reference.slice(0, 2))
          assert.deepStrictEqual(comma[2]?._tag === "Pupil" && comma[2].attributes[1], [
            "sn",
            ["Point-virgule; dans le nom"],
          ])
        }
      }
    }),
  )

  it.effect("one byte at a time reads the same as the whole file (a BOM, a CRLF and a multi-byte letter cut)", () =>
    Effect.gen(function* () {
      const bytes = bytesOf(`\uFEFF${badRows}`)
      const every = Array.from({ length: bytes.byteLength }, (_, i) => i)
      const whole = yield* readText(bytes)
      assert.strictEqual(whole.length, 17)
      assert.deepStrictEqual(yield* readText(bytes, every), whole)
    }),
  )

  it.effect(
    "what stops a file: no header, a header that is not the format's, no school row first, an unclosed quote, bytes that are not UTF-8",
    () =>
      Effect.gen(function* () {
        const stop = (text: string | Uint8Array) => failure(readText(text))
        const notWellFormed = (line: number) => ({ reason: "NotWellFormed", file: "school.csv", line })
        assert.deepStrictEqual(yield* stop(""), notWellFormed(1))
        assert.deepStrictEqual(yield* stop("\n\n"), notWellFormed(3))
        assert.deepStrictEqual(yield* stop("profile;id;emial\n"), notWellFormed(1))
        assert.deepStrictEqual(yield* stop("\nprofile;id;ID\n"), notWellFormed(2))
        assert.deepStrictEqual(yield* stop("profile;last_name\n"), notWellFormed(1))
        assert.deepStrictEqual(yield* stop("profile;id\n"), notWellFormed(2))
        assert.deepStrictEqual(yield* stop("profile;id\neleve;1\n"), notWellFormed(2))
        const notSchool = yield* Effect.flip(readText("profile;id\neleve;1\n"))
        assert.strictEqual(
          notSchool.message,
          'school.csv:2: the first row after the header must be the school\'s (profile etablissement, its UAI as id): its profile is "eleve"',
        )
        assert.deepStrictEqual(yield* stop("profile;id\netablissement;\neleve;1\n"), notWellFormed(2))
        assert.deepStrictEqual(yield* stop("profile;id;name\netablissement;0751234J\n"), notWellFormed(2))
        // The rows before an unclosed quote stand; the error names the quote's line.
        const unclosed = 'profile;id;last_name\netablissement;0751234J;\neleve;1;A\neleve;2;"B\neleve;3;C\n'
        const before = yield* collect(
          CsvReader.fromBytes("school.csv", Stream.make(bytesOf(unclosed))).pipe(Stream.catchAll(() => Stream.empty)),
        )
        assert.deepStrictEqual(before.map(described), ["2 School 0751234J", "3 Pupil 0751234J-1"])
        assert.deepStrictEqual(yield* stop(unclosed), notWellFormed(4))
        // A runaway quoted cell stops at a bounded size instead of reading the rest of the file into memory.
        const runaway = `profile;id;last_name\netablissement;0751234J;\neleve;1;"${"x".repeat(70_000)}`
        assert.deepStrictEqual(yield* stop(runaway), notWellFormed(3))
        // Latin-1 bytes (a spreadsheet's "CSV" rather than "CSV UTF-8").
        const latin1 = Buffer.from("profile;id;last_name\netablissement;0751234J;\neleve;1;Lefèvre\n", "latin1")
        assert.deepStrictEqual(yield* stop(latin1), { reason: "BadEncoding", file: "school.csv", line: 3 })
        assert.deepStrictEqual(yield* failure(collect(CsvReader.readFile(Path.join(dir, "absent.csv")))), {
          reason: "Unreadable",
          file: "absent.csv",
          line: 0,
        })
      }),
  )

  it.effect("profiles are read without case or accents, and by the AAF's category names", () =>
    Effect.gen(function* () {
      const elements = yield* readText(
        "profile;id\nEtabEducNat;0751234J\nÉlève;1\nELEVE;2\nPersRelEleve;3\nRESPONSABLE;4\nPersEducNat;5\nEnseignant;6\n",
      )
      assert.deepStrictEqual(
        elements.map((e) => e._tag),
        ["School", "Pupil", "Pupil", "Relative", "Relative", "Staff", "Staff"],
      )
      assert.deepStrictEqual(
        elements.map((e) => (e._tag === "Staff" ? e.functions.map((f) => f.code) : [])),
        [[], [], [], [], [], [], ["ENS"]],
      )
    }),
  )

  it.effect("streamed: records come as their rows end, from an endless file", () =>
    Effect.gen(function* () {
      // A reader that waited for the end of the file before emitting would never finish here.
      let pulled = 0
      const head = Stream.make(bytesOf("profile;id;last_name\r\netablissement;0751234J;\r\n"))
      const rows = Stream.repeatEffect(Effect.sync(() => bytesOf(`eleve;${++pulled};Durand\r\n`)))
      const first = yield* collect(CsvReader.fromBytes("endless.csv", Stream.concat(head, rows)).pipe(Stream.take(5)))
      assert.deepStrictEqual(first.map(described), [
        "2 School 0751234J",
        "3 Pupil 0751234J-1",
        "4 Pupil 0751234J-2",
        "5 Pupil 0751234J-3",
        "6 Pupil 0751234J-4",
      ])
      assert.isBelow(pulled, 10)
    }),
  )

  const example = Path.join(import.meta.dirname, "../../../examples/aaf-export/csv/ecole-des-tilleuls.csv")

  it.effect("the project's example file: every record and bad record, read from disk in small chunks", () =>
    Effect.gen(function* () {
      const elements = yield* collect(CsvReader.readFile(example, { chunkBytes: 13 }))
      assert.deepStrictEqual(elements.map(described), [
        "2 School 0694321X",
        "3 Staff 0694321X-D01",
        "4 Staff 0694321X-E01",
        "5 Staff 0694321X-E02",
        "6 Pupil 0694321X-1001",
        "7 Pupil 0694321X-1002",
        "8 Pupil 0694321X-1003",
        "9 MalformedDate 0694321X-1004",
        "10 MalformedValue 0694321X-1005",
        "11 Relative 0694321X-P01",
        "12 Relative 0694321X-P02",
        "13 Relative 0694321X-P03",
        "14 Relative 0694321X-P04",
      ])
      const [school, director, , , chloe] = elements
      assert.deepStrictEqual(school?._tag === "School" && school.attributes.get("ENTStructureClasses"), [
        "CP$Cours préparatoire",
        "CE1-CE2$CE1; CE2",
        "CM1-CM2$CM1; CM2",
      ])
      assert.deepStrictEqual(
        director?._tag === "Staff" && [director.functions.map((f) => f.code), director.principalOf],
        [["DIR", "ENS"], [{ structureId: "0694321X", code: "CM1-CM2" }]],
      )
      assert.deepStrictEqual(
        chloe?._tag === "Pupil" && chloe.relatives.map((r) => [r.relativeId, r.relation, r.legal, r.financial]),
        [
          ["0694321X-P01", "10", 1, true],
          ["0694321X-P02", "20", 1, false],
        ],
      )
      const summary = yield* AafReader.summarise(CsvReader.readFile(example))
      assert.deepStrictEqual([summary.read, summary.good, summary.bad], [13, 11, 2])
    }),
  )
})

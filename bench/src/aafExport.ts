/**
 * An academy-size export in the real AAF format, streamed to disk part by part
 * (never built in memory): schools with their classes and groups, subjects,
 * MEFs, staff (teachers with functions, subjects, principal teachers; heads,
 * education and library staff), pupils in classes and groups, and their
 * relatives (two per family, siblings sharing them). Deterministic: the same
 * sizes give the same bytes.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"

export interface ExportSizes {
  /** Schools (default 300). */
  readonly schools: number
  /** Accounts in all: pupils, relatives, teachers and staff (default 500,000). */
  readonly accounts: number
  /** Records per numbered part (default 10,000). */
  readonly perPart: number
}

export const defaultSizes: ExportSizes = { schools: 300, accounts: 500_000, perPart: 10_000 }

export interface Generated {
  readonly dir: string
  readonly files: number
  readonly bytes: number
  readonly records: number
  readonly pupils: number
  readonly relatives: number
  readonly staff: number
}

/** A small deterministic PRNG (mulberry32): the export is the same on every machine. */
const prng = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const lastNames = [
  "MARTIN",
  "BERNARD",
  "DUBOIS",
  "THOMAS",
  "ROBERT",
  "RICHARD",
  "PETIT",
  "DURAND",
  "LEROY",
  "MOREAU",
  "SIMON",
  "LAURENT",
  "LEFÈVRE",
  "MICHEL",
  "GARCÍA",
  "DAVID",
  "BERTRAND",
  "ROUX",
  "VINCENT",
  "FOURNIER",
  "MOREL",
  "GIRARD",
  "ANDRÉ",
  "MERCIER",
  "DUPONT",
  "LAMBERT",
  "BONNET",
  "FRANÇOIS",
  "MARTINEZ",
  "NGUYỄN",
  "ÇELİK",
  "N'DIAYE",
  "HÉBERT",
  "JOLY",
  "GAUTIER",
]
const firstNames = [
  "Chloé",
  "Léa",
  "Manon",
  "Inès",
  "Zoé",
  "Jade",
  "Louise",
  "Maëlys",
  "Ayşe",
  "Léna",
  "Lucas",
  "Théo",
  "Noé",
  "Hugo",
  "Mathéo",
  "Adam",
  "Loïc",
  "Gabriel",
  "Jules",
  "Raphaël",
  "Éloïse",
  "François",
  "Hélène",
  "Jérôme",
  "Bérénice",
  "Rémi",
  "Émilie",
  "Benoît",
  "Geneviève",
  "Anaïs",
]
const subjects: ReadonlyArray<readonly [string, string]> = [
  ["020700", "FRANÇAIS"],
  ["030201", "ANGLAIS LV1"],
  ["030602", "ESPAGNOL LV2"],
  ["061300", "MATHÉMATIQUES"],
  ["072800", "HISTOIRE-GÉOGRAPHIE"],
  ["063200", "SCIENCES DE LA VIE ET DE LA TERRE"],
  ["064200", "PHYSIQUE-CHIMIE"],
  ["100100", "ÉDUCATION PHYSIQUE ET SPORTIVE"],
  ["080100", "ARTS PLASTIQUES"],
  ["081000", "ÉDUCATION MUSICALE"],
  ["068400", "TECHNOLOGIE"],
]
const levels: ReadonlyArray<readonly [string, string, string]> = [
  ["10010012110", "6EME", "6"],
  ["10110001110", "5EME", "5"],
  ["10210001110", "4EME", "4"],
  ["10310019110", "3EME", "3"],
]

const CHECK = "ABCDEFGHJKLMNPRSTUVWXYZ"
const uai = (n: number) => {
  const digits = String(750_0000 + n).padStart(7, "0")
  return `${digits}${CHECK[Number(digits) % 23]}`
}
const pad2 = (n: number) => String(n).padStart(2, "0")
const date = (year: number, r: () => number) =>
  `${pad2(1 + Math.floor(r() * 28))}/${pad2(1 + Math.floor(r() * 12))}/${year}`
const attr = (name: string, values: ReadonlyArray<string>) =>
  values.length === 0
    ? `<attr name="${name}"><value/></attr>\n`
    : `<attr name="${name}">${values.map((v) => `<value>${v}</value>`).join("")}</attr>\n`
const request = (categoryAttribute: string, category: string, id: string, attributes: string) =>
  `<addRequest>\n<operationalAttributes><attr name="${categoryAttribute}"><value>${category}</value></attr></operationalAttributes>\n<identifier><id>${id}</id></identifier>\n<attributes>\n${attributes}</attributes>\n</addRequest>\n`

const HEADER =
  '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE ficAlimMENESR SYSTEM "ficAlimMENESR.dtd">\n<ficAlimMENESR>\n<!-- versionAF="AAF-VE1301" -->\n'
const FOOTER = "</ficAlimMENESR>\n"

/** Writes one category in numbered parts of `perPart` records; waits for the disk (backpressure). */
class PartWriter {
  private stream: Fs.WriteStream | undefined
  private inPart = 0
  private part = 0
  files = 0
  bytes = 0
  records = 0
  constructor(
    private readonly dir: string,
    private readonly category: string,
    private readonly perPart: number,
  ) {}
  private name() {
    return Path.join(this.dir, `BENCH_Complet_20250901_${this.category}_${String(this.part).padStart(4, "0")}.xml`)
  }
  private async put(text: string) {
    const stream = this.stream!
    this.bytes += Buffer.byteLength(text)
    if (!stream.write(text)) await new Promise<void>((resolve) => stream.once("drain", resolve))
  }
  async write(record: string) {
    if (this.stream === undefined) {
      this.stream = Fs.createWriteStream(this.name())
      this.files++
      await this.put(HEADER)
    }
    await this.put(record)
    this.records++
    if (++this.inPart === this.perPart) await this.close()
  }
  async close() {
    const stream = this.stream
    if (stream === undefined) return
    await this.put(FOOTER)
    await new Promise<void>((resolve, reject) =>
      stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    )
    this.stream = undefined
    this.inPart = 0
    this.part++
  }
}

/**
 * Generates the export in `dir` (created). Pupils are 48% of the accounts,
 * relatives as many (families of one to three children, two relatives each:
 * about two relatives per pupil, siblings sharing them), staff 4%.
 */
export const generate = async (dir: string, sizes: ExportSizes = defaultSizes): Promise<Generated> => {
  Fs.mkdirSync(dir, { recursive: true })
  const r = prng(20250901)
  const pupilsTotal = Math.round(sizes.accounts * 0.48)
  const staffTotal = Math.round(sizes.accounts * 0.04)
  const pupilsPerSchool = Math.max(1, Math.floor(pupilsTotal / sizes.schools))
  const staffPerSchool = Math.max(4, Math.floor(staffTotal / sizes.schools))
  const classesPerSchool = Math.max(1, Math.ceil(pupilsPerSchool / 25))
  const className = (c: number) =>
    `${levels[c % levels.length]![2]}${String.fromCharCode(65 + Math.floor(c / levels.length))}`
  const groupsOf = (c: number) => [`${className(c)}-LV2`, `${className(c)}-LAT`]
  const writers = {
    schools: new PartWriter(dir, "EtabEducNat", sizes.perPart),
    subjects: new PartWriter(dir, "MatiereEducNat", sizes.perPart),
    mefs: new PartWriter(dir, "MefEducNat", sizes.perPart),
    staff: new PartWriter(dir, "PersEducNat", sizes.perPart),
    pupils: new PartWriter(dir, "Eleve", sizes.perPart),
    relatives: new PartWriter(dir, "PersRelEleve", sizes.perPart),
  }

  for (const [code, label] of subjects) {
    await writers.subjects.write(
      request(
        "categorieMatiere",
        "MatiereEducNat",
        code,
        attr("ENTMatJointure", [code]) + attr("ENTLibelleMatiere", [label]),
      ),
    )
  }
  for (const [code, label, level] of levels) {
    await writers.mefs.write(
      request(
        "categorieMef",
        "MefEducNat",
        code,
        attr("ENTMefJointure", [code]) +
          attr("ENTLibelleMef", [label]) +
          attr("ENTMEFRattach", [code]) +
          attr("ENTNivFormation", [`${level}EME`]),
      ),
    )
  }

  let person = 2_000_000
  let relativeId = 8_000_000
  let pupilsWritten = 0
  let relativesWritten = 0
  let staffWritten = 0
  for (let s = 0; s < sizes.schools; s++) {
    const school = String(100_000 + s)
    const classes = Array.from({ length: classesPerSchool }, (_, c) => className(c))
    const groups = Array.from({ length: classesPerSchool }, (_, c) => groupsOf(c)).flat()
    await writers.schools.write(
      request(
        "categorieStructure",
        "EtabEducNat",
        school,
        attr("ENTStructureJointure", [school]) +
          attr("ENTStructureUAI", [uai(s)]) +
          attr("ENTStructureNomCourant", [`COLLÈGE ${lastNames[s % lastNames.length]} ${s}`]) +
          attr("ENTStructureTypeStruct", ["COLLEGE"]) +
          attr("street", [`${1 + (s % 90)} rue de l'Église`]) +
          attr("postalCode", [`75${pad2(1 + (s % 20))}0`]) +
          attr("l", ["PARIS"]) +
          attr("telephoneNumber", ["0000000000"]) +
          attr("ENTServAcAcademie", ["PARIS"]) +
          attr(
            "ENTStructureClasses",
            classes.map((c) => `${c}$${c}`),
          ) +
          attr(
            "ENTStructureGroupes",
            groups.map((g) => `${g}$${g}`),
          ),
      ),
    )
    // Staff: two thirds teachers (ENS), a head (DIR), education and library staff.
    for (let t = 0; t < staffPerSchool; t++) {
      const id = String(person++)
      const role =
        t === 0 ? "DIR$DIRECTION$$" : t === 1 ? "EDU$EDUCATION$$" : t === 2 ? "DOC$DOCUMENTATION$$" : undefined
      const [subject] = subjects[t % subjects.length]!
      const taught = role === undefined ? [classes[t % classes.length]!, classes[(t + 1) % classes.length]!] : []
      await writers.staff.write(
        request(
          "categoriePersonne",
          "PersEducNat",
          id,
          attr("ENTPersonJointure", [id]) +
            attr("ENTPersonDateNaissance", [date(1960 + Math.floor(r() * 35), r)]) +
            attr("ENTPersonNomPatro", [lastNames[Math.floor(r() * lastNames.length)]!]) +
            attr("sn", [lastNames[Math.floor(r() * lastNames.length)]!]) +
            attr("givenName", [firstNames[Math.floor(r() * firstNames.length)]!]) +
            attr("personalTitle", [r() < 0.5 ? "M." : "Mme"]) +
            attr("mail", []) +
            attr("ENTPersonStructRattach", [school]) +
            attr("ENTPersonFonctions", [
              `${school}$${role ?? `ENS$ENSEIGNEMENT$L${subject}$${subjects[t % subjects.length]![1]}`}`,
            ]) +
            attr(
              "ENTAuxEnsClasses",
              taught.map((c) => `${school}$${c}`),
            ) +
            attr("ENTAuxEnsGroupes", []) +
            attr(
              "ENTAuxEnsClassesMatieres",
              taught.map((c) => `${school}$${c}$${subject}`),
            ) +
            attr("ENTAuxEnsGroupesMatieres", []) +
            attr(
              "ENTAuxEnsClassesPrincipal",
              role === undefined && t - 3 < classes.length ? [`${school}$${classes[(t - 3) % classes.length]}`] : [],
            ) +
            attr("PersEducNatPresenceDevantEleves", [role === undefined ? "O" : "N"]),
        ),
      )
      staffWritten++
    }
    // Families: one to three children in this school, two relatives each.
    let p = 0
    while (p < pupilsPerSchool) {
      const children = Math.min(pupilsPerSchool - p, 1 + Math.floor(r() * 3))
      const family = lastNames[Math.floor(r() * lastNames.length)]!
      const parents = [String(relativeId++), String(relativeId++)]
      for (const [i, parent] of parents.entries()) {
        await writers.relatives.write(
          request(
            "categoriePersonne",
            "PersRelEleve",
            parent,
            attr("ENTPersonJointure", [parent]) +
              attr("ENTPersonDateNaissance", []) +
              attr("ENTPersonNomPatro", [family]) +
              attr("sn", [family]) +
              attr("givenName", [firstNames[Math.floor(r() * firstNames.length)]!]) +
              attr("personalTitle", [i === 0 ? "M." : "Mme"]) +
              attr("homePhone", ["0000000000"]) +
              attr("telephoneNumber", ["0000000000"]) +
              attr("mail", []) +
              attr("ENTPersonAdresse", ["XXXXXXXXXX XXXXXXXXXX XXXXXXXXXX XXXXXXXXXX"]) +
              attr("ENTPersonCodePostal", ["75012"]) +
              attr("ENTPersonVille", ["PARIS"]) +
              attr("ENTPersonPays", ["FRANCE"]),
          ),
        )
        relativesWritten++
      }
      for (let c = 0; c < children; c++, p++) {
        const id = String(person++)
        const k = p % classes.length
        const cls = classes[k]!
        const [mef, mefLabel] = levels[k % levels.length]!
        await writers.pupils.write(
          request(
            "categoriePersonne",
            "Eleve",
            id,
            attr("ENTPersonJointure", [id]) +
              attr("ENTEleveINE", [`${id.padStart(9, "0")}AB`]) +
              attr("ENTEleveStructRattachId", [id]) +
              attr("ENTPersonDateNaissance", [date(2011 + (k % levels.length), r)]) +
              attr("ENTPersonNomPatro", [family]) +
              attr("sn", [family]) +
              attr("givenName", [firstNames[Math.floor(r() * firstNames.length)]!]) +
              attr("ENTPersonAutresPrenoms", [firstNames[Math.floor(r() * firstNames.length)]!]) +
              attr("personalTitle", [r() < 0.5 ? "M." : "Mme"]) +
              attr("ENTElevePersRelEleve", [`${parents[0]}$10$1$1$1$1`, `${parents[1]}$20$0$1$1$0`]) +
              attr("ENTEleveBoursier", ["N"]) +
              attr("ENTEleveRegime", ["DEMI-PENSIONNAIRE DANS L'ETABLISSEMENT"]) +
              attr("ENTEleveTransport", ["N"]) +
              attr("ENTPersonAdresse", ["XXXXXXXXXX XXXXXXXXXX$$$"]) +
              attr("ENTPersonCodePostal", ["75012"]) +
              attr("ENTPersonVille", ["PARIS"]) +
              attr("ENTPersonPays", ["FRANCE"]) +
              attr("ENTEleveStatutEleve", ["SCOLAIRE"]) +
              attr("ENTEleveMEF", [mef]) +
              attr("ENTEleveLibelleMEF", [mefLabel]) +
              attr("ENTEleveNivFormation", [mefLabel]) +
              attr("ENTEleveFiliere", ["COLLEGE"]) +
              attr("ENTEleveEnseignements", ["ANGLAIS LV1", "ESPAGNOL LV2"]) +
              attr("ENTEleveCodeEnseignements", ["030201", "030602"]) +
              attr("ENTPersonStructRattach", [school]) +
              attr("ENTEleveDateEntreeClasses", [`${school}$01/09/2025$${cls}`]) +
              attr("ENTEleveDateSortieClasses", []) +
              attr("ENTEleveClasses", [`${school}$${cls}`]) +
              attr("ENTEleveGroupes", r() < 0.4 ? [`${school}$${groupsOf(k)[0]}`] : []),
          ),
        )
        pupilsWritten++
      }
    }
  }
  const all = Object.values(writers)
  for (const writer of all) await writer.close()
  return {
    dir,
    files: all.reduce((n, w) => n + w.files, 0),
    bytes: all.reduce((n, w) => n + w.bytes, 0),
    records: all.reduce((n, w) => n + w.records, 0),
    pupils: pupilsWritten,
    relatives: relativesWritten,
    staff: staffWritten,
  }
}

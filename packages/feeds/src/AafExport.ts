/**
 * The files of an export folder: `<prefix>_Complet_<YYYYMMDD>_<Category>_<NNNN>.xml`
 * for a full export, `<prefix>_Delta_<YYYYMMDD>_...` for an incremental one,
 * and the order they are read in: by date, full before incremental, by category
 * (schools, subjects, MEFs, staff, pupils, relatives: what is pointed to comes
 * first), then by part number (numerically: part 10 after part 9).
 *
 * @since 0.1.0
 */
import type { Category } from "./AafRecord.ts"

/**
 * One file of an export, as its name describes it.
 *
 * @since 0.1.0
 */
export interface ExportFile {
  readonly name: string
  readonly prefix: string
  readonly kind: "Complet" | "Delta"
  readonly date: string
  readonly category: Category
  readonly part: number
}

const pattern =
  /^(.+)_(Complet|Delta)_(\d{8})_(EtabEducNat|MatiereEducNat|MefEducNat|PersEducNat|Eleve|PersRelEleve)_(\d+)\.xml$/

/**
 * The category order of a folder: a record's references point to earlier categories.
 *
 * @since 0.1.0
 */
export const categoryOrder: ReadonlyArray<Category> = [
  "EtabEducNat",
  "MatiereEducNat",
  "MefEducNat",
  "PersEducNat",
  "Eleve",
  "PersRelEleve",
]

/**
 * What a file name says, or undefined when it is not an export part.
 *
 * @since 0.1.0
 */
export const parseName = (name: string): ExportFile | undefined => {
  const match = pattern.exec(name)
  if (match === null) return undefined
  return {
    name,
    prefix: match[1]!,
    kind: match[2] as ExportFile["kind"],
    date: match[3]!,
    category: match[4] as Category,
    part: Number(match[5]),
  }
}

/**
 * The export parts among `names`, in reading order; other names are left out.
 *
 * @since 0.1.0
 */
export const order = (names: Iterable<string>): ReadonlyArray<ExportFile> =>
  [...names]
    .flatMap((name) => {
      const file = parseName(name)
      return file === undefined ? [] : [file]
    })
    .sort(
      (a, b) =>
        a.date.localeCompare(b.date) ||
        (a.kind === b.kind ? 0 : a.kind === "Complet" ? -1 : 1) ||
        categoryOrder.indexOf(a.category) - categoryOrder.indexOf(b.category) ||
        a.part - b.part ||
        a.name.localeCompare(b.name),
    )

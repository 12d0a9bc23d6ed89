/**
 * The CSV variant of the directory feed, for small schools without an AAF
 * export: one UTF-8 file per school (a spreadsheet saved as CSV, `;` or `,`),
 * a header of fixed column names, the school's row, then a row per person. Each
 * row is read into the very records the AAF reader gives (`School`, `Pupil`,
 * `Relative`, `Staff`, or a `BadRecord` with its file, line and reason), so
 * that the importer applies the same rules to both formats. Streamed: a record
 * is emitted as soon as its row ends.
 *
 * @example
 * import * as AafReader from "@cartable/feeds/AafReader"
 * import * as CsvReader from "@cartable/feeds/CsvReader"
 *
 * const summary = AafReader.summarise(CsvReader.readFile("examples/aaf-export/csv/ecole-des-tilleuls.csv"))
 * // Effect<AafSummary, AafFileError>: read = good + bad
 *
 * @since 0.1.0
 */
import * as Path from "node:path"
import type * as Stream from "effect/Stream"
import type { AafFileError } from "./AafFileError.ts"
import type { ReadOptions } from "./AafReader.ts"
import type { AafElement } from "./AafRecord.ts"
import * as CsvParser from "./internal/csvParser.ts"
import * as Rows from "./internal/csvRows.ts"
import { fileBytes, fromParser } from "./internal/steps.ts"

/**
 * The header's column names, in the docs' order; `profile` and `id` are
 * required, the others may be left out (their cells read as empty).
 *
 * @since 0.1.0
 */
export const columns: ReadonlyArray<Column> = Rows.columns

/**
 * A column of the format.
 *
 * @since 0.1.0
 */
export type Column = Rows.Column

/**
 * A `profile` cell's value (case and accents aside; the AAF's category names
 * `EtabEducNat`, `Eleve`, `PersRelEleve`, `PersEducNat` are read too).
 *
 * @since 0.1.0
 */
export type Profile = Rows.Profile

/**
 * The AAF category each profile's rows are read as.
 *
 * @since 0.1.0
 */
export const categoryOfProfile = Rows.categoryOfProfile

/**
 * A person's record id: `<school's UAI>-<the row's id>`. A school's own ids are
 * only unique in that school; under its UAI they never meet another school's.
 *
 * @since 0.1.0
 */
export const personId: (school: string, id: string) => string = Rows.personId

/**
 * Reads the bytes of one CSV file named `file` (the name every source carries).
 * The stream fails with {@link AafFileError} where the file cannot go on.
 *
 * @since 0.1.0
 */
export const fromBytes = <E, R>(
  file: string,
  bytes: Stream.Stream<Uint8Array, E, R>,
): Stream.Stream<AafElement, AafFileError | E, R> => fromParser(() => CsvParser.make(file), bytes)

/**
 * Reads one CSV file from disk, streamed. Sources name it by its base name.
 *
 * @since 0.1.0
 */
export const readFile = (path: string, options?: ReadOptions): Stream.Stream<AafElement, AafFileError> => {
  const file = Path.basename(path)
  return fromBytes(file, fileBytes(path, file, options?.chunkBytes))
}

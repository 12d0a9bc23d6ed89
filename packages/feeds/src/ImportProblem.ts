/**
 * What an import reports about a record: a problem (the record was not
 * imported) or a warning (it was, without the value named). Every record read
 * is either imported or reported, so that `imported + reported = read`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { BadRecordReason, Category, Source } from "./AafRecord.ts"

/**
 * Why the importer did not import a record it read well:
 * - `DuplicateId`: a second record of the same category and id in one export;
 * - `UnknownSchool`: an attachment (`ENTPersonStructRattach`, a function, a
 *   class's school) names a school absent from the export;
 * - `UnknownGroup`: a class or group absent from its school's lists
 *   (`ENTStructureClasses`, `ENTStructureGroupes`);
 * - `UnknownRelative`: a pupil's link names a relative absent from the export;
 * - `TwoClasses`: a pupil in two classes of one school (BR-GRP-2);
 * - `MissingName`: no last name or no first name, or one too long for a name;
 * - `NoSchool`: a person attached to no school of the export (a relative whose
 *   children were all reported);
 * - `UnknownProfile`: a person the format gives no profile the library knows;
 * - `Refused`: a rule refused the record's command (the message names the rule);
 * - `Held`: the record belongs to a school whose import is held (BR-FEED-1).
 *
 * @since 0.1.0
 */
export const MappingReason = Schema.Literal(
  "DuplicateId",
  "UnknownSchool",
  "UnknownGroup",
  "UnknownRelative",
  "TwoClasses",
  "MissingName",
  "NoSchool",
  "UnknownProfile",
  "Refused",
  "Held",
)

/** @since 0.1.0 */
export type MappingReason = typeof MappingReason.Type

/**
 * Why a record was reported: the reader's reasons and the importer's.
 *
 * @since 0.1.0
 */
export const ProblemReason = Schema.Union(BadRecordReason, MappingReason)

/** @since 0.1.0 */
export type ProblemReason = typeof ProblemReason.Type

/**
 * A value left out of a record that was imported: an e-mail address that is
 * not one (`MalformedEmail`), a link to a relative who was himself reported
 * (`DroppedLink`); a MEF (`ENTEleveMEF`, `ENTAuxEnsMEF`) whose `MefEducNat`
 * record is not among the files read, imported as its own level, labelled by
 * the record's label or its code (`UnknownMef`, BR-MSG-3); or an account
 * absent from a full export that the domain refused to pre-delete or detach
 * (`AbsenceRefused`, the rule id in the message; it is no record of the
 * export, so its file reads `(log)`).
 *
 * @since 0.1.0
 */
export const WarningReason = Schema.Literal("MalformedEmail", "DroppedLink", "UnknownMef", "AbsenceRefused")

/** @since 0.1.0 */
export type WarningReason = typeof WarningReason.Type

/**
 * One line of the import's report: where the record starts, why, and the
 * record's category and id when known. No personal value is ever in it.
 *
 * @since 0.1.0
 */
export const ImportProblem = Schema.Struct({
  source: Source,
  severity: Schema.Literal("problem", "warning"),
  reason: Schema.Union(ProblemReason, WarningReason),
  message: Schema.String,
  category: Schema.UndefinedOr(Category),
  id: Schema.UndefinedOr(Schema.String),
})

/** @since 0.1.0 */
export type ImportProblem = typeof ImportProblem.Type

const csvField = (value: string): string => (/[";\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value)

/**
 * The report file's header line (`;`-separated, as French spreadsheets read it).
 *
 * @since 0.1.0
 */
export const header = "file;line;severity;reason;category;id;message"

/**
 * One problem as a line of the report file.
 *
 * @since 0.1.0
 */
export const toLine = (problem: ImportProblem): string =>
  [
    problem.source.file,
    String(problem.source.line),
    problem.severity,
    problem.reason,
    problem.category ?? "",
    problem.id ?? "",
    problem.message,
  ]
    .map(csvField)
    .join(";")

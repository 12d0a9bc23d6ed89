/**
 * The records of an AAF export as the format has them: one per `addRequest`,
 * `modifyRequest` or `deleteRequest`, of one of the six categories, keyed by its
 * jointure id, with its multi-valued attributes as read and the `$`-compound
 * ones parsed into typed values; each says where it came from (file, line).
 * What cannot be read is a {@link BadRecord} with its reason, never a defect.
 *
 * @since 0.1.0
 */
import { Uai } from "@cartable/domain/Uai"
import * as Schema from "effect/Schema"
import { AafClassEntry } from "./AafClassEntry.ts"
import { AafDate } from "./AafDate.ts"
import { AafFunction } from "./AafFunction.ts"
import { AafMembership } from "./AafMembership.ts"
import { AafRelativeLink } from "./AafRelativeLink.ts"
import { AafTeaching } from "./AafTeaching.ts"

/**
 * The six categories, named as the export's files name them. A subject request
 * may say `MatEducNat` (the samples do): it is read as `MatiereEducNat`.
 *
 * @since 0.1.0
 */
export const Category = Schema.Literal(
  "EtabEducNat",
  "Eleve",
  "PersRelEleve",
  "PersEducNat",
  "MatiereEducNat",
  "MefEducNat",
)

/** @since 0.1.0 */
export type Category = typeof Category.Type

/**
 * The request a record comes from: `addRequest` (a full description),
 * `modifyRequest` (the replaced attributes only) or `deleteRequest` (the id only).
 *
 * @since 0.1.0
 */
export const RequestKind = Schema.Literal("add", "modify", "delete")

/** @since 0.1.0 */
export type RequestKind = typeof RequestKind.Type

/**
 * Where a record starts: the file's name (without its folder) and the line of
 * its request element, 1-based.
 *
 * @since 0.1.0
 */
export const Source = Schema.Struct({ file: Schema.String, line: Schema.Int })

/** @since 0.1.0 */
export type Source = typeof Source.Type

/**
 * The attributes as read: name to values, in the file's order. An empty
 * `<value/>` and a placeholder phone are no value, so an attribute may be
 * present with no values (in a `modifyRequest`: "replace with nothing").
 *
 * @since 0.1.0
 */
export const Attributes = Schema.ReadonlyMapFromSelf({ key: Schema.String, value: Schema.Array(Schema.String) })

/** @since 0.1.0 */
export type Attributes = typeof Attributes.Type

const common = {
  request: RequestKind,
  /** The jointure id (`identifier/id`): re-imports key on it, never on names. */
  id: Schema.NonEmptyString,
  attributes: Attributes,
  source: Source,
}

/**
 * A school (`EtabEducNat`); `uai` is its checked `ENTStructureUAI`, absent only
 * in a modify request that does not replace it, and in a delete request.
 *
 * @since 0.1.0
 */
export const School = Schema.TaggedStruct("School", {
  category: Schema.Literal("EtabEducNat"),
  ...common,
  uai: Schema.UndefinedOr(Uai),
})

/** @since 0.1.0 */
export type School = typeof School.Type

/**
 * A pupil (`Eleve`): classes and groups, links to relatives, class entries.
 *
 * @since 0.1.0
 */
export const Pupil = Schema.TaggedStruct("Pupil", {
  category: Schema.Literal("Eleve"),
  ...common,
  birthDate: Schema.UndefinedOr(AafDate),
  /** `ENTEleveClasses`. */
  classes: Schema.Array(AafMembership),
  /** `ENTEleveGroupes`. */
  groups: Schema.Array(AafMembership),
  /** `ENTElevePersRelEleve`. */
  relatives: Schema.Array(AafRelativeLink),
  /** `ENTEleveDateEntreeClasses`. */
  classEntries: Schema.Array(AafClassEntry),
})

/** @since 0.1.0 */
export type Pupil = typeof Pupil.Type

/**
 * A pupil's relative (`PersRelEleve`); the links live on the pupils.
 *
 * @since 0.1.0
 */
export const Relative = Schema.TaggedStruct("Relative", {
  category: Schema.Literal("PersRelEleve"),
  ...common,
  birthDate: Schema.UndefinedOr(AafDate),
})

/** @since 0.1.0 */
export type Relative = typeof Relative.Type

/**
 * Teachers and other staff (`PersEducNat`): functions, classes and groups taught, subjects, principal teacher,
 * formations taught.
 *
 * @since 0.1.0
 */
export const Staff = Schema.TaggedStruct("Staff", {
  category: Schema.Literal("PersEducNat"),
  ...common,
  birthDate: Schema.UndefinedOr(AafDate),
  /** `ENTPersonFonctions`. */
  functions: Schema.Array(AafFunction),
  /** `ENTAuxEnsClasses`. */
  classes: Schema.Array(AafMembership),
  /** `ENTAuxEnsGroupes`. */
  groups: Schema.Array(AafMembership),
  /** `ENTAuxEnsClassesMatieres`. */
  classSubjects: Schema.Array(AafTeaching),
  /** `ENTAuxEnsGroupesMatieres`. */
  groupSubjects: Schema.Array(AafTeaching),
  /** `ENTAuxEnsClassesPrincipal`: the classes whose principal teacher this person is. */
  principalOf: Schema.Array(AafMembership),
  /** `ENTAuxEnsMEF`: the formations (MEF codes) taught, by school. */
  mefs: Schema.Array(AafMembership),
})

/** @since 0.1.0 */
export type Staff = typeof Staff.Type

/**
 * A subject (`MatiereEducNat`): `ENTLibelleMatiere` among its attributes.
 *
 * @since 0.1.0
 */
export const Subject = Schema.TaggedStruct("Subject", { category: Schema.Literal("MatiereEducNat"), ...common })

/** @since 0.1.0 */
export type Subject = typeof Subject.Type

/**
 * A formation (`MefEducNat`): `ENTLibelleMef` (its label) and `ENTMEFRattach` (the MEF it attaches to,
 * e.g. a 3EME BILANGUE to the 3EME) among its attributes.
 *
 * @since 0.1.0
 */
export const Mef = Schema.TaggedStruct("Mef", { category: Schema.Literal("MefEducNat"), ...common })

/** @since 0.1.0 */
export type Mef = typeof Mef.Type

/**
 * A record read well, of any category.
 *
 * @since 0.1.0
 */
export const AafRecord = Schema.Union(School, Pupil, Relative, Staff, Subject, Mef)

/** @since 0.1.0 */
export type AafRecord = typeof AafRecord.Type

/**
 * Why a record was not read. `MalformedRow` is the CSV variant's (a row that is
 * not RFC 4180, or whose cells are not the header's). The last five stop the
 * rest of their file (see `AafFileError`): the records before stay read, the
 * other files go on.
 *
 * @since 0.1.0
 */
export const BadRecordReason = Schema.Literal(
  "MissingId",
  "UnknownCategory",
  "UnknownRequest",
  "UnexpectedContent",
  "MalformedValue",
  "MalformedDate",
  "InvalidUai",
  "TooManyValues",
  "MalformedRow",
  "NotWellFormed",
  "DoctypeRefused",
  "UnsupportedEncoding",
  "BadEncoding",
  "Unreadable",
)

/** @since 0.1.0 */
export type BadRecordReason = typeof BadRecordReason.Type

/**
 * A record that was not read, with where it starts and why; `category` and `id`
 * are there when the reader got that far.
 *
 * @since 0.1.0
 */
export const BadRecord = Schema.TaggedStruct("BadRecord", {
  source: Source,
  reason: BadRecordReason,
  message: Schema.String,
  category: Schema.UndefinedOr(Category),
  id: Schema.UndefinedOr(Schema.String),
})

/** @since 0.1.0 */
export type BadRecord = typeof BadRecord.Type

/**
 * What the reader streams: records and bad records, in the files' order.
 *
 * @since 0.1.0
 */
export const AafElement = Schema.Union(AafRecord, BadRecord)

/** @since 0.1.0 */
export type AafElement = typeof AafElement.Type

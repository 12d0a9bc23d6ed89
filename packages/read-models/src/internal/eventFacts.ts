/**
 * What the audit trail reads off any event of the core: the accounts it is
 * about, the schools it happened in, and its personal fields. Private to the
 * audit trail.
 */
import * as Domain from "@cartable/domain/Domain"
import * as PersonalData from "@cartable/kernel/PersonalData"
import type * as Schema from "effect/Schema"

type Fields = Readonly<Record<string, unknown>>

const isFields = (value: unknown): value is Fields => typeof value === "object" && value !== null

const text = (value: unknown): ReadonlyArray<string> => (typeof value === "string" ? [value] : [])

/**
 * The accounts an event is about, beside the one who acted: the account of an
 * Account stream, a group's member, a relative's child, a session's teacher, an
 * inspector, a reporter, a reported content's author.
 */
export const accountsOf = (event: Fields): ReadonlyArray<string> => {
  const link = isFields(event.link) ? event.link : {}
  const content = isFields(event.content) ? event.content : {}
  const scope = isFields(event.scope) ? event.scope : {}
  return [
    ...text(event.accountId),
    ...text(event.pupilId),
    ...text(link.pupilId),
    ...text(event.teacherId),
    ...text(scope.teacherId),
    ...text(event.inspectorId),
    ...text(event.reportedBy),
    ...text(content.authorId),
  ]
}

/** The school an event names itself: its structure, or the location of a report. */
export const ownSchoolsOf = (event: Fields): ReadonlyArray<string> => {
  const location = isFields(event.location) ? event.location : {}
  return [...text(event.structureId), ...text(location.structureId)]
}

/** The schools an event ties its stream to (an account's, a report's, a homework book's), and unties. */
export const streamSchoolsOf = (
  type: string,
  event: Fields,
): { readonly add: ReadonlyArray<string>; readonly remove: ReadonlyArray<string> } => {
  switch (type) {
    case "AccountProvisioned":
    case "AccountAttachedToStructure":
    case "HomeworkBookOpened":
    case "StructureRegistered":
    case "ContentReported":
      return { add: ownSchoolsOf(event), remove: [] }
    case "AccountDetachedFromStructure":
      return { add: [], remove: ownSchoolsOf(event) }
    default:
      return { add: [], remove: [] }
  }
}

// Codes are secrets an administrator reads on the mail-merge sheet, and session
// texts are the homework book's: neither belongs in a trail of who did what.
const NOT_AUDITED = new Set(["activationCode", "renewalCode", "content", "homework"])

const personalByType: ReadonlyMap<
  string,
  { readonly subjectField: string | undefined; readonly fields: ReadonlyArray<string> }
> = new Map(
  Object.entries(Domain.events as Readonly<Record<string, Schema.Schema.Any>>).map(([type, schema]) => {
    const { subjectField, fields } = PersonalData.personalFields(schema)
    return [type, { subjectField, fields: fields.filter((field) => !NOT_AUDITED.has(field)) }]
  }),
)

/**
 * The personal fields of an event that the trail shows (names, login, e-mail,
 * alias, external subject, a report's comment, a schooling as JSON), and whose data they are. An
 * erased subject's fields read as `PersonalData.ERASED` in a rebuild.
 */
export const personalOf = (
  type: string,
  event: Fields,
): { readonly subject: string | undefined; readonly values: Readonly<Record<string, string>> } => {
  const marks = personalByType.get(type)
  if (marks === undefined || marks.fields.length === 0) return { subject: undefined, values: {} }
  const values: Record<string, string> = {}
  for (const field of marks.fields) {
    const value = event[field]
    // A structured value (a schooling) shows as its JSON: shown live exactly when its erased form
    // (`PersonalData.ERASED`, a string) shows in a rebuild, so that erasure reaches it (BR-ACC-9).
    if (typeof value === "string") values[field] = value
    else if (value !== undefined && value !== null) values[field] = JSON.stringify(value)
  }
  const subject = marks.subjectField === undefined ? undefined : event[marks.subjectField]
  return { subject: typeof subject === "string" && Object.keys(values).length > 0 ? subject : undefined, values }
}

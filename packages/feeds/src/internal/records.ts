/**
 * From a request as read (its kind, its category attribute, its id, its raw
 * attributes) to a typed record, or a bad record saying why not.
 */
import * as Uai from "@cartable/domain/Uai"
import * as Either from "effect/Either"
import * as AafClassEntry from "../AafClassEntry.ts"
import * as AafDate from "../AafDate.ts"
import * as AafFunction from "../AafFunction.ts"
import type { AafMalformed } from "../AafMalformed.ts"
import * as AafMembership from "../AafMembership.ts"
import type {
  AafElement,
  AafRecord,
  Attributes,
  BadRecord,
  BadRecordReason,
  Category,
  RequestKind,
  Source,
} from "../AafRecord.ts"
import * as AafRelativeLink from "../AafRelativeLink.ts"
import * as AafTeaching from "../AafTeaching.ts"
import { categoryOf, singleValued } from "./attributes.ts"

/** A request as the XML gave it, before any check. */
export interface RawRequest {
  readonly kind: RequestKind
  readonly source: Source
  /** The operational attribute's name and values (`categoriePersonne`, ...). */
  readonly categoryAttribute: string | undefined
  readonly categoryValues: ReadonlyArray<string>
  readonly id: string | undefined
  readonly attributes: Attributes
  /** The first thing found inside the request that the format does not have. */
  readonly unexpected: string | undefined
}

class Bad {
  constructor(
    readonly reason: BadRecordReason,
    readonly message: string,
  ) {}
}

/** A bad record at `source`. */
export const bad = (
  source: Source,
  reason: BadRecordReason,
  message: string,
  category: Category | undefined,
  id: string | undefined,
): BadRecord => ({
  _tag: "BadRecord",
  source,
  reason,
  message,
  category,
  id,
})

/** Every value of `name` read with `parse`; the first malformed value stops. */
const all = <A>(
  attributes: Attributes,
  name: string,
  parse: (value: string) => Either.Either<A, AafMalformed>,
): ReadonlyArray<A> => {
  const values = attributes.get(name)
  if (values === undefined) return []
  const out: Array<A> = []
  for (const value of values) {
    const parsed = parse(value)
    if (Either.isLeft(parsed)) throw new Bad(parsed.left.reason, `${name}: ${parsed.left.message}`)
    out.push(parsed.right)
  }
  return out
}

const birthDate = (attributes: Attributes) => all(attributes, "ENTPersonDateNaissance", AafDate.parse)[0]

const schoolUai = (request: RawRequest): Uai.Uai | undefined => {
  const values = request.attributes.get("ENTStructureUAI")
  const code = values?.[0]
  if (code === undefined) {
    // A modify request that leaves the UAI alone, and a delete, have none; a school added without one is unusable.
    if (request.kind === "add") throw new Bad("InvalidUai", "ENTStructureUAI: a school is added without a UAI")
    if (values !== undefined) throw new Bad("InvalidUai", "ENTStructureUAI: replaced with no value")
    return undefined
  }
  if (!Uai.isValid(code)) {
    const digits = code.slice(0, 7)
    throw new Bad(
      "InvalidUai",
      /^\d{7}[A-Z]$/.test(code)
        ? `ENTStructureUAI: ${code} has a wrong check letter, ${digits} calls for ${Uai.checkLetter(digits)}`
        : `ENTStructureUAI: "${code}" is not 7 digits and a check letter`,
    )
  }
  return code as Uai.Uai
}

const typed = (request: RawRequest, category: Category, id: string): AafRecord => {
  const { attributes, kind: requestKind, source } = request
  const common = { request: requestKind, id, attributes, source }
  switch (category) {
    case "EtabEducNat":
      return { _tag: "School", category, ...common, uai: schoolUai(request) }
    case "Eleve":
      return {
        _tag: "Pupil",
        category,
        ...common,
        birthDate: birthDate(attributes),
        classes: all(attributes, "ENTEleveClasses", AafMembership.parse),
        groups: all(attributes, "ENTEleveGroupes", AafMembership.parse),
        relatives: all(attributes, "ENTElevePersRelEleve", AafRelativeLink.parse),
        classEntries: all(attributes, "ENTEleveDateEntreeClasses", AafClassEntry.parse),
      }
    case "PersRelEleve":
      return { _tag: "Relative", category, ...common, birthDate: birthDate(attributes) }
    case "PersEducNat":
      return {
        _tag: "Staff",
        category,
        ...common,
        birthDate: birthDate(attributes),
        functions: all(attributes, "ENTPersonFonctions", AafFunction.parse),
        classes: all(attributes, "ENTAuxEnsClasses", AafMembership.parse),
        groups: all(attributes, "ENTAuxEnsGroupes", AafMembership.parse),
        classSubjects: all(attributes, "ENTAuxEnsClassesMatieres", AafTeaching.parse),
        groupSubjects: all(attributes, "ENTAuxEnsGroupesMatieres", AafTeaching.parse),
        principalOf: all(attributes, "ENTAuxEnsClassesPrincipal", AafMembership.parse),
        mefs: all(attributes, "ENTAuxEnsMEF", AafMembership.parse),
      }
    case "MatiereEducNat":
      return { _tag: "Subject", category, ...common }
    case "MefEducNat":
      return { _tag: "Mef", category, ...common }
  }
}

/** The record a request makes, or why it makes none. Never throws. */
export const toElement = (request: RawRequest): AafElement => {
  const { source } = request
  const categoryValue = request.categoryValues[0]
  const category =
    request.categoryAttribute === undefined || categoryValue === undefined || request.categoryValues.length > 1
      ? undefined
      : categoryOf(request.categoryAttribute, categoryValue)
  const id = request.id === undefined || request.id === "" ? undefined : request.id
  if (request.unexpected !== undefined) return bad(source, "UnexpectedContent", request.unexpected, category, id)
  if (category === undefined) {
    const named =
      request.categoryAttribute === undefined
        ? "no category (operationalAttributes/attr)"
        : `unknown category ${request.categoryAttribute}=${request.categoryValues.join(",") || "(no value)"}`
    return bad(source, "UnknownCategory", named, undefined, id)
  }
  if (id === undefined) return bad(source, "MissingId", "no identifier/id", category, undefined)
  const single = singleValued[category]
  for (const [name, values] of request.attributes) {
    if (values.length > 1 && single.has(name)) {
      return bad(source, "TooManyValues", `${name} has ${values.length} values, the format allows one`, category, id)
    }
  }
  try {
    return typed(request, category, id)
  } catch (error) {
    if (error instanceof Bad) return bad(source, error.reason, error.message, category, id)
    throw error
  }
}

/** A request element the format does not have (`updateRequest`, ...). */
export const unknownRequest = (source: Source, element: string): BadRecord =>
  bad(source, "UnknownRequest", `<${element}> is not addRequest, modifyRequest nor deleteRequest`, undefined, undefined)

/** Text or an element directly under the root that is not a request. */
export const strayContent = (source: Source, what: string): BadRecord =>
  bad(source, "UnexpectedContent", what, undefined, undefined)

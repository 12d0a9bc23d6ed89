/**
 * What the format says about attributes: which ones carry one value at most
 * (the ENT core's mapping tables type them "string"), and which are phones,
 * whose anonymised placeholder reads as no phone.
 */
import type { Category } from "../AafRecord.ts"

const person = ["ENTPersonJointure", "sn", "givenName", "ENTPersonNomPatro", "personalTitle", "ENTPersonDateNaissance"]
const address = ["ENTPersonAdresse", "ENTPersonCodePostal", "ENTPersonVille", "ENTPersonPays"]

/** The attributes of each category that may carry one value at most. */
export const singleValued: Readonly<Record<Category, ReadonlySet<string>>> = {
  EtabEducNat: new Set([
    "ENTStructureJointure",
    "ENTStructureUAI",
    "ENTEtablissementUAI",
    "ENTStructureSIREN",
    "ENTStructureNomCourant",
    "ENTStructureTypeStruct",
    "ENTEtablissementContrat",
    "ENTEtablissementMinistereTutelle",
    "postOfficeBox",
    "street",
    "postalCode",
    "l",
    "telephoneNumber",
    "facsimileTelephoneNumber",
    "ENTStructureMailSI",
    "ENTServAcAcademie",
  ]),
  Eleve: new Set([
    ...person,
    ...address,
    "ENTEleveINE",
    "ENTEleveStructRattachId",
    "ENTEleveMEF",
    "ENTEleveLibelleMEF",
    "ENTEleveNivFormation",
    "ENTEleveFiliere",
    "ENTEleveStatutEleve",
    "ENTEleveRegime",
    "ENTEleveBoursier",
    "ENTEleveTransport",
    "homePhone",
  ]),
  PersRelEleve: new Set([
    ...person,
    ...address,
    "mail",
    "homePhone",
    "telephoneNumber",
    "ENTPersonMobileSMS",
    "ENTPersonAdresseDiffusion",
  ]),
  PersEducNat: new Set([...person, "mail", "PersEducNatPresenceDevantEleves", "ENTPersonCategorieEnseignant"]),
  MatiereEducNat: new Set(["ENTMatJointure", "ENTLibelleMatiere", "ENTMatiereRattach"]),
  MefEducNat: new Set([
    "ENTMefJointure",
    "ENTLibelleMef",
    "ENTMEFRattach",
    "ENTMEFSTAT11",
    "ENTNivFormation",
    "ENTFiliere",
  ]),
}

/** The attributes that hold a phone number. */
export const phones: ReadonlySet<string> = new Set([
  "homePhone",
  "telephoneNumber",
  "mobile",
  "ENTPersonMobileSMS",
  "facsimileTelephoneNumber",
])

const separators = /[\s.-]/g

/**
 * The anonymised samples' placeholder phone: `0000000000` (also written with
 * spaces or dots). No real number is all zeros, so it reads as no phone.
 */
export const isPlaceholderPhone = (value: string): boolean => {
  const digits = value.replace(separators, "")
  return /^0+$/.test(digits)
}

/** The category a request's operational attribute names, or undefined when the pair is not one of the format's. */
export const categoryOf = (attribute: string, value: string): Category | undefined => {
  switch (attribute) {
    case "categoriePersonne":
      return value === "Eleve" || value === "PersRelEleve" || value === "PersEducNat" ? value : undefined
    case "categorieStructure":
      return value === "EtabEducNat" ? value : undefined
    case "categorieMatiere":
      return value === "MatiereEducNat" || value === "MatEducNat" ? "MatiereEducNat" : undefined
    case "categorieMef":
      return value === "MefEducNat" ? value : undefined
    default:
      return undefined
  }
}

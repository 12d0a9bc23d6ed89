// The rights matrix of seed 004 ("Gestion des comptes : rôles et droits", "Récapitulatif des droits d'accès"),
// copied here row by row from the seed, as it reads, and checked cell by cell: through `SectionRights.can`, and
// through the aggregate, where an account holding only that role by a grant gives the command of each right.
import type * as Actor from "@cartable/domain/Actor"
import { AccountId } from "@cartable/domain/Ids"
import * as Section from "@cartable/domain/Section"
import * as SectionRights from "@cartable/domain/SectionRights"
import { given } from "@cartable/testing/DeciderSpec"
import * as SectionArbitraries from "@cartable/testing/SectionArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"

// Seed 004, page "Gestion des comptes : rôles et droits":
//                                  Visiteur  Rédacteur  Rédacteur avec mise en ligne  Modérateur  Gestionnaire
const seedMatrix = `
Consulter la rubrique            | oui | oui | oui | oui | oui
Proposer un contenu              | non | oui | oui | oui | oui
Supprimer ses propres contenus   | non | oui | oui | oui | oui
Mettre en ligne directement      | non | non | oui | oui | oui
Valider tout contenu             | non | non | non | oui | oui
Mettre en ligne tout contenu     | non | non | non | oui | oui
Supprimer tout contenu           | non | non | non | oui | oui
Créer une rubrique               | non | non | non | non | oui
Modifier une rubrique            | non | non | non | non | oui
Supprimer une rubrique           | non | non | non | non | oui
Gérer les acteurs                | non | non | non | non | oui
Gérer les formulaires            | non | non | non | non | oui
`

// Seed 004, "Cas particulier pour les dossiers partagés d'une rubrique" (BR-RUB-2): Visiteur and Rédacteur read
// only; Rédacteur avec mise en ligne, Gestionnaire and Modérateur may upload; only Gestionnaire or Modérateur delete.
const seedFolders = `
Accéder aux dossiers             | oui | oui | oui | oui | oui
Déposer des fichiers             | non | non | oui | oui | oui
Supprimer fichiers et dossiers   | non | non | non | oui | oui
`

const columns: ReadonlyArray<Section.SectionRole> = ["Visitor", "Writer", "PublishingWriter", "Moderator", "Manager"]

const rowsOf = (table: string) =>
  table
    .trim()
    .split("\n")
    .map((line) => {
      const [label, ...cells] = line.split("|").map((cell) => cell.trim())
      return { label: label!, cells: cells.map((cell) => cell === "oui") }
    })

const matrixRights: Record<string, SectionRights.SectionRight> = {
  "Consulter la rubrique": "Consult",
  "Proposer un contenu": "Propose",
  "Supprimer ses propres contenus": "DeleteOwn",
  "Mettre en ligne directement": "PublishDirectly",
  "Valider tout contenu": "ValidateAny",
  "Mettre en ligne tout contenu": "PublishAny",
  "Supprimer tout contenu": "DeleteAny",
  "Créer une rubrique": "CreateSection",
  "Modifier une rubrique": "ModifySection",
  "Supprimer une rubrique": "DeleteSection",
  "Gérer les acteurs": "ManageActors",
  "Gérer les formulaires": "ManageForms",
}
const folderRights: Record<string, SectionRights.FolderRight> = {
  "Accéder aux dossiers": "ReadFolders",
  "Déposer des fichiers": "Upload",
  "Supprimer fichiers et dossiers": "DeleteFolderContent",
}

const { ids } = SectionArbitraries
const sectionId = ids.sections[1]!
const holder = AccountId.make("acc-holder")
const other = AccountId.make("acc-other")
const actor: Actor.Actor = { accountId: holder, roles: [] }
const member = { structureIds: [ids.schools[0]!], groupIds: [] }

const created: Section.SectionEvent = {
  _tag: "SectionCreated",
  sectionId,
  owner: SectionArbitraries.owners[1]!,
  name: "6A",
  services: { blog: true, forum: true, sharedFolders: true },
  moderated: true,
  createdBy: AccountId.make("admin-a"),
}
const granted = (role: Section.SectionRole): Section.SectionEvent => ({
  _tag: "SectionRoleGranted",
  sectionId,
  grantee: { _tag: "Account", accountId: holder },
  role,
  grantedBy: AccountId.make("admin-a"),
})
const proposedBy = (authorId: AccountId, publicationId: string): Section.SectionEvent => ({
  _tag: "PublicationProposed",
  sectionId,
  publicationId: Section.PublicationId.make(publicationId),
  service: "Blog",
  authorId,
  title: "Sortie",
  body: "",
})
const folder: Section.SectionEvent = {
  _tag: "FolderCreated",
  sectionId,
  folderId: ids.folders[0]!,
  name: "Photos",
  createdBy: other,
}
const file: Section.SectionEvent = {
  _tag: "FileUploaded",
  sectionId,
  folderId: ids.folders[0]!,
  fileId: ids.files[0]!,
  name: "sortie.jpg",
  uploadedBy: other,
}

const form: Section.SectionEvent = {
  _tag: "FormCreated",
  sectionId,
  formId: Section.FormId.make("form-1"),
  title: "Sortie au musée : autorisation",
  createdBy: other,
}

const base = { actor, member, sectionId }
const own = Section.PublicationId.make("pub-own")
const theirs = Section.PublicationId.make("pub-theirs")

/** The command that exercises each right of a section, after the history it needs. */
const exercise: Record<
  SectionRights.SectionRight | SectionRights.FolderRight,
  ReadonlyArray<Section.SectionCommand> | undefined
> = {
  Consult: undefined,
  Propose: [
    {
      _tag: "ProposePublication",
      ...base,
      publicationId: Section.PublicationId.make("pub-new"),
      service: "Blog",
      title: "Sortie",
      body: "",
      publishNow: false,
    },
  ],
  DeleteOwn: [{ _tag: "DeletePublication", ...base, publicationId: own }],
  PublishDirectly: [
    {
      _tag: "ProposePublication",
      ...base,
      publicationId: Section.PublicationId.make("pub-new"),
      service: "Forum",
      title: "Sortie",
      body: "",
      publishNow: true,
    },
    { _tag: "PublishPublication", ...base, publicationId: own },
  ],
  ValidateAny: [{ _tag: "ValidatePublication", ...base, publicationId: theirs }],
  PublishAny: [{ _tag: "PublishPublication", ...base, publicationId: theirs }],
  DeleteAny: [{ _tag: "DeletePublication", ...base, publicationId: theirs }],
  // Creating a section is its owner's managers' (decision); an account granted Gestionnaire of a section is
  // not one: the cell is checked through `can` and the creation rules below.
  CreateSection: undefined,
  ModifySection: [
    {
      _tag: "ConfigureSection",
      ...base,
      name: "6A - Sorties",
      services: { blog: true, forum: false, sharedFolders: true },
      moderated: true,
    },
  ],
  DeleteSection: [{ _tag: "CloseSection", ...base, reason: "DeletedByManager" }],
  ManageActors: [
    { _tag: "GrantSectionRole", ...base, grantee: { _tag: "Profile", profile: "Relative" }, role: "Visitor" },
    { _tag: "RevokeSectionRole", ...base, grantee: { _tag: "Account", accountId: holder } },
  ],
  ManageForms: [
    { _tag: "CreateForm", ...base, formId: Section.FormId.make("form-new"), title: "Inscriptions à l'AS" },
    { _tag: "DeleteForm", ...base, formId: Section.FormId.make("form-1") },
  ],
  ReadFolders: undefined,
  Upload: [
    { _tag: "CreateFolder", ...base, folderId: ids.folders[1]!, name: "Devoirs" },
    { _tag: "UploadFile", ...base, folderId: ids.folders[0]!, fileId: ids.files[1]!, name: "fiche.pdf" },
  ],
  DeleteFolderContent: [
    { _tag: "DeleteFile", ...base, folderId: ids.folders[0]!, fileId: ids.files[0]! },
    { _tag: "DeleteFolder", ...base, folderId: ids.folders[0]! },
    // A folder in the bin comes back by the same right (decision).
  ],
}

const history = (role: Section.SectionRole): ReadonlyArray<Section.SectionEvent> => [
  created,
  granted(role),
  proposedBy(holder, own),
  proposedBy(other, theirs),
  folder,
  file,
  form,
]

/** The cells where the code disagrees with the seed, through `can` and through the aggregate's decisions. */
const mismatches = (
  table: string,
  rights: Record<string, SectionRights.SectionRight | SectionRights.FolderRight>,
  ruleId: string,
): ReadonlyArray<string> => {
  const found: Array<string> = []
  for (const { label, cells } of rowsOf(table)) {
    const right = rights[label]!
    for (const [index, expected] of cells.entries()) {
      const role = columns[index]!
      const cell = `${label} / ${role} (seed: ${expected ? "oui" : "non"})`
      if (SectionRights.can(role, right) !== expected) found.push(`${cell}: can says otherwise`)
      for (const command of exercise[right] ?? []) {
        const decision = given(Section.aggregate, history(role)).when(command).decision
        if (Either.isRight(decision) !== expected) {
          found.push(
            `${cell}: ${command._tag} ${Either.isLeft(decision) ? `refused: ${decision.left.message}` : "accepted"}`,
          )
        } else if (Either.isLeft(decision) && decision.left.ruleId !== ruleId) {
          found.push(`${cell}: ${command._tag} refused under ${decision.left.ruleId}`)
        }
      }
    }
  }
  return found
}

describe("the rights matrix of seed 004", () => {
  it("BR-RUB-1 the matrix holds cell by cell (12 rights, 5 roles), in the rights and in the aggregate's decisions", () => {
    assert.strictEqual(rowsOf(seedMatrix).length, 12)
    assert.isTrue(rowsOf(seedMatrix).every((row) => row.cells.length === 5))
    assert.deepStrictEqual(mismatches(seedMatrix, matrixRights, "BR-RUB-1"), [])
  })
  it("BR-RUB-1 without a role, no right at all", () => {
    for (const right of [...Object.values(matrixRights), ...Object.values(folderRights)]) {
      assert.isFalse(SectionRights.can(undefined, right))
    }
  })
  it("BR-RUB-2 the shared folders' case holds cell by cell: Visiteur and Rédacteur read only, upload from Rédacteur avec mise en ligne, delete by Modérateur and Gestionnaire", () => {
    assert.deepStrictEqual(mismatches(seedFolders, folderRights, "BR-RUB-2"), [])
  })
})

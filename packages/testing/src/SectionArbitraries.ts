/**
 * Arbitraries of Section commands that meet each other: three sections of one
 * school (the school's own, a class's, a teaching group's), actors of every
 * role kind over right and wrong scopes (`Arbitraries.actor`), what the log says
 * of them (`member`: profile, schools, groups), grants to profiles, groups and
 * accounts of the pool, a few publications, folders, files and forms.
 *
 * @since 0.1.0
 */
import * as Account from "@cartable/domain/AccountEvents"
import type * as Actor from "@cartable/domain/Actor"
import { AccountId, GroupId, StructureId } from "@cartable/domain/Ids"
import * as Section from "@cartable/domain/Section"
import type * as SectionRights from "@cartable/domain/SectionRights"
import * as FastCheck from "effect/FastCheck"
import * as Arbitraries from "./Arbitraries.ts"

/** The pool's ids. @since 0.1.0 */
export const ids = {
  schools: [StructureId.make("school-a"), StructureId.make("school-b")],
  /** 6A is a class, LATIN a teaching group, CLUB a manual group: all of school A. */
  groups: [GroupId.make("school-a$6A"), GroupId.make("school-a$LATIN"), GroupId.make("school-a$CLUB")],
  sections: [
    Section.SectionId.make("rub-vie-scolaire"),
    Section.SectionId.make("rub-6A"),
    Section.SectionId.make("rub-latin"),
  ],
  accounts: ["acc-1", "acc-2", "acc-3"].map((id) => AccountId.make(id)),
  publications: ["pub-1", "pub-2", "pub-3"].map((id) => Section.PublicationId.make(id)),
  folders: ["dir-1", "dir-2"].map((id) => Section.FolderId.make(id)),
  files: ["file-1", "file-2", "file-3"].map((id) => Section.FileId.make(id)),
  forms: ["form-1", "form-2"].map((id) => Section.FormId.make(id)),
}

/** What the log says of each group of the pool. @since 0.1.0 */
export const groupFacts: Readonly<Record<string, Section.OwnerGroup>> = {
  [ids.groups[0]!]: { kind: "Class", structureId: ids.schools[0]!, open: true },
  [ids.groups[1]!]: { kind: "TeachingGroup", structureId: ids.schools[0]!, open: true },
  [ids.groups[2]!]: { kind: "ManualGroup", structureId: ids.schools[0]!, open: true },
}

/** The owners of the pool's sections, in the order of `ids.sections`. @since 0.1.0 */
export const owners: ReadonlyArray<Section.SectionOwner> = [
  { _tag: "School", structureId: ids.schools[0]! },
  { _tag: "Class", structureId: ids.schools[0]!, groupId: ids.groups[0]! },
  { _tag: "TeachingGroup", structureId: ids.schools[0]!, groupId: ids.groups[1]! },
]

/** Every profile (Account's `Profile`). */
const profile = FastCheck.constantFrom<Account.Profile>(...Account.Profile.literals)

/** The scopes random actors draw from: right and wrong schools, a district, the pool's groups. */
const scopes: Arbitraries.ActorScopes = {
  structureIds: [...ids.schools, StructureId.make("district-57")],
  groupIds: ids.groups,
  accountIds: ids.accounts,
}

/** An actor of any role kind, with right and wrong scopes (CONVENTIONS.md 17). @since 0.1.0 */
export const actor: FastCheck.Arbitrary<Actor.Actor> = Arbitraries.actor(scopes)

/** A profile, schools and open groups of the pool, as the log would give them. @since 0.1.0 */
export const member: FastCheck.Arbitrary<SectionRights.SectionMember> = FastCheck.record(
  {
    profile,
    structureIds: FastCheck.subarray([...ids.schools]),
    groupIds: FastCheck.subarray([...ids.groups]),
  },
  { requiredKeys: ["structureIds", "groupIds"] },
)

/** A grantee of the pool: a profile, a group or an account. @since 0.1.0 */
export const grantee: FastCheck.Arbitrary<Section.Grantee> = FastCheck.oneof(
  profile.map((profile) => ({ _tag: "Profile" as const, profile })),
  FastCheck.constantFrom(...ids.groups).map((groupId) => ({ _tag: "Group" as const, groupId })),
  FastCheck.constantFrom(...ids.accounts).map((accountId) => ({ _tag: "Account" as const, accountId })),
)

/** One of the five roles. @since 0.1.0 */
export const role: FastCheck.Arbitrary<Section.SectionRole> = FastCheck.constantFrom(
  "Visitor",
  "Writer",
  "PublishingWriter",
  "Moderator",
  "Manager",
)

/** All services on, now and then some off. @since 0.1.0 */
export const services: FastCheck.Arbitrary<Section.SectionServices> = FastCheck.oneof(
  { weight: 3, arbitrary: FastCheck.constant({ blog: true, forum: true, sharedFolders: true }) },
  {
    weight: 1,
    arbitrary: FastCheck.record({
      blog: FastCheck.boolean(),
      forum: FastCheck.boolean(),
      sharedFolders: FastCheck.boolean(),
    }),
  },
)

/** The field pool that steers Schema-derived commands. @since 0.1.0 */
export const pool: Arbitraries.Pool = {
  actor,
  member,
  sectionId: FastCheck.constantFrom(...ids.sections),
  structureId: FastCheck.oneof(
    { weight: 5, arbitrary: FastCheck.constant(ids.schools[0]!) },
    { weight: 1, arbitrary: FastCheck.constant(ids.schools[1]!) },
  ),
  grantee,
  role,
  services,
  publicationId: FastCheck.constantFrom(...ids.publications),
  folderId: FastCheck.constantFrom(...ids.folders),
  fileId: FastCheck.constantFrom(...ids.files),
  formId: FastCheck.constantFrom(...ids.forms),
  title: FastCheck.constantFrom("Sortie au musée", "Menu de la cantine"),
  body: FastCheck.constantFrom("", "Rendez-vous à 8 h devant le collège."),
  name: FastCheck.constantFrom("Vie scolaire", "Photos", "Cours"),
}

/**
 * The creation of one of the pool's sections by a manager of its owner (an
 * administrator of school A), with the log's facts on its group.
 *
 * @since 0.1.0
 */
export const creation = (index: number, moderated = true): Section.SectionCommand => {
  const owner = owners[index]!
  return {
    _tag: "CreateSection",
    actor: {
      accountId: AccountId.make("admin-a"),
      roles: [{ _tag: "Administrator", level: "School", scopeId: ids.schools[0]! }],
    },
    sectionId: ids.sections[index]!,
    structureId: owner.structureId,
    ...(owner._tag === "School" ? {} : { groupId: owner.groupId, ownerGroup: groupFacts[owner.groupId]! }),
    name: "Rubrique",
    services: { blog: true, forum: true, sharedFolders: true },
    moderated,
  }
}

/** Any Section command, Schema-derived and steered by the pool (a creation's group fact matches its group). @since 0.1.0 */
export const command: FastCheck.Arbitrary<Section.SectionCommand> = Arbitraries.oneOf(Section.commands, pool).map(
  (drawn) =>
    drawn._tag === "CreateSection" && drawn.groupId !== undefined
      ? (() => {
          const { ownerGroup: _, ...rest } = drawn
          // Own keys only: a drawn id such as "toString" names no group (and no method of the record's prototype).
          const facts = Object.hasOwn(groupFacts, drawn.groupId) ? groupFacts[drawn.groupId] : undefined
          return facts === undefined ? rest : { ...rest, ownerGroup: facts }
        })()
      : drawn,
)

/**
 * Sequences of commands over the pool's sections, most of them created first,
 * so that random grants, publications and folders meet.
 *
 * @since 0.1.0
 */
export const commands: FastCheck.Arbitrary<ReadonlyArray<Section.SectionCommand>> = FastCheck.tuple(
  FastCheck.subarray([0, 1, 2], { minLength: 1 }),
  FastCheck.boolean(),
  FastCheck.array(command, { minLength: 1, maxLength: 40 }),
).map(([created, moderated, sequence]) => [...created.map((index) => creation(index, moderated)), ...sequence])

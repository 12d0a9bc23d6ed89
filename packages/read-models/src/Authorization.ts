/**
 * The facts the library decides on, projected inline from the log (ARCHITECTURE.md
 * principle 9): who an account is (profile, state, login and alias), its roles
 * (administrator rights and their level, direction, teaching, inspection, the
 * mail-merge role), the memberships, links and locations other aggregates'
 * rules need, and the claims that keep logins, aliases and feed ids unique.
 * Inline, so that a fact read right after the command that changed it is seen,
 * and so that its claims refuse, inside the append's transaction, a second
 * account taking a login (BR-ACC-10) or a feed person (BR-ACC-8).
 *
 * @since 0.1.0
 */

import type { Profile } from "@cartable/domain/Account"
import type * as Actor from "@cartable/domain/Actor"
import type { CommunicationPolicy } from "@cartable/domain/CommunicationRules"
import * as CommunicationRules from "@cartable/domain/CommunicationRules"
import * as Domain from "@cartable/domain/Domain"
import type { AccountId, GroupId, HomeworkBookId, StructureId } from "@cartable/domain/Ids"
import { StructureId as StructureIdSchema } from "@cartable/domain/Ids"
import type { Correspondent } from "@cartable/domain/Message"
import { MESSAGING } from "@cartable/domain/Report"
import * as Schooling from "@cartable/domain/Schooling"
import { SectionId } from "@cartable/domain/SectionEvents"
import type { SectionMember } from "@cartable/domain/SectionRights"
import * as Structure from "@cartable/domain/Structure"
import type { DirectoryEntry } from "@cartable/domain/TargetedCommunication"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModel from "@cartable/projections/ReadModel"
import type { ReadModelError, ReadModelStore } from "@cartable/projections/ReadModelStore"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import {
  AccountEntry,
  BookEntry,
  Claim,
  GroupEntry,
  Memberships,
  Relatives,
  StructureEntry,
} from "./internal/authorizationDocuments.ts"
import * as MessagingFacts from "./internal/messagingFacts.ts"

export { CorrespondenceEntry, RulesEntry } from "./internal/messagingFacts.ts"
export { AccountEntry, BookEntry, Claim, GroupEntry, Memberships, Relatives, StructureEntry }

/**
 * An account's state as administrators see it (BR-ACC-12, BR-ACC-6).
 *
 * @since 0.1.0
 */
export const AccountState = Schema.Literal("inactive", "active", "blocked", "pre-deleted", "deleted")
/** @since 0.1.0 */
export type AccountState = typeof AccountState.Type

/**
 * Where a feed's live accounts of one school start in the `feed_member` index: each value is
 * `JSON.stringify([source, structureId, externalId])`, and this is its text up to the external id.
 *
 * @since 0.1.0
 */
export const feedMemberPrefix = (source: string, structureId: string): string =>
  `${JSON.stringify([source, structureId]).slice(0, -1)},`

/** The `feed_member` values of an account: one per school, while it is neither pre-deleted nor deleted. */
const feedMembers = (entry: AccountEntry): ReadonlyArray<string> | undefined => {
  if (entry.feedKey === undefined || entry.deletion !== "None") return undefined
  const [source, externalId] = JSON.parse(entry.feedKey) as [string, string]
  return entry.structureIds.map((structureId) => JSON.stringify([source, structureId, externalId]))
}

/** One account's documents, by id; the live feed accounts indexed by feed, school and external id. @since 0.1.0 */
export const Accounts = ReadModel.collection("accounts", {
  document: AccountEntry,
  key: (entry) => entry.accountId,
  // structure: the accounts of a school, for "Tous" and targeted communication (BR-MSG-1, BR-MSG-3).
  indexes: { feed_member: feedMembers, structure: (entry) => entry.structureIds },
})
/** The open groups each account belongs to, by account id. @since 0.1.0 */
export const MembershipsOf = ReadModel.collection("memberships", {
  document: Memberships,
  key: (entry) => entry.accountId,
})
/** The relative accounts linked to each pupil, by pupil id (BR-ACC-7). @since 0.1.0 */
export const RelativesOf = ReadModel.collection("relatives", { document: Relatives, key: (entry) => entry.pupilId })
/** Classes and groups, with their kind, function and members. @since 0.1.0 */
export const Groups = ReadModel.collection("groups", { document: GroupEntry, key: (entry) => entry.groupId })
/** Structures with their kind and parents, for locations and admin levels. @since 0.1.0 */
export const Structures = ReadModel.collection("structures", {
  document: StructureEntry,
  key: (entry) => entry.structureId,
})
/** Logins and aliases, one namespace, each held by one account (BR-ACC-10). @since 0.1.0 */
export const Logins = ReadModel.collection("logins", { document: Claim, key: (entry) => entry.key })
/** Feed persons (source, external id), each provisioned once (BR-ACC-8). @since 0.1.0 */
export const FeedIds = ReadModel.collection("feed_ids", { document: Claim, key: (entry) => entry.key })
/** External identities (provider, subject), each linked to one account (BR-ACC-10). @since 0.1.0 */
export const Identities = ReadModel.collection("identities", { document: Claim, key: (entry) => entry.key })
/** The school of each homework book. @since 0.1.0 */
export const Books = ReadModel.collection("books", { document: BookEntry, key: (entry) => entry.homeworkBookId })
/** The school of each section (rubrique), for the scope of an administrator above it. @since 0.1.0 */
export const Sections = ReadModel.collection("sections", {
  document: Schema.Struct({ sectionId: SectionId, structureId: StructureIdSchema }),
  key: (entry) => entry.sectionId,
})

/**
 * The key of a feed person's claim.
 *
 * @since 0.1.0
 */
export const feedKey = (source: string, externalId: string): string => JSON.stringify([source, externalId])

/**
 * The key of an external identity's claim.
 *
 * @since 0.1.0
 */
export const identityKey = (provider: string, subject: string): string => JSON.stringify([provider, subject])

type Writers = Projection.Writers<{
  accounts: typeof Accounts
  memberships: typeof MembershipsOf
  relatives: typeof RelativesOf
  groups: typeof Groups
  structures: typeof Structures
  logins: typeof Logins
  feedIds: typeof FeedIds
  identities: typeof Identities
  books: typeof Books
  sections: typeof Sections
}> &
  Projection.Writers<typeof MessagingFacts.collections>

/** A claim of `key` for the account: kept when it holds it, inserted (and refused when taken) otherwise. */
const claim = (writer: Writers["logins"], key: string, accountId: AccountId): Projection.Change =>
  writer.read(key, (current) => (current?.accountId === accountId ? [] : writer.insert({ key, accountId })))

/** Gives a claim up, when the account holds it. */
const release = (writer: Writers["logins"], key: string | undefined, accountId: AccountId): Projection.Change | [] =>
  key === undefined || PersonalData.isErased(key)
    ? []
    : writer.read(key, (current) => (current?.accountId === accountId ? writer.remove(key) : []))

const relativeIdsOf = (relatives: Relatives | undefined): ReadonlyArray<AccountId> =>
  relatives === undefined ? [] : relatives.links.map((link) => link.relativeId)

const withAccount =
  (f: (entry: AccountEntry) => AccountEntry) =>
  (current: AccountEntry | undefined): AccountEntry | undefined =>
    current && f(current)

const added = <A>(list: ReadonlyArray<A>, value: A): ReadonlyArray<A> =>
  list.includes(value) ? list : [...list, value]
const removed = <A>(list: ReadonlyArray<A>, value: A): ReadonlyArray<A> => list.filter((item) => item !== value)

const union = (own: ReadonlyArray<string>, more: ReadonlySet<string> | undefined): ReadonlyArray<string> =>
  more === undefined ? own : [...new Set([...own, ...more])]

const leave = (into: Writers, accountId: AccountId, groupId: GroupId) =>
  into.memberships.update(accountId, (current) => {
    if (current === undefined) return undefined
    const groups = current.groups.filter((group) => group.groupId !== groupId)
    return groups.length === 0 ? undefined : { accountId, groups }
  })

/**
 * The projection, run inline (see the module's header).
 *
 * @since 0.1.0
 */
export const AuthorizationProjection = Projection.make({
  name: "authorization",
  // 2: external identities are claimed, one account each (BR-ACC-10).
  // 3: feed accounts indexed by feed and school, for the directory import (BR-FEED-1).
  // 4: the school of each section (BR-RUB-1).
  // 5: accounts indexed by school, communication rules and correspondence (BR-MSG-1, BR-MSG-3).
  // 6: accounts' levels, sub-levels and post disciplines by school, for targets (BR-MSG-3).
  // 7: accounts' e-mails and the flags of each pupil's links, for what a directory feed compares.
  // 8: the live feed accounts indexed by feed, school and external id (BR-FEED-1's share, index alone).
  version: 8,
  events: Domain.events,
  collections: {
    accounts: Accounts,
    memberships: MembershipsOf,
    relatives: RelativesOf,
    groups: Groups,
    structures: Structures,
    logins: Logins,
    feedIds: FeedIds,
    identities: Identities,
    books: Books,
    sections: Sections,
    ...MessagingFacts.collections,
  },
  handlers: {
    ...MessagingFacts.handlers,
    AccountProvisioned: (event, into) =>
      into.accounts.read(event.accountId, (current) =>
        current !== undefined
          ? []
          : [
              into.accounts.put({
                accountId: event.accountId,
                profile: event.profile,
                login: event.login,
                firstName: event.firstName,
                lastName: event.lastName,
                structureIds: [event.structureId],
                activated: false,
                blocked: false,
                blockedApplications: [],
                deletion: "None",
                administratorOf: [],
                platformAdministrator: false,
                inspector: false,
                ...(event.origin._tag === "Feed"
                  ? { feedKey: feedKey(event.origin.source, event.origin.externalId) }
                  : {}),
              }),
              // A rebuild reads an erased login as the marker: nothing to claim.
              ...(PersonalData.isErased(event.login) ? [] : [claim(into.logins, event.login, event.accountId)]),
              ...(event.origin._tag === "Feed"
                ? [claim(into.feedIds, feedKey(event.origin.source, event.origin.externalId), event.accountId)]
                : []),
            ],
      ),
    AccountIdentityUpdated: (event, into) =>
      into.accounts.update(
        event.accountId,
        // An e-mail not given is left as it was.
        withAccount((entry) => ({
          ...entry,
          firstName: event.firstName,
          lastName: event.lastName,
          ...(event.email === undefined ? {} : { email: event.email }),
        })),
      ),
    AccountProfileChanged: (event, into) =>
      into.accounts.update(
        event.accountId,
        withAccount((entry) => ({ ...entry, profile: event.profile })),
      ),
    AccountSchoolingUpdated: (event, into) =>
      into.accounts.update(
        event.accountId,
        withAccount((entry) => {
          // A rebuild reads an erased schooling as the marker: the account has none.
          const { schooling: _previous, ...rest } = entry
          return PersonalData.isErased(event.schooling) || event.schooling.length === 0
            ? rest
            : { ...rest, schooling: event.schooling }
        }),
      ),
    AccountActivated: (event, into) =>
      into.accounts.update(
        event.accountId,
        withAccount((entry) => ({ ...entry, activated: true, email: event.email })),
      ),
    AccountBlocked: (event, into) =>
      into.accounts.update(
        event.accountId,
        withAccount((entry) =>
          event.application === undefined
            ? { ...entry, blocked: true }
            : { ...entry, blockedApplications: added(entry.blockedApplications, event.application) },
        ),
      ),
    AccountUnblocked: (event, into) =>
      into.accounts.update(
        event.accountId,
        withAccount((entry) =>
          event.application === undefined
            ? { ...entry, blocked: false }
            : { ...entry, blockedApplications: removed(entry.blockedApplications, event.application) },
        ),
      ),
    AccountAttachedToStructure: (event, into) =>
      into.accounts.update(
        event.accountId,
        withAccount((entry) => ({ ...entry, structureIds: added(entry.structureIds, event.structureId) })),
      ),
    AccountDetachedFromStructure: (event, into) =>
      into.accounts.update(
        event.accountId,
        withAccount((entry) => ({ ...entry, structureIds: removed(entry.structureIds, event.structureId) })),
      ),
    // A link given again with other flags replaces the first, in its place.
    RelativeLinked: (event, into) =>
      into.relatives.update(event.link.pupilId, (current) => {
        const { legalAuthority, financial, contact } = event.link
        const link = { relativeId: event.accountId, legalAuthority, financial, contact }
        const links = current?.links ?? []
        const at = links.findIndex((known) => known.relativeId === event.accountId)
        return {
          pupilId: event.link.pupilId,
          links: at < 0 ? [...links, link] : links.map((known, i) => (i === at ? link : known)),
        }
      }),
    RelativeUnlinked: (event, into) =>
      into.relatives.update(event.pupilId, (current) => {
        const links = (current?.links ?? []).filter((known) => known.relativeId !== event.accountId)
        return links.length === 0 ? undefined : { pupilId: event.pupilId, links }
      }),
    LoginAliasSet: (event, into) =>
      into.accounts.read(event.accountId, (current) =>
        current === undefined
          ? []
          : [
              release(into.logins, current.alias, event.accountId),
              ...(PersonalData.isErased(event.alias) ? [] : [claim(into.logins, event.alias, event.accountId)]),
              into.accounts.put({ ...current, alias: event.alias }),
            ].flat(),
      ),
    LoginAliasRemoved: (event, into) =>
      into.accounts.read(event.accountId, (current) => {
        if (current === undefined) return []
        const { alias, ...rest } = current
        return [release(into.logins, alias, event.accountId), into.accounts.put(rest)].flat()
      }),
    // BR-ACC-10: an identity opens one account; linking another subject of the provider gives the old one up.
    ExternalIdentityLinked: (event, into) =>
      into.accounts.read(event.accountId, (current) => {
        if (current === undefined) return []
        const identities = current.identities ?? []
        const previous = identities.find((identity) => identity.provider === event.provider)
        if (previous?.subject === event.subject) return []
        return [
          release(into.identities, previous && identityKey(previous.provider, previous.subject), event.accountId),
          // A rebuild reads an erased subject as the marker: nothing to claim.
          ...(PersonalData.isErased(event.subject)
            ? []
            : [claim(into.identities, identityKey(event.provider, event.subject), event.accountId)]),
          into.accounts.put({
            ...current,
            identities: [
              ...identities.filter((identity) => identity.provider !== event.provider),
              { provider: event.provider, subject: event.subject },
            ],
          }),
        ].flat()
      }),
    ExternalIdentityUnlinked: (event, into) =>
      into.accounts.read(event.accountId, (current) => {
        if (current === undefined) return []
        const identities = current.identities ?? []
        const previous = identities.find((identity) => identity.provider === event.provider)
        if (previous === undefined) return []
        return [
          release(into.identities, identityKey(previous.provider, previous.subject), event.accountId),
          into.accounts.put({ ...current, identities: identities.filter((identity) => identity !== previous) }),
        ].flat()
      }),
    AdministratorRightGranted: (event, into) =>
      into.accounts.update(
        event.accountId,
        withAccount((entry) => ({ ...entry, administratorOf: added(entry.administratorOf, event.structureId) })),
      ),
    AdministratorRightRevoked: (event, into) =>
      into.accounts.update(
        event.accountId,
        withAccount((entry) => ({ ...entry, administratorOf: removed(entry.administratorOf, event.structureId) })),
      ),
    PlatformAdministratorAppointed: (event, into) =>
      into.accounts.update(
        event.accountId,
        withAccount((entry) => ({ ...entry, platformAdministrator: true })),
      ),
    PlatformAdministratorDismissed: (event, into) =>
      into.accounts.update(
        event.accountId,
        withAccount((entry) => ({ ...entry, platformAdministrator: false })),
      ),
    InspectorAccessGranted: (event, into) =>
      into.accounts.update(
        event.accountId,
        withAccount((entry) => ({ ...entry, inspector: true })),
      ),
    InspectorAccessRevoked: (event, into) =>
      into.accounts.update(
        event.accountId,
        withAccount((entry) => ({ ...entry, inspector: false })),
      ),
    AccountPreDeleted: (event, into) =>
      into.accounts.update(
        event.accountId,
        withAccount((entry) => ({ ...entry, deletion: "PreDeleted" })),
      ),
    AccountRestored: (event, into) =>
      into.accounts.update(
        event.accountId,
        withAccount((entry) => ({ ...entry, deletion: "None" })),
      ),
    AccountDeleted: (event, into) =>
      into.accounts.update(
        event.accountId,
        withAccount((entry) => ({ ...entry, deletion: "Deleted" })),
      ),
    // BR-ACC-9: the personal values read as erased, as a rebuild reads them; the claims are given up.
    AccountDataErased: (event, into) =>
      into.accounts.read(event.accountId, (found) => {
        if (found === undefined) return []
        // The schooling is personal (BR-ACC-9): it goes, as a rebuild reads it.
        const { schooling: _schooling, ...current } = found
        return [
          release(into.logins, current.login, event.accountId),
          release(into.logins, current.alias, event.accountId),
          release(into.feedIds, current.feedKey, event.accountId),
          ...(current.identities ?? []).flatMap((identity) =>
            PersonalData.isErased(identity.subject)
              ? []
              : [release(into.identities, identityKey(identity.provider, identity.subject), event.accountId)],
          ),
          into.accounts.put({
            ...current,
            ...(current.identities === undefined
              ? {}
              : {
                  identities: current.identities.map((identity) => ({
                    provider: identity.provider,
                    subject: PersonalData.ERASED,
                  })),
                }),
            login: PersonalData.ERASED,
            firstName: PersonalData.ERASED,
            lastName: PersonalData.ERASED,
            ...(current.alias === undefined ? {} : { alias: PersonalData.ERASED }),
            ...(current.email === undefined ? {} : { email: PersonalData.ERASED }),
          }),
        ].flat()
      }),
    StructureRegistered: (event, into) =>
      into.structures.update(
        event.structureId,
        (current) =>
          current ?? {
            structureId: event.structureId,
            kind: event.kind,
            ...hierarchyOf(event),
          },
      ),
    StructureHierarchyChanged: (event, into) =>
      into.structures.update(
        event.structureId,
        (current) => current && { structureId: current.structureId, kind: current.kind, ...hierarchyOf(event) },
      ),
    GroupOpened: (event, into) =>
      into.groups.update(event.groupId, (current) => ({
        groupId: event.groupId,
        structureId: event.structureId,
        kind: event.kind,
        ...(event.function === undefined ? {} : { function: event.function }),
        open: true,
        members: current?.open ? current.members : [],
      })),
    GroupAssigned: (event, into) =>
      into.groups.read(event.groupId, (group) =>
        group === undefined
          ? []
          : [
              into.groups.put({
                ...group,
                members: [
                  ...group.members.filter((member) => member.accountId !== event.accountId),
                  {
                    accountId: event.accountId,
                    role: event.role,
                  },
                ],
              }),
              into.memberships.update(event.accountId, (current) => ({
                accountId: event.accountId,
                groups: [
                  ...(current?.groups ?? []).filter((membership) => membership.groupId !== event.groupId),
                  {
                    structureId: group.structureId,
                    groupId: group.groupId,
                    kind: group.kind,
                    role: event.role,
                    ...(group.function === undefined ? {} : { function: group.function }),
                  },
                ],
              })),
            ],
      ),
    GroupUnassigned: (event, into) => [
      into.groups.update(
        event.groupId,
        (group) =>
          group && { ...group, members: group.members.filter((member) => member.accountId !== event.accountId) },
      ),
      leave(into, event.accountId, event.groupId),
    ],
    // Memberships end with their group (BR-GRP-4). A school year's close lists its classes' closes first.
    GroupClosed: (event, into) => closeGroup(into, event.groupId),
    ClassClosed: (event, into) => closeGroup(into, event.groupId),
    SectionCreated: (event, into) =>
      into.sections.update(
        event.sectionId,
        (current) => current ?? { sectionId: event.sectionId, structureId: event.owner.structureId },
      ),
    HomeworkBookOpened: (event, into) =>
      into.books.update(
        event.homeworkBookId,
        (current) => current ?? { homeworkBookId: event.homeworkBookId, structureId: event.structureId },
      ),
  },
})

const closeGroup = (into: Writers, groupId: GroupId) =>
  into.groups.read(groupId, (group) =>
    group === undefined
      ? []
      : [
          ...group.members.map((member) => leave(into, member.accountId, groupId)),
          into.groups.put({ ...group, open: false, members: [] }),
        ],
  )

const hierarchyOf = (fields: Structure.Hierarchy) => ({
  ...(fields.districtId === undefined ? {} : { districtId: fields.districtId }),
  ...(fields.departmentId === undefined ? {} : { departmentId: fields.departmentId }),
  ...(fields.academyId === undefined ? {} : { academyId: fields.academyId }),
})

/**
 * One account as the log says it is now.
 *
 * @since 0.1.0
 */
export interface AccountFacts {
  readonly accountId: AccountId
  readonly profile: Profile
  readonly state: AccountState
  readonly blockedApplications: ReadonlyArray<string>
  /** Undefined once erased (BR-ACC-9). */
  readonly login: string | undefined
  readonly alias: string | undefined
  /** Personal: `PersonalData.ERASED` once erased. */
  readonly firstName: string
  readonly lastName: string
  readonly structureIds: ReadonlyArray<StructureId>
  /** The open classes (kind `Class`) he is a pupil of (BR-GRP-2, BR-ACC-5). */
  readonly classIds: ReadonlyArray<GroupId>
  /** The relative accounts linked to him as a pupil (BR-ACC-7). */
  readonly relativeIds: ReadonlyArray<AccountId>
}

/**
 * A live account a directory feed provisioned in a school (neither pre-deleted nor deleted), with the
 * feed's id of the person (Authorization.Service.feedMembers).
 *
 * @since 0.1.0
 */
export interface FeedMember {
  readonly accountId: AccountId
  readonly externalId: string
}

/**
 * What a directory feed compares of an account with its export (Authorization.Service.feedStates): the
 * account's state in the log, as its Account stream folds to.
 *
 * @since 0.1.0
 */
export interface FeedState {
  readonly accountId: AccountId
  readonly profile: Profile
  readonly deletion: AccountEntry["deletion"]
  /** Personal: `PersonalData.ERASED` once erased. */
  readonly firstName: string
  readonly lastName: string
  readonly email: string | undefined
  /** None once erased. */
  readonly schooling: ReadonlyArray<Schooling.Schooling>
  readonly structureIds: ReadonlyArray<StructureId>
}

/**
 * A class or group as the log has it now.
 *
 * @since 0.1.0
 */
export interface GroupFacts {
  readonly groupId: GroupId
  readonly structureId: StructureId
  readonly kind: GroupEntry["kind"]
  readonly open: boolean
}

/**
 * What the Workspace needs of a signed-in account for every command: its state and its roles.
 *
 * @since 0.1.0
 */
export interface SignedIn {
  readonly state: AccountState
  readonly roles: ReadonlyArray<Actor.Role>
}

/**
 * The state of an account entry (BR-ACC-12): deletion first, then blocking, then activation.
 *
 * @since 0.1.0
 */
export const stateOf = (entry: AccountEntry): AccountState =>
  entry.deletion === "Deleted"
    ? "deleted"
    : entry.deletion === "PreDeleted"
      ? "pre-deleted"
      : entry.blocked
        ? "blocked"
        : entry.activated
          ? "active"
          : "inactive"

const clear = (value: string | undefined): string | undefined =>
  value === undefined || PersonalData.isErased(value) ? undefined : value

/**
 * The roles the log gives an account: administrator rights with the level of the
 * structure they were granted on (BR-ACC-11; a structure not registered counts
 * as a school), the platform right, inspector access (BR-CDT-5), direction and
 * the mail-merge role through functional groups (BR-GRP-3, BR-MM-1), teaching
 * through memberships with role Teacher (BR-GRP-1). Never `System`.
 *
 * @since 0.1.0
 */
export const rolesOf = (
  entry: AccountEntry | undefined,
  memberships: Memberships | undefined,
  structures: ReadonlyArray<StructureEntry>,
): ReadonlyArray<Actor.Role> => {
  const roles: Array<Actor.Role> = []
  if (entry !== undefined) {
    if (entry.platformAdministrator) roles.push({ _tag: "Administrator", level: "Platform" })
    for (const scopeId of entry.administratorOf) {
      const structure = structures.find((candidate) => candidate.structureId === scopeId)
      roles.push({
        _tag: "Administrator",
        level: structure === undefined ? "School" : Structure.adminLevelOf(structure.kind),
        scopeId,
      })
    }
    if (entry.inspector) roles.push({ _tag: "Inspector" })
  }
  const groups = memberships?.groups ?? []
  const schools = [...new Set(groups.map((group) => group.structureId))]
  for (const structureId of schools) {
    const here = groups.filter((group) => group.structureId === structureId)
    if (here.some((group) => group.kind === "FunctionalGroup" && group.function === "Direction")) {
      roles.push({ _tag: "Direction", structureId })
    }
    if (here.some((group) => group.kind === "FunctionalGroup" && group.function === "MailMerge")) {
      roles.push({ _tag: "MailMergeManager", structureId })
    }
    const taught = here.filter((group) => group.role === "Teacher").map((group) => group.groupId)
    if (taught.length > 0) roles.push({ _tag: "Teacher", structureId, groupIds: taught })
  }
  return roles
}

const factsOf = (
  entry: AccountEntry,
  memberships: Memberships | undefined,
  relatives: Relatives | undefined,
): AccountFacts => ({
  accountId: entry.accountId,
  profile: entry.profile,
  state: stateOf(entry),
  blockedApplications: entry.blockedApplications,
  login: clear(entry.login),
  alias: clear(entry.alias),
  firstName: entry.firstName,
  lastName: entry.lastName,
  structureIds: entry.structureIds,
  classIds: (memberships?.groups ?? [])
    .filter((group) => group.kind === "Class" && group.role === "Student")
    .map((group) => group.groupId),
  relativeIds: relativeIdsOf(relatives),
})

/**
 * A pupil's profile and his linked relatives, as {@link Authorization.Service.pupilRelatives} reads them.
 *
 * @since 0.1.0
 */
export interface PupilRelatives {
  readonly profile: Profile | undefined
  readonly relatives: ReadonlyArray<{
    readonly accountId: AccountId
    /** Personal: `PersonalData.ERASED` once erased. */
    readonly firstName: string
    readonly lastName: string
    readonly state: AccountState
  }>
}

/**
 * @since 0.1.0
 */
export declare namespace Authorization {
  /**
   * The queries of the facts read model. They take ids, never an `Actor`.
   *
   * @since 0.1.0
   */
  export interface Service {
    /** The signed-in account as an actor, its roles from the log; an unknown account has none. */
    readonly actor: (accountId: AccountId) => Effect.Effect<Actor.Actor, ReadModelError>
    /** The roles of an account (see {@link rolesOf}). */
    readonly roles: (accountId: AccountId) => Effect.Effect<ReadonlyArray<Actor.Role>, ReadModelError>
    /**
     * A signed-in account's state and roles in the reads of `roles` alone (what the Workspace
     * looks up for every command); undefined for an account never provisioned.
     */
    readonly signedIn: (accountId: AccountId) => Effect.Effect<SignedIn | undefined, ReadModelError>
    /** An account's facts, if it was provisioned. */
    readonly account: (accountId: AccountId) => Effect.Effect<AccountFacts | undefined, ReadModelError>
    /** The facts of the accounts of these ids that exist, in the order of `ids`. */
    readonly accounts: (ids: ReadonlyArray<AccountId>) => Effect.Effect<ReadonlyArray<AccountFacts>, ReadModelError>
    /**
     * A pupil's profile (undefined for an account never provisioned) and the relatives linked to him, with
     * their names and state (BR-ACC-7): what a link needs, in three reads rather than an account's six.
     */
    readonly pupilRelatives: (pupilId: AccountId) => Effect.Effect<PupilRelatives, ReadModelError>
    /** {@link pupilRelatives} of many pupils in three reads, by pupil (at most 10,000 pupils and relatives). */
    readonly pupilsRelatives: (
      pupilIds: ReadonlyArray<AccountId>,
    ) => Effect.Effect<ReadonlyMap<AccountId, PupilRelatives>, ReadModelError>
    /** Where a registered structure sits (BR-SIG-2). */
    readonly location: (structureId: StructureId) => Effect.Effect<Actor.Location | undefined, ReadModelError>
    /** The account holding this login or alias, one namespace (BR-ACC-10). */
    readonly loginHolder: (login: string) => Effect.Effect<AccountId | undefined, ReadModelError>
    /** The accounts holding these logins or aliases, by login (those held; at most 10,000 logins). */
    readonly loginHolders: (
      logins: ReadonlyArray<string>,
    ) => Effect.Effect<ReadonlyMap<string, AccountId>, ReadModelError>
    /** The account provisioned from this feed person (BR-ACC-8). */
    readonly feedHolder: (source: string, externalId: string) => Effect.Effect<AccountId | undefined, ReadModelError>
    /** The accounts provisioned from these feed persons, by external id (those that have one; at most 10,000 ids). */
    readonly feedHolders: (
      source: string,
      externalIds: ReadonlyArray<string>,
    ) => Effect.Effect<ReadonlyMap<string, AccountId>, ReadModelError>
    /**
     * What a directory feed compares of these accounts with its export, by account id (those that exist;
     * at most 10,000 ids): the log's state of each, without reading its stream.
     */
    readonly feedStates: (
      accountIds: ReadonlyArray<AccountId>,
    ) => Effect.Effect<ReadonlyMap<AccountId, FeedState>, ReadModelError>
    /** The relatives linked to each of these pupils, with the links' flags (BR-ACC-7), for those that have any. */
    readonly pupilLinks: (
      pupilIds: ReadonlyArray<AccountId>,
    ) => Effect.Effect<ReadonlyMap<AccountId, Relatives["links"]>, ReadModelError>
    /**
     * The live accounts (neither pre-deleted nor deleted) a feed provisioned that are attached to this
     * school, by external id, read from an index alone: what BR-FEED-1's share counts.
     */
    readonly feedMembers: (
      source: string,
      structureId: StructureId,
    ) => Effect.Effect<ReadonlyArray<FeedMember>, ReadModelError>
    /** The account an external identity is linked to (BR-ACC-10). */
    readonly identityHolder: (provider: string, subject: string) => Effect.Effect<AccountId | undefined, ReadModelError>
    /** The school of a homework book. */
    readonly homeworkBookSchool: (id: HomeworkBookId) => Effect.Effect<StructureId | undefined, ReadModelError>
    /** The school of a section (rubrique). */
    readonly sectionSchool: (id: SectionId) => Effect.Effect<StructureId | undefined, ReadModelError>
    /** A class or group: its kind, its school and whether it is open. */
    readonly group: (groupId: GroupId) => Effect.Effect<GroupFacts | undefined, ReadModelError>
    /** What a section's grants may name of an account: its profile, schools and open groups (BR-RUB-1). */
    readonly sectionMember: (accountId: AccountId) => Effect.Effect<SectionMember, ReadModelError>
    /** A school's communication rules, the default ones until its administrators change them (BR-MSG-1). */
    readonly communicationPolicy: (structureId: StructureId) => Effect.Effect<CommunicationPolicy, ReadModelError>
    /** What messaging knows of the accounts of these ids that exist, in the order of `ids` (BR-MSG-1, BR-ACC-6). */
    readonly correspondents: (
      ids: ReadonlyArray<AccountId>,
    ) => Effect.Effect<ReadonlyArray<Correspondent>, ReadModelError>
    /** An open group's school and members; undefined for a group unknown or closed. */
    readonly groupMembers: (
      groupId: GroupId,
    ) => Effect.Effect<
      { readonly structureId: StructureId; readonly accountIds: ReadonlyArray<AccountId> } | undefined,
      ReadModelError
    >
    /** How many accounts a school has ("Tous"), and the first `limit` of them by id. */
    readonly schoolAccounts: (
      structureId: StructureId,
      limit: number,
    ) => Effect.Effect<{ readonly size: number; readonly accountIds: ReadonlyArray<AccountId> }, ReadModelError>
    /** A message or a targeted communication, as a reply or a report needs it. */
    readonly correspondence: (
      kind: "Message" | "TargetedCommunication",
      id: string,
    ) => Effect.Effect<MessagingFacts.CorrespondenceEntry | undefined, ReadModelError>
    /**
     * Every account of these schools as a targeted communication matches it, now (BR-MSG-3): its levels,
     * sub-levels and disciplines in these schools (a relative's levels and sub-levels his enrolled
     * children's), and the functions of the functional groups it is in there.
     */
    readonly directory: (
      structureIds: ReadonlyArray<StructureId>,
    ) => Effect.Effect<ReadonlyArray<DirectoryEntry>, ReadModelError>
  }
}

/**
 * The facts read model's queries.
 *
 * @since 0.1.0
 */
export class Authorization extends Context.Tag("@cartable/read-models/Authorization")<
  Authorization,
  Authorization.Service
>() {}

/**
 * The queries over the serving tables of {@link AuthorizationProjection}.
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<Authorization.Service, never, ReadModelStore> = Effect.gen(function* () {
  const accounts = yield* ProjectionRuntime.reader(AuthorizationProjection, "accounts")
  const memberships = yield* ProjectionRuntime.reader(AuthorizationProjection, "memberships")
  const relatives = yield* ProjectionRuntime.reader(AuthorizationProjection, "relatives")
  const structures = yield* ProjectionRuntime.reader(AuthorizationProjection, "structures")
  const logins = yield* ProjectionRuntime.reader(AuthorizationProjection, "logins")
  const feedIds = yield* ProjectionRuntime.reader(AuthorizationProjection, "feedIds")
  const identities = yield* ProjectionRuntime.reader(AuthorizationProjection, "identities")
  const books = yield* ProjectionRuntime.reader(AuthorizationProjection, "books")
  const sections = yield* ProjectionRuntime.reader(AuthorizationProjection, "sections")
  const groups = yield* ProjectionRuntime.reader(AuthorizationProjection, "groups")
  const communicationRules = yield* ProjectionRuntime.reader(AuthorizationProjection, "communicationRules")
  const correspondence = yield* ProjectionRuntime.reader(AuthorizationProjection, "correspondence")

  /** The accounts of a school, every page. */
  const accountsOf = (structureId: StructureId) =>
    Effect.gen(function* () {
      const found: Array<AccountEntry> = []
      let after: string | undefined
      do {
        const page = yield* accounts.find({ index: "structure", equals: structureId, after, limit: 1_000 })
        found.push(...page.documents)
        after = page.next
      } while (after !== undefined)
      return found
    })

  const withMemberships = (entries: ReadonlyArray<AccountEntry>) =>
    Effect.map(
      entries.length === 0 ? Effect.succeed([]) : memberships.getMany(entries.map((entry) => entry.accountId)),
      (found) => {
        const groupsOf = new Map(found.map((membership) => [membership.accountId, membership.groups]))
        return entries.map((entry) => ({ entry, groups: groupsOf.get(entry.accountId) ?? [] }))
      },
    )

  /** The documents the roles are derived from: the account, its memberships, the structures it administers. */
  const roleDocuments = (accountId: AccountId) =>
    Effect.gen(function* () {
      const [entry, groups] = yield* Effect.all([accounts.get(accountId), memberships.get(accountId)])
      const granted = entry?.administratorOf ?? []
      const scopes = granted.length === 0 ? [] : yield* structures.getMany(granted)
      return { entry, roles: rolesOf(entry, groups, scopes) }
    })

  const roles = (accountId: AccountId) => Effect.map(roleDocuments(accountId), (found) => found.roles)

  const factsOfMany = (ids: ReadonlyArray<AccountId>) =>
    Effect.gen(function* () {
      if (ids.length === 0) return []
      const [entries, groups, links] = yield* Effect.all([
        accounts.getMany(ids),
        memberships.getMany(ids),
        relatives.getMany(ids),
      ])
      // By account: a thousand accounts a call (the import's) would be a million comparisons per list.
      const groupsOf = new Map(groups.map((group) => [group.accountId, group]))
      const linksOf = new Map(links.map((link) => [link.pupilId, link]))
      return entries.map((entry) => factsOf(entry, groupsOf.get(entry.accountId), linksOf.get(entry.accountId)))
    })

  /**
   * The levels and sub-levels each relative has through the pupils linked to him, in these schools: pupils
   * still enrolled (not pre-deleted nor deleted), of the accounts given.
   */
  const childrenSchooling = (entries: ReadonlyArray<AccountEntry>, structureIds: ReadonlyArray<StructureId>) =>
    Effect.gen(function* () {
      const out = new Map<AccountId, { levels: Set<string>; subLevels: Set<string> }>()
      const pupils = new Map<AccountId, AccountEntry>()
      for (const entry of entries) {
        const state = stateOf(entry)
        if (entry.profile !== "Student" || entry.schooling === undefined) continue
        if (state === "pre-deleted" || state === "deleted") continue
        pupils.set(entry.accountId, entry)
      }
      if (pupils.size === 0) return out
      for (const link of yield* relatives.getMany([...pupils.keys()])) {
        const schooling = pupils.get(link.pupilId)?.schooling ?? []
        for (const relativeId of relativeIdsOf(link)) {
          const into = out.get(relativeId) ?? { levels: new Set<string>(), subLevels: new Set<string>() }
          for (const code of Schooling.codesIn(schooling, "levels", structureIds)) into.levels.add(code)
          for (const code of Schooling.codesIn(schooling, "subLevels", structureIds)) into.subLevels.add(code)
          out.set(relativeId, into)
        }
      }
      return out
    })

  /** Each pupil's profile and relatives, in three reads for all of them. */
  const pupilsRelatives = (pupilIds: ReadonlyArray<AccountId>) =>
    Effect.gen(function* () {
      const pupils = yield* accounts.getMany(pupilIds)
      const links = pupils.length === 0 ? [] : yield* relatives.getMany(pupils.map((pupil) => pupil.accountId))
      const linksOf = new Map(links.map((entry) => [entry.pupilId, relativeIdsOf(entry)]))
      const wanted = [...new Set(links.flatMap(relativeIdsOf))]
      const relativeOf = new Map(
        (wanted.length === 0 ? [] : yield* accounts.getMany(wanted)).map((entry) => [entry.accountId, entry]),
      )
      const out = new Map<AccountId, PupilRelatives>()
      const found = new Map(pupils.map((pupil) => [pupil.accountId, pupil]))
      for (const pupilId of pupilIds) {
        const pupil = found.get(pupilId)
        const linked = (pupil === undefined ? [] : (linksOf.get(pupilId) ?? [])).flatMap((relativeId) => {
          const entry = relativeOf.get(relativeId)
          return entry === undefined ? [] : [entry]
        })
        out.set(pupilId, {
          profile: pupil?.profile,
          relatives: linked.map((entry) => ({
            accountId: entry.accountId,
            firstName: entry.firstName,
            lastName: entry.lastName,
            state: stateOf(entry),
          })),
        })
      }
      return out
    })

  return {
    actor: (accountId) => Effect.map(roles(accountId), (list): Actor.Actor => ({ accountId, roles: list })),
    roles,
    signedIn: (accountId) =>
      Effect.map(roleDocuments(accountId), ({ entry, roles }) =>
        entry === undefined ? undefined : { state: stateOf(entry), roles },
      ),
    account: (accountId) => Effect.map(factsOfMany([accountId]), (found) => found[0]),
    accounts: factsOfMany,
    pupilRelatives: (pupilId) => Effect.map(pupilsRelatives([pupilId]), (found) => found.get(pupilId)!),
    pupilsRelatives,
    location: (structureId) =>
      Effect.map(structures.get(structureId), (entry) =>
        entry === undefined ? undefined : Structure.locationFrom(entry.structureId, entry.kind, entry),
      ),
    loginHolder: (login) => Effect.map(logins.get(login), (entry) => entry?.accountId),
    loginHolders: (keys) =>
      Effect.map(logins.getMany(keys), (entries) => new Map(entries.map((entry) => [entry.key, entry.accountId]))),
    feedHolder: (source, externalId) =>
      Effect.map(feedIds.get(feedKey(source, externalId)), (entry) => entry?.accountId),
    feedHolders: (source, externalIds) => {
      const idOf = new Map(externalIds.map((externalId) => [feedKey(source, externalId), externalId]))
      return Effect.map(
        feedIds.getMany([...idOf.keys()]),
        (entries) => new Map(entries.map((entry) => [idOf.get(entry.key)!, entry.accountId])),
      )
    },
    feedStates: (accountIds) =>
      Effect.map(
        accountIds.length === 0 ? Effect.succeed([]) : accounts.getMany(accountIds),
        (entries) =>
          new Map(
            entries.map((entry) => [
              entry.accountId,
              {
                accountId: entry.accountId,
                profile: entry.profile,
                deletion: entry.deletion,
                firstName: entry.firstName,
                lastName: entry.lastName,
                email: entry.email,
                schooling: entry.schooling ?? [],
                structureIds: entry.structureIds,
              } satisfies FeedState,
            ]),
          ),
      ),
    pupilLinks: (pupilIds) =>
      Effect.map(
        pupilIds.length === 0 ? Effect.succeed([]) : relatives.getMany(pupilIds),
        (entries) => new Map(entries.map((entry) => [entry.pupilId, entry.links])),
      ),
    feedMembers: (source, structureId) =>
      Effect.gen(function* () {
        const found: Array<FeedMember> = []
        const prefix = feedMemberPrefix(source, structureId)
        let after: string | undefined
        do {
          const page = yield* accounts.entries({ index: "feed_member", prefix, after, limit: 10_000 })
          for (const { key, value } of page.entries) {
            const [, , externalId] = JSON.parse(value!) as [string, string, string]
            found.push({ accountId: key as AccountId, externalId })
          }
          after = page.next
        } while (after !== undefined)
        return found
      }),
    identityHolder: (provider, subject) =>
      Effect.map(identities.get(identityKey(provider, subject)), (entry) => entry?.accountId),
    homeworkBookSchool: (id) => Effect.map(books.get(id), (entry) => entry?.structureId),
    sectionSchool: (id) => Effect.map(sections.get(id), (entry) => entry?.structureId),
    group: (groupId) =>
      Effect.map(groups.get(groupId), (entry) =>
        entry === undefined
          ? undefined
          : { groupId: entry.groupId, structureId: entry.structureId, kind: entry.kind, open: entry.open },
      ),
    sectionMember: (accountId) =>
      Effect.map(
        Effect.all([accounts.get(accountId), memberships.get(accountId)]),
        ([entry, member]): SectionMember => ({
          ...(entry === undefined ? {} : { profile: entry.profile }),
          structureIds: entry?.structureIds ?? [],
          groupIds: (member?.groups ?? []).map((group) => group.groupId),
        }),
      ),
    communicationPolicy: (structureId) =>
      Effect.map(communicationRules.get(structureId), (entry) =>
        entry === undefined ? CommunicationRules.defaultPolicy : { rules: entry.rules, everyone: entry.everyone },
      ),
    correspondents: (ids) =>
      Effect.gen(function* () {
        if (ids.length === 0) return []
        const found = yield* withMemberships(yield* accounts.getMany(ids))
        return found.map(({ entry, groups }) => ({
          accountId: entry.accountId,
          profile: entry.profile,
          state: stateOf(entry),
          messagingBlocked: entry.blockedApplications.includes(MESSAGING),
          structureIds: entry.structureIds,
          groupIds: groups.map((group) => group.groupId),
        }))
      }),
    groupMembers: (groupId) =>
      Effect.map(groups.get(groupId), (group) =>
        group === undefined || !group.open
          ? undefined
          : { structureId: group.structureId, accountIds: group.members.map((member) => member.accountId) },
      ),
    schoolAccounts: (structureId, limit) =>
      Effect.gen(function* () {
        const size = yield* accounts.count({ index: "structure", equals: structureId })
        const page = yield* accounts.find({ index: "structure", equals: structureId, limit: Math.max(1, limit) })
        return { size, accountIds: page.documents.slice(0, limit).map((entry) => entry.accountId) }
      }),
    correspondence: (kind, id) => correspondence.get(MessagingFacts.correspondenceKey(kind, id)),
    directory: (structureIds) =>
      Effect.gen(function* () {
        const seen = new Set<string>()
        const entries: Array<AccountEntry> = []
        for (const structureId of structureIds) {
          for (const entry of yield* accountsOf(structureId)) {
            if (seen.has(entry.accountId)) continue
            seen.add(entry.accountId)
            entries.push(entry)
          }
        }
        const found = yield* withMemberships(entries)
        const children = yield* childrenSchooling(entries, structureIds)
        // Levels, sub-levels and disciplines are the account's own in these schools, and a relative's are his
        // children's (004: "Profil Parent, Niveau 3ème"). Functions are those of the functional groups he is in, in
        // these schools too (`Direction`, `SuperAdministrator`, `MailMerge`; `Other` is none).
        return found.map(({ entry, groups }): DirectoryEntry => {
          const own = entry.schooling ?? []
          const through = children.get(entry.accountId)
          return {
            accountId: entry.accountId,
            profile: entry.profile,
            state: stateOf(entry),
            messagingBlocked: entry.blockedApplications.includes(MESSAGING),
            structureIds: entry.structureIds,
            levels: union(Schooling.codesIn(own, "levels", structureIds), through?.levels),
            subLevels: union(Schooling.codesIn(own, "subLevels", structureIds), through?.subLevels),
            functions: [
              ...new Set(
                groups.flatMap((group) =>
                  group.kind === "FunctionalGroup" &&
                  group.function !== undefined &&
                  group.function !== "Other" &&
                  structureIds.includes(group.structureId)
                    ? [group.function]
                    : [],
                ),
              ),
            ],
            disciplines: Schooling.codesIn(own, "disciplines", structureIds),
          }
        })
      }),
  }
})

/**
 * The {@link Authorization} service over the read-model store the runtime writes.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<Authorization, never, ReadModelStore> = Layer.effect(Authorization, make)

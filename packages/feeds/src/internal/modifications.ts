/**
 * An incremental export's modify requests of people, the import's last step: each replaces the
 * attributes it names and those only, as a full export of the changed directory would give them.
 * Everything the record names is checked first, on the files read and on the log (its schools, classes,
 * groups and relatives): a record that names one unknown applies nothing. Deciding what a record
 * changes is pure (`decide`); giving it reads the log (`apply`).
 */

import * as Account from "@cartable/domain/Account"
import type { RelativeLink, Schooling } from "@cartable/domain/AccountEvents"
import type * as Domain from "@cartable/domain/Domain"
import { type AccountId, type GroupId, StructureId } from "@cartable/domain/Ids"
import * as SchoolingValues from "@cartable/domain/Schooling"
import * as Structure from "@cartable/domain/Structure"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import type { EventStore } from "@cartable/eventlog/EventStore"
import { Authorization } from "@cartable/read-models/Authorization"
import * as Effect from "effect/Effect"
import type { Pupil, Relative, Staff } from "../AafRecord.ts"
import type { Error as ImportStoreError } from "../FeedImport.ts"
import type * as ImportProblem from "../ImportProblem.ts"
import { modifiedSchooling, type Plan, type SchoolPlan, unknownMefMessage } from "./importPlan.ts"
import { DIRECTION, type SchoolStream } from "./schoolStream.ts"

type PersonRecord = Pupil | Relative | Staff
type Intent = Record<string, unknown>

/** A command of a record's change: on a school's stream (`school`, its UAI) or on an account. */
export interface Given {
  readonly intent: Intent
  readonly school?: string
  /** Whether it changes the person's own account's identity or schooling (the report's `updated`). */
  readonly updates?: boolean
}

/** What a modify request changes, or why it applies nothing. */
export type Change =
  | { readonly _tag: "Refused"; readonly message: string }
  | {
      readonly _tag: "Change"
      /** In the order given: profile, identity, schooling, new schools, memberships, links, schools left. */
      readonly commands: ReadonlyArray<Given>
      /** MEFs without a `MefEducNat` record among the files read, and the attribute naming them. */
      readonly unknownMefs: { readonly attribute: "ENTEleveMEF" | "ENTAuxEnsMEF"; readonly count: number } | undefined
      /** The pupil's relatives, before and after: their schools follow their children's (BR-ACC-8). */
      readonly relatives: ReadonlyArray<AccountId>
    }

/** The schools of the files read, by jointure id, and the way back from a UAI. */
export interface Files {
  readonly schools: ReadonlyMap<string, SchoolPlan>
  readonly uaiOf: ReadonlyMap<string, string>
  readonly jointureOf: ReadonlyMap<string, string>
}

/** The schools of a plan, indexed once for all its modify requests. */
const filesOf = (plan: Plan): Files => ({
  schools: new Map(plan.schools.map((school) => [school.jointure, school])),
  uaiOf: new Map(plan.schools.map((school) => [school.jointure, school.uai as string])),
  jointureOf: new Map(plan.schools.map((school) => [school.uai as string, school.jointure])),
})

/** What deciding a change reads: the files read, the person's account and his schools as the log has them. */
export interface Input {
  readonly plan: Plan
  readonly files: Files
  readonly record: PersonRecord
  readonly account: Account.Account
  /** The state of every school of the files read whose stream the import holds, by UAI. */
  readonly states: ReadonlyMap<string, Structure.Structure>
  /** The accounts of the relatives the record lists (`ENTElevePersRelEleve`), by export id. */
  readonly relativeHolders: ReadonlyMap<string, AccountId>
  /** The relatives the log links the pupil to now. */
  readonly relativesNow: ReadonlyArray<AccountId>
  /** A relative's children's schools, as the log has them. */
  readonly childrenSchools: ReadonlyArray<string>
}

/** A membership the feed gives: a group of a school, with what a teacher teaches there. */
interface Wanted {
  readonly uai: string
  readonly groupId: GroupId
  readonly subjects: ReadonlyArray<string>
  readonly principal: boolean
}

/** A kind of feed membership an attribute (or several) gives, replaced whole when the record names one. */
interface Slot {
  readonly role: "Student" | "Teacher" | "Member"
  readonly matches: (group: Structure.Group) => boolean
  readonly wanted: ReadonlyArray<Wanted>
}

const refused = (message: string): Change => ({ _tag: "Refused", message })
const notInFiles = "is not in the files read (add the schools of the last full export)"
const notRead = (attribute: string, jointure: string) => refused(`${attribute}: school ${jointure} ${notInFiles}`)

/** What `record` changes of the person's account and of his memberships, decided on the log's state. */
export const decide = (input: Input): Change => {
  const { plan, record, account, states } = input
  const { schools, uaiOf, jointureOf } = input.files
  const replaced = (name: string) => record.attributes.get(name)
  const replaces = (...names: ReadonlyArray<string>) => names.some((name) => record.attributes.has(name))
  const names = [replaced("givenName"), replaced("sn")]
  if (names.some((values) => values !== undefined && values.length === 0)) {
    return refused("givenName or sn: replaced with no value (a person keeps a name)")
  }
  const held = (jointure: string) => {
    const uai = uaiOf.get(jointure)
    return uai !== undefined && states.has(uai) ? uai : undefined
  }

  // Schools first: every one the record names is read, or nothing applies.
  const rattach: Array<string> = []
  for (const jointure of replaced("ENTPersonStructRattach") ?? []) {
    const uai = held(jointure)
    if (uai === undefined) return notRead("ENTPersonStructRattach", jointure)
    if (!rattach.includes(uai)) rattach.push(uai)
  }
  const schooling = modifiedSchooling(plan, record, account.schooling, uaiOf, account.structureIds[0])
  if (schooling !== undefined && "unknownSchool" in schooling) {
    return refused(`School ${schooling.unknownSchool} ${notInFiles}`)
  }
  const slots: Array<Slot> = []
  const named: Array<string> = [...rattach]
  const name = (uai: string) => {
    if (!named.includes(uai)) named.push(uai)
  }
  /** The groups a membership list names, checked against the schools read. */
  const listed = (
    attribute: string,
    list: ReadonlyArray<{ readonly structureId: string; readonly code: string }>,
    kind: "classes" | "groups",
  ): ReadonlyArray<{ readonly uai: string; readonly jointure: string; readonly code: string }> | Change => {
    const out: Array<{ uai: string; jointure: string; code: string }> = []
    for (const { structureId, code } of list) {
      const uai = held(structureId)
      if (uai === undefined) return notRead(attribute, structureId)
      if (!schools.get(structureId)![kind].has(code)) {
        return refused(`${attribute}: ${uai} lists no ${kind === "classes" ? "class" : "group"} ${code}`)
      }
      out.push({ uai, jointure: structureId, code })
    }
    return out
  }
  const feedMembership = (group: Structure.Group, role: Slot["role"]) => {
    const member = group.members.get(account.accountId)
    return group.open && member?.source === "Feed" && member.role === role ? member : undefined
  }
  const kindIs = (kind: Structure.GroupKind) => (group: Structure.Group) =>
    kind !== "FunctionalGroup" ? group.kind === kind : group.kind === kind && group.function === "Direction"

  let profile = account.profile
  if (record._tag === "Pupil") {
    const lists = [
      ["ENTEleveClasses", record.classes, "classes", "Class"],
      ["ENTEleveGroupes", record.groups, "groups", "TeachingGroup"],
    ] as const
    for (const [attribute, list, kind, groupKind] of lists) {
      if (!replaces(attribute)) continue
      const found = listed(attribute, list, kind)
      if (!Array.isArray(found)) return found as Change
      const twice = kind === "classes" && found.find((one, i) => found.some((o, j) => j < i && o.uai === one.uai))
      if (twice) return refused(`${attribute}: two classes in ${twice.uai} (BR-GRP-2: one class per school and year)`)
      slots.push({
        role: "Student",
        matches: kindIs(groupKind),
        wanted: found.map(({ uai, code }) => ({
          uai,
          groupId: Structure.groupIdOf(StructureId.make(uai), code),
          subjects: [],
          principal: false,
        })),
      })
    }
  }

  if (record._tag === "Staff") {
    const lists = [
      ["ENTAuxEnsClasses", record.classes, "classes", "Class", "ENTAuxEnsClassesMatieres", record.classSubjects],
      ["ENTAuxEnsGroupes", record.groups, "groups", "TeachingGroup", "ENTAuxEnsGroupesMatieres", record.groupSubjects],
    ] as const
    /** The classes (or groups) the feed has him teach now, by group, with their school. */
    const feedTeaching = (groupKind: Structure.GroupKind) => {
      const taught = new Map<GroupId, { readonly uai: string; readonly member: Structure.Member }>()
      for (const [uai, state] of states) {
        for (const group of state.groups.values()) {
          const member = kindIs(groupKind)(group) ? feedMembership(group, "Teacher") : undefined
          if (member !== undefined) taught.set(group.groupId, { uai, member })
        }
      }
      return taught
    }
    const principalReplaced = replaces("ENTAuxEnsClassesPrincipal")
    const replacedTeaching = new Set<Structure.GroupKind>()
    for (const [attribute, list, kind, groupKind, subjectsAttribute, subjects] of lists) {
      const principalToo = kind === "classes" && principalReplaced
      if (!replaces(attribute, subjectsAttribute) && !principalToo) continue
      for (const teaching of replaces(subjectsAttribute) ? subjects : []) {
        if (held(teaching.structureId) === undefined) return notRead(subjectsAttribute, teaching.structureId)
      }
      for (const entry of principalToo ? record.principalOf : []) {
        if (held(entry.structureId) === undefined) return notRead("ENTAuxEnsClassesPrincipal", entry.structureId)
      }
      // What the record does not replace is kept from the log: the groups taught, their subjects, principal.
      const current = feedTeaching(groupKind)
      let taught: ReadonlyArray<{ readonly uai: string; readonly jointure: string | undefined; readonly code: string }>
      if (replaces(attribute)) {
        const found = listed(attribute, list, kind)
        if (!Array.isArray(found)) return found as Change
        taught = found
      } else {
        taught = [...current].map(([groupId, { uai }]) => ({
          uai,
          jointure: jointureOf.get(uai),
          code: groupId.slice(uai.length + 1),
        }))
      }
      replacedTeaching.add(groupKind)
      slots.push({
        role: "Teacher",
        matches: kindIs(groupKind),
        wanted: taught.map(({ uai, jointure, code }) => {
          const groupId = Structure.groupIdOf(StructureId.make(uai), code)
          const now = current.get(groupId)?.member
          const same = (entry: { readonly structureId: string; readonly code: string }) =>
            entry.structureId === jointure && entry.code === code
          return {
            uai,
            groupId,
            subjects: replaces(subjectsAttribute)
              ? subjects.filter(same).map((entry) => plan.subjects.get(entry.subjectCode) ?? entry.subjectCode)
              : (now?.subjects ?? []),
            principal: principalToo ? record.principalOf.some(same) : now?.principal === true,
          }
        }),
      })
    }
    if (replaces("ENTPersonFonctions")) {
      const direction: Array<string> = []
      for (const fn of record.functions) {
        const uai = held(fn.structureId)
        if (uai === undefined) return notRead("ENTPersonFonctions", fn.structureId)
        name(uai)
        if (fn.code === "DIR" && !direction.includes(uai)) direction.push(uai)
      }
      slots.push({
        role: "Member",
        matches: kindIs("FunctionalGroup"),
        wanted: direction.map((uai) => ({
          uai,
          groupId: Structure.groupIdOf(StructureId.make(uai), DIRECTION),
          subjects: [],
          principal: false,
        })),
      })
    }
    // The profile follows: a person who teaches (classes or groups the feed gives, or the function ENS) is a
    // teacher, one who does not is staff, as a full export decides it (BR-ACC-8). Without his functions
    // named, a person left with nothing to teach keeps his profile: his ENS is not known.
    if (replaces("ENTPersonFonctions") || replacedTeaching.size > 0) {
      const teaches =
        slots.some((slot) => slot.role === "Teacher" && slot.wanted.length > 0) ||
        lists.some(([, , , groupKind]) => !replacedTeaching.has(groupKind) && feedTeaching(groupKind).size > 0)
      const ens = replaces("ENTPersonFonctions") ? record.functions.some((fn) => fn.code === "ENS") : undefined
      profile = teaches || ens === true ? "Teacher" : ens === false ? "Personnel" : account.profile
    }
    for (const taught of replaces("ENTAuxEnsMEF") ? record.mefs : []) {
      const uai = held(taught.structureId)
      if (uai === undefined) return notRead("ENTAuxEnsMEF", taught.structureId)
      name(uai)
    }
  }
  for (const slot of slots) for (const { uai } of slot.wanted) name(uai)

  // A pupil's relatives, each of them with an account already (this export's own added before).
  const links: Array<RelativeLink & { readonly relativeId: AccountId }> = []
  if (record._tag === "Pupil" && replaces("ENTElevePersRelEleve")) {
    for (const link of record.relatives) {
      const relativeId = input.relativeHolders.get(link.relativeId)
      if (relativeId === undefined) {
        return refused(
          `ENTElevePersRelEleve: relative ${link.relativeId} has no account (not in this export nor before)`,
        )
      }
      if (links.some((l) => l.relativeId === relativeId)) continue
      const { financial, contact } = link
      links.push({ relativeId, pupilId: account.accountId, legalAuthority: link.legal !== 0, financial, contact })
    }
  }

  const commands: Array<Given> = []
  const accountId = account.accountId
  if (profile !== account.profile) {
    commands.push({ intent: { _tag: "ChangeAccountProfile", accountId, profile }, updates: true })
  }
  const firstName = names[0]?.[0] ?? account.firstName
  const lastName = names[1]?.[0] ?? account.lastName
  const mail = replaced("mail")?.[0]
  if (
    firstName !== account.firstName ||
    lastName !== account.lastName ||
    (mail !== undefined && mail !== account.email)
  ) {
    commands.push({
      intent: {
        _tag: "UpdateAccountIdentity",
        accountId,
        firstName,
        lastName,
        ...(mail === undefined ? {} : { email: mail }),
      },
      updates: true,
    })
  }
  const newSchooling: ReadonlyArray<Schooling> = schooling === undefined ? account.schooling : schooling.schooling
  if (schooling !== undefined && !SchoolingValues.equivalent(account.schooling, schooling.schooling)) {
    commands.push({
      intent: { _tag: "UpdateAccountSchooling", accountId, schooling: schooling.schooling },
      updates: true,
    })
  }
  for (const uai of named) {
    if (!account.structureIds.includes(uai as StructureId)) {
      commands.push({ intent: { _tag: "AttachAccountToStructure", accountId, structureId: uai } })
    }
  }
  // The feed's memberships of each kind replaced: those listed given, the others ended (BR-GRP-6); a
  // membership given by hand is not the feed's and stays.
  const ending = new Set<GroupId>()
  for (const slot of slots) {
    for (const wanted of slot.wanted) {
      commands.push({
        school: wanted.uai,
        intent: {
          _tag: "AssignToGroup",
          structureId: wanted.uai,
          groupId: wanted.groupId,
          accountId,
          role: slot.role,
          source: "Feed",
          ...(wanted.subjects.length === 0 ? {} : { subjects: wanted.subjects }),
          ...(wanted.principal ? { principal: true } : {}),
        },
      })
    }
    for (const [uai, state] of states) {
      for (const group of state.groups.values()) {
        if (!slot.matches(group) || feedMembership(group, slot.role) === undefined) continue
        if (slot.wanted.some((wanted) => wanted.groupId === group.groupId)) continue
        ending.add(group.groupId)
        commands.push({
          school: uai,
          intent: { _tag: "UnassignFromGroup", structureId: uai, groupId: group.groupId, accountId, source: "Feed" },
        })
      }
    }
  }
  if (record._tag === "Pupil" && replaces("ENTElevePersRelEleve")) {
    for (const relativeId of input.relativesNow) {
      if (links.some((link) => link.relativeId === relativeId)) continue
      commands.push({ intent: { _tag: "UnlinkRelative", accountId: relativeId, pupilId: accountId } })
    }
    for (const { relativeId, ...link } of links) {
      commands.push({ intent: { _tag: "LinkRelative", accountId: relativeId, link } })
    }
  }
  // A replaced attachment is the truth of the schools read: he leaves those where nothing of the feed
  // keeps him (a membership not replaced, his levels or disciplines there, a relative's children).
  if (replaces("ENTPersonStructRattach")) {
    const keeps = (uai: string) =>
      named.includes(uai) ||
      newSchooling.some((entry) => entry.structureId === uai) ||
      input.childrenSchools.includes(uai) ||
      [...(states.get(uai)?.groups.values() ?? [])].some((group) => {
        const member = group.members.get(accountId)
        return group.open && member?.source === "Feed" && !ending.has(group.groupId)
      })
    const leaving = account.structureIds.filter((uai) => states.has(uai) && !keeps(uai))
    if (named.length === 0 && leaving.length === account.structureIds.length) {
      return refused("ENTPersonStructRattach: the modification leaves the person in no school")
    }
    for (const structureId of leaving) {
      commands.push({ intent: { _tag: "DetachAccountFromStructure", accountId, structureId } })
    }
  }
  return {
    _tag: "Change",
    commands,
    unknownMefs:
      schooling === undefined || schooling.unknownMefs === 0
        ? undefined
        : { attribute: record._tag === "Pupil" ? "ENTEleveMEF" : "ENTAuxEnsMEF", count: schooling.unknownMefs },
    relatives: [...new Set([...input.relativesNow, ...links.map((link) => link.relativeId)])],
  }
}

/** What giving the modifications needs of the import's run. */
export interface Run {
  readonly plan: Plan
  readonly source: string
  readonly streams: ReadonlyMap<string, SchoolStream>
  readonly give: (
    intent: Intent,
    onRefused: (message: string) => void,
  ) => Effect.Effect<ReadonlyArray<Domain.Event> | undefined, ImportStoreError>
  /** Reports the record (once, whatever number of its commands fail). */
  readonly refuse: (record: PersonRecord, message: string) => void
  readonly warn: (problem: ImportProblem.ImportProblem) => void
  /** Counts an account updated. */
  readonly updated: () => void
}

/** The commands of a pupil's change after which his relatives' schools are decided again. */
const follows = new Set(["AttachAccountToStructure", "DetachAccountFromStructure", "LinkRelative", "UnlinkRelative"])

const loadAccount = (accountId: AccountId) =>
  Effect.map(CommandHandler.load(Account.aggregate, accountId), ({ state }) =>
    state._tag === "Account" ? state : undefined,
  )

/** Gives each modify request's change, record after record. */
export const apply = (run: Run): Effect.Effect<void, ImportStoreError, Authorization | EventStore> =>
  Effect.gen(function* () {
    const facts = yield* Authorization
    const files = filesOf(run.plan)
    for (const record of run.plan.modifications) {
      const refuse = (message: string) => run.refuse(record, message)
      const accountId = yield* facts.feedHolder(run.source, record.id)
      if (accountId === undefined) {
        refuse("No account holds this feed person: a modification follows the import that added him")
        continue
      }
      const account = yield* loadAccount(accountId)
      if (account === undefined) continue
      const states = new Map<string, Structure.Structure>()
      for (const [uai, stream] of run.streams) {
        const state = stream.state()
        if (state._tag === "Structure") states.set(uai, state)
      }
      const relativeHolders =
        record._tag === "Pupil" && record.attributes.has("ENTElevePersRelEleve")
          ? yield* facts.feedHolders(
              run.source,
              record.relatives.map((link) => link.relativeId),
            )
          : new Map<string, AccountId>()
      const relativesNow = record._tag === "Pupil" ? ((yield* facts.account(accountId))?.relativeIds ?? []) : []
      const childrenSchools =
        record._tag === "Relative"
          ? (yield* facts.accounts(account.relativeOf.map((link) => link.pupilId))).flatMap((c) => c.structureIds)
          : []
      const change = decide({
        plan: run.plan,
        files,
        record,
        account,
        states,
        relativeHolders,
        relativesNow,
        childrenSchools,
      })
      if (change._tag === "Refused") {
        refuse(change.message)
        continue
      }
      if (change.unknownMefs !== undefined) {
        run.warn({
          source: record.source,
          category: record.category,
          id: record.id,
          severity: "warning",
          reason: "UnknownMef",
          message: unknownMefMessage(change.unknownMefs.attribute, change.unknownMefs.count),
        })
      }
      let updated = false
      let moved = false
      for (const { intent, school, updates } of change.commands) {
        const stream = school === undefined ? undefined : run.streams.get(school)
        const events = yield* stream === undefined ? run.give(intent, refuse) : stream.give(intent, refuse)
        if (events === undefined || events.length === 0) continue
        if (updates === true) updated = true
        if (follows.has(intent._tag as string)) moved = true
      }
      if (updated) run.updated()
      // A relative's schools are his children's (BR-ACC-8): those of the pupil's relatives follow his.
      if (moved && record._tag === "Pupil") yield* followChildren(run, change.relatives, refuse)
    }
  })

/** Each relative attached to his children's schools among those read, and detached from the others. */
const followChildren = (run: Run, relatives: ReadonlyArray<AccountId>, refuse: (message: string) => void) =>
  Effect.gen(function* () {
    const facts = yield* Authorization
    for (const relativeId of relatives) {
      const relative = yield* loadAccount(relativeId)
      if (relative === undefined || relative.relativeOf.length === 0) continue
      const children = yield* facts.accounts(relative.relativeOf.map((link) => link.pupilId))
      const wanted = [...new Set(children.flatMap((child) => child.structureIds))]
      if (wanted.length === 0) continue
      for (const structureId of wanted) {
        if (relative.structureIds.includes(structureId)) continue
        yield* run.give({ _tag: "AttachAccountToStructure", accountId: relativeId, structureId }, refuse)
      }
      for (const structureId of relative.structureIds) {
        if (!run.streams.has(structureId) || wanted.includes(structureId)) continue
        yield* run.give({ _tag: "DetachAccountFromStructure", accountId: relativeId, structureId }, refuse)
      }
    }
  })

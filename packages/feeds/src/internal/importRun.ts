/**
 * The import's run (FeedImport.ts says what it does): read the export into a
 * plan, then give its commands in an order where what a command names exists:
 * schools (and their holds), people, classes and groups with their members,
 * relatives' links, then the pre-deletions of the absent.
 */
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import type { Profile, RelativeLink } from "@cartable/domain/AccountEvents"
import * as Actor from "@cartable/domain/Actor"
import type * as Domain from "@cartable/domain/Domain"
import { AccountId, type StructureId } from "@cartable/domain/Ids"
import * as Schooling from "@cartable/domain/Schooling"
import * as Structure from "@cartable/domain/Structure"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import { EventStore } from "@cartable/eventlog/EventStore"
import { Authorization, type FeedMember, type FeedState } from "@cartable/read-models/Authorization"
import { Workspace } from "@cartable/workspace/Workspace"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import type { AafElement, Source } from "../AafRecord.ts"
import type { HeldSchool, Options, Phase, Report } from "../FeedImport.ts"
import { FeedImportError } from "../FeedImportError.ts"
import * as ImportProblem from "../ImportProblem.ts"
import { collector, type PersonPlan, type SchoolPlan } from "./importPlan.ts"
import * as Logins from "./logins.ts"
import * as Modifications from "./modifications.ts"
import { DIRECTION, type Member, type SchoolStream } from "./schoolStream.ts"

/**
 * People whose facts the import reads in one call (the read model answers many keys in one statement
 * per collection; its limit is 10,000).
 */
const LOOKUPS = 1_000

const feedActor = Actor.system("aaf-import")

const fatal = new Set(["EventStoreError", "ReadModelError", "ConcurrencyConflict"])

/** A command's failure that a record explains (a rule, a fact, a field), as opposed to a store's. */
const isRefusal = (error: { readonly _tag: string }): boolean => !fatal.has(error._tag)

const describe = (error: { readonly _tag: string; readonly message?: string; readonly ruleId?: string }): string =>
  `${error.ruleId === undefined ? error._tag : error.ruleId}: ${error.message ?? error._tag}`

const digestOf = (structureId: string, preDeleted: ReadonlyArray<string>, moved: ReadonlyArray<string>): string =>
  Crypto.createHash("sha256")
    .update(JSON.stringify([structureId, [...preDeleted].sort(), [...moved].sort()]))
    .digest("hex")
    .slice(0, 24)

const liveState = (state: string) => state !== "deleted" && state !== "pre-deleted"

export const run = <E, R>(elements: Stream.Stream<AafElement, E, R>, options: Options) =>
  Effect.gen(function* () {
    const source = options.source ?? "AAF"
    const threshold = options.threshold ?? 0.1
    const batchSize = options.batchSize ?? 200
    if (!(threshold >= 0 && threshold <= 1)) {
      return yield* new FeedImportError({
        reason: "InvalidOptions",
        message: `A threshold is a share from 0 to 1, got ${threshold}`,
      })
    }
    if (!(Number.isSafeInteger(batchSize) && batchSize >= 1)) {
      return yield* new FeedImportError({
        reason: "InvalidOptions",
        message: `A batch size is a whole number of commands of at least 1, got ${batchSize}`,
      })
    }
    if (source.trim() === "") {
      return yield* new FeedImportError({ reason: "InvalidOptions", message: "A feed's source is not empty" })
    }
    const full = options.mode === "full"
    const workspace = yield* Workspace
    const facts = yield* Authorization
    const eventStore = yield* EventStore
    const session = workspace.system("aaf-import")
    const context = {
      occurredAt: options.occurredAt,
      ...(options.correlationId === undefined ? {} : { correlationId: options.correlationId }),
    }

    const passes = options.passes ?? 1
    if (passes !== 1 && passes !== 2) {
      return yield* new FeedImportError({
        reason: "InvalidOptions",
        message: `An import makes one or two passes over its people (passes 1 or 2), got ${passes}`,
      })
    }
    let phaseStarted = yield* Clock.currentTimeMillis
    // Read twice, the people's drafts wait in a temporary file, let go whatever ends the import.
    const planning = yield* Effect.acquireRelease(
      Effect.sync(() => collector(passes === 2)),
      (planning) => Effect.sync(planning.close),
    )
    const plan = yield* planOf(elements, planning)

    const problems: Array<ImportProblem.ImportProblem> = [...plan.problems]
    const failed = new Set<string>()
    const held: Array<HeldSchool> = []
    const counts = { provisioned: 0, updated: 0, preDeleted: 0, restored: 0 }
    let appended = 0
    const phases: Array<Phase> = []
    let eventsBefore = 0
    /** Ends the step under way: its time and the events it appended go to the report. */
    const ended = (name: Phase["name"]) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        phases.push({ name, seconds: (now - phaseStarted) / 1000, events: appended - eventsBefore })
        phaseStarted = now
        eventsBefore = appended
      })
    yield* ended("reading")

    /** Reports a record once, whatever number of its commands fail. */
    const report = (
      key: string,
      origin: {
        readonly source: Source
        readonly category: ImportProblem.ImportProblem["category"]
        readonly id: string
      },
      reason: "Refused" | "Held",
      message: string,
    ) => {
      if (failed.has(key)) return
      failed.add(key)
      problems.push({ ...origin, severity: "problem", reason, message })
    }

    /** Gives one command; a refusal is the record's problem, a store failure stops the import. */
    const give = (intent: Record<string, unknown>, onRefused: (message: string) => void) =>
      session.handle(intent, context).pipe(
        Effect.map((handled) => {
          appended += handled.events.length
          return handled.events as ReadonlyArray<Domain.Event>
        }),
        Effect.catchIf(isRefusal, (error) =>
          Effect.sync(() => {
            onRefused(describe(error as never))
            return undefined
          }),
        ),
      ) as Effect.Effect<ReadonlyArray<Domain.Event> | undefined, EventStoreErrorLike>

    // The batch path (docs/feed-import.md "Speed"): the intents of a phase are given batchSize at a time,
    // decided one after another and appended together in one transaction (session.handleBatch). A
    // phase only groups intents whose cross-aggregate facts no other intent of the batch changes.
    const pending: Array<{
      readonly intent: Record<string, unknown>
      readonly onRefused: (message: string) => void
      readonly then: (events: ReadonlyArray<Domain.Event> | undefined) => void
    }> = []
    const afterFlush: Array<() => void> = []
    /**
     * The pupils the new relatives of the batch being filled are linked to: a link's facts are its pupil's
     * other relatives, so a second relative of one pupil waits for the next batch, to be decided on the first.
     */
    const linkedInBatch = new Set<string>()
    /** The relatives (export ids) of the pupils of the batch being filled: their links wait for it. */
    const awaitedRelatives = new Set<string>()
    /**
     * Per login base, the first number worth trying: those below were held or chosen earlier in this
     * import, so that the n-th homonym costs one lookup, not n (an academy has hundreds of some names).
     */
    const loginFrom = new Map<string, number>()
    const flush = Effect.gen(function* () {
      const taken = pending.splice(0, pending.length)
      const after = afterFlush.splice(0, afterFlush.length)
      linkedInBatch.clear()
      awaitedRelatives.clear()
      if (taken.length > 0 && batchSize <= 1) {
        for (const entry of taken) entry.then(yield* give(entry.intent, entry.onRefused))
      } else if (taken.length > 0) {
        const outcomes = yield* session.handleBatch(
          taken.map((entry) => entry.intent),
          context,
        )
        for (let i = 0; i < taken.length; i++) {
          const outcome = outcomes[i]!
          const entry = taken[i]!
          if (Either.isRight(outcome)) {
            appended += outcome.right.events.length
            entry.then(outcome.right.events as ReadonlyArray<Domain.Event>)
          } else if (isRefusal(outcome.left)) {
            entry.onRefused(describe(outcome.left as never))
            entry.then(undefined)
          } else return yield* Effect.fail(outcome.left as EventStoreErrorLike)
        }
      }
      for (const run of after) run()
    })
    /** Queues an intent for the next batch; `then` gets its events, or undefined when it was refused. */
    const queue = (
      intent: Record<string, unknown>,
      onRefused: (message: string) => void,
      then: (events: ReadonlyArray<Domain.Event> | undefined) => void = () => {},
    ) => {
      pending.push({ intent, onRefused, then })
    }
    // A batch is given when it holds batchSize commands, or batchSize people wait for theirs: a re-import
    // that queues nothing still keeps what the next steps need as it goes, and lets each person's plan go.
    const flushWhenFull = Effect.suspend(() =>
      pending.length >= batchSize || afterFlush.length >= batchSize ? flush : Effect.void,
    )
    const counted = (key: keyof typeof counts) => (events: ReadonlyArray<Domain.Event> | undefined) => {
      if (events !== undefined && events.length > 0) counts[key]++
    }

    /**
     * A school's Structure stream, loaded once: its commands are decided here first with the domain's own
     * decide, and given only when they change something (an export imported again gives none); the state
     * follows the events they record. A command decided on a state another writer changed meanwhile is
     * decided again by the Workspace on the log: this only spares the no-ops.
     */
    const schoolStream = (structureId: string): Effect.Effect<SchoolStream, EventStoreErrorLike, EventStore> =>
      Effect.map(CommandHandler.load(Structure.aggregate, structureId), (loaded) => {
        let state = loaded.state
        return {
          state: () => state,
          give: (intent: Record<string, unknown>, onRefused: (message: string) => void) =>
            Effect.gen(function* () {
              const decided = Structure.decide({ ...intent, actor: feedActor } as Structure.StructureCommand, state)
              if (Either.isRight(decided) && decided.right.length === 0) return []
              const events = yield* give(intent, onRefused)
              if (events !== undefined) {
                for (const event of events) state = Structure.evolve(state, event as Structure.StructureEvent)
              }
              return events
            }),
          queue: (intent: Record<string, unknown>, onRefused: (message: string) => void) => {
            const decided = Structure.decide({ ...intent, actor: feedActor } as Structure.StructureCommand, state)
            if (Either.isRight(decided) && decided.right.length === 0) return true
            // The state follows the decision at once (the Workspace decides the same on the batch's
            // state); a refusal the batch reports makes the stream read again from the log.
            if (Either.isRight(decided)) {
              for (const event of decided.right) state = Structure.evolve(state, event)
            }
            queue(intent, onRefused, (events) => {
              if (events === undefined) stale.add(structureId)
            })
            return Either.isRight(decided)
          },
          reload: Effect.map(
            Effect.provideService(CommandHandler.load(Structure.aggregate, structureId), EventStore, eventStore),
            (again) => {
              state = again.state
            },
          ),
        }
      })
    /** Schools a batch refused a command of: their state is read again from the log. */
    const stale = new Set<string>()

    const schoolKey = (school: SchoolPlan) => `school:${school.jointure}`
    const personKey = (person: Origin) => `${person.category}:${person.id}`
    const refuseSchool = (school: SchoolPlan) => (message: string) =>
      report(
        schoolKey(school),
        { source: school.source, category: "EtabEducNat", id: school.jointure },
        "Refused",
        message,
      )
    const refusePerson = (person: Origin) => (message: string) =>
      report(personKey(person), { source: person.source, category: person.category, id: person.id }, "Refused", message)

    // 1. Schools: registered, their year opened, their hold decided before anyone of them is touched.
    const planned = plan.schoolsById
    const exportSchools = new Set(plan.schools.map((school) => school.uai as string))
    const blocked = new Set<string>()
    const absentOf = new Map<string, ReadonlyArray<FeedMember>>()
    const streams = new Map<string, SchoolStream>()
    for (const school of plan.schools) {
      const refused = refuseSchool(school)
      const stream = yield* schoolStream(school.uai)
      const registered = yield* stream.give(
        {
          _tag: "RegisterStructure",
          structureId: school.uai,
          uai: school.uai,
          name: school.name,
          kind: school.kind,
          ...(school.academy === undefined ? {} : { academyId: `academie-${school.academy.toLowerCase()}` }),
        },
        refused,
      )
      const state = stream.state()
      if (registered === undefined || state._tag === "Absent") {
        blocked.add(school.uai)
        continue
      }
      if (state.currentYear === undefined) {
        yield* stream.give({ _tag: "OpenSchoolYear", structureId: school.uai, schoolYear: options.schoolYear }, refused)
      }
      streams.set(school.uai, stream)
      if (!full) continue
      const current = yield* facts.feedMembers(source, school.uai as string as StructureId)
      const absent = current.filter((account) => !planned.has(account.externalId))
      const moved = current.filter((account) => {
        const schools = planned.get(account.externalId)
        return schools !== undefined && !schools.includes(school.uai)
      })
      absentOf.set(school.uai, absent)
      const share = current.length === 0 ? 0 : (absent.length + moved.length) / current.length
      if (share <= threshold) continue
      const digest = digestOf(
        school.uai,
        absent.map((account) => account.accountId),
        moved.map((account) => account.accountId),
      )
      if (state.confirmedImport === digest) continue
      const counted = { accounts: current.length, preDeletions: absent.length, moves: moved.length }
      yield* stream.give({ _tag: "HoldFeedImport", structureId: school.uai, digest, ...counted, threshold }, refused)
      blocked.add(school.uai)
      held.push({ structureId: school.uai, digest, ...counted, share, threshold })
      report(
        schoolKey(school),
        { source: school.source, category: "EtabEducNat", id: school.jointure },
        "Held",
        heldMessage(school.uai, held),
      )
    }

    // What follows needs no one's schools (a second pass plans them again as it reads each person).
    plan.schoolsById.clear()
    yield* ended("schools")

    // 2. People: provisioned once per feed person, kept up to date, attached to their schools.
    // What this step keeps for the next ones is held until they end, for every person of an academy: the
    // least of it, each map let go as soon as its last step is over.
    /** The relatives' accounts, by export id (the links' step names a relative by it). */
    const accountOf = new Map<string, AccountId>()
    /**
     * What the next steps need of the people provisioned, kept as each one's commands went through (not
     * the people themselves): the members of each school's classes, groups and direction, by code, in
     * the export's order, and the pupils' links.
     */
    const members = new Map<string, Map<string, Array<Member>>>()
    const links: Array<{
      readonly source: Source
      /** The pupil's export id. */
      readonly id: string
      readonly pupilId: AccountId
      readonly relatives: PersonPlan["relatives"]
      /** Provisioned by this run: the log links him to no relative but those this run gave. */
      readonly fresh: boolean
    }> = []
    const member = (uai: string, code: string, entry: Member) => {
      const school = members.get(uai) ?? new Map<string, Array<Member>>()
      members.set(uai, school)
      const list = school.get(code)
      if (list === undefined) school.set(code, [entry])
      else list.push(entry)
    }
    const keep = (person: PersonPlan, accountId: AccountId, fresh: boolean) => {
      for (const list of [person.classes, person.groups]) {
        for (const { uai, code } of list) member(uai, code, { accountId, role: "Student" })
      }
      for (const teaching of person.teaches) {
        member(teaching.uai, teaching.code, {
          accountId,
          role: "Teacher",
          ...(teaching.subjects.length === 0 ? {} : { subjects: teaching.subjects }),
          ...(teaching.principal ? { principal: true } : {}),
        })
      }
      for (const uai of person.direction) member(uai, DIRECTION, { accountId, role: "Member" })
      if (person.category === "Eleve") {
        // A pupil new to the log with no relative has no link to give nor to take back.
        if (!fresh || person.relatives.length > 0) {
          links.push({ source: person.source, id: person.id, pupilId: accountId, relatives: person.relatives, fresh })
        }
        person.relatives.forEach(({ relativeId, legalAuthority, financial, contact }, index) => {
          const children = childrenOf.get(relativeId)
          const last = index === person.relatives.length - 1
          const child = [{ pupilId: accountId, legalAuthority, financial, contact }, index, last] as const
          if (children === undefined) childrenOf.set(relativeId, [child])
          else children.push(child)
        })
        if (person.relatives.length > 0) nextLinkOf.set(accountId, 0)
      }
    }
    /**
     * A new relative's links to the pupils provisioned before him (the reader gives pupils first), by his
     * export id: they come with his provisioning, one command where there were as many as his children.
     */
    const childrenOf = new Map<string, Array<readonly [link: RelativeLink, index: number, last: boolean]>>()
    /**
     * Per pupil, the position in his list of relatives of the next link a provisioning may give (none when
     * his last was given, or none may be: the map empties as the links go): a pupil's links are given in his list's order, as the links' step gives them, so that of two
     * relatives with the same names (BR-ACC-7) the same one is linked however the export is read.
     */
    const nextLinkOf = new Map<AccountId, number>()
    /** New relatives whose provisioning with links a batch refused, to give again without them. */
    const retry: Array<PersonPlan> = []
    const retrying = new Set<string>()
    const noHolders: ReadonlyMap<string, AccountId> = new Map()
    const noStates: ReadonlyMap<AccountId, FeedState> = new Map()
    /**
     * A new relative waits for the next batch when a child of his is in this one (his link is given with
     * him once the child's account is in the log) or when another new relative of it shares a child.
     */
    const waitsForBatch = (person: PersonPlan, holders: ReadonlyMap<string, AccountId>) =>
      person.category === "PersRelEleve" &&
      !holders.has(person.id) &&
      (awaitedRelatives.has(person.id) ||
        (childrenOf.get(person.id) ?? []).some(([link]) => linkedInBatch.has(link.pupilId)))
    let index = 0
    /** The people of a chunk of `LOOKUPS`, whose accounts in the log are read in one call. */
    const provision = (chunk: ReadonlyArray<PersonPlan>) =>
      Effect.gen(function* () {
        const holders = yield* facts.feedHolders(
          source,
          chunk.map((next) => next.id),
        )
        // What the log says of each known person, compared with his plan (no stream read for it).
        const states = yield* facts.feedStates([...holders.values()])
        const one = (person: PersonPlan, holders: ReadonlyMap<string, AccountId>) => oneOf(person, holders, states)
        // Relatives who wait for the next batch (waitsForBatch), given as soon as a flush lets them.
        let waiting: Array<PersonPlan> = []
        const release = Effect.gen(function* () {
          const now = waiting
          waiting = []
          for (const next of now) {
            if (waitsForBatch(next, holders)) waiting.push(next)
            else yield* one(next, holders)
          }
        })
        for (const person of chunk) {
          if (waitsForBatch(person, holders)) waiting.push(person)
          else yield* one(person, holders)
          for (const again of retry.splice(0, retry.length)) yield* oneOf(again, noHolders, noStates)
          if (waiting.length > 0 && linkedInBatch.size === 0 && awaitedRelatives.size === 0) yield* release
        }
        while (waiting.length > 0) {
          yield* flush
          yield* release
        }
      })
    /** One person's commands, queued; his account in the log is in `holders`, its state in `states`. */
    const oneOf = (
      person: PersonPlan,
      holders: ReadonlyMap<string, AccountId>,
      states: ReadonlyMap<AccountId, FeedState>,
    ) =>
      Effect.gen(function* () {
        const key = personKey(person)
        // A person given again (his provisioning without links) is not counted twice.
        if (!retrying.delete(key)) options.onProgress?.(index++, plan.count)
        const stop = person.schools.find((uai) => blocked.has(uai))
        if (stop !== undefined) {
          const why = held.some((h) => h.structureId === stop) ? "Held" : "Refused"
          report(
            key,
            { source: person.source, category: person.category, id: person.id },
            why,
            why === "Held" ? heldMessage(stop, held) : `School ${stop} was refused`,
          )
          return
        }
        // The commands of a person whose provisioning is given again are not his record's refusals.
        const refused = (message: string) => {
          if (!retrying.has(key)) refusePerson(person)(message)
        }
        const existing = holders.get(person.id)
        const children = person.category === "PersRelEleve" ? (childrenOf.get(person.id) ?? []) : []
        childrenOf.delete(person.id)
        const given: Array<RelativeLink> = []
        let accountId: AccountId
        let attached: ReadonlyArray<string>
        if (existing === undefined) {
          accountId = AccountId.make(Crypto.randomUUID())
          const login = yield* freeLogin(facts, person.firstName, person.lastName, loginFrom)
          const activationCode = yield* options.activationCode
          // With the account, in one command: the e-mail, the levels, sub-levels and post disciplines
          // (BR-MSG-3), and a relative's links to the pupils provisioned before him (BR-ACC-7).
          for (const [link, position, last] of children) {
            if (nextLinkOf.get(link.pupilId) !== position) continue
            given.push(link)
            linkedInBatch.add(link.pupilId)
            if (last) nextLinkOf.delete(link.pupilId)
            else nextLinkOf.set(link.pupilId, position + 1)
          }
          queue(
            {
              _tag: "ProvisionAccount",
              accountId,
              profile: person.profile satisfies Profile,
              origin: { _tag: "Feed", source, externalId: person.id },
              structureId: person.schools[0],
              login,
              firstName: person.firstName,
              lastName: person.lastName,
              activationCode,
              ...(person.email === undefined ? {} : { email: person.email }),
              ...(person.schooling.length === 0 ? {} : { schooling: person.schooling }),
              ...(given.length === 0 ? {} : { links: given }),
            },
            // A link refused (a second account of the same person for a pupil, BR-ACC-7) refuses the
            // provisioning with it: the relative is given again without his links, which the links' step
            // gives one by one, the refused one reported on its pupil, as for a relative seen before.
            given.length === 0
              ? refused
              : () => {
                  retrying.add(key)
                  retry.push(person)
                  for (const link of given) nextLinkOf.delete(link.pupilId)
                },
            (done) => {
              if (done !== undefined) counts.provisioned++
            },
          )
          // The commands below are refused with the account when it was not provisioned: the record is
          // reported once, with the provisioning's reason.
          attached = [person.schools[0]!]
        } else {
          accountId = existing
          const account = states.get(existing)
          if (account === undefined) return
          if (account.deletion === "Deleted") {
            refused(`BR-ACC-8: the account of this feed person was deleted (${existing}): it is not provisioned again`)
            return
          }
          if (account.deletion === "PreDeleted") {
            queue({ _tag: "RestoreAccount", accountId }, refused, counted("restored"))
          }
          // A teacher who no longer teaches is staff, a staff member who teaches a teacher (BR-ACC-8).
          const profileChanged = account.profile !== person.profile
          if (profileChanged) {
            queue({ _tag: "ChangeAccountProfile", accountId, profile: person.profile }, refused, counted("updated"))
          }
          const { firstName, lastName, email } = person
          // An e-mail the export does not give is left as it was (UpdateAccountIdentity).
          const identityChanged =
            account.firstName !== firstName ||
            account.lastName !== lastName ||
            (email !== undefined && account.email !== email)
          if (identityChanged) {
            queue(
              {
                _tag: "UpdateAccountIdentity",
                accountId,
                firstName,
                lastName,
                ...(email === undefined ? {} : { email }),
              },
              refused,
              profileChanged ? undefined : counted("updated"),
            )
          }
          // Levels, sub-levels and post disciplines as the export has them, whole (BR-MSG-3); one update counted.
          if (!Schooling.equivalent(account.schooling, person.schooling)) {
            queue(
              { _tag: "UpdateAccountSchooling", accountId, schooling: person.schooling },
              refused,
              identityChanged || profileChanged ? undefined : counted("updated"),
            )
          }
          attached = account.structureIds
          // A full export is the truth of its schools: one the person left is detached (BR-ACC-8).
          if (full) {
            for (const structureId of attached) {
              if (!exportSchools.has(structureId) || blocked.has(structureId)) continue
              if (person.schools.includes(structureId as never)) continue
              queue({ _tag: "DetachAccountFromStructure", accountId, structureId }, refused)
            }
          }
        }
        for (const structureId of person.schools) {
          if (attached.includes(structureId)) continue
          queue({ _tag: "AttachAccountToStructure", accountId, structureId }, refused)
        }
        if (person.category === "Eleve") {
          for (const { relativeId } of person.relatives) awaitedRelatives.add(relativeId)
        }
        const holder = accountId
        const fresh = existing === undefined
        afterFlush.push(() => {
          if (failed.has(key) || retrying.has(key)) return
          if (person.category === "PersRelEleve") accountOf.set(person.id, holder)
          keep(person, holder, fresh)
        })
        // A person's commands stay in one batch: the batch is given between people.
        yield* flushWhenFull
      })
    if (plan.people !== undefined) {
      for (let from = 0; from < plan.people.length; from += LOOKUPS) {
        yield* provision(plan.people.slice(from, from + LOOKUPS))
      }
    } else {
      // The second of two passes: each person's draft read back, planned and given as it comes.
      let chunk: Array<PersonPlan> = []
      for (const person of planning.replay()) {
        chunk.push(person)
        if (chunk.length < LOOKUPS) continue
        yield* provision(chunk)
        chunk = []
      }
      if (chunk.length > 0) yield* provision(chunk)
    }
    yield* flush
    while (retry.length > 0) {
      for (const person of retry.splice(0, retry.length)) yield* oneOf(person, noHolders, noStates)
      yield* flush
    }
    planning.close()
    nextLinkOf.clear()
    childrenOf.clear()
    loginFrom.clear()
    retrying.clear()

    yield* ended("people")

    // 3. Classes, groups and the direction, with the members the feed owns (BR-GRP-6, BR-FEED-2).
    for (const school of plan.schools) {
      const stream = streams.get(school.uai)
      if (blocked.has(school.uai) || stream === undefined) continue
      const refused = refuseSchool(school)
      const inSchool = members.get(school.uai) ?? new Map<string, Array<Member>>()
      const groups: ReadonlyArray<readonly [string, string, Structure.GroupKind]> = [
        ...[...school.classes].map(([code, name]) => [code, name, "Class"] as const),
        ...[...school.groups].map(([code, name]) => [code, name, "TeachingGroup"] as const),
        [DIRECTION, Structure.functionalGroupNames.Direction, "FunctionalGroup"],
      ]
      for (const [code, name, kind] of groups) {
        const groupId = Structure.groupIdOf(school.uai as string as StructureId, code)
        const opens = stream.queue(
          {
            _tag: "OpenGroup",
            structureId: school.uai,
            groupId,
            kind,
            name,
            schoolYear: options.schoolYear,
            owner: "Feed",
            ...(kind === "FunctionalGroup" ? { function: "Direction" } : {}),
          },
          refused,
        )
        if (!opens) continue
        if (!full) {
          // An incremental export lists some people only: it adds their memberships, it replaces nobody's.
          for (const member of inSchool.get(code) ?? []) {
            stream.queue(
              {
                _tag: "AssignToGroup",
                structureId: school.uai,
                groupId,
                accountId: member.accountId,
                role: member.role,
                source: "Feed",
                ...(member.subjects === undefined ? {} : { subjects: member.subjects }),
                ...(member.principal === true ? { principal: true } : {}),
              },
              refused,
            )
          }
          continue
        }
        stream.queue(
          {
            _tag: "ImportGroupMembers",
            structureId: school.uai,
            groupId,
            roles: kind === "FunctionalGroup" ? ["Member"] : ["Student", "Teacher"],
            members: inSchool.get(code) ?? [],
          },
          refused,
        )
      }
      yield* flushWhenFull
      if (stale.has(school.uai)) {
        yield* flush
        yield* stream.reload
        stale.delete(school.uai)
      }
      // The feed's classes and groups the school no longer lists close (their memberships end with them).
      const state = stream.state()
      if (full && state._tag === "Structure") {
        for (const group of state.groups.values()) {
          if (!group.open || group.owner !== "Feed" || group.kind === "FunctionalGroup") continue
          const code = group.groupId.slice(school.uai.length + 1)
          if (school.classes.has(code) || school.groups.has(code)) continue
          stream.queue({ _tag: "CloseGroup", structureId: school.uai, groupId: group.groupId }, refused)
        }
      }
      yield* flushWhenFull
    }
    yield* flush
    for (const uai of stale) {
      yield* streams.get(uai)!.reload
    }
    stale.clear()
    members.clear()
    // The modifications' step decides on the schools' states; nothing else reads them again.
    if (plan.modifications.length === 0) streams.clear()

    yield* ended("groups")

    // 4. Relatives' links, with their flags (BR-ACC-7); a full export's links are all of the pupil's.
    // A link's facts are its pupil's other relatives: a batch holds at most one command per pupil (the
    // k-th of every pupil in round k), so that each is decided on the links given before it.
    // The relatives the log links each pupil to now, with the links' flags, read for `LOOKUPS` pupils at a
    // time; a pupil this run provisioned has only the relatives it gave him, all wanted: nothing to unlink.
    const perPupil: Array<Array<readonly [Record<string, unknown>, (message: string) => void]>> = []
    for (let from = 0; from < links.length; from += LOOKUPS) {
      const chunk = links.slice(from, from + LOOKUPS)
      const linkedNow = yield* facts.pupilLinks(chunk.map((entry) => entry.pupilId))
      for (const { source: at, id, pupilId, relatives, fresh } of chunk) {
        const current = linkedNow.get(pupilId) ?? []
        const refused = refusePerson({ source: at, category: "Eleve", id })
        const commands: Array<readonly [Record<string, unknown>, (message: string) => void]> = []
        const wanted = new Set<string>()
        for (const link of relatives) {
          const relativeId = accountOf.get(link.relativeId)
          if (relativeId === undefined) continue
          wanted.add(relativeId)
          const { legalAuthority, financial, contact } = link
          const now = current.find((known) => known.relativeId === relativeId)
          if (now?.legalAuthority === legalAuthority && now.financial === financial && now.contact === contact) continue
          commands.push([
            { _tag: "LinkRelative", accountId: relativeId, link: { pupilId, legalAuthority, financial, contact } },
            refused,
          ])
        }
        for (const { relativeId } of full && !fresh ? current : []) {
          if (wanted.has(relativeId)) continue
          commands.push([{ _tag: "UnlinkRelative", accountId: relativeId, pupilId }, refused])
        }
        if (commands.length > 0) perPupil.push(commands)
      }
    }
    links.length = 0
    accountOf.clear()
    for (let round = 0; perPupil.some((commands) => commands.length > round); round++) {
      for (const commands of perPupil) {
        const command = commands[round]
        if (command === undefined) continue
        queue(command[0], command[1])
        yield* flushWhenFull
      }
      yield* flush
    }

    yield* ended("links")

    // 5. The absent: pre-deleted when every school of theirs is in the export, else detached from those (BR-ACC-12).
    const done = new Set<string>()
    for (const [uai, members] of absentOf) {
      if (blocked.has(uai)) continue
      const absent = members.filter((member) => !done.has(member.accountId))
      for (const member of absent) done.add(member.accountId)
      for (let from = 0; from < absent.length; from += LOOKUPS) {
        const chunk = absent.slice(from, from + LOOKUPS)
        // Their schools as the log holds them now: the index named the accounts, their documents say where else.
        const states = yield* facts.feedStates(chunk.map((member) => member.accountId))
        for (const member of chunk) {
          const account = states.get(member.accountId)
          if (account === undefined || account.deletion !== "None") continue
          const refused = (message: string) =>
            problems.push({
              source: { file: "(log)", line: 0 },
              severity: "warning",
              reason: "AbsenceRefused",
              message: `${member.accountId}: ${message}`,
              category: undefined,
              id: member.externalId,
            })
          const elsewhere = account.structureIds.some((structureId) => !exportSchools.has(structureId))
          if (!elsewhere) {
            queue({ _tag: "PreDeleteAccount", accountId: member.accountId }, refused, counted("preDeleted"))
          } else {
            for (const structureId of account.structureIds) {
              if (!exportSchools.has(structureId) || blocked.has(structureId)) continue
              queue({ _tag: "DetachAccountFromStructure", accountId: member.accountId, structureId }, refused)
            }
          }
          yield* flushWhenFull
        }
      }
    }
    yield* flush

    yield* ended("absent")

    // 6. An incremental export's deletions pre-delete (the delay of the process managers follows).
    for (const deletion of plan.deletions) {
      const accountId = yield* facts.feedHolder(source, deletion.id)
      const account = accountId === undefined ? undefined : yield* facts.account(accountId)
      if (accountId === undefined || account === undefined || !liveState(account.state)) continue
      const changed = yield* give({ _tag: "PreDeleteAccount", accountId }, (message) =>
        report(`${deletion.category}:${deletion.id}`, { ...deletion }, "Refused", message),
      )
      if (changed !== undefined && changed.length > 0) counts.preDeleted++
    }

    yield* ended("deletions")

    // 7. An incremental export's modifications: the attributes they replace, and those only.
    yield* Modifications.apply({
      plan,
      source,
      streams,
      give,
      refuse: (record, message) =>
        report(
          `${record.category}:${record.id}`,
          { source: record.source, category: record.category, id: record.id },
          "Refused",
          message,
        ),
      warn: (problem) => problems.push(problem),
      updated: () => {
        counts.updated++
      },
    })

    yield* ended("modifications")
    options.onProgress?.(plan.count, plan.count)
    const reported = problems.filter((problem) => problem.severity === "problem").length
    if (options.reportFile !== undefined) {
      const file = options.reportFile
      const text = [ImportProblem.header, ...problems.map(ImportProblem.toLine)].join("\n")
      yield* Effect.tryPromise({
        try: () => Fs.promises.writeFile(file, `${text}\n`),
        catch: (cause) =>
          new FeedImportError({
            reason: "Unexpected",
            message: `The report file ${file} could not be written: ${String(cause)}`,
          }),
      })
    }
    return {
      read: plan.read,
      imported: plan.read - reported,
      reported,
      problems,
      held,
      schools: plan.schools.length,
      accounts: counts,
      events: appended,
      phases,
    } satisfies Report
  }).pipe(Effect.scoped)

type EventStoreErrorLike = import("../FeedImport.ts").Error

/** The export read into its plan (people drafted as they are read: their records are let go). */
const planOf = <E, R>(elements: Stream.Stream<AafElement, E, R>, collecting: ReturnType<typeof collector>) =>
  Effect.map(
    Stream.runForEach(elements, (element) => Effect.sync(() => collecting.add(element))),
    () => collecting.plan(),
  )

/** Where a person's problems point. */
interface Origin {
  readonly source: Source
  readonly category: ImportProblem.ImportProblem["category"] & string
  readonly id: string
}

const heldMessage = (uai: string, held: ReadonlyArray<HeldSchool>): string => {
  const school = held.find((h) => h.structureId === uai)
  if (school === undefined) return `School ${uai} was refused`
  return (
    `BR-FEED-1: the import of ${uai} would pre-delete ${school.preDeletions} and move ${school.moves} of its ` +
    `${school.accounts} accounts (${Math.round(school.share * 100)} % > ${Math.round(school.threshold * 100)} %): ` +
    `held until an administrator confirms ${school.digest}`
  )
}

/**
 * The first login of the person's names that nobody holds (BR-ACC-10), from the number `from` gives for
 * its base (the logins this import chose before, not yet in the read model, are below it); the log's
 * claim refuses a taken one at the append all the same.
 */
const freeLogin = (facts: Authorization.Service, firstName: string, lastName: string, from: Map<string, number>) =>
  Effect.gen(function* () {
    const base = Logins.base(firstName, lastName)
    for (let n = from.get(base) ?? 1; ; n++) {
      const login = Logins.candidate(base, n)
      if ((yield* facts.loginHolder(login)) !== undefined) continue
      from.set(base, n + 1)
      return login
    }
  })

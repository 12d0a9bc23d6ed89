/**
 * Completes the cross-aggregate fact fields of a command (ARCHITECTURE.md
 * principle 9) from the Authorization read model: the holders of a login or a
 * feed person, a pupil's classes and relatives, a school's location and the
 * reporter's schools, an inspector's roles, the locations of the schools an
 * administrator acts on. The command comes with its actor already resolved; the
 * fact fields it may carry are replaced, never trusted. One lookup per fact a
 * command needs, none for commands without cross facts. The lookups run one
 * after another: a fiber forked per lookup costs more CPU than the lookup on
 * SQLite (docs/performance.md "Importing a directory").
 *
 * @since 0.1.0
 */
import * as AccountCommands from "@cartable/domain/AccountCommands"
import type * as Actor from "@cartable/domain/Actor"
import * as CommunicationRulesCommands from "@cartable/domain/CommunicationRulesCommands"
import * as Fact from "@cartable/domain/Fact"
import * as HomeworkBookCommands from "@cartable/domain/HomeworkBookCommands"
import { type AccountId, type GroupId, type HomeworkBookId, StructureId } from "@cartable/domain/Ids"
import * as Message from "@cartable/domain/Message"
import type { ReadModelError } from "@cartable/projections/ReadModelStore"
import { Authorization, type PupilRelatives } from "@cartable/read-models/Authorization"
import * as Effect from "effect/Effect"
import * as SectionFacts from "./sectionFacts.ts"

type Fields = Readonly<Record<string, unknown>>

/** The command without these fields: a fact the log does not give stays absent, whatever the caller sent. */
const without = (command: Fields, ...keys: ReadonlyArray<string>): Record<string, unknown> => {
  const rest: Record<string, unknown> = { ...command }
  for (const key of keys) delete rest[key]
  return rest
}

/** `{ [key]: value }`, or nothing when the log has no value. */
const optional = (key: string, value: unknown): Fields => (value === undefined ? {} : { [key]: value })

/**
 * Where a book the log does not know sits: nowhere an administrator covers. Its
 * commands are refused as "not open" before the location is looked at.
 */
const nowhere = (): Actor.Location => ({ structureId: StructureId.make("unknown") })

const bookLocation = (facts: Authorization.Service, homeworkBookId: HomeworkBookId) =>
  Effect.flatMap(facts.homeworkBookSchool(homeworkBookId), (structureId) =>
    structureId === undefined
      ? Effect.succeed(nowhere())
      : Effect.map(facts.location(structureId), (location) => location ?? { structureId }),
  )

/** The commands an administrator may give, which carry the schools' locations (BR-ACC-11). */
const locatedTags: ReadonlySet<string> = new Set(
  Object.entries({
    ...AccountCommands.commands,
    ...HomeworkBookCommands.commands,
    ...CommunicationRulesCommands.commands,
  })
    .filter(([, command]) => Fact.factFields(command).includes("locations"))
    .map(([tag]) => tag),
)

/** Whether the actor holds an administrator's right of a district, a department or an academy. */
const aboveSchool = (actor: Actor.Actor | undefined): boolean =>
  actor?.roles.some(
    (role) =>
      role._tag === "Administrator" &&
      (role.level === "District" || role.level === "Department" || role.level === "Academy"),
  ) ?? false

/** The school the command names, or else the account's schools, or a homework book's, as the log has them. */
const schoolsConcerned = (
  facts: Authorization.Service,
  command: Fields,
): Effect.Effect<ReadonlyArray<StructureId>, ReadModelError> => {
  if (typeof command.structureId === "string") return Effect.succeed([command.structureId as StructureId])
  if (typeof command.accountId === "string") {
    return Effect.map(facts.account(command.accountId as AccountId), (account) => account?.structureIds ?? [])
  }
  if (typeof command.homeworkBookId === "string") {
    return Effect.map(facts.homeworkBookSchool(command.homeworkBookId as HomeworkBookId), (school) =>
      school === undefined ? [] : [school],
    )
  }
  return Effect.succeed([])
}

/**
 * Where the schools concerned sit, one lookup per school; a school
 * the log does not know is left out, so its administrators are judged on its id.
 */
const withLocations = (facts: Authorization.Service, command: Fields): Effect.Effect<Fields, ReadModelError> =>
  Effect.gen(function* () {
    const structureIds = yield* schoolsConcerned(facts, command)
    return { ...command, locations: yield* locationsOf(facts, structureIds) }
  })

/** Where these schools sit, those the log knows. */
const locationsOf = (facts: Authorization.Service, structureIds: ReadonlyArray<StructureId>) =>
  Effect.map(
    Effect.forEach(structureIds, (structureId) => facts.location(structureId)),
    (found) => found.filter((location): location is Actor.Location => location !== undefined),
  )

/** The schools of a targeted communication, as the log has them (none for one it does not know). */
const communicationSchools = (facts: Authorization.Service, communicationId: string) =>
  Effect.map(facts.correspondence("TargetedCommunication", communicationId), (entry) => entry?.structureIds ?? [])

/**
 * One recipient choice resolved from the log (BR-MSG-1, BR-MSG-2, BR-ACC-6): an account, an open group of the
 * school, or the school's accounts for "Tous"; past the group limit only one member more than the limit is read.
 */
const resolveChoice = (
  facts: Authorization.Service,
  structureId: StructureId,
  choice: Message.RecipientChoice,
): Effect.Effect<Message.ResolvedChoice, ReadModelError> => {
  const enough = Message.groupLimit + 1
  switch (choice._tag) {
    case "Account":
      return Effect.map(facts.correspondents([choice.accountId]), (members) => ({
        choice,
        found: members.length > 0,
        size: members.length,
        members,
      }))
    case "Group":
      return Effect.flatMap(
        facts.groupMembers(choice.groupId as GroupId),
        (group): Effect.Effect<Message.ResolvedChoice, ReadModelError> =>
          group === undefined || group.structureId !== structureId
            ? Effect.succeed({ choice, found: false, size: 0, members: [] })
            : Effect.map(facts.correspondents(group.accountIds.slice(0, enough)), (members) => ({
                choice,
                found: true,
                size: group.accountIds.length,
                members,
              })),
      )
    case "Everyone":
      return Effect.flatMap(facts.schoolAccounts(structureId, enough), ({ size, accountIds }) =>
        Effect.map(facts.correspondents(accountIds), (members) => ({ choice, found: true, size, members })),
      )
  }
}

const completeMessage = (facts: Authorization.Service, command: Fields): Effect.Effect<Fields, ReadModelError> =>
  Effect.gen(function* () {
    const structureId = command.structureId as StructureId
    const actor = command.actor as Actor.Actor
    const inReplyTo = command.inReplyTo as Message.Correspondence | undefined
    const [senders, policy, resolved, replied] = yield* Effect.all([
      facts.correspondents([actor.accountId]),
      facts.communicationPolicy(structureId),
      Effect.forEach(command.recipients as ReadonlyArray<Message.RecipientChoice>, (choice) =>
        resolveChoice(facts, structureId, choice),
      ),
      inReplyTo === undefined ? Effect.succeed(undefined) : facts.correspondence(inReplyTo.kind, inReplyTo.id),
    ])
    return {
      ...without(command, "sender", "policy", "resolved", "replyTarget"),
      ...optional("sender", senders[0]),
      policy,
      resolved,
      ...optional("replyTarget", replied && { replyable: replied.replyable, participants: replied.participants }),
    }
  })

/** A pupil a relative is linked to, as the log knows him: his profile and his relatives not deleted (BR-ACC-7). */
const linkedPupil = (facts: Authorization.Service, pupilId: AccountId) =>
  Effect.map(facts.pupilRelatives(pupilId), ({ profile, relatives }) => ({
    profile,
    relatives: relatives
      .filter((relative) => relative.state !== "deleted")
      .map(({ accountId, firstName, lastName }) => ({ accountId, firstName, lastName })),
  }))

/** The feed person a provisioning claims, when a feed provisions it. */
const feedPersonOf = (command: Fields): { readonly source: string; readonly externalId: string } | undefined => {
  const origin = command.origin as { readonly _tag: string; readonly source?: string; readonly externalId?: string }
  return origin._tag === "Feed"
    ? { source: origin.source as string, externalId: origin.externalId as string }
    : undefined
}

/** The links a relative's provisioning brings. */
const linksOf = (command: Fields) => (command.links ?? []) as ReadonlyArray<{ readonly pupilId: AccountId }>

/** The pupil a link names. */
const linkedPupilOf = (command: Fields) => (command.link as { readonly pupilId: AccountId }).pupilId

const completeWith = (facts: Authorization.Service, command: Fields): Effect.Effect<Fields, ReadModelError> => {
  switch (command._tag) {
    case "ProvisionAccount": {
      const person = feedPersonOf(command)
      const links = linksOf(command)
      return Effect.map(
        Effect.all([
          facts.loginHolder(command.login as string),
          person === undefined ? Effect.succeed(undefined) : facts.feedHolder(person.source, person.externalId),
          Effect.forEach(links, ({ pupilId }) =>
            Effect.map(linkedPupil(facts, pupilId), ({ profile, relatives }) => ({
              pupilId,
              ...optional("profile", profile),
              relatives,
            })),
          ),
        ]),
        ([loginHolder, feedHolder, pupils]) => ({
          ...without(command, "loginHolder", "feedHolder", "pupils"),
          ...optional("loginHolder", loginHolder),
          ...optional("feedHolder", feedHolder),
          ...(links.length === 0 ? {} : { pupils }),
        }),
      )
    }
    case "SetLoginAlias":
      return Effect.map(facts.loginHolder(command.alias as string), (holder) => ({
        ...without(command, "aliasHolder"),
        ...optional("aliasHolder", holder),
      }))
    case "LinkExternalIdentity":
      return Effect.map(facts.identityHolder(command.provider as string, command.subject as string), (holder) => ({
        ...without(command, "identityHolder"),
        ...optional("identityHolder", holder),
      }))
    case "IssuePasswordRenewalCode":
      return Effect.map(facts.account(command.accountId as AccountId), (account) => ({
        ...command,
        pupilClassIds: account?.classIds ?? [],
      }))
    case "LinkRelative":
      return Effect.map(linkedPupil(facts, linkedPupilOf(command)), ({ profile, relatives }) => ({
        ...without(command, "pupilProfile"),
        ...optional("pupilProfile", profile),
        pupilRelatives: relatives,
      }))
    case "LinkAccompanyingAdult":
      return Effect.map(facts.account(command.pupilId as AccountId), (pupil) => ({
        ...without(command, "pupilProfile"),
        ...optional("pupilProfile", pupil?.profile),
      }))
    case "ReportContent": {
      const structureId = command.structureId as StructureId
      const content = command.content as { readonly kind: string; readonly contentId: string }
      // A school the log does not know has no parents to alert: its own administrators and the platform's.
      return Effect.map(
        Effect.all([
          facts.location(structureId),
          facts.account((command.actor as Actor.Actor).accountId),
          content.kind === "Message" ? facts.correspondence("Message", content.contentId) : Effect.succeed(undefined),
        ]),
        ([location, reporter, message]) => ({
          ...without(command, "reportedMessage"),
          location: location ?? { structureId },
          reporterSchools: reporter?.structureIds ?? [],
          // A message the log does not know is reported as not found, whatever author the caller names.
          ...(content.kind === "Message"
            ? {
                reportedMessage:
                  message === undefined
                    ? { found: false, participants: [] }
                    : { found: true, authorId: message.authorId, participants: message.participants },
              }
            : {}),
        }),
      )
    }
    case "SendMessage":
      return completeMessage(facts, command)
    case "ScheduleCommunication":
      return Effect.map(locationsOf(facts, command.structureIds as ReadonlyArray<StructureId>), (locations) => ({
        ...command,
        locations,
      }))
    case "WithdrawCommunication":
      return Effect.map(
        Effect.flatMap(communicationSchools(facts, command.communicationId as string), (structureIds) =>
          locationsOf(facts, structureIds),
        ),
        (locations) => ({ ...command, locations }),
      )
    case "PublishCommunication":
      // The directory as it is now, when the window opens (BR-MSG-3).
      return Effect.map(
        Effect.flatMap(communicationSchools(facts, command.communicationId as string), (structureIds) =>
          facts.directory(structureIds),
        ),
        (directory) => ({ ...command, directory }),
      )
    case "ScheduleInspection":
      return Effect.map(
        Effect.all([
          bookLocation(facts, command.homeworkBookId as HomeworkBookId),
          facts.roles(command.inspectorId as AccountId),
        ]),
        ([location, inspectorRoles]) => ({ ...command, location, inspectorRoles }),
      )
    case "RescheduleInspection":
    case "CancelInspection":
      return Effect.map(bookLocation(facts, command.homeworkBookId as HomeworkBookId), (location) => ({
        ...command,
        location,
      }))
    default:
      return SectionFacts.tags.has(command._tag as string)
        ? SectionFacts.complete(facts, command)
        : Effect.succeed(command)
  }
}

/**
 * The command with its cross-aggregate fact fields set from the log; the actor
 * must already be there. A command without such facts comes back as it is.
 *
 * @since 0.1.0
 */
export const complete = <C extends { readonly _tag: string }>(
  command: C,
): Effect.Effect<C, ReadModelError, Authorization> =>
  Effect.flatMap(Authorization, (facts) => {
    const completed = completeWith(facts, command as Fields)
    if (!locatedTags.has(command._tag)) return completed as Effect.Effect<C, ReadModelError>
    // The schools' places only change the answer for a right above the school: a school's right and the
    // platform's are judged on the id alone, so the lookups are skipped (and a caller's value dropped).
    return Effect.flatMap(completed, (fields) =>
      aboveSchool(fields.actor as Actor.Actor)
        ? withLocations(facts, fields)
        : Effect.succeed(without(fields, "locations")),
    ) as Effect.Effect<C, ReadModelError>
  })

const causes = (error: unknown): ReadonlyArray<unknown> => {
  const chain: Array<unknown> = []
  let current = error
  while (typeof current === "object" && current !== null && chain.length < 8) {
    chain.push(current)
    current = (current as { readonly cause?: unknown }).cause
  }
  return chain
}

/**
 * Whether an append failed on a uniqueness claim of the Authorization
 * projection: a login, an alias or a feed person taken by a command that
 * committed first (the read-model store's `KeyTaken`, raised in the append's
 * transaction). Resolving the facts again and deciding again gives the typed
 * rejection (BR-ACC-10, BR-ACC-8).
 *
 * @since 0.1.0
 */
export const isClaimConflict = (error: unknown): boolean =>
  causes(error).some(
    (cause) =>
      (cause as { readonly _tag?: unknown })._tag === "ReadModelError" &&
      (cause as { readonly reason?: unknown }).reason === "KeyTaken",
  )

/**
 * Runs `attempt` (resolve the facts, decide, append) and runs it once more when
 * it failed on a uniqueness claim: the second run reads the holder and is
 * refused with the rule's rejection.
 *
 * @since 0.1.0
 */
export const retryOnClaimConflict = <A, E, R>(attempt: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.catchIf(attempt, isClaimConflict, () => attempt)

/**
 * The facts a batch's intents need most (the logins and feed persons its provisionings claim, the
 * relatives of the pupils its links name), read in one call each before any is decided, as each intent's
 * would be (a batch's facts are the log's before it): the service answers those from what it read and
 * the others as `facts` does.
 */
export const prefetched = (
  facts: Authorization.Service,
  intents: ReadonlyArray<{ readonly _tag: string }>,
): Effect.Effect<Authorization.Service, ReadModelError> =>
  Effect.gen(function* () {
    const logins = new Set<string>()
    const feedIds = new Map<string, Set<string>>()
    const pupils = new Set<AccountId>()
    // Decoded intents: their fields have the command's shape, as completeWith reads them.
    for (const intent of intents) {
      const command = intent as Fields
      if (intent._tag === "LinkRelative") pupils.add(linkedPupilOf(command))
      if (intent._tag !== "ProvisionAccount") continue
      for (const { pupilId } of linksOf(command)) pupils.add(pupilId)
      logins.add(command.login as string)
      const person = feedPersonOf(command)
      if (person !== undefined) {
        const ids = feedIds.get(person.source) ?? new Set<string>()
        ids.add(person.externalId)
        feedIds.set(person.source, ids)
      }
    }
    if (logins.size + feedIds.size + pupils.size < 2) return facts
    const loginHolders = logins.size === 0 ? new Map<string, AccountId>() : yield* facts.loginHolders([...logins])
    const relativesOf =
      pupils.size === 0 ? new Map<AccountId, PupilRelatives>() : yield* facts.pupilsRelatives([...pupils])
    const feedHolders = new Map<string, ReadonlyMap<string, AccountId>>()
    for (const [source, ids] of feedIds) feedHolders.set(source, yield* facts.feedHolders(source, [...ids]))
    return {
      ...facts,
      loginHolder: (login) => (logins.has(login) ? Effect.succeed(loginHolders.get(login)) : facts.loginHolder(login)),
      pupilRelatives: (pupilId) => {
        const known = relativesOf.get(pupilId)
        return known === undefined ? facts.pupilRelatives(pupilId) : Effect.succeed(known)
      },
      feedHolder: (source, externalId) =>
        feedIds.get(source)?.has(externalId) === true
          ? Effect.succeed(feedHolders.get(source)?.get(externalId))
          : facts.feedHolder(source, externalId),
    }
  })

/**
 * The TargetedCommunication aggregate (communication ciblée, BR-MSG-3): an
 * announcement or an ENT mail for at most 10 targets of one or more schools,
 * of a type (information, warning, alert), over a publication window; its
 * recipients are resolved from the directory when the window opens, and cannot
 * reply (descending communication, 004). Scheduled by direction (BR-GRP-3) or an
 * administrator; published by the publication process on a clock tick.
 *
 * @since 0.1.0
 */
import * as Decider from "@cartable/kernel/Decider"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Actor from "./Actor.ts"
import type { AccountId, StructureId } from "./Ids.ts"
import { type RuleId, RuleId as RuleIdSchema } from "./Rules.ts"
import { type DirectoryEntry, TargetedCommunicationCommand } from "./TargetedCommunicationCommands.ts"
import type { Channel, CommunicationId, Target, TargetedCommunicationEvent } from "./TargetedCommunicationEvents.ts"
import { events as eventDefinitions } from "./TargetedCommunicationEvents.ts"

export * from "./TargetedCommunicationCommands.ts"
export * from "./TargetedCommunicationEvents.ts"

/**
 * The most targets a communication has (004 "Cibles (10 max)"): 10 accepted, 11 refused.
 *
 * @since 0.1.0
 */
export const targetLimit = 10

/**
 * Why a TargetedCommunication command was rejected.
 *
 * @since 0.1.0
 */
export const TargetedCommunicationRejectionReason = Schema.Literal(
  "NotAuthorized",
  "AlreadyExists",
  "NotFound",
  "NoTarget",
  "TooManyTargets",
  "InvalidWindow",
  "NotYetOpen",
  "WindowClosed",
  "Withdrawn",
  "Expired",
  "WindowNotOver",
)
/** @since 0.1.0 */
export type TargetedCommunicationRejectionReason = typeof TargetedCommunicationRejectionReason.Type

/**
 * A TargetedCommunication command broke a rule; nothing was recorded.
 *
 * @since 0.1.0
 */
export class TargetedCommunicationRejected extends Schema.TaggedError<TargetedCommunicationRejected>(
  "@cartable/domain/TargetedCommunicationRejected",
)("TargetedCommunicationRejected", {
  ruleId: RuleIdSchema,
  reason: TargetedCommunicationRejectionReason,
  message: Schema.String,
}) {}

/**
 * Where a communication stands: `Expired` when its window ended before it was
 * ever published (it never will be).
 *
 * @since 0.1.0
 */
export type Status = "Scheduled" | "Published" | "Withdrawn" | "Expired"

/**
 * A communication that was scheduled.
 *
 * @since 0.1.0
 */
export interface Communication {
  readonly _tag: "Communication"
  readonly communicationId: CommunicationId
  readonly authorId: AccountId
  readonly structureIds: ReadonlyArray<StructureId>
  readonly channel: Channel
  readonly targets: ReadonlyArray<Target>
  readonly publishFrom: DateTime.Utc
  readonly publishUntil: DateTime.Utc
  readonly status: Status
  readonly recipients: ReadonlyArray<AccountId>
}

/**
 * The state of a communication stream.
 *
 * @since 0.1.0
 */
export type TargetedCommunicationState = { readonly _tag: "Absent" } | Communication

/** @since 0.1.0 */
export const initialState: TargetedCommunicationState = { _tag: "Absent" }

/**
 * Whether an account matches a target: every criterion the target sets.
 *
 * @since 0.1.0
 */
export const matches = (target: Target, entry: DirectoryEntry): boolean =>
  (target.profile === undefined || entry.profile === target.profile) &&
  (target.level === undefined || entry.levels.includes(target.level)) &&
  (target.subLevel === undefined || entry.subLevels.includes(target.subLevel)) &&
  (target.function === undefined || entry.functions.includes(target.function)) &&
  (target.discipline === undefined || entry.disciplines.includes(target.discipline))

/**
 * The recipients a publication resolves from the directory: the accounts of the
 * communication's schools that match a target and can be reached (not blocked,
 * pre-deleted or deleted; for ENT mail, messaging not blocked: BR-ACC-6), each once.
 *
 * @since 0.1.0
 */
export const recipientsOf = (
  communication: Pick<Communication, "structureIds" | "channel" | "targets">,
  directory: ReadonlyArray<DirectoryEntry>,
): ReadonlyArray<AccountId> => {
  const found = new Set<AccountId>()
  for (const entry of directory) {
    if (!entry.structureIds.some((structureId) => communication.structureIds.includes(structureId))) continue
    if (entry.state !== "active" && entry.state !== "inactive") continue
    if (communication.channel === "Mail" && entry.messagingBlocked) continue
    if (communication.targets.some((target) => matches(target, entry))) found.add(entry.accountId)
  }
  return [...found]
}

/**
 * Whether the window is open at `at`: from its start, included, to its end, excluded.
 *
 * @since 0.1.0
 */
export const isOpen = (communication: Pick<Communication, "publishFrom" | "publishUntil">, at: DateTime.Utc): boolean =>
  !DateTime.lessThan(at, communication.publishFrom) && DateTime.lessThan(at, communication.publishUntil)

/**
 * Whether the communication is shown to an account at `at`: published to him,
 * not withdrawn, inside its window.
 *
 * @since 0.1.0
 */
export const isVisibleTo = (state: TargetedCommunicationState, accountId: AccountId, at: DateTime.Utc): boolean =>
  state._tag === "Communication" &&
  state.status === "Published" &&
  state.recipients.includes(accountId) &&
  isOpen(state, at)

/** Direction of every school named (BR-GRP-3), or an administrator covering each of them. */
const mayCommunicate = (
  actor: Actor.Actor,
  structureIds: ReadonlyArray<StructureId>,
  locations: ReadonlyArray<Actor.Location> | undefined,
): boolean =>
  structureIds.every(
    (structureId) => Actor.isDirectionOf(actor, structureId) || Actor.administersSome(actor, [structureId], locations),
  )

type Decision = Either.Either<ReadonlyArray<TargetedCommunicationEvent>, TargetedCommunicationRejected>
const reject = (
  ruleId: RuleId,
  reason: TargetedCommunicationRejectionReason,
  message: string,
): Either.Either<never, TargetedCommunicationRejected> =>
  Either.left(new TargetedCommunicationRejected({ ruleId, reason, message }))

/**
 * Decides a TargetedCommunication command.
 *
 * @since 0.1.0
 */
export const decide = (command: TargetedCommunicationCommand, state: TargetedCommunicationState): Decision => {
  switch (command._tag) {
    case "ScheduleCommunication": {
      if (state._tag === "Communication") {
        return reject("BR-MSG-3", "AlreadyExists", `Communication ${command.communicationId} exists`)
      }
      if (!mayCommunicate(command.actor, command.structureIds, command.locations)) {
        return reject(
          "BR-GRP-3",
          "NotAuthorized",
          "Only direction or an administrator of every school named sends a targeted communication",
        )
      }
      if (command.targets.length === 0) return reject("BR-MSG-3", "NoTarget", "A targeted communication has a target")
      if (command.targets.length > targetLimit) {
        return reject(
          "BR-MSG-3",
          "TooManyTargets",
          `A targeted communication has at most ${targetLimit} targets, not ${command.targets.length}`,
        )
      }
      if (!DateTime.lessThan(command.publishFrom, command.publishUntil)) {
        return reject("BR-MSG-3", "InvalidWindow", "The publication window ends after it starts")
      }
      return Either.right([
        {
          _tag: "CommunicationScheduled",
          communicationId: command.communicationId,
          authorId: command.actor.accountId,
          structureIds: command.structureIds,
          channel: command.channel,
          kind: command.kind,
          title: command.title,
          content: command.content,
          targets: command.targets,
          publishFrom: command.publishFrom,
          publishUntil: command.publishUntil,
        },
      ])
    }
    case "PublishCommunication": {
      if (state._tag === "Absent") {
        return reject("BR-MSG-3", "NotFound", `Communication ${command.communicationId} does not exist`)
      }
      if (!Actor.isSystem(command.actor)) {
        return reject("BR-MSG-3", "NotAuthorized", "A communication is published by the publication process")
      }
      if (state.status === "Withdrawn") return reject("BR-MSG-3", "Withdrawn", "The communication was withdrawn")
      if (state.status === "Expired") {
        return reject("BR-MSG-3", "Expired", "The publication window ended before it was published")
      }
      if (state.status === "Published") return Either.right([])
      if (DateTime.lessThan(command.publishedAt, state.publishFrom)) {
        return reject("BR-MSG-3", "NotYetOpen", "The publication window has not opened yet")
      }
      if (!DateTime.lessThan(command.publishedAt, state.publishUntil)) {
        return reject("BR-MSG-3", "WindowClosed", "The publication window is over")
      }
      return Either.right([
        {
          _tag: "CommunicationPublished",
          communicationId: state.communicationId,
          channel: state.channel,
          recipients: recipientsOf(state, command.directory),
          publishedAt: command.publishedAt,
        },
      ])
    }
    case "WithdrawCommunication": {
      if (state._tag === "Absent") {
        return reject("BR-MSG-3", "NotFound", `Communication ${command.communicationId} does not exist`)
      }
      if (!mayCommunicate(command.actor, state.structureIds, command.locations)) {
        return reject("BR-GRP-3", "NotAuthorized", "Only direction or an administrator of its schools withdraws it")
      }
      // An expired communication was never shown: there is nothing to withdraw.
      return state.status === "Withdrawn" || state.status === "Expired"
        ? Either.right([])
        : Either.right([
            {
              _tag: "CommunicationWithdrawn",
              communicationId: state.communicationId,
              withdrawnBy: command.actor.accountId,
              withdrawnAt: command.withdrawnAt,
            },
          ])
    }
    case "ExpireCommunication": {
      if (state._tag === "Absent") {
        return reject("BR-MSG-3", "NotFound", `Communication ${command.communicationId} does not exist`)
      }
      if (!Actor.isSystem(command.actor)) {
        return reject("BR-MSG-3", "NotAuthorized", "A communication is expired by the publication process")
      }
      // Published or withdrawn, its window's end changes nothing: only one never published expires.
      if (state.status !== "Scheduled") return Either.right([])
      if (DateTime.lessThan(command.expiredAt, state.publishUntil)) {
        return reject("BR-MSG-3", "WindowNotOver", "The publication window has not ended yet")
      }
      return Either.right([
        { _tag: "CommunicationExpired", communicationId: state.communicationId, expiredAt: command.expiredAt },
      ])
    }
  }
}

/**
 * Folds one event into the state. Total: a communication is published once, a
 * withdrawn one stays withdrawn, and only one never published expires.
 *
 * @since 0.1.0
 */
export const evolve = (
  state: TargetedCommunicationState,
  event: TargetedCommunicationEvent,
): TargetedCommunicationState => {
  switch (event._tag) {
    case "CommunicationScheduled":
      return state._tag === "Communication"
        ? state
        : {
            _tag: "Communication",
            communicationId: event.communicationId,
            authorId: event.authorId,
            structureIds: event.structureIds,
            channel: event.channel,
            targets: event.targets,
            publishFrom: event.publishFrom,
            publishUntil: event.publishUntil,
            status: "Scheduled",
            recipients: [],
          }
    case "CommunicationPublished":
      return state._tag === "Communication" && state.status === "Scheduled"
        ? { ...state, status: "Published", recipients: event.recipients }
        : state
    case "CommunicationWithdrawn":
      return state._tag === "Communication" && (state.status === "Scheduled" || state.status === "Published")
        ? { ...state, status: "Withdrawn" }
        : state
    case "CommunicationExpired":
      return state._tag === "Communication" && state.status === "Scheduled" ? { ...state, status: "Expired" } : state
  }
}

/**
 * The TargetedCommunication aggregate: one stream per communication id in the
 * category `TargetedCommunication`.
 *
 * @since 0.1.0
 */
export const aggregate = Decider.aggregate({
  category: "TargetedCommunication",
  Command: TargetedCommunicationCommand,
  events: eventDefinitions,
  streamId: (command) => command.communicationId,
  initialState,
  decide,
  evolve,
})

/**
 * The commands of targeted communication (BR-MSG-3). The directory a
 * publication resolves its recipients from is a fact from the log, read at
 * publication time.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Profile } from "./AccountEvents.ts"
import { Actor, schoolLocations } from "./Actor.ts"
import { fact } from "./Fact.ts"
import { AccountId, StructureId } from "./Ids.ts"
import { CorrespondentState } from "./MessageCommands.ts"
import {
  Channel,
  CommunicationContent,
  CommunicationId,
  CommunicationKind,
  CommunicationTitle,
  Target,
} from "./TargetedCommunicationEvents.ts"

/**
 * One account of the directory as a publication matches it against the targets:
 * profile, schools, levels and sub-levels, functions and disciplines, and whether
 * it can be reached (BR-ACC-6).
 *
 * @since 0.1.0
 */
export const DirectoryEntry = Schema.Struct({
  accountId: AccountId,
  profile: Profile,
  state: CorrespondentState,
  messagingBlocked: Schema.Boolean,
  structureIds: Schema.Array(StructureId),
  levels: Schema.Array(Schema.String),
  subLevels: Schema.Array(Schema.String),
  functions: Schema.Array(Schema.String),
  disciplines: Schema.Array(Schema.String),
})
/** @since 0.1.0 */
export type DirectoryEntry = typeof DirectoryEntry.Type

/**
 * Schedule a targeted communication (BR-MSG-3): at most 10 targets, a channel, a
 * type, a publication window; by direction of every school it names (BR-GRP-3)
 * or an administrator covering them.
 *
 * @since 0.1.0
 */
export const ScheduleCommunication = Schema.TaggedStruct("ScheduleCommunication", {
  actor: fact(Actor),
  communicationId: CommunicationId,
  structureIds: Schema.NonEmptyArray(StructureId),
  channel: Channel,
  kind: CommunicationKind,
  title: CommunicationTitle,
  content: CommunicationContent,
  targets: Schema.Array(Target),
  publishFrom: Schema.DateTimeUtc,
  publishUntil: Schema.DateTimeUtc,
  locations: schoolLocations,
})

/**
 * Publish a scheduled communication once its window opened: the publication
 * process does it, on a clock tick. Fact: the directory of its schools, now.
 *
 * @since 0.1.0
 */
export const PublishCommunication = Schema.TaggedStruct("PublishCommunication", {
  actor: fact(Actor),
  communicationId: CommunicationId,
  publishedAt: Schema.DateTimeUtc,
  directory: fact(Schema.Array(DirectoryEntry)),
})

/** Withdraw a communication, published or not, by whoever may schedule it. @since 0.1.0 */
export const WithdrawCommunication = Schema.TaggedStruct("WithdrawCommunication", {
  actor: fact(Actor),
  communicationId: CommunicationId,
  withdrawnAt: Schema.DateTimeUtc,
  locations: schoolLocations,
})

/**
 * Record that a scheduled communication's window ended before it was published:
 * the publication process does it, on the first tick at or after the window's end.
 *
 * @since 0.1.0
 */
export const ExpireCommunication = Schema.TaggedStruct("ExpireCommunication", {
  actor: fact(Actor),
  communicationId: CommunicationId,
  expiredAt: Schema.DateTimeUtc,
})

/**
 * Every TargetedCommunication command, keyed by tag.
 *
 * @since 0.1.0
 */
export const commands = {
  ScheduleCommunication,
  PublishCommunication,
  WithdrawCommunication,
  ExpireCommunication,
} as const

/**
 * Any TargetedCommunication command.
 *
 * @since 0.1.0
 */
export const TargetedCommunicationCommand = Schema.Union(...Object.values(commands))
/** @since 0.1.0 */
export type TargetedCommunicationCommand = typeof TargetedCommunicationCommand.Type

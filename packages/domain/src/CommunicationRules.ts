/**
 * The CommunicationRules aggregate: one school's "qui voit qui" (BR-MSG-1), the
 * rules by profile and group that say who may write to whom, and whether "Tous"
 * may be chosen. A school that never configured them follows
 * {@link defaultPolicy} (decision). Messaging reads the rules as a fact.
 *
 * @since 0.1.0
 */
import * as Decider from "@cartable/kernel/Decider"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type { Profile } from "./AccountEvents.ts"
import * as Actor from "./Actor.ts"
import { CommunicationRulesCommand } from "./CommunicationRulesCommands.ts"
import type {
  Audience,
  CommunicationPolicy,
  CommunicationRule,
  CommunicationRulesEvent,
} from "./CommunicationRulesEvents.ts"
import { events as eventDefinitions } from "./CommunicationRulesEvents.ts"
import type { GroupId } from "./Ids.ts"
import { RuleId } from "./Rules.ts"

export * from "./CommunicationRulesCommands.ts"
export * from "./CommunicationRulesEvents.ts"

/**
 * Why a CommunicationRules command was rejected.
 *
 * @since 0.1.0
 */
export const CommunicationRulesRejectionReason = Schema.Literal("NotAuthorized")
/** @since 0.1.0 */
export type CommunicationRulesRejectionReason = typeof CommunicationRulesRejectionReason.Type

/**
 * A CommunicationRules command broke a rule; nothing was recorded.
 *
 * @since 0.1.0
 */
export class CommunicationRulesRejected extends Schema.TaggedError<CommunicationRulesRejected>(
  "@cartable/domain/CommunicationRulesRejected",
)("CommunicationRulesRejected", {
  ruleId: RuleId,
  reason: CommunicationRulesRejectionReason,
  message: Schema.String,
}) {}

const profile = (value: Profile): Audience => ({ _tag: "Profile", profile: value })
const rule = (from: Profile, to: Profile, reach: CommunicationRule["reach"] = "School"): CommunicationRule => ({
  from: profile(from),
  to: profile(to),
  reach,
})
const everyProfile: ReadonlyArray<Profile> = ["Student", "Relative", "Teacher", "Personnel", "Guest"]

/**
 * The rules of a school that never configured its own (decision; the seed leaves
 * them to each school's policy): teachers and staff may write to anyone of the
 * school; pupils, relatives and guests to teachers and staff; pupils to the
 * pupils they share a class or group with; relatives to no other relative.
 * "Tous" is enabled, as on the platforms the seed describes, which advise
 * disabling it (004).
 *
 * @since 0.1.0
 */
export const defaultPolicy: CommunicationPolicy = {
  rules: [
    ...everyProfile.map((to) => rule("Teacher", to)),
    ...everyProfile.map((to) => rule("Personnel", to)),
    ...(["Student", "Relative", "Guest"] as const).flatMap((from) => [rule(from, "Teacher"), rule(from, "Personnel")]),
    rule("Student", "Student", "SharedGroup"),
  ],
  everyone: true,
}

/**
 * The state of a school's rules: the policy in force.
 *
 * @since 0.1.0
 */
export type CommunicationRulesState = CommunicationPolicy

/** @since 0.1.0 */
export const initialState: CommunicationRulesState = defaultPolicy

/**
 * What the rules look at of an account: its profile and the groups it is in.
 *
 * @since 0.1.0
 */
export interface Party {
  readonly profile: Profile
  readonly groupIds: ReadonlyArray<GroupId>
}

/**
 * Whether an account belongs to an audience.
 *
 * @since 0.1.0
 */
export const belongs = (audience: Audience, party: Party): boolean =>
  audience._tag === "Profile" ? party.profile === audience.profile : party.groupIds.includes(audience.groupId)

/**
 * Whether the policy lets `sender` write to `recipient`, both of the school
 * (BR-MSG-1): some rule names the sender on its `from` side and the recipient on
 * its `to` side, and when it reaches only shared groups they share one.
 *
 * @since 0.1.0
 */
export const mayWrite = (policy: CommunicationPolicy, sender: Party, recipient: Party): boolean =>
  policy.rules.some(
    (candidate) =>
      belongs(candidate.from, sender) &&
      belongs(candidate.to, recipient) &&
      (candidate.reach === "School" || sender.groupIds.some((groupId) => recipient.groupIds.includes(groupId))),
  )

const audienceKey = (audience: Audience): string =>
  audience._tag === "Profile" ? `profile:${audience.profile}` : `group:${audience.groupId}`

/**
 * One rule's identity: two rules naming the same audiences and reach are one.
 *
 * @since 0.1.0
 */
export const ruleKey = (value: CommunicationRule): string =>
  `${audienceKey(value.from)} -> ${audienceKey(value.to)} (${value.reach})`

const normalized = (value: CommunicationRule): CommunicationRule => ({
  from: value.from._tag === "Profile" ? profile(value.from.profile) : { _tag: "Group", groupId: value.from.groupId },
  to: value.to._tag === "Profile" ? profile(value.to.profile) : { _tag: "Group", groupId: value.to.groupId },
  reach: value.reach,
})

const has = (state: CommunicationRulesState, value: CommunicationRule): boolean =>
  state.rules.some((candidate) => ruleKey(candidate) === ruleKey(value))

type Decision = Either.Either<ReadonlyArray<CommunicationRulesEvent>, CommunicationRulesRejected>
const none: Decision = Either.right([])

/**
 * Decides a CommunicationRules command: only an administrator whose scope covers
 * the school configures its rules; configuring what is already so records nothing.
 *
 * @since 0.1.0
 */
export const decide = (command: CommunicationRulesCommand, state: CommunicationRulesState): Decision => {
  if (!Actor.administersSome(command.actor, [command.structureId], command.locations)) {
    return Either.left(
      new CommunicationRulesRejected({
        ruleId: "BR-MSG-1",
        reason: "NotAuthorized",
        message: `Only an administrator of ${command.structureId} configures who may write to whom there`,
      }),
    )
  }
  const by = command.actor.accountId
  switch (command._tag) {
    case "AllowCommunication":
      return has(state, command.rule)
        ? none
        : Either.right([
            {
              _tag: "CommunicationAllowed",
              structureId: command.structureId,
              rule: normalized(command.rule),
              allowedBy: by,
            },
          ])
    case "ForbidCommunication":
      return has(state, command.rule)
        ? Either.right([
            {
              _tag: "CommunicationForbidden",
              structureId: command.structureId,
              rule: normalized(command.rule),
              forbiddenBy: by,
            },
          ])
        : none
    case "SetEveryoneOption":
      if (state.everyone === command.enabled) return none
      return Either.right([
        command.enabled
          ? { _tag: "EveryoneEnabled", structureId: command.structureId, enabledBy: by }
          : { _tag: "EveryoneDisabled", structureId: command.structureId, disabledBy: by },
      ])
  }
}

/**
 * Folds one event into the policy. Total: allowing a rule twice keeps one.
 *
 * @since 0.1.0
 */
export const evolve = (state: CommunicationRulesState, event: CommunicationRulesEvent): CommunicationRulesState => {
  switch (event._tag) {
    case "CommunicationAllowed":
      return has(state, event.rule) ? state : { ...state, rules: [...state.rules, event.rule] }
    case "CommunicationForbidden":
      return has(state, event.rule)
        ? { ...state, rules: state.rules.filter((candidate) => ruleKey(candidate) !== ruleKey(event.rule)) }
        : state
    case "EveryoneEnabled":
      return state.everyone ? state : { ...state, everyone: true }
    case "EveryoneDisabled":
      return state.everyone ? { ...state, everyone: false } : state
  }
}

/**
 * The CommunicationRules aggregate: one stream per school in the category `CommunicationRules`.
 *
 * @since 0.1.0
 */
export const aggregate = Decider.aggregate({
  category: "CommunicationRules",
  Command: CommunicationRulesCommand,
  events: eventDefinitions,
  streamId: (command) => command.structureId,
  initialState,
  decide,
  evolve,
})

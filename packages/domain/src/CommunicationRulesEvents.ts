/**
 * The events of a school's communication rules ("qui voit qui", BR-MSG-1): who
 * may write to whom, by profile and by group, and whether "Tous" (every account
 * of the school) may be chosen as recipient. Configured by the school's
 * administrators; nothing here is personal data.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Profile } from "./AccountEvents.ts"
import { AccountId, GroupId, StructureId } from "./Ids.ts"

/**
 * Whom one side of a rule names: every account of a profile, or every member of
 * a group (class, teaching, manual or functional group) (BR-MSG-1 "par profil et par groupe").
 *
 * @since 0.1.0
 */
export const Audience = Schema.Union(
  Schema.TaggedStruct("Profile", { profile: Profile }),
  Schema.TaggedStruct("Group", { groupId: GroupId }),
)
/** @since 0.1.0 */
export type Audience = typeof Audience.Type

/**
 * How far a rule reaches: anyone of the audience in the school, or only those
 * who share a class or group with the sender.
 *
 * @since 0.1.0
 */
export const Reach = Schema.Literal("School", "SharedGroup")
/** @since 0.1.0 */
export type Reach = typeof Reach.Type

/**
 * One rule: an account of `from` may write to an account of `to` of the same
 * school, anywhere in it or only in a group they share.
 *
 * @since 0.1.0
 */
export const CommunicationRule = Schema.Struct({ from: Audience, to: Audience, reach: Reach })
/** @since 0.1.0 */
export type CommunicationRule = typeof CommunicationRule.Type

/**
 * A school's rules as messaging applies them: the rules, and whether "Tous" may be chosen.
 *
 * @since 0.1.0
 */
export const CommunicationPolicy = Schema.Struct({
  rules: Schema.Array(CommunicationRule),
  everyone: Schema.Boolean,
})
/** @since 0.1.0 */
export type CommunicationPolicy = typeof CommunicationPolicy.Type

/** An administrator allowed one more way of writing (BR-MSG-1). @since 0.1.0 */
export const CommunicationAllowed = Schema.TaggedStruct("CommunicationAllowed", {
  structureId: StructureId,
  rule: CommunicationRule,
  allowedBy: AccountId,
})

/** An administrator took a rule away (BR-MSG-1). @since 0.1.0 */
export const CommunicationForbidden = Schema.TaggedStruct("CommunicationForbidden", {
  structureId: StructureId,
  rule: CommunicationRule,
  forbiddenBy: AccountId,
})

/** "Tous" may be chosen as recipient again (BR-MSG-1). @since 0.1.0 */
export const EveryoneEnabled = Schema.TaggedStruct("EveryoneEnabled", {
  structureId: StructureId,
  enabledBy: AccountId,
})

/** "Tous" may no longer be chosen as recipient, as the seed advises (004, BR-MSG-1). @since 0.1.0 */
export const EveryoneDisabled = Schema.TaggedStruct("EveryoneDisabled", {
  structureId: StructureId,
  disabledBy: AccountId,
})

/**
 * Every CommunicationRules event, keyed by tag, for the event catalogue.
 *
 * @since 0.1.0
 */
export const events = {
  CommunicationAllowed,
  CommunicationForbidden,
  EveryoneEnabled,
  EveryoneDisabled,
} as const

/**
 * Any CommunicationRules event.
 *
 * @since 0.1.0
 */
export const CommunicationRulesEvent = Schema.Union(...Object.values(events))
/** @since 0.1.0 */
export type CommunicationRulesEvent = typeof CommunicationRulesEvent.Type

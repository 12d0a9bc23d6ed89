/**
 * The commands of a school's communication rules (BR-MSG-1), given by an
 * administrator whose scope covers the school.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Actor, schoolLocations } from "./Actor.ts"
import { CommunicationRule } from "./CommunicationRulesEvents.ts"
import { fact } from "./Fact.ts"
import { StructureId } from "./Ids.ts"

/** Allow one way of writing in the school (BR-MSG-1). @since 0.1.0 */
export const AllowCommunication = Schema.TaggedStruct("AllowCommunication", {
  actor: fact(Actor),
  structureId: StructureId,
  rule: CommunicationRule,
  locations: schoolLocations,
})

/** Take one way of writing away (BR-MSG-1). @since 0.1.0 */
export const ForbidCommunication = Schema.TaggedStruct("ForbidCommunication", {
  actor: fact(Actor),
  structureId: StructureId,
  rule: CommunicationRule,
  locations: schoolLocations,
})

/** Let "Tous" be chosen as recipient, or not (BR-MSG-1, 004 "Désactivation conseillée de Tous"). @since 0.1.0 */
export const SetEveryoneOption = Schema.TaggedStruct("SetEveryoneOption", {
  actor: fact(Actor),
  structureId: StructureId,
  enabled: Schema.Boolean,
  locations: schoolLocations,
})

/**
 * Every CommunicationRules command, keyed by tag.
 *
 * @since 0.1.0
 */
export const commands = { AllowCommunication, ForbidCommunication, SetEveryoneOption } as const

/**
 * Any CommunicationRules command.
 *
 * @since 0.1.0
 */
export const CommunicationRulesCommand = Schema.Union(...Object.values(commands))
/** @since 0.1.0 */
export type CommunicationRulesCommand = typeof CommunicationRulesCommand.Type

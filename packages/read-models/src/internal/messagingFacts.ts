/**
 * The messaging part of the Authorization read model (issue 16): each school's
 * communication rules (BR-MSG-1) and what a reply or a report needs of a message
 * or a targeted communication (its author, who took part, whether it may be
 * answered, BR-MSG-3). Inline with the other facts, so that a rule changed or a
 * message sent is seen by the very next command.
 *
 * @since 0.1.0
 */
import * as CommunicationRules from "@cartable/domain/CommunicationRules"
import type * as Domain from "@cartable/domain/Domain"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import type * as Projection from "@cartable/projections/Projection"
import * as ReadModel from "@cartable/projections/ReadModel"
import * as Schema from "effect/Schema"

/** A school's rules, once configured (a school without a document follows the default rules). @since 0.1.0 */
export const RulesEntry = Schema.Struct({
  structureId: StructureId,
  rules: Schema.Array(CommunicationRules.CommunicationRule),
  everyone: Schema.Boolean,
})
/** @since 0.1.0 */
export type RulesEntry = typeof RulesEntry.Type

/** A message or a targeted communication, as replies and reports need it. @since 0.1.0 */
export const CorrespondenceEntry = Schema.Struct({
  key: Schema.String,
  kind: Schema.Literal("Message", "TargetedCommunication"),
  authorId: AccountId,
  structureIds: Schema.Array(StructureId),
  participants: Schema.Array(AccountId),
  replyable: Schema.Boolean,
})
/** @since 0.1.0 */
export type CorrespondenceEntry = typeof CorrespondenceEntry.Type

/** The key of a message's or a communication's entry. @since 0.1.0 */
export const correspondenceKey = (kind: CorrespondenceEntry["kind"], id: string): string => JSON.stringify([kind, id])

/** @since 0.1.0 */
export const CommunicationRulesOf = ReadModel.collection("communication_rules", {
  document: RulesEntry,
  key: (entry) => entry.structureId,
})

/** @since 0.1.0 */
export const Correspondence = ReadModel.collection("correspondence", {
  document: CorrespondenceEntry,
  key: (entry) => entry.key,
})

/** The collections, to spread into the projection's. @since 0.1.0 */
export const collections = { communicationRules: CommunicationRulesOf, correspondence: Correspondence } as const

type Writers = Projection.Writers<typeof collections>

const rules =
  (event: CommunicationRules.CommunicationRulesEvent) =>
  (current: RulesEntry | undefined): RulesEntry => {
    // The aggregate's own fold: the facts are the policy the aggregate decides with.
    const policy = CommunicationRules.evolve(current ?? CommunicationRules.initialState, event)
    return { structureId: event.structureId, rules: policy.rules, everyone: policy.everyone }
  }

const withRules = (event: CommunicationRules.CommunicationRulesEvent, into: Writers) =>
  into.communicationRules.update(event.structureId, rules(event))

/** The handlers, to spread into the projection's: none of their tags is handled there. @since 0.1.0 */
export const handlers: Projection.Handlers<typeof Domain.events, typeof collections> = {
  CommunicationAllowed: withRules,
  CommunicationForbidden: withRules,
  EveryoneEnabled: withRules,
  EveryoneDisabled: withRules,
  MessageSent: (event, into) =>
    into.correspondence.update(
      correspondenceKey("Message", event.messageId),
      (current) =>
        current ?? {
          key: correspondenceKey("Message", event.messageId),
          kind: "Message",
          authorId: event.authorId,
          structureIds: [event.structureId],
          participants: [event.authorId, ...event.deliveredTo],
          replyable: true,
        },
    ),
  CommunicationScheduled: (event, into) =>
    into.correspondence.update(
      correspondenceKey("TargetedCommunication", event.communicationId),
      (current) =>
        current ?? {
          key: correspondenceKey("TargetedCommunication", event.communicationId),
          kind: "TargetedCommunication",
          authorId: event.authorId,
          structureIds: event.structureIds,
          participants: [event.authorId],
          replyable: false,
        },
    ),
  CommunicationPublished: (event, into) =>
    into.correspondence.update(
      correspondenceKey("TargetedCommunication", event.communicationId),
      (current) =>
        current && {
          ...current,
          participants: [...new Set([...current.participants, ...event.recipients])],
        },
    ),
}

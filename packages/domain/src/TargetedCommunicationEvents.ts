/**
 * The events of targeted communication (communication ciblée, BR-MSG-3):
 * direction or an administrator schedules an announcement or an ENT mail for
 * up to 10 targets of one or more schools, over a publication window; at the
 * window's start the recipients are resolved from the directory and it is
 * published; it may be withdrawn. Its recipients cannot reply. The title and
 * content are personal data of their author (decision: free text a person wrote).
 *
 * @since 0.1.0
 */
import { DataSubjectId, personal } from "@cartable/kernel/PersonalData"
import * as Text from "@cartable/kernel/Text"
import * as Schema from "effect/Schema"
import { Profile } from "./AccountEvents.ts"
import { AccountId, StructureId } from "./Ids.ts"
import { brandedId } from "./internal/brandedId.ts"

/**
 * A targeted communication's id (one stream per communication).
 *
 * @since 0.1.0
 */
export const CommunicationId = brandedId("CommunicationId", "A targeted communication's id")
/** @since 0.1.0 */
export type CommunicationId = typeof CommunicationId.Type

/**
 * Where it is published (004 "Canal"): an announcement at the top right of the
 * personal home page, or the ENT mail (messagerie ENT, also sent whole to the
 * address on file).
 *
 * @since 0.1.0
 */
export const Channel = Schema.Literal("Announcement", "Mail")
/** @since 0.1.0 */
export type Channel = typeof Channel.Type

/**
 * The type of the announcement (004 "information / avertissement / alerte"), three looks.
 *
 * @since 0.1.0
 */
export const CommunicationKind = Schema.Literal("Information", "Warning", "Alert")
/** @since 0.1.0 */
export type CommunicationKind = typeof CommunicationKind.Type

/**
 * One target (004 "Cible": profil, niveau, sous-niveau, fonction, discipline de
 * poste): an account of the communication's schools is targeted when it matches
 * every criterion the target sets; a target that sets none targets everyone.
 *
 * @since 0.1.0
 */
export const Target = Schema.Struct({
  profile: Schema.optional(Profile),
  level: Schema.optional(Text.ShortText),
  subLevel: Schema.optional(Text.ShortText),
  /**
   * The function of a functional group of the school (`Direction`, `SuperAdministrator`, `MailMerge`), not
   * a feed's function code (`DIR`, `ENS`: `DIR` puts the head in `Direction`); any other reaches nobody.
   */
  function: Schema.optional(Text.ShortText),
  discipline: Schema.optional(Text.ShortText),
})
/** @since 0.1.0 */
export type Target = typeof Target.Type

/**
 * The most characters the content holds, HTML included (004, "Caractères (incluant HTML) : 0/20000").
 *
 * @since 0.1.0
 */
export const contentLimit = 20_000

/** A communication's title (objet, titre de l'annonce). @since 0.1.0 */
export const CommunicationTitle = Text.trimmedLine(Text.limits.shortText, "a title").annotations({
  identifier: "CommunicationTitle",
})

/** A communication's content, HTML allowed. @since 0.1.0 */
export const CommunicationContent = Text.text(contentLimit, "a communication's content").annotations({
  identifier: "CommunicationContent",
})

/**
 * A communication was scheduled: published from `publishFrom` (included) until
 * `publishUntil` (excluded).
 *
 * @since 0.1.0
 */
export const CommunicationScheduled = Schema.TaggedStruct("CommunicationScheduled", {
  communicationId: CommunicationId,
  authorId: AccountId,
  structureIds: Schema.NonEmptyArray(StructureId),
  channel: Channel,
  kind: CommunicationKind,
  title: personal(CommunicationTitle),
  content: personal(CommunicationContent),
  targets: Schema.Array(Target),
  publishFrom: Schema.DateTimeUtc,
  publishUntil: Schema.DateTimeUtc,
}).annotations({ [DataSubjectId]: "authorId" })

/**
 * The window opened and the communication was published to the accounts the
 * directory then held that match a target (BR-MSG-3).
 *
 * @since 0.1.0
 */
export const CommunicationPublished = Schema.TaggedStruct("CommunicationPublished", {
  communicationId: CommunicationId,
  channel: Channel,
  recipients: Schema.Array(AccountId),
  publishedAt: Schema.DateTimeUtc,
})

/** The communication was withdrawn: it is shown no longer, or will never be. @since 0.1.0 */
export const CommunicationWithdrawn = Schema.TaggedStruct("CommunicationWithdrawn", {
  communicationId: CommunicationId,
  withdrawnBy: AccountId,
  withdrawnAt: Schema.DateTimeUtc,
})

/**
 * The window ended before the communication was ever published (no tick came
 * inside it): it never will be, and is shown to nobody (decision: an expired
 * communication is never shown, 004 "Période de publication"); recorded so that
 * the operator sees it expired rather than waiting forever.
 *
 * @since 0.1.0
 */
export const CommunicationExpired = Schema.TaggedStruct("CommunicationExpired", {
  communicationId: CommunicationId,
  expiredAt: Schema.DateTimeUtc,
})

/**
 * Every TargetedCommunication event, keyed by tag, for the event catalogue.
 *
 * @since 0.1.0
 */
export const events = {
  CommunicationScheduled,
  CommunicationPublished,
  CommunicationWithdrawn,
  CommunicationExpired,
} as const

/**
 * Any TargetedCommunication event.
 *
 * @since 0.1.0
 */
export const TargetedCommunicationEvent = Schema.Union(...Object.values(events))
/** @since 0.1.0 */
export type TargetedCommunicationEvent = typeof TargetedCommunicationEvent.Type

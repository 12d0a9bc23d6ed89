/**
 * The events of the Account aggregate. Each names a fact in the past tense;
 * personal fields are marked for crypto-shredding on erasure (BR-ACC-9).
 *
 * @since 0.1.0
 */

import { DataSubjectId, ErasesDataSubjectId, personal } from "@cartable/kernel/PersonalData"
import * as Text from "@cartable/kernel/Text"
import * as Schema from "effect/Schema"
import { Login, OneTimeCode, PasswordHash, TokenDigest } from "./Credentials.ts"
import { AccountId, StructureId } from "./Ids.ts"

/**
 * The profiles of BR-ACC-1: Élève, Parent, Enseignant, Personnel, Invité.
 *
 * @since 0.1.0
 */
export const Profile = Schema.Literal("Student", "Relative", "Teacher", "Personnel", "Guest")
/** @since 0.1.0 */
export type Profile = typeof Profile.Type

/**
 * Where an account comes from: a directory feed (with the feed's stable id, e.g.
 * the AAF `ENTPersonJointure`), or manual creation by an administrator.
 *
 * @since 0.1.0
 */
export const Origin = Schema.Union(
  Schema.TaggedStruct("Feed", { source: Text.ShortText, externalId: Text.ShortText }),
  Schema.TaggedStruct("Manual", {}),
)
/** @since 0.1.0 */
export type Origin = typeof Origin.Type

/**
 * How a relative is linked to a pupil (AAF `ENTElevePersRelEleve`).
 *
 * @since 0.1.0
 */
export const RelativeLink = Schema.Struct({
  pupilId: AccountId,
  legalAuthority: Schema.Boolean,
  financial: Schema.Boolean,
  contact: Schema.Boolean,
})
/** @since 0.1.0 */
export type RelativeLink = typeof RelativeLink.Type

/**
 * What kind of accompanying adult (AESH, host family) (BR-ACC-7).
 *
 * @since 0.1.0
 */
export const AccompanyingKind = Schema.Literal("AESH", "HostFamily", "Other")
/** @since 0.1.0 */
export type AccompanyingKind = typeof AccompanyingKind.Type

const subject = { [DataSubjectId]: "accountId" }

/**
 * An account was created, inactive, with its activation code (BR-ACC-1, BR-ACC-2).
 * The login is personal: it is built from the name (`laou.anquet`) (BR-ACC-9).
 *
 * @since 0.1.0
 */
export const AccountProvisioned = Schema.TaggedStruct("AccountProvisioned", {
  accountId: AccountId,
  profile: Profile,
  origin: Origin,
  structureId: StructureId,
  login: personal(Login),
  firstName: personal(Text.Name),
  lastName: personal(Text.Name),
  activationCode: personal(OneTimeCode),
}).annotations(subject)

/**
 * The person's names or e-mail changed, e.g. a directory feed corrected them; an
 * e-mail not given is left as it was (BR-ACC-9: personal data kept up to date).
 *
 * @since 0.1.0
 */
export const AccountIdentityUpdated = Schema.TaggedStruct("AccountIdentityUpdated", {
  accountId: AccountId,
  firstName: personal(Text.Name),
  lastName: personal(Text.Name),
  email: Schema.optional(personal(Text.Email)),
}).annotations(subject)

/**
 * A value of a school's nomenclature as the directory feed gives it: its code
 * (what targets name, stable across re-labelling) and its label (what a person reads).
 *
 * @since 0.1.0
 */
export const Coded = Schema.Struct({ code: Text.ShortText, label: Text.ShortText })
/** @since 0.1.0 */
export type Coded = typeof Coded.Type

/**
 * What an account is taught or teaches in one school, as targeted communication
 * names it (BR-MSG-3, 004 "niveau, sous-niveau, discipline de poste"): the levels
 * (niveau: the formation a MEF attaches to, e.g. 3EME), the sub-levels (sous-niveau:
 * the MEF itself, e.g. 3EME BILANGUE) and the post disciplines (discipline de poste,
 * e.g. L1300 MATHEMATIQUES). A pupil has one level and one sub-level; a teacher the
 * levels and sub-levels he teaches and his disciplines.
 *
 * @since 0.1.0
 */
export const Schooling = Schema.Struct({
  structureId: StructureId,
  levels: Schema.Array(Coded),
  subLevels: Schema.Array(Coded),
  disciplines: Schema.Array(Coded),
})
/** @since 0.1.0 */
export type Schooling = typeof Schooling.Type

/**
 * The account's schooling changed, school by school (the whole of it: a school
 * not listed has none). Personal: a formation can tell much of a pupil (ULIS,
 * SEGPA), so it is shredded with the rest on erasure (BR-ACC-9) (decision).
 *
 * @since 0.1.0
 */
export const AccountSchoolingUpdated = Schema.TaggedStruct("AccountSchoolingUpdated", {
  accountId: AccountId,
  schooling: personal(Schema.Array(Schooling)),
}).annotations(subject)

/** The holder activated the account: charter accepted, contact details given (BR-ACC-3). @since 0.1.0 */
export const AccountActivated = Schema.TaggedStruct("AccountActivated", {
  accountId: AccountId,
  charterAccepted: Schema.Literal(true),
  email: personal(Text.Email),
  mobile: Schema.optional(personal(Text.ShortText)),
  /** The password's hash; absent in logs written before the identity flows recorded it. */
  passwordHash: Schema.optional(personal(PasswordHash)),
}).annotations(subject)

/** A renewal code was issued; the previous password no longer opens the account (BR-ACC-4, BR-ACC-5). @since 0.1.0 */
export const PasswordRenewalCodeIssued = Schema.TaggedStruct("PasswordRenewalCodeIssued", {
  accountId: AccountId,
  renewalCode: personal(OneTimeCode),
  issuedBy: AccountId,
}).annotations(subject)

/** The holder set a new password with his renewal code (BR-ACC-5). @since 0.1.0 */
export const PasswordRenewed = Schema.TaggedStruct("PasswordRenewed", {
  accountId: AccountId,
  /** The new password's hash; absent in logs written before the identity flows recorded it. */
  passwordHash: Schema.optional(personal(PasswordHash)),
}).annotations(subject)

/**
 * A recovery e-mail was sent: its token, known by digest only, sets a new password
 * once, until `expiresAt` (BR-ACC-4).
 *
 * @since 0.1.0
 */
export const PasswordRecoveryRequested = Schema.TaggedStruct("PasswordRecoveryRequested", {
  accountId: AccountId,
  tokenDigest: personal(TokenDigest),
  expiresAt: Schema.DateTimeUtc,
}).annotations(subject)

/** The holder set a new password with the token of a recovery e-mail (BR-ACC-4). @since 0.1.0 */
export const PasswordRecovered = Schema.TaggedStruct("PasswordRecovered", {
  accountId: AccountId,
  passwordHash: personal(PasswordHash),
}).annotations(subject)

/** The current password's hash was replaced by a stronger hash of the same password. @since 0.1.0 */
export const PasswordHashUpgraded = Schema.TaggedStruct("PasswordHashUpgraded", {
  accountId: AccountId,
  passwordHash: personal(PasswordHash),
}).annotations(subject)

/** The account, or one application of it, was blocked (BR-ACC-6). @since 0.1.0 */
export const AccountBlocked = Schema.TaggedStruct("AccountBlocked", {
  accountId: AccountId,
  application: Schema.optional(Text.ShortText),
  blockedBy: AccountId,
})

/** The account, or one application of it, was unblocked (BR-ACC-6). @since 0.1.0 */
export const AccountUnblocked = Schema.TaggedStruct("AccountUnblocked", {
  accountId: AccountId,
  application: Schema.optional(Text.ShortText),
  unblockedBy: AccountId,
})

/** The account is attached to one more school; login and codes are kept (BR-ACC-8). @since 0.1.0 */
export const AccountAttachedToStructure = Schema.TaggedStruct("AccountAttachedToStructure", {
  accountId: AccountId,
  structureId: StructureId,
})

/** The account left a school (BR-ACC-8). @since 0.1.0 */
export const AccountDetachedFromStructure = Schema.TaggedStruct("AccountDetachedFromStructure", {
  accountId: AccountId,
  structureId: StructureId,
})

/** A relative account was linked to a pupil, or the link's flags changed (BR-ACC-7). @since 0.1.0 */
export const RelativeLinked = Schema.TaggedStruct("RelativeLinked", {
  accountId: AccountId,
  link: RelativeLink,
})

/** A relative account was unlinked from a pupil (BR-ACC-7). @since 0.1.0 */
export const RelativeUnlinked = Schema.TaggedStruct("RelativeUnlinked", { accountId: AccountId, pupilId: AccountId })

/** An accompanying adult was linked to a pupil (BR-ACC-7). @since 0.1.0 */
export const AccompanyingAdultLinked = Schema.TaggedStruct("AccompanyingAdultLinked", {
  accountId: AccountId,
  pupilId: AccountId,
  kind: AccompanyingKind,
})

/** An accompanying adult was unlinked from a pupil (BR-ACC-7). @since 0.1.0 */
export const AccompanyingAdultUnlinked = Schema.TaggedStruct("AccompanyingAdultUnlinked", {
  accountId: AccountId,
  pupilId: AccountId,
})

/** The account got a login alias (identifiant personnalisé) (BR-ACC-10). @since 0.1.0 */
export const LoginAliasSet = Schema.TaggedStruct("LoginAliasSet", {
  accountId: AccountId,
  alias: personal(Login),
}).annotations(subject)

/** The login alias was removed (BR-ACC-10). @since 0.1.0 */
export const LoginAliasRemoved = Schema.TaggedStruct("LoginAliasRemoved", { accountId: AccountId })

/** An external identity (EduConnect, an academy CAS, a timetable id) was linked (BR-ACC-10). @since 0.1.0 */
export const ExternalIdentityLinked = Schema.TaggedStruct("ExternalIdentityLinked", {
  accountId: AccountId,
  provider: Text.ShortText,
  subject: personal(Text.ShortText),
}).annotations(subject)

/** An external identity was unlinked (BR-ACC-10). @since 0.1.0 */
export const ExternalIdentityUnlinked = Schema.TaggedStruct("ExternalIdentityUnlinked", {
  accountId: AccountId,
  provider: Text.ShortText,
})

/** The account was made administrator of a school (BR-ACC-11). @since 0.1.0 */
export const AdministratorRightGranted = Schema.TaggedStruct("AdministratorRightGranted", {
  accountId: AccountId,
  structureId: StructureId,
  grantedBy: AccountId,
})

/** The account lost the administrator right on a school (BR-ACC-11). @since 0.1.0 */
export const AdministratorRightRevoked = Schema.TaggedStruct("AdministratorRightRevoked", {
  accountId: AccountId,
  structureId: StructureId,
  revokedBy: AccountId,
})

/**
 * The account was made an administrator of the whole platform, the vendor's level
 * of BR-SIG-2 (decision: no structure stands for the platform, so this right has
 * its own event) (BR-ACC-11).
 *
 * @since 0.1.0
 */
export const PlatformAdministratorAppointed = Schema.TaggedStruct("PlatformAdministratorAppointed", {
  accountId: AccountId,
  appointedBy: AccountId,
})

/** The account lost the platform administrator right (BR-ACC-11). @since 0.1.0 */
export const PlatformAdministratorDismissed = Schema.TaggedStruct("PlatformAdministratorDismissed", {
  accountId: AccountId,
  dismissedBy: AccountId,
})

/**
 * The account got inspector access: inspections may name it (BR-CDT-5).
 *
 * @since 0.1.0
 */
export const InspectorAccessGranted = Schema.TaggedStruct("InspectorAccessGranted", {
  accountId: AccountId,
  grantedBy: AccountId,
})

/** The account lost inspector access (BR-CDT-5). @since 0.1.0 */
export const InspectorAccessRevoked = Schema.TaggedStruct("InspectorAccessRevoked", {
  accountId: AccountId,
  revokedBy: AccountId,
})

/** The account was pre-deleted: it can no longer log in, and may be restored (BR-ACC-12). @since 0.1.0 */
export const AccountPreDeleted = Schema.TaggedStruct("AccountPreDeleted", { accountId: AccountId })

/**
 * A member of the education staff (the feeds' PersEducNat category) changed profile as the
 * directory feed says: he started teaching (Personnel to Teacher) or stopped (Teacher to
 * Personnel, e.g. a teacher who joined the direction). He keeps his account, login and codes
 * (BR-ACC-8, decision); `previous` is the profile he had.
 *
 * @since 0.1.0
 */
export const AccountProfileChanged = Schema.TaggedStruct("AccountProfileChanged", {
  accountId: AccountId,
  previous: Profile,
  profile: Profile,
})

/** A pre-deleted account was restored to its previous state (BR-ACC-12). @since 0.1.0 */
export const AccountRestored = Schema.TaggedStruct("AccountRestored", { accountId: AccountId })

/** The pre-deleted account was deleted for good (BR-ACC-9, BR-ACC-12). @since 0.1.0 */
export const AccountDeleted = Schema.TaggedStruct("AccountDeleted", { accountId: AccountId })

/**
 * The personal data of a deleted account was erased: stores destroy the
 * subject's key, so every personal field of its events reads as redacted (BR-ACC-9).
 *
 * @since 0.1.0
 */
export const AccountDataErased = Schema.TaggedStruct("AccountDataErased", { accountId: AccountId }).annotations({
  [ErasesDataSubjectId]: "accountId",
})

/**
 * Every Account event, keyed by tag, for the event catalogue.
 *
 * @since 0.1.0
 */
export const events = {
  AccountProvisioned,
  AccountIdentityUpdated,
  AccountSchoolingUpdated,
  AccountProfileChanged,
  AccountActivated,
  PasswordRenewalCodeIssued,
  PasswordRenewed,
  PasswordRecoveryRequested,
  PasswordRecovered,
  PasswordHashUpgraded,
  AccountBlocked,
  AccountUnblocked,
  AccountAttachedToStructure,
  AccountDetachedFromStructure,
  RelativeLinked,
  RelativeUnlinked,
  AccompanyingAdultLinked,
  AccompanyingAdultUnlinked,
  LoginAliasSet,
  LoginAliasRemoved,
  ExternalIdentityLinked,
  ExternalIdentityUnlinked,
  AdministratorRightGranted,
  AdministratorRightRevoked,
  PlatformAdministratorAppointed,
  PlatformAdministratorDismissed,
  InspectorAccessGranted,
  InspectorAccessRevoked,
  AccountPreDeleted,
  AccountRestored,
  AccountDeleted,
  AccountDataErased,
} as const

/**
 * Any Account event.
 *
 * @since 0.1.0
 */
export const AccountEvent = Schema.Union(...Object.values(events))
/** @since 0.1.0 */
export type AccountEvent = typeof AccountEvent.Type

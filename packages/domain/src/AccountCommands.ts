/**
 * The commands of the Account aggregate. Ids, codes and the acting account come
 * in the command; passwords travel as `Redacted` and never reach an event.
 *
 * @since 0.1.0
 */

import * as Text from "@cartable/kernel/Text"
import * as Schema from "effect/Schema"
import { AccompanyingKind, Origin, Profile, RelativeLink, Schooling } from "./AccountEvents.ts"
import { Actor, schoolLocations } from "./Actor.ts"
import { Login, OneTimeCode, PasswordHash, TokenDigest } from "./Credentials.ts"
import { fact, optionalFact } from "./Fact.ts"
import { AccountId, GroupId, StructureId } from "./Ids.ts"

/**
 * Fact of every command an administrator may give (defined in Actor.ts, for the
 * Account and HomeworkBook commands alike).
 *
 * @since 0.1.0
 */
export { schoolLocations } from "./Actor.ts"

/**
 * Another relative account already linked to a pupil, as the log names it: a
 * second account for the same person is a duplicate (BR-ACC-7).
 *
 * @since 0.1.0
 */
export const LinkedRelative = Schema.Struct({
  accountId: AccountId,
  firstName: Schema.String,
  lastName: Schema.String,
})
/** @since 0.1.0 */
export type LinkedRelative = typeof LinkedRelative.Type

/**
 * A pupil a provisioned relative is linked to, as the log knows him: his
 * profile (absent: no such account) and the relatives already linked to him
 * (BR-ACC-7).
 *
 * @since 0.1.0
 */
export const LinkedPupil = Schema.Struct({
  pupilId: AccountId,
  profile: Schema.optional(Profile),
  relatives: Schema.Array(LinkedRelative),
})
/** @since 0.1.0 */
export type LinkedPupil = typeof LinkedPupil.Type

/**
 * Create an account, from a feed or by hand (BR-ACC-1, BR-ACC-2). Facts: the
 * account holding the login, as login or alias (BR-ACC-10), the account
 * already provisioned from the same feed person (BR-ACC-8), if any, and the
 * pupils of `links` as the log knows them.
 *
 * What a feed gives with the person may come with it, decided as
 * `UpdateAccountIdentity` (`email`), `UpdateAccountSchooling` (`schooling`)
 * and one `LinkRelative` per link (a relative's children, BR-ACC-7) would be
 * on the account just provisioned, recording the same events, all or nothing:
 * one command where an import gave several.
 *
 * @since 0.1.0
 */
export const ProvisionAccount = Schema.TaggedStruct("ProvisionAccount", {
  actor: fact(Actor),
  locations: schoolLocations,
  loginHolder: optionalFact(AccountId),
  feedHolder: optionalFact(AccountId),
  pupils: optionalFact(Schema.Array(LinkedPupil)),
  accountId: AccountId,
  profile: Profile,
  origin: Origin,
  structureId: StructureId,
  login: Login,
  firstName: Text.Name,
  lastName: Text.Name,
  activationCode: OneTimeCode,
  email: Schema.optional(Text.Email),
  schooling: Schema.optional(Schema.Array(Schooling)),
  links: Schema.optional(Schema.Array(RelativeLink)),
})

/**
 * Bring the person's names, and e-mail if given, up to date: what a directory
 * feed sends for a person it already sent, or an administrator's correction of
 * a manual account. Nothing is recorded when nothing changed, so a re-import is
 * idempotent (BR-ACC-9).
 *
 * @since 0.1.0
 */
export const UpdateAccountIdentity = Schema.TaggedStruct("UpdateAccountIdentity", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
  firstName: Text.Name,
  lastName: Text.Name,
  email: Schema.optional(Text.Email),
})

/**
 * Bring the account's schooling (levels, sub-levels, disciplines by school) to
 * what the directory feed says, for targeted communication (BR-MSG-3). Nothing is
 * recorded when it is the same, whatever the order of its values, so a re-import
 * is idempotent; an empty list clears it.
 *
 * @since 0.1.0
 */
export const UpdateAccountSchooling = Schema.TaggedStruct("UpdateAccountSchooling", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
  schooling: Schema.Array(Schooling),
})

/**
 * A new password's hash: a fact, since the identity flow computes it from the
 * password it checked, never the caller (BR-ACC-4).
 */
const passwordHash = fact(Schema.Redacted(PasswordHash))

/**
 * First login: login + activation code, new password, charter, e-mail (BR-ACC-3).
 * Fact: the new password's hash, computed by the identity flow.
 *
 * @since 0.1.0
 */
export const ActivateAccount = Schema.TaggedStruct("ActivateAccount", {
  accountId: AccountId,
  login: Login,
  activationCode: Text.line(Text.limits.code, "a code"),
  password: Schema.Redacted(Text.text(Text.limits.password, "a password")),
  passwordHash,
  charterAccepted: Schema.Boolean,
  email: Text.line(Text.limits.email, "an e-mail address"),
  mobile: Schema.optional(Text.line(Text.limits.shortText, "a phone number")),
})

/**
 * Reset a password by issuing a renewal code (BR-ACC-4, BR-ACC-5). Fact: the
 * classes the account is a pupil of, from the log; a teacher issues the code
 * only when he is attached to one of them.
 *
 * @since 0.1.0
 */
export const IssuePasswordRenewalCode = Schema.TaggedStruct("IssuePasswordRenewalCode", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
  renewalCode: OneTimeCode,
  pupilClassIds: fact(Schema.Array(GroupId)),
})

/**
 * Log in with login + renewal code and set a new password (BR-ACC-5). Fact: the
 * new password's hash.
 *
 * @since 0.1.0
 */
export const RenewPassword = Schema.TaggedStruct("RenewPassword", {
  accountId: AccountId,
  login: Login,
  renewalCode: Text.line(Text.limits.code, "a code"),
  password: Schema.Redacted(Text.text(Text.limits.password, "a password")),
  passwordHash,
})

/**
 * Ask for a recovery e-mail (BR-ACC-4): facts are the digest of the token the flow
 * drew and mails, and when it stops working.
 *
 * @since 0.1.0
 */
export const RequestPasswordRecovery = Schema.TaggedStruct("RequestPasswordRecovery", {
  accountId: AccountId,
  login: Login,
  tokenDigest: fact(TokenDigest),
  expiresAt: fact(Schema.DateTimeUtc),
})

/**
 * Set a new password with the token of a recovery e-mail (BR-ACC-4). Facts: the
 * given token's digest, the time of the attempt (the flow's clock), the new
 * password's hash.
 *
 * @since 0.1.0
 */
export const RecoverPassword = Schema.TaggedStruct("RecoverPassword", {
  accountId: AccountId,
  login: Login,
  tokenDigest: fact(TokenDigest),
  recoveredAt: fact(Schema.DateTimeUtc),
  password: Schema.Redacted(Text.text(Text.limits.password, "a password")),
  passwordHash,
})

/**
 * Replace the hash of the current password by a stronger one of the same
 * password, on sign-in (idp-local's rehash). Only the sign-in process sends it;
 * nothing happens when `previousHash` is no longer the account's (the password
 * changed meanwhile).
 *
 * @since 0.1.0
 */
export const UpgradePasswordHash = Schema.TaggedStruct("UpgradePasswordHash", {
  actor: fact(Actor),
  accountId: AccountId,
  previousHash: fact(Schema.Redacted(PasswordHash)),
  passwordHash,
})

/** Block the account, or one application of it (BR-ACC-6). @since 0.1.0 */
export const BlockAccount = Schema.TaggedStruct("BlockAccount", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
  application: Schema.optional(Text.ShortText),
})

/** Unblock the account, or one application of it (BR-ACC-6). @since 0.1.0 */
export const UnblockAccount = Schema.TaggedStruct("UnblockAccount", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
  application: Schema.optional(Text.ShortText),
})

/** Attach the account to a school, e.g. a pupil who moved (BR-ACC-8). @since 0.1.0 */
export const AttachAccountToStructure = Schema.TaggedStruct("AttachAccountToStructure", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
  structureId: StructureId,
})

/** Detach the account from a school it left (BR-ACC-8). @since 0.1.0 */
export const DetachAccountFromStructure = Schema.TaggedStruct("DetachAccountFromStructure", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
  structureId: StructureId,
})

/**
 * Link a relative account to a pupil, or update the link's flags (BR-ACC-7).
 * Facts: the linked account's profile (absent: no such account) and the
 * relative accounts already linked to it.
 *
 * @since 0.1.0
 */
export const LinkRelative = Schema.TaggedStruct("LinkRelative", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
  link: RelativeLink,
  pupilProfile: optionalFact(Profile),
  pupilRelatives: fact(Schema.Array(LinkedRelative)),
})

/** Unlink a relative from a pupil (BR-ACC-7). @since 0.1.0 */
export const UnlinkRelative = Schema.TaggedStruct("UnlinkRelative", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
  pupilId: AccountId,
})

/** Link an accompanying adult to a pupil; fact: the pupil's profile (BR-ACC-7). @since 0.1.0 */
export const LinkAccompanyingAdult = Schema.TaggedStruct("LinkAccompanyingAdult", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
  pupilId: AccountId,
  kind: AccompanyingKind,
  pupilProfile: optionalFact(Profile),
})

/** Unlink an accompanying adult from a pupil (BR-ACC-7). @since 0.1.0 */
export const UnlinkAccompanyingAdult = Schema.TaggedStruct("UnlinkAccompanyingAdult", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
  pupilId: AccountId,
})

/** Set the account's login alias; fact: who holds it as a login or alias (BR-ACC-10). @since 0.1.0 */
export const SetLoginAlias = Schema.TaggedStruct("SetLoginAlias", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
  alias: Login,
  aliasHolder: optionalFact(AccountId),
})

/** Remove the account's login alias (BR-ACC-10). @since 0.1.0 */
export const RemoveLoginAlias = Schema.TaggedStruct("RemoveLoginAlias", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
})

/**
 * Link an external identity ("rapprochement") (BR-ACC-10). Fact: the account the
 * identity is already linked to, if any: an identity opens one account.
 *
 * @since 0.1.0
 */
export const LinkExternalIdentity = Schema.TaggedStruct("LinkExternalIdentity", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
  provider: Text.ShortText,
  subject: Text.ShortText,
  identityHolder: optionalFact(AccountId),
})

/** Unlink an external identity (BR-ACC-10). @since 0.1.0 */
export const UnlinkExternalIdentity = Schema.TaggedStruct("UnlinkExternalIdentity", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
  provider: Text.ShortText,
})

/** Grant the administrator right on a school (BR-ACC-11). @since 0.1.0 */
export const GrantAdministratorRight = Schema.TaggedStruct("GrantAdministratorRight", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
  structureId: StructureId,
})

/** Revoke the administrator right on a school (BR-ACC-11). @since 0.1.0 */
export const RevokeAdministratorRight = Schema.TaggedStruct("RevokeAdministratorRight", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
  structureId: StructureId,
})

/**
 * Make the account an administrator of the whole platform (BR-ACC-11): by the
 * installation's own process or another platform administrator.
 *
 * @since 0.1.0
 */
export const AppointPlatformAdministrator = Schema.TaggedStruct("AppointPlatformAdministrator", {
  actor: fact(Actor),
  accountId: AccountId,
})

/** Take the platform administrator right away (BR-ACC-11). @since 0.1.0 */
export const DismissPlatformAdministrator = Schema.TaggedStruct("DismissPlatformAdministrator", {
  actor: fact(Actor),
  accountId: AccountId,
})

/** Give a staff account inspector access (BR-CDT-5). @since 0.1.0 */
export const GrantInspectorAccess = Schema.TaggedStruct("GrantInspectorAccess", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
})

/** Take inspector access away (BR-CDT-5). @since 0.1.0 */
export const RevokeInspectorAccess = Schema.TaggedStruct("RevokeInspectorAccess", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
})

/** Pre-delete the account (BR-ACC-12). @since 0.1.0 */
export const PreDeleteAccount = Schema.TaggedStruct("PreDeleteAccount", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
})

/** Restore a pre-deleted account (BR-ACC-12). @since 0.1.0 */
export const RestoreAccount = Schema.TaggedStruct("RestoreAccount", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
})

/** Delete a pre-deleted account (BR-ACC-9). @since 0.1.0 */
export const DeleteAccount = Schema.TaggedStruct("DeleteAccount", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
})

/**
 * Move a member of the education staff between the Teacher and Personnel profiles, as the
 * directory feed says (a feed account's profile is the feed's: only the feed import changes it).
 * Nothing is recorded when he has that profile; a pupil, a relative or a guest never changes
 * profile (BR-ACC-8).
 *
 * @since 0.1.0
 */
export const ChangeAccountProfile = Schema.TaggedStruct("ChangeAccountProfile", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
  profile: Profile,
})

/** Erase the personal data of a deleted account (BR-ACC-9). @since 0.1.0 */
export const EraseAccountData = Schema.TaggedStruct("EraseAccountData", {
  actor: fact(Actor),
  locations: schoolLocations,
  accountId: AccountId,
})

/**
 * Every Account command, keyed by tag.
 *
 * @since 0.1.0
 */
export const commands = {
  ProvisionAccount,
  UpdateAccountIdentity,
  UpdateAccountSchooling,
  ChangeAccountProfile,
  ActivateAccount,
  IssuePasswordRenewalCode,
  RenewPassword,
  RequestPasswordRecovery,
  RecoverPassword,
  UpgradePasswordHash,
  BlockAccount,
  UnblockAccount,
  AttachAccountToStructure,
  DetachAccountFromStructure,
  LinkRelative,
  UnlinkRelative,
  LinkAccompanyingAdult,
  UnlinkAccompanyingAdult,
  SetLoginAlias,
  RemoveLoginAlias,
  LinkExternalIdentity,
  UnlinkExternalIdentity,
  GrantAdministratorRight,
  RevokeAdministratorRight,
  AppointPlatformAdministrator,
  DismissPlatformAdministrator,
  GrantInspectorAccess,
  RevokeInspectorAccess,
  PreDeleteAccount,
  RestoreAccount,
  DeleteAccount,
  EraseAccountData,
} as const

/**
 * Any Account command.
 *
 * @since 0.1.0
 */
export const AccountCommand = Schema.Union(...Object.values(commands))
/** @since 0.1.0 */
export type AccountCommand = typeof AccountCommand.Type

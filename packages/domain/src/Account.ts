/**
 * The Account aggregate: provisioning, activation, credentials, blocking,
 * links, rights and the deletion lifecycle of one ENT account
 * (BR-ACC-1 to BR-ACC-12).
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { AccountCommand } from "./AccountCommands.ts"
import type { AccompanyingKind, AccountEvent, Origin, Profile, RelativeLink } from "./AccountEvents.ts"
import { events as eventDefinitions } from "./AccountEvents.ts"
import * as Actor from "./Actor.ts"
import * as Credentials from "./Credentials.ts"
import * as Decider from "./Decider.ts"
import type { AccountId, StructureId } from "./Ids.ts"
import { without } from "./internal/fields.ts"
import type * as PersonalData from "./PersonalData.ts"
import { RuleId } from "./Rules.ts"

export * from "./AccountCommands.ts"
export * from "./AccountEvents.ts"

/**
 * Why an Account command was rejected.
 *
 * @since 0.1.0
 */
export const AccountRejectionReason = Schema.Literal(
  "NotAuthorized",
  "ManualCreationRefused",
  "AlreadyExists",
  "NotFound",
  "InvalidCredentials",
  "PasswordPolicy",
  "CharterNotAccepted",
  "InvalidEmail",
  "InvalidState",
  "InvalidLink",
  "IdentityConflict",
)
/** @since 0.1.0 */
export type AccountRejectionReason = typeof AccountRejectionReason.Type

/**
 * An Account command broke a rule; nothing was recorded.
 *
 * @since 0.1.0
 */
export class AccountRejected extends Schema.TaggedError<AccountRejected>("@cartable/domain/AccountRejected")(
  "AccountRejected",
  { ruleId: RuleId, reason: AccountRejectionReason, message: Schema.String },
) {}

/**
 * A provisioned account.
 *
 * @since 0.1.0
 */
export interface Account {
  readonly _tag: "Account"
  readonly accountId: AccountId
  readonly profile: Profile
  readonly origin: Origin
  readonly login: Credentials.Login
  readonly structureIds: ReadonlyArray<StructureId>
  /** Visible to administrators until activation, never after (BR-ACC-2). */
  readonly activationCode: Credentials.OneTimeCode | PersonalData.Erased | undefined
  readonly activated: boolean
  readonly renewalCode: Credentials.OneTimeCode | PersonalData.Erased | undefined
  readonly blocked: boolean
  readonly blockedApplications: ReadonlyArray<string>
  readonly deletion: "None" | "PreDeleted" | "Deleted"
  readonly erased: boolean
  readonly alias: Credentials.Login | undefined
  readonly externalIdentities: ReadonlyArray<{ readonly provider: string; readonly subject: string }>
  readonly relativeOf: ReadonlyArray<RelativeLink>
  readonly accompanies: ReadonlyArray<{ readonly pupilId: AccountId; readonly kind: AccompanyingKind }>
  readonly administratorOf: ReadonlyArray<StructureId>
}

/**
 * The state of an account stream: absent until provisioned.
 *
 * @since 0.1.0
 */
export type AccountState = { readonly _tag: "Absent" } | Account

/** @since 0.1.0 */
export const initialState: AccountState = { _tag: "Absent" }

/**
 * The profiles that come from the directory feeds and are never created by hand (BR-ACC-1).
 *
 * @since 0.1.0
 */
export const feedProfiles: ReadonlyArray<Profile> = ["Student", "Relative", "Teacher"]

/**
 * An account's state as administrators see it (BR-ACC-12).
 *
 * @since 0.1.0
 */
export type AccountStatus = "inactive" | "active" | "blocked" | "preDeleted" | "deleted"

/**
 * The status shown to administrators: deletion first, then blocking, then activation.
 *
 * @since 0.1.0
 */
export const statusOf = (account: Account): AccountStatus =>
  account.deletion === "Deleted"
    ? "deleted"
    : account.deletion === "PreDeleted"
      ? "preDeleted"
      : account.blocked
        ? "blocked"
        : account.activated
          ? "active"
          : "inactive"

const reject = (ruleId: RuleId, reason: AccountRejectionReason, message: string) =>
  Either.left(new AccountRejected({ ruleId, reason, message }))

/**
 * The one rejection every failed login gets: a wrong login or code, a blocked,
 * pre-deleted or deleted account all look the same (BR-ACC-6).
 *
 * @since 0.1.0
 */
export const invalidCredentials: AccountRejected = new AccountRejected({
  ruleId: "BR-ACC-6",
  reason: "InvalidCredentials",
  message: "Wrong login or password",
})

/**
 * Whether this login may open the account at all (before its password or code
 * is checked): the account must exist, be neither blocked nor (pre-)deleted,
 * and the login must be its login or alias. Identity flows call it on sign-in.
 *
 * @since 0.1.0
 */
export const checkLogin = (state: AccountState, login: string): Either.Either<Account, AccountRejected> =>
  state._tag === "Account" &&
  !state.blocked &&
  state.deletion === "None" &&
  (state.login === login || state.alias === login)
    ? Either.right(state)
    : Either.left(invalidCredentials)

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

const events = (...list: ReadonlyArray<AccountEvent>) => Either.right(list)
const none = Either.right<ReadonlyArray<AccountEvent>>([])

/**
 * Options of an Account decider: the password policy (BR-ACC-3's by default).
 *
 * @since 0.1.0
 */
export interface DeciderOptions {
  readonly passwordPolicy?: Credentials.PasswordPolicy
}

type Decision = Either.Either<ReadonlyArray<AccountEvent>, AccountRejected>

const manage = (actor: Actor.Actor, account: Account) =>
  Actor.isSystem(actor) || Actor.administersAny(actor, account.structureIds)

const decideFor = (policy: Credentials.PasswordPolicy) => {
  const checkPassword = (ruleId: RuleId, password: Redacted.Redacted<string>) => {
    const violations = Credentials.passwordViolations(policy, Redacted.value(password))
    return violations.length === 0
      ? Either.void
      : reject(ruleId, "PasswordPolicy", `The password needs ${violations.join(", ")}`)
  }

  const decideExisting = (command: AccountCommand, account: Account): Decision => {
    switch (command._tag) {
      case "ProvisionAccount":
        return reject(
          "BR-ACC-8",
          "AlreadyExists",
          `Account ${account.accountId} exists: a pupil keeps his account, attach it to the new school instead`,
        )
      case "ActivateAccount":
        return Either.gen(function* () {
          yield* checkLogin(account, command.login)
          if (account.activated || account.activationCode !== command.activationCode) {
            return yield* Either.left(invalidCredentials)
          }
          yield* checkPassword("BR-ACC-3", command.password)
          if (!command.charterAccepted) {
            return yield* reject(
              "BR-ACC-3",
              "CharterNotAccepted",
              "The charter must be accepted to activate the account",
            )
          }
          if (!emailPattern.test(command.email)) {
            return yield* reject("BR-ACC-3", "InvalidEmail", `"${command.email}" is not an e-mail address`)
          }
          const mobile = command.mobile?.trim()
          return [
            {
              _tag: "AccountActivated",
              accountId: account.accountId,
              charterAccepted: true,
              email: command.email.trim(),
              ...(mobile ? { mobile } : {}),
            },
          ] as const
        })
      case "IssuePasswordRenewalCode": {
        const teacherOfPupil =
          account.profile === "Student" &&
          command.classId !== undefined &&
          account.structureIds.some((structureId) => Actor.teaches(command.actor, structureId, command.classId!))
        if (!Actor.administersAny(command.actor, account.structureIds) && !teacherOfPupil) {
          return reject(
            "BR-ACC-5",
            "NotAuthorized",
            "Only an administrator of the account's school, or a teacher of the pupil's class, issues a renewal code",
          )
        }
        if (!account.activated) {
          return reject("BR-ACC-5", "InvalidState", "The account is not activated yet: its activation code stands")
        }
        return events({
          _tag: "PasswordRenewalCodeIssued",
          accountId: account.accountId,
          renewalCode: command.renewalCode,
          issuedBy: command.actor.accountId,
        })
      }
      case "RenewPassword":
        return Either.gen(function* () {
          yield* checkLogin(account, command.login)
          if (account.renewalCode === undefined || account.renewalCode !== command.renewalCode) {
            return yield* Either.left(invalidCredentials)
          }
          yield* checkPassword("BR-ACC-5", command.password)
          return [{ _tag: "PasswordRenewed", accountId: account.accountId }] as const
        })
      case "BlockAccount":
      case "UnblockAccount": {
        if (!manage(command.actor, account)) {
          return reject(
            "BR-ACC-6",
            "NotAuthorized",
            "Only an administrator of the account's school blocks or unblocks it",
          )
        }
        const blocked =
          command.application === undefined
            ? account.blocked
            : account.blockedApplications.includes(command.application)
        const block = command._tag === "BlockAccount"
        if (blocked === block) return none
        const application = command.application === undefined ? {} : { application: command.application }
        return events(
          block
            ? {
                _tag: "AccountBlocked",
                accountId: account.accountId,
                blockedBy: command.actor.accountId,
                ...application,
              }
            : {
                _tag: "AccountUnblocked",
                accountId: account.accountId,
                unblockedBy: command.actor.accountId,
                ...application,
              },
        )
      }
      case "AttachAccountToStructure":
      case "DetachAccountFromStructure": {
        if (!Actor.isSystem(command.actor) && !Actor.administersAny(command.actor, [command.structureId])) {
          return reject(
            "BR-ACC-8",
            "NotAuthorized",
            `Only the feed or an administrator of ${command.structureId} does this`,
          )
        }
        const attached = account.structureIds.includes(command.structureId)
        const attach = command._tag === "AttachAccountToStructure"
        if (attached === attach) return none
        return events({
          _tag: attach ? "AccountAttachedToStructure" : "AccountDetachedFromStructure",
          accountId: account.accountId,
          structureId: command.structureId,
        })
      }
      case "LinkRelative": {
        if (!manage(command.actor, account)) {
          return reject("BR-ACC-7", "NotAuthorized", "Only the feed or an administrator links relatives")
        }
        if (account.profile !== "Relative") {
          return reject("BR-ACC-7", "InvalidLink", `Account ${account.accountId} is not a relative's account`)
        }
        if (command.link.pupilId === account.accountId) {
          return reject("BR-ACC-7", "InvalidLink", "An account cannot be its own relative")
        }
        const current = account.relativeOf.find((link) => link.pupilId === command.link.pupilId)
        if (
          current !== undefined &&
          current.legalAuthority === command.link.legalAuthority &&
          current.financial === command.link.financial &&
          current.contact === command.link.contact
        ) {
          return none
        }
        return events({ _tag: "RelativeLinked", accountId: account.accountId, link: command.link })
      }
      case "UnlinkRelative":
        if (!manage(command.actor, account)) {
          return reject("BR-ACC-7", "NotAuthorized", "Only the feed or an administrator unlinks relatives")
        }
        return account.relativeOf.some((link) => link.pupilId === command.pupilId)
          ? events({ _tag: "RelativeUnlinked", accountId: account.accountId, pupilId: command.pupilId })
          : none
      case "LinkAccompanyingAdult": {
        if (!manage(command.actor, account)) {
          return reject("BR-ACC-7", "NotAuthorized", "Only the feed or an administrator links accompanying adults")
        }
        if (account.profile === "Student" || command.pupilId === account.accountId) {
          return reject("BR-ACC-7", "InvalidLink", "A pupil cannot be an accompanying adult")
        }
        const current = account.accompanies.find((link) => link.pupilId === command.pupilId)
        if (current?.kind === command.kind) return none
        return events({
          _tag: "AccompanyingAdultLinked",
          accountId: account.accountId,
          pupilId: command.pupilId,
          kind: command.kind,
        })
      }
      case "UnlinkAccompanyingAdult":
        if (!manage(command.actor, account)) {
          return reject("BR-ACC-7", "NotAuthorized", "Only the feed or an administrator unlinks accompanying adults")
        }
        return account.accompanies.some((link) => link.pupilId === command.pupilId)
          ? events({ _tag: "AccompanyingAdultUnlinked", accountId: account.accountId, pupilId: command.pupilId })
          : none
      case "SetLoginAlias":
      case "RemoveLoginAlias": {
        if (command.actor.accountId !== account.accountId && !manage(command.actor, account)) {
          return reject("BR-ACC-10", "NotAuthorized", "Only the holder or an administrator changes the login alias")
        }
        if (command._tag === "RemoveLoginAlias") {
          return account.alias === undefined
            ? none
            : events({ _tag: "LoginAliasRemoved", accountId: account.accountId })
        }
        if (command.alias === account.login) {
          return reject("BR-ACC-10", "InvalidLink", "The alias must differ from the login")
        }
        return command.alias === account.alias
          ? none
          : events({ _tag: "LoginAliasSet", accountId: account.accountId, alias: command.alias })
      }
      case "LinkExternalIdentity": {
        if (command.actor.accountId !== account.accountId && !manage(command.actor, account)) {
          return reject("BR-ACC-10", "NotAuthorized", "Only the holder, the feed or an administrator links an identity")
        }
        if (command.provider === "EduConnect" && account.profile !== "Student" && account.profile !== "Relative") {
          return reject("BR-ACC-10", "InvalidLink", "EduConnect identities are for pupils and parents only")
        }
        const current = account.externalIdentities.find((identity) => identity.provider === command.provider)
        if (current?.subject === command.subject) return none
        if (current !== undefined) {
          return reject(
            "BR-ACC-10",
            "IdentityConflict",
            `Another ${command.provider} identity is linked: unlink it before linking a new one`,
          )
        }
        return events({
          _tag: "ExternalIdentityLinked",
          accountId: account.accountId,
          provider: command.provider,
          subject: command.subject,
        })
      }
      case "UnlinkExternalIdentity":
        if (command.actor.accountId !== account.accountId && !manage(command.actor, account)) {
          return reject(
            "BR-ACC-10",
            "NotAuthorized",
            "Only the holder, the feed or an administrator unlinks an identity",
          )
        }
        return account.externalIdentities.some((identity) => identity.provider === command.provider)
          ? events({ _tag: "ExternalIdentityUnlinked", accountId: account.accountId, provider: command.provider })
          : none
      case "GrantAdministratorRight":
      case "RevokeAdministratorRight": {
        if (!Actor.administersAny(command.actor, [command.structureId])) {
          return reject(
            "BR-ACC-11",
            "NotAuthorized",
            `Only an administrator of ${command.structureId} grants or revokes it`,
          )
        }
        const holds = account.administratorOf.includes(command.structureId)
        if (command._tag === "RevokeAdministratorRight") {
          return holds
            ? events({
                _tag: "AdministratorRightRevoked",
                accountId: account.accountId,
                structureId: command.structureId,
                revokedBy: command.actor.accountId,
              })
            : none
        }
        if (account.profile === "Student" || account.profile === "Relative") {
          return reject("BR-ACC-11", "InvalidState", "Pupils and relatives cannot be administrators")
        }
        return holds
          ? none
          : events({
              _tag: "AdministratorRightGranted",
              accountId: account.accountId,
              structureId: command.structureId,
              grantedBy: command.actor.accountId,
            })
      }
      case "PreDeleteAccount":
      case "RestoreAccount":
      case "DeleteAccount":
      case "EraseAccountData":
        return decideDeletion(command, account)
    }
  }

  return (command: AccountCommand, state: AccountState): Decision => {
    if (state._tag === "Absent") return decideAbsent(command)
    if (state.deletion !== "None") return decideDeletion(command, state)
    return decideExisting(command, state)
  }
}

const decideAbsent = (command: AccountCommand): Decision => {
  switch (command._tag) {
    case "ProvisionAccount": {
      if (command.origin._tag === "Feed" && !Actor.isSystem(command.actor)) {
        return reject("BR-ACC-1", "NotAuthorized", "Only a directory feed import provisions feed accounts")
      }
      if (command.origin._tag === "Manual") {
        if (feedProfiles.includes(command.profile)) {
          return reject(
            "BR-ACC-1",
            "ManualCreationRefused",
            `${command.profile} accounts come from the directory feeds and are never created by hand`,
          )
        }
        if (!Actor.administersAny(command.actor, [command.structureId])) {
          return reject("BR-ACC-1", "NotAuthorized", `Only an administrator of ${command.structureId} creates accounts`)
        }
      }
      const { actor: _actor, _tag, ...fields } = command
      return events({ _tag: "AccountProvisioned", ...fields })
    }
    case "ActivateAccount":
    case "RenewPassword":
      return Either.left(invalidCredentials)
    default:
      return reject("BR-ACC-12", "NotFound", `Account ${command.accountId} does not exist`)
  }
}

type LifecycleCommand = Extract<
  AccountCommand,
  { readonly _tag: "PreDeleteAccount" | "RestoreAccount" | "DeleteAccount" | "EraseAccountData" }
>

const decideDeletion = (command: AccountCommand, account: Account): Decision => {
  switch (command._tag) {
    case "ActivateAccount":
    case "RenewPassword":
      return Either.left(invalidCredentials)
    case "PreDeleteAccount":
    case "RestoreAccount":
    case "DeleteAccount":
    case "EraseAccountData":
      return manage(command.actor, account)
        ? decideLifecycle(command, account)
        : reject("BR-ACC-9", "NotAuthorized", "Only the feed, the platform or an administrator deletes accounts")
    default:
      return reject(
        "BR-ACC-12",
        "InvalidState",
        `Account ${account.accountId} is ${account.deletion === "Deleted" ? "deleted" : "pre-deleted"}: restore it first`,
      )
  }
}

const decideLifecycle = (command: LifecycleCommand, account: Account): Decision => {
  const { accountId } = account
  switch (command._tag) {
    case "PreDeleteAccount":
      if (account.deletion === "PreDeleted") return none
      return account.deletion === "None"
        ? events({ _tag: "AccountPreDeleted", accountId })
        : reject("BR-ACC-12", "InvalidState", `Account ${accountId} is deleted`)
    case "RestoreAccount":
      return account.deletion === "PreDeleted"
        ? events({ _tag: "AccountRestored", accountId })
        : reject("BR-ACC-12", "InvalidState", "Only a pre-deleted account is restored")
    case "DeleteAccount":
      if (account.deletion === "Deleted") return none
      return account.deletion === "PreDeleted"
        ? events({ _tag: "AccountDeleted", accountId })
        : reject("BR-ACC-9", "InvalidState", "Deletion follows pre-deletion: pre-delete the account first")
    case "EraseAccountData":
      if (account.erased) return none
      return account.deletion === "Deleted"
        ? events({ _tag: "AccountDataErased", accountId })
        : reject("BR-ACC-9", "InvalidState", "Only a deleted account's personal data is erased")
  }
}

/**
 * Folds one event into the state. Total: an event that does not apply to the
 * state leaves it unchanged.
 *
 * @since 0.1.0
 */
export const evolve = (state: AccountState, event: AccountEvent): AccountState => {
  if (event._tag === "AccountProvisioned") {
    return state._tag === "Account"
      ? state
      : {
          _tag: "Account",
          accountId: event.accountId,
          profile: event.profile,
          origin: event.origin,
          login: event.login,
          structureIds: [event.structureId],
          activationCode: event.activationCode,
          activated: false,
          renewalCode: undefined,
          blocked: false,
          blockedApplications: [],
          deletion: "None",
          erased: false,
          alias: undefined,
          externalIdentities: [],
          relativeOf: [],
          accompanies: [],
          administratorOf: [],
        }
  }
  if (state._tag === "Absent") return state
  switch (event._tag) {
    case "AccountActivated":
      return { ...state, activated: true, activationCode: undefined }
    case "PasswordRenewalCodeIssued":
      return { ...state, renewalCode: event.renewalCode }
    case "PasswordRenewed":
      return { ...state, renewalCode: undefined }
    case "AccountBlocked":
      return event.application === undefined
        ? { ...state, blocked: true }
        : {
            ...state,
            blockedApplications: [
              ...without(state.blockedApplications, (a) => a === event.application),
              event.application,
            ],
          }
    case "AccountUnblocked":
      return event.application === undefined
        ? { ...state, blocked: false }
        : { ...state, blockedApplications: without(state.blockedApplications, (a) => a === event.application) }
    case "AccountAttachedToStructure":
      return {
        ...state,
        structureIds: [...without(state.structureIds, (s) => s === event.structureId), event.structureId],
      }
    case "AccountDetachedFromStructure":
      return { ...state, structureIds: without(state.structureIds, (s) => s === event.structureId) }
    case "RelativeLinked":
      return {
        ...state,
        relativeOf: [...without(state.relativeOf, (l) => l.pupilId === event.link.pupilId), event.link],
      }
    case "RelativeUnlinked":
      return { ...state, relativeOf: without(state.relativeOf, (l) => l.pupilId === event.pupilId) }
    case "AccompanyingAdultLinked":
      return {
        ...state,
        accompanies: [
          ...without(state.accompanies, (l) => l.pupilId === event.pupilId),
          { pupilId: event.pupilId, kind: event.kind },
        ],
      }
    case "AccompanyingAdultUnlinked":
      return { ...state, accompanies: without(state.accompanies, (l) => l.pupilId === event.pupilId) }
    case "LoginAliasSet":
      return { ...state, alias: event.alias }
    case "LoginAliasRemoved":
      return { ...state, alias: undefined }
    case "ExternalIdentityLinked":
      return {
        ...state,
        externalIdentities: [
          ...without(state.externalIdentities, (i) => i.provider === event.provider),
          { provider: event.provider, subject: event.subject },
        ],
      }
    case "ExternalIdentityUnlinked":
      return { ...state, externalIdentities: without(state.externalIdentities, (i) => i.provider === event.provider) }
    case "AdministratorRightGranted":
      return {
        ...state,
        administratorOf: [...without(state.administratorOf, (s) => s === event.structureId), event.structureId],
      }
    case "AdministratorRightRevoked":
      return { ...state, administratorOf: without(state.administratorOf, (s) => s === event.structureId) }
    case "AccountPreDeleted":
      return { ...state, deletion: "PreDeleted" }
    case "AccountRestored":
      return { ...state, deletion: "None" }
    case "AccountDeleted":
      return { ...state, deletion: "Deleted" }
    case "AccountDataErased":
      return { ...state, erased: true }
  }
}

/**
 * An Account decider with a password policy other than the default.
 *
 * @since 0.1.0
 */
export const makeAggregate = (options: DeciderOptions = {}) =>
  Decider.aggregate({
    category: "Account",
    Command: AccountCommand,
    events: eventDefinitions,
    streamId: (command) => command.accountId,
    initialState,
    decide: decideFor(options.passwordPolicy ?? Credentials.defaultPasswordPolicy),
    evolve,
  })

/**
 * The Account aggregate with BR-ACC-3's default password policy.
 *
 * @since 0.1.0
 */
export const aggregate = makeAggregate()

/**
 * Decides with the default password policy.
 *
 * @since 0.1.0
 */
export const decide = aggregate.decide

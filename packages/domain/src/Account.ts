/**
 * The Account aggregate: provisioning, activation, credentials, blocking,
 * links, rights and the deletion lifecycle of one ENT account
 * (BR-ACC-1 to BR-ACC-12). Queries on its state are in AccountQueries.
 *
 * @since 0.1.0
 */

import * as Decider from "@cartable/kernel/Decider"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { AccountCommand } from "./AccountCommands.ts"
import type { AccompanyingKind, AccountEvent, Origin, Profile, RelativeLink, Schooling } from "./AccountEvents.ts"
import { events as eventDefinitions } from "./AccountEvents.ts"
import { canLogIn, emailOnFile } from "./AccountQueries.ts"
import * as Actor from "./Actor.ts"
import * as Credentials from "./Credentials.ts"
import type { AccountId, StructureId } from "./Ids.ts"
import { defined, upsert, without } from "./internal/fields.ts"
import { RuleId } from "./Rules.ts"
import * as SchoolingValues from "./Schooling.ts"

export * from "./AccountCommands.ts"
export * from "./AccountEvents.ts"
export * from "./AccountQueries.ts"

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
  "LoginTaken",
  "DuplicateRelative",
  "NoEmail",
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
 * A provisioned account. Personal values (login, names, e-mail, codes, alias,
 * external subjects) read {@link PersonalData.ERASED} once the account is
 * erased, as they do when rebuilt from the log (BR-ACC-9).
 *
 * @since 0.1.0
 */
export interface Account {
  readonly _tag: "Account"
  readonly accountId: AccountId
  readonly profile: Profile
  readonly origin: Origin
  readonly login: Credentials.Login | PersonalData.Erased
  readonly firstName: string
  readonly lastName: string
  readonly email: string | undefined
  readonly structureIds: ReadonlyArray<StructureId>
  /** Visible to administrators until activation, never after (BR-ACC-2). */
  readonly activationCode: Credentials.OneTimeCode | PersonalData.Erased | undefined
  readonly activated: boolean
  readonly renewalCode: Credentials.OneTimeCode | PersonalData.Erased | undefined
  /** The hash of the password that opens the account; none before activation or after a renewal code (BR-ACC-4). */
  readonly passwordHash: Credentials.PasswordHash | PersonalData.Erased | undefined
  /** The recovery e-mail's token that stands, by digest, until it expires (BR-ACC-4). */
  readonly recovery:
    | { readonly tokenDigest: Credentials.TokenDigest | PersonalData.Erased; readonly expiresAt: DateTime.Utc }
    | undefined
  readonly blocked: boolean
  readonly blockedApplications: ReadonlyArray<string>
  readonly deletion: "None" | "PreDeleted" | "Deleted"
  readonly erased: boolean
  readonly alias: Credentials.Login | PersonalData.Erased | undefined
  readonly externalIdentities: ReadonlyArray<{ readonly provider: string; readonly subject: string }>
  readonly relativeOf: ReadonlyArray<RelativeLink>
  readonly accompanies: ReadonlyArray<{ readonly pupilId: AccountId; readonly kind: AccompanyingKind }>
  readonly administratorOf: ReadonlyArray<StructureId>
  /** An administrator of the whole platform (BR-ACC-11). */
  readonly platformAdministrator: boolean
  /** Has inspector access (BR-CDT-5). */
  readonly inspector: boolean
  /** Levels, sub-levels and post disciplines by school, canonical (BR-MSG-3); none once erased. */
  readonly schooling: ReadonlyArray<Schooling>
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
 * The profiles of the education staff (the feeds' PersEducNat category): the feed moves a person
 * between them as he starts or stops teaching, and he keeps his account (BR-ACC-8).
 *
 * @since 0.1.0
 */
export const staffProfiles: ReadonlyArray<Profile> = ["Teacher", "Personnel"]

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
 * {@link canLogIn} as a decision, with the one rejection of a failed login.
 * Identity flows call it on sign-in.
 *
 * @since 0.1.0
 */
export const checkLogin = (state: AccountState, login: string): Either.Either<Account, AccountRejected> =>
  canLogIn(state, login) ? Either.right(state) : Either.left(invalidCredentials)

/**
 * Options of an Account decider: the password policy (BR-ACC-3's by default).
 *
 * @since 0.1.0
 */
export interface DeciderOptions {
  readonly passwordPolicy?: Credentials.PasswordPolicy
}

type Decision = Either.Either<ReadonlyArray<AccountEvent>, AccountRejected>
type Command<Tag extends AccountCommand["_tag"]> = Extract<AccountCommand, { readonly _tag: Tag }>

const reject = (ruleId: RuleId, reason: AccountRejectionReason, message: string): Decision =>
  Either.left(new AccountRejected({ ruleId, reason, message }))
const events = (...list: ReadonlyArray<AccountEvent>): Decision => Either.right(list)
const none: Decision = Either.right([])
const failedLogin: Decision = Either.left(invalidCredentials)

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/**
 * Whether a value is an e-mail address as the Account aggregate takes one (for
 * activation and identity updates); an import checks it before giving one.
 *
 * @since 0.1.0
 */
export const isEmailAddress = (value: string): boolean => emailPattern.test(value)

/** The schools' locations a command carries (BR-ACC-11: an administrator is judged on his scope). */
type Located = { readonly actor: Actor.Actor; readonly locations?: ReadonlyArray<Actor.Location> | undefined }

/** An administrator of one of the account's schools, at any level (BR-ACC-11). */
const administersAccount = (command: Located, account: Account) =>
  Actor.administersSome(command.actor, account.structureIds, command.locations)

/** An administrator of that school, at any level (BR-ACC-11). */
const administersSchool = (command: Located, structureId: StructureId) =>
  Actor.administersSome(command.actor, [structureId], command.locations)

/** The feed, the platform, or an administrator of one of the account's schools. */
const manages = (command: Located, account: Account) =>
  Actor.isSystem(command.actor) || administersAccount(command, account)

/** The holder himself, or whoever manages the account (BR-ACC-10). */
const holderOrManager = (command: Located, account: Account) =>
  command.actor.accountId === account.accountId || manages(command, account)

/** The feed, or an administrator of that school (BR-ACC-8). */
const feedOrAdministratorOf = (command: Located, structureId: StructureId) =>
  Actor.isSystem(command.actor) || administersSchool(command, structureId)

/** A one-time code opens the account while it stands, and never once erased (BR-ACC-2, BR-ACC-5). */
const codeMatches = (stored: Account["activationCode"], given: string) =>
  stored !== undefined && !PersonalData.isErased(stored) && stored === given

const checkPassword = (
  policy: Credentials.PasswordPolicy,
  ruleId: RuleId,
  password: Redacted.Redacted<string>,
): Decision => {
  const violations = Credentials.passwordViolations(policy, Redacted.value(password))
  return violations.length === 0
    ? none
    : reject(ruleId, "PasswordPolicy", `The password needs ${violations.join(", ")}`)
}

const invalidEmail = (email: string) => reject("BR-ACC-3", "InvalidEmail", `"${email}" is not an e-mail address`)

const sameFeedPerson = (a: Origin, b: Origin) =>
  a._tag === "Feed" && b._tag === "Feed" && a.source === b.source && a.externalId === b.externalId

/** The update that brings the account's identity to these values; none when it has them (BR-ACC-9). */
const identityUpdate = (
  account: Account,
  identity: { readonly firstName: string; readonly lastName: string; readonly email?: string | undefined },
): ReadonlyArray<AccountEvent> =>
  account.firstName === identity.firstName &&
  account.lastName === identity.lastName &&
  (identity.email === undefined || identity.email === account.email)
    ? []
    : [
        {
          _tag: "AccountIdentityUpdated",
          accountId: account.accountId,
          firstName: identity.firstName,
          lastName: identity.lastName,
          ...defined("email", identity.email),
        },
      ]

/** The login is free, or held by the account itself (BR-ACC-10: logins and aliases are unique across accounts). */
const loginTaken = (holder: AccountId | undefined, accountId: AccountId, login: string): Decision | undefined =>
  holder === undefined || holder === accountId
    ? undefined
    : reject("BR-ACC-10", "LoginTaken", `The login "${login}" is taken by another account: choose another one`)

const provision = (command: Command<"ProvisionAccount">): Decision => {
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
    if (!administersSchool(command, command.structureId)) {
      return reject("BR-ACC-1", "NotAuthorized", `Only an administrator of ${command.structureId} creates accounts`)
    }
  }
  const { feedHolder } = command
  // BR-ACC-8: a feed person who has an account keeps it; he is never given a second one.
  if (command.origin._tag === "Feed" && feedHolder !== undefined && feedHolder !== command.accountId) {
    return reject(
      "BR-ACC-8",
      "AlreadyExists",
      `This feed person already has account ${feedHolder}: a pupil keeps his account, attach it to the new school instead`,
    )
  }
  const taken = loginTaken(command.loginHolder, command.accountId, command.login)
  if (taken !== undefined) return taken
  const { accountId, profile, origin, structureId, login, firstName, lastName, activationCode } = command
  return events({
    _tag: "AccountProvisioned",
    accountId,
    profile,
    origin,
    structureId,
    login,
    firstName,
    lastName,
    activationCode,
  })
}

/**
 * The same feed sending the same person again is a re-import: his identity is
 * brought up to date and a new school attached, his login and codes kept
 * (BR-ACC-8); anyone else provisioning the id is refused.
 */
const reprovision = (command: Command<"ProvisionAccount">, account: Account): Decision => {
  if (!Actor.isSystem(command.actor) || !sameFeedPerson(command.origin, account.origin)) {
    return reject(
      "BR-ACC-8",
      "AlreadyExists",
      `Account ${account.accountId} exists: a pupil keeps his account, attach it to the new school instead`,
    )
  }
  const changed = profileChange(account, command.profile)
  if (Either.isLeft(changed)) return changed
  const attach: ReadonlyArray<AccountEvent> = account.structureIds.includes(command.structureId)
    ? []
    : [{ _tag: "AccountAttachedToStructure", accountId: account.accountId, structureId: command.structureId }]
  return events(
    ...changed.right,
    ...identityUpdate(account, { firstName: command.firstName, lastName: command.lastName }),
    ...attach,
  )
}

/**
 * The change that gives the account this profile; none when it has it. Only the education staff
 * moves, between Teacher and Personnel: a pupil, a relative or a guest keeps his profile (BR-ACC-8).
 */
const profileChange = (account: Account, profile: Profile): Decision => {
  if (profile === account.profile) return none
  if (!staffProfiles.includes(account.profile) || !staffProfiles.includes(profile)) {
    return reject(
      "BR-ACC-8",
      "AlreadyExists",
      `Account ${account.accountId} is a ${account.profile} account: one feed person, one profile (only teachers and staff move, between Teacher and Personnel)`,
    )
  }
  return events({ _tag: "AccountProfileChanged", accountId: account.accountId, previous: account.profile, profile })
}

const changeProfile = (command: Command<"ChangeAccountProfile">, account: Account): Decision =>
  // (decision) A feed account's profile is the feed's (as its identity, BR-ACC-9); a manual one has none to follow.
  account.origin._tag !== "Feed" || !Actor.isSystem(command.actor)
    ? reject(
        "BR-ACC-8",
        "NotAuthorized",
        account.origin._tag === "Feed"
          ? "A feed account's profile comes from the directory feed"
          : `Account ${account.accountId} is a manual account: its profile is the one it was created with`,
      )
    : profileChange(account, command.profile)

/**
 * The commands a provisioning brings with it (ProvisionAccount's `email`, `schooling`, `links`), in
 * that order, each with the provisioning's actor and locations; a link's facts are its pupil's.
 */
const broughtBy = (command: Command<"ProvisionAccount">): ReadonlyArray<AccountCommand> => {
  const { actor, accountId, firstName, lastName, email, schooling, links, pupils } = command
  const located = { actor, accountId, ...defined("locations", command.locations) }
  const brought: Array<AccountCommand> = []
  if (email !== undefined) brought.push({ _tag: "UpdateAccountIdentity", ...located, firstName, lastName, email })
  if (schooling !== undefined) brought.push({ _tag: "UpdateAccountSchooling", ...located, schooling })
  for (const link of links ?? []) {
    const pupil = pupils?.find((candidate) => candidate.pupilId === link.pupilId)
    brought.push({
      _tag: "LinkRelative",
      ...located,
      link,
      ...defined("pupilProfile", pupil?.profile),
      pupilRelatives: pupil?.relatives ?? [],
    })
  }
  return brought
}

/**
 * A provisioning and what it brings, decided one after another on the state each leaves, all or
 * nothing: the first refusal refuses the provisioning.
 */
const provisionWith = (
  decideOne: (command: AccountCommand, state: AccountState) => Decision,
  command: Command<"ProvisionAccount">,
  state: AccountState,
  provisioned: Decision,
): Decision => {
  if (Either.isLeft(provisioned)) return provisioned
  const brought = broughtBy(command)
  if (brought.length === 0) return provisioned
  const recorded = [...provisioned.right]
  let next = recorded.reduce(evolve, state)
  for (const one of brought) {
    const decided = decideOne(one, next)
    if (Either.isLeft(decided)) return decided
    recorded.push(...decided.right)
    next = decided.right.reduce(evolve, next)
  }
  return events(...recorded)
}

const updateIdentity = (command: Command<"UpdateAccountIdentity">, account: Account): Decision => {
  // (decision) A feed account's identity is the feed's, a manual one its administrators' (as BR-GRP-6).
  if (account.origin._tag === "Feed" ? !Actor.isSystem(command.actor) : !administersAccount(command, account)) {
    return reject(
      "BR-ACC-9",
      "NotAuthorized",
      account.origin._tag === "Feed"
        ? "A feed account's names and e-mail come from the directory feed"
        : "Only an administrator of the account's school corrects its names and e-mail",
    )
  }
  if (command.email !== undefined && !isEmailAddress(command.email)) return invalidEmail(command.email)
  return events(...identityUpdate(account, command))
}

const updateSchooling = (command: Command<"UpdateAccountSchooling">, account: Account): Decision => {
  // (decision) As the identity: a feed account's schooling is the feed's, a manual one its administrators'.
  if (account.origin._tag === "Feed" ? !Actor.isSystem(command.actor) : !administersAccount(command, account)) {
    return reject(
      "BR-MSG-3",
      "NotAuthorized",
      account.origin._tag === "Feed"
        ? "A feed account's levels and disciplines come from the directory feed"
        : "Only an administrator of the account's school sets its levels and disciplines",
    )
  }
  if (SchoolingValues.equivalent(command.schooling, account.schooling)) return none
  return events({
    _tag: "AccountSchoolingUpdated",
    accountId: account.accountId,
    schooling: SchoolingValues.canonical(command.schooling),
  })
}

const activate = (
  policy: Credentials.PasswordPolicy,
  command: Command<"ActivateAccount">,
  account: Account,
): Decision =>
  Either.gen(function* () {
    // Activation clears the code (evolve), so an activated account has none to match (BR-ACC-2).
    if (!canLogIn(account, command.login) || !codeMatches(account.activationCode, command.activationCode)) {
      return yield* failedLogin
    }
    yield* checkPassword(policy, "BR-ACC-3", command.password)
    if (!command.charterAccepted) {
      return yield* reject("BR-ACC-3", "CharterNotAccepted", "The charter must be accepted to activate the account")
    }
    if (!isEmailAddress(command.email)) return yield* invalidEmail(command.email)
    const mobile = command.mobile?.trim()
    return [
      {
        _tag: "AccountActivated",
        accountId: account.accountId,
        charterAccepted: true,
        // The pattern refuses surrounding spaces, so the address is recorded as typed.
        email: command.email,
        ...(mobile ? { mobile } : {}),
        passwordHash: Redacted.value(command.passwordHash),
      },
    ] as const
  })

const issueRenewalCode = (command: Command<"IssuePasswordRenewalCode">, account: Account): Decision => {
  const { actor, pupilClassIds } = command
  // BR-ACC-5: judged on the pupil's classes as the log has them, never on a class the teacher names.
  const teachesPupil =
    account.profile === "Student" &&
    pupilClassIds.some((classId) =>
      account.structureIds.some((structureId) => Actor.teaches(actor, structureId, classId)),
    )
  if (!administersAccount(command, account) && !teachesPupil) {
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
    issuedBy: actor.accountId,
  })
}

const renewPassword = (
  policy: Credentials.PasswordPolicy,
  command: Command<"RenewPassword">,
  account: Account,
): Decision =>
  Either.gen(function* () {
    if (!canLogIn(account, command.login) || !codeMatches(account.renewalCode, command.renewalCode)) {
      return yield* failedLogin
    }
    yield* checkPassword(policy, "BR-ACC-5", command.password)
    return [
      { _tag: "PasswordRenewed", accountId: account.accountId, passwordHash: Redacted.value(command.passwordHash) },
    ] as const
  })

const requestRecovery = (command: Command<"RequestPasswordRecovery">, account: Account): Decision => {
  if (!canLogIn(account, command.login)) return failedLogin
  if (!account.activated) {
    return reject("BR-ACC-4", "InvalidState", "The account is not activated yet: its activation code stands")
  }
  if (emailOnFile(account) === undefined) {
    return reject("BR-ACC-4", "NoEmail", "The account has no e-mail address on file to recover its password")
  }
  return events({
    _tag: "PasswordRecoveryRequested",
    accountId: account.accountId,
    tokenDigest: command.tokenDigest,
    expiresAt: command.expiresAt,
  })
}

/** The recovery token stands: the one on file, not erased, and the attempt before its expiry (BR-ACC-4). */
const recoveryStands = (account: Account, command: Command<"RecoverPassword">) =>
  account.recovery !== undefined &&
  !PersonalData.isErased(account.recovery.tokenDigest) &&
  account.recovery.tokenDigest === command.tokenDigest &&
  DateTime.lessThan(command.recoveredAt, account.recovery.expiresAt)

const recoverPassword = (
  policy: Credentials.PasswordPolicy,
  command: Command<"RecoverPassword">,
  account: Account,
): Decision =>
  Either.gen(function* () {
    if (!canLogIn(account, command.login) || !recoveryStands(account, command)) return yield* failedLogin
    yield* checkPassword(policy, "BR-ACC-4", command.password)
    return [
      { _tag: "PasswordRecovered", accountId: account.accountId, passwordHash: Redacted.value(command.passwordHash) },
    ] as const
  })

const upgradePasswordHash = (command: Command<"UpgradePasswordHash">, account: Account): Decision => {
  if (!Actor.isSystem(command.actor)) {
    return reject("BR-ACC-4", "NotAuthorized", "Only the sign-in process upgrades a password hash")
  }
  // The password changed since sign-in verified it: the new one's hash stands.
  if (account.passwordHash !== Redacted.value(command.previousHash)) return none
  return events({
    _tag: "PasswordHashUpgraded",
    accountId: account.accountId,
    passwordHash: Redacted.value(command.passwordHash),
  })
}

const blockedNow = (account: Account, application: string | undefined) =>
  application === undefined ? account.blocked : account.blockedApplications.includes(application)

const notBlocker = () =>
  reject("BR-ACC-6", "NotAuthorized", "Only the feed or an administrator of the account's school blocks or unblocks it")

const block = (command: Command<"BlockAccount">, account: Account): Decision => {
  if (!manages(command, account)) return notBlocker()
  if (blockedNow(account, command.application)) return none
  return events({
    _tag: "AccountBlocked",
    accountId: account.accountId,
    blockedBy: command.actor.accountId,
    ...defined("application", command.application),
  })
}

const unblock = (command: Command<"UnblockAccount">, account: Account): Decision => {
  if (!manages(command, account)) return notBlocker()
  if (!blockedNow(account, command.application)) return none
  return events({
    _tag: "AccountUnblocked",
    accountId: account.accountId,
    unblockedBy: command.actor.accountId,
    ...defined("application", command.application),
  })
}

const notAttacher = (structureId: StructureId) =>
  reject("BR-ACC-8", "NotAuthorized", `Only the feed or an administrator of ${structureId} does this`)

const attach = (command: Command<"AttachAccountToStructure">, account: Account): Decision => {
  const { structureId } = command
  if (!feedOrAdministratorOf(command, structureId)) return notAttacher(structureId)
  return account.structureIds.includes(structureId)
    ? none
    : events({ _tag: "AccountAttachedToStructure", accountId: account.accountId, structureId })
}

const detach = (command: Command<"DetachAccountFromStructure">, account: Account): Decision => {
  const { structureId } = command
  if (!feedOrAdministratorOf(command, structureId)) return notAttacher(structureId)
  return account.structureIds.includes(structureId)
    ? events({ _tag: "AccountDetachedFromStructure", accountId: account.accountId, structureId })
    : none
}

/** A linked child is a pupil (BR-ACC-7); `profile` is the log's, absent when no such account exists. */
const notAPupil = (pupilId: AccountId, profile: Profile | undefined): Decision | undefined =>
  profile === "Student"
    ? undefined
    : reject(
        "BR-ACC-7",
        "InvalidLink",
        profile === undefined ? `Account ${pupilId} does not exist` : `Account ${pupilId} is not a pupil's account`,
      )

/** Names compared as seed 003's search does: case, accents and spacing ignored. */
const nameKey = (name: string) => name.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim()

/**
 * (decision, seed 004 "doublons responsables") Two relative accounts of one
 * pupil are one person when their first and last names match; an erased name
 * matches nothing.
 */
const samePerson = (
  a: { readonly firstName: string; readonly lastName: string },
  b: { readonly firstName: string; readonly lastName: string },
) =>
  ![a.firstName, a.lastName, b.firstName, b.lastName].some(PersonalData.isErased) &&
  nameKey(a.firstName) === nameKey(b.firstName) &&
  nameKey(a.lastName) === nameKey(b.lastName)

const sameLink = (a: RelativeLink, b: RelativeLink) =>
  a.legalAuthority === b.legalAuthority && a.financial === b.financial && a.contact === b.contact

const linkRelative = (command: Command<"LinkRelative">, account: Account): Decision => {
  const { link } = command
  if (!manages(command, account)) {
    return reject("BR-ACC-7", "NotAuthorized", "Only the feed or an administrator links relatives")
  }
  if (account.profile !== "Relative") {
    return reject("BR-ACC-7", "InvalidLink", `Account ${account.accountId} is not a relative's account`)
  }
  if (link.pupilId === account.accountId) {
    return reject("BR-ACC-7", "InvalidLink", "An account cannot be its own relative")
  }
  const notPupil = notAPupil(link.pupilId, command.pupilProfile)
  if (notPupil !== undefined) return notPupil
  const duplicate = command.pupilRelatives.find(
    (other) => other.accountId !== account.accountId && samePerson(other, account),
  )
  if (duplicate !== undefined) {
    return reject(
      "BR-ACC-7",
      "DuplicateRelative",
      `Pupil ${link.pupilId} already has relative account ${duplicate.accountId} for this person: a relative has one account for all his children, link that one`,
    )
  }
  const current = account.relativeOf.find((l) => l.pupilId === link.pupilId)
  return current !== undefined && sameLink(current, link)
    ? none
    : events({ _tag: "RelativeLinked", accountId: account.accountId, link })
}

const unlinkRelative = (command: Command<"UnlinkRelative">, account: Account): Decision => {
  if (!manages(command, account)) {
    return reject("BR-ACC-7", "NotAuthorized", "Only the feed or an administrator unlinks relatives")
  }
  return account.relativeOf.some((link) => link.pupilId === command.pupilId)
    ? events({ _tag: "RelativeUnlinked", accountId: account.accountId, pupilId: command.pupilId })
    : none
}

const linkAccompanyingAdult = (command: Command<"LinkAccompanyingAdult">, account: Account): Decision => {
  const { pupilId, kind } = command
  if (!manages(command, account)) {
    return reject("BR-ACC-7", "NotAuthorized", "Only the feed or an administrator links accompanying adults")
  }
  if (account.profile === "Student" || pupilId === account.accountId) {
    return reject("BR-ACC-7", "InvalidLink", "A pupil cannot be an accompanying adult")
  }
  const notPupil = notAPupil(pupilId, command.pupilProfile)
  if (notPupil !== undefined) return notPupil
  return account.accompanies.find((link) => link.pupilId === pupilId)?.kind === kind
    ? none
    : events({ _tag: "AccompanyingAdultLinked", accountId: account.accountId, pupilId, kind })
}

const unlinkAccompanyingAdult = (command: Command<"UnlinkAccompanyingAdult">, account: Account): Decision => {
  if (!manages(command, account)) {
    return reject("BR-ACC-7", "NotAuthorized", "Only the feed or an administrator unlinks accompanying adults")
  }
  return account.accompanies.some((link) => link.pupilId === command.pupilId)
    ? events({ _tag: "AccompanyingAdultUnlinked", accountId: account.accountId, pupilId: command.pupilId })
    : none
}

const notAliasHolder = () =>
  reject("BR-ACC-10", "NotAuthorized", "Only the holder, the feed or an administrator changes the login alias")

const setLoginAlias = (command: Command<"SetLoginAlias">, account: Account): Decision => {
  if (!holderOrManager(command, account)) return notAliasHolder()
  if (command.alias === account.login) {
    return reject("BR-ACC-10", "InvalidLink", "The alias must differ from the login")
  }
  const taken = loginTaken(command.aliasHolder, account.accountId, command.alias)
  if (taken !== undefined) return taken
  return command.alias === account.alias
    ? none
    : events({ _tag: "LoginAliasSet", accountId: account.accountId, alias: command.alias })
}

const removeLoginAlias = (command: Command<"RemoveLoginAlias">, account: Account): Decision => {
  if (!holderOrManager(command, account)) return notAliasHolder()
  return account.alias === undefined ? none : events({ _tag: "LoginAliasRemoved", accountId: account.accountId })
}

const linkExternalIdentity = (command: Command<"LinkExternalIdentity">, account: Account): Decision => {
  const { provider, subject } = command
  if (!holderOrManager(command, account)) {
    return reject("BR-ACC-10", "NotAuthorized", "Only the holder, the feed or an administrator links an identity")
  }
  if (provider === "EduConnect" && account.profile !== "Student" && account.profile !== "Relative") {
    return reject("BR-ACC-10", "InvalidLink", "EduConnect identities are for pupils and parents only")
  }
  if (command.identityHolder !== undefined && command.identityHolder !== account.accountId) {
    return reject("BR-ACC-10", "IdentityConflict", `This ${provider} identity is linked to another account`)
  }
  const current = account.externalIdentities.find((identity) => identity.provider === provider)
  if (current?.subject === subject) return none
  if (current !== undefined) {
    return reject(
      "BR-ACC-10",
      "IdentityConflict",
      `Another ${provider} identity is linked: unlink it before linking a new one`,
    )
  }
  return events({ _tag: "ExternalIdentityLinked", accountId: account.accountId, provider, subject })
}

const unlinkExternalIdentity = (command: Command<"UnlinkExternalIdentity">, account: Account): Decision => {
  if (!holderOrManager(command, account)) {
    return reject("BR-ACC-10", "NotAuthorized", "Only the holder, the feed or an administrator unlinks an identity")
  }
  return account.externalIdentities.some((identity) => identity.provider === command.provider)
    ? events({ _tag: "ExternalIdentityUnlinked", accountId: account.accountId, provider: command.provider })
    : none
}

const notGranter = (structureId: StructureId) =>
  reject("BR-ACC-11", "NotAuthorized", `Only an administrator of ${structureId} grants or revokes it`)

const grantAdministratorRight = (command: Command<"GrantAdministratorRight">, account: Account): Decision => {
  const { actor, structureId } = command
  if (!administersSchool(command, structureId)) return notGranter(structureId)
  // (decision) The seeds grant the right to staff; pupils and relatives never administer.
  if (account.profile === "Student" || account.profile === "Relative") {
    return reject("BR-ACC-11", "InvalidState", "Pupils and relatives cannot be administrators")
  }
  return account.administratorOf.includes(structureId)
    ? none
    : events({
        _tag: "AdministratorRightGranted",
        accountId: account.accountId,
        structureId,
        grantedBy: actor.accountId,
      })
}

const revokeAdministratorRight = (command: Command<"RevokeAdministratorRight">, account: Account): Decision => {
  const { actor, structureId } = command
  if (!administersSchool(command, structureId)) return notGranter(structureId)
  return account.administratorOf.includes(structureId)
    ? events({
        _tag: "AdministratorRightRevoked",
        accountId: account.accountId,
        structureId,
        revokedBy: actor.accountId,
      })
    : none
}

const isPlatformAdministrator = (actor: Actor.Actor) =>
  actor.roles.some((role) => role._tag === "Administrator" && role.level === "Platform")

const appointPlatformAdministrator = (command: Command<"AppointPlatformAdministrator">, account: Account): Decision => {
  const { actor } = command
  if (!Actor.isSystem(actor) && !isPlatformAdministrator(actor)) {
    return reject("BR-ACC-11", "NotAuthorized", "Only the platform's own process or a platform administrator does this")
  }
  if (account.profile === "Student" || account.profile === "Relative") {
    return reject("BR-ACC-11", "InvalidState", "Pupils and relatives cannot be administrators")
  }
  return account.platformAdministrator
    ? none
    : events({ _tag: "PlatformAdministratorAppointed", accountId: account.accountId, appointedBy: actor.accountId })
}

const dismissPlatformAdministrator = (command: Command<"DismissPlatformAdministrator">, account: Account): Decision => {
  const { actor } = command
  if (!Actor.isSystem(actor) && !isPlatformAdministrator(actor)) {
    return reject("BR-ACC-11", "NotAuthorized", "Only the platform's own process or a platform administrator does this")
  }
  return account.platformAdministrator
    ? events({ _tag: "PlatformAdministratorDismissed", accountId: account.accountId, dismissedBy: actor.accountId })
    : none
}

const grantInspectorAccess = (command: Command<"GrantInspectorAccess">, account: Account): Decision => {
  if (!manages(command, account)) {
    return reject("BR-CDT-5", "NotAuthorized", "Only the feed or an administrator of the account's school does this")
  }
  // (decision) Inspectors are staff: teachers' or personnel accounts.
  if (account.profile !== "Teacher" && account.profile !== "Personnel") {
    return reject("BR-CDT-5", "InvalidState", `A ${account.profile} account cannot be an inspector`)
  }
  return account.inspector
    ? none
    : events({ _tag: "InspectorAccessGranted", accountId: account.accountId, grantedBy: command.actor.accountId })
}

const revokeInspectorAccess = (command: Command<"RevokeInspectorAccess">, account: Account): Decision => {
  if (!manages(command, account)) {
    return reject("BR-CDT-5", "NotAuthorized", "Only the feed or an administrator of the account's school does this")
  }
  return account.inspector
    ? events({ _tag: "InspectorAccessRevoked", accountId: account.accountId, revokedBy: command.actor.accountId })
    : none
}

const notDeleter = () =>
  reject(
    "BR-ACC-9",
    "NotAuthorized",
    "Only the feed, the platform or an administrator of the account's school deletes accounts",
  )

const preDelete = (command: Command<"PreDeleteAccount">, account: Account): Decision => {
  if (!manages(command, account)) return notDeleter()
  switch (account.deletion) {
    case "None":
      return events({ _tag: "AccountPreDeleted", accountId: account.accountId })
    case "PreDeleted":
      return none
    case "Deleted":
      return reject("BR-ACC-12", "InvalidState", `Account ${account.accountId} is deleted`)
  }
}

const restore = (command: Command<"RestoreAccount">, account: Account): Decision => {
  if (!manages(command, account)) return notDeleter()
  return account.deletion === "PreDeleted"
    ? events({ _tag: "AccountRestored", accountId: account.accountId })
    : reject("BR-ACC-12", "InvalidState", "Only a pre-deleted account is restored")
}

const deleteAccount = (command: Command<"DeleteAccount">, account: Account): Decision => {
  if (!manages(command, account)) return notDeleter()
  switch (account.deletion) {
    case "None":
      return reject("BR-ACC-9", "InvalidState", "Deletion follows pre-deletion: pre-delete the account first")
    case "PreDeleted":
      return events({ _tag: "AccountDeleted", accountId: account.accountId })
    case "Deleted":
      return none
  }
}

const eraseData = (command: Command<"EraseAccountData">, account: Account): Decision => {
  if (!manages(command, account)) return notDeleter()
  if (account.erased) return none
  return account.deletion === "Deleted"
    ? events({ _tag: "AccountDataErased", accountId: account.accountId })
    : reject("BR-ACC-9", "InvalidState", "Only a deleted account's personal data is erased")
}

const lifecycleTags: ReadonlySet<AccountCommand["_tag"]> = new Set([
  "PreDeleteAccount",
  "RestoreAccount",
  "DeleteAccount",
  "EraseAccountData",
])

/** A (pre-)deleted account takes only lifecycle commands, and no login (BR-ACC-6, BR-ACC-12). */
/** The commands of someone not signed in, proving who he is with a code or a token: refused as a failed login. */
const signInTags: ReadonlySet<AccountCommand["_tag"]> = new Set([
  "ActivateAccount",
  "RenewPassword",
  "RequestPasswordRecovery",
  "RecoverPassword",
])

const removed = (command: AccountCommand, account: Account): Decision =>
  signInTags.has(command._tag)
    ? failedLogin
    : reject(
        "BR-ACC-12",
        "InvalidState",
        `Account ${account.accountId} is ${account.deletion === "Deleted" ? "deleted" : "pre-deleted"}: restore it first`,
      )

const absent = (command: AccountCommand): Decision =>
  signInTags.has(command._tag)
    ? failedLogin
    : reject("BR-ACC-12", "NotFound", `Account ${command.accountId} does not exist`)

/** Decides a command against an account's state, under a password policy. */
const decideWith = (policy: Credentials.PasswordPolicy) => {
  const decideOne = (command: AccountCommand, state: AccountState): Decision => {
    if (state._tag === "Absent") {
      return command._tag === "ProvisionAccount"
        ? provisionWith(decideOne, command, state, provision(command))
        : absent(command)
    }
    if (state.deletion !== "None" && !lifecycleTags.has(command._tag)) return removed(command, state)
    switch (command._tag) {
      case "ProvisionAccount":
        return provisionWith(decideOne, command, state, reprovision(command, state))
      case "UpdateAccountIdentity":
        return updateIdentity(command, state)
      case "UpdateAccountSchooling":
        return updateSchooling(command, state)
      case "ChangeAccountProfile":
        return changeProfile(command, state)
      case "ActivateAccount":
        return activate(policy, command, state)
      case "IssuePasswordRenewalCode":
        return issueRenewalCode(command, state)
      case "RenewPassword":
        return renewPassword(policy, command, state)
      case "RequestPasswordRecovery":
        return requestRecovery(command, state)
      case "RecoverPassword":
        return recoverPassword(policy, command, state)
      case "UpgradePasswordHash":
        return upgradePasswordHash(command, state)
      case "BlockAccount":
        return block(command, state)
      case "UnblockAccount":
        return unblock(command, state)
      case "AttachAccountToStructure":
        return attach(command, state)
      case "DetachAccountFromStructure":
        return detach(command, state)
      case "LinkRelative":
        return linkRelative(command, state)
      case "UnlinkRelative":
        return unlinkRelative(command, state)
      case "LinkAccompanyingAdult":
        return linkAccompanyingAdult(command, state)
      case "UnlinkAccompanyingAdult":
        return unlinkAccompanyingAdult(command, state)
      case "SetLoginAlias":
        return setLoginAlias(command, state)
      case "RemoveLoginAlias":
        return removeLoginAlias(command, state)
      case "LinkExternalIdentity":
        return linkExternalIdentity(command, state)
      case "UnlinkExternalIdentity":
        return unlinkExternalIdentity(command, state)
      case "GrantAdministratorRight":
        return grantAdministratorRight(command, state)
      case "RevokeAdministratorRight":
        return revokeAdministratorRight(command, state)
      case "AppointPlatformAdministrator":
        return appointPlatformAdministrator(command, state)
      case "DismissPlatformAdministrator":
        return dismissPlatformAdministrator(command, state)
      case "GrantInspectorAccess":
        return grantInspectorAccess(command, state)
      case "RevokeInspectorAccess":
        return revokeInspectorAccess(command, state)
      case "PreDeleteAccount":
        return preDelete(command, state)
      case "RestoreAccount":
        return restore(command, state)
      case "DeleteAccount":
        return deleteAccount(command, state)
      case "EraseAccountData":
        return eraseData(command, state)
    }
  }
  return decideOne
}

const erasedIfSet = <A>(value: A | undefined): A | PersonalData.Erased | undefined =>
  value === undefined ? undefined : PersonalData.ERASED

/**
 * What the log reads once the subject's key is destroyed: every personal value
 * becomes the marker, an absent one stays absent (BR-ACC-9).
 */
const erase = (account: Account): Account => ({
  ...account,
  erased: true,
  login: PersonalData.ERASED,
  firstName: PersonalData.ERASED,
  lastName: PersonalData.ERASED,
  email: erasedIfSet(account.email),
  activationCode: erasedIfSet(account.activationCode),
  renewalCode: erasedIfSet(account.renewalCode),
  passwordHash: erasedIfSet(account.passwordHash),
  recovery: undefined,
  alias: erasedIfSet(account.alias),
  externalIdentities: account.externalIdentities.map((identity) => ({ ...identity, subject: PersonalData.ERASED })),
  schooling: [],
})

const provisioned = (event: Extract<AccountEvent, { readonly _tag: "AccountProvisioned" }>): Account => ({
  _tag: "Account",
  accountId: event.accountId,
  profile: event.profile,
  origin: event.origin,
  login: event.login,
  firstName: event.firstName,
  lastName: event.lastName,
  email: undefined,
  structureIds: [event.structureId],
  activationCode: event.activationCode,
  activated: false,
  renewalCode: undefined,
  passwordHash: undefined,
  recovery: undefined,
  blocked: false,
  blockedApplications: [],
  deletion: "None",
  erased: false,
  alias: undefined,
  externalIdentities: [],
  relativeOf: [],
  accompanies: [],
  administratorOf: [],
  platformAdministrator: false,
  inspector: false,
  schooling: [],
})

const itself = <A>(a: A) => a

/**
 * Folds one event into the state. Total: an event that does not apply to the
 * state leaves it unchanged.
 *
 * @since 0.1.0
 */
export const evolve = (state: AccountState, event: AccountEvent): AccountState => {
  if (event._tag === "AccountProvisioned") return state._tag === "Account" ? state : provisioned(event)
  if (state._tag === "Absent") return state
  switch (event._tag) {
    case "AccountIdentityUpdated":
      return {
        ...state,
        firstName: event.firstName,
        lastName: event.lastName,
        email: event.email ?? state.email,
      }
    case "AccountProfileChanged":
      return { ...state, profile: event.profile }
    case "AccountSchoolingUpdated":
      // An erased schooling reads as the marker: the account has none (BR-ACC-9).
      return { ...state, schooling: PersonalData.isErased(event.schooling) ? [] : event.schooling }
    case "AccountActivated":
      return {
        ...state,
        activated: true,
        activationCode: undefined,
        email: event.email,
        passwordHash: event.passwordHash,
        recovery: undefined,
      }
    case "PasswordRenewalCodeIssued":
      // The previous password no longer opens the account (BR-ACC-4).
      return { ...state, renewalCode: event.renewalCode, passwordHash: undefined }
    case "PasswordRenewed":
      return { ...state, renewalCode: undefined, passwordHash: event.passwordHash, recovery: undefined }
    case "PasswordRecoveryRequested":
      return { ...state, recovery: { tokenDigest: event.tokenDigest, expiresAt: event.expiresAt } }
    case "PasswordRecovered":
      // One way of setting a password closes the others: a standing renewal code goes too.
      return { ...state, renewalCode: undefined, passwordHash: event.passwordHash, recovery: undefined }
    case "PasswordHashUpgraded":
      return { ...state, passwordHash: event.passwordHash }
    case "AccountBlocked":
      return event.application === undefined
        ? { ...state, blocked: true }
        : { ...state, blockedApplications: upsert(state.blockedApplications, event.application, itself) }
    case "AccountUnblocked":
      return event.application === undefined
        ? { ...state, blocked: false }
        : { ...state, blockedApplications: without(state.blockedApplications, (a) => a === event.application) }
    case "AccountAttachedToStructure":
      return { ...state, structureIds: upsert(state.structureIds, event.structureId, itself) }
    case "AccountDetachedFromStructure":
      return { ...state, structureIds: without(state.structureIds, (s) => s === event.structureId) }
    case "RelativeLinked":
      return { ...state, relativeOf: upsert(state.relativeOf, event.link, (l) => l.pupilId) }
    case "RelativeUnlinked":
      return { ...state, relativeOf: without(state.relativeOf, (l) => l.pupilId === event.pupilId) }
    case "AccompanyingAdultLinked":
      return {
        ...state,
        accompanies: upsert(state.accompanies, { pupilId: event.pupilId, kind: event.kind }, (l) => l.pupilId),
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
        externalIdentities: upsert(
          state.externalIdentities,
          { provider: event.provider, subject: event.subject },
          (i) => i.provider,
        ),
      }
    case "ExternalIdentityUnlinked":
      return { ...state, externalIdentities: without(state.externalIdentities, (i) => i.provider === event.provider) }
    case "AdministratorRightGranted":
      return { ...state, administratorOf: upsert(state.administratorOf, event.structureId, itself) }
    case "AdministratorRightRevoked":
      return { ...state, administratorOf: without(state.administratorOf, (s) => s === event.structureId) }
    case "PlatformAdministratorAppointed":
      return { ...state, platformAdministrator: true }
    case "PlatformAdministratorDismissed":
      return { ...state, platformAdministrator: false }
    case "InspectorAccessGranted":
      return { ...state, inspector: true }
    case "InspectorAccessRevoked":
      return { ...state, inspector: false }
    case "AccountPreDeleted":
      return { ...state, deletion: "PreDeleted" }
    case "AccountRestored":
      return { ...state, deletion: "None" }
    case "AccountDeleted":
      return { ...state, deletion: "Deleted" }
    case "AccountDataErased":
      return erase(state)
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
    decide: decideWith(options.passwordPolicy ?? Credentials.defaultPasswordPolicy),
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

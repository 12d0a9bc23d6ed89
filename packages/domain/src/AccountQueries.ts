/**
 * What callers read of an Account state: its status for administrators, whether
 * a login may open it, what is blocked, which code administrators see. Pure
 * functions of the folded state; `decide` uses the same ones.
 *
 * @since 0.1.0
 */

import * as PersonalData from "@cartable/kernel/PersonalData"
import type { Account, AccountState } from "./Account.ts"
import type * as Credentials from "./Credentials.ts"
import type { StructureId } from "./Ids.ts"

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

/**
 * Whether the account exists and is active: activated, not blocked, not (pre-)deleted.
 *
 * @since 0.1.0
 */
export const isActive = (state: AccountState): state is Account =>
  state._tag === "Account" && statusOf(state) === "active"

/**
 * Whether the account answers to this login: its login or its alias (BR-ACC-10).
 * Only a deleted account has an erased login, and it opens nothing anyway.
 *
 * @since 0.1.0
 */
export const answersTo = (account: Account, login: string): boolean =>
  account.login === login || account.alias === login

/**
 * Whether this login may open the account at all, before its password or code
 * is checked: the account exists, is neither blocked nor (pre-)deleted, and
 * answers to the login (BR-ACC-6, BR-ACC-10).
 *
 * @since 0.1.0
 */
export const canLogIn = (state: AccountState, login: string): state is Account =>
  state._tag === "Account" && !state.blocked && state.deletion === "None" && answersTo(state, login)

/**
 * Whether the account may not use an application: the whole account or that
 * application is blocked (BR-ACC-6).
 *
 * @since 0.1.0
 */
export const isBlockedFor = (state: AccountState, application: string): boolean =>
  state._tag === "Account" && (state.blocked || state.blockedApplications.includes(application))

/**
 * The activation code administrators may see: until activation (which clears
 * it), never after, and never once erased (BR-ACC-2, BR-ACC-9).
 *
 * @since 0.1.0
 */
export const visibleActivationCode = (state: AccountState): Credentials.OneTimeCode | undefined =>
  state._tag === "Account" && state.activationCode !== undefined && !PersonalData.isErased(state.activationCode)
    ? state.activationCode
    : undefined

/**
 * Whether the account holds the administrator right on the school (BR-ACC-11).
 *
 * @since 0.1.0
 */
export const isAdministratorOf = (state: AccountState, structureId: StructureId): boolean =>
  state._tag === "Account" && state.administratorOf.includes(structureId)

/**
 * The address on file to write to (a recovery e-mail, BR-ACC-4): none before one
 * was given, none once erased.
 *
 * @since 0.1.0
 */
export const emailOnFile = (state: AccountState): string | undefined =>
  state._tag === "Account" && state.email !== undefined && !PersonalData.isErased(state.email) ? state.email : undefined

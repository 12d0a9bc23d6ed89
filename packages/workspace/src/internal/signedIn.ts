/**
 * Who a signed-in account is, from the log: refused unless it may act (an
 * unknown, blocked, pre-deleted or deleted account, or a process's id), else
 * its actor with the roles the Authorization facts give. Commands and the
 * read side's permission checks share it.
 */
import type { Actor } from "@cartable/domain/Actor"
import { AccountId } from "@cartable/domain/Ids"
import type { AccountState, Authorization } from "@cartable/read-models/Authorization"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { AccountRefused } from "../WorkspaceError.ts"

const isAccountId = Schema.is(AccountId)

/** A signed-in account's state, as the Authorization facts give it, to a refusal (or none). */
const refusalOf = (state: AccountState): AccountRefused["reason"] | undefined => {
  switch (state) {
    case "blocked":
      return "Blocked"
    case "pre-deleted":
      return "PreDeleted"
    case "deleted":
      return "Deleted"
    default:
      return undefined
  }
}

export const actorOf = (authorization: Authorization.Service, accountId: string) =>
  Effect.gen(function* () {
    if (!isAccountId(accountId)) return yield* new AccountRefused({ accountId, reason: "Unknown" })
    if (accountId.startsWith("system:")) return yield* new AccountRefused({ accountId, reason: "Reserved" })
    // State and roles in one lookup: the account, its memberships, the structures it administers.
    const account = yield* authorization.signedIn(accountId)
    if (account === undefined) return yield* new AccountRefused({ accountId, reason: "Unknown" })
    const refusal = refusalOf(account.state)
    if (refusal !== undefined) return yield* new AccountRefused({ accountId, reason: refusal })
    // The log never makes anyone a process: only the Workspace's `system` acts as one.
    const actor: Actor = { accountId, roles: account.roles.filter((role) => role._tag !== "System") }
    return actor
  })

/**
 * The Workspace's own errors: an account that may not act, a fact the log does
 * not hold. (An intent that does not decode fails with the command input's
 * `InvalidCommand`; a broken rule with the aggregate's rejection.)
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * Why a signed-in account may not act: it is not in the log, it is blocked
 * (BR-ACC-6), pre-deleted or deleted (BR-ACC-12), or its id is one the
 * library's processes act under (`system:...`). One message for every reason,
 * as a blocked account's login gets the message of a wrong password (BR-ACC-6);
 * the `reason` is for the operator's logs.
 *
 * @since 0.1.0
 */
export class AccountRefused extends Schema.TaggedError<AccountRefused>("@cartable/workspace/AccountRefused")(
  "AccountRefused",
  {
    accountId: Schema.String,
    reason: Schema.Literal("Unknown", "Blocked", "PreDeleted", "Deleted", "Reserved"),
  },
) {
  override get message(): string {
    return "This account cannot act"
  }
}

/**
 * A fact the command needs that the log does not hold (a report about a school
 * that was never registered): nothing was decided nor appended.
 *
 * @since 0.1.0
 */
export class UnresolvedFact extends Schema.TaggedError<UnresolvedFact>("@cartable/workspace/UnresolvedFact")(
  "UnresolvedFact",
  { command: Schema.String, fields: Schema.Array(Schema.String) },
) {
  override get message(): string {
    return `${this.command}: the log does not tell ${this.fields.join(", ")}`
  }
}

/**
 * A signed-in account that does not hold the role "Gestionnaire publipostage"
 * of the school asked for its mail-merge (BR-MM-1): nothing was listed.
 *
 * @since 0.1.0
 */
export class MailMergeRefused extends Schema.TaggedError<MailMergeRefused>("@cartable/workspace/MailMergeRefused")(
  "MailMergeRefused",
  {
    accountId: Schema.String,
    structureId: Schema.String,
    ruleId: Schema.optionalWith(Schema.Literal("BR-MM-1"), { default: () => "BR-MM-1" as const }),
  },
) {
  override get message(): string {
    return `Only a holder of the role "Gestionnaire publipostage" of ${this.structureId} runs its mail-merge`
  }
}

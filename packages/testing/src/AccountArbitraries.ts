/**
 * Arbitraries of Account commands that meet each other: a few accounts, two
 * schools, actors with and without rights, codes, logins and passwords drawn
 * from small pools so that activations and renewals do succeed.
 *
 * @since 0.1.0
 */
import * as Account from "@cartable/domain/Account"
import type * as Actor from "@cartable/domain/Actor"
import { AccountId, GroupId, StructureId } from "@cartable/domain/Ids"
import * as FastCheck from "effect/FastCheck"
import * as Redacted from "effect/Redacted"
import * as Arbitraries from "./Arbitraries.ts"

/** The pool's ids. @since 0.1.0 */
export const ids = {
  accounts: ["acc-1", "acc-2", "acc-3"].map((id) => AccountId.make(id)),
  schools: [StructureId.make("school-a"), StructureId.make("school-b")],
  classes: [GroupId.make("school-a$6A"), GroupId.make("school-a$5B")],
  codes: ["3n6g8fmj", "3d3nbrm8"],
  logins: ["marie.a", "lucas.martin"],
  validPasswords: ["Secret1", "Été-2026"],
  invalidPasswords: ["short", "alllowercase1", "NoDigitsHere"],
}

/** Actors of the pool: administrators, the feed, a teacher, a holder, a stranger. @since 0.1.0 */
export const actors: ReadonlyArray<Actor.Actor> = [
  {
    accountId: AccountId.make("admin-a"),
    roles: [{ _tag: "Administrator", level: "School", scopeId: ids.schools[0]! }],
  },
  {
    accountId: AccountId.make("admin-b"),
    roles: [{ _tag: "Administrator", level: "School", scopeId: ids.schools[1]! }],
  },
  { accountId: AccountId.make("vendor"), roles: [{ _tag: "Administrator", level: "Platform" }] },
  { accountId: AccountId.make("system:aaf"), roles: [{ _tag: "System", process: "aaf" }] },
  {
    accountId: AccountId.make("teacher-a"),
    roles: [{ _tag: "Teacher", structureId: ids.schools[0]!, groupIds: [ids.classes[0]!] }],
  },
  { accountId: ids.accounts[0]!, roles: [] },
  { accountId: AccountId.make("stranger"), roles: [] },
]

/** The field pool that steers Schema-derived commands. @since 0.1.0 */
export const pool: Arbitraries.Pool = {
  accountId: FastCheck.constantFrom(...ids.accounts),
  pupilId: FastCheck.constantFrom(...ids.accounts),
  actor: FastCheck.constantFrom(...actors),
  structureId: FastCheck.constantFrom(...ids.schools),
  classId: FastCheck.option(FastCheck.constantFrom(...ids.classes), { nil: undefined }),
  login: FastCheck.constantFrom(...ids.logins),
  activationCode: FastCheck.constantFrom(...ids.codes),
  renewalCode: FastCheck.constantFrom(...ids.codes),
  password: FastCheck.constantFrom(...ids.validPasswords, ...ids.invalidPasswords).map(Redacted.make),
  charterAccepted: FastCheck.oneof(
    { arbitrary: FastCheck.constant(true), weight: 4 },
    { arbitrary: FastCheck.constant(false), weight: 1 },
  ),
  email: FastCheck.constantFrom("marie.a@example.org", "not-an-address"),
  provider: FastCheck.constantFrom("EduConnect", "Pronote", "CAS"),
}

/** Any Account command, steered by the pool. @since 0.1.0 */
export const command: FastCheck.Arbitrary<Account.AccountCommand> = Arbitraries.oneOf(Account.commands, pool)

/** Sequences of Account commands. @since 0.1.0 */
export const commands: FastCheck.Arbitrary<ReadonlyArray<Account.AccountCommand>> = FastCheck.array(command, {
  minLength: 1,
  maxLength: 40,
})

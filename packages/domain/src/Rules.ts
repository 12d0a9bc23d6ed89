/**
 * The business rules of DOMAIN.md, by id. Domain errors name the rule they
 * enforce; tests start with the id of the rule they check.
 *
 * @since 0.1.0
 */
import * as RuleBook from "@cartable/kernel/RuleBook"
import type * as Schema from "effect/Schema"

// The rules of DOMAIN.md, each with the seeds it comes from.
const book = RuleBook.make({
  "BR-ACC-1": { title: "Feed profiles (pupil, relative, teacher) are never created by hand", source: "003" },
  "BR-ACC-2": { title: "A new account is inactive with an activation code visible until activation", source: "003" },
  "BR-ACC-3": { title: "Activation: login + code, password policy, charter, e-mail", source: "002, 003" },
  "BR-ACC-4": { title: "Passwords are never readable; administrators only reset them", source: "003, 004" },
  "BR-ACC-5": { title: "Renewal codes by an administrator or a teacher of the pupil's class", source: "003" },
  "BR-ACC-6": { title: "A blocked account gets the wrong-password message; unblocking restores access", source: "003" },
  "BR-ACC-7": { title: "One relative account for all his children; accompanying adults", source: "003, 004" },
  "BR-ACC-8": { title: "A pupil moving between schools keeps his account", source: "003" },
  "BR-ACC-9": { title: "Personal data deleted once no longer needed (pre-delete, delete, erase)", source: "002" },
  "BR-ACC-10": { title: "Login alias and linked external identities", source: "002, 003, 004" },
  "BR-ACC-11": { title: "Administrator rights are granted by administrators", source: "001, 003" },
  "BR-ACC-12": { title: "Account states: inactive, active, blocked, pre-deleted", source: "001, 003" },
  "BR-GRP-1": { title: "Teachers are attached to classes each year, to several if need be", source: "003, 004" },
  "BR-GRP-2": { title: "A pupil is in exactly one class per school and year", source: "decision" },
  "BR-GRP-3": { title: "Direction belongs to the functional group Chef d'établissement", source: "004" },
  "BR-GRP-4": { title: "Class sections are deleted at the end of the year", source: "004" },
  "BR-GRP-5": { title: "Re-imports key on stable ids, never on display names", source: "004" },
  "BR-GRP-6": { title: "Feed memberships are not editable by hand", source: "004" },
  "BR-MM-1": { title: "Mail-merge filters, sorts, layouts and outputs", source: "001, 003" },
  "BR-FEED-1": { title: "An import past the blocking threshold is held", source: "004" },
  "BR-FEED-2": { title: "The first timetable import is manual, later ones replace feed data", source: "001, 004" },
  "BR-SIG-1": { title: "Any user can report a notification or a message", source: "003, 004" },
  "BR-SIG-2": { title: "A report notifies the four administration levels", source: "003" },
  "BR-SIG-3": { title: "A report is handled once: kept or deleted", source: "003, 004" },
  "BR-SIG-4": { title: "Old reports stay retrievable", source: "003" },
  "BR-SIG-5": { title: "Follow-up: block the author", source: "003" },
  "BR-CDT-1": { title: "Sessions carry subject, teacher, date, content, homework", source: "004" },
  "BR-CDT-2": { title: "Only direction places a visa: all, one subject or one teacher", source: "004" },
  "BR-CDT-3": { title: "A visa freezes the sessions it covers", source: "004" },
  "BR-CDT-4": { title: "An administrator cannot unlock frozen sessions", source: "004" },
  "BR-CDT-5": { title: "Inspections give read access for a period", source: "004" },
  "BR-RUB-1": { title: "Section roles and their rights matrix", source: "004" },
  "BR-RUB-2": { title: "Shared folders rights and bin", source: "004" },
  "BR-MSG-1": { title: "Communication rules: who may write to whom", source: "004" },
  "BR-MSG-2": { title: "A recipient group holds at most 500 recipients", source: "004" },
  "BR-MSG-3": { title: "Targeted communication: at most 10 targets, no reply", source: "004" },
  "BR-SRV-1": { title: "Services reachable only by granted populations", source: "001, 004" },
  "BR-SRV-2": { title: "Only GAR assignment managers reach the GAR console", source: "001, 004" },
  "BR-SRV-3": { title: "GAR assignments follow the directory", source: "001" },
  "BR-SRV-4": { title: "External resource accounts created on first access", source: "000" },
  "BR-VS-1": { title: "Roll call states", source: "001" },
  "BR-VS-2": { title: "Punishment states", source: "001" },
  "BR-VS-3": { title: "Evaluation periods", source: "001" },
  "BR-SUP-1": { title: "Only ENT correspondents open support tickets", source: "001, 004" },
})

/**
 * Every rule id with a one-line statement and its source documents (seeds).
 *
 * @since 0.1.0
 */
export const rules = book.rules

/**
 * A rule id.
 *
 * @since 0.1.0
 */
export type RuleId = keyof typeof rules

/**
 * The rule ids as a Schema, for error fields.
 *
 * @since 0.1.0
 */
export const RuleId: Schema.Schema<RuleId> = book.RuleId

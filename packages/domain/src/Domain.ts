/**
 * The core domain as a whole: every aggregate and every event, for building
 * the event catalogue of a distribution.
 *
 * @example
 * const catalog = EventCatalog.make({ ...Domain.events, ...MyDistribution.events })
 * @since 0.1.0
 */
import type { Aggregate } from "@cartable/kernel/Decider"
import * as Schema from "effect/Schema"
import * as Account from "./Account.ts"
import * as CommunicationRules from "./CommunicationRules.ts"
import * as HomeworkBook from "./HomeworkBook.ts"
import * as Message from "./Message.ts"
import * as Report from "./Report.ts"
import * as Section from "./Section.ts"
import * as Structure from "./Structure.ts"
import * as TargetedCommunication from "./TargetedCommunication.ts"

/**
 * Every event of the core domain, keyed by tag.
 *
 * @since 0.1.0
 */
export const events = {
  ...Account.events,
  ...Structure.events,
  ...Report.events,
  ...HomeworkBook.events,
  ...Section.events,
  ...CommunicationRules.events,
  ...Message.events,
  ...TargetedCommunication.events,
} as const

/**
 * Every aggregate of the core domain, keyed by stream category.
 *
 * @since 0.1.0
 */
export const aggregates = {
  Account: Account.aggregate,
  Structure: Structure.aggregate,
  Report: Report.aggregate,
  HomeworkBook: HomeworkBook.aggregate,
  Section: Section.aggregate,
  CommunicationRules: CommunicationRules.aggregate,
  Message: Message.aggregate,
  TargetedCommunication: TargetedCommunication.aggregate,
} as const

/**
 * Any command of the core domain: decode untrusted input with it.
 *
 * @since 0.1.0
 */
export const Command = Schema.Union(
  Account.AccountCommand,
  Structure.StructureCommand,
  Report.ReportCommand,
  HomeworkBook.HomeworkBookCommand,
  Section.SectionCommand,
  CommunicationRules.CommunicationRulesCommand,
  Message.MessageCommand,
  TargetedCommunication.TargetedCommunicationCommand,
)

/** @since 0.1.0 */
export type Command = typeof Command.Type

/**
 * Any event of the core domain.
 *
 * @since 0.1.0
 */
export type Event = Aggregate.Event<(typeof aggregates)[keyof typeof aggregates]>

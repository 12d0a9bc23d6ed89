/** The generated pages of docs/, by path. */
import * as Account from "@cartable/domain/Account"
import * as CommunicationRules from "@cartable/domain/CommunicationRules"
import * as HomeworkBook from "@cartable/domain/HomeworkBook"
import * as Message from "@cartable/domain/Message"
import * as Report from "@cartable/domain/Report"
import * as Structure from "@cartable/domain/Structure"
import * as TargetedCommunication from "@cartable/domain/TargetedCommunication"
import { type AggregateDocs, businessRules, eventCatalogue } from "./generate.ts"

/** The aggregates documented in the event catalogue, in the order shown. */
export const aggregates: ReadonlyArray<AggregateDocs> = [
  { name: "Account", events: Account.events, source: "packages/domain/src/AccountEvents.ts" },
  { name: "Structure", events: Structure.events, source: "packages/domain/src/StructureEvents.ts" },
  { name: "Report", events: Report.events, source: "packages/domain/src/ReportEvents.ts" },
  { name: "HomeworkBook", events: HomeworkBook.events, source: "packages/domain/src/HomeworkBookEvents.ts" },
  {
    name: "CommunicationRules",
    events: CommunicationRules.events,
    source: "packages/domain/src/CommunicationRulesEvents.ts",
  },
  { name: "Message", events: Message.events, source: "packages/domain/src/MessageEvents.ts" },
  {
    name: "TargetedCommunication",
    events: TargetedCommunication.events,
    source: "packages/domain/src/TargetedCommunicationEvents.ts",
  },
]

/** Every generated page: path from the repository root to content. */
export const pages = (): Readonly<Record<string, string>> => ({
  "docs/events.md": eventCatalogue(aggregates),
  "docs/business-rules.md": businessRules(),
})

/** The generated pages of docs/, by path. */
import * as Account from "@cartable/domain/Account"
import * as HomeworkBook from "@cartable/domain/HomeworkBook"
import * as Report from "@cartable/domain/Report"
import * as Section from "@cartable/domain/Section"
import * as Structure from "@cartable/domain/Structure"
import { type AggregateDocs, businessRules, eventCatalogue } from "./generate.ts"

/** The aggregates documented in the event catalogue, in the order shown. */
export const aggregates: ReadonlyArray<AggregateDocs> = [
  { name: "Account", events: Account.events, source: "packages/domain/src/AccountEvents.ts" },
  { name: "Structure", events: Structure.events, source: "packages/domain/src/StructureEvents.ts" },
  { name: "Report", events: Report.events, source: "packages/domain/src/ReportEvents.ts" },
  { name: "HomeworkBook", events: HomeworkBook.events, source: "packages/domain/src/HomeworkBookEvents.ts" },
  { name: "Section", events: Section.events, source: "packages/domain/src/SectionEvents.ts" },
]

/** Every generated page: path from the repository root to content. */
export const pages = (): Readonly<Record<string, string>> => ({
  "docs/events.md": eventCatalogue(aggregates),
  "docs/business-rules.md": businessRules(),
})

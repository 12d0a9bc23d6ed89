/** The generated pages of docs/, by path. */
import * as Account from "@cartable/domain/Account"
import { type AggregateDocs, businessRules, eventCatalogue } from "./generate.ts"

/** The aggregates documented in the event catalogue, in the order shown. */
export const aggregates: ReadonlyArray<AggregateDocs> = [
  { name: "Account", events: Account.events, source: "packages/domain/src/AccountEvents.ts" },
]

/** Every generated page: path from the repository root to content. */
export const pages = (): Readonly<Record<string, string>> => ({
  "docs/events.md": eventCatalogue(aggregates),
  "docs/business-rules.md": businessRules(),
})

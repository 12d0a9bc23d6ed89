// The event catalogue users read (docs/events.md, committed and reviewed) is what the schemas say: an event's
// fields, their types and named types, optional and personal marks, data subjects, and the text limits.
// tests/docs.test.ts checks the same page for the whole repository; this copy runs in the domain's own suite,
// so that `pnpm mutation` sees a schema change the published contract does not show.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { eventCatalogue } from "../../../scripts/docs/generate.ts"
import { aggregates } from "../../../scripts/docs/pages.ts"

const root = join(import.meta.dirname, "..", "..", "..")

describe("the event catalogue", () => {
  it("docs/events.md is what the event schemas and text limits say", () => {
    expect(eventCatalogue(aggregates)).toBe(readFileSync(join(root, "docs/events.md"), "utf8"))
  })
})

/**
 * The start-of-year rollover on SQLite: the story of
 * packages/rollover/test/RolloverSuite.ts, read models inline in the append's
 * transaction as in memory.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import { describe } from "@effect/vitest"
import { story } from "../packages/rollover/test/RolloverSuite.ts"
import { catalog } from "../packages/rollover/test/world.ts"

describe("Rollover on SQLite", () => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-rollover-"))
  story(SqliteEventStore.layer({ filename: Path.join(dir, "rollover.db"), catalog }))
})

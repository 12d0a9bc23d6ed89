// `cartable import`: the real binary imports the project's AAF export and CSV file into a SQLite file,
// says what it read, imported and reported, appends nothing the second time, and ends a run held by the
// blocking threshold (BR-FEED-1) or given a missing feed with their own exit codes.
import * as Fs from "node:fs"
import * as Path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as CliError from "../src/CliError.ts"
import { cartable, expectCode, folder, initStore, inTerminal, json } from "./binary.ts"

const TIMEOUT = 240_000
const example = Path.resolve(import.meta.dirname, "../../../examples/aaf-export")

interface Reported {
  readonly read: number
  readonly imported: number
  readonly reported: number
  readonly events: number
  readonly held: ReadonlyArray<{ readonly structureId: string; readonly digest: string }>
}

describe("cartable import (the binary, on SQLite files)", () => {
  it.effect(
    "imports an AAF export and a CSV file, then nothing; a missing feed and a held school have their own codes",
    () =>
      Effect.gen(function* () {
        const cwd = yield* folder
        const store = `sqlite:${Path.join(cwd, "ent.db")}`
        const init = yield* initStore(cwd, store, "0751234J")
        expectCode(init, 0, "init")
        const report = Path.join(cwd, "report.csv")
        const first = yield* cartable(cwd, [
          "import",
          Path.join(example, "complet"),
          Path.join(example, "csv", "ecole-des-tilleuls.csv"),
          "--school-year",
          "2025-2026",
          "--report",
          report,
          "--json",
          "--store",
          store,
        ])
        expectCode(first, 0, "first import")
        const done = json<Reported>(first)
        // The AAF export's 54 records and the CSV file's 13: every one imported or reported.
        assert.strictEqual(done.read, 54 + 13)
        assert.strictEqual(done.imported + done.reported, done.read)
        assert.strictEqual(done.reported, 13 + 2)
        assert.isAbove(done.events, 0)
        assert.strictEqual(
          Fs.readFileSync(report, "utf8").split("\n")[0],
          "file;line;severity;reason;category;id;message",
        )

        const again = yield* cartable(cwd, [
          "import",
          Path.join(example, "complet"),
          "--school-year",
          "2025-2026",
          "--threshold",
          "1",
          "--store",
          store,
        ])
        expectCode(again, 0, "second import")
        assert.match(again.stdout, /^read 54: 41 imported \+ 13 reported/)
        assert.include(again.stdout, "0 events appended")

        const missing = yield* cartable(cwd, ["import", Path.join(cwd, "absent"), "--store", store])
        expectCode(missing, CliError.exitCodes.FeedMissing, "missing feed")
        assert.include(missing.stderr, `No feed at ${Path.join(cwd, "absent")}`)

        // Only the schools' part: everyone absent, past the threshold: held, nothing applied, its own code.
        const schoolsOnly = Path.join(cwd, "schools")
        Fs.mkdirSync(schoolsOnly)
        Fs.copyFileSync(
          Path.join(example, "complet", "CARTABLE_Complet_20250901_EtabEducNat_0000.xml"),
          Path.join(schoolsOnly, "CARTABLE_Complet_20250901_EtabEducNat_0000.xml"),
        )
        const held = yield* cartable(cwd, [
          "import",
          schoolsOnly,
          "--school-year",
          "2025-2026",
          "--json",
          "--store",
          store,
        ])
        expectCode(held, CliError.exitCodes.ImportHeld, "held import")
        const holding = json<Reported>(held)
        assert.deepStrictEqual(holding.held.map((h) => h.structureId).sort(), ["0751234J", "0921567D"])
        assert.strictEqual(holding.events, 2, "the two FeedImportHeld events only")
        assert.include(held.stderr, "held by the blocking threshold (BR-FEED-1)")

        // On a terminal, a progress bar of the people imported.
        const terminal = yield* inTerminal(cwd, [
          "import",
          Path.join(example, "complet"),
          "--school-year",
          "2025-2026",
          "--threshold",
          "1",
          "--store",
          store,
        ])
        expectCode(terminal, 0, "import in a terminal")
        assert.match(terminal.stdout, /import \[#{28}\] +100% +\d+\/\d+ people/)
      }).pipe(Effect.scoped),
    TIMEOUT,
  )
})

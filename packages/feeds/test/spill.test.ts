// The temporary file of an import read twice: its lines come back whole and in order, and nothing of them is
// left readable on disk (docs/feed-import.md "Memory").
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import * as Spill from "../src/internal/spill.ts"

/** Lines as an import writes them (JSON: no raw line break), some longer than a chunk of the file. */
const lines = FastCheck.array(
  FastCheck.oneof(
    FastCheck.string({ unit: "grapheme" }),
    FastCheck.string({ unit: "grapheme", minLength: 1, maxLength: 4 }).map((s) => s.repeat(300_000)),
  ).map((line) => line.replaceAll("\n", " ")),
  { maxLength: 12 },
)

describe("an import's temporary file", () => {
  it.prop(
    "gives back the lines written, whole and in order, however they cut its chunks",
    [lines],
    ([written]) => {
      const spill = Spill.open()
      try {
        for (const line of written) spill.write(line)
        assert.deepStrictEqual([...spill.lines()], written)
      } finally {
        spill.close()
      }
    },
    { fastCheck: { numRuns: 40 } },
  )

  it("leaves nothing in its folder once open, nor after it is closed; closed twice is closed", () => {
    const folder = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-spill-test-"))
    try {
      const spill = Spill.open(folder)
      spill.write(JSON.stringify({ firstName: "Élodie", lastName: "Martin", email: "elodie.martin@example.org" }))
      // POSIX: unlinked as soon as it is open, so that a process killed midway leaves nothing behind.
      if (process.platform !== "win32") assert.deepStrictEqual(Fs.readdirSync(folder), [])
      assert.strictEqual([...spill.lines()].length, 1)
      spill.close()
      spill.close()
      assert.deepStrictEqual(Fs.readdirSync(folder), [])
    } finally {
      Fs.rmSync(folder, { recursive: true, force: true })
    }
  })
})

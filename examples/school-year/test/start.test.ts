/**
 * Runs the example as a user does (`pnpm --filter @cartable/example-school-year
 * start` is `tsx src/main.ts`), in a scratch folder, and checks what it prints:
 * the year's steps read back from the read models (the communication chapter's
 * section, messages and announcement included), the refusals with their rules, the managers' work on the ticks, and the rollover's report at the end.
 */
import { execFile } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"

const root = join(import.meta.dirname, "..")
const tsx = join(root, "..", "..", "node_modules", ".bin", "tsx")
const dir = mkdtempSync(join(tmpdir(), "cartable-school-year-"))
let out = ""

beforeAll(async () => {
  const run = await promisify(execFile)(tsx, [join(root, "src", "main.ts")], { cwd: dir, maxBuffer: 1 << 24 })
  out = run.stdout
}, 240_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The printed line that starts with `start` once its step number is taken off. */
const step = (start: string) =>
  out
    .split("\n")
    .map((line) => line.replace(/^\d+\. /, ""))
    .find((line) => line.startsWith(start))

describe("examples/school-year", () => {
  it("imports the example export, prints the sheets and activates with their codes", () => {
    assert.strictEqual(
      step("Import of the export of 1 September:"),
      "Import of the export of 1 September: 54 records read, 41 imported, 13 reported; 2 schools, 31 accounts provisioned, 110 events",
    )
    // The collège's accounts not activated yet once the head activated, the relatives of both schools included.
    assert.strictEqual(
      step("Mail-merge of 0751234J:"),
      "Mail-merge of 0751234J: 21 comptes sélectionnés au total, 19 comptes sans adresse courriel",
    )
    assert.match(
      step("Sheets printed") ?? "",
      /^Sheets printed, 8 a page: 3 page\(s\), \d+ bytes \(school-year-sheets\.pdf\)$/,
    )
    assert.strictEqual(readFileSync(join(dir, "school-year-sheets.pdf")).subarray(0, 5).toString(), "%PDF-")
    assert.isTrue(existsSync(join(dir, "school-year.db")))
    // Six of the seven first logins go through; the vendor and the head make eight active accounts.
    assert.strictEqual(
      step("First logins"),
      "First logins with the sheets' codes: 7 tried, 8 accounts of 0751234J active, 15 still inactive",
    )
  })

  it("shows the teachers in their classes with the feed's subjects", () => {
    assert.strictEqual(
      step("Teacher eloise.martin"),
      "Teacher eloise.martin in 0751234J: 5e B (ANGLAIS LV1); 6e A (ANGLAIS LV1, principal); Espagnol 6e (no subject)",
    )
    assert.strictEqual(step("Teacher francois.dupre"), "Teacher francois.dupre in 0751234J: 5e B (MATHÉMATIQUES)")
  })

  it("handles the report, freezes the visa's sessions, opens the inspection's window only", () => {
    assert.strictEqual(
      step("Report report-1"),
      "Report report-1 in the school's queue: Deleted by agnes.lefevre; its author lucas.bernard is blocked and can no longer sign in",
    )
    assert.strictEqual(
      step("Visa on"),
      "Visa on cdt-0751234J$6A-2025-2026 up to 17 October: sessions s1, s2, s3 frozen",
    )
    assert.strictEqual(
      step("Inspection of eloise.martin"),
      "Inspection of eloise.martin: read access 2025-11-09 no, 2025-11-10 yes, 2025-11-21 yes, 2025-11-22 no; 3 session(s) readable on 2025-11-14",
    )
  })

  it("posts in the class section, sends messages and publishes a targeted announcement (issue 16)", () => {
    // The teacher's section of 6A, a pupil's article validated by him, as the pupil sees it (BR-RUB-1).
    assert.include(
      out,
      [
        'Section "6e A" of 0751234J$6A as chloe.bernard sees it: role Writer; rights Consult, Propose, DeleteOwn, ReadFolders',
        '     "Sortie au musée" Published, validated by eloise.martin, she may: Delete',
        "     her news feed: PublicationPublished by eloise.martin",
      ].join("\n"),
    )
    // The class's three pupils (Léa went to 5B on 15 September); a pupil may not write to a parent
    // (BR-MSG-1); nobody writes to the blocked author of the report (BR-ACC-6).
    assert.strictEqual(
      step("Messages of 8 October:"),
      "Messages of 8 October: eloise.martin to the class 6A sent to 3 account(s); chloe.bernard to the parent fatma.celik refused (BR-MSG-1); francois.dupre to lucas.bernard (blocked) refused (BR-ACC-6)",
    )
    assert.strictEqual(
      step("Mailbox of chloe.bernard:"),
      'Mailbox of chloe.bernard: 1 message(s) in the inbox ("Sortie au musée" from eloise.martin), 1 unread',
    )
    // BR-MSG-3: published by its manager at the first tick in its window, to the collège's parents then.
    assert.strictEqual(
      step("Announcement com-reunion-parents scheduled"),
      "Announcement com-reunion-parents scheduled by agnes.lefevre for the parents of 0751234J, 2025-10-20 to 2025-11-07",
    )
    assert.include(
      out,
      [
        "Announcement com-reunion-parents published at the tick of 2025-10-28 by system:targeted-communication to 11 account(s)",
        '     fatma.celik\'s home page on 2025-10-29: Information "Réunion parents-professeurs" until 2025-11-07',
      ].join("\n"),
    )
  })

  it("deletes the pre-deleted account at the first tick 90 days on, and erases it at the first tick 30 days later", () => {
    assert.include(out, "Clock ticks recorded: 25, from 2025-09-16 to 2026-08-25")
    assert.include(
      out,
      [
        "     2025-12-01 AccountPreDeleted by agnes.lefevre",
        "     2026-03-03 AccountDeleted by system:account-lifecycle",
        "     2026-04-14 AccountDataErased by system:account-lifecycle",
      ].join("\n"),
    )
    assert.strictEqual(
      step("The inspector's account"),
      "The inspector's account is gone from the directory; the log reads the names it was provisioned with as: [erased] [erased]",
    )
  })

  it("lists the refusals with their rules, and ends with the rollover's report", () => {
    const refusals = out.slice(out.indexOf("Refused, with the rule that refused it:"))
    assert.deepStrictEqual(
      [...refusals.matchAll(/^ {2}(BR-[A-Z]+-\d+) (\S+) by (\S+):/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`),
      [
        "BR-ACC-3 activation lea.garcia",
        "BR-GRP-6 UnassignFromGroup agnes.lefevre",
        "BR-SIG-3 HandleReport vendeur.ent",
        "BR-RUB-1 ProposePublication chloe.bernard",
        "BR-MSG-1 SendMessage chloe.bernard",
        "BR-ACC-6 SendMessage francois.dupre",
        "BR-CDT-3 EditSession eloise.martin",
        "BR-CDT-4 DeleteSession agnes.lefevre",
      ],
    )
    assert.include(
      out,
      [
        "Rollover 2025-2026 -> 2026-2027: 2 school(s), 10 event(s) appended",
        "   COLLÈGE JEAN-JAURÈS (0751234J): 2025-2026 closed, 2026-2027 opened",
        "     closed classes:",
        "       - 6e A (0751234J$6A)",
        "       - 5e B (0751234J$5B)",
        "     archived books:",
        "       - cdt-0751234J$6A-2025-2026 (0751234J$6A)",
        "       - cdt-0751234J$5B-2025-2026 (0751234J$5B)",
        "     closed sections:",
        "       - rub-6A (0751234J$6A)",
      ].join("\n"),
    )
    assert.include(
      out,
      "Books of 2025-2026 after the rollover: cdt-0751234J$5B-2025-2026 archived, cdt-0751234J$6A-2025-2026 archived",
    )
    assert.isTrue(out.trimEnd().endsWith("The year ends: 10 event(s) appended by the rollover into 2026-2027"))
  })
})

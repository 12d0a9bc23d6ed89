import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as MailMerge from "@cartable/read-models/MailMerge"
import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as SchoolYearHistory from "@cartable/testing/SchoolYearHistory"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { describeWithServer, layerWithDatabase } from "../../../adapters/store-postgres/test/TestDatabase.ts"
import { append, fold, type Known, live, memory, oracle, type Storage, sqlite } from "./support.ts"

const history = SchoolYearHistory.schoolYear({
  accounts: 60,
  seed: 11,
  days: 10,
  sessionsPerDay: 1,
  incidentsPerDay: 4,
})
const known = [...oracle(history.appends).values()].filter((a) => a.provisioned)

/** BR-MM-1's selection, read from DOMAIN.md: the school's accounts that can still log in, by activation and profile. */
const selected = (activation?: "activated" | "not-activated", profile?: string) =>
  known.filter(
    (a) =>
      a.schools.has(history.school) &&
      !a.deleted &&
      !a.preDeleted &&
      (activation === undefined || a.activated === (activation === "activated")) &&
      (profile === undefined || a.profile === profile),
  )

/** The PDF's text (poppler's pdftotext) and its page count (one form feed per page). */
const pdfText = (bytes: Uint8Array): { readonly text: string; readonly pages: number } => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-mailmerge-"))
  try {
    const file = Path.join(dir, "sheets.pdf")
    Fs.writeFileSync(file, bytes)
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" })
    const info = execFileSync("pdfinfo", [file], { encoding: "utf8" })
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? Number.NaN)
    return { text, pages }
  } finally {
    Fs.rmSync(dir, { recursive: true, force: true })
  }
}

const suite = (name: string, storage: Storage, options: { readonly pdf: boolean }) =>
  describe(`MailMerge (${name})`, () => {
    it.effect(
      "BR-MM-1 all accounts by default, filtered by activation and profile; counts of selected and without e-mail",
      () =>
        Effect.gen(function* () {
          yield* append(history.appends)
          const mailMerge = yield* MailMerge.MailMerge
          for (const activation of [undefined, "activated", "not-activated"] as const) {
            for (const profile of [undefined, "Student", "Relative", "Teacher"] as const) {
              const expected = selected(activation, profile)
              const listing = yield* mailMerge.list({ school: history.school, activation, profile })
              assert.deepStrictEqual(
                listing.sheets.map((sheet) => sheet.id).sort(),
                expected.map((a) => a.id).sort(),
                `${activation} ${profile}`,
              )
              assert.strictEqual(listing.selected, expected.length)
              assert.strictEqual(listing.withoutEmail, expected.filter((a) => a.email === undefined).length)
            }
          }
          const all = yield* mailMerge.list({ school: history.school })
          assert.isAbove(all.withoutEmail, 0)
          assert.isBelow(all.withoutEmail, all.selected)
        }).pipe(Effect.provide(live(storage)), Effect.scoped),
    )

    it.effect(
      "BR-MM-1 alphabetical by default; two sort keys chosen by the user (class then profile), then alphabetical",
      () =>
        Effect.gen(function* () {
          yield* append(history.appends)
          const mailMerge = yield* MailMerge.MailMerge
          const name = (a: { readonly lastName: string; readonly firstName: string }) =>
            `${fold(a.lastName)} ${fold(a.firstName)}`
          const byDefault = yield* mailMerge.list({ school: history.school })
          const names = byDefault.sheets.map(name)
          assert.deepStrictEqual(names, [...names].sort())
          const sorted = yield* mailMerge.list({ school: history.school, sortBy: ["class", "profile"] })
          // The oracle: class names as the feed opened them ("6e A", ...), no class last; profiles pupils first.
          const order = ["Student", "Relative", "Teacher", "Personnel", "Guest"]
          const keyOf = (sheet: MailMerge.Sheet) =>
            [
              sheet.classes.length === 0 ? "\uffff" : fold([...sheet.classes].sort()[0]!),
              order.indexOf(sheet.profile),
              name(sheet),
            ] as const
          for (let i = 1; i < sorted.sheets.length; i++) {
            const [c1, p1, n1] = keyOf(sorted.sheets[i - 1]!)
            const [c2, p2, n2] = keyOf(sorted.sheets[i]!)
            assert.isTrue(
              c1 < c2 || (c1 === c2 && (p1 < p2 || (p1 === p2 && n1 <= n2))),
              `${i}: ${c1} ${p1} ${n1} / ${c2} ${p2} ${n2}`,
            )
          }
          assert.isAbove(new Set(sorted.sheets.map((sheet) => sheet.classes[0])).size, 1)
        }).pipe(Effect.provide(live(storage)), Effect.scoped),
    )

    it.effect(
      "BR-ACC-2 BR-ACC-7 a sheet shows the code until activation, never after; a relative's sheet lists his children",
      () =>
        Effect.gen(function* () {
          yield* append(history.appends)
          const mailMerge = yield* MailMerge.MailMerge
          const listing = yield* mailMerge.list({ school: history.school })
          const byId = new Map(known.map((a) => [a.id, a]))
          let relatives = 0
          for (const sheet of listing.sheets) {
            const a = byId.get(sheet.id)!
            assert.strictEqual(sheet.login, a.login)
            assert.strictEqual(sheet.activationCode, a.activated ? undefined : a.code)
            const children = [...a.children].map((id) => byId.get(id)!).map((c) => `${c.firstName} ${c.lastName}`)
            assert.deepStrictEqual(sheet.children.map((c) => `${c.firstName} ${c.lastName}`).sort(), children.sort())
            if (children.length > 0) relatives++
          }
          assert.isAbove(relatives, 0)
        }).pipe(Effect.provide(live(storage)), Effect.scoped),
    )

    if (options.pdf) {
      it.effect("BR-MM-1 the PDF has ceil(n / perPage) pages of 1, 2 or 8 sheets, with logins and codes", () =>
        Effect.gen(function* () {
          yield* append(history.appends)
          const mailMerge = yield* MailMerge.MailMerge
          const query = { school: history.school, activation: "not-activated" } as const
          const all = (yield* mailMerge.list(query)).sheets
          assert.isAtLeast(all.length, 9)
          for (const perPage of [1, 2, 8] as const) {
            for (const n of [...new Set([0, 1, perPage, perPage + 1])]) {
              // n accounts: the first n of the selection.
              const sheets = all.slice(0, n)
              if (n === 0) {
                // ceil(0 / perPage) = 0 pages: no document (a PDF has a page at least), a typed refusal.
                const error = yield* Effect.flip(mailMerge.pdfOf(sheets, { perPage }))
                assert.strictEqual(error.reason, "EmptySelection")
                continue
              }
              const bytes = yield* mailMerge.pdfOf(sheets, { perPage, connectionAddress: "ecole.ensomme.fr" })
              const { text, pages } = pdfText(bytes)
              assert.strictEqual(pages, Math.ceil(n / perPage), `${n} sheets, ${perPage} a page`)
              for (const sheet of sheets) {
                assert.include(text, `Identifiant : ${sheet.login}`)
                assert.include(text, `Code d'activation : ${sheet.activationCode}`)
              }
              assert.strictEqual(text.split("Identifiant :").length - 1, n)
            }
          }
          // The whole selection, as bytes and as a stream: the same document, every login and code in it.
          const bytes = yield* mailMerge.pdf(query, { perPage: 8 })
          const chunks = yield* Stream.runCollect(mailMerge.pdfStream(query, { perPage: 8 }))
          const streamed = Buffer.concat(Chunk.toArray(chunks).map((chunk) => Buffer.from(chunk)))
          const fromBytes = pdfText(bytes)
          const fromStream = pdfText(new Uint8Array(streamed))
          assert.strictEqual(fromBytes.pages, Math.ceil(all.length / 8))
          assert.strictEqual(fromStream.text, fromBytes.text)
          for (const sheet of all) assert.include(fromBytes.text, sheet.activationCode!)
          const none = yield* Effect.flip(mailMerge.pdf({ school: "no-such-school" }, { perPage: 1 }))
          assert.strictEqual(none._tag, "MailMergeError")
          // Activated accounts: login printed, no code.
          const activated = yield* mailMerge.pdf({ school: history.school, activation: "activated" }, { perPage: 2 })
          const activatedText = pdfText(activated).text
          for (const a of known.filter((k: Known) => k.activated && k.schools.has(history.school)).slice(0, 5)) {
            assert.notInclude(activatedText, "Code d'activation")
            if (!a.deleted && !a.preDeleted) assert.include(activatedText, a.login)
          }
        }).pipe(Effect.provide(live(storage)), Effect.scoped),
      )
    }
  })

suite("memory", memory, { pdf: true })
suite("SQLite", sqlite, { pdf: false })
describeWithServer("MailMerge on PostgreSQL", (server) =>
  suite(
    "PostgreSQL",
    layerWithDatabase(server, (url) => PostgresEventStore.layerDriver({ url, maxConnections: 4 })),
    { pdf: false },
  ),
)

/**
 * A file larger than 50 MB read with flat memory. The structural check: every
 * record reaches the consumer before the reader has pulled more than two chunks
 * beyond it, so the reader never holds more than a chunk's worth of records and
 * never reads ahead of a slow consumer (backpressure). RSS growth is looked at
 * loosely too.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as AafReader from "../src/AafReader.ts"
import * as Writer from "./aafWriter.ts"

const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-feeds-large-"))
afterAll(() => Fs.rmSync(dir, { recursive: true, force: true }))

const CHUNK = 64 * 1024
const TARGET = 52 * 2 ** 20

/** Every record has the same byte length: the id is zero-padded. */
const record = (i: number) =>
  Writer.request({
    kind: "add",
    categoryAttribute: "categoriePersonne",
    category: "Eleve",
    id: String(i).padStart(9, "0"),
    attributes: [
      ["sn", ["LEFÈVRE"]],
      ["givenName", ["Maëlle"]],
      ["ENTPersonDateNaissance", ["29/02/2012"]],
      [
        "ENTElevePersRelEleve",
        [`${String(i).padStart(9, "0")}$10$1$1$1$1`, `${String(i + 1).padStart(9, "0")}$20$0$1$1$0`],
      ],
      ["ENTEleveClasses", ["0000001$6A"]],
      ["ENTEleveGroupes", ["0000001$6A-ESP"]],
      ["ENTEleveDateEntreeClasses", ["0000001$01/09/2025$6A"]],
      ["ENTPersonAdresse", ["XXXXXXXXXX XXXXXXXXXX XXXXXXXXXX XXXXXXXXXX XXXXXXXXXX XXXXXXXXXX XXXXXXXXXX"]],
      ["homePhone", ["0000000000"]],
    ],
  })

const writeLarge = async (path: string): Promise<{ header: number; size: number; records: number }> => {
  const out = Fs.createWriteStream(path)
  const put = async (text: string) => {
    if (!out.write(text)) await new Promise<void>((resolve) => out.once("drain", resolve))
  }
  const header = Buffer.byteLength(Writer.header())
  await put(Writer.header())
  const size = Buffer.byteLength(record(0))
  let records = 0
  while (header + records * size < TARGET) await put(record(records++))
  await put(Writer.footer)
  await new Promise<void>((resolve) => out.end(resolve))
  return { header, size, records }
}

describe("a file larger than 50 MB", () => {
  it.effect(
    "is read with flat memory: no record waits for more than two chunks of reading",
    () =>
      Effect.gen(function* () {
        const path = Path.join(dir, "X_Complet_20250901_Eleve_0000.xml")
        const { header, size, records } = yield* Effect.promise(() => writeLarge(path))
        assert.isAbove(Fs.statSync(path).size, 50 * 2 ** 20)
        let pulled = 0
        let consumed = 0
        let worstLead = 0
        let largestChunk = 0
        const rssBefore = process.memoryUsage.rss()
        let rssPeak = rssBefore
        const bytes = Stream.fromAsyncIterable<Uint8Array, Error>(
          Fs.createReadStream(path, { highWaterMark: CHUNK }),
          (e) => e as Error,
        ).pipe(Stream.tap((chunk) => Effect.sync(() => (pulled += chunk.byteLength))))
        yield* AafReader.fromBytes("large.xml", bytes).pipe(
          // A slow consumer (a real timer: the test clock would never fire): a millisecond per chunk, time for a reader
          // that reads ahead to do so.
          Stream.runForEachChunk((chunk) =>
            Effect.zipRight(
              Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 1))),
              Effect.sync(() => {
                largestChunk = Math.max(largestChunk, Chunk.size(chunk))
                Chunk.forEach(chunk, (element) => {
                  assert.strictEqual(element._tag, "Pupil")
                  consumed++
                  // The bytes the reader has pulled beyond the end of this record.
                  worstLead = Math.max(worstLead, pulled - (header + consumed * size))
                })
                rssPeak = Math.max(rssPeak, process.memoryUsage.rss())
              }),
            ),
          ),
        )
        assert.strictEqual(consumed, records)
        assert.isAtMost(worstLead, 2 * CHUNK)
        // A 64 KiB chunk completes at most 64 KiB / record size records (plus the one it ends).
        assert.isAtMost(largestChunk, Math.ceil(CHUNK / size) + 1)
        // Loose: the whole file is 52 MB of text, 100+ MB as JS strings; flat reading stays far below.
        assert.isBelow(rssPeak - rssBefore, 200 * 2 ** 20, `RSS grew by ${(rssPeak - rssBefore) / 2 ** 20} MiB`)
      }),
    120_000,
  )
})

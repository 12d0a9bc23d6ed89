/**
 * `pnpm bench --feeds-read`: reads an academy-size AAF export (generated once
 * into a temp folder, then reused) with AafReader, side by side with a raw saxes
 * pass over the same bytes (the reference: decode and parse, count the requests,
 * nothing else). Prints records/s, MB/s, peak RSS and the ratio.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { TextDecoder } from "node:util"
import * as AafReader from "@cartable/feeds/AafReader"
import * as AafSummary from "@cartable/feeds/AafSummary"
import * as Effect from "effect/Effect"
import { SaxesParser } from "saxes"
import { defaultSizes, type ExportSizes, generate } from "./aafExport.ts"
import { figure, flag, median, report } from "./harness.ts"

const CHUNK = 64 * 1024

/** The highest RSS seen while `run` runs, sampled every 20 ms. */
const withPeakRss = async <A>(run: () => Promise<A>): Promise<{ result: A; peak: number; seconds: number }> => {
  let peak = process.memoryUsage.rss()
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 20)
  const start = performance.now()
  try {
    const result = await run()
    peak = Math.max(peak, process.memoryUsage.rss())
    return { result, peak, seconds: (performance.now() - start) / 1000 }
  } finally {
    clearInterval(timer)
  }
}

/** The reference: the same files, streamed, decoded and parsed by saxes; only the requests are counted. */
const rawPass = async (paths: ReadonlyArray<string>): Promise<number> => {
  let requests = 0
  for (const path of paths) {
    const parser = new SaxesParser({ xmlns: false, position: true })
    parser.on("closetag", (tag) => {
      if (tag.name === "addRequest" || tag.name === "modifyRequest" || tag.name === "deleteRequest") requests++
    })
    const decoder = new TextDecoder("utf-8", { fatal: true })
    for await (const chunk of Fs.createReadStream(path, { highWaterMark: CHUNK })) {
      parser.write(decoder.decode(chunk as Uint8Array, { stream: true }))
    }
    parser.write(decoder.decode())
    parser.close()
  }
  return requests
}

const load = () =>
  Os.loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0)

export const run = async (): Promise<void> => {
  const sizes: ExportSizes = {
    schools: Number(flag("schools") ?? defaultSizes.schools),
    accounts: Number(flag("accounts") ?? defaultSizes.accounts),
    perPart: Number(flag("per-part") ?? defaultSizes.perPart),
  }
  const repeat = Math.max(1, Number(flag("repeat") ?? 1))
  console.log("# Cartable: reading an academy's AAF export (AafReader against a raw saxes pass)")
  console.log(`\nnode ${process.version}; ${Os.cpus().length} CPUs; load average ${load()}`)
  const dir = Path.join(Os.tmpdir(), `cartable-bench-aaf-${sizes.schools}-${sizes.accounts}-${sizes.perPart}`)
  const marker = Path.join(dir, ".complete")
  if (!Fs.existsSync(marker)) {
    Fs.rmSync(dir, { recursive: true, force: true })
    const started = performance.now()
    const generated = await generate(dir, sizes)
    Fs.writeFileSync(marker, JSON.stringify(generated))
    console.log(
      `\ngenerated ${dir}: ${generated.files} parts, ${mib(generated.bytes)} MiB, ${generated.records.toLocaleString("en")} records (${generated.pupils.toLocaleString("en")} pupils, ${generated.relatives.toLocaleString("en")} relatives, ${generated.staff.toLocaleString("en")} staff) in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    )
  } else console.log(`\nreusing ${dir}`)
  const paths = await Effect.runPromise(AafReader.exportFiles(dir))
  const bytes = paths.reduce((n, p) => n + Fs.statSync(p).size, 0)

  const rawSeconds: Array<number> = []
  const oursSeconds: Array<number> = []
  const rawPeaks: Array<number> = []
  const oursPeaks: Array<number> = []
  let records = 0
  let summary = AafSummary.empty
  for (let round = 0; round < repeat; round++) {
    const raw = await withPeakRss(() => rawPass(paths))
    rawSeconds.push(raw.seconds)
    rawPeaks.push(raw.peak)
    records = raw.result
    const ours = await withPeakRss(() => Effect.runPromise(AafReader.summarise(AafReader.readExport(dir))))
    oursSeconds.push(ours.seconds)
    oursPeaks.push(ours.peak)
    summary = ours.result
  }
  if (summary.read !== records) throw new Error(`AafReader read ${summary.read} records, saxes saw ${records} requests`)
  const workload = `read ${paths.length} parts, ${mib(bytes)} MiB`
  report(`AAF export of ${sizes.schools} schools, ${sizes.accounts.toLocaleString("en")} accounts`, [
    figure(workload, "raw saxes pass (reference)", records, "records", rawSeconds),
    figure(
      workload,
      "AafReader.readExport + summarise",
      summary.read,
      "records",
      oursSeconds,
      "raw saxes pass (reference)",
    ),
  ])
  const mbps = (s: number) => (bytes / 2 ** 20 / s).toFixed(1)
  console.log("")
  console.log(
    `raw saxes: ${median(rawSeconds).toFixed(1)} s, ${mbps(median(rawSeconds))} MiB/s, peak RSS ${mib(Math.max(...rawPeaks))} MiB`,
  )
  console.log(
    `AafReader: ${median(oursSeconds).toFixed(1)} s, ${mbps(median(oursSeconds))} MiB/s, peak RSS ${mib(Math.max(...oursPeaks))} MiB`,
  )
  console.log(`time ratio AafReader / raw saxes: ${(median(oursSeconds) / median(rawSeconds)).toFixed(2)}`)
  console.log(AafSummary.format(summary))
  console.log(`\nload average after: ${load()}`)
}

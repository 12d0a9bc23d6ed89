/**
 * What every benchmark shares: sizes, the event written, timing and the report.
 */

import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import type { EncodedEvent } from "@cartable/eventlog/EventStoreDriver"
import type { NewEvent } from "@cartable/eventlog/RecordedEvent"
import * as DateTime from "effect/DateTime"
import * as Schema from "effect/Schema"

export interface Sizes {
  /** Workload 1: streams x events, one event per append with an expected version. */
  readonly singleStreams: number
  readonly singleEvents: number
  /** Workload 2: streams, one append of `batchSize` events each. */
  readonly batchStreams: number
  readonly batchSize: number
  /** Single appends of each variant in the cost breakdown. */
  readonly breakdown: number
  /** Concurrent writers (PostgreSQL) and the appends each makes. */
  readonly writers: number
  readonly writerAppends: number
}

export interface Args {
  readonly full: boolean
  readonly only: "sqlite" | "postgres" | undefined
  readonly repeat: number
  /** `--users`: only the workloads of what users call (users.ts). */
  readonly usersOnly: boolean
  /** Only the read side (rebuild and catch-up lag). */
  readonly readSideOnly: boolean
  /** `--read-models`: only the read models of packages/read-models on a school's year (readModels.ts). */
  readonly readModelsOnly: boolean
  readonly sqlite: Sizes
  readonly postgres: Sizes
}

export const flag = (name: string): string | undefined => {
  const prefix = `--${name}=`
  const hit = process.argv.find((a) => a === `--${name}` || a.startsWith(prefix))
  return hit === undefined ? undefined : hit.startsWith(prefix) ? hit.slice(prefix.length) : "true"
}

export const parseArgs = (): Args => {
  const full = flag("full") === "true"
  const only = flag("only")
  const repeat = Number(flag("repeat") ?? 3)
  const sqlite: Sizes = full
    ? {
        singleStreams: 10_000,
        singleEvents: 10,
        batchStreams: 1_000,
        batchSize: 100,
        breakdown: 20_000,
        writers: 8,
        writerAppends: 0,
      }
    : {
        singleStreams: 3_000,
        singleEvents: 10,
        batchStreams: 1_000,
        batchSize: 100,
        breakdown: 10_000,
        writers: 8,
        writerAppends: 0,
      }
  const postgres: Sizes = full
    ? {
        singleStreams: 10_000,
        singleEvents: 10,
        batchStreams: 1_000,
        batchSize: 100,
        breakdown: 5_000,
        writers: 8,
        writerAppends: 1_000,
      }
    : {
        singleStreams: 500,
        singleEvents: 10,
        batchStreams: 300,
        batchSize: 100,
        breakdown: 1_500,
        writers: 8,
        writerAppends: 250,
      }
  return {
    full,
    only: only === "sqlite" || only === "postgres" ? only : undefined,
    repeat: Number.isInteger(repeat) && repeat > 0 ? repeat : 1,
    usersOnly: flag("users") === "true",
    readSideOnly: flag("read-side") === "true",
    readModelsOnly: flag("read-models") === "true",
    sqlite,
    postgres,
  }
}

/** The event every workload writes: about 300 bytes of JSON, as in docs/performance.md. */
export const ItemNoted = Schema.TaggedStruct("ItemNoted", {
  id: Schema.String,
  stream: Schema.String,
  seq: Schema.Number,
  text: Schema.String,
})

export const catalog = EventCatalog.make({ ItemNoted })

const text = "Cahier de textes : exercices 4 à 7 page 112, relire le chapitre sur les fractions. "
  .repeat(3)
  .slice(0, 220)

/** The metadata of one event: its own time, actor, correlation and causation ids, as in production. */
export const metadataFields = (stream: string, seq: number) => {
  const n = stream.length * 7919 + seq
  return {
    occurredAt: new Date(Date.UTC(2025, 8, 1, 8) + n * 1_000 + seq * 61_000).toISOString(),
    actor: `acc-teacher-${n % 97}`,
    correlationId: `corr-${stream}-${seq}`,
    causationId: `cmd-${stream}-${seq}`,
  }
}

const typedMetadata = (stream: string, seq: number): EventMetadata => {
  const fields = metadataFields(stream, seq)
  return new EventMetadata({ ...fields, occurredAt: DateTime.unsafeMake(fields.occurredAt) })
}

/** One encoded metadata text, for the statement captured in the SQLite breakdown. */
export const encodedMetadata = JSON.stringify(metadataFields("Bench-sentinel", 0))

export const newEvent = (stream: string, seq: number): NewEvent => ({
  event: ItemNoted.make({ id: `${stream}/${seq}`, stream, seq, text }),
  metadata: typedMetadata(stream, seq),
})

export const encodedEvent = (stream: string, seq: number): EncodedEvent => ({
  type: "ItemNoted",
  schemaVersion: 1,
  data: JSON.stringify({ _tag: "ItemNoted", id: `${stream}/${seq}`, stream, seq, text }),
  metadata: JSON.stringify(metadataFields(stream, seq)),
})

export const streamName = (prefix: string, i: number) => `Bench-${prefix}${i}`

/** The fold of the read workload: what a projection would do with each event. */
export const foldData = (state: number, data: string): number => state + (JSON.parse(data) as { seq: number }).seq

export interface Figure {
  readonly workload: string
  readonly variant: string
  readonly count: number
  readonly unit: string
  readonly seconds: number
  readonly rate: number
  /** The variant this one is compared to; undefined for a baseline. */
  readonly baseline?: string | undefined
}

export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Times `run`, which does `count` units of work. */
export const time = async (run: () => Promise<void> | void): Promise<number> => {
  const start = performance.now()
  await run()
  return (performance.now() - start) / 1000
}

export const figure = (
  workload: string,
  variant: string,
  count: number,
  unit: string,
  seconds: ReadonlyArray<number>,
  baseline?: string,
): Figure => {
  const s = median(seconds)
  return { workload, variant, count, unit, seconds: s, rate: count / s, baseline }
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length))
const padStart = (s: string, n: number) => (s.length >= n ? s : " ".repeat(n - s.length) + s)

export const report = (title: string, figures: ReadonlyArray<Figure>): void => {
  console.log(`\n## ${title}\n`)
  console.log("| workload | variant | count | rate /s | ratio to baseline |")
  console.log("|---|---|---:|---:|---:|")
  for (const f of figures) {
    const base =
      f.baseline === undefined ? undefined : figures.find((b) => b.workload === f.workload && b.variant === f.baseline)
    const ratio = base === undefined ? "1 (baseline)" : (f.rate / base.rate).toFixed(2)
    console.log(
      `| ${f.workload} | ${f.variant} | ${f.count.toLocaleString("en")} ${f.unit} | ${padStart(Math.round(f.rate).toLocaleString("en"), 8)} | ${pad(ratio, 4)} |`,
    )
  }
}

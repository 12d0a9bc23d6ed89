import { randomUUID } from "node:crypto"
import * as AccountEvents from "@cartable/domain/AccountEvents"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import type { EncodedEvent, EventStoreDriver, StoredEvent } from "@cartable/eventlog/EventStoreDriver"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import type { NewEvent } from "@cartable/eventlog/RecordedEvent"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

/** A plain event carrying a unique id and a text: the suite's test data. */
export const Noted = Schema.TaggedStruct("Noted", { id: Schema.String, text: Schema.String })
export type Noted = typeof Noted.Type

/** An event whose Schema refuses some values on encode: the encode-failure cases. */
export const Scored = Schema.TaggedStruct("Scored", {
  id: Schema.String,
  score: Schema.Int.pipe(Schema.between(0, 20)),
})

/** Account events but the one that erases a subject (it would redact the batch it travels in). */
export const accountEvents = Object.fromEntries(
  Object.entries(AccountEvents.events).filter(([type]) => type !== "AccountDataErased"),
) as Readonly<Record<string, EventCatalog.EventSchema>>

export const AccountEvent = Schema.Union(
  ...(Object.values(accountEvents) as ReadonlyArray<Schema.Schema<{ readonly _tag: string }, unknown>>),
)

export const catalog = EventCatalog.make({ ...AccountEvents.events, Noted, Scored })

export const metadata = new EventMetadata({
  occurredAt: DateTime.unsafeMake("2025-09-01T08:00:00.000Z"),
  actor: "conformance",
  correlationId: "corr-1",
})

const encodeMetadataJson = Schema.encodeSync(Schema.parseJson(EventMetadata))
export const encodeMetadata = Schema.encodeSync(EventMetadata)
export const encodedMetadata = encodeMetadataJson(metadata)

export const note = (id: string, text = `note ${id}`): NewEvent => ({
  event: Noted.make({ id, text }),
  metadata,
})

/** The same event, encoded as the typed store would hand it to the driver. */
export const encodedNote = (id: string, text = `note ${id}`): EncodedEvent => ({
  type: "Noted",
  schemaVersion: 1,
  data: JSON.stringify({ _tag: "Noted", id, text }),
  metadata: encodedMetadata,
})

/** The id of a row written by `encodedNote` or `note`, or undefined for any other row. */
export const idOf = (row: StoredEvent): string | undefined => {
  try {
    const data = JSON.parse(row.data) as { readonly id?: unknown }
    return typeof data.id === "string" ? data.id : undefined
  } catch {
    return undefined
  }
}

/** Fresh stream names: one prefix per suite call, a counter per name, so that tests never share a stream. */
export const makeNames = () => {
  const run = randomUUID().slice(0, 8)
  let counter = 0
  return (label: string): StreamName.StreamName => StreamName.make("Conformance", `${run}-${label}-${++counter}`)
}

/** Every row after `afterPosition`, read page by page. */
export const readAllAfter = (
  driver: EventStoreDriver.Service,
  afterPosition: number,
  pageSize = 100,
): Effect.Effect<ReadonlyArray<StoredEvent>, unknown> =>
  Effect.gen(function* () {
    const rows: Array<StoredEvent> = []
    let position = afterPosition
    while (true) {
      const page = yield* driver.readAll(position, pageSize)
      rows.push(...page)
      const last = page[page.length - 1]
      if (last === undefined || page.length < pageSize) return rows
      position = last.position
    }
  })

/**
 * A position every later acknowledged append is above: the position of an event
 * appended now, to a stream of its own.
 */
export const mark = (driver: EventStoreDriver.Service, name: StreamName.StreamName) =>
  Effect.map(driver.append(name, ExpectedVersion.noStream, [encodedNote(`mark-${name}`)]), (r) => r.lastPosition)

/** Texts that break naive encodings: accents, emoji and sequences, CJK, right-to-left, controls. */
export const unicodeTexts: ReadonlyArray<string> = [
  "Élève à l'école : « ça déménage », œuvre, Zoë, Ångström",
  "emoji 😀 👩‍👩‍👧‍👦 🇫🇷 🏳️‍🌈 and a keycap 1️⃣",
  "中文 日本語のテキスト 한국어 𠜎𠜱𠝹 (outside the BMP)",
  "العربية من اليمين إلى اليسار עברית \u200f mixed with LTR",
  "combining: e\u0301 vs é, zero width\u200bspace, NUL \u0000 and line\nbreaks\r\n\ttabs",
  "quotes ' \" \\ backslash, SQL '); DROP TABLE events; --",
  // A lone surrogate is not text: the store refuses it (inputConformance.ts).
]

// A read's continuation may update a document the batch did not touch before: the engine loads it, so that
// applying events one at a time (inline) gives what one batch (a rebuild) gives.
import * as DomainAll from "@cartable/domain/Domain"
import type { RecordedEvent } from "@cartable/eventlog/RecordedEvent"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Engine from "../src/internal/engine.ts"
import * as Projection from "../src/Projection.ts"
import * as ReadModel from "../src/ReadModel.ts"
import type { StoredDocument } from "../src/ReadModelStore.ts"

const Count = Schema.Struct({ key: Schema.String, n: Schema.Number })
const counts = ReadModel.collection("counts", { document: Count, key: (count) => count.key })

const projection = Projection.make({
  name: "nested",
  version: 1,
  events: DomainAll.events,
  collections: { counts },
  handlers: {
    AccountProvisioned: (_, into) =>
      into.counts.update("total", (current) => ({ key: "total", n: (current?.n ?? 0) + 1 })),
    // Reads one document, then updates another one, not read by the event before.
    AccountActivated: (event, into) =>
      into.counts.read(event.accountId, () =>
        into.counts.update("total", (current) => ({ key: "total", n: (current?.n ?? 0) + 10 })),
      ),
  },
})

const recorded = (position: number, event: { readonly _tag: string; readonly accountId?: string }) =>
  ({
    position,
    streamName: "Account-a",
    streamVersion: position,
    type: event._tag,
    schemaVersion: 1,
    event,
  }) as unknown as RecordedEvent

describe("engine", () => {
  it.effect(
    "an update inside a read's continuation sees the stored document, one event at a time as in one batch",
    () =>
      Effect.gen(function* () {
        const events = [
          recorded(1, { _tag: "AccountProvisioned" }),
          recorded(2, { _tag: "AccountActivated", accountId: "a" }),
        ]
        const table = new Map<string, StoredDocument>()
        const load: Engine.Load = (_, keys) => Effect.succeed(keys.flatMap((key) => table.get(key) ?? []))
        for (const event of events) {
          const applied = yield* Engine.apply(projection, [event], load)
          for (const changes of applied.changes) for (const document of changes.put) table.set(document.key, document)
        }
        const batch = yield* Engine.apply(projection, events, () => Effect.succeed([]))
        assert.deepStrictEqual(JSON.parse(table.get("total")!.body), { key: "total", n: 11 })
        assert.deepStrictEqual(JSON.parse(batch.changes[0]!.put[0]!.body), { key: "total", n: 11 })
      }),
  )
})

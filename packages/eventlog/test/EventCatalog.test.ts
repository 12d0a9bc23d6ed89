import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

// Version 2 of a custom distribution's event: `name` was split into first and last names.
const GuestInvited = Schema.TaggedStruct("GuestInvited", {
  guestId: Schema.String,
  firstName: Schema.String,
  lastName: Schema.String,
})

const catalog = EventCatalog.make({
  GuestInvited: [
    GuestInvited,
    {
      version: 2,
      upcasters: {
        1: (data) => {
          const { name, ...rest } = data as { name: string }
          const [firstName = "", ...last] = name.split(" ")
          return { ...rest, firstName, lastName: last.join(" ") }
        },
      },
    },
  ],
})

describe("EventCatalog", () => {
  it.effect("encodes with the current version and decodes it back", () =>
    Effect.gen(function* () {
      const event = { _tag: "GuestInvited" as const, guestId: "g1", firstName: "Léa", lastName: "Nguyễn" }
      const encoded = yield* EventCatalog.encode(catalog, event)
      assert.strictEqual(encoded.schemaVersion, 2)
      assert.deepStrictEqual(yield* EventCatalog.decode(catalog, encoded.type, 2, encoded.data), event)
    }),
  )

  it.effect("upcasts an old version on read, without rewriting it", () =>
    Effect.gen(function* () {
      const stored = { _tag: "GuestInvited", guestId: "g1", name: "Léa Nguyễn Van" }
      assert.deepStrictEqual<unknown>(yield* EventCatalog.decode(catalog, "GuestInvited", 1, stored), {
        _tag: "GuestInvited",
        guestId: "g1",
        firstName: "Léa",
        lastName: "Nguyễn Van",
      })
    }),
  )

  it.effect("names the type and the reason when a stored event cannot be read", () =>
    Effect.gen(function* () {
      const unknown = yield* Effect.flip(EventCatalog.decode(catalog, "GuestLeft", 1, {}))
      assert.include(unknown.message, "GuestLeft is not in the catalogue")
      const newer = yield* Effect.flip(EventCatalog.decode(catalog, "GuestInvited", 3, {}))
      assert.include(newer.message, "newer than this catalogue's 2")
      const bad = yield* Effect.flip(
        EventCatalog.decode(catalog, "GuestInvited", 2, { _tag: "GuestInvited", guestId: 7 }),
      )
      assert.include(bad.message, "guestId")
    }),
  )

  it("refuses to merge two catalogues that define the same event", () => {
    assert.throws(() => EventCatalog.merge(catalog, catalog), /registered twice/)
  })
})

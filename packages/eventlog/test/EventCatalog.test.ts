import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
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

  it.effect("gives each failure its reason, and never throws: not even when an upcaster or a Schema does", () =>
    Effect.gen(function* () {
      const Throwing = Schema.declare((value: unknown): value is { readonly _tag: "Throwing" } => {
        if (typeof value === "object" && value !== null && "boom" in value) throw new Error("boom")
        return typeof value === "object" && value !== null
      })
      const throwing = EventCatalog.make({
        Throwing,
        Upcast: [GuestInvited, { version: 2, upcasters: { 1: () => assert.fail("an upcaster that throws") } }],
      })
      const reasons = [
        [EventCatalog.decodeEither(catalog, "GuestLeft", 1, {}), "UnknownType"],
        [EventCatalog.decodeEither(catalog, "GuestInvited", 3, {}), "UnknownVersion"],
        [EventCatalog.decodeEither(catalog, "GuestInvited", 0, {}), "UnknownVersion"],
        [EventCatalog.decodeEither(catalog, "GuestInvited", 1.5, {}), "UnknownVersion"],
        [
          EventCatalog.decodeEither(
            EventCatalog.make({ GuestInvited: [GuestInvited, { version: 2 }] }),
            "GuestInvited",
            1,
            {},
          ),
          "MissingUpcaster",
        ],
        [EventCatalog.decodeEither(throwing, "Upcast", 1, {}), "UpcastFailed"],
        [EventCatalog.decodeEither(catalog, "GuestInvited", 2, { _tag: "GuestInvited" }), "DecodeFailed"],
        [EventCatalog.decodeEither(throwing, "Throwing", 1, { boom: 1 }), "DecodeFailed"],
        [EventCatalog.encodeEither(catalog, { _tag: "GuestLeft" }), "UnknownType"],
        [EventCatalog.encodeEither(catalog, { _tag: "GuestInvited", guestId: 1 } as never), "EncodeFailed"],
        [EventCatalog.encodeEither(throwing, { _tag: "Throwing", boom: 1 } as never), "EncodeFailed"],
      ] as ReadonlyArray<readonly [Either.Either<unknown, EventCatalog.CatalogError>, EventCatalog.CatalogErrorReason]>
      for (const [result, reason] of reasons) {
        assert.isTrue(Either.isLeft(result), reason)
        if (Either.isLeft(result)) assert.strictEqual(result.left.reason, reason, result.left.message)
      }
    }),
  )

  it("bounds its message: a Schema error that echoes a 10 MB value is cut, the field still named", () => {
    const Named = Schema.TaggedStruct("Named", { name: Schema.Literal("short") })
    const result = EventCatalog.decodeEither(EventCatalog.make({ Named }), "Named", 1, {
      _tag: "Named",
      name: "x".repeat(10_000_000),
    })
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      assert.include(result.left.message, "name: Expected")
      assert.isBelow(result.left.message.length, 1_000)
    }
  })

  it("refuses to merge two catalogues that define the same event", () => {
    assert.throws(() => EventCatalog.merge(catalog, catalog), /registered twice/)
  })
})

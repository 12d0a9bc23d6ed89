// BR-FEED-1: a full import past the blocking share is held for the school, and waits for an
// administrator's confirmation of that very change (its digest). Oracle from DOMAIN.md: the feed holds,
// an administrator whose scope covers the school confirms (school, district, department, academy,
// platform), nobody else; a confirmation names a held digest.
import * as Actor from "@cartable/domain/Actor"
import * as Structure from "@cartable/domain/Structure"
import type * as Text from "@cartable/kernel/Text"
import { given, run } from "@cartable/testing/DeciderSpec"
import * as StructureArbitraries from "@cartable/testing/StructureArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"

const { ids, actors, setup } = StructureArbitraries
const schoolA = ids.schools[0]!
const history = run(
  Structure.aggregate,
  setup.filter((command) => command.structureId === schoolA),
).events

const hold = (digest: string, actor: Actor.Actor = actors.feed): Structure.StructureCommand => ({
  _tag: "HoldFeedImport",
  actor,
  structureId: schoolA,
  digest: digest as typeof Text.ShortText.Type,
  accounts: 40,
  preDeletions: 9,
  moves: 2,
  threshold: 0.2,
})

const confirm = (digest: string, actor: Actor.Actor): Structure.StructureCommand => ({
  _tag: "ConfirmFeedImport",
  actor,
  structureId: schoolA,
  digest: digest as typeof Text.ShortText.Type,
})

// Who covers school A, written from the pool's hierarchy: its own administrator, the district's, the vendor.
const coversSchoolA: ReadonlyArray<Actor.Actor> = [actors.adminA, actors.erun, actors.vendor]
const anyActor = FastCheck.constantFrom(...StructureArbitraries.actorList)
const digestArb = FastCheck.constantFrom("d1", "d2", "d3")

describe("Structure: held feed imports (BR-FEED-1)", () => {
  it.prop("BR-FEED-1 only the directory feed holds an import, once per digest", [anyActor, digestArb], ([actor, d]) => {
    const when = given(Structure.aggregate, history).when(hold(d, actor))
    if (!Actor.isSystem(actor)) return void when.thenRejects({ ruleId: "BR-FEED-1", reason: "NotAuthorized" })
    const first = when.accepted()
    assert.deepStrictEqual(
      first.events.map((event) => event._tag),
      ["FeedImportHeld"],
    )
    given(Structure.aggregate, [...history, ...first.events])
      .when(hold(d))
      .then([])
  })

  it.prop(
    "BR-FEED-1 an administrator covering the school confirms the held digest, nobody else, no other digest",
    [anyActor, digestArb, digestArb],
    ([actor, heldDigest, confirmedDigest]) => {
      const held = given(Structure.aggregate, history).when(hold(heldDigest)).accepted().events
      const when = given(Structure.aggregate, [...history, ...held]).when(confirm(confirmedDigest, actor))
      if (!coversSchoolA.includes(actor)) return void when.thenRejects({ ruleId: "BR-FEED-1", reason: "NotAuthorized" })
      if (confirmedDigest !== heldDigest) return void when.thenRejects({ ruleId: "BR-FEED-1", reason: "NotFound" })
      const { events, state } = when.accepted()
      assert.deepStrictEqual(events, [
        { _tag: "FeedImportConfirmed", structureId: schoolA, digest: heldDigest, confirmedBy: actor.accountId },
      ])
      assert.ok(state._tag === "Structure")
      assert.strictEqual(state.confirmedImport, heldDigest)
      assert.strictEqual(state.heldImport, undefined)
      // Confirmed: the same change is not held again, and a second confirmation records nothing.
      given(Structure.aggregate, [...history, ...held, ...events])
        .when(hold(heldDigest))
        .then([])
      given(Structure.aggregate, [...history, ...held, ...events])
        .when(confirm(heldDigest, actor))
        .then([])
    },
  )

  it("BR-FEED-1 nothing held: a confirmation is refused", () => {
    given(Structure.aggregate, history)
      .when(confirm("d1", actors.adminA))
      .thenRejects({ ruleId: "BR-FEED-1", reason: "NotFound" })
  })
})

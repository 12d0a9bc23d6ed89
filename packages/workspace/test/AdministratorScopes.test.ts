// BR-ACC-11 with BR-SIG-2's levels, through the Workspace: a right granted on an academy or a district
// structure makes an administrator of that level (from the log), and his Account commands are judged on
// the locations of the account's schools, which the library resolves; the caller never sends them.
import * as Uai from "@cartable/domain/Uai"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { apply, context, ids, memory, probe, setup } from "./world.ts"

// The world's schools sit in district circo-metz-1, department dsden-57, academy ac-nancy-metz.
const academy = "ac-nancy-metz"
const otherDistrict = "circo-nancy-2"

const uai = (digits: string) => `${digits}${Uai.checkLetter(digits)}`

const registerAbove = Effect.gen(function* () {
  const feed = (yield* Workspace.Workspace).system("aaf-import")
  yield* feed.handle(
    { _tag: "RegisterStructure", structureId: academy, uai: uai("0549999"), name: "Académie", kind: "Academy" },
    context,
  )
  yield* feed.handle(
    {
      _tag: "RegisterStructure",
      structureId: otherDistrict,
      uai: uai("0549998"),
      name: "Circonscription Nancy 2",
      kind: "District",
      departmentId: "dsden-54",
      academyId: academy,
    },
    context,
  )
})

describe("Administrators above the school (BR-ACC-11)", () => {
  it.effect(
    "BR-ACC-11 an academy administrator blocks a pupil and opens a homework book of a school in his academy; another district's is refused",
    () =>
      Effect.gen(function* () {
        yield* setup
        yield* registerAbove
        const [academyAdmin, districtAdmin] = ids.staff
        assert.isTrue(Either.isRight(yield* apply({ _tag: "Grant", staff: academyAdmin, school: academy })))
        assert.isTrue(Either.isRight(yield* apply({ _tag: "Grant", staff: districtAdmin, school: otherDistrict })))

        assert.strictEqual(yield* probe(districtAdmin, "BlockPupil"), "rejected BR-ACC-6 NotAuthorized")
        assert.strictEqual(yield* probe(academyAdmin, "BlockPupil"), "accepted")
        // The homework book of a school in his academy too (opening it again changes nothing, but is his to do).
        assert.strictEqual(yield* probe(districtAdmin, "OpenBook"), "rejected BR-CDT-1 NotAuthorized")
        assert.strictEqual(yield* probe(academyAdmin, "OpenBook"), "accepted")

        // The locations are a fact: a caller who sends some is refused before anything is decided.
        const workspace = yield* Workspace.Workspace
        const forged = yield* Effect.either(
          workspace.handle(
            districtAdmin,
            {
              _tag: "BlockAccount",
              accountId: ids.otherPupil,
              locations: [{ structureId: ids.schoolA, districtId: otherDistrict }],
            },
            context,
          ),
        )
        assert.isTrue(Either.isLeft(forged) && forged.left._tag === "InvalidCommand")
        // Nor does the district administrator grant rights in a school outside his district.
        const grant = yield* Effect.either(
          workspace.handle(
            districtAdmin,
            { _tag: "GrantAdministratorRight", accountId: ids.staff[2], structureId: ids.schoolA },
            context,
          ),
        )
        assert.isTrue(Either.isLeft(grant) && "ruleId" in grant.left && grant.left.ruleId === "BR-ACC-11")
      }).pipe(Effect.provide(memory())),
  )
})

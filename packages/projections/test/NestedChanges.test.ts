/**
 * A read's changes are only known once it ran: a document they update, not
 * loaded for the batch, is loaded then (a regression: it read as absent, and
 * `current && ...` removed it).
 */
import * as Domain from "@cartable/domain/Domain"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import * as Structure from "@cartable/domain/Structure"
import * as Uai from "@cartable/domain/Uai"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModel from "@cartable/projections/ReadModel"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import { assert, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

const Schools = ReadModel.collection("schools", {
  document: Schema.Struct({ id: Schema.String, renames: Schema.Number }),
  key: (school) => school.id,
})
const Groups = ReadModel.collection("groups", {
  document: Schema.Struct({ id: Schema.String, school: Schema.String }),
  key: (group) => group.id,
})

/** Counts the renames of each school's groups: the school is found through the group. */
const renames = Projection.make({
  name: "renames",
  version: 1,
  events: Domain.events,
  collections: { schools: Schools, groups: Groups },
  handlers: {
    StructureRegistered: (event, into) => into.schools.put({ id: event.structureId, renames: 0 }),
    GroupOpened: (event, into) => into.groups.put({ id: event.groupId, school: event.structureId }),
    GroupRenamed: (event, into) =>
      into.groups.read(event.groupId, (group) =>
        group === undefined
          ? []
          : into.schools.update(group.school, (school) => school && { ...school, renames: school.renames + 1 }),
      ),
  },
})

const feed = { accountId: AccountId.make("system:aaf"), roles: [{ _tag: "System", process: "aaf" }] } as const
const school = StructureId.make("school-n")
const groupId = Structure.groupIdOf(school, "6A")
const storage = EventStore.layer(EventCatalog.make(Domain.events)).pipe(
  Layer.provideMerge(Layer.merge(ReadModelStore.layerMemoryWithDriver, SubjectKeyStore.layerMemory)),
)

it.effect("an update a read asks for sees the stored document, in a later batch than the one that wrote it", () =>
  Effect.gen(function* () {
    const router = yield* CommandRouter.make(Domain.aggregates)
    const context = { occurredAt: DateTime.unsafeMake("2026-09-01T08:00:00Z") }
    const open = (name: string) =>
      Structure.OpenGroup.make({
        actor: feed,
        structureId: school,
        groupId,
        kind: "Class",
        name,
        schoolYear: Structure.OpenGroup.fields.schoolYear.make("2026-2027"),
        owner: "Feed",
      })
    yield* router.handleTyped(
      Structure.RegisterStructure.make({
        actor: feed,
        structureId: school,
        uai: Uai.Uai.make("0310002J"),
        name: "Collège",
        kind: "SecondarySchool",
      }),
      context,
    )
    yield* router.handleTyped(open("6e A"), context)
    yield* router.handleTyped(open("6eA"), context)
    yield* router.handleTyped(open("6e A"), context)
    const schools = yield* ProjectionRuntime.reader(renames, "schools")
    assert.deepStrictEqual(yield* schools.get(school), { id: school, renames: 2 })
  }).pipe(
    Effect.provide(ProjectionRuntime.layer({ background: false, inline: [renames] }).pipe(Layer.provideMerge(storage))),
    Effect.scoped,
  ),
)

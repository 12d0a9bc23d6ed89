/**
 * An update made by a read's continuation sees the stored document, even when
 * its key was not known before the read (the engine loads it on demand): here
 * the membership of an account, written in an earlier append.
 */
import * as Domain from "@cartable/domain/Domain"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModel from "@cartable/projections/ReadModel"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

const Member = Schema.Struct({ id: Schema.String, login: Schema.String, groups: Schema.Array(Schema.String) })
const Group = Schema.Struct({ id: Schema.String, name: Schema.String })
const members = ReadModel.collection("members", { document: Member, key: (m) => m.id })
const groups = ReadModel.collection("groups", { document: Group, key: (g) => g.id })

const memberships = Projection.make({
  name: "memberships",
  version: 1,
  events: Domain.events,
  collections: { members, groups },
  handlers: {
    AccountProvisioned: (event, into) => into.members.put({ id: event.accountId, login: event.login, groups: [] }),
    GroupOpened: (event, into) => into.groups.put({ id: event.groupId, name: event.name }),
    GroupAssigned: (event, into) =>
      into.groups.read(event.groupId, (group) =>
        into.members.update(event.accountId, (member) => ({
          id: event.accountId,
          login: member?.login ?? "(unknown)",
          groups: [...(member?.groups ?? []), group?.name ?? "?"],
        })),
      ),
  },
})

const metadata = new EventMetadata({ occurredAt: DateTime.unsafeMake("2026-09-01T08:00:00Z") })
const storage = EventStore.layer(EventCatalog.make(Domain.events)).pipe(
  Layer.provideMerge(Layer.merge(ReadModelStore.layerMemoryWithDriver, SubjectKeyStore.layerMemory)),
)

describe("a read's continuation", () => {
  for (const mode of ["inline", "async"] as const) {
    it.effect(`updates the stored document of a key it names (${mode}, one batch per append)`, () =>
      Effect.gen(function* () {
        const events = yield* EventStore.EventStore
        const runtime = yield* ProjectionRuntime.ProjectionRuntime
        const append = (stream: string, event: object) =>
          Effect.zipRight(
            events.append(StreamName.StreamName.make(stream), ExpectedVersion.any, [
              { event: event as never, metadata },
            ]),
            runtime.catchUp(),
          )
        yield* append("Account-acc-1", {
          _tag: "AccountProvisioned",
          accountId: "acc-1",
          profile: "Student",
          origin: { _tag: "Manual" },
          structureId: "school-a",
          login: "marie.a",
          firstName: "Marie",
          lastName: "Anquet",
          activationCode: "3n6g8fmj",
        })
        yield* append("Structure-school-a", {
          _tag: "GroupOpened",
          structureId: "school-a",
          groupId: "6a",
          kind: "Class",
          name: "6e A",
          schoolYear: "2026-2027",
          owner: "Feed",
        })
        yield* append("Structure-school-a", {
          _tag: "GroupAssigned",
          structureId: "school-a",
          groupId: "6a",
          accountId: "acc-1",
          role: "Student",
          source: "Feed",
          assignedBy: "system:aaf",
        })
        const reader = yield* ProjectionRuntime.reader(memberships, "members")
        assert.deepStrictEqual(yield* reader.get("acc-1"), { id: "acc-1", login: "marie.a", groups: ["6e A"] })
      }).pipe(
        Effect.provide(
          ProjectionRuntime.layer(
            mode === "inline" ? { inline: [memberships] } : { async: [memberships], background: false },
          ).pipe(Layer.provideMerge(storage)),
        ),
        Effect.scoped,
      ),
    )
  }
})

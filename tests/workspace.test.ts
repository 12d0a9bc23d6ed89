/**
 * The Workspace on the SQL stores: the roles a signed-in account acts with come
 * from the log through the Authorization read model, inline in the append's
 * transaction on SQLite and PostgreSQL as in memory. One history of every undo
 * path: a right granted then revoked, a teacher attached then detached, direction
 * joined, an account blocked then unblocked.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import type * as EventStore from "@cartable/eventlog/EventStore"
import type * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import { describeWithServer, layerWithDatabase } from "../adapters/store-postgres/test/TestDatabase.ts"
import { apply, catalog, ids, probe, setup, stack } from "../packages/workspace/test/world.ts"

type Storage = Layer.Layer<EventStore.EventStore | ReadModelStore.ReadModelStore, unknown>

const history = (storage: Storage) =>
  it.effect("roles from the log: granted then revoked, attached then detached, direction, blocked then unblocked", () =>
    Effect.gen(function* () {
      yield* setup
      const [alice, bob, carol] = ids.staff
      // Nothing in the log: no right.
      assert.strictEqual(yield* probe(alice, "BlockPupil"), "rejected BR-ACC-6 NotAuthorized")
      yield* apply({ _tag: "Grant", staff: alice, school: ids.schoolA })
      assert.strictEqual(yield* probe(alice, "BlockPupil"), "accepted")
      // A right on another school does not reach this one (BR-ACC-11, BR-SIG-2 scopes).
      yield* apply({ _tag: "Revoke", staff: alice, school: ids.schoolA })
      yield* apply({ _tag: "Grant", staff: alice, school: ids.schoolB })
      assert.strictEqual(yield* probe(alice, "BlockPupil"), "rejected BR-ACC-6 NotAuthorized")
      // BR-GRP-1: attached, the teacher records his sessions; detached, no more.
      assert.strictEqual(yield* probe(bob, "RecordSession"), "rejected BR-CDT-1 NotAuthorized")
      assert.strictEqual(yield* probe(bob, "RenewPupilPassword"), "rejected BR-ACC-5 NotAuthorized")
      yield* apply({ _tag: "Attach", staff: bob })
      assert.strictEqual(yield* probe(bob, "RecordSession"), "accepted")
      // BR-ACC-5: the pupil's class as the log has it, not one the teacher names.
      assert.strictEqual(yield* probe(bob, "RenewPupilPassword"), "accepted")
      yield* apply({ _tag: "Detach", staff: bob })
      assert.strictEqual(yield* probe(bob, "RecordSession"), "rejected BR-CDT-1 NotAuthorized")
      assert.strictEqual(yield* probe(bob, "RenewPupilPassword"), "rejected BR-ACC-5 NotAuthorized")
      // BR-GRP-3: direction through the functional group "Chef d'établissement".
      assert.strictEqual(yield* probe(carol, "OpenBook"), "rejected BR-CDT-1 NotAuthorized")
      yield* apply({ _tag: "JoinDirection", staff: carol })
      assert.strictEqual(yield* probe(carol, "OpenBook"), "accepted")
      // BR-ACC-6: blocked, refused before any rule; unblocked, acting again at once.
      yield* apply({ _tag: "Block", staff: carol })
      assert.strictEqual(yield* probe(carol, "OpenBook"), "refused Blocked")
      yield* apply({ _tag: "Unblock", staff: carol })
      assert.strictEqual(yield* probe(carol, "OpenBook"), "accepted")
    }).pipe(Effect.provide(stack(storage))),
  )

describe("Workspace on SQLite", () => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-workspace-"))
  history(SqliteEventStore.layer({ filename: Path.join(dir, "workspace.db"), catalog }))
})

describeWithServer("Workspace on PostgreSQL", (server) => {
  history(layerWithDatabase(server, (url) => PostgresEventStore.layer({ url, catalog })))
})

// The import on PostgreSQL: the example export and the property directories, as on memory and SQLite.
import { join } from "node:path"
import * as AafReader from "@cartable/feeds/AafReader"
import * as FeedImport from "@cartable/feeds/FeedImport"
import * as PostgresEventStore from "@cartable/store-postgres/PostgresEventStore"
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import { describeWithServer, layerWithDatabase } from "../../../adapters/store-postgres/test/TestDatabase.ts"
import * as Dir from "./directory.ts"
import { catalog, options, stack } from "./importWorld.ts"

const example = join(import.meta.dirname, "../../../examples/aaf-export")

describeWithServer("FeedImport on PostgreSQL", (server) => {
  const onPostgres = () =>
    stack.pipe(Layer.provideMerge(layerWithDatabase(server, (url) => PostgresEventStore.layer({ url, catalog }))))

  it.effect(
    "the example export, then nothing appended; a property directory imported twice appends nothing",
    () =>
      Effect.gen(function* () {
        const first = yield* FeedImport.run(AafReader.readExport(join(example, "complet")), options())
        assert.strictEqual(first.imported + first.reported, first.read)
        assert.strictEqual(first.reported, 13)
        const again = yield* FeedImport.run(AafReader.readExport(join(example, "complet")), options())
        assert.strictEqual(again.events, 0)
        const d = FastCheck.sample(Dir.directory, { seed: 5, numRuns: 1 })[0]!
        const once = yield* FeedImport.run(Dir.elements(d), options())
        assert.strictEqual(once.reported, 0, JSON.stringify(once.problems))
        const twice = yield* FeedImport.run(Dir.elements(d), options())
        assert.strictEqual(twice.events, 0)
      }).pipe(Effect.provide(onPostgres())),
    { timeout: 120_000 },
  )
})

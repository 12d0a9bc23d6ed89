/**
 * `pnpm bench --feeds-ops=<file>`: what one re-import's reads cost, one by one, on
 * a SQLite file an academy was imported into (`--feeds-import --keep` prints its
 * path). Each read the import makes of the log is timed through the library, next
 * to better-sqlite3 reading the same rows with `JSON.parse` (the reference, on
 * its own connection): the Authorization documents a thousand at a time
 * (`feedHolders`, `feedStates`, `pupilLinks`), a school's live feed accounts from
 * the index alone (`feedMembers`), the schools' Structure streams read and
 * folded, and one Account stream loaded. Read-only: the file is left unchanged
 * (the runtime only creates what a newer Authorization version needs).
 */

import * as Account from "@cartable/domain/Account"
import * as Domain from "@cartable/domain/Domain"
import type { AccountId, StructureId } from "@cartable/domain/Ids"
import * as Structure from "@cartable/domain/Structure"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import { fold } from "@cartable/kernel/Decider"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as Authorization from "@cartable/read-models/Authorization"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import Database from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { flag } from "./harness.ts"

const BY = 1_000

interface Row {
  readonly key: string
  readonly body: string
}

/** A figure, and its ratio to a reference doing the same work (reference time / ours: 1 is as fast). */
const line = (what: string, count: number, ms: number, reference?: { readonly label: string; readonly ms: number }) =>
  console.log(
    `  ${what.padEnd(56)} ${((ms * 1000) / count).toFixed(1).padStart(8)} µs each (${count.toLocaleString("en")})` +
      (reference === undefined
        ? ""
        : `   ${reference.label} ${((reference.ms * 1000) / count).toFixed(1)} µs: ratio ${(reference.ms / ms).toFixed(2)}`),
  )

const sql = (ms: number) => ({ label: "raw SQL + JSON.parse", ms })

const timed = (run: () => unknown): number => {
  const started = performance.now()
  run()
  return performance.now() - started
}

export const run = async (): Promise<void> => {
  const file = flag("feeds-ops")
  if (file === undefined || file === "true") throw new Error("--feeds-ops=<file>: a SQLite file an import was kept in")
  const count = Number(flag("accounts") ?? 20_000)
  const table = (alias: string) => `rm_d_${Projection.tableOf(Authorization.AuthorizationProjection, alias)}`
  const catalog = EventCatalog.make(Domain.events)
  const layer = Authorization.layer.pipe(
    Layer.provideMerge(
      ProjectionRuntime.layer({ inline: [Authorization.AuthorizationProjection], async: [], background: false }),
    ),
    Layer.provideMerge(SqliteEventStore.layer({ filename: file, catalog })),
  )
  console.log(`# Cartable: a re-import's reads, one by one (${file})\n`)
  await Effect.runPromise(
    Effect.gen(function* () {
      // The layer is built first: it creates the tables of a newer Authorization version if need be.
      const facts = yield* Authorization.Authorization
      const db = new Database(file, { readonly: true })
      const accounts = db
        .prepare(`SELECT key, body FROM "${table("accounts")}" WHERE body LIKE '%"feedKey"%' LIMIT ?`)
        .all(count) as Array<Row>
      const ids = accounts.map((row) => row.key as AccountId)
      const feedIds = accounts.map((row) => JSON.parse(JSON.parse(row.body).feedKey)[1] as string)
      const pupils = accounts.filter((row) => row.body.includes('"Student"')).map((row) => row.key as AccountId)
      const schools = (
        db
          .prepare(
            `SELECT DISTINCT value FROM "rm_i_${Projection.tableOf(Authorization.AuthorizationProjection, "accounts")}" WHERE name = 'structure'`,
          )
          .all() as Array<{ readonly value: string }>
      ).map((row) => row.value as StructureId)
      const byKeys = (name: string) =>
        db.prepare(`SELECT key, body FROM "${table(name)}" WHERE key IN (SELECT value FROM json_each(?))`)
      const raw = (name: string, keys: ReadonlyArray<string>) => {
        const statement = byKeys(name)
        return timed(() => {
          for (let i = 0; i < keys.length; i += BY) {
            for (const row of statement.all(JSON.stringify(keys.slice(i, i + BY))) as Array<Row>) JSON.parse(row.body)
          }
        })
      }
      const chunks = <A>(items: ReadonlyArray<A>) =>
        Array.from({ length: Math.ceil(items.length / BY) }, (_, i) => items.slice(i * BY, (i + 1) * BY))
      const time = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        Effect.gen(function* () {
          const started = performance.now()
          yield* effect
          return performance.now() - started
        })

      console.log(
        `${ids.length.toLocaleString("en")} feed accounts, ${pupils.length.toLocaleString("en")} pupils, ${schools.length} schools`,
      )
      for (let round = 1; round <= 2; round++) {
        console.log(`\nround ${round} (the first one reads from disk what the page cache lacks)`)
        const feedKeys = feedIds.map((id) => JSON.stringify(["AAF", id]))
        const holders = yield* time(Effect.forEach(chunks(feedIds), (chunk) => facts.feedHolders("AAF", chunk)))
        line(`feedHolders, ${BY} a call`, ids.length, holders, sql(raw("feedIds", feedKeys)))
        const states = yield* time(Effect.forEach(chunks(ids), (chunk) => facts.feedStates(chunk)))
        line(`feedStates, ${BY} a call`, ids.length, states, sql(raw("accounts", ids)))
        const links = yield* time(Effect.forEach(chunks(pupils), (chunk) => facts.pupilLinks(chunk)))
        line(`pupilLinks, ${BY} a call`, Math.max(1, pupils.length), links, sql(raw("relatives", pupils)))
        let members = 0
        const index = yield* time(
          Effect.forEach(schools, (school) =>
            Effect.map(facts.feedMembers("AAF", school), (found) => {
              members += found.length
            }),
          ),
        )
        const scan = db.prepare(
          `SELECT key, value FROM "rm_i_${Projection.tableOf(Authorization.AuthorizationProjection, "accounts")}"
           WHERE name = 'feed_member' AND value >= ? AND value < ? ORDER BY value, key`,
        )
        const scanned = timed(() => {
          for (const school of schools) {
            const prefix = Authorization.feedMemberPrefix("AAF", school)
            for (const row of scan.all(prefix, `${prefix.slice(0, -1)}-`) as Array<{ readonly value: string }>) {
              JSON.parse(row.value)
            }
          }
        })
        line(`feedMembers, a school a call (${members.toLocaleString("en")} members)`, schools.length, index, {
          label: "raw index scan + JSON.parse",
          ms: scanned,
        })
        const histories: Array<ReadonlyArray<Structure.StructureEvent>> = []
        const read = yield* time(
          Effect.forEach(schools, (school) =>
            Effect.map(CommandHandler.history(Structure.aggregate, school), (recorded) => {
              histories.push(recorded.map((entry) => entry.event))
            }),
          ),
        )
        const events = histories.reduce((n, history) => n + history.length, 0)
        line(`a school's Structure stream read (${events.toLocaleString("en")} events)`, schools.length, read)
        const oneByOne = { ...Structure.aggregate, evolveAll: undefined }
        const folded = timed(() => histories.map((history) => fold(Structure.aggregate, history)))
        const evolved = timed(() => histories.map((history) => fold(oneByOne, history)))
        line("a school's fold with evolveAll", schools.length, folded, { label: "evolve one by one", ms: evolved })
        const loads = ids.slice(0, 2_000)
        const loaded = yield* time(Effect.forEach(loads, (id) => CommandHandler.load(Account.aggregate, id)))
        line("CommandHandler.load(Account), one stream a call", loads.length, loaded)
      }
      db.close()
    }).pipe(Effect.provide(layer)),
  )
}

// Issue 14: an import killed midway (SIGKILL, many times) and started again ends in the state of one
// uninterrupted run, and a run after that appends nothing. Real processes on SQLite files.
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Account from "@cartable/domain/Account"
import * as Structure from "@cartable/domain/Structure"
import { EventStore } from "@cartable/eventlog/EventStore"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { generate } from "../../../bench/src/aafExport.ts"
import { catalog } from "./importWorld.ts"

const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-import-crash-"))
afterAll(() => Fs.rmSync(directory, { recursive: true, force: true }))
const worker = Path.join(import.meta.dirname, "fixtures", "importWorker.ts")
const root = Path.resolve(import.meta.dirname, "../../..")

/** Runs the worker; kills it after `killAfterMs` if given. Resolves with its exit and output. */
const runWorker = (filename: string, folder: string, killAfterMs?: number) =>
  new Promise<{ readonly code: number | null; readonly signal: string | null; readonly stdout: string }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", worker, filename, folder], { cwd: root })
    let stdout = ""
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8")
    })
    child.stderr.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8")
    })
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs)
    child.on("close", (code, signal) => {
      if (timer !== undefined) clearTimeout(timer)
      resolve({ code, signal, stdout })
    })
  })

/**
 * What the log says, without what differs from one run to another (account ids, codes): every feed
 * person's account, his schools and links, every school's groups and their members, by feed id.
 */
const describeLog = Effect.gen(function* () {
  const store = yield* EventStore
  const streams = new Map<string, Array<unknown>>()
  for (let after = 0; ; ) {
    const page = yield* store.readAll(after, 1_000)
    for (const recorded of page) {
      const list = streams.get(recorded.streamName) ?? []
      list.push(recorded.event)
      streams.set(recorded.streamName, list)
    }
    if (page.length < 1_000) break
    after = page[page.length - 1]!.position
  }
  const accounts = new Map<string, Account.Account>()
  const schools: Array<Structure.Structure> = []
  for (const [name, events] of streams) {
    if (name.startsWith("Account-")) {
      const state = events.reduce<Account.AccountState>(
        (s, e) => Account.evolve(s, e as Account.AccountEvent),
        Account.initialState,
      )
      if (state._tag === "Account") accounts.set(state.accountId, state)
    } else if (name.startsWith("Structure-")) {
      const state = events.reduce<Structure.StructureState>(
        (s, e) => Structure.evolve(s, e as Structure.StructureEvent),
        Structure.initialState,
      )
      if (state._tag === "Structure") schools.push(state)
    }
  }
  const feedId = (id: string) => {
    const origin = accounts.get(id)?.origin
    return origin?._tag === "Feed" ? origin.externalId : id
  }
  return {
    accounts: [...accounts.values()]
      .map((a) => ({
        id: feedId(a.accountId),
        profile: a.profile,
        names: [a.firstName, a.lastName, a.email],
        schools: [...a.structureIds].sort(),
        deletion: a.deletion,
        links: a.relativeOf.map((l) => [feedId(l.pupilId), l.legalAuthority, l.financial, l.contact]).sort(),
      }))
      .sort((x, y) => (x.id < y.id ? -1 : 1)),
    schools: schools
      .map((s) => ({
        id: s.structureId,
        year: s.currentYear,
        groups: [...s.groups.values()]
          .map((g) => ({
            id: g.groupId,
            name: g.name,
            open: g.open,
            members: [...g.members]
              .map(([id, m]) => [feedId(id), m.role, m.subjects ?? [], m.principal ?? false])
              .sort(),
          }))
          .sort((x, y) => (x.id < y.id ? -1 : 1)),
      }))
      .sort((x, y) => (x.id < y.id ? -1 : 1)),
  }
})

const stateOf = (filename: string) =>
  Effect.runPromise(describeLog.pipe(Effect.provide(SqliteEventStore.layer({ filename, catalog })), Effect.scoped))

describe("FeedImport killed with SIGKILL", () => {
  it.live(
    "started again after every kill, it ends where one uninterrupted run ends, then appends nothing",
    () =>
      Effect.promise(async () => {
        const folder = Path.join(directory, "export")
        await generate(folder, { schools: 2, accounts: 400, perPart: 150 })
        const reference = Path.join(directory, "reference.db")
        const started = performance.now()
        const whole = await runWorker(reference, folder)
        const duration = performance.now() - started
        assert.strictEqual(whole.code, 0, whole.stdout)
        const crashed = Path.join(directory, "crashed.db")
        let kills = 0
        // Kills at shares of an uninterrupted run's time (a faster import or machine moves them with it); a
        // run started again redoes its start and its reading, so the first ones land before its end.
        for (const share of [0.35, 0.55, 0.7, 0.85, 0.95]) {
          const delay = Math.round(share * duration)
          const run = await runWorker(crashed, folder, delay)
          if (run.signal === "SIGKILL") kills++
          else assert.strictEqual(run.code, 0, run.stdout)
        }
        assert.isAtLeast(kills, 2, "the import was killed midway at least twice")
        const last = await runWorker(crashed, folder)
        assert.strictEqual(last.code, 0, last.stdout)
        assert.deepStrictEqual(await stateOf(crashed), await stateOf(reference))
        const again = await runWorker(crashed, folder)
        assert.strictEqual(JSON.parse(again.stdout).events, 0, again.stdout)
      }),
    { timeout: 300_000 },
  )
})

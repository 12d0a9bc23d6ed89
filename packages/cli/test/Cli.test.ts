import * as Fs from "node:fs"
import * as Path from "node:path"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as StoredStatus from "@cartable/projections/StoredStatus"
import * as Workspace from "@cartable/workspace/Workspace"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import { database, serverUrl } from "../../../adapters/store-postgres/test/TestDatabase.ts"
import * as CliError from "../src/CliError.ts"
import { workspace } from "../src/EraseCommand.ts"
import * as ReadSide from "../src/ReadSide.ts"
import * as Store from "../src/Store.ts"
import { cartable, expectCode, folder, initStore, inTerminal, json } from "./binary.ts"
import { schoolA, seed } from "./seed.ts"

const TIMEOUT = 240_000

const init = (cwd: string, store: string) => initStore(cwd, store, schoolA)

/** The address of a `--store` value, for this process's own writes. */
const addressOf = (store: string): Store.Address => {
  const parsed = Store.parse(store)
  if (parsed._tag === "Left") throw parsed.left
  return parsed.right
}

/** A seeded SQLite store in a folder of its own: its `--store` value and the folder. */
const seededStore = Effect.gen(function* () {
  const cwd = yield* folder
  const store = `sqlite:${Path.join(cwd, "school.db")}`
  expectCode(yield* init(cwd, store), 0, "init")
  yield* seed(addressOf(store))
  return { cwd, store }
})

describe("cartable (the binary, on SQLite files)", () => {
  it.effect(
    "--help lists every command; init creates the store and its administrator, and refuses a second time",
    () =>
      Effect.gen(function* () {
        const cwd = yield* folder
        const help = yield* cartable(cwd, ["--help"])
        expectCode(help, 0, "--help")
        for (const name of ["init", "rebuild", "status", "directory", "reports", "mail-merge", "erase", "stats"]) {
          assert.include(help.stdout, `- ${name}`)
        }
        // A pipe gets the help plain, without @effect/cli's ANSI styles.
        assert.notInclude(help.stdout, "\u001b[")
        // The default store: cartable.db in the working directory.
        const first = yield* cartable(cwd, [
          "init",
          "--login",
          "camille.martin",
          "--first-name",
          "Camille",
          "--last-name",
          "Martin",
          "--structure",
          schoolA,
          "--json",
        ])
        expectCode(first, 0, "init")
        assert.isTrue(Fs.existsSync(Path.join(cwd, "cartable.db")))
        const done = json<{ accountId: string; login: string; activationCode: string }>(first)
        assert.strictEqual(done.accountId, "platform-admin")
        assert.strictEqual(done.login, "camille.martin")
        // BR-ACC-2: 8 characters without look-alikes.
        assert.match(done.activationCode, /^[a-hjkmnp-z2-9]{8}$/)
        const again = yield* cartable(cwd, [
          "init",
          "--login",
          "x.y",
          "--first-name",
          "X",
          "--last-name",
          "Y",
          "--structure",
          schoolA,
        ])
        expectCode(again, CliError.exitCodes.AlreadyInitialised, "a second init")
        assert.include(again.stderr, "init ran on it before")
      }).pipe(Effect.scoped),
    TIMEOUT,
  )

  it.effect(
    "each failure has its own message and exit code: a missing file, a bad URL, an unknown projection, an unknown account, a refused erasure, a bad option",
    () =>
      Effect.gen(function* () {
        const { cwd, store } = yield* seededStore
        const runs = yield* Effect.all(
          {
            missing: cartable(cwd, ["status", "--store", "sqlite:absent.db"]),
            missingJson: cartable(cwd, ["directory", "--json"]),
            badUrl: cartable(cwd, ["status", "--store", "postgres:not a url"]),
            badScheme: cartable(cwd, ["status", "--store", "mysql://db.example.org/cartable"]),
            projection: cartable(cwd, ["rebuild", "directoy", "--store", store]),
            account: cartable(cwd, ["erase", "nobody", "--store", store]),
            refused: cartable(cwd, ["erase", "p-marie", "--store", store]),
            limit: cartable(cwd, ["directory", "--limit", "0", "--store", store]),
            profile: cartable(cwd, ["directory", "--profile", "Alien", "--store", store]),
          },
          { concurrency: 3 },
        )
        expectCode(runs.missing, CliError.exitCodes.StoreMissing, "missing file")
        assert.include(runs.missing.stderr, `No store at ${Path.join(cwd, "absent.db")}`)
        assert.isFalse(Fs.existsSync(Path.join(cwd, "absent.db")), "a read creates no store")
        expectCode(runs.missingJson, CliError.exitCodes.StoreMissing, "missing default file")
        assert.deepInclude(JSON.parse(runs.missingJson.stderr).error, { reason: "StoreMissing", exitCode: 3 })
        expectCode(runs.badUrl, CliError.exitCodes.StoreAddress, "bad URL")
        assert.include(runs.badUrl.stderr, "the URL does not parse")
        expectCode(runs.badScheme, CliError.exitCodes.StoreAddress, "bad scheme")
        expectCode(runs.projection, CliError.exitCodes.UnknownProjection, "unknown projection")
        assert.include(runs.projection.stderr, 'No projection is called "directoy": the projections are')
        expectCode(runs.account, CliError.exitCodes.UnknownAccount, "unknown account")
        assert.include(runs.account.stderr, "No account nobody")
        expectCode(runs.refused, CliError.exitCodes.Refused, "refused erasure")
        assert.include(runs.refused.stderr, "BR-ACC-9")
        expectCode(runs.limit, CliError.exitCodes.Usage, "--limit 0")
        expectCode(runs.profile, CliError.exitCodes.Usage, "--profile Alien")
      }).pipe(Effect.scoped),
    TIMEOUT,
  )

  it.effect(
    "directory, reports, mail-merge and stats read the read models, and print no personal data they do not need",
    () =>
      Effect.gen(function* () {
        const { cwd, store } = yield* seededStore
        const runs = yield* Effect.all(
          {
            directory: cartable(cwd, [
              "directory",
              "--school",
              schoolA,
              "--profile",
              "Student",
              "--search",
              "MAR",
              "--json",
              "--store",
              store,
            ]),
            directoryText: cartable(cwd, ["directory", "--school", schoolA, "--store", store]),
            open: cartable(cwd, ["reports", "--open", "--json", "--store", store]),
            reports: cartable(cwd, ["reports", "--store", store]),
            sheets: cartable(cwd, [
              "mail-merge",
              "--school",
              schoolA,
              "--profile",
              "Student",
              "--not-activated",
              "--per-page",
              "2",
              "--out",
              "sheets.pdf",
              "--json",
              "--store",
              store,
            ]),
            stats: cartable(cwd, ["stats", "--json", "--store", store]),
            schoolStats: cartable(cwd, ["stats", "--school", schoolA, "--json", "--store", store]),
          },
          { concurrency: 3 },
        )
        for (const [name, run] of Object.entries(runs)) {
          expectCode(run, 0, name)
          // Activation codes, e-mail addresses and comments are never printed.
          assert.notInclude(run.stdout, "3n6g8fmj", name)
          assert.notInclude(run.stdout, "commentaire", name)
        }
        // Marie Anquet and Marius Bonnet: the pupils of the school whose first or last name starts with "mar".
        const directory = json<{ accounts: ReadonlyArray<Record<string, unknown>> }>(runs.directory)
        assert.deepStrictEqual(
          directory.accounts.map((row) => row.id),
          ["p-marie", "p-marius"],
        )
        assert.deepStrictEqual(Object.keys(directory.accounts[0]!).sort(), [
          "firstName",
          "id",
          "lastName",
          "login",
          "profile",
          "schools",
          "state",
        ])
        assert.include(runs.directoryText.stdout, "martine.dupre")
        assert.include(runs.directoryText.stdout, "leo.gone")
        assert.notInclude(runs.directoryText.stdout, "marc.durand")

        const open = json<{ reports: ReadonlyArray<Record<string, unknown>>; total: number }>(runs.open)
        assert.deepStrictEqual(
          open.reports.map((row) => [row.reportId, row.status]),
          [["report-1", "Open"]],
        )
        assert.strictEqual(open.total, 1)
        assert.include(runs.reports.stdout, "report-2")
        assert.include(runs.reports.stdout, "Deleted")
        // Who reported is not what handling needs.
        assert.notInclude(runs.reports.stdout, "p-marie")

        // Three pupils of the school not activated (Léo is deleted): two pages of two.
        const sheets = json<{ selected: number; pages: number }>(runs.sheets)
        assert.deepStrictEqual([sheets.selected, sheets.pages], [3, 2])
        const pdf = Fs.readFileSync(Path.join(cwd, "sheets.pdf"))
        assert.strictEqual(pdf.subarray(0, 5).toString(), "%PDF-")

        const stats = json<{
          events: number
          accounts: { total: number; byProfile: Record<string, number>; byState: Record<string, number> }
          reports: { open: number; handled: number }
        }>(runs.stats)
        assert.deepStrictEqual(stats.accounts, {
          total: 7,
          byProfile: { Student: 5, Relative: 0, Teacher: 1, Personnel: 1, Guest: 0 },
          byState: { inactive: 6, active: 0, blocked: 0, "pre-deleted": 0, deleted: 1 },
        })
        assert.deepStrictEqual(stats.reports, { open: 1, handled: 1 })
        assert.isAbove(stats.events, 10)
        const school = json<{ accounts: { total: number; byProfile: Record<string, number> } }>(runs.schoolStats)
        assert.deepStrictEqual([school.accounts.total, school.accounts.byProfile.Student], [6, 4])
      }).pipe(Effect.scoped),
    TIMEOUT,
  )

  it.effect(
    "erase erases a deleted account's personal data through the account-lifecycle process: the directory forgets him",
    () =>
      Effect.gen(function* () {
        const { cwd, store } = yield* seededStore
        const erased = yield* cartable(cwd, ["erase", "p-leo", "--json", "--store", store])
        expectCode(erased, 0, "erase")
        assert.deepStrictEqual(json(erased), { account: "p-leo", erased: true })
        const directory = yield* cartable(cwd, ["directory", "--search", "leo", "--json", "--store", store])
        assert.deepStrictEqual(json<{ accounts: ReadonlyArray<unknown> }>(directory).accounts, [])
        // In the log: the erasure by the process, and the name gone from the events.
        const log = yield* Effect.gen(function* () {
          const events = yield* EventStore.EventStore
          return yield* events.readAll(0, 10_000)
        }).pipe(Effect.provide(Store.layer(addressOf(store))))
        const erasure = log.find((recorded) => recorded.type === "AccountDataErased")
        assert.strictEqual(erasure?.metadata.actor, "system:account-lifecycle")
        const provisioned = log.find(
          (recorded) => recorded.type === "AccountProvisioned" && recorded.streamName === "Account-p-leo",
        )
        assert.strictEqual((provisioned?.event as unknown as { lastName: string } | undefined)?.lastName, "[erased]")
      }).pipe(Effect.scoped),
    TIMEOUT,
  )

  it.live(
    "status reads another process's projections from the stores: runners while it runs them, lag once it stopped",
    () =>
      Effect.gen(function* () {
        const { cwd, store } = yield* seededStore
        const address = addressOf(store)
        // This process's connection to the file, shared by the server's runtime and its own reads.
        const storage = yield* Layer.build(Store.layer(address))
        // A server: the async projections in background fibers, holding their leases.
        const server = yield* Scope.make()
        yield* Layer.buildWithScope(
          ProjectionRuntime.layer({ inline: ReadSide.inline, async: ReadSide.async, pollInterval: "100 millis" }).pipe(
            Layer.provide(Layer.succeedContext(storage)),
          ),
          server,
        )
        let last: ReadonlyArray<StoredStatus.StoredStatus> = []
        for (let i = 0; i < 300; i++) {
          last = yield* StoredStatus.read({ projections: ReadSide.all }).pipe(Effect.provide(storage))
          if (last.every((status) => status.state === "live" && (status.inline || status.runner !== undefined))) break
          yield* Effect.sleep("100 millis")
        }
        assert.isTrue(
          last.every((status) => status.state === "live"),
          `the server did not catch up: ${JSON.stringify(last)}`,
        )
        const running = yield* cartable(cwd, ["status", "--json", "--store", store])
        expectCode(running, 0, "status")
        const live = json<{ projections: ReadonlyArray<StoredStatus.StoredStatus> }>(running).projections
        const directory = live.find((status) => status.name === "directory")!
        assert.deepStrictEqual([directory.state, directory.lagEvents, directory.serving], ["live", 0, true])
        assert.isDefined(directory.runner?.holder)
        assert.strictEqual(live.find((status) => status.name === "authorization")?.inline, true)

        // The server stops (its leases released); a command appends: the async ones are one event behind.
        yield* Scope.close(server, Exit.void)
        yield* Effect.sleep("200 millis")
        yield* Effect.gen(function* () {
          yield* (yield* Workspace.Workspace)
            .system("aaf-import")
            .handle({ _tag: "BlockAccount", accountId: "p-marc" }, { occurredAt: yield* DateTime.now })
        }).pipe(Effect.provide(workspace(address)))
        const stopped = json<{ projections: ReadonlyArray<StoredStatus.StoredStatus> }>(
          yield* cartable(cwd, ["status", "--json", "--store", store]),
        ).projections
        const behind = stopped.find((status) => status.name === "directory")!
        assert.deepStrictEqual([behind.state, behind.lagEvents, behind.runner], ["stopped", 1, undefined])
        const text = yield* cartable(cwd, ["status", "--store", store])
        assert.match(text.stdout, /directory v1 +stopped +\S+ +1 events/)
      }).pipe(Effect.scoped),
    TIMEOUT,
  )

  it.effect(
    "rebuild draws a progress bar with rate and time in a terminal, and none when stdout is a pipe",
    () =>
      Effect.gen(function* () {
        const { cwd, store } = yield* seededStore
        const terminal = yield* inTerminal(cwd, ["rebuild", "directory", "--store", store])
        expectCode(terminal, 0, "rebuild in a terminal")
        // The bar's frames: each erases the line and goes back to its start (ANSI), then redraws.
        assert.include(terminal.stdout, "\u001b[2K")
        assert.match(terminal.stdout, /directory v1 \[#{28}\] +100% +\d+\/\d+ events +[\d,]+ events\/s +done in \d/)
        assert.include(terminal.stdout, "Rebuilt directory v1:")

        const piped = yield* cartable(cwd, ["rebuild", "directory", "--store", store])
        expectCode(piped, 0, "rebuild piped")
        assert.notInclude(piped.stdout, "\u001b")
        assert.notInclude(piped.stdout, "[#")
        assert.match(piped.stdout, /^Rebuilt directory v1: \d+ events in \d+s\n$/)

        const all = yield* cartable(cwd, ["rebuild", "--json", "--store", store])
        expectCode(all, 0, "rebuild all")
        const rebuilt = json<{ rebuilt: ReadonlyArray<{ projection: string; events: number }> }>(all).rebuilt
        assert.deepStrictEqual(
          rebuilt.map((one) => one.projection),
          ReadSide.all.map((projection) => projection.name),
        )
        // Rebuilt equal: the directory lists the same accounts.
        const directory = yield* cartable(cwd, ["directory", "--school", schoolA, "--json", "--store", store])
        assert.strictEqual(json<{ accounts: ReadonlyArray<unknown> }>(directory).accounts.length, 6)
      }).pipe(Effect.scoped),
    TIMEOUT,
  )
})

describe.skipIf(serverUrl === undefined)("cartable (the binary, on PostgreSQL)", () => {
  it.effect(
    "init, directory and status on PostgreSQL, DATABASE_URL honoured",
    () =>
      Effect.gen(function* () {
        const cwd = yield* folder
        const url = yield* database(serverUrl!)
        expectCode(yield* init(cwd, `postgres:${url}`), 0, "init")
        yield* seed(addressOf(url))
        const runs = yield* Effect.all(
          {
            directory: cartable(cwd, ["directory", "--search", "mar", "--json"], { DATABASE_URL: url }),
            // After the directory: which brought its projection up to the head.
            status: cartable(cwd, ["status", "--json"], { DATABASE_URL: url }),
          },
          { concurrency: 1 },
        )
        expectCode(runs.directory, 0, "directory")
        // Every first or last name starting with "mar": Marc, Marie, Marius, Martine, and Camille Martin.
        assert.deepStrictEqual(
          json<{ accounts: ReadonlyArray<{ id: string }> }>(runs.directory)
            .accounts.map((row) => row.id)
            .sort(),
          ["p-marc", "p-marie", "p-marius", "platform-admin", "t-martine"],
        )
        expectCode(runs.status, 0, "status")
        const status = json<{ store: string; projections: ReadonlyArray<StoredStatus.StoredStatus> }>(runs.status)
        assert.match(status.store, /^postgres:/)
        assert.strictEqual(status.projections.find((one) => one.name === "directory")?.state, "live")
        // A server that cannot be reached: its own code.
        const unreachable = yield* cartable(cwd, ["status", "--store", "postgres://nobody@127.0.0.1:1/none"])
        expectCode(unreachable, CliError.exitCodes.StoreUnavailable, "unreachable server")
      }).pipe(Effect.scoped),
    TIMEOUT,
  )
})

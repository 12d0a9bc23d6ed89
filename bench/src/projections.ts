/**
 * The read side: a rebuild of the example's school directory (the Directory
 * projection of examples/school-directory) from a log of Account events, next
 * to the raw driver reading and parsing the same rows; and the catch-up lag of
 * that projection, async, under a steady load of commands.
 *
 * The log: `CARTABLE_BENCH_REBUILD_EVENTS` events (default 1,000,000), ten per
 * account, each event with its own metadata (its own instant, actor,
 * correlation and causation ids), the personal fields encrypted as in
 * production. It is written fast, past the store: the bench encodes each event
 * with the catalogue (EventCatalog.encodeEither), encrypts its personal fields
 * with the store's cipher (PersonalDataCipher) under a key of its own per
 * account, and inserts the rows and the keys with raw SQL in big batches (a
 * transaction of prepared INSERTs on SQLite, one INSERT ... SELECT FROM unnest
 * per batch on PostgreSQL), which is what an append would have stored. The
 * typed store would take minutes for a million events on this machine; the
 * rebuild then checks that the directory holds every account with its login.
 */

import * as Crypto from "node:crypto"
import * as Domain from "@cartable/domain/Domain"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as PersonalDataCipher from "@cartable/eventlog/PersonalDataCipher"
import type { NewEvent } from "@cartable/eventlog/RecordedEvent"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import { ReadModelStore } from "@cartable/projections/ReadModelStore"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
// The projection of the example, as documented in docs/projections.md.
import { Directory, makeStatistics } from "../../examples/school-directory/src/Directory.ts"
import { type Figure, figure, time } from "./harness.ts"

/** The core's catalogue: what an application runs. */
export const domainCatalog = EventCatalog.make(Domain.events)

/** Events of the rebuild's log; `CARTABLE_BENCH_REBUILD_EVENTS=20000 pnpm bench` for a quick run. */
export const rebuildEvents = (): number => {
  const given = Number(process.env.CARTABLE_BENCH_REBUILD_EVENTS ?? 1_000_000)
  return Number.isInteger(given) && given >= 10 ? given : 1_000_000
}

/** Accounts per batch while the log is written. */
const ACCOUNTS_PER_BATCH = 1000

const EPOCH = Date.parse("2025-09-01T07:00:00.000Z")
const pad = (i: number) => String(i).padStart(7, "0")
const FIRST_NAMES = ["Marie", "Louise", "Jules", "Marius", "Inès", "Léo", "Chloé", "Gabriel", "Zoé", "Hugo"]
const LAST_NAMES = ["Anquet", "Bonnet", "Durand", "Paulin", "Lefèvre", "Moreau", "Girard", "Rousseau"]

/**
 * The ten events of account `i`, a realistic life: provisioned by the feed,
 * activated, a password renewed, attached to a second school, renamed, blocked
 * and unblocked, detached. Five of the ten are handled by the directory.
 */
export const accountLife = (i: number): ReadonlyArray<NewEvent> => {
  const accountId = `acc-${pad(i)}`
  const school = `school-${i % 400}`
  const other = `school-${(i + 7) % 400}`
  const first = FIRST_NAMES[i % FIRST_NAMES.length]!
  const last = LAST_NAMES[i % LAST_NAMES.length]!
  const login = `${first.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "")}.${last.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "")}${i}`
  const admin = `acc-admin-${i % 50}`
  const events = [
    {
      _tag: "AccountProvisioned",
      accountId,
      profile: "Student",
      origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${pad(i)}` },
      structureId: school,
      login,
      firstName: first,
      lastName: last,
      activationCode: "3n6g8fmj",
    },
    { _tag: "AccountActivated", accountId, charterAccepted: true, email: `${login}@example.fr` },
    { _tag: "PasswordRenewalCodeIssued", accountId, renewalCode: "7k2m9pqr", issuedBy: admin },
    { _tag: "PasswordRenewed", accountId },
    { _tag: "AccountAttachedToStructure", accountId, structureId: other },
    { _tag: "AccountIdentityUpdated", accountId, firstName: first, lastName: `${last}-${first}` },
    { _tag: "AccountBlocked", accountId, application: "messagerie", blockedBy: admin },
    { _tag: "AccountUnblocked", accountId, application: "messagerie", unblockedBy: admin },
    { _tag: "AccountDetachedFromStructure", accountId, structureId: other },
    { _tag: "AccountAttachedToStructure", accountId, structureId: `school-${(i + 13) % 400}` },
  ]
  const correlationId = `corr-${pad(i)}`
  return events.map((event, n) => ({
    event: event as NewEvent["event"],
    metadata: new EventMetadata({
      occurredAt: DateTime.unsafeMake(EPOCH + i * 1_000 + n * 37),
      actor: n === 0 ? "system:aaf" : n % 2 === 0 ? admin : accountId,
      correlationId,
      causationId: `cmd-${pad(i)}-${n}`,
    }),
  }))
}

type Storage = Layer.Layer<EventStore.EventStore | ReadModelStore, unknown, never>

/** A row of `cartable_events` as the typed store writes it (tenant ""). */
export interface Row {
  readonly stream: string
  readonly version: number
  readonly type: string
  readonly schemaVersion: number
  readonly data: string
  readonly metadata: string
}

/** A row of `cartable_subject_keys`. */
export interface Key {
  readonly subject: string
  readonly key: Uint8Array
}

/** Writes a batch of rows and keys with the raw driver, in one transaction. */
export type Insert = (rows: ReadonlyArray<Row>, keys: ReadonlyArray<Key>) => Promise<void>

const cipher = PersonalDataCipher.make(domainCatalog)
const encodeMetadata = Schema.encodeSync(EventMetadata)

/** The rows and keys of accounts `from` to `to` (excluded), encoded and encrypted as an append would. */
export const rowsOf = (from: number, to: number): { readonly rows: Array<Row>; readonly keys: Array<Key> } => {
  const rows: Array<Row> = []
  const keys: Array<Key> = []
  for (let i = from; i < to; i++) {
    const subject = `acc-${pad(i)}`
    const key = Crypto.randomBytes(32)
    keys.push({ subject, key })
    const state = SubjectKeyStore.active(key)
    const stream = `Account-${subject}`
    for (const [n, { event, metadata }] of accountLife(i).entries()) {
      const encoded = Either.getOrThrow(EventCatalog.encodeEither(domainCatalog, event))
      // Every event of the life has the account as its subject: encrypt (a no-op without personal fields).
      const data = Either.getOrThrow(cipher.encrypt(encoded.type, encoded.data, state))
      rows.push({
        stream,
        version: n + 1,
        type: encoded.type,
        schemaVersion: encoded.schemaVersion,
        data: JSON.stringify(data),
        metadata: JSON.stringify(encodeMetadata(metadata)),
      })
    }
  }
  return { rows, keys }
}

/** Writes the log of `accounts` accounts with the raw driver, in batches. */
const writeLog = async (accounts: number, insert: Insert) => {
  for (let from = 0; from < accounts; from += ACCOUNTS_PER_BATCH) {
    const { rows, keys } = rowsOf(from, Math.min(accounts, from + ACCOUNTS_PER_BATCH))
    await insert(rows, keys)
  }
}

/**
 * The rebuild workload on one database: writes the log (untimed), then times
 * the raw read, `ProjectionRuntime.rebuild(Directory)`, and the raw read again;
 * the baseline is the mean of the two raw reads, so that a change of load
 * during the long rebuild falls on both sides alike.
 */
export const rebuild = async (
  storage: Storage,
  insert: Insert,
  rawReadAll: () => Promise<number>,
  options: { readonly batchSize?: number } = {},
): Promise<ReadonlyArray<Figure>> => {
  const count = rebuildEvents()
  const accounts = Math.floor(count / 10)
  const runtime = ManagedRuntime.make(
    ProjectionRuntime.layer({
      async: [Directory, statisticsClear, statisticsDecrypting],
      background: false,
      batchSize: options.batchSize,
    }).pipe(Layer.provideMerge(storage)),
  )
  try {
    // Built first: the migrations create the tables the raw driver writes.
    await runtime.runPromise(Effect.void)
    const written = await time(() => writeLog(accounts, insert))
    console.log(
      `  (log of ${(accounts * 10).toLocaleString("en")} events written in ${written.toFixed(0)} s, ${Math.round((accounts * 10) / written).toLocaleString("en")} events/s)`,
    )
    let rows = 0
    const raw1 = await time(async () => {
      rows = await rawReadAll()
    })
    if (rows !== accounts * 10) throw new Error(`the raw read found ${rows} rows, not ${accounts * 10}`)
    const ours = await time(() =>
      runtime.runPromise(Effect.flatMap(ProjectionRuntime.ProjectionRuntime, (r) => r.rebuild(Directory))),
    )
    const raw2 = await time(async () => {
      rows = await rawReadAll()
    })
    // The read model holds every account: the rebuild did the work.
    const documents = await runtime.runPromise(
      Effect.flatMap(ProjectionRuntime.reader(Directory, "accounts"), (accounts) => accounts.count()),
    )
    if (documents !== accounts) throw new Error(`the directory holds ${documents} accounts, not ${accounts}`)
    const last = await runtime.runPromise(
      Effect.flatMap(ProjectionRuntime.reader(Directory, "accounts"), (directory) =>
        directory.get(`acc-${pad(accounts - 1)}`),
      ),
    )
    if (last === undefined || last.login === "" || last.schools.length !== 2) {
      throw new Error(`the directory's last account is wrong: ${JSON.stringify(last)}`)
    }
    // The statistics read no personal field: declared `personal: false`, and the same projection declared
    // `personal: true`, which decrypts what it does not read; each next to a raw read of its own.
    const statistics = async (projection: typeof statisticsClear) => {
      const before = await time(async () => {
        rows = await rawReadAll()
      })
      const rebuilt = await time(() =>
        runtime.runPromise(Effect.flatMap(ProjectionRuntime.ProjectionRuntime, (r) => r.rebuild(projection))),
      )
      const after = await time(async () => {
        rows = await rawReadAll()
      })
      const counted = await runtime.runPromise(
        Effect.flatMap(ProjectionRuntime.reader(projection, "members"), (members) => members.count()),
      )
      if (counted !== accounts) throw new Error(`the statistics count ${counted} accounts, not ${accounts}`)
      return { raw: (before + after) / 2, rebuilt }
    }
    const decrypting = await statistics(statisticsDecrypting)
    const clear = await statistics(statisticsClear)
    const workload = `rebuild a directory of ${accounts.toLocaleString("en")} accounts from ${(accounts * 10).toLocaleString("en")} Account events`
    const statisticsWorkload = `rebuild the statistics per school (no personal field) from the same ${(accounts * 10).toLocaleString("en")} events`
    const baseline = "raw: read all in pages of 1,000, JSON.parse data and metadata"
    return [
      figure(workload, baseline, accounts * 10, "events", [(raw1 + raw2) / 2]),
      figure(workload, "ProjectionRuntime.rebuild(Directory)", accounts * 10, "events", [ours], baseline),
      figure(statisticsWorkload, baseline, accounts * 10, "events", [(decrypting.raw + clear.raw) / 2]),
      figure(
        statisticsWorkload,
        "rebuild(Statistics), personal: true (decrypts)",
        accounts * 10,
        "events",
        [decrypting.rebuilt],
        baseline,
      ),
      figure(
        statisticsWorkload,
        "rebuild(Statistics), personal: false (no decryption)",
        accounts * 10,
        "events",
        [clear.rebuilt],
        baseline,
      ),
    ]
  } finally {
    await runtime.dispose()
  }
}

/** The example's statistics, as it declares them (no personal field read), and declared as decrypting. */
const statisticsClear = makeStatistics(false)
const statisticsDecrypting = makeStatistics(true, "statistics_dec")

/** Commands per second and seconds of the lag workload. */
const LAG_RATE = Number(process.env.CARTABLE_BENCH_LAG_RATE ?? 200)
const LAG_SECONDS = Number(process.env.CARTABLE_BENCH_LAG_SECONDS ?? 20)

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

/**
 * The catch-up lag of the Directory, async, while commands (ProvisionAccount,
 * through the CommandRouter and the runtime's store, which wakes the
 * projection) come at a steady rate: for each command, the time from its
 * return to the commit of the checkpoint that covers its events (when readers
 * see them). The commits are observed by wrapping the read-model store's
 * `commit`, not by polling, so that the measure adds no load.
 */
export const lag = async (storage: Storage): Promise<string> => {
  const commits: Array<{ readonly at: number; readonly to: number }> = []
  const observed = Layer.effect(
    ReadModelStore,
    Effect.map(ReadModelStore, (store) => ({
      ...store,
      commit: (commit: Parameters<ReadModelStore.Service["commit"]>[0]) =>
        Effect.tap(store.commit(commit), () => {
          if (commit.checkpoint?.id.startsWith("directory")) {
            commits.push({ at: performance.now(), to: commit.checkpoint.to })
          }
        }),
    })),
  ).pipe(Layer.provide(storage))
  // The last position each append gave, read right after the command returned.
  let lastAppended = 0
  const appends = Layer.effect(
    EventStore.EventStore,
    Effect.map(EventStore.EventStore, (events) => ({
      ...events,
      append: (...args: Parameters<EventStore.EventStore.Service["append"]>) =>
        Effect.tap(events.append(...args), (result) => {
          lastAppended = result.lastPosition
        }),
    })),
  ).pipe(Layer.provide(storage))
  const runtime = ManagedRuntime.make(
    ProjectionRuntime.layer({ async: [Directory], pollInterval: "1 second" }).pipe(
      Layer.provideMerge(Layer.merge(observed, appends)),
    ),
  )
  try {
    const total = LAG_RATE * LAG_SECONDS
    const appended: Array<{ readonly at: number; readonly position: number }> = []
    const router = await runtime.runPromise(CommandRouter.make(Domain.aggregates))
    const feed = { accountId: "system:aaf", roles: [{ _tag: "System", process: "aaf" }] }
    const start = performance.now()
    await runtime.runPromise(
      Effect.gen(function* () {
        for (let k = 0; k < total; k++) {
          const due = start + (k * 1000) / LAG_RATE
          const wait = due - performance.now()
          // A command behind schedule still lets the projection's fiber run, as requests arriving would.
          yield* wait > 0 ? Effect.sleep(wait) : Effect.yieldNow()
          yield* router.handle(
            {
              _tag: "ProvisionAccount",
              actor: feed,
              accountId: `lag-${pad(k)}`,
              profile: "Student",
              origin: { _tag: "Feed", source: "AAF", externalId: `jointure-lag-${k}` },
              structureId: `school-${k % 40}`,
              login: `eleve.lag${k}`,
              firstName: "Marie",
              lastName: "Anquet",
              activationCode: "3n6g8fmj",
            } as never,
            { occurredAt: DateTime.unsafeMake(EPOCH + k) },
          )
          appended.push({ at: performance.now(), position: lastAppended })
        }
      }),
    )
    const elapsed = (performance.now() - start) / 1000
    // Let the projection reach the last command.
    const lastPosition = appended.at(-1)!.position
    for (let tries = 0; tries < 200 && (commits.at(-1)?.to ?? 0) < lastPosition; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const delays = appended
      .map(({ at, position }) => {
        const seen = commits.find((commit) => commit.to >= position)
        return seen === undefined ? Number.POSITIVE_INFINITY : Math.max(0, seen.at - at)
      })
      .sort((a, b) => a - b)
    return `${total.toLocaleString("en")} commands at ${LAG_RATE}/s (${(total / elapsed).toFixed(0)}/s achieved): lag p50 ${percentile(delays, 50).toFixed(1)} ms, p99 ${percentile(delays, 99).toFixed(1)} ms, max ${delays.at(-1)!.toFixed(1)} ms, ${commits.length.toLocaleString("en")} projection commits`
  } finally {
    await runtime.dispose()
  }
}

/**
 * What users call, next to the raw driver doing the same work in the same run:
 * the typed EventStore (as `SqliteEventStore.layer` / `PostgresEventStore.layer`
 * build it, with the core's catalogue, personal data encrypted per subject, the
 * keys in the database) and the command router end to end (decode, load, decide,
 * append). The raw side is the bare client with JSON.parse and JSON.stringify:
 * no Schema, no encryption; for the reads, a second raw variant also opens the
 * sealed personal values with node:crypto (the stored format of docs/erasure.md),
 * as the typed store must.
 *
 * The log holds Account streams as the AAF feed and the schools write them: ten
 * events of eight types each, four of them with personal data, each event with
 * its own metadata (occurred at, actor, correlation and causation ids).
 */
import * as Crypto from "node:crypto"
import * as Account from "@cartable/domain/Account"
import * as Domain from "@cartable/domain/Domain"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import type { AnyEvent } from "@cartable/eventlog/RecordedEvent"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
import { type Figure, figure, time } from "./harness.ts"

/** A stored row as the raw client reads it. */
export interface RawRow {
  readonly position: number | string
  readonly stream_version: number | string
  readonly type: string
  readonly data: string
  readonly metadata: string
}

/** The raw client of one database, on the adapter's own table. */
export interface Raw {
  /** One INSERT, autocommit; the unique key is the expected-version check. */
  readonly insert: (stream: string, version: number, type: string, data: string, metadata: string) => Promise<void>
  readonly readStream: (stream: string) => Promise<ReadonlyArray<RawRow>>
  readonly page: (after: number, limit: number) => Promise<ReadonlyArray<RawRow>>
  /** The keys of subjects (`null` once destroyed), in one query. */
  readonly keys: (subjects: ReadonlyArray<string>) => Promise<ReadonlyMap<string, Uint8Array | null>>
  /** A stream's rows with the key of the subject each row's envelope names, in one query (a LEFT JOIN). */
  readonly readStreamKeyed: (stream: string) => Promise<ReadonlyArray<KeyedRawRow>>
}

/** A row of {@link Raw.readStreamKeyed}. */
export interface KeyedRawRow extends RawRow {
  readonly key_subject: string | null
  readonly key: Uint8Array | null
}

/**
 * The subject of a row's sealed envelope, taken from the stored text (SQLite, PostgreSQL):
 * what a hand-written client joining the key table would write.
 */
export const sealedSubjectSql = (dialect: "pg" | "sqlite"): string => {
  const marker = '"$personal":{"$personal":2,"subject":"'
  const at = dialect === "pg" ? `strpos(e.data, '${marker}')` : `instr(e.data, '${marker}')`
  const from = `${at} + ${marker.length}`
  return dialect === "pg"
    ? `CASE WHEN ${at} > 0 THEN split_part(substr(e.data, ${from}), '"', 1) END`
    : `CASE WHEN ${at} > 0 THEN substr(e.data, ${from}, instr(substr(e.data, ${from}), '"') - 1) END`
}

/** The sizes of these workloads on one database. */
export interface UserSizes {
  /** Account streams of ten events each. */
  readonly streams: number
  /** Single appends of each variant (each to an existing stream, with its expected version). */
  readonly appends: number
  /** Operations per turn when the variants take turns. */
  readonly chunk: number
}

const PAGE = 1000
const EVENTS = 10

const feed = { accountId: "system:aaf", roles: [{ _tag: "System", process: "aaf" }] } as const
const base = Date.UTC(2025, 8, 1, 7, 30)

/** The metadata of the `seq`-th event of stream `i`: its own time, actor and ids. */
export const metadataFields = (i: number, seq: number) => ({
  occurredAt: new Date(base + i * 3_600_000 + seq * 86_400_000).toISOString(),
  actor: seq % 3 === 0 ? feed.accountId : `acc-admin-${i % 40}`,
  correlationId: `aaf-${i}-${seq}-${(i * 2654435761 + seq) % 4294967296}`,
  causationId: `cmd-${i}-${seq}-${(i * 40503 + seq * 7) % 65536}`,
})

export const typedMetadata = (fields: ReturnType<typeof metadataFields>): EventMetadata =>
  new EventMetadata({ ...fields, occurredAt: DateTime.unsafeMake(fields.occurredAt) })

export const accountId = (i: number) => `u${i}-${(i * 7919) % 10007}`
const structure = (i: number) => ["0571994H", "0570056C", "0573281A", "0541292Z"][i % 4]!

/** The ten events of account `i`, as a feed and a school write them: about 250 bytes each. */
export const history = (i: number): ReadonlyArray<Account.AccountEvent> => {
  const id = accountId(i)
  const events: ReadonlyArray<unknown> = [
    {
      _tag: "AccountProvisioned",
      accountId: id,
      profile: "Student",
      origin: { _tag: "Feed", source: "AAF", externalId: `j${i}-2025` },
      structureId: structure(i),
      login: `lea-chloe.martin-dubois${i}`,
      firstName: "Léa-Chloé",
      lastName: "Martin-Dubois",
      activationCode: `3n6g8f${"abcdefgh"[i % 8]}j`,
    },
    { _tag: "AccountAttachedToStructure", accountId: id, structureId: structure(i + 1) },
    { _tag: "ExternalIdentityLinked", accountId: id, provider: "EduConnect", subject: `ec-${id}-fr` },
    { _tag: "AccountBlocked", accountId: id, application: "messagerie", blockedBy: `acc-admin-${i % 40}` },
    { _tag: "AccountUnblocked", accountId: id, application: "messagerie", unblockedBy: `acc-admin-${i % 40}` },
    { _tag: "LoginAliasSet", accountId: id, alias: `lea.martin${i}` },
    {
      _tag: "AccountIdentityUpdated",
      accountId: id,
      firstName: "Léa",
      lastName: "Martin-Dubois",
      email: `lea.martin${i}@famille.example.fr`,
    },
    { _tag: "AccountDetachedFromStructure", accountId: id, structureId: structure(i + 1) },
    { _tag: "ExternalIdentityLinked", accountId: id, provider: "CAS-academie", subject: `cas-${i}-metz` },
    { _tag: "AccountBlocked", accountId: id, blockedBy: `acc-admin-${i % 40}` },
  ]
  return events as ReadonlyArray<Account.AccountEvent>
}

/** The single appends: one with personal data, one without, in turn. */
export const appendedFor = (i: number, n: number): Account.AccountEvent => {
  const id = accountId(i)
  const event =
    n % 2 === 0
      ? { _tag: "ExternalIdentityLinked", accountId: id, provider: `ENT-${n}`, subject: `ent-${i}-${n}` }
      : n % 4 === 1
        ? { _tag: "AccountBlocked", accountId: id, application: "cahier-de-textes", blockedBy: "acc-admin-1" }
        : { _tag: "AccountUnblocked", accountId: id, application: "cahier-de-textes", unblockedBy: "acc-admin-1" }
  return event as Account.AccountEvent
}

/** The command of the end-to-end workload, as a JSON body decodes. */
export const commandInput = (i: number) => ({
  _tag: "LinkExternalIdentity",
  actor: feed,
  accountId: accountId(i),
  provider: "Pronote",
  subject: `pronote-${i}-0571994H`,
})

export const streamOf = (i: number) => `Account-${accountId(i)}`

const range = (count: number) => Array.from({ length: count }, (_, i) => i)

/** The fold of the read-all workload: what a projection counting accounts per school might do. */
const countByType = (counts: Map<string, number>, type: string) => counts.set(type, (counts.get(type) ?? 0) + 1)

/** A sealed envelope as the typed store writes it (docs/erasure.md, format 2). */
interface Sealed {
  readonly subject: string
  readonly fields: ReadonlyArray<string>
  readonly iv: string
  readonly ciphertext: string
}

/** The raw client's decryption: AES-256-GCM with node:crypto, the values put back in their fields. */
const rawOpen = (type: string, data: Record<string, unknown>, keys: ReadonlyMap<string, Uint8Array | null>) => {
  const sealed = data.$personal as Sealed | undefined
  if (sealed === undefined) return data
  delete data.$personal
  const key = keys.get(sealed.subject)
  if (key === undefined || key === null) {
    for (const field of sealed.fields) data[field] = "[erased]"
    return data
  }
  const bytes = Buffer.from(sealed.ciphertext, "base64")
  const gcm = Crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.iv, "base64"))
  gcm.setAAD(
    Buffer.from(`cartable/personal/2\u0000${type}\u0000${sealed.subject}\u0000${JSON.stringify(sealed.fields)}`),
  )
  gcm.setAuthTag(bytes.subarray(bytes.length - 16))
  const plain = Buffer.concat([gcm.update(bytes.subarray(0, bytes.length - 16)), gcm.final()])
  const values = JSON.parse(plain.toString("utf8")) as ReadonlyArray<unknown>
  sealed.fields.forEach((field, index) => {
    data[field] = values[index]
  })
  return data
}

/** The personal fields of the events the raw client appends (those of the core's catalogue). */
const personalOf: Readonly<Record<string, ReadonlyArray<string>>> = { ExternalIdentityLinked: ["subject"] }

// IVs drawn 256 at a time, as the typed store does.
let ivPool = Buffer.alloc(0)
let ivAt = 0
const nextIv = () => {
  if (ivAt + 12 > ivPool.length) {
    ivPool = Crypto.randomBytes(12 * 256)
    ivAt = 0
  }
  ivAt += 12
  return ivPool.subarray(ivAt - 12, ivAt)
}

/** The raw client's encryption of an event's personal fields into one sealed envelope (docs/erasure.md, format 2). */
const rawSeal = (event: Record<string, unknown>, subject: string, key: Uint8Array): Record<string, unknown> => {
  const type = event._tag as string
  const fields = (personalOf[type] ?? []).filter((field) => event[field] !== undefined)
  if (fields.length === 0) return event
  const out: Record<string, unknown> = {}
  for (const name of Object.keys(event)) if (!fields.includes(name)) out[name] = event[name]
  const iv = nextIv()
  const gcm = Crypto.createCipheriv("aes-256-gcm", key, iv)
  gcm.setAAD(Buffer.from(`cartable/personal/2\u0000${type}\u0000${subject}\u0000${JSON.stringify(fields)}`))
  const sealed = Buffer.concat([
    gcm.update(JSON.stringify(fields.map((field) => event[field])), "utf8"),
    gcm.final(),
    gcm.getAuthTag(),
  ])
  out.$personal = { $personal: 2, subject, fields, iv: iv.toString("base64"), ciphertext: sealed.toString("base64") }
  return out
}

/** Rows read with their keys joined (one query), parsed and opened. */
const rawKeyedDecrypted = (rows: ReadonlyArray<KeyedRawRow>) => {
  const keys = new Map<string, Uint8Array | null>()
  for (const row of rows) if (row.key_subject !== null) keys.set(row.key_subject, row.key)
  return rows.map((row) => {
    // Every sealed row of the benchmark's log has its key: a miss is a broken join, not an erasure.
    if (row.data.includes('"$personal":{') && row.key_subject === null) throw new Error("raw join: no key")
    JSON.parse(row.metadata)
    return rawOpen(row.type, JSON.parse(row.data) as Record<string, unknown>, keys) as unknown as AnyEvent
  })
}

/** Reads rows as the raw client does when it must decrypt: parse, the page's keys in one query, open. */
const rawDecrypted = async (raw: Raw, rows: ReadonlyArray<RawRow>) => {
  const parsed = rows.map((row) => {
    JSON.parse(row.metadata)
    return JSON.parse(row.data) as Record<string, unknown>
  })
  const subjects = new Set<string>()
  for (const data of parsed) {
    const sealed = data.$personal as Sealed | undefined
    if (sealed !== undefined) subjects.add(sealed.subject)
  }
  const keys = subjects.size === 0 ? new Map<string, Uint8Array | null>() : await raw.keys([...subjects])
  return parsed.map((data, index) => rawOpen(rows[index]!.type, data, keys) as unknown as AnyEvent)
}

const rawFold = (rows: ReadonlyArray<RawRow>): Account.AccountState => {
  let state = Account.aggregate.initialState
  for (const row of rows) {
    JSON.parse(row.metadata)
    state = Account.evolve(state, JSON.parse(row.data) as Account.AccountEvent)
  }
  return state
}

/**
 * Runs the workloads on `raw` and on the typed store that `layer` builds, each
 * on a fresh database per round; both read the same rows.
 */
export const run = async (
  open: (round: number) => Promise<{
    readonly raw: Raw
    readonly layer: Layer.Layer<EventStore.EventStore, unknown>
    readonly close: () => Promise<void>
  }>,
  sizes: UserSizes,
  repeat: number,
): Promise<ReadonlyArray<Figure>> => {
  const samples = new Map<string, Array<number>>()
  const sample = (key: string, seconds: number) => samples.set(key, [...(samples.get(key) ?? []), seconds])
  let accepted = 0
  const burst = 50
  // Appends of the two raw variants (each stream's appends go to one of them), the same every round.
  let rawAppends = 0
  let rawCryptoAppends = 0
  for (let round = 0; round < repeat; round++) {
    const { raw, layer, close } = await open(round)
    const runtime = ManagedRuntime.make(layer)
    try {
      const store = await runtime.runPromise(EventStore.EventStore)
      const router = await runtime.runPromise(CommandRouter.make(Domain.aggregates))
      // The log, written through the typed store (untimed): one append per stream.
      await runtime.runPromise(
        Effect.forEach(
          Array.from({ length: sizes.streams }, (_, i) => i),
          (i) =>
            store.append(
              StreamName.StreamName.make(streamOf(i)),
              ExpectedVersion.noStream,
              history(i).map((event, seq) => ({ event, metadata: typedMetadata(metadataFields(i, seq + 1)) })),
            ),
          { discard: true },
        ),
      )
      const indices = range(sizes.streams)
      const chunks = (items: ReadonlyArray<number>) => {
        const out: Array<ReadonlyArray<number>> = []
        for (let from = 0; from < items.length; from += sizes.chunk) out.push(items.slice(from, from + sizes.chunk))
        return out
      }

      // Read and fold each stream: the variants take turns by chunks of streams.
      let check = 0
      const elapsed = new Map<string, number>()
      const add = (key: string, seconds: number) => elapsed.set(key, (elapsed.get(key) ?? 0) + seconds)
      for (const chunk of chunks(indices)) {
        add(
          "fold/raw",
          await time(async () => {
            for (const i of chunk) {
              const state = rawFold(await raw.readStream(streamOf(i)))
              if (state._tag === "Account") check += state.externalIdentities.length
            }
          }),
        )
        add(
          "fold/rawDecrypt",
          await time(async () => {
            for (const i of chunk) {
              let state = Account.aggregate.initialState
              for (const event of rawKeyedDecrypted(await raw.readStreamKeyed(streamOf(i)))) {
                state = Account.evolve(state, event as Account.AccountEvent)
              }
              if (state._tag === "Account") check += state.externalIdentities.length
            }
          }),
        )
        add(
          "fold/typed",
          await time(() =>
            runtime.runPromise(
              Effect.gen(function* () {
                for (const i of chunk) {
                  const recorded = yield* store.readStream(StreamName.StreamName.make(streamOf(i)))
                  let state = Account.aggregate.initialState
                  for (const entry of recorded) state = Account.evolve(state, entry.event as Account.AccountEvent)
                  if (state._tag === "Account") check += state.externalIdentities.length
                }
              }),
            ),
          ),
        )
      }

      // Read all from position 0: one variant after the other, twice, alternating.
      for (let pass = 0; pass < 2; pass++) {
        add(
          "all/raw",
          await time(async () => {
            const counts = new Map<string, number>()
            let after = 0
            for (;;) {
              const rows = await raw.page(after, PAGE)
              for (const row of rows) {
                JSON.parse(row.metadata)
                countByType(counts, (JSON.parse(row.data) as AnyEvent)._tag)
              }
              if (rows.length < PAGE) break
              after = Number(rows[rows.length - 1]!.position)
            }
            check += counts.size
          }),
        )
        add(
          "all/rawDecrypt",
          await time(async () => {
            const counts = new Map<string, number>()
            let after = 0
            for (;;) {
              const rows = await raw.page(after, PAGE)
              for (const event of await rawDecrypted(raw, rows)) countByType(counts, event._tag)
              if (rows.length < PAGE) break
              after = Number(rows[rows.length - 1]!.position)
            }
            check += counts.size
          }),
        )
        add(
          "all/typed",
          await time(() =>
            runtime.runPromise(
              Effect.gen(function* () {
                const counts = new Map<string, number>()
                let after = 0
                for (;;) {
                  const page = yield* store.readAll(after, PAGE)
                  for (const entry of page) countByType(counts, entry.event._tag)
                  if (page.length < PAGE) break
                  after = page[page.length - 1]!.position
                }
                check += counts.size
              }),
            ),
          ),
        )
      }

      // A command end to end: even streams through the router, odd ones by hand.
      const context = (i: number) => ({
        occurredAt: DateTime.unsafeMake(base + 400 * 86_400_000 + i * 1000),
        correlationId: `pronote-sync-${i}`,
        causationId: `msg-${i}-${(i * 2654435761) % 4294967296}`,
      })
      const evens = indices.filter((i) => i % 2 === 0)
      const odds = indices.filter((i) => i % 2 === 1)
      // The keys the raw + AES-GCM appender writes with, known before the timing (the typed store keeps its own).
      const writeKeys = await raw.keys(indices.map(accountId))
      // The raw side trusts its input: its typed commands are built outside the timing.
      const decodeCommand = Schema.decodeUnknownSync(Account.AccountCommand)
      const rawCommands = new Map(odds.map((i) => [i, decodeCommand(commandInput(i))] as const))
      const oddChunks = chunks(odds)
      // Half the router's commands come as JSON bodies (handle), half already typed (handleTyped).
      const typedCommands = new Map(
        evens.filter((i) => i % 4 === 2).map((i) => [i, decodeCommand(commandInput(i))] as const),
      )
      for (const [k, chunk] of chunks(evens).entries()) {
        add(
          "command/typed",
          await time(() =>
            runtime.runPromise(
              Effect.forEach(
                chunk.filter((i) => i % 4 === 0),
                (i) => router.handle(commandInput(i), context(i)),
                { discard: true },
              ),
            ),
          ),
        )
        add(
          "command/handleTyped",
          await time(() =>
            runtime.runPromise(
              Effect.forEach(
                chunk.filter((i) => i % 4 === 2),
                (i) => router.handleTyped(typedCommands.get(i)!, context(i)),
                { discard: true },
              ),
            ),
          ),
        )
        add(
          "command/rawCrypto",
          await time(async () => {
            for (const i of (oddChunks[k] ?? []).filter((i) => i % 4 === 3)) {
              const rows = await raw.readStreamKeyed(streamOf(i))
              let state = Account.aggregate.initialState
              for (const event of rawKeyedDecrypted(rows)) state = Account.evolve(state, event as Account.AccountEvent)
              const decision = Account.aggregate.decide(rawCommands.get(i)!, state)
              if (Either.isLeft(decision)) throw new Error(`raw command refused: ${decision.left.message}`)
              const version = rows.length
              const ctx = context(i)
              const metadata = JSON.stringify({
                occurredAt: DateTime.formatIso(ctx.occurredAt),
                actor: feed.accountId,
                correlationId: ctx.correlationId,
                causationId: ctx.causationId,
              })
              const key = writeKeys.get(accountId(i))!
              for (const [n, event] of decision.right.entries()) {
                const data = JSON.stringify(rawSeal(event as unknown as Record<string, unknown>, accountId(i), key))
                await raw.insert(streamOf(i), version + n + 1, event._tag, data, metadata)
              }
            }
          }),
        )
        add(
          "command/raw",
          await time(async () => {
            for (const i of (oddChunks[k] ?? []).filter((i) => i % 4 === 1)) {
              const rows = await raw.readStream(streamOf(i))
              let state = Account.aggregate.initialState
              for (const row of rows) state = Account.evolve(state, JSON.parse(row.data) as Account.AccountEvent)
              const decision = Account.aggregate.decide(rawCommands.get(i)!, state)
              if (Either.isLeft(decision)) throw new Error(`raw command refused: ${decision.left.message}`)
              const version = rows.length
              const ctx = context(i)
              const metadata = JSON.stringify({
                occurredAt: DateTime.formatIso(ctx.occurredAt),
                actor: feed.accountId,
                correlationId: ctx.correlationId,
                causationId: ctx.causationId,
              })
              for (const [n, event] of decision.right.entries()) {
                await raw.insert(streamOf(i), version + n + 1, event._tag, JSON.stringify(event), metadata)
              }
            }
          }),
        )
      }

      // Single appends through the typed store: even streams typed, odd ones raw, in turns.
      const appendOrder = (parity: number) => {
        const order: Array<readonly [number, number]> = []
        const own = indices.filter((i) => i % 2 === parity)
        for (let n = 0; order.length < sizes.appends; n++) for (const i of own) order.push([i, n])
        return order.slice(0, sizes.appends)
      }
      const typedOrder = appendOrder(0)
      const rawOrder = appendOrder(1)
      rawAppends = rawOrder.filter(([i]) => i % 4 === 1).length
      rawCryptoAppends = rawOrder.length - rawAppends
      // After the command, every stream holds EVENTS + 1 events.
      for (let from = 0; from < sizes.appends; from += sizes.chunk) {
        const typedChunk = typedOrder.slice(from, from + sizes.chunk)
        const rawChunk = rawOrder.slice(from, from + sizes.chunk)
        add(
          "append/raw",
          await time(async () => {
            for (const [i, n] of rawChunk.filter(([i]) => i % 4 === 1)) {
              const event = appendedFor(i, n)
              const metadata = metadataFields(i, EVENTS + 2 + n)
              await raw.insert(streamOf(i), EVENTS + 2 + n, event._tag, JSON.stringify(event), JSON.stringify(metadata))
            }
          }),
        )
        add(
          "append/rawCrypto",
          await time(async () => {
            for (const [i, n] of rawChunk.filter(([i]) => i % 4 === 3)) {
              const event = appendedFor(i, n) as unknown as Record<string, unknown>
              const data = JSON.stringify(rawSeal(event, accountId(i), writeKeys.get(accountId(i))!))
              const metadata = metadataFields(i, EVENTS + 2 + n)
              await raw.insert(streamOf(i), EVENTS + 2 + n, event._tag as string, data, JSON.stringify(metadata))
            }
          }),
        )
        add(
          "append/typed",
          await time(() =>
            runtime.runPromise(
              Effect.forEach(
                typedChunk,
                ([i, n]) =>
                  store.append(StreamName.StreamName.make(streamOf(i)), ExpectedVersion.exact(EVENTS + 1 + n), [
                    { event: appendedFor(i, n), metadata: typedMetadata(metadataFields(i, EVENTS + 2 + n)) },
                  ]),
                { discard: true },
              ),
            ),
          ),
        )
      }
      for (const [key, seconds] of elapsed) sample(key, seconds)
      if (check <= 0) throw new Error("the folds read nothing")

      // The burst: every command targets one account, each adds an identity, so each must be appended.
      const target = accountId(0)
      const burstStarted = performance.now()
      const exits = await runtime.runPromise(
        Effect.forEach(
          Array.from({ length: burst }, (_, n) => n + 1),
          (n) =>
            Effect.exit(
              router.handle(
                {
                  _tag: "LinkExternalIdentity",
                  actor: feed,
                  accountId: target,
                  provider: `Burst-${n}`,
                  subject: `b-${n}`,
                },
                context(n),
              ),
            ),
          { concurrency: "unbounded" },
        ),
      )
      sample("burst", (performance.now() - burstStarted) / 1000)
      accepted += exits.filter(Exit.isSuccess).length
      const { version } = await runtime.runPromise(CommandHandler.load(Domain.aggregates.Account, target))
      if (version < burst) throw new Error(`burst: stream at ${version}`)
    } finally {
      await runtime.dispose()
      await close()
    }
  }
  const s = (key: string) => samples.get(key)!
  const fold = `read and fold each stream (${sizes.streams.toLocaleString("en")} Account streams x ${EVENTS})`
  const all = `read all from position 0 (pages of 1,000, ${(sizes.streams * EVENTS).toLocaleString("en")} events)`
  const command = "a command end to end (LinkExternalIdentity on a 10-event stream)"
  const append = `1 event per append, expected version (${sizes.appends.toLocaleString("en")} each, half with personal data)`
  const rawFoldLabel = "raw: SELECT, JSON.parse, fold"
  const rawAllLabel = "raw: SELECT pages, JSON.parse"
  const rawCommandLabel = "raw: SELECT, JSON.parse, fold, decide, INSERT"
  const rawAppendLabel = "raw: JSON.stringify, INSERT"
  const rawFoldDecryptLabel = "raw + AES-GCM: SELECT rows with their keys, JSON.parse, decrypt, fold"
  const rawCommandCryptoLabel = "raw + AES-GCM: SELECT rows with their keys, decrypt, fold, decide, encrypt, INSERT"
  const rawAppendCryptoLabel = "raw + AES-GCM: encrypt, JSON.stringify, INSERT"
  const commandsOf = (rest: number) => range(sizes.streams).filter((i) => i % 4 === rest).length
  const rawAllDecryptLabel = "raw + AES-GCM: SELECT pages and their keys, JSON.parse, decrypt"
  return [
    figure(fold, rawFoldLabel, sizes.streams, "streams", s("fold/raw")),
    figure(fold, rawFoldDecryptLabel, sizes.streams, "streams", s("fold/rawDecrypt"), rawFoldLabel),
    figure(fold, "typed EventStore.readStream, fold", sizes.streams, "streams", s("fold/typed"), rawFoldLabel),
    figure(fold, "typed, against raw + AES-GCM", sizes.streams, "streams", s("fold/typed"), rawFoldDecryptLabel),
    figure(all, rawAllLabel, sizes.streams * EVENTS * 2, "events", s("all/raw")),
    figure(all, rawAllDecryptLabel, sizes.streams * EVENTS * 2, "events", s("all/rawDecrypt"), rawAllLabel),
    figure(all, "typed EventStore.readAll", sizes.streams * EVENTS * 2, "events", s("all/typed"), rawAllLabel),
    figure(
      all,
      "typed, against raw + AES-GCM",
      sizes.streams * EVENTS * 2,
      "events",
      s("all/typed"),
      rawAllDecryptLabel,
    ),
    figure(command, rawCommandLabel, commandsOf(1), "commands", s("command/raw")),
    figure(command, rawCommandCryptoLabel, commandsOf(3), "commands", s("command/rawCrypto"), rawCommandLabel),
    figure(
      command,
      "CommandRouter.handle (decode, load, decide, append)",
      commandsOf(0),
      "commands",
      s("command/typed"),
      rawCommandLabel,
    ),
    figure(
      command,
      "CommandRouter.handleTyped (load, decide, append)",
      commandsOf(2),
      "commands",
      s("command/handleTyped"),
      rawCommandLabel,
    ),
    figure(
      command,
      "handle, against raw + AES-GCM",
      commandsOf(0),
      "commands",
      s("command/typed"),
      rawCommandCryptoLabel,
    ),
    figure(
      command,
      "handleTyped, against raw + AES-GCM",
      commandsOf(2),
      "commands",
      s("command/handleTyped"),
      rawCommandCryptoLabel,
    ),
    figure(append, rawAppendLabel, rawAppends, "appends", s("append/raw")),
    figure(append, rawAppendCryptoLabel, rawCryptoAppends, "appends", s("append/rawCrypto"), rawAppendLabel),
    figure(append, "typed EventStore.append", sizes.appends, "appends", s("append/typed"), rawAppendLabel),
    figure(append, "typed, against raw + AES-GCM", sizes.appends, "appends", s("append/typed"), rawAppendCryptoLabel),
    figure(
      `contention: ${burst} concurrent commands on one stream, default retry`,
      `${accepted} of ${burst * repeat} accepted`,
      burst,
      "commands",
      s("burst"),
    ),
  ]
}

import * as Account from "@cartable/domain/Account"
import * as Structure from "@cartable/domain/Structure"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as CommandInput from "@cartable/eventlog/CommandInput"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import { ConcurrencyConflict } from "@cartable/eventlog/EventStoreError"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Schedule from "effect/Schedule"

const catalog = EventCatalog.make(Account.events)
const context = { occurredAt: DateTime.unsafeMake("2026-09-01T08:00:00Z"), correlationId: "start-of-year" }
const feed = { accountId: "system:aaf", roles: [{ _tag: "System", process: "aaf" }] }
export const provision = (accountId: string) => ({
  _tag: "ProvisionAccount",
  actor: feed,
  accountId,
  profile: "Student",
  origin: { _tag: "Feed", source: "AAF", externalId: `j-${accountId}` },
  structureId: "school-a",
  login: "marie.a",
  firstName: "Marie",
  lastName: "Arnaud",
  activationCode: "3n6g8fmj",
})

describe("CommandHandler", () => {
  it.effect("appends what decide produced, with the metadata of the context", () =>
    Effect.gen(function* () {
      const handle = yield* CommandHandler.make(Account.aggregate)
      const store = yield* EventStore.EventStore
      const handled = yield* handle(provision("acc-1"), context)
      assert.strictEqual(handled.streamVersion, 1)
      const [recorded] = yield* store.readStream(StreamName.make("Account", "acc-1"))
      assert.strictEqual(recorded?.type, "AccountProvisioned")
      assert.strictEqual(recorded?.metadata.actor, "system:aaf")
      assert.strictEqual(recorded?.metadata.correlationId, "start-of-year")
      assert.ok(recorded && DateTime.Equivalence(recorded.metadata.occurredAt, context.occurredAt))
    }).pipe(Effect.provide(EventStore.layerMemory(catalog))),
  )

  it.effect("reads and appends through the store in context, also a wrapper spreading the typed store", () =>
    Effect.gen(function* () {
      const inner = yield* EventStore.EventStore
      const calls: Array<string> = []
      // What the projection runtime's inline store does: the typed store spread, its append replaced.
      const wrapper: EventStore.EventStore.Service = {
        ...inner,
        readStream: (streamName, afterVersion) =>
          Effect.zipRight(
            Effect.sync(() => calls.push("readStream")),
            inner.readStream(streamName, afterVersion),
          ),
        append: (streamName, expected, events) =>
          Effect.zipRight(
            Effect.sync(() => calls.push("append")),
            inner.append(streamName, expected, events),
          ),
      }
      const handle = yield* CommandHandler.make(Account.aggregate).pipe(
        Effect.provideService(EventStore.EventStore, wrapper),
      )
      yield* handle(provision("acc-w"), context)
      assert.deepStrictEqual(calls, ["readStream", "append"])
      assert.strictEqual((yield* inner.readStream(StreamName.make("Account", "acc-w"))).length, 1)
    }).pipe(Effect.provide(EventStore.layerMemory(catalog))),
  )

  it.effect("load returns the folded state and the stream version, typed", () =>
    Effect.gen(function* () {
      const handle = yield* CommandHandler.make(Account.aggregate)
      assert.deepStrictEqual(yield* CommandHandler.load(Account.aggregate, "acc-9"), {
        state: Account.initialState,
        version: 0,
      })
      yield* handle(provision("acc-9"), context)
      const { state, version } = yield* CommandHandler.load(Account.aggregate, "acc-9")
      assert.strictEqual(version, 1)
      assert.strictEqual(state._tag === "Absent" ? undefined : state.login, "marie.a")
    }).pipe(Effect.provide(EventStore.layerMemory(catalog))),
  )

  it.effect("input that does not decode names every bad field and leaves the store unchanged", () =>
    Effect.gen(function* () {
      const handle = yield* CommandHandler.make(Account.aggregate)
      const store = yield* EventStore.EventStore
      const error = yield* Effect.flip(
        handle({ ...provision("acc-2"), login: "Marie A", activationCode: "0000" }, context),
      )
      assert.ok(error instanceof CommandInput.InvalidCommand)
      assert.includeMembers(
        error.fields.map((field) => field.path),
        ["login", "activationCode"],
      )
      assert.include(error.message, "login")
      assert.deepStrictEqual(yield* store.readAll(0, 100), [])
    }).pipe(Effect.provide(EventStore.layerMemory(catalog))),
  )

  it.effect("a rejected command appends nothing and returns the rule", () =>
    Effect.gen(function* () {
      const handle = yield* CommandHandler.make(Account.aggregate)
      const store = yield* EventStore.EventStore
      const error = yield* Effect.flip(handle({ ...provision("acc-3"), origin: { _tag: "Manual" } }, context))
      assert.ok(error instanceof Account.AccountRejected)
      assert.strictEqual(error.ruleId, "BR-ACC-1")
      assert.deepStrictEqual(yield* store.readAll(0, 100), [])
    }).pipe(Effect.provide(EventStore.layerMemory(catalog))),
  )

  // Live clock: the retry Schedule sleeps between attempts.
  it.effect(
    "an idempotent command is applied once per causation id on its stream, and answers the same the second time",
    () =>
      Effect.gen(function* () {
        const handle = yield* CommandHandler.make(Account.aggregate)
        const store = yield* EventStore.EventStore
        yield* handle(provision("acc-3"), context)
        const block = { _tag: "BlockAccount", actor: feed, accountId: "acc-3" }
        const once = { ...context, causationId: "reactor:deletions:42:0", idempotent: true }
        const first = yield* handle(block, once)
        const second = yield* handle(block, once)
        assert.deepStrictEqual(second, first)
        assert.strictEqual((yield* store.readStream(StreamName.make("Account", "acc-3"))).length, 2)
        // Another causation id, or the same one without `idempotent`, is decided again.
        const unblock = { _tag: "UnblockAccount", actor: feed, accountId: "acc-3" }
        yield* handle(unblock, { ...context, causationId: "reactor:deletions:43:0", idempotent: true })
        yield* handle(block, { ...context, causationId: "reactor:deletions:42:0" })
        assert.deepStrictEqual(
          (yield* store.readStream(StreamName.make("Account", "acc-3"))).map((r) => r.type),
          ["AccountProvisioned", "AccountBlocked", "AccountUnblocked", "AccountBlocked"],
        )
      }).pipe(Effect.provide(EventStore.layerMemory(catalog))),
  )

  it.live("on a concurrency conflict it reloads and decides again", () =>
    Effect.gen(function* () {
      const store = yield* EventStore.EventStore
      const streamName = StreamName.make("Account", "acc-4")
      // A store whose first append loses a race: another writer appends the same provisioning first.
      let raced = false
      const racing: EventStore.EventStore.Service = {
        ...store,
        append: (name, expected, events) =>
          raced
            ? store.append(name, expected, events)
            : Effect.zipRight(
                Effect.sync(() => {
                  raced = true
                }),
                Effect.zipRight(
                  store.append(name, ExpectedVersion.noStream, events),
                  store.append(name, expected, events),
                ),
              ),
      }
      const handle = yield* CommandHandler.make(Account.aggregate).pipe(
        Effect.provideService(EventStore.EventStore, racing),
      )
      const outcome = yield* Effect.either(handle(provision("acc-4"), context))
      // The retry sees the account the other writer provisioned: the same feed person again is a
      // re-import with nothing to change (BR-ACC-8), so nothing more is recorded.
      assert.ok(Either.isRight(outcome) && outcome.right.events.length === 0)
      assert.strictEqual((yield* store.streamInfo(streamName)).version, 1)
    }).pipe(Effect.provide(EventStore.layerMemory(catalog))),
  )

  it.effect("gives up with the conflict when its retry Schedule ends", () =>
    Effect.gen(function* () {
      const store = yield* EventStore.EventStore
      let attempts = 0
      const alwaysBehind: EventStore.EventStore.Service = {
        ...store,
        append: (name) =>
          Effect.suspend(() => {
            attempts++
            return Effect.fail(new ConcurrencyConflict({ streamName: name, expected: "no stream", actual: 1 }))
          }),
      }
      const handle = yield* CommandHandler.make(Account.aggregate, { retry: Schedule.recurs(2) }).pipe(
        Effect.provideService(EventStore.EventStore, alwaysBehind),
      )
      const error = yield* Effect.flip(handle(provision("acc-5"), context))
      assert.strictEqual(error._tag, "ConcurrencyConflict")
      assert.strictEqual(attempts, 3)
      assert.deepStrictEqual(yield* store.readAll(0, 100), [])
    }).pipe(Effect.provide(EventStore.layerMemory(catalog))),
  )

  it.live("with the default retry, 50 concurrent commands on one stream all go through", () =>
    Effect.gen(function* () {
      const handle = yield* CommandHandler.make(Account.aggregate)
      yield* handle(provision("acc-6"), context)
      const link = (n: number) => ({
        _tag: "LinkExternalIdentity",
        actor: feed,
        accountId: "acc-6",
        provider: `provider-${n}`,
        subject: `subject-${n}`,
      })
      const outcomes = yield* Effect.forEach(
        Array.from({ length: 50 }, (_, n) => n),
        (n) => Effect.exit(handle(link(n), context)),
        { concurrency: "unbounded" },
      )
      assert.strictEqual(outcomes.filter(Exit.isSuccess).length, 50)
      assert.strictEqual((yield* CommandHandler.load(Account.aggregate, "acc-6")).version, 51)
    }).pipe(Effect.provide(EventStore.layerMemory(catalog))),
  )
})

describe("CommandInput", () => {
  const decode = CommandInput.decode(Account.AccountCommand)

  it.effect("a body nested 10,000 levels deep is refused as invalid input, not a stack overflow", () =>
    Effect.gen(function* () {
      let nested: unknown = "x"
      for (let level = 0; level < 10_000; level++) nested = { nested }
      const error = yield* Effect.flip(decode({ ...provision("acc-7"), firstName: nested }))
      assert.ok(error instanceof CommandInput.InvalidCommand)
      assert.include(error.message, `nested deeper than ${CommandInput.limits.maxDepth} levels`)
    }),
  )

  it.effect("a million excess keys give a bounded error", () =>
    Effect.gen(function* () {
      const body: Record<string, unknown> = provision("acc-8")
      for (let key = 0; key < 1_000_000; key++) body[`k${key}`] = key
      const error = yield* Effect.flip(decode(body))
      assert.ok(error.fields.length <= CommandInput.limits.maxFields)
      assert.ok(error.message.length < 10_000)
    }),
  )

  it.effect("excess keys within the bounds are each named, the rest counted", () =>
    Effect.gen(function* () {
      const body: Record<string, unknown> = provision("acc-8")
      for (let key = 0; key < 25; key++) body[`k${key}`] = key
      const error = yield* Effect.flip(decode(body))
      assert.strictEqual(error.fields.length, CommandInput.limits.maxFields)
      assert.strictEqual(error.omitted, 25 - CommandInput.limits.maxFields)
      assert.include(error.message, "(and 5 more)")
    }),
  )

  it.effect("a field message quoting a huge value is cut", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decode({ ...provision("acc-8"), login: "X".repeat(10_000_000) }))
      assert.deepStrictEqual(
        error.fields.map((field) => field.path),
        ["login"],
      )
      assert.ok(error.fields[0]!.message.length <= CommandInput.limits.maxMessageLength)
    }),
  )
})

describe("CommandHandler: the state kept between commands", () => {
  const structures = EventCatalog.make({ ...Account.events, ...Structure.events })
  const feedActor = { accountId: "system:aaf", roles: [{ _tag: "System", process: "aaf" }] }
  const register = {
    _tag: "RegisterStructure",
    actor: feedActor,
    structureId: "0571994H",
    uai: "0571994H",
    name: "Collège Jean Moulin",
    kind: "SecondarySchool",
  }
  const open = (code: string) => ({
    _tag: "OpenGroup",
    actor: feedActor,
    structureId: "0571994H",
    groupId: `0571994H$${code}`,
    kind: "Class",
    name: code,
    schoolYear: "2026-2027",
    owner: "Feed",
  })
  /** The store in context, with the `afterVersion` of every stream read written down. */
  const counted = Effect.map(EventStore.EventStore, (store) => {
    const reads: Array<number> = []
    const service: EventStore.EventStore.Service = {
      ...store,
      readStream: (name, after) => {
        reads.push(after ?? 0)
        return store.readStream(name, after)
      },
    }
    return { reads, service }
  })

  it.effect(
    "a stream without personal data is read from the version of its last command, and another writer's events are seen",
    () =>
      Effect.gen(function* () {
        const { reads, service } = yield* counted
        const mine = yield* CommandHandler.make(Structure.aggregate).pipe(
          Effect.provideService(EventStore.EventStore, service),
        )
        const theirs = yield* CommandHandler.make(Structure.aggregate)
        yield* mine(register, context)
        yield* mine(open("6A"), context)
        // Another handler (another process) appends meanwhile: the next command reads it.
        yield* theirs(
          { _tag: "CloseGroup", actor: feedActor, structureId: "0571994H", groupId: "0571994H$6A" },
          context,
        )
        const refused = yield* Effect.either(
          mine(
            {
              _tag: "AssignToGroup",
              actor: feedActor,
              structureId: "0571994H",
              groupId: "0571994H$6A",
              accountId: "pupil-1",
              role: "Student",
              source: "Feed",
            },
            context,
          ),
        )
        assert.ok(Either.isLeft(refused) && "ruleId" in refused.left && refused.left.ruleId === "BR-GRP-4")
        yield* mine(open("6B"), context)
        assert.deepStrictEqual(reads, [0, 1, 2, 3])
        const { state } = yield* CommandHandler.load(Structure.aggregate, "0571994H")
        const { version } = yield* CommandHandler.load(Structure.aggregate, "0571994H")
        assert.strictEqual(version, 4)
        assert.ok(state._tag === "Structure" && state.groups.get("0571994H$6B" as never)?.open === true)
      }).pipe(Effect.provide(EventStore.layerMemory(structures))),
  )

  it.effect("a stream with personal data is read whole for every command (an erasure changes how it reads)", () =>
    Effect.gen(function* () {
      const { reads, service } = yield* counted
      const handle = yield* CommandHandler.make(Account.aggregate).pipe(
        Effect.provideService(EventStore.EventStore, service),
      )
      yield* handle(provision("acc-c"), context)
      yield* handle({ _tag: "BlockAccount", actor: feed, accountId: "acc-c" }, context).pipe(Effect.either)
      yield* handle({ _tag: "UnblockAccount", actor: feed, accountId: "acc-c" }, context).pipe(Effect.either)
      assert.deepStrictEqual(reads, [0, 0, 0])
    }).pipe(Effect.provide(EventStore.layerMemory(structures))),
  )
})

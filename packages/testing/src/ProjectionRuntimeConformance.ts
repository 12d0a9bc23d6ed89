/**
 * The conformance suite of the projection runtime over a storage adapter: the
 * same checks on memory, SQLite and PostgreSQL (and any third-party adapter).
 * The storage layer is built afresh for each test.
 *
 * @since 0.1.0
 */
import * as Domain from "@cartable/domain/Domain"
import { AccountId } from "@cartable/domain/Ids"
import * as StructureEvents from "@cartable/domain/StructureEvents"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as EventStoreDriver from "@cartable/eventlog/EventStoreDriver"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import type * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as Projection from "@cartable/projections/Projection"
import { ProjectionFailed, type ReactorFailed } from "@cartable/projections/ProjectionError"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as Reactor from "@cartable/projections/Reactor"
import * as ReadModel from "@cartable/projections/ReadModel"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as StoredStatus from "@cartable/projections/StoredStatus"
import * as AccountArbitraries from "@cartable/testing/AccountArbitraries"
import * as HomeworkBookArbitraries from "@cartable/testing/HomeworkBookArbitraries"
import * as ReportArbitraries from "@cartable/testing/ReportArbitraries"
import * as StructureArbitraries from "@cartable/testing/StructureArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import { interleave } from "./Histories.ts"
import { directoryProjection, type StreamSummary, streamsProjection } from "./internal/projectionFixtures.ts"

const catalog = EventCatalog.make(Domain.events)

/** Storage for the runtime: an event driver, a key store and a read-model store sharing transactions. */
type Storage<E> = Layer.Layer<
  EventStoreDriver.EventStoreDriver | SubjectKeyStore.SubjectKeyStore | ReadModelStore.ReadModelStore,
  E
>

/** Every document of a collection, page by page (pages of 7 to cross page boundaries). */
const everything = <A, Idx extends string>(reader: ReadModel.Reader<A, Idx>) =>
  Effect.gen(function* () {
    const all: Array<A> = []
    let after: string | undefined
    do {
      const page = yield* reader.find({ limit: 7, after })
      all.push(...page.documents)
      after = page.next
    } while (after !== undefined)
    return all
  })

/** Commands of every aggregate, interleaved. */
const domainCommands = FastCheck.tuple(
  AccountArbitraries.commands,
  StructureArbitraries.commands,
  ReportArbitraries.commands,
  HomeworkBookArbitraries.commands,
  FastCheck.array(FastCheck.nat(3), { minLength: 80, maxLength: 80 }),
).map(([accounts, structures, reports, books, picks]) =>
  interleave<Domain.Command>([accounts, structures, reports, books], picks).map(({ item }) => item),
)

const context = { occurredAt: DateTime.unsafeMake("2026-09-01T08:00:00Z") }
const metadata = (at: string) => new EventMetadata({ occurredAt: DateTime.unsafeMake(at) })

/**
 * Registers the runtime's suite over a storage layer: an event store driver, a
 * subject key store and a read-model store sharing transactions.
 *
 * @example
 * ProjectionRuntimeConformance.suite("SQLite", SqliteEventStore.layerDriver({ filename: ":memory:" }))
 * @since 0.1.0
 */
export const suite = <E>(name: string, storage: Storage<E>): void => {
  const store = EventStore.layer(catalog).pipe(Layer.provideMerge(storage))
  const runtime = (options: ProjectionRuntime.Options) =>
    ProjectionRuntime.layer({ background: false, ...options }).pipe(Layer.provideMerge(store))

  describe(`ProjectionRuntime (${name})`, () => {
    it.effect.prop(
      "a rebuild from position 0 equals the read models kept up to date, inline and async, erasure included; a new version built beside equals them and takes over",
      [domainCommands],
      ([commands]) =>
        Effect.gen(function* () {
          const directory = directoryProjection(1)
          const streams = streamsProjection(1)
          const projections = yield* ProjectionRuntime.ProjectionRuntime
          const router = yield* CommandRouter.make(Domain.aggregates)
          for (const command of commands) yield* Effect.either(router.handleTyped(command, context))
          yield* projections.catchUp()

          // The oracle of the stream summaries: the log itself.
          const log = yield* EventStore.EventStore.pipe(Effect.flatMap((events) => events.readAll(0, 1_000_000)))
          const expected = new Map<string, StreamSummary>()
          for (const recorded of log) {
            const previous = expected.get(recorded.streamName)
            expected.set(recorded.streamName, {
              stream: recorded.streamName,
              category: recorded.streamName.split("-")[0]!,
              events: (previous?.events ?? 0) + 1,
              lastType: recorded.type,
              lastVersion: recorded.streamVersion,
              positions: [...(previous?.positions ?? []), recorded.position],
            })
          }
          const summaries = yield* everything(yield* ProjectionRuntime.reader(streams, "streams"))
          assert.deepStrictEqual(
            summaries,
            [...expected.values()].sort((a, b) => (a.stream < b.stream ? -1 : 1)),
          )

          // Erasure: no name of an erased account is left in the directory.
          const erased = new Set(
            log
              .filter((r) => r.type === "AccountDataErased")
              .map((r) => (r.event as unknown as { accountId: string }).accountId),
          )
          const accounts = yield* everything(yield* ProjectionRuntime.reader(directory, "accounts"))
          for (const account of accounts) {
            if (erased.has(account.id)) {
              assert.deepStrictEqual(
                [account.login, account.firstName, account.lastName, account.erased],
                ["", "", "", true],
              )
            }
          }

          // New versions built beside from position 0 equal them, and serve once caught up.
          assert.deepStrictEqual(
            yield* everything(yield* ProjectionRuntime.reader(directoryProjection(2), "accounts")),
            accounts,
          )
          assert.deepStrictEqual(
            yield* everything(yield* ProjectionRuntime.reader(streamsProjection(2), "streams")),
            summaries,
          )
          assert.deepStrictEqual(
            [yield* projections.serving("directory"), yield* projections.serving("streams")],
            [2, 2],
          )

          // Rebuilds equal what was kept up to date.
          yield* projections.rebuild(directory)
          yield* projections.rebuild(streams)
          assert.deepStrictEqual(yield* everything(yield* ProjectionRuntime.reader(directory, "accounts")), accounts)
          assert.deepStrictEqual(yield* everything(yield* ProjectionRuntime.reader(streams, "streams")), summaries)
        }).pipe(
          Effect.provide(
            runtime({
              inline: [directoryProjection(1)],
              async: [streamsProjection(1), streamsProjection(2), directoryProjection(2)],
            }),
          ),
          Effect.scoped,
        ),
      { fastCheck: { numRuns: 15 } },
    )

    it.effect("inline projections show a command's events as soon as it returns", () =>
      Effect.gen(function* () {
        const accounts = yield* ProjectionRuntime.reader(directoryProjection(1), "accounts")
        const router = yield* CommandRouter.make(Domain.aggregates)
        yield* router.handleTyped(provision, context)
        assert.deepStrictEqual((yield* accounts.get(provision.accountId))?.login, provision.login)
        assert.strictEqual(yield* accounts.count({ index: "login", equals: provision.login.toLowerCase() }), 1)
      }).pipe(Effect.provide(runtime({ inline: [directoryProjection(1)] })), Effect.scoped),
    )

    it.effect("an inline projection that fails refuses the append: neither the event nor any document is kept", () =>
      Effect.gen(function* () {
        const router = yield* CommandRouter.make(Domain.aggregates)
        const error = yield* Effect.flip(router.handleTyped(provision, context))
        assert.strictEqual(error._tag, "EventStoreError")
        assert.include(error.message, "refuses to be provisioned")
        const log = yield* EventStore.EventStore.pipe(Effect.flatMap((events) => events.readAll(0, 100)))
        assert.strictEqual(log.length, 0)
        const accounts = yield* ProjectionRuntime.reader(directoryProjection(1), "accounts")
        assert.strictEqual(yield* accounts.count(), 0)
      }).pipe(Effect.provide(runtime({ inline: [directoryProjection(1), refusing] })), Effect.scoped),
    )

    it.effect(
      "a projection declaring personal: false builds what a decrypting one builds, erased subjects included",
      () =>
        Effect.gen(function* () {
          const router = yield* CommandRouter.make(Domain.aggregates)
          yield* router.handleTyped(provision, context)
          yield* router.handleTyped({ ...provision, accountId: AccountId.make("acc-2") }, context)
          yield* EventStore.EventStore.pipe(Effect.flatMap((events) => events.eraseSubject("acc-2")))
          const projections = yield* ProjectionRuntime.ProjectionRuntime
          const clear = schools("clear", false)
          const decrypting = schools("decrypting", true)
          yield* projections.catchUp(clear)
          yield* projections.catchUp(decrypting)
          const built = yield* everything(yield* ProjectionRuntime.reader(clear, "members"))
          assert.deepStrictEqual(built, yield* everything(yield* ProjectionRuntime.reader(decrypting, "members")))
          assert.deepStrictEqual(built, [
            { account: "acc-1", school: "school-a" },
            { account: "acc-2", school: "school-a" },
          ])
        }).pipe(
          Effect.provide(runtime({ async: [schools("clear", false), schools("decrypting", true)] })),
          Effect.scoped,
        ),
    )

    it.effect("a projection declaring personal: false that reads a personal field fails at that event, async", () =>
      Effect.gen(function* () {
        const router = yield* CommandRouter.make(Domain.aggregates)
        yield* router.handleTyped(provision, context)
        const projections = yield* ProjectionRuntime.ProjectionRuntime
        const error = yield* Effect.flip(projections.catchUp(schools("lying", false, "lastName")))
        assert.instanceOf(error, ProjectionFailed)
        assert.deepStrictEqual([error.position, error.eventType], [1, "AccountProvisioned"])
        assert.include(error.message, "Field lastName of event AccountProvisioned is personal data")
        // Declared as reading personal data, the same handler reads the value.
        yield* projections.catchUp(schools("honest", true, "lastName"))
        const members = yield* ProjectionRuntime.reader(schools("honest", true, "lastName"), "members")
        assert.strictEqual((yield* members.get("acc-1"))?.school, "school-a Anquet")
      }).pipe(
        Effect.provide(runtime({ async: [schools("lying", false, "lastName"), schools("honest", true, "lastName")] })),
        Effect.scoped,
      ),
    )

    it.effect("an inline projection declaring personal: false that reads a personal field refuses the append", () =>
      Effect.gen(function* () {
        const router = yield* CommandRouter.make(Domain.aggregates)
        const error = yield* Effect.flip(router.handleTyped(provision, context))
        assert.include(error.message, "Field lastName of event AccountProvisioned is personal data")
        const log = yield* EventStore.EventStore.pipe(Effect.flatMap((events) => events.readAll(0, 100)))
        assert.strictEqual(log.length, 0)
      }).pipe(Effect.provide(runtime({ inline: [schools("lying", false, "lastName")] })), Effect.scoped),
    )

    it.effect("a reactor issues its commands once per event, even when it sees the event again after a crash", () =>
      Effect.gen(function* () {
        const projections = yield* ProjectionRuntime.ProjectionRuntime
        const router = yield* CommandRouter.make(Domain.aggregates)
        const events = yield* EventStore.EventStore
        const store = yield* ReadModelStore.ReadModelStore
        yield* router.handleTyped(provision, context)
        yield* router.handleTyped({ ...provision, accountId: AccountId.make("acc-2") }, context)
        yield* projections.catchUpReactor("blocker")
        // A crash after the commands, before the checkpoint moved: the reactor reads both events again.
        yield* store.resetCheckpoint(Reactor.idOf(blocker))
        yield* projections.catchUpReactor("blocker")
        for (const id of ["acc-1", "acc-2"]) {
          const stream = yield* events.readStream(StreamName.make("Account", id))
          assert.deepStrictEqual(
            stream.map((r) => r.type),
            ["AccountProvisioned", "AccountBlocked"],
          )
          assert.strictEqual(stream[1]!.metadata.causationId, Reactor.causationId(blocker, stream[0]!.position))
        }
        const [status] = yield* projections.status
        assert.deepStrictEqual([status!.mode, status!.state, status!.lagEvents], ["reactor", "live", 0])
      }).pipe(Effect.provide(runtime({ reactors: [blocker] })), Effect.scoped),
    )

    it.effect("a reactor's commands append through the inline projections, in the append's transaction", () =>
      Effect.gen(function* () {
        const projections = yield* ProjectionRuntime.ProjectionRuntime
        const accounts = yield* ProjectionRuntime.reader(directoryProjection(1), "accounts")
        const router = yield* CommandRouter.make(Domain.aggregates)
        yield* router.handleTyped(provision, context)
        yield* projections.catchUpReactor("blocker")
        // The block the reactor appended is in the inline read model as soon as the reactor returns.
        assert.strictEqual((yield* accounts.get(provision.accountId))?.status, "blocked")
      }).pipe(Effect.provide(runtime({ inline: [directoryProjection(1)], reactors: [blocker] })), Effect.scoped),
    )

    it.effect("a reactor whose command is refused stops at that event and retries it, skipping nothing", () =>
      Effect.gen(function* () {
        const projections = yield* ProjectionRuntime.ProjectionRuntime
        const router = yield* CommandRouter.make(Domain.aggregates)
        yield* router.handleTyped(provision, context)
        yield* renames(2)
        const error = yield* Effect.flip(projections.catchUpReactor("refused"))
        assert.strictEqual(error._tag, "ReactorFailed")
        assert.strictEqual((error as ReactorFailed).position, 2)
        const store = yield* ReadModelStore.ReadModelStore
        const checkpoint = yield* store.checkpoint(Reactor.idOf(refusedReactor))
        assert.strictEqual(checkpoint._tag === "Some" ? checkpoint.value.position : 0, 1)
        const again = yield* Effect.flip(projections.catchUpReactor("refused"))
        assert.strictEqual((again as ReactorFailed).position, 2)
      }).pipe(Effect.provide(runtime({ reactors: [refusedReactor] })), Effect.scoped),
    )

    it.live("a rebuild of an inline projection while commands run applies every event once", () =>
      Effect.gen(function* () {
        const projections = yield* ProjectionRuntime.ProjectionRuntime
        const inline = counting("inline", 1, () => {})
        yield* renames(300)
        // Appends one by one, yielding between them, while the rebuild reads in batches of 5.
        const writer = yield* Effect.fork(
          Effect.forEach(
            Array.from({ length: 40 }, (_, i) => i + 301),
            (k) => Effect.zipRight(renames(1, k), Effect.yieldNow()),
          ),
        )
        yield* Effect.yieldNow()
        // (On memory and SQLite the store runs each call in one step and the appends wait for the rebuild
        // anyway; on PostgreSQL they interleave, and an append applied inline during the catch-up would be
        // applied a second time by it without the runtime's gate.)
        yield* projections.rebuild(inline)
        yield* Fiber.join(writer)
        const counts = yield* ProjectionRuntime.reader(inline, "counts")
        assert.deepStrictEqual(
          (yield* counts.get("Structure-s1"))?.positions,
          Array.from({ length: 340 }, (_, i) => i + 1),
        )
      }).pipe(Effect.provide(runtime({ inline: [counting("inline", 1, () => {})], batchSize: 5 })), Effect.scoped),
    )

    it.effect("a handler that fails stops the projection at that event, with its position, and skips nothing", () =>
      Effect.gen(function* () {
        yield* renames(5)
        const projections = yield* ProjectionRuntime.ProjectionRuntime
        const failing = counting("failing", 1, (position) => {
          if (position === 3) throw new Error("boom")
        })
        const error = yield* Effect.flip(projections.catchUp(failing))
        assert.instanceOf(error, ProjectionFailed)
        assert.deepStrictEqual(
          [error.position, error.eventType, error.streamName],
          [3, "StructureRenamed", "Structure-s1"],
        )
        assert.include(error.message, "boom")
        // The events before it are applied, and a second try stops at the same event.
        const counts = yield* ProjectionRuntime.reader(failing, "counts")
        assert.deepStrictEqual(yield* counts.get("Structure-s1"), { stream: "Structure-s1", positions: [1, 2] })
        const again = yield* Effect.flip(projections.catchUp(failing))
        assert.strictEqual((again as ProjectionFailed).position, 3)
        assert.deepStrictEqual(yield* counts.get("Structure-s1"), { stream: "Structure-s1", positions: [1, 2] })
        const [status] = yield* projections.status
        assert.deepStrictEqual(
          [status!.state, status!.position, status!.head, status!.lagEvents, status!.lastError?.position],
          ["failed", 2, 5, 3, 3],
        )
      }).pipe(Effect.provide(runtime({ async: [counting("failing", 1, () => {})] })), Effect.scoped),
    )

    it.live(
      "the status read from the stores alone: position, lag, runner, last error, inline and retired versions",
      () =>
        Effect.gen(function* () {
          yield* renames(5)
          const projections = yield* ProjectionRuntime.ProjectionRuntime
          const byId = (statuses: ReadonlyArray<StoredStatus.StoredStatus>) =>
            new Map(statuses.map((status) => [status.id, status]))
          const named = { projections: [counting("stored", 1, () => {}), counting("never", 1, () => {})] }
          const pick = (status: StoredStatus.StoredStatus | undefined) =>
            status && [status.state, status.position, status.head, status.lagEvents, status.inline, status.serving]

          // Nothing ran the async ones: behind by the whole log, with the age of its first event.
          const first = byId(yield* StoredStatus.read(named))
          assert.deepStrictEqual(pick(first.get("stored@1")), ["stopped", 0, 5, 5, false, false])
          assert.deepStrictEqual(pick(first.get("never@1")), ["stopped", 0, 5, 5, false, false])
          assert.isAbove(first.get("stored@1")!.lagSeconds, 60)
          assert.deepStrictEqual(pick(first.get("inlined@1")), ["live", 5, 5, 0, true, true])

          // Caught up; one failed at position 3; one held by a runner while behind.
          yield* projections.catchUp(counting("stored", 1, () => {}))
          const failing = counting("broken", 1, (position) => {
            if (position === 3) throw new Error("boom")
          })
          yield* Effect.flip(projections.catchUp(failing))
          yield* projections.catchUp(counting("held", 1, () => {}))
          const store = yield* ReadModelStore.ReadModelStore
          assert.isTrue(yield* store.acquireLease("held@1", "runner-7", 60_000))
          yield* renames(1, 6)
          const second = byId(yield* StoredStatus.read(named))
          assert.deepStrictEqual(pick(second.get("stored@1")), ["stopped", 5, 6, 1, false, true])
          assert.deepStrictEqual(pick(second.get("broken@1")), ["failed", 2, 6, 4, false, false])
          assert.deepStrictEqual(
            [second.get("broken@1")!.lastError?.position, second.get("broken@1")!.lastError?.eventType],
            [3, "StructureRenamed"],
          )
          assert.include(second.get("broken@1")!.lastError?.message, "boom")
          assert.deepStrictEqual(pick(second.get("held@1")), ["catching-up", 5, 6, 1, false, true])
          assert.strictEqual(second.get("held@1")!.runner?.holder, "runner-7")
          assert.isUndefined(second.get("stored@1")!.runner)
          assert.deepStrictEqual(pick(second.get("inlined@1")), ["live", 6, 6, 0, true, true])

          // A new version that caught up serves; the old one is retired.
          yield* projections.catchUp(counting("stored", 2, () => {}))
          const third = byId(yield* StoredStatus.read(named))
          assert.deepStrictEqual(pick(third.get("stored@1")), ["retired", 5, 6, 1, false, false])
          assert.deepStrictEqual(pick(third.get("stored@2")), ["live", 6, 6, 0, false, true])
          assert.deepStrictEqual(
            [...third.values()].map((status) => status.id),
            ["broken@1", "held@1", "inlined@1", "never@1", "stored@1", "stored@2"],
          )
        }).pipe(
          Effect.provide(
            runtime({
              inline: [counting("inlined", 1, () => {})],
              async: [
                counting("stored", 1, () => {}),
                counting("stored", 2, () => {}),
                counting("broken", 1, () => {}),
                counting("held", 1, () => {}),
              ],
            }),
          ),
          Effect.scoped,
        ),
    )

    it.effect("a document that does not encode stops the projection at the event that wrote it", () =>
      Effect.gen(function* () {
        yield* renames(5)
        const projections = yield* ProjectionRuntime.ProjectionRuntime
        const error = yield* Effect.flip(projections.catchUp(emptyAt4))
        assert.deepStrictEqual(
          [(error as ProjectionFailed).position, (error as ProjectionFailed)._tag],
          [4, "ProjectionFailed"],
        )
        assert.include(error.message, "does not encode")
        const counts = yield* ProjectionRuntime.reader(emptyAt4, "counts")
        assert.deepStrictEqual((yield* counts.get("Structure-s1"))?.positions, [1, 2, 3])
      }).pipe(Effect.provide(runtime({ async: [emptyAt4] })), Effect.scoped),
    )

    it.effect("a projection decodes only the events it handles, and its checkpoint moves past the others", () =>
      Effect.gen(function* () {
        yield* renames(2)
        // Rows no catalogue knows: reading them decoded fails, so the projection must skip them undecoded.
        const driver = yield* EventStoreDriver.EventStoreDriver
        const other = {
          type: "Vanished",
          schemaVersion: 1,
          data: JSON.stringify({ _tag: "Vanished" }),
          metadata: JSON.stringify({ occurredAt: "2026-09-01T08:00:00.000Z" }),
        }
        yield* driver.append(StreamName.make("Other", "o1"), ExpectedVersion.noStream, [other, other, other])
        const projections = yield* ProjectionRuntime.ProjectionRuntime
        const skipping = counting("skipping", 1, () => {})
        yield* projections.catchUp(skipping)
        const counts = yield* ProjectionRuntime.reader(skipping, "counts")
        assert.deepStrictEqual((yield* counts.get("Structure-s1"))?.positions, [1, 2])
        const [status] = yield* projections.status
        assert.deepStrictEqual([status!.state, status!.position, status!.head, status!.lagEvents], ["live", 5, 5, 0])
        yield* renames(1, 3)
        yield* projections.rebuild(skipping)
        assert.deepStrictEqual((yield* counts.get("Structure-s1"))?.positions, [1, 2, 6])
      }).pipe(Effect.provide(runtime({ async: [counting("skipping", 1, () => {})], batchSize: 2 })), Effect.scoped),
    )

    it.effect("a new version is built beside the serving one, which serves until the new one has caught up", () =>
      Effect.gen(function* () {
        yield* renames(5)
        const projections = yield* ProjectionRuntime.ProjectionRuntime
        const v1 = counting("beside", 1, () => {})
        const broken = counting("beside", 2, (position) => {
          if (position === 4) throw new Error("not yet")
        })
        const fixed = counting("beside", 2, () => {})
        yield* projections.catchUp(v1)
        assert.strictEqual(yield* projections.serving("beside"), 1)
        yield* Effect.flip(projections.catchUp(broken))
        // v2 is half built: readers still get v1.
        assert.strictEqual(yield* projections.serving("beside"), 1)
        yield* renames(1, 6)
        yield* projections.catchUp(v1)
        const before = yield* ProjectionRuntime.readerOf([fixed, v1], "counts")
        assert.deepStrictEqual((yield* before.get("Structure-s1"))?.positions, [1, 2, 3, 4, 5, 6])
        yield* projections.catchUp(fixed)
        assert.strictEqual(yield* projections.serving("beside"), 2)
        const after = yield* ProjectionRuntime.readerOf([fixed, v1], "counts")
        assert.deepStrictEqual((yield* after.get("Structure-s1"))?.positions, [1, 2, 3, 4, 5, 6])
        // The old version can go once it no longer serves; the serving one cannot.
        yield* projections.retire(v1)
        assert.isFalse(
          (yield* ReadModelStore.ReadModelStore.pipe(Effect.flatMap((s) => s.tables))).includes("beside_v1_counts"),
        )
        const refused = yield* Effect.flip(projections.retire(fixed))
        assert.strictEqual(refused.reason, "InvalidArgument")
      }).pipe(
        Effect.provide(
          runtime({
            async: [counting("beside", 1, () => {}), counting("beside", 2, () => {})],
          }),
        ),
        Effect.scoped,
      ),
    )

    it.live("an async projection follows the log: woken up at once by appends through the runtime's store", () =>
      Effect.gen(function* () {
        const projections = yield* ProjectionRuntime.ProjectionRuntime
        const follower = counting("follower", 1, () => {})
        const counts = yield* ProjectionRuntime.reader(follower, "counts")
        yield* renames(3)
        yield* eventually(Effect.map(counts.get("Structure-s1"), (doc) => doc?.positions.length === 3))
        const [status] = yield* projections.status
        assert.deepStrictEqual([status!.state, status!.position, status!.lagEvents], ["live", 3, 0])
      }).pipe(
        Effect.provide(
          ProjectionRuntime.layer({ async: [counting("follower", 1, () => {})], pollInterval: "1 hour" }).pipe(
            Layer.provideMerge(store),
          ),
        ),
        Effect.scoped,
      ),
    )

    it.live(
      "two runtimes on one store: one holds an async projection, the other waits and takes over when it stops",
      () =>
        Effect.gen(function* () {
          const shared = yield* Layer.build(store)
          const options = {
            async: [counting("leased", 1, () => {})],
            pollInterval: "20 millis",
            leaseTtl: "200 millis",
          } as const
          const start = Layer.build(ProjectionRuntime.layer(options).pipe(Layer.provide(Layer.succeedContext(shared))))
          const first = yield* Effect.flatMap(Scope.make(), (scope) =>
            Effect.map(Scope.extend(start, scope), (ctx) => ({ ctx, scope })),
          )
          yield* Effect.sleep("100 millis")
          const second = yield* start
          const stateOf = (ctx: Context.Context<ProjectionRuntime.ProjectionRuntime>) =>
            Effect.map(Context.get(ctx, ProjectionRuntime.ProjectionRuntime).status, ([s]) => s!.state)
          yield* eventually(Effect.map(stateOf(first.ctx), (state) => state === "live"))
          yield* eventually(Effect.map(stateOf(second), (state) => state === "waiting"))
          yield* Scope.close(first.scope, Exit.void)
          yield* Effect.provide(renames(2), shared)
          yield* eventually(Effect.map(stateOf(second), (state) => state === "live"))
          const counts = yield* Effect.provide(
            ProjectionRuntime.reader(
              counting("leased", 1, () => {}),
              "counts",
            ),
            shared,
          )
          yield* eventually(Effect.map(counts.get("Structure-s1"), (doc) => doc?.positions.length === 2))
        }).pipe(Effect.scoped),
    )
  })
}

/** A feed's provision of one pupil. */
const provision = Schema.decodeUnknownSync(Domain.Command)({
  _tag: "ProvisionAccount",
  actor: { accountId: "system:aaf", roles: [{ _tag: "System", process: "aaf" }] },
  accountId: "acc-1",
  profile: "Student",
  origin: { _tag: "Feed", source: "AAF", externalId: "jointure-acc-1" },
  structureId: "school-a",
  login: "marie.anquet",
  firstName: "Marie",
  lastName: "Anquet",
  activationCode: "3n6g8fmj",
}) as Extract<Domain.Command, { readonly _tag: "ProvisionAccount" }>

/** Throws on every provision, after the directory wrote its document in the same transaction. */
const Members = ReadModel.collection("members", {
  document: Schema.Struct({ account: Schema.String, school: Schema.String }),
  key: (member) => member.account,
})

/** Where each account was provisioned; `reads` names a personal field its handler reads too. */
const schools = (name: string, personal: boolean, reads?: "lastName") =>
  Projection.make({
    name,
    version: 1,
    events: Domain.events,
    collections: { members: Members },
    personal,
    handlers: {
      AccountProvisioned: (event, into) =>
        into.members.put({
          account: event.accountId,
          school: reads === undefined ? event.structureId : `${event.structureId} ${event[reads]}`,
        }),
    },
  })

const refusing = Projection.make({
  name: "refusing",
  version: 1,
  events: Domain.events,
  collections: {
    counts: ReadModel.collection("counts", {
      document: Schema.Struct({ stream: Schema.String }),
      key: (c) => c.stream,
    }),
  },
  handlers: {
    AccountProvisioned: () => {
      throw new Error("this account refuses to be provisioned")
    },
  },
})

/** Blocks every account the feed provisions: a reactor for the tests. */
const blocker = Reactor.make({
  name: "blocker",
  events: Domain.events,
  reactions: {
    AccountProvisioned: (event, { context }) =>
      Effect.flatMap(CommandRouter.make(Domain.aggregates), (router) =>
        router.handleTyped({ _tag: "BlockAccount", actor: provision.actor, accountId: event.accountId }, context()),
      ),
  },
})

/** Asks for something the domain refuses (a rename of a structure never registered). */
const refusedReactor = Reactor.make({
  name: "refused",
  events: Domain.events,
  reactions: {
    StructureRenamed: (_event, { context }) =>
      Effect.flatMap(CommandRouter.make(Domain.aggregates), (router) =>
        router.handleTyped(
          Schema.decodeUnknownSync(Domain.Command)({
            _tag: "RenameGroup",
            actor: provision.actor,
            structureId: "nowhere",
            groupId: "nowhere$6A",
            name: "6e A",
          }),
          context(),
        ),
      ),
  },
})

/** Appends `count` renames of one structure, one append each, from version `from`. */
const renames = (count: number, from = 1) =>
  Effect.gen(function* () {
    const events = yield* EventStore.EventStore
    const stream = StreamName.make("Structure", "s1")
    for (let k = from; k < from + count; k++) {
      const event = Schema.decodeUnknownSync(StructureEvents.StructureRenamed)({
        _tag: "StructureRenamed",
        structureId: "s1",
        name: `Lycée ${k}`,
      })
      yield* events.append(stream, k === 1 ? ExpectedVersion.noStream : ExpectedVersion.exact(k - 1), [
        { event, metadata: metadata("2026-09-01T08:00:00Z") },
      ])
    }
  })

const Count = Schema.Struct({ stream: Schema.String, positions: Schema.Array(Schema.Number) })
const Counts = ReadModel.collection("counts", { document: Count, key: (count) => count.stream })

/** Records the positions of the renames it reads; `check` may throw on one. */
const counting = (name: string, version: number, check: (position: number) => void) =>
  Projection.make({
    name,
    version,
    events: StructureEvents.events,
    collections: { counts: Counts },
    handlers: {
      StructureRenamed: (_event, into, recorded) => {
        check(recorded.position)
        return into.counts.update(recorded.streamName, (current) => ({
          stream: recorded.streamName,
          positions: [...(current?.positions ?? []), recorded.position],
        }))
      },
    },
  })

/** Writes a document its Schema refuses (an empty stream name) from position 4 on. */
const emptyAt4 = Projection.make({
  name: "strict",
  version: 1,
  events: StructureEvents.events,
  collections: {
    counts: ReadModel.collection("counts", {
      document: Schema.Struct({ stream: Schema.NonEmptyString, positions: Schema.Array(Schema.Number) }),
      key: (count) => (count.stream === "" ? "Structure-s1" : count.stream),
    }),
  },
  handlers: {
    StructureRenamed: (_event, into, recorded) =>
      into.counts.update(recorded.streamName, (current) => ({
        stream: recorded.position >= 4 ? "" : recorded.streamName,
        positions: [...(current?.positions ?? []), recorded.position],
      })),
  },
})

/** Waits until `condition` holds, up to 5 seconds. */
const eventually = (condition: Effect.Effect<boolean, unknown>) =>
  Effect.gen(function* () {
    for (let i = 0; i < 250; i++) {
      if (yield* Effect.orElseSucceed(condition, () => false)) return
      yield* Effect.sleep("20 millis")
    }
    return yield* Effect.dieMessage("the condition did not hold within 5 seconds")
  })

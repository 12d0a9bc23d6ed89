/**
 * OpenTelemetry through @effect/opentelemetry: the spans and metrics of one command
 * end to end (a signed-in account's intent through the Workspace on the memory store),
 * collected with an in-memory span exporter and a metric reader, and no personal data
 * (names, logins, e-mail addresses, a report's comment) in any span attribute, event or
 * status, for random values of them.
 */

import * as EventStore from "@cartable/eventlog/EventStore"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as Projection from "@cartable/projections/Projection"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as Authorization from "@cartable/read-models/Authorization"
import * as Directory from "@cartable/read-models/Directory"
import * as Workspace from "@cartable/workspace/Workspace"
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { assert, describe, it } from "@effect/vitest"
import { type HrTime, SpanStatusCode } from "@opentelemetry/api"
import { type DataPoint, type Histogram, MetricReader } from "@opentelemetry/sdk-metrics"
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import { catalog, context, ids, memory, setup } from "../packages/workspace/test/world.ts"

/** A reader that collects on demand: the test reads the metrics when it wants them. */
class OnDemandReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve()
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve()
  }
}

const telemetry = () => {
  const exporter = new InMemorySpanExporter()
  const reader = new OnDemandReader()
  const layer = NodeSdk.layer(() => ({
    resource: { serviceName: "cartable-test" },
    spanProcessor: new SimpleSpanProcessor(exporter),
    metricReader: reader,
  }))
  return { exporter, reader, layer }
}

interface Point {
  readonly name: string
  readonly attributes: Record<string, unknown>
  readonly value: unknown
}

const metricsOf = (reader: MetricReader): Effect.Effect<ReadonlyArray<Point>> =>
  Effect.promise(() => reader.collect()).pipe(
    Effect.map(({ resourceMetrics }) =>
      resourceMetrics.scopeMetrics.flatMap((scope) =>
        scope.metrics.flatMap((metric) =>
          (metric.dataPoints as ReadonlyArray<DataPoint<unknown>>).map((point) => ({
            name: metric.descriptor.name,
            attributes: point.attributes,
            value: point.value,
          })),
        ),
      ),
    ),
  )

const pointOf = (points: ReadonlyArray<Point>, name: string, attributes: Record<string, unknown>) =>
  points.find(
    (point) =>
      point.name === name && Object.entries(attributes).every(([key, value]) => point.attributes[key] === value),
  )

const ms = (time: HrTime) => time[0] * 1e3 + time[1] / 1e6
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId

describe("telemetry of one command, end to end", () => {
  it.effect(
    "spans: the request's Workspace.handle, its CommandHandler.handle child, one trace; metrics counted",
    () => {
      const { exporter, reader, layer } = telemetry()
      return Effect.gen(function* () {
        yield* setup
        exporter.reset()
        const workspace = yield* Workspace.Workspace
        // The vendor's request: its own span, the parent of the library's.
        yield* workspace
          .handle(ids.vendor, { _tag: "BlockAccount", accountId: ids.staff[0] }, context)
          .pipe(Effect.withSpan("vendor.request"))

        const spans = exporter.getFinishedSpans()
        const named = (name: string) => spans.filter((span) => span.name === name)
        const [request] = named("vendor.request")
        const [handle] = named("Workspace.handle")
        const [command] = named("CommandHandler.handle")
        assert.isDefined(request)
        assert.isDefined(handle)
        assert.isDefined(command)
        assert.strictEqual(parentOf(handle!), request!.spanContext().spanId)
        assert.strictEqual(parentOf(command!), handle!.spanContext().spanId)
        assert.isTrue(spans.every((span) => span.spanContext().traceId === request!.spanContext().traceId))
        assert.deepStrictEqual(handle!.attributes, { accountId: ids.vendor })
        assert.deepStrictEqual(command!.attributes, { category: "Account", command: "BlockAccount" })
        // One span per command: the handler's covers the stream's read, the append and the inline projections'
        // read back of it, through the runtime's store as through the bare one (a span costs ~6 µs).
        assert.deepStrictEqual(
          spans.filter((span) => parentOf(span) === command!.spanContext().spanId).map((span) => span.name),
          [],
        )
        assert.deepStrictEqual(spans.length, 3)
        assert.isAtLeast(ms(command!.startTime), ms(handle!.startTime))
        assert.isAtMost(ms(command!.endTime), ms(handle!.endTime))
        assert.strictEqual(handle!.status.code, SpanStatusCode.OK)

        // A rule refuses (BR-ACC-6: a teacher is no administrator), a body names an actor: each counted apart.
        yield* Effect.flip(workspace.handle(ids.staff[1], { _tag: "BlockAccount", accountId: ids.pupil }, context))
        yield* Effect.flip(
          workspace.handle(ids.vendor, { _tag: "BlockAccount", accountId: ids.pupil, actor: "forged" }, context),
        )
        // A failed span records the error's tag, rule id and reason, not its message (which may quote a person).
        const refused = exporter.getFinishedSpans().filter((span) => span.status.code === SpanStatusCode.ERROR)
        assert.deepStrictEqual(
          refused.map((span) => `${span.name}: ${span.status.message}`),
          [
            "CommandHandler.handle: AccountRejected BR-ACC-6 NotAuthorized",
            "Workspace.handle: AccountRejected BR-ACC-6 NotAuthorized",
            "Workspace.handle: InvalidCommand",
          ],
        )
        const points = yield* metricsOf(reader)
        const counter = (attributes: Record<string, unknown>) =>
          pointOf(points, "cartable.commands", { category: "Account", command: "BlockAccount", ...attributes })?.value
        assert.strictEqual(counter({ outcome: "accepted" }), 1)
        assert.strictEqual(counter({ outcome: "rejected" }), 1)
        assert.strictEqual(
          pointOf(points, "cartable.workspace.refused", { entry: "handle", reason: "InvalidCommand" })?.value,
          1,
        )
        // The setup's commands too: the feed's provisions, counted under the command of each.
        assert.isAtLeast(
          Number(pointOf(points, "cartable.commands", { command: "ProvisionAccount", outcome: "accepted" })?.value),
          5,
        )
        const appended = pointOf(points, "cartable.event_store.append.duration", { category: "Account" })
        assert.isAtLeast((appended?.value as Histogram | undefined)?.count ?? 0, 6)
        assert.isAtLeast(
          Number(pointOf(points, "cartable.event_store.events_appended", { category: "Account" })?.value),
          6,
        )
      }).pipe(Effect.provide(Layer.merge(memory(), layer)))
    },
  )
})

describe("telemetry of an async projection", () => {
  it.effect("a catch-up's span holds one span per batch; the lag gauge reads 0 once caught up", () => {
    const { exporter, reader, layer } = telemetry()
    // The directory async, in batches of 5 events, caught up by hand.
    const storage = Workspace.layer.pipe(
      Layer.provideMerge(Authorization.layer),
      Layer.provideMerge(
        ProjectionRuntime.layer({
          inline: [Authorization.AuthorizationProjection],
          async: [Directory.DirectoryProjection],
          batchSize: 5,
          background: false,
        }),
      ),
      Layer.provideMerge(
        EventStore.layer(catalog).pipe(
          Layer.provideMerge(Layer.merge(ReadModelStore.layerMemoryWithDriver, SubjectKeyStore.layerMemory)),
        ),
      ),
    )
    return Effect.gen(function* () {
      yield* setup
      exporter.reset()
      const runtime = yield* ProjectionRuntime.ProjectionRuntime
      yield* runtime.catchUp(Directory.DirectoryProjection)
      const id = Projection.idOf(Directory.DirectoryProjection)
      const spans = exporter.getFinishedSpans()
      const [catchUp] = spans.filter((span) => span.name === "ProjectionRuntime.catchUp")
      assert.deepStrictEqual(catchUp?.attributes, { projection: id })
      const batches = spans.filter((span) => span.name === "ProjectionRuntime.batch")
      assert.isAtLeast(batches.length, 3)
      for (const batch of batches) {
        assert.strictEqual(parentOf(batch), catchUp!.spanContext().spanId)
        assert.strictEqual(batch.attributes["projection"], id)
        assert.strictEqual(batch.attributes["size"], 5)
      }
      // Each batch starts where the one before ended.
      const ranges = batches.map((batch) => [Number(batch.attributes["from"]), Number(batch.attributes["to"])])
      for (let i = 1; i < ranges.length; i++) assert.strictEqual(ranges[i]![0], ranges[i - 1]![1])
      const points = yield* metricsOf(reader)
      assert.strictEqual(pointOf(points, "cartable.projection.lag", { projection: id })?.value, 0)
      assert.isAbove(Number(pointOf(points, "cartable.projection.events_projected", { projection: id })?.value), 0)
    }).pipe(Effect.provide(Layer.merge(storage, layer)))
  })
})

/** A person's values, drawn at random: what must never reach a span. */
const letters = (min: number, max: number) =>
  FastCheck.stringMatching(new RegExp(`^[a-zéèçàùœ]{${min},${max}}$`)).filter(
    (value) => value.length >= min && !/account|report|school|structure|handle|command|workspace|vendor/.test(value),
  )
const person = FastCheck.record({
  firstName: letters(8, 14).map((value) => `${value[0]!.toUpperCase()}${value.slice(1)}`),
  lastName: letters(8, 14).map((value) => value.toUpperCase()),
  login: FastCheck.tuple(FastCheck.stringMatching(/^[a-z]{6,10}$/), FastCheck.stringMatching(/^[a-z]{6,10}$/)).map(
    ([a, b]) => `${a}.${b}`,
  ),
  email: FastCheck.tuple(letters(8, 12), FastCheck.constantFrom("example.org", "ac-nancy-metz.fr")).map(
    ([local, domain]) => `${local}@${domain}`,
  ),
  comment: FastCheck.tuple(letters(8, 12), letters(8, 12)).map(([a, b]) => `${a} ${b} m'a insulté`),
})

/** Every text a span carries: its name, attributes, events and their attributes, status message. */
const textsOf = (span: ReadableSpan): ReadonlyArray<string> => [
  span.name,
  ...Object.entries(span.attributes).map(([key, value]) => `${key}=${String(value)}`),
  ...span.events.flatMap((event) => [
    event.name,
    ...Object.entries(event.attributes ?? {}).map(([key, value]) => `${key}=${String(value)}`),
  ]),
  span.status.message ?? "",
]

describe("no personal data in spans", () => {
  it.effect.prop(
    "names, logins, e-mail addresses and a report's comment never reach a span's attributes",
    [person],
    ([drawn]) => {
      const { exporter, layer } = telemetry()
      return Effect.gen(function* () {
        yield* setup
        const workspace = yield* Workspace.Workspace
        const feed = workspace.system("aaf-import")
        const accountId = "acc-drawn"
        const provision = (id: string) =>
          feed.handle(
            {
              _tag: "ProvisionAccount",
              accountId: id,
              profile: "Student",
              origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${id}` },
              structureId: ids.schoolA,
              login: drawn.login,
              firstName: drawn.firstName,
              lastName: drawn.lastName,
              activationCode: "3n6g8fmj",
            },
            context,
          )
        yield* provision(accountId)
        // Refused paths too: the login taken (BR-ACC-10), a bad e-mail address, a bad field.
        yield* Effect.either(provision("acc-drawn-twin"))
        const update = (email: string) =>
          feed.handle(
            {
              _tag: "UpdateAccountIdentity",
              accountId,
              firstName: drawn.lastName,
              lastName: drawn.firstName,
              email,
            },
            context,
          )
        yield* update(drawn.email)
        yield* Effect.either(update(drawn.email.replace("@", " at ")))
        yield* Effect.either(
          workspace.handle(ids.vendor, { _tag: "BlockAccount", accountId: drawn.login, note: drawn.comment }, context),
        )
        yield* workspace.handle(
          ids.pupil,
          {
            _tag: "ReportContent",
            reportId: "rep-drawn",
            structureId: ids.schoolA,
            content: { kind: "Notification", contentId: "notification-1", authorId: ids.otherPupil },
            reportedAt: "2026-09-07T08:00:00.000Z",
            comment: drawn.comment,
          },
          context,
        )
        const personal = [drawn.firstName, drawn.lastName, drawn.login, drawn.email, drawn.comment].map((value) =>
          value.toLowerCase(),
        )
        const spans = exporter.getFinishedSpans()
        assert.isAbove(spans.length, 10)
        for (const span of spans) {
          for (const text of textsOf(span)) {
            const found = personal.find((value) => text.toLowerCase().includes(value))
            assert.isUndefined(found, `span ${span.name} carries ${found}: ${text}`)
          }
        }
      }).pipe(Effect.provide(Layer.merge(memory(), layer)))
    },
    { fastCheck: { numRuns: 15 } },
  )
})

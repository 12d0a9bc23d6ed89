/**
 * What users call: the command router over the core's aggregates, on a store
 * with the core's catalogue (personal data encrypted per subject), with
 * realistic commands decoded from JSON bodies. Compared to the typed store
 * appending the same events directly, so the ratio is the cost of decoding,
 * loading, deciding and retrying. And a burst of concurrent commands on one
 * stream: how many go through with the default retry, and how fast.
 */
import * as Domain from "@cartable/domain/Domain"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { type Figure, figure, time } from "./harness.ts"

/** The sizes of the command workloads. */
export interface CommandSizes {
  /** Accounts provisioned, then given an external identity: two commands each. */
  readonly accounts: number
  /** Concurrent commands on one stream in the contention burst. */
  readonly burst: number
}

const feed = { accountId: "system:aaf", roles: [{ _tag: "System", process: "aaf" }] }
const occurredAt = DateTime.unsafeMake("2026-09-01T07:30:00Z")
const context = { occurredAt, correlationId: "aaf-import-2026-09-01" }

/** A pupil as the AAF feed sends him: about 400 bytes of JSON. */
const provision = (prefix: string, n: number) => ({
  _tag: "ProvisionAccount",
  actor: feed,
  accountId: `${prefix}-${n}`,
  profile: "Student",
  origin: { _tag: "Feed", source: "AAF", externalId: `${prefix}-j${n}` },
  structureId: "0571994H",
  login: `eleve.${prefix}${n}`,
  firstName: "Léa-Chloé",
  lastName: "Martin-Dubois",
  activationCode: "3n6g8fmj",
})

const linkIdentity = (accountId: string, n: number) => ({
  _tag: "LinkExternalIdentity",
  actor: feed,
  accountId,
  provider: `EduConnect-${n}`,
  subject: `ec-${accountId}-${n}`,
})

/**
 * Runs the command workloads on a store built by `layer` (a fresh database
 * each time it is built) and returns their figures.
 */
export const run = async (
  layer: (round: number) => Promise<Layer.Layer<EventStore.EventStore, unknown>>,
  sizes: CommandSizes,
  repeat: number,
): Promise<ReadonlyArray<Figure>> => {
  const workload = `commands: ${sizes.accounts.toLocaleString("en")} pupils provisioned and linked (2 commands each)`
  const router: Array<number> = []
  const direct: Array<number> = []
  const burst = `contention: ${sizes.burst} concurrent commands on one stream, default retry`
  const burstSeconds: Array<number> = []
  let accepted = 0
  for (let round = 0; round < repeat; round++) {
    const runtime = ManagedRuntime.make(await layer(round))
    try {
      const handle = await runtime.runPromise(CommandRouter.make(Domain.aggregates))
      const prefix = `r${round}`
      router.push(
        await time(() =>
          runtime.runPromise(
            Effect.forEach(
              Array.from({ length: sizes.accounts }, (_, n) => n),
              (n) =>
                Effect.zipRight(
                  handle.handle(provision(prefix, n), context),
                  handle.handle(linkIdentity(`${prefix}-${n}`, 0), context),
                ),
              { discard: true },
            ),
          ),
        ),
      )
      // The same events appended straight to the typed store (to streams of their own), with the
      // expected versions the handler used.
      const store = await runtime.runPromise(EventStore.EventStore)
      const events = await runtime.runPromise(
        Effect.forEach(
          Array.from({ length: sizes.accounts }, (_, n) => n),
          (n) =>
            Effect.map(
              store.readStream(StreamName.make("Account", `${prefix}-${n}`)),
              (recorded) => [n, recorded.map((entry) => entry.event)] as const,
            ),
        ),
      )
      const metadata = new EventMetadata({ occurredAt, actor: feed.accountId, correlationId: context.correlationId })
      direct.push(
        await time(() =>
          runtime.runPromise(
            Effect.forEach(
              events,
              ([n, [provisioned, linked]]) =>
                Effect.zipRight(
                  store.append(StreamName.make("Account", `d${prefix}-${n}`), ExpectedVersion.noStream, [
                    { event: provisioned!, metadata },
                  ]),
                  store.append(StreamName.make("Account", `d${prefix}-${n}`), ExpectedVersion.exact(1), [
                    { event: linked!, metadata },
                  ]),
                ),
              { discard: true },
            ),
          ),
        ),
      )
      // The burst: every command targets one account, each adds an identity, so each must be appended.
      const target = `${prefix}-0`
      const outcomes = await runtime.runPromise(
        Effect.gen(function* () {
          const started = performance.now()
          const exits = yield* Effect.forEach(
            Array.from({ length: sizes.burst }, (_, n) => n + 1),
            (n) => Effect.exit(handle.handle(linkIdentity(target, n), context)),
            { concurrency: "unbounded" },
          )
          burstSeconds.push((performance.now() - started) / 1000)
          return exits
        }),
      )
      accepted += outcomes.filter(Exit.isSuccess).length
      const { version } = await runtime.runPromise(CommandHandler.load(Domain.aggregates.Account, target))
      if (version !== 2 + outcomes.filter(Exit.isSuccess).length) throw new Error(`burst: stream at ${version}`)
    } finally {
      await runtime.dispose()
    }
  }
  const typed = "typed EventStore: the same events appended directly"
  return [
    figure(workload, typed, sizes.accounts * 2, "events", direct),
    figure(
      workload,
      "CommandRouter.handle (decode, load, decide, append)",
      sizes.accounts * 2,
      "commands",
      router,
      typed,
    ),
    figure(burst, `${accepted} of ${sizes.burst * repeat} accepted`, sizes.burst, "commands", burstSeconds),
  ]
}

/**
 * A tiny application service over the library: one command handler per
 * aggregate, a clock, and a journal of what was accepted or refused. A vendor's
 * HTTP API would sit where this sits.
 */
import { randomBytes } from "node:crypto"
import * as Credentials from "@cartable/domain/Credentials"
import * as Domain from "@cartable/domain/Domain"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/** Draws an activation or renewal code from the operating system's CSPRNG (BR-ACC-2). */
export const drawCode = (): Credentials.OneTimeCode =>
  Option.getOrThrowWith(Credentials.codeFromBytes(randomBytes(32)), () => new Error("not enough random bytes"))

export const make = Effect.gen(function* () {
  // One router over the core's aggregates: it decodes any command and dispatches on its tag.
  const router = yield* CommandRouter.make(Domain.aggregates)
  let clock = DateTime.unsafeMake("2026-08-28T07:00:00Z")
  const refusals: Array<{ readonly command: string; readonly ruleId: string; readonly message: string }> = []

  /** Moves the demo's clock: the domain has none, time comes with each command. */
  const at = (iso: string) =>
    Effect.sync(() => {
      clock = DateTime.unsafeMake(iso)
      return clock
    })

  const refuse = (command: unknown) => (refusal: { readonly ruleId: string; readonly message: string }) =>
    Effect.sync((): ReadonlyArray<never> => {
      refusals.push({ command: String(command), ruleId: refusal.ruleId, message: refusal.message })
      return []
    })

  /**
   * Decodes and submits a command, as a vendor's API would: accepted, it returns
   * the events recorded; refused by a business rule or not decodable, it records
   * the refusal and returns none. Store failures fail.
   */
  const submit = (input: Readonly<Record<string, unknown>>) =>
    router.handle(input, { occurredAt: clock, correlationId: "start-of-year-2026" }).pipe(
      Effect.map((handled) => handled.events),
      Effect.catchTags({
        AccountRejected: refuse(input._tag),
        StructureRejected: refuse(input._tag),
        ReportRejected: refuse(input._tag),
        HomeworkBookRejected: refuse(input._tag),
        InvalidCommand: (invalid) => refuse(input._tag)({ ruleId: "invalid input", message: invalid.message }),
      }),
    )

  /** Submits commands in order, returning how many recorded events. */
  const submitAll = (commands: Iterable<Readonly<Record<string, unknown>>>) =>
    Effect.reduce(commands, 0, (accepted, command) =>
      Effect.map(submit(command), (events) => (events.length > 0 ? accepted + 1 : accepted)),
    )

  return { submit, submitAll, at, refusals: refusals as ReadonlyArray<(typeof refusals)[number]>, now: () => clock }
})

/** The workspace service's type. */
export type Workspace = Effect.Effect.Success<typeof make>

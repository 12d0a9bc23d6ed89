import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"

/**
 * SQLite only: scrubs the file and its WAL after a key was destroyed. With
 * `secure_delete` the new version of the key's page has the cell zeroed, but the
 * old version stays in the main file until a checkpoint copies the new one over
 * it, and in the WAL until the WAL is reset. `wal_checkpoint(TRUNCATE)` does both,
 * unless a read transaction (of another connection or process) still uses the old
 * snapshot: the checkpoint then stops short. So `request` tries at once, then again
 * with a backoff for up to {@link INLINE}, and if a reader still holds on, leaves it
 * to a fiber of the layer's scope that retries (at least once a second) until a
 * checkpoint completes: no copy of the key outlives the last reader of the old
 * snapshot by more than a second.
 */
export interface WalScrubber {
  readonly request: Effect.Effect<void>
}

/** How long `request` itself retries before it hands the scrubbing over to the background. */
export const INLINE: Duration.Duration = Duration.seconds(1)

class ReaderHoldsWal extends Data.TaggedError("ReaderHoldsWal") {}

/** 10 ms, doubling, capped at one second between attempts. */
const backoff = Schedule.exponential("10 millis").pipe(Schedule.either(Schedule.spaced("1 second")))

const noop: WalScrubber = { request: Effect.void }

export const make: Effect.Effect<WalScrubber, never, SqlClient.SqlClient | Scope.Scope> = Effect.gen(function* () {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  if (sql.onDialectOrElse({ sqlite: () => false, orElse: () => true })) return noop

  // One attempt, on the connection reserved from other statements, with no busy wait: a
  // RESTART or TRUNCATE checkpoint otherwise blocks the connection (better-sqlite3: the
  // whole process) for the busy timeout while a reader holds on.
  const attempt: Effect.Effect<void, SqlError | ReaderHoldsWal> = Effect.scoped(
    Effect.gen(function* () {
      const conn = yield* sql.reserve
      const [setting] = (yield* conn.executeUnprepared("PRAGMA busy_timeout", [], undefined)) as ReadonlyArray<{
        readonly timeout?: unknown
      }>
      const timeout = Number(setting?.timeout ?? 5000)
      yield* conn.executeUnprepared("PRAGMA busy_timeout = 0", [], undefined)
      const checkpoint = (mode: "PASSIVE" | "RESTART" | "TRUNCATE") =>
        Effect.map(conn.executeUnprepared(`PRAGMA wal_checkpoint(${mode})`, [], undefined), (rows) => {
          const row = rows[0] as { readonly busy?: unknown; readonly log?: unknown; readonly checkpointed?: unknown }
          return Number(row?.busy ?? 0) === 0 && Number(row?.checkpointed ?? 0) === Number(row?.log ?? 0)
        })
      // Step by step, each only once the previous one went through: a RESTART or TRUNCATE
      // checkpoint that still has frames to copy past a reader waits (better-sqlite3 12:
      // the busy timeout, whatever busy_timeout says), while PASSIVE never waits.
      const done = yield* checkpoint("PASSIVE").pipe(
        Effect.flatMap((copied) => (copied ? checkpoint("RESTART") : Effect.succeed(false))),
        Effect.flatMap((restarted) => (restarted ? checkpoint("TRUNCATE") : Effect.succeed(false))),
        Effect.ensuring(Effect.ignore(conn.executeUnprepared(`PRAGMA busy_timeout = ${timeout}`, [], undefined))),
      )
      if (!done) return yield* new ReaderHoldsWal()
    }),
  )

  const pending = yield* Queue.sliding<void>(1)
  yield* Queue.take(pending).pipe(
    Effect.zipRight(
      attempt.pipe(
        Effect.retry(backoff),
        Effect.tap(() => Effect.logDebug("SQLite WAL scrubbed: the destroyed subject key is gone from every file")),
      ),
    ),
    Effect.forever,
    Effect.forkScoped,
  )

  const request = Effect.flatMap(Effect.serviceOption(SqlClient.TransactionConnection), (transaction) =>
    // Inside a transaction the connection is taken, and a checkpoint could not run on it anyway.
    transaction._tag === "Some"
      ? Queue.offer(pending, undefined)
      : attempt.pipe(
          Effect.retry(backoff.pipe(Schedule.upTo(INLINE))),
          Effect.catchAll(() =>
            Effect.zipRight(
              Effect.logWarning(
                "A reader holds the SQLite WAL: the destroyed subject key is scrubbed from the files once it ends",
              ),
              Queue.offer(pending, undefined),
            ),
          ),
        ),
  )
  return { request: Effect.asVoid(request) }
})

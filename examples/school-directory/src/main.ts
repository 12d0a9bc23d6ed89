/**
 * A school directory on the projection runtime: accounts provisioned by the
 * feed and activated by their holders, the directory kept inline (a search
 * right after a command sees it), statistics kept asynchronously, the status an
 * operator reads, and a rebuild that gives the same directory.
 *
 * Run it: `npx -y pnpm@10.34.8 --filter @cartable/example-school-directory start`.
 */
import * as Domain from "@cartable/domain/Domain"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Directory, Statistics } from "./Directory.ts"

export const catalog = EventCatalog.make(Domain.events)

/** The event store and the read-model store on one database: here in memory. */
export const Storage = EventStore.layer(catalog).pipe(
  Layer.provideMerge(Layer.merge(ReadModelStore.layerMemoryWithDriver, SubjectKeyStore.layerMemory)),
)

/** The runtime over it: the directory inline, the statistics in a background fiber. */
export const Live = ProjectionRuntime.layer({ inline: [Directory], async: [Statistics] }).pipe(
  Layer.provideMerge(Storage),
)

const feed = { accountId: "system:aaf", roles: [{ _tag: "System", process: "aaf" }] }
const pupils = [
  { id: "acc-1", login: "marie.anquet", firstName: "Marie", lastName: "Anquet", school: "school-a" },
  { id: "acc-2", login: "marius.bonnet", firstName: "Marius", lastName: "Bonnet", school: "school-a" },
  { id: "acc-3", login: "louise.paulin", firstName: "Louise", lastName: "Paulin", school: "school-a" },
  { id: "acc-4", login: "marc.durand", firstName: "Marc", lastName: "Durand", school: "school-b" },
]

export const program = Effect.gen(function* () {
  const router = yield* CommandRouter.make(Domain.aggregates)
  const runtime = yield* ProjectionRuntime.ProjectionRuntime
  const context = { occurredAt: DateTime.unsafeMake("2026-09-01T08:00:00Z") }
  for (const pupil of pupils) {
    yield* router.handle(
      {
        _tag: "ProvisionAccount",
        actor: feed,
        accountId: pupil.id,
        profile: "Student",
        origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${pupil.id}` },
        structureId: pupil.school,
        login: pupil.login,
        firstName: pupil.firstName,
        lastName: pupil.lastName,
        activationCode: "3n6g8fmj",
      },
      context,
    )
  }
  yield* router.handle(
    {
      _tag: "ActivateAccount",
      accountId: "acc-1",
      login: "marie.anquet",
      activationCode: "3n6g8fmj",
      password: "Un mot de passe solide 2026",
      // The password's hash, as @cartable/identity's activation computes it (docs/identity.md).
      passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
      charterAccepted: true,
      email: "marie.anquet@example.org",
    },
    context,
  )

  // Inline: the directory shows every command as soon as it returned.
  const accounts = yield* ProjectionRuntime.reader(Directory, "accounts")
  const search = yield* accounts.find({ index: "login", prefix: "mar", limit: 10 })
  const inSchoolA = yield* accounts.count({ index: "school", equals: "school-a" })
  const active = yield* accounts.find({ index: "status", equals: "active" })

  // Async: the statistics follow; `catchUp` waits until they reached the head.
  yield* runtime.catchUp(Statistics)
  const schools = yield* ProjectionRuntime.reader(Statistics, "schools")
  const statistics = (yield* schools.find()).documents

  const status = yield* runtime.status
  // A rebuild replays the log from position 0: the same directory.
  yield* runtime.rebuild(Directory)
  const rebuilt = yield* accounts.find({ index: "login", prefix: "mar", limit: 10 })

  return {
    search: search.documents.map((account) => account.login),
    inSchoolA,
    active: active.documents.map((account) => account.login),
    statistics,
    status: status.map(({ name, mode, state, position, lagEvents }) => ({ name, mode, state, position, lagEvents })),
    rebuiltIsEqual: JSON.stringify(rebuilt.documents) === JSON.stringify(search.documents),
  }
})

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(program.pipe(Effect.provide(Live))).then((result) => console.log(JSON.stringify(result, null, 2)))
}

/**
 * A small ENT for the identity tests: memory stores, the Authorization facts
 * inline, the Workspace, argon2id with cheap parameters (tests hash a lot), the
 * local provider, an in-memory outbox, and the flows. The feed registers a
 * school and provisions a pupil, a parent, a teacher and a staff member.
 */
import * as Domain from "@cartable/domain/Domain"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as Argon2Hasher from "@cartable/idp-local/Argon2Hasher"
import * as LocalProvider from "@cartable/idp-local/LocalProvider"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as Authorization from "@cartable/read-models/Authorization"
import * as Workspace from "@cartable/workspace/Workspace"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Identity from "../src/Identity.ts"
import type { IdentityStore } from "../src/IdentityStore.ts"
import * as IdentityStoreMemory from "../src/IdentityStoreMemory.ts"
import * as Mailer from "../src/Mailer.ts"

export const catalog = EventCatalog.make(Domain.events)
export const context = { occurredAt: DateTime.unsafeMake("2026-09-01T08:00:00Z") }
/** Cheap argon2id for tests; the flows do not depend on the cost. */
export const testParameters: Argon2Hasher.Parameters = { memoryCost: 1_024, timeCost: 1, parallelism: 1 }

export const ids = {
  school: StructureId.make("0571994H"),
  pupil: AccountId.make("pupil-1"),
  relative: AccountId.make("relative-1"),
  teacher: AccountId.make("teacher-1"),
  staff: AccountId.make("staff-1"),
} as const

export const logins = {
  pupil: "marie.anquet",
  relative: "laou.anquet",
  teacher: "jerome.arnaud",
  staff: "camille.martin",
} as const

export const codes = {
  pupil: "3n6g8fmj",
  relative: "wgr53kv4",
  teacher: "kdbw6fnc",
  staff: "54y3p6rd",
} as const

/** Fresh memory stores: the log, the read models, the keys, and the identity store. */
export const memory = (): Layer.Layer<EventStore.EventStore | ReadModelStore.ReadModelStore | IdentityStore> =>
  Layer.merge(
    EventStore.layer(catalog).pipe(
      Layer.provideMerge(Layer.merge(ReadModelStore.layerMemoryWithDriver, SubjectKeyStore.layerMemory)),
    ),
    IdentityStoreMemory.layer,
  )

/** The whole stack over a storage (fresh memory stores by default); `options` go to the flows. */
export const stack = <E>(
  options: Identity.Options = {},
  parameters: Argon2Hasher.Parameters = testParameters,
  storage: Layer.Layer<EventStore.EventStore | ReadModelStore.ReadModelStore | IdentityStore, E> = memory() as never,
) => {
  const workspace = Workspace.layer.pipe(
    Layer.provideMerge(Authorization.layer),
    Layer.provideMerge(ProjectionRuntime.layer({ inline: [Authorization.AuthorizationProjection] })),
    Layer.provideMerge(storage),
  )
  const adapters = Layer.mergeAll(
    LocalProvider.layer.pipe(Layer.provideMerge(Argon2Hasher.layer(parameters))),
    Mailer.layerOutbox,
  ).pipe(Layer.provideMerge(workspace))
  return Identity.layer(options).pipe(Layer.provideMerge(adapters))
}

const person = (accountId: string, profile: string, login: string, activationCode: string) => ({
  _tag: "ProvisionAccount",
  accountId,
  profile,
  origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${accountId}` },
  structureId: ids.school,
  login,
  firstName: "Camille",
  lastName: "Anquet",
  activationCode,
})

/** The feed's start of year: the school and four accounts, none activated. */
export const setup = Effect.gen(function* () {
  const feed = (yield* Workspace.Workspace).system("aaf-import")
  yield* feed.handle(
    {
      _tag: "RegisterStructure",
      structureId: ids.school,
      uai: ids.school,
      name: "Collège Jean Moulin",
      kind: "SecondarySchool",
      districtId: "circo-metz-1",
      departmentId: "dsden-57",
      academyId: "ac-nancy-metz",
    },
    context,
  )
  yield* feed.handle(person(ids.pupil, "Student", logins.pupil, codes.pupil), context)
  yield* feed.handle(person(ids.relative, "Relative", logins.relative, codes.relative), context)
  yield* feed.handle(person(ids.teacher, "Teacher", logins.teacher, codes.teacher), context)
  yield* feed.handle(person(ids.staff, "Personnel", logins.staff, codes.staff), context)
})

export const request = { clientAddress: "203.0.113.7" }

/** The first login of an account, with this password. */
export const activation = (who: keyof typeof logins, password: string, extra: object = {}) => ({
  login: logins[who],
  activationCode: codes[who],
  password,
  charterAccepted: true,
  email: `${who}@example.org`,
  ...extra,
})

/** Activates an account through the flow. */
export const activate = (who: keyof typeof logins, password: string) =>
  Effect.flatMap(Identity.Identity, (identity) => identity.activate(activation(who, password), request))

/**
 * What the read-model tests share: the storages (memory, SQLite, PostgreSQL
 * when DATABASE_URL is set), the runtime with the Directory and the
 * Mail-merge, appending a history, and an oracle of accounts folded by hand
 * from DOMAIN.md (not with the code under test).
 */
import * as Domain from "@cartable/domain/Domain"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import type * as EventStoreDriver from "@cartable/eventlog/EventStoreDriver"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import { StreamName } from "@cartable/eventlog/StreamName"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as Directory from "@cartable/read-models/Directory"
import * as MailMerge from "@cartable/read-models/MailMerge"
import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"
import type * as SchoolYearHistory from "@cartable/testing/SchoolYearHistory"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

export const catalog = EventCatalog.make(Domain.events)

/** Storage for the runtime: an event driver, a key store and a read-model store sharing transactions. */
export type Storage = Layer.Layer<
  EventStoreDriver.EventStoreDriver | SubjectKeyStore.SubjectKeyStore | ReadModelStore.ReadModelStore,
  unknown
>

export const memory: Storage = Layer.merge(ReadModelStore.layerMemoryWithDriver, SubjectKeyStore.layerMemory)
export const sqlite: Storage = SqliteEventStore.layerDriver({ filename: ":memory:" })

/** The runtime with both read models async (background off: tests call catchUp) and their query services. */
export const live = (storage: Storage, options: Partial<ProjectionRuntime.Options> = {}) =>
  Layer.mergeAll(Directory.layer, MailMerge.layer).pipe(
    Layer.provideMerge(
      ProjectionRuntime.layer({
        async: [Directory.DirectoryProjection, MailMerge.MailMergeProjection],
        background: false,
        ...options,
      }),
    ),
    Layer.provideMerge(EventStore.layer(catalog).pipe(Layer.provideMerge(storage))),
  )

/** Appends the history and lets the read models catch up. */
export const append = (appends: ReadonlyArray<SchoolYearHistory.Append>) =>
  Effect.gen(function* () {
    const events = yield* EventStore.EventStore
    for (const { stream, events: batch } of appends) {
      yield* events.append(StreamName.make(stream), ExpectedVersion.any, batch)
    }
    const runtime = yield* ProjectionRuntime.ProjectionRuntime
    yield* runtime.catchUp()
  })

/** An account as the oracle folds it, straight from DOMAIN.md's words. */
export interface Known {
  id: string
  provisioned: boolean
  profile: string
  firstName: string
  lastName: string
  login: string
  code: string | undefined
  email: string | undefined
  schools: Set<string>
  classes: Set<string>
  groups: Set<string>
  activated: boolean
  blocked: boolean
  preDeleted: boolean
  deleted: boolean
  children: Set<string>
  relatives: Set<string>
}

/**
 * BR-ACC-12's states: deleted, then pre-deleted, then blocked (the whole
 * account), then active once activated, else inactive.
 */
export const stateOf = (a: Known) =>
  a.deleted ? "deleted" : a.preDeleted ? "pre-deleted" : a.blocked ? "blocked" : a.activated ? "active" : "inactive"

/** The fields the oracle reads, whichever event holds them. */
interface Fields {
  readonly accountId: string
  readonly profile: string
  readonly firstName: string
  readonly lastName: string
  readonly login: string
  readonly activationCode: string
  readonly structureId: string
  readonly email?: string
  readonly application?: string
  readonly groupId: string
  readonly kind: string
}

/** The accounts of a history, folded by hand. */
export const oracle = (appends: ReadonlyArray<SchoolYearHistory.Append>) => {
  const accounts = new Map<string, Known>()
  const kinds = new Map<string, string>()
  for (const { events } of appends) {
    for (const { event } of events) {
      const e = event as unknown as Fields
      const of = (id: string): Known => {
        let known = accounts.get(id)
        if (known === undefined) {
          known = {
            id,
            provisioned: false,
            profile: "",
            firstName: "",
            lastName: "",
            login: "",
            code: undefined,
            email: undefined,
            schools: new Set(),
            classes: new Set(),
            groups: new Set(),
            activated: false,
            blocked: false,
            preDeleted: false,
            deleted: false,
            children: new Set(),
            relatives: new Set(),
          }
          accounts.set(id, known)
        }
        return known
      }
      const a = e.accountId === undefined ? undefined : of(e.accountId)
      switch (event._tag) {
        case "AccountProvisioned":
          Object.assign(a!, {
            provisioned: true,
            profile: e.profile,
            firstName: e.firstName,
            lastName: e.lastName,
            login: e.login,
            code: a!.activated ? undefined : e.activationCode,
          })
          a!.schools.add(e.structureId)
          break
        case "AccountIdentityUpdated":
          a!.firstName = e.firstName
          a!.lastName = e.lastName
          if (e.email !== undefined) a!.email = e.email
          break
        case "AccountProfileChanged":
          a!.profile = e.profile
          break
        case "AccountActivated":
          a!.activated = true
          a!.code = undefined
          a!.email = e.email
          break
        case "AccountBlocked":
          if (e.application === undefined) a!.blocked = true
          break
        case "AccountUnblocked":
          if (e.application === undefined) a!.blocked = false
          break
        case "AccountAttachedToStructure":
          a!.schools.add(e.structureId)
          break
        case "RelativeLinked": {
          const link = (event as unknown as { link: { pupilId: string } }).link
          a!.children.add(link.pupilId)
          of(link.pupilId).relatives.add(e.accountId)
          break
        }
        case "AccountPreDeleted":
          a!.preDeleted = true
          break
        case "AccountRestored":
          a!.preDeleted = false
          break
        case "AccountDeleted":
          a!.deleted = true
          break
        case "GroupOpened":
          kinds.set(e.groupId, e.kind)
          break
        case "GroupAssigned":
          ;(kinds.get(e.groupId) === "Class" ? a!.classes : a!.groups).add(e.groupId)
          break
        case "GroupUnassigned":
          a!.classes.delete(e.groupId)
          a!.groups.delete(e.groupId)
          break
      }
    }
  }
  return accounts
}

/** Seed 003's search: the first letters of a first or last name, accents and case ignored. */
export const fold = (text: string) =>
  text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()

/** Does a typed search find this person? Any word of his first or last name, or the whole name, starts with it. */
export const matches = (a: Known, typed: string) => {
  const t = fold(typed).trim()
  const names = [a.firstName, a.lastName].map(fold)
  const words = names.flatMap((name) => [name, ...name.split(/[ '-]/)])
  return words.some((word) => word.startsWith(t))
}

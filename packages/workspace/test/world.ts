/**
 * A small school world for the Workspace tests, written through the Workspace
 * itself: the feed registers a school, its classes and the functional group
 * "Chef d'établissement" and provisions people; the install appoints the
 * platform administrator; the timetable import opens a homework book. Then
 * steps of a history (rights granted and revoked, teachers attached and
 * detached, direction joined and left, accounts blocked and unblocked) and
 * probes whose expected outcome a test computes from DOMAIN.md alone.
 */
import * as Domain from "@cartable/domain/Domain"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import * as EventCatalog from "@cartable/eventlog/EventCatalog"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as SubjectKeyStore from "@cartable/eventlog/SubjectKeyStore"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as ReadModelStore from "@cartable/projections/ReadModelStore"
import * as Authorization from "@cartable/read-models/Authorization"
import * as Workspace from "@cartable/workspace/Workspace"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

export const catalog = EventCatalog.make(Domain.events)

/** The Workspace over a storage: the Authorization facts inline, as docs/workspace.md says to run it. */
export const stack = <E>(storage: Layer.Layer<EventStore.EventStore | ReadModelStore.ReadModelStore, E>) =>
  Workspace.layer.pipe(
    Layer.provideMerge(Authorization.layer),
    Layer.provideMerge(ProjectionRuntime.layer({ inline: [Authorization.AuthorizationProjection] })),
    Layer.provideMerge(storage),
  )

/** In memory: a fresh log and read-model store each time the layer is built. */
export const memory = () =>
  stack(
    EventStore.layer(catalog).pipe(
      Layer.provideMerge(Layer.merge(ReadModelStore.layerMemoryWithDriver, SubjectKeyStore.layerMemory)),
    ),
  )

export const ids = {
  schoolA: "0571994H",
  schoolB: "0570056B",
  class6A: "0571994H$6A",
  direction: "0571994H$CHEF",
  book: "hb-0571994H-6A",
  vendor: "vendor",
  staff: ["staff-1", "staff-2", "staff-3"],
  pupil: "pupil-1",
  otherPupil: "pupil-2",
} as const

export const schoolYear = "2026-2027"
export const context = { occurredAt: DateTime.unsafeMake("2026-09-07T08:00:00Z") }

const person = (accountId: string, profile: string, structureId: string, login: string) => ({
  _tag: "ProvisionAccount",
  accountId,
  profile,
  origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${accountId}` },
  structureId,
  login,
  firstName: "Camille",
  lastName: "Martin",
  activationCode: "3n6g8fmj",
})

/** The world before any step: every command of it must go through. */
export const setup = Effect.gen(function* () {
  const workspace = yield* Workspace.Workspace
  const router = yield* CommandRouter.make(Domain.aggregates)
  const feed = workspace.system("aaf-import")
  for (const [structureId, name] of [
    [ids.schoolA, "Collège Jean Moulin"],
    [ids.schoolB, "Collège Louise Michel"],
  ] as const) {
    yield* feed.handle(
      {
        _tag: "RegisterStructure",
        structureId,
        uai: structureId,
        name,
        kind: "SecondarySchool",
        districtId: "circo-metz-1",
        departmentId: "dsden-57",
        academyId: "ac-nancy-metz",
      },
      context,
    )
  }
  const group = (groupId: string, kind: string, name: string, extra: object = {}) =>
    feed.handle(
      { _tag: "OpenGroup", structureId: ids.schoolA, groupId, kind, name, schoolYear, owner: "Feed", ...extra },
      context,
    )
  yield* group(ids.class6A, "Class", "6e A")
  yield* group(ids.direction, "FunctionalGroup", "Chef d'établissement", { function: "Direction" })
  yield* feed.handle(person(ids.vendor, "Personnel", ids.schoolA, "vendeur.ent"), context)
  for (const [n, staff] of ids.staff.entries()) {
    yield* feed.handle(person(staff, "Teacher", ids.schoolA, `prof.numero${n + 1}`), context)
  }
  yield* feed.handle(person(ids.pupil, "Student", ids.schoolA, "eleve.un"), context)
  yield* feed.handle(person(ids.otherPupil, "Student", ids.schoolA, "eleve.deux"), context)
  yield* feed.handle(
    {
      _tag: "AssignToGroup",
      structureId: ids.schoolA,
      groupId: ids.class6A,
      accountId: ids.pupil,
      role: "Student",
      source: "Feed",
    },
    context,
  )
  // The pupil's first login, as @cartable/identity's activation runs it: the router with the password's hash
  // (a fact of the flow, which the Workspace refuses to take from anyone).
  yield* router.handle(
    {
      _tag: "ActivateAccount",
      accountId: ids.pupil,
      login: "eleve.un",
      activationCode: "3n6g8fmj",
      password: "Cartable2026",
      passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
      charterAccepted: true,
      email: "eleve.un@example.org",
    },
    context,
  )
  yield* workspace.system("install").handle({ _tag: "AppointPlatformAdministrator", accountId: ids.vendor }, context)
  yield* workspace.system("timetable-import").handle(
    {
      _tag: "OpenHomeworkBook",
      homeworkBookId: ids.book,
      structureId: ids.schoolA,
      groupId: ids.class6A,
      schoolYear,
    },
    context,
  )
}).pipe(Effect.orDie)

/** A step of a history that changes what a staff member may do. */
export type Step =
  | { readonly _tag: "Grant" | "Revoke"; readonly staff: string; readonly school: string }
  | {
      readonly _tag: "Attach" | "Detach" | "JoinDirection" | "LeaveDirection" | "Block" | "Unblock"
      readonly staff: string
    }

const membership = (groupId: string, accountId: string, role: string) => ({
  structureId: ids.schoolA,
  groupId,
  accountId,
  source: "Feed",
  ...(role === "" ? {} : { role }),
})

/** Applies a step through the Workspace, as the vendor or the feed would; a refused step changes nothing. */
export const apply = (step: Step) =>
  Effect.gen(function* () {
    const workspace = yield* Workspace.Workspace
    const feed = workspace.system("aaf-import")
    const vendor = (intent: object) => workspace.handle(ids.vendor, intent, context)
    switch (step._tag) {
      case "Grant":
        return yield* vendor({ _tag: "GrantAdministratorRight", accountId: step.staff, structureId: step.school })
      case "Revoke":
        return yield* vendor({ _tag: "RevokeAdministratorRight", accountId: step.staff, structureId: step.school })
      case "Block":
        return yield* vendor({ _tag: "BlockAccount", accountId: step.staff })
      case "Unblock":
        return yield* vendor({ _tag: "UnblockAccount", accountId: step.staff })
      case "Attach":
        return yield* feed.handle({ _tag: "AssignToGroup", ...membership(ids.class6A, step.staff, "Teacher") }, context)
      case "Detach":
        return yield* feed.handle({ _tag: "UnassignFromGroup", ...membership(ids.class6A, step.staff, "") }, context)
      case "JoinDirection":
        return yield* feed.handle(
          { _tag: "AssignToGroup", ...membership(ids.direction, step.staff, "Member") },
          context,
        )
      case "LeaveDirection":
        return yield* feed.handle({ _tag: "UnassignFromGroup", ...membership(ids.direction, step.staff, "") }, context)
    }
  }).pipe(Effect.either)

/** What a signed-in account tries. */
export type Probe = "BlockPupil" | "OpenBook" | "RecordSession" | "RenewPupilPassword"

let sessions = 0

/** The intent of a probe, signed in as `accountId`. */
export const intentOf = (probe: Probe, accountId: string): object => {
  switch (probe) {
    case "BlockPupil":
      return { _tag: "BlockAccount", accountId: ids.pupil }
    case "OpenBook":
      return {
        _tag: "OpenHomeworkBook",
        homeworkBookId: ids.book,
        structureId: ids.schoolA,
        groupId: ids.class6A,
        schoolYear,
      }
    case "RenewPupilPassword":
      return { _tag: "IssuePasswordRenewalCode", accountId: ids.pupil, renewalCode: "3d3nbrm8" }
    case "RecordSession":
      return {
        _tag: "RecordSession",
        homeworkBookId: ids.book,
        sessionId: `session-${++sessions}`,
        subject: "MATHS",
        teacherId: accountId,
        date: "2026-09-14",
        content: "Les fractions",
        homework: "Exercices 4 à 7 page 112",
      }
  }
}

/** The outcome of a probe: accepted, refused by a rule (with its id), or the account refused. */
export type Outcome = "accepted" | `rejected ${string}` | `refused ${string}`

export const probe = (accountId: string, which: Probe) =>
  Effect.gen(function* () {
    const workspace = yield* Workspace.Workspace
    return yield* workspace.handle(accountId, intentOf(which, accountId), context).pipe(
      Effect.as<Outcome>("accepted"),
      Effect.catchTags({
        AccountRefused: (error) => Effect.succeed<Outcome>(`refused ${error.reason}`),
      }),
      Effect.catchIf(
        (error): error is Extract<typeof error, { readonly ruleId: string }> => "ruleId" in error,
        (error) => Effect.succeed<Outcome>(`rejected ${error.ruleId} ${error.reason}`),
      ),
    )
  })

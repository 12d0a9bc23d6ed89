/**
 * Who reads what: the read models answer whoever asks, so the API decides in
 * front of them (docs/read-models.md), from the actor the log gives the
 * session's account (`SignedIn.actor`, the Workspace's own check). The
 * mail-merge's permission is the library's (`MailMergeAccess`, BR-MM-1).
 *
 * @since 0.1.0
 */
import * as Actor from "@cartable/domain/Actor"
import type { GroupId, StructureId } from "@cartable/domain/Ids"
import { Authorization } from "@cartable/read-models/Authorization"
import type { Scope } from "@cartable/read-models/ReportQueue"
import * as SignedIn from "@cartable/workspace/SignedIn"
import * as Effect from "effect/Effect"
import { Forbidden } from "./ApiError.ts"

/**
 * The API's read rules, named as the library names its business rules, so that
 * a 403 says which one refused.
 *
 * @since 0.1.0
 */
export const rules = {
  /** A school's directory: the administrators whose scope covers the school, and its direction (BR-GRP-3). */
  school: "API-READ-1",
  /** A class's or group's roster and homework book: the school's readers, and the group's teachers (BR-GRP-1). */
  group: "API-READ-2",
  /** A scope's report queue: an administrator of that very scope, or of the platform (BR-SIG-2). */
  queue: "API-READ-3",
} as const

const refused = (ruleId: string, message: string) => new Forbidden({ error: "ReadRefused", ruleId, message })

/** Whether the actor administers the school, at any level covering it. */
const administers = (actor: Actor.Actor, school: StructureId) =>
  Effect.map(
    Effect.flatMap(Authorization, (authorization) => authorization.location(school)),
    // A school the log does not place is judged on its id: its own administrators and the platform's.
    (location) => Actor.administers(actor, location ?? { structureId: school }),
  )

/** Whether the actor reads the school's data: an administrator covering it or its direction. */
const readsSchool = (actor: Actor.Actor, school: StructureId) =>
  Effect.map(administers(actor, school), (administrator) => administrator || Actor.isDirectionOf(actor, school))

/**
 * The session's account, allowed to read the school's directory (API-READ-1),
 * and whether it administers the school: only administrators see the
 * activation codes (BR-ACC-2), the direction does not.
 *
 * @since 0.1.0
 */
export const schoolReader = Effect.fn("Access.schoolReader")(function* (accountId: string, school: StructureId) {
  const actor = yield* SignedIn.actor(accountId)
  const administrator = yield* administers(actor, school)
  if (administrator || Actor.isDirectionOf(actor, school)) return { actor, administrator }
  return yield* refused(rules.school, `Only the administrators and the direction of ${school} read its directory`)
})

/**
 * The session's account, allowed to read a class's or group's roster and book (API-READ-2).
 *
 * @since 0.1.0
 */
export const groupReader = Effect.fn("Access.groupReader")(function* (
  accountId: string,
  school: StructureId,
  group: GroupId,
) {
  const actor = yield* SignedIn.actor(accountId)
  if (Actor.teaches(actor, school, group) || (yield* readsSchool(actor, school))) return actor
  return yield* refused(rules.group, `Only the teachers of ${group}, and the school's readers, read it`)
})

/**
 * The session's account, allowed to read a scope's report queue (API-READ-3).
 *
 * @since 0.1.0
 */
export const queueReader = Effect.fn("Access.queueReader")(function* (accountId: string, scope: Scope) {
  const actor = yield* SignedIn.actor(accountId)
  const holds = actor.roles.some(
    (role) =>
      role._tag === "Administrator" &&
      (role.level === "Platform" ||
        (role.level === scope.level && "scopeId" in scope && role.scopeId === scope.scopeId)),
  )
  if (holds) return actor
  return yield* refused(rules.queue, "Only an administrator of this scope, or of the platform, reads its reports")
})

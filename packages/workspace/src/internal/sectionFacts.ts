/**
 * The cross-aggregate facts of the Section commands (BR-RUB-1), from the
 * Authorization read model: what the section's grants may name of the acting
 * account (his profile, schools and open groups), the class or group a section
 * is created for, and, for an administrator above the school, where the
 * section's school sits. Whatever the caller sent in these fields is replaced.
 */
import type * as Actor from "@cartable/domain/Actor"
import type { GroupId, StructureId } from "@cartable/domain/Ids"
import * as SectionCommands from "@cartable/domain/SectionCommands"
import type { SectionId } from "@cartable/domain/SectionEvents"
import * as SectionRights from "@cartable/domain/SectionRights"
import type { ReadModelError } from "@cartable/projections/ReadModelStore"
import type { Authorization } from "@cartable/read-models/Authorization"
import * as Effect from "effect/Effect"

type Fields = Readonly<Record<string, unknown>>

/** The tags of the Section commands. */
export const tags: ReadonlySet<string> = new Set(Object.keys(SectionCommands.commands))

const aboveSchool = (actor: Actor.Actor): boolean =>
  actor.roles.some(
    (role) =>
      role._tag === "Administrator" &&
      (role.level === "District" || role.level === "Department" || role.level === "Academy"),
  )

const isSystem = (actor: Actor.Actor): boolean => actor.roles.some((role) => role._tag === "System")

/** The command with `member`, `ownerGroup` and `locations` as the log has them. */
export const complete = (facts: Authorization.Service, command: Fields): Effect.Effect<Fields, ReadModelError> =>
  Effect.gen(function* () {
    const { member: _member, ownerGroup: _ownerGroup, locations: _locations, ...rest } = command
    const actor = command.actor as Actor.Actor
    const out: Record<string, unknown> = { ...rest }
    const fields: Fields = SectionCommands.commands[command._tag as keyof typeof SectionCommands.commands].fields
    if ("member" in fields) {
      out.member = isSystem(actor) ? SectionRights.nobody : yield* facts.sectionMember(actor.accountId)
    }
    if (command._tag === "CreateSection" && typeof command.groupId === "string") {
      const group = yield* facts.group(command.groupId as GroupId)
      if (group !== undefined) out.ownerGroup = { kind: group.kind, structureId: group.structureId, open: group.open }
    }
    if ("locations" in fields && aboveSchool(actor)) {
      const school =
        command._tag === "CreateSection"
          ? (command.structureId as StructureId)
          : yield* facts.sectionSchool(command.sectionId as SectionId)
      const location = school === undefined ? undefined : yield* facts.location(school)
      out.locations = location === undefined ? [] : [location]
    }
    return out
  })

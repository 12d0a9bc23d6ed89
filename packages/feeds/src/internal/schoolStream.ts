/** A school's Structure stream as the import follows it, and the members it gives its groups. */
import type * as Domain from "@cartable/domain/Domain"
import type { AccountId } from "@cartable/domain/Ids"
import type * as Structure from "@cartable/domain/Structure"
import type * as Effect from "effect/Effect"
import type { Error as ImportStoreError } from "../FeedImport.ts"

/** The code of the direction's functional group in every school (BR-GRP-3); no feed class code has a `@`. */
export const DIRECTION = "@direction"

/** A member of a class, group or direction as `ImportGroupMembers` and `AssignToGroup` take him. */
export interface Member {
  readonly accountId: AccountId
  readonly role: "Student" | "Teacher" | "Member"
  readonly subjects?: ReadonlyArray<string>
  readonly principal?: boolean
}

/**
 * A school's stream, loaded once: its commands are decided on it first and given only when they change
 * something; its state follows the events they record.
 */
export interface SchoolStream {
  readonly state: () => Structure.StructureState
  readonly give: (
    intent: Record<string, unknown>,
    onRefused: (message: string) => void,
  ) => Effect.Effect<ReadonlyArray<Domain.Event> | undefined, ImportStoreError>
  /**
   * Queues a command for the next batch when it changes something; the state follows it at once.
   * False when the command is refused on the state (it is queued all the same, to be reported).
   */
  readonly queue: (intent: Record<string, unknown>, onRefused: (message: string) => void) => boolean
  /** Reads the stream's state again from the log. */
  readonly reload: Effect.Effect<void, ImportStoreError>
}

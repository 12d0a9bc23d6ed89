/**
 * The year's communication: posts in the class sections and messages. Empty
 * until the communication domain (issue 16: sections, messaging) lands; its
 * chapter of the story goes here, with the same `Ent` as the rest, so that
 * posting and writing go through `workspace.handle` like every command.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Ent from "./Ent.ts"

/**
 * Where the chapter plays: the school the story follows and its year.
 *
 * @since 0.1.0
 */
export interface Where {
  readonly school: string
  readonly year: string
}

/**
 * Plays the communication chapter of the year (nothing yet).
 *
 * @since 0.1.0
 */
export const play = (_ent: Ent.Ent, _where: Where): Effect.Effect<void> => Effect.void

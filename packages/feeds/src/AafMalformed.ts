/**
 * Why a value of the format could not be read: a compound value that does not
 * have its fields, or a date that is not a day of the calendar.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * A value that does not fit its shape, and why in words.
 *
 * @since 0.1.0
 */
export const AafMalformed = Schema.Struct({
  reason: Schema.Literal("MalformedValue", "MalformedDate"),
  message: Schema.String,
})

/** @since 0.1.0 */
export type AafMalformed = typeof AafMalformed.Type

/**
 * A compound value without its fields.
 *
 * @since 0.1.0
 */
export const value = (message: string): AafMalformed => ({ reason: "MalformedValue", message })

/**
 * A text that is not a calendar date.
 *
 * @since 0.1.0
 */
export const date = (message: string): AafMalformed => ({ reason: "MalformedDate", message })

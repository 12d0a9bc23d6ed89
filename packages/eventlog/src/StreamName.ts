/**
 * Stream names: `<Category>-<id>`, one stream per aggregate instance.
 *
 * The category is the aggregate's name (`Account`, `Report`, ...); the id is the
 * aggregate's own id. Adapters may derive a tenant or a shard key from it.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * A stream's name, branded so that a plain string cannot be passed by mistake.
 *
 * @since 0.1.0
 */
export const StreamName = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z][A-Za-z0-9]*-.+$/),
  Schema.brand("@cartable/eventlog/StreamName"),
  Schema.annotations({ identifier: "StreamName", description: "<Category>-<id>" }),
)

/** @since 0.1.0 */
export type StreamName = typeof StreamName.Type

/**
 * Builds the stream name of one aggregate instance.
 *
 * @example
 * StreamName.make("Account", "acc-42") // "Account-acc-42"
 * @since 0.1.0
 */
export const make = (category: string, id: string): StreamName => StreamName.make(`${category}-${id}`)

/**
 * The category part of a stream name.
 *
 * @since 0.1.0
 */
export const category = (name: StreamName): string => name.slice(0, name.indexOf("-"))

/**
 * Stream names: `<Category>-<id>`, one stream per aggregate instance.
 *
 * The category is the aggregate's name (`Account`, `Report`, ...); the id is the
 * aggregate's own id. Adapters may derive a tenant or a shard key from it.
 * The id part follows the character rule of the domain's ids (`Text.isOneLine`:
 * no control character, line separator or lone surrogate), so every id of
 * `@cartable/domain/Ids` names a stream.
 *
 * @since 0.1.0
 */
import * as Text from "@cartable/kernel/Text"
import type * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * The maximum length of a stream name, in UTF-16 code units (at most 768 bytes of
 * UTF-8): within every database's index limit (PostgreSQL's B-tree allows about
 * 2,700 bytes per entry). A category of up to 127 characters and an id of up to
 * 128 (the domain's ids) always fit.
 *
 * @since 0.1.0
 */
export const MAX_LENGTH = 256

/**
 * A stream's name, branded so that a plain string cannot be passed by mistake.
 *
 * @since 0.1.0
 */
export const StreamName = Schema.String.pipe(
  Schema.maxLength(MAX_LENGTH, { message: () => `a stream name is at most ${MAX_LENGTH} characters` }),
  Schema.pattern(/^[A-Za-z][A-Za-z0-9]*-.+$/, {
    message: () => "a stream name is <Category>-<id>: a category of ASCII letters and digits, a dash, an id",
  }),
  Schema.filter(Text.isOneLine, {
    message: () => "a stream name is one line of text: no control character, line separator or lone surrogate",
  }),
  Schema.brand("@cartable/eventlog/StreamName"),
  Schema.annotations({ identifier: "StreamName", description: "<Category>-<id>" }),
)

/** @since 0.1.0 */
export type StreamName = typeof StreamName.Type

/**
 * Builds the stream name of one aggregate instance; throws if the parts do not
 * form a valid name (use {@link makeEither} for parts that were not decoded).
 *
 * @example
 * StreamName.make("Account", "acc-42") // "Account-acc-42"
 * @since 0.1.0
 */
export const make = (category: string, id: string): StreamName => StreamName.make(`${category}-${id}`)

const decodeEither = Schema.decodeUnknownEither(StreamName)

/**
 * Builds the stream name of one aggregate instance, or says why the parts do not
 * form one, without throwing.
 *
 * @since 0.1.0
 */
export const makeEither = (category: string, id: string): Either.Either<StreamName, ParseResult.ParseError> =>
  decodeEither(`${category}-${id}`)

/**
 * Whether a value is a valid stream name: the store checks every name it is given.
 *
 * @since 0.1.0
 */
export const is: (value: unknown) => value is StreamName = Schema.is(StreamName)

/**
 * The category part of a stream name.
 *
 * @since 0.1.0
 */
export const category = (name: StreamName): string => name.slice(0, name.indexOf("-"))

/**
 * What the driver's startup log says of the path its statements take (the same
 * helper as the SQLite adapter's tests).
 */
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"

export interface DriverPath {
  readonly statements: unknown
  readonly prepared: unknown
  readonly spans: unknown
}

/** Builds `layer` and returns what the driver's startup log says of its statement path. */
export const driverPath = <ROut, E>(layer: Layer.Layer<ROut, E>): Effect.Effect<DriverPath | undefined, E> =>
  Effect.gen(function* () {
    let found: DriverPath | undefined
    const logger = Logger.make(({ message, annotations }) => {
      if (String(Array.isArray(message) ? message[0] : message) !== "SqlEventStoreDriver ready") return
      const get = (key: string) => Option.getOrUndefined(HashMap.get(annotations, key))
      found = {
        statements: get("cartable.statements"),
        prepared: get("cartable.prepared_statements"),
        spans: get("cartable.spans"),
      }
    })
    yield* Effect.scoped(Layer.build(layer)).pipe(
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
      Logger.withMinimumLogLevel(LogLevel.Debug),
    )
    return found
  })

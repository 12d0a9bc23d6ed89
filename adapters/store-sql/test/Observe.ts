/**
 * What the SQL driver lets the adapters' tests observe without reaching into it: its startup log
 * (which path its statements take) and the spans it opens.
 */
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"

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
      const text = String(Array.isArray(message) ? message[0] : message)
      if (text !== "SqlEventStoreDriver ready") return
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

/** Runs `effect` and returns the names of the spans it opened, in order. */
export const spanNames = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<ReadonlyArray<string>, E, R> =>
  Effect.gen(function* () {
    const names: Array<string> = []
    const tracer = yield* Effect.tracer
    const recording = Tracer.make({
      span: (name, ...rest) => {
        names.push(name)
        return tracer.span(name, ...rest)
      },
      context: (f, fiber) => tracer.context(f, fiber),
    })
    yield* Effect.withTracer(effect, recording)
    return names
  })

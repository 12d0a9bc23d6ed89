/**
 * The streaming reader of AAF exports: one file or a whole export folder, as an
 * Effect `Stream` of records and bad records. Bytes are pulled from a node read
 * stream chunk by chunk (backpressure: nothing is read ahead of the consumer),
 * decoded in the declared encoding and parsed by saxes; a record is emitted as
 * soon as its request closes. Any DOCTYPE but the format's own is refused, and
 * no entity is ever expanded.
 *
 * @example
 * import * as AafReader from "@cartable/feeds/AafReader"
 * import * as Effect from "effect/Effect"
 *
 * const summary = AafReader.summarise(AafReader.readExport("examples/aaf-export/complet"))
 * // Effect<AafSummary, AafFileError>: read = good + bad
 *
 * @since 0.1.0
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as AafExport from "./AafExport.ts"
import type { AafFileError } from "./AafFileError.ts"
import type { AafElement, BadRecord } from "./AafRecord.ts"
import * as AafSummary from "./AafSummary.ts"
import * as FileParser from "./internal/fileParser.ts"
import { fileBytes, fromParser, toFileError } from "./internal/steps.ts"

/**
 * How files are read.
 *
 * @since 0.1.0
 */
export interface ReadOptions {
  /** Bytes per read from disk (the read stream's highWaterMark); 64 KiB by default. */
  readonly chunkBytes?: number
}

/**
 * Reads the bytes of one file named `file` (the name every source carries).
 * The stream fails with {@link AafFileError} where the file cannot go on.
 *
 * @since 0.1.0
 */
export const fromBytes = <E, R>(
  file: string,
  bytes: Stream.Stream<Uint8Array, E, R>,
): Stream.Stream<AafElement, AafFileError | E, R> => fromParser(() => FileParser.make(file), bytes)

/**
 * Reads one file from disk, streamed. Sources name it by its base name.
 *
 * @since 0.1.0
 */
export const readFile = (path: string, options?: ReadOptions): Stream.Stream<AafElement, AafFileError> => {
  const file = Path.basename(path)
  return fromBytes(file, fileBytes(path, file, options?.chunkBytes))
}

/**
 * A file that stopped, as the bad record that closes its part of the stream.
 *
 * @since 0.1.0
 */
export const fileErrorRecord = (error: AafFileError): BadRecord => ({
  _tag: "BadRecord",
  source: { file: error.file, line: error.line },
  reason: error.reason,
  message: error.detail,
  category: undefined,
  id: undefined,
})

/**
 * Reads files one after the other; a file that stops ends with one bad record
 * (its {@link AafFileError} as a record) and the next file goes on.
 *
 * @since 0.1.0
 */
export const readFiles = (paths: ReadonlyArray<string>, options?: ReadOptions): Stream.Stream<AafElement> =>
  Stream.fromIterable(paths).pipe(
    Stream.flatMap((path) =>
      readFile(path, options).pipe(Stream.catchAll((error) => Stream.make(fileErrorRecord(error)))),
    ),
  )

/**
 * The parts of the export in `folder`, in reading order (see `AafExport.order`).
 *
 * @since 0.1.0
 */
export const exportFiles = (folder: string): Effect.Effect<ReadonlyArray<string>, AafFileError> =>
  Effect.tryPromise({
    try: () => Fs.promises.readdir(folder),
    catch: toFileError(folder),
  }).pipe(Effect.map((names) => AafExport.order(names).map((file) => Path.join(folder, file.name))))

/**
 * Reads every part of the export in `folder`, in order. It fails only when the
 * folder cannot be listed; a broken file is a bad record and the others go on.
 *
 * @since 0.1.0
 */
export const readExport = (folder: string, options?: ReadOptions): Stream.Stream<AafElement, AafFileError> =>
  Stream.unwrap(Effect.map(exportFiles(folder), (paths) => readFiles(paths, options)))

/**
 * Runs a read to its end and counts it: records read = good + bad.
 *
 * @since 0.1.0
 */
export const summarise = <E, R>(stream: Stream.Stream<AafElement, E, R>): Effect.Effect<AafSummary.AafSummary, E, R> =>
  Effect.suspend(() => {
    // Counted in place: a new summary per record would be garbage at academy scale.
    const counter = AafSummary.counter()
    return Stream.runForEachChunk(stream, (chunk) => Effect.sync(() => Chunk.forEach(chunk, counter.add))).pipe(
      Effect.map(counter.summary),
    )
  }).pipe(Effect.withSpan("AafReader.summarise"))

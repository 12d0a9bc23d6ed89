/**
 * What the readers of one file share: a parser fed chunk by chunk that returns
 * the elements each chunk completes (and the error that stopped the file, if
 * any), turned into a stream; and a file's bytes pulled from disk.
 */
import * as Fs from "node:fs"
import * as Chunk from "effect/Chunk"
import * as Stream from "effect/Stream"
import { AafFileError } from "../AafFileError.ts"
import type { AafElement } from "../AafRecord.ts"

/** What a step of the read gives: the elements completed, and the error that stopped the file, if any. */
export interface Step {
  readonly elements: ReadonlyArray<AafElement>
  readonly error: AafFileError | undefined
}

/** A file being read. */
export interface StepParser {
  /** Reads the next bytes; returns the elements they complete. */
  readonly write: (bytes: Uint8Array) => Step
  /** The end of the file: checks that it is complete. */
  readonly end: () => Step
}

/** Runs `run`; the elements completed before an error stand: they are returned with it. */
export const step = (out: Array<AafElement>, run: () => void): Step => {
  let error: AafFileError | undefined
  try {
    run()
  } catch (e) {
    if (!(e instanceof AafFileError)) throw e
    error = e
  }
  return { elements: out.splice(0, out.length), error }
}

/** The elements a parser made by `make` reads from `bytes`, chunk by chunk; the stream fails where the file stops. */
export const fromParser = <E, R>(
  make: () => StepParser,
  bytes: Stream.Stream<Uint8Array, E, R>,
): Stream.Stream<AafElement, AafFileError | E, R> =>
  Stream.suspend(() => {
    const parser = make()
    const emit = (step: Step): Stream.Stream<AafElement, AafFileError> => {
      const elements = Stream.fromChunk(Chunk.unsafeFromArray(step.elements as Array<AafElement>))
      return step.error === undefined ? elements : Stream.concat(elements, Stream.fail(step.error))
    }
    return bytes.pipe(
      Stream.flatMap((chunk) => emit(parser.write(chunk))),
      Stream.concat(Stream.suspend(() => emit(parser.end()))),
    )
  })

/** A failure to open or read `file` as the file error that names it. */
export const toFileError = (file: string) => (error: unknown) =>
  error instanceof AafFileError
    ? error
    : new AafFileError({
        reason: "Unreadable",
        file,
        line: 0,
        detail: error instanceof Error ? error.message : String(error),
      })

const DEFAULT_CHUNK = 64 * 1024

/** The bytes of the file at `path`, pulled by the consumer `chunkBytes` at a time (64 KiB by default); errors name it `file`. */
export const fileBytes = (
  path: string,
  file: string,
  chunkBytes: number = DEFAULT_CHUNK,
): Stream.Stream<Uint8Array, AafFileError> =>
  Stream.suspend(() =>
    Stream.fromAsyncIterable<Uint8Array, AafFileError>(
      Fs.createReadStream(path, { highWaterMark: chunkBytes }),
      toFileError(file),
    ),
  )

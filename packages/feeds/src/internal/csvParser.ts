/**
 * The reader of one CSV file, fed chunk by chunk: strict UTF-8 (a byte order
 * mark is dropped), tokenized as RFC 4180, then the header, the school's row
 * and the people's rows, each row a record or a bad record as soon as its line
 * ends. What stops the file is an {@link AafFileError}.
 */
import { TextDecoder } from "node:util"
import { AafFileError, type AafFileErrorReason } from "../AafFileError.ts"
import type { AafElement } from "../AafRecord.ts"
import * as Rows from "./csvRows.ts"
import * as Tokenizer from "./csvTokenizer.ts"
import { decoder } from "./encoding.ts"
import { type StepParser, step } from "./steps.ts"

/** A new reader of the CSV file named `file` (the name given in every source). */
export const make = (file: string): StepParser => {
  const out: Array<AafElement> = []
  const decode = decoder("utf-8")
  let header: Rows.Header | undefined
  let school: Rows.School | undefined

  const fail = (reason: AafFileErrorReason, line: number, detail: string): never => {
    throw new AafFileError({ reason, file, line, detail })
  }
  const onRow = (row: Tokenizer.Row) => {
    if (Rows.isEmpty(row)) return
    if (header === undefined) {
      const read = Rows.header(row)
      if (typeof read === "string") fail("NotWellFormed", row.line, read)
      else header = read
      return
    }
    if (school === undefined) {
      // Every later row's ids and memberships hang on the school's: without it nothing can be read.
      const profile = Rows.profileOf(Rows.cell(header, row, "profile"))
      const id = Rows.cell(header, row, "id")
      const why =
        profile !== "etablissement"
          ? `its profile is "${Rows.cell(header, row, "profile")}"`
          : !Rows.isValidId(id)
            ? "its id (the UAI) is empty or holds a $ or a |"
            : (row.malformed ??
              (row.count !== header.count ? `it has ${row.count} cells, the header ${header.count}` : undefined))
      if (why !== undefined) {
        fail(
          "NotWellFormed",
          row.line,
          `the first row after the header must be the school's (profile etablissement, its UAI as id): ${why}`,
        )
      }
      out.push(Rows.element(file, header, undefined, row))
      school = { id, line: row.line }
      return
    }
    out.push(Rows.element(file, header, school, row))
  }
  const tokenizer = Tokenizer.make(onRow)

  const feed = (bytes: Uint8Array, stream: boolean) => {
    let text: string
    try {
      text = decode.decode(bytes, { stream })
    } catch {
      // The decoder does not say where: the first replacement character of a lossy decoding does.
      const lossy = new TextDecoder("utf-8").decode(bytes)
      const before = lossy.slice(0, Math.max(0, lossy.indexOf("\uFFFD")))
      const line = tokenizer.line() + (before.match(/\r\n|\r|\n/g)?.length ?? 0)
      return fail("BadEncoding", line, `bytes that are not UTF-8 on line ${line}: save the file as CSV UTF-8`)
    }
    try {
      tokenizer.write(text)
      if (!stream) tokenizer.end()
    } catch (error) {
      if (error instanceof Tokenizer.Stop) fail("NotWellFormed", error.line, error.detail)
      throw error
    }
  }

  return {
    write: (bytes) => step(out, () => feed(bytes, true)),
    end: () =>
      step(out, () => {
        feed(new Uint8Array(0), false)
        if (header === undefined) fail("NotWellFormed", tokenizer.line(), "the file is empty: no header row")
        if (school === undefined) fail("NotWellFormed", tokenizer.line(), "the file has a header but no school row")
      }),
  }
}

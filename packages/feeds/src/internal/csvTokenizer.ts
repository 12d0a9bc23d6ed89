/**
 * An RFC 4180 tokenizer fed text chunk by chunk: rows of cells, each with the
 * line it starts on (a line break inside a quoted cell counts, CRLF counts
 * once). The separator is the first `;` or `,` met outside quotes, that is in
 * the header, since column names hold neither. A row that breaks the quoting
 * rules is still a row, marked malformed, so that one bad row never stops the
 * file; only a quote that is never closed, or a cell too long to be a cell,
 * stops it (the rest of the file would be read into one cell).
 */

/** One row as the file has it. */
export interface Row {
  /** The line the row starts on, 1-based. */
  readonly line: number
  /** The cells, as written (quotes removed, `""` read as `"`); at most {@link MAX_CELLS}. */
  readonly cells: ReadonlyArray<string>
  /** How many cells the row has, counted past {@link MAX_CELLS}. */
  readonly count: number
  /** The first break of the quoting rules in the row, in words. */
  readonly malformed: string | undefined
}

/** Why the file cannot go on, and the line. */
export class Stop {
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {}
}

/** A tokenizer: `write` each decoded chunk, then `end`; rows go to the callback as they complete. */
export interface Tokenizer {
  readonly write: (text: string) => void
  readonly end: () => void
  /** The line being read, for errors found outside a row (bad bytes). */
  readonly line: () => number
}

/** No cell of a school's file comes near this; an unclosed quote does, and memory must stay bounded. */
export const MAX_CELL = 64 * 1024

/** Cells kept per row: far more than the columns; past it they are only counted. */
export const MAX_CELLS = 256

const QUOTE = 34
const CR = 13
const LF = 10
const SEMICOLON = 59
const COMMA = 44

/** Where the tokenizer is: at the start of a cell, in an unquoted or a quoted cell, or on a quote inside a quoted one (the closing quote, or the first of `""`). */
type State = "Start" | "Unquoted" | "Quoted" | "QuoteInQuoted"

/** A new tokenizer; `onRow` receives each row, blank lines skipped. Throws {@link Stop}. */
export const make = (onRow: (row: Row) => void): Tokenizer => {
  let separator: number | undefined
  let state: State = "Start"
  let line = 1
  let afterCr = false
  let rowLine = 0
  let quoteLine = 0
  let cell = ""
  let cells: Array<string> = []
  let count = 0
  let malformed: string | undefined

  const isSeparator = (code: number): boolean => {
    if (separator !== undefined) return code === separator
    if (code !== SEMICOLON && code !== COMMA) return false
    separator = code
    return true
  }
  const endCell = () => {
    if (cells.length < MAX_CELLS) cells.push(cell)
    count++
    cell = ""
    state = "Start"
  }
  const endRow = () => {
    endCell()
    onRow({ line: rowLine, cells, count, malformed })
    cells = []
    count = 0
    malformed = undefined
    rowLine = 0
  }
  const append = (char: string) => {
    cell += char
    if (cell.length > MAX_CELL) {
      throw new Stop(
        rowLine,
        state === "Quoted"
          ? `a quoted cell opened on line ${quoteLine} runs past ${MAX_CELL} characters: is its closing quote missing?`
          : `a cell runs past ${MAX_CELL} characters`,
      )
    }
  }
  const mark = (what: string) => {
    malformed ??= `${what} (cell ${count + 1})`
  }

  const write = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i)
      if (afterCr) {
        afterCr = false
        if (code === LF) continue // the LF of a CRLF: its line is counted
      }
      const lineBreak = code === CR || code === LF
      if (rowLine === 0) {
        if (lineBreak) {
          // A blank line: no row.
          line++
          afterCr = code === CR
          continue
        }
        rowLine = line
      }
      switch (state) {
        case "Start":
        case "Unquoted":
          if (lineBreak) {
            line++
            afterCr = code === CR
            endRow()
          } else if (isSeparator(code)) endCell()
          else if (code === QUOTE && state === "Start") {
            state = "Quoted"
            quoteLine = line
          } else {
            if (code === QUOTE) mark("a quote inside a cell that does not start with one")
            state = "Unquoted"
            append(text[i]!)
          }
          break
        case "Quoted":
          if (code === QUOTE) state = "QuoteInQuoted"
          else if (lineBreak) {
            line++
            afterCr = code === CR
            append("\n")
          } else append(text[i]!)
          break
        case "QuoteInQuoted":
          if (code === QUOTE) {
            state = "Quoted"
            append('"')
          } else if (lineBreak) {
            line++
            afterCr = code === CR
            endRow()
          } else if (isSeparator(code)) endCell()
          else {
            mark("text after a closing quote")
            state = "Unquoted"
            append(text[i]!)
          }
          break
      }
    }
  }

  return {
    write,
    end: () => {
      if (state === "Quoted") throw new Stop(quoteLine, `the quote opened on line ${quoteLine} is never closed`)
      if (rowLine !== 0) endRow() // a last row without its line break
    },
    line: () => line,
  }
}

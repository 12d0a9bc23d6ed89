/**
 * Lines set aside on disk while an import reads its export, read back once in the order written: what
 * lets an academy's import hold little (docs/feed-import.md "Memory") without parsing its XML twice.
 * The lines hold personal data (names, e-mails): they are encrypted with a key that only this process
 * holds, and the file is unlinked as soon as it is open where the system allows it (POSIX), so that
 * nothing readable is left behind, not even by a process killed midway.
 */
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { StringDecoder } from "node:string_decoder"

/** Lines written, then read back once. */
export interface Spill {
  readonly write: (line: string) => void
  /** The lines written, in their order; writing is over. */
  readonly lines: () => Generator<string, void, undefined>
  /** Lets the file go (idempotent). */
  readonly close: () => void
}

const CHUNK = 1 << 20

/** A spill in a private temporary folder of `directory` (the system's by default). */
export const open = (directory: string = Os.tmpdir()): Spill => {
  const folder = Fs.mkdtempSync(Path.join(directory, "cartable-import-"))
  const file = Path.join(folder, "people")
  const fd = Fs.openSync(file, "w+", 0o600)
  let removed = false
  const remove = () => {
    if (removed) return
    try {
      Fs.unlinkSync(file)
      Fs.rmdirSync(folder)
      removed = true
    } catch {
      // An open file cannot be removed on some systems (Windows): it is removed at close.
    }
  }
  remove()
  // A stream cipher: the file is written and read in order, each chunk as it comes.
  const key = Crypto.randomBytes(32)
  const iv = Crypto.randomBytes(16)
  const cipher = Crypto.createCipheriv("aes-256-ctr", key, iv)
  let pending: Array<string> = []
  let pendingLength = 0
  let size = 0
  let closed = false
  const flush = () => {
    if (pending.length === 0) return
    const bytes = cipher.update(pending.join(""), "utf8")
    pending = []
    pendingLength = 0
    for (let at = 0; at < bytes.length; ) at += Fs.writeSync(fd, bytes, at, bytes.length - at, size + at)
    size += bytes.length
  }
  const close = () => {
    if (closed) return
    closed = true
    Fs.closeSync(fd)
    remove()
  }
  return {
    write: (line) => {
      pending.push(line, "\n")
      pendingLength += line.length + 1
      if (pendingLength >= CHUNK) flush()
    },
    lines: function* () {
      flush()
      const decipher = Crypto.createDecipheriv("aes-256-ctr", key, iv)
      const text = new StringDecoder("utf8")
      const buffer = Buffer.allocUnsafe(CHUNK)
      let rest = ""
      for (let position = 0; position < size; ) {
        const read = Fs.readSync(fd, buffer, 0, Math.min(CHUNK, size - position), position)
        if (read === 0) throw new Error(`The import's temporary file ended at ${position} of ${size} bytes`)
        position += read
        const lines = (rest + text.write(decipher.update(buffer.subarray(0, read)))).split("\n")
        rest = lines.pop()!
        yield* lines
      }
    },
    close,
  }
}

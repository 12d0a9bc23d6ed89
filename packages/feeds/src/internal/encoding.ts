/**
 * The encoding of a file, from its byte order mark or its XML declaration, and
 * a streaming decoder for it: a multi-byte character cut between two chunks is
 * decoded whole.
 */

import { TextDecoder } from "node:util"
/** The bytes from which the declaration is looked for; a declaration is far shorter. */
export const SNIFF_BYTES = 512

const declaration = /^<\?xml\s[^?>]*?encoding\s*=\s*(?:"([^"]*)"|'([^']*)')/

/** A label the reader decodes, or undefined when the head names an encoding it does not know. */
export type Sniffed =
  | { readonly _tag: "Known"; readonly label: string }
  | { readonly _tag: "Unknown"; readonly label: string }

/**
 * Sniffs the head of a file (at most {@link SNIFF_BYTES} bytes): a UTF-8 or UTF-16 byte
 * order mark wins, then the declaration's `encoding`, else UTF-8 (XML's default).
 */
export const sniff = (head: Uint8Array): Sniffed => {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { _tag: "Known", label: "utf-8" }
  if (head[0] === 0xff && head[1] === 0xfe) return { _tag: "Known", label: "utf-16le" }
  if (head[0] === 0xfe && head[1] === 0xff) return { _tag: "Known", label: "utf-16be" }
  // The declaration is ASCII in every encoding the reader takes: latin1 reads it byte for byte.
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, SNIFF_BYTES)).toString("latin1")
  const match = declaration.exec(text)
  const label = (match?.[1] ?? match?.[2] ?? "utf-8").trim().toLowerCase()
  try {
    new TextDecoder(label)
    return { _tag: "Known", label }
  } catch {
    return { _tag: "Unknown", label }
  }
}

/**
 * A streaming decoder. UTF-8 is fatal (a byte sequence that is not UTF-8 is an
 * error, not a replacement character in a name); the single-byte encodings
 * decode every byte. `iso-8859-1` is decoded as windows-1252 (the WHATWG
 * rule), which only differs on C1 control codes no name holds.
 */
export const decoder = (label: string): TextDecoder =>
  new TextDecoder(label, { fatal: label === "utf-8" || label === "utf8" || label === "unicode-1-1-utf-8" })

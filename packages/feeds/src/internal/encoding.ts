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

/** Decodes the chunks of one file, in order. */
export interface Decoder {
  readonly encoding: string
  readonly decode: (bytes: Uint8Array, options: { readonly stream: boolean }) => string
}

// Bytes 0x80 to 0x9F of windows-1252 (the WHATWG table; the five unassigned bytes stay C1 codes).
const CP1252_HIGH = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ"

/**
 * windows-1252, which the WHATWG rules also use for `iso-8859-1` and `us-ascii`
 * labels. Node 20's TextDecoder decodes that label as Latin-1 and drops
 * 0x80-0x9F (€, œ, curly quotes), so it is decoded here: one byte, one character.
 */
const windows1252: Decoder = {
  encoding: "windows-1252",
  decode: (bytes) => {
    let text = ""
    const step = 8192
    for (let at = 0; at < bytes.length; at += step) {
      const part = bytes.subarray(at, at + step)
      let chunk = Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString("latin1")
      if (/[\u0080-\u009f]/.test(chunk)) {
        chunk = chunk.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!)
      }
      text += chunk
    }
    return text
  },
}

/**
 * A streaming decoder for a label {@link sniff} knows. UTF-8 is fatal (a byte
 * sequence that is not UTF-8 is an error, not a replacement character in a
 * name); the single-byte encodings decode every byte.
 */
export const decoder = (label: string): Decoder => {
  const platform = new TextDecoder(label, { fatal: true })
  if (platform.encoding === "windows-1252") return windows1252
  return platform.encoding === "utf-8" ? platform : new TextDecoder(label)
}

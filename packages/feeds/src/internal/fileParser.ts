/**
 * The reader of one file, fed chunk by chunk: bytes are decoded in the
 * declared encoding and parsed by saxes; each request becomes a record or a bad
 * record as soon as its element closes, so a chunk yields the few records it
 * completes and nothing accumulates. A file that cannot go on throws
 * {@link AafFileError}.
 */
import { SaxesParser, type SaxesTagPlain } from "saxes"
import { AafFileError, type AafFileErrorReason } from "../AafFileError.ts"
import type { AafElement, RequestKind } from "../AafRecord.ts"
import { isPlaceholderPhone, phones } from "./attributes.ts"
import { type Decoder, decoder, SNIFF_BYTES, sniff } from "./encoding.ts"
import { type RawRequest, strayContent, toElement, unknownRequest } from "./records.ts"
import { type StepParser, step as stepOf } from "./steps.ts"

/** A file being read: `end` checks that the document is complete. */
export type FileParser = StepParser

const ROOT = "ficAlimMENESR"
const requestKinds: Readonly<Record<string, RequestKind>> = {
  addRequest: "add",
  modifyRequest: "modify",
  deleteRequest: "delete",
}

/**
 * The one DOCTYPE the format carries: its root and the external `ficAlimMENESR.dtd`
 * (never fetched). Anything else, an internal subset above all (where entities
 * are declared: billion laughs, external entities), stops the file.
 */
const acceptedDoctype =
  /^ficAlimMENESR\s+SYSTEM\s+(?:"(?:[^"[\]]*\/)?ficAlimMENESR\.dtd"|'(?:[^'[\]]*\/)?ficAlimMENESR\.dtd')$/

interface Request {
  kind: RequestKind
  line: number
  categoryAttribute: string | undefined
  categoryValues: Array<string>
  id: string | undefined
  attributes: Map<string, Array<string>>
  unexpected: string | undefined
}

/** A new reader of the file named `file` (the name given in every source). */
export const make = (file: string): FileParser => {
  const parser = new SaxesParser({ xmlns: false, position: true })
  const out: Array<AafElement> = []
  let decode: Decoder | undefined
  let head: Uint8Array | undefined
  let lines = 1
  // The open elements below the root, by name; `path.length` is the depth under ficAlimMENESR.
  const path: Array<string> = []
  let rootSeen = false
  let rootClosed = false
  let request: Request | undefined
  // The values of the attr/modification open at depth 3, and its name.
  let values: Array<string> | undefined
  let valuesOf: string | undefined
  let text: string | undefined

  const fail = (reason: AafFileErrorReason, detail: string, line = parser.line): never => {
    throw new AafFileError({ reason, file, line, detail })
  }
  const mark = (what: string) => {
    if (request !== undefined && request.unexpected === undefined) request.unexpected = `${what} (line ${parser.line})`
  }

  parser.on("error", (error) => fail("NotWellFormed", error.message.replace(/^undefined:/, "").trim()))
  parser.on("doctype", (doctype) => {
    const text = doctype.trim()
    if (!acceptedDoctype.test(text)) {
      fail(
        "DoctypeRefused",
        `DOCTYPE refused (only "ficAlimMENESR SYSTEM ficAlimMENESR.dtd", unexpanded): ${text.slice(0, 80)}`,
      )
    }
  })
  parser.on("opentag", (tag: SaxesTagPlain) => {
    const name = tag.name
    if (!rootSeen) {
      rootSeen = true
      if (name !== ROOT) fail("NotWellFormed", `the root element is <${name}>, not <${ROOT}>`)
      return
    }
    const depth = path.length
    path.push(name)
    if (depth === 0) {
      const kind = requestKinds[name]
      if (kind === undefined) {
        out.push(unknownRequest({ file, line: parser.line }, name))
        return
      }
      request = {
        kind,
        line: parser.line,
        categoryAttribute: undefined,
        categoryValues: [],
        id: undefined,
        attributes: new Map(),
        unexpected: undefined,
      }
      return
    }
    if (request === undefined) return // inside an unknown request: already reported
    const parent = path[depth - 1]
    switch (depth) {
      case 1: {
        const allowed =
          name === "operationalAttributes" ||
          name === "identifier" ||
          (name === "attributes" && request.kind === "add") ||
          (name === "modifications" && request.kind === "modify")
        if (!allowed) mark(`<${name}> in <${parent}>`)
        return
      }
      case 2: {
        if (parent === "identifier" && name === "id") {
          if (request.id !== undefined) mark("a second identifier/id")
          text = ""
          return
        }
        const attributeName = tag.attributes.name
        if ((parent === "operationalAttributes" || parent === "attributes") && name === "attr") {
          if (attributeName === undefined) return mark(`<attr> without a name in <${parent}>`)
          if (parent === "operationalAttributes") {
            if (request.categoryAttribute !== undefined) mark("a second operational attribute")
            request.categoryAttribute = attributeName
            values = request.categoryValues
          } else values = bucket(request, attributeName)
          valuesOf = attributeName
          return
        }
        if (parent === "modifications" && name === "modification") {
          if (attributeName === undefined) return mark("<modification> without a name")
          if (tag.attributes.operation !== "replace") {
            return mark(
              `modification of ${attributeName}: operation "${tag.attributes.operation ?? ""}", only "replace" exists`,
            )
          }
          values = bucket(request, attributeName)
          valuesOf = attributeName
          return
        }
        return mark(`<${name}> in <${parent}>`)
      }
      case 3:
        if (name === "value" && values !== undefined) {
          text = ""
          return
        }
        return mark(`<${name}> in <${parent}>`)
      default:
        return mark(`<${name}> in <${parent}>`)
    }
  })
  const onText = (chunk: string) => {
    if (text !== undefined) text += chunk
    else if (chunk.trim() !== "") {
      if (request !== undefined) mark(`text "${chunk.trim().slice(0, 40)}" outside a value`)
      else if (path.length === 0 && rootSeen && !rootClosed) {
        out.push(strayContent({ file, line: parser.line }, `text "${chunk.trim().slice(0, 40)}" between requests`))
      }
    }
  }
  parser.on("text", onText)
  parser.on("cdata", onText)
  parser.on("closetag", (tag: SaxesTagPlain) => {
    if (path.length === 0) {
      rootClosed = true
      return
    }
    path.pop()
    const depth = path.length
    if (depth === 0) {
      if (request !== undefined && tag.name in requestKinds) {
        out.push(
          toElement({
            kind: request.kind,
            source: { file, line: request.line },
            categoryAttribute: request.categoryAttribute,
            categoryValues: request.categoryValues,
            id: request.id,
            attributes: request.attributes,
            unexpected: request.unexpected,
          } satisfies RawRequest),
        )
      }
      request = undefined
      return
    }
    if (request === undefined) return
    if (depth === 3 && tag.name === "value" && text !== undefined && values !== undefined) {
      const value = text.trim()
      // An empty <value/> is no value; so is the anonymised placeholder phone.
      if (value !== "" && !(valuesOf !== undefined && phones.has(valuesOf) && isPlaceholderPhone(value)))
        values.push(value)
      text = undefined
    } else if (depth === 2 && tag.name === "id" && text !== undefined) {
      request.id = text.trim()
      text = undefined
    } else if (depth === 2) {
      values = undefined
      valuesOf = undefined
    }
  })

  const feed = (chunk: string) => {
    for (let i = chunk.indexOf("\n"); i !== -1; i = chunk.indexOf("\n", i + 1)) lines++
    parser.write(chunk)
  }
  const decodeOrFail = (bytes: Uint8Array, stream: boolean): string => {
    try {
      return decode!.decode(bytes, { stream })
    } catch {
      return fail("BadEncoding", `bytes that are not ${decode!.encoding} near line ${lines}`, lines)
    }
  }
  const start = (bytes: Uint8Array) => {
    const sniffed = sniff(bytes)
    if (sniffed._tag === "Unknown") fail("UnsupportedEncoding", `encoding "${sniffed.label}" is not supported`, 1)
    decode = decoder(sniffed.label)
  }
  const step = (run: () => void) => stepOf(out, run)

  return {
    write: (bytes) =>
      step(() => {
        if (decode === undefined) {
          // Wait for enough bytes to read the declaration whole.
          const joined = head === undefined ? bytes : concat(head, bytes)
          if (joined.byteLength < SNIFF_BYTES) {
            head = joined
            return
          }
          head = undefined
          start(joined)
          feed(decodeOrFail(joined, true))
        } else feed(decodeOrFail(bytes, true))
      }),
    end: () =>
      step(() => {
        if (decode === undefined) {
          const bytes = head ?? new Uint8Array(0)
          head = undefined
          start(bytes)
          feed(decodeOrFail(bytes, false))
        } else feed(decodeOrFail(new Uint8Array(0), false))
        parser.close()
        if (!rootSeen) fail("NotWellFormed", "the file holds no element")
      }),
  }
}

const bucket = (request: Request, name: string): Array<string> => {
  const existing = request.attributes.get(name)
  if (existing !== undefined) return existing
  const created: Array<string> = []
  request.attributes.set(name, created)
  return created
}

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const joined = new Uint8Array(a.byteLength + b.byteLength)
  joined.set(a, 0)
  joined.set(b, a.byteLength)
  return joined
}

import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import { CasXmlError, makeReader } from "../src/internal/casResponse.ts"
import { failureBody, successBody } from "./CasServer.ts"

const read = (chunks: ReadonlyArray<string>) => {
  const reader = makeReader()
  for (const chunk of chunks) reader.write(chunk)
  return reader.close()
}

/** `text` cut at the given offsets. */
const cut = (text: string, offsets: ReadonlyArray<number>): ReadonlyArray<string> => {
  const points = [...new Set(offsets.map((offset) => offset % (text.length + 1)))].sort((a, b) => a - b)
  return [0, ...points].map((from, i) => text.slice(from, points[i] ?? text.length))
}

const SUCCESS = successBody("jdupont", { displayName: ["Jeanne Dupont-Éluard"], memberOf: ["A", "B & C"] })

describe("the CAS response reader", () => {
  it("reads the spec's success and failure bodies", () => {
    assert.deepStrictEqual(read([SUCCESS]), {
      _tag: "Success",
      user: "jdupont",
      attributes: new Map([
        ["displayName", ["Jeanne Dupont-Éluard"]],
        ["memberOf", ["A", "B & C"]],
      ]),
    })
    assert.deepStrictEqual(read([failureBody("INVALID_TICKET", "Ticket ST-1 not recognized")]), {
      _tag: "Failure",
      code: "INVALID_TICKET",
      description: "Ticket ST-1 not recognized",
    })
  })

  it("takes the CAS namespace under any prefix, or as the default namespace", () => {
    const defaulted = SUCCESS.replaceAll("cas:", "").replace("xmlns:cas=", "xmlns=")
    const prefixed = SUCCESS.replaceAll("cas:", "yale:").replace("xmlns:cas=", "xmlns:yale=")
    assert.deepStrictEqual(read([defaulted]), read([SUCCESS]))
    assert.deepStrictEqual(read([prefixed]), read([SUCCESS]))
  })

  it.prop(
    "a response cut anywhere reads as the whole",
    [FastCheck.array(FastCheck.nat(), { maxLength: 20 })],
    ([offsets]) => {
      assert.deepStrictEqual(read(cut(SUCCESS, offsets)), read([SUCCESS]))
    },
  )

  it.prop(
    "a DOCTYPE is refused wherever the chunks are cut, before the root element is read",
    [FastCheck.array(FastCheck.nat(), { maxLength: 10 })],
    ([offsets]) => {
      const hostile = `<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "x">]>\n${SUCCESS.replace("jdupont", "&a;")}`
      assert.throws(() => read(cut(hostile, offsets)), CasXmlError, /DOCTYPE/)
    },
  )

  it("an undeclared entity is a well-formedness error, never expanded", () => {
    assert.throws(() => read([SUCCESS.replace("jdupont", "&lol9;")]), CasXmlError, /not well-formed/)
  })

  it("refuses a document that is not one CAS outcome", () => {
    for (const text of [
      "",
      '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"/>',
      '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess/></cas:serviceResponse>',
      `${SUCCESS}${SUCCESS}`,
      SUCCESS.replace(
        "</cas:authenticationSuccess>",
        "</cas:authenticationSuccess><cas:authenticationFailure code='X'/>",
      ),
      SUCCESS.replace("<cas:attributes>", "<cas:attributes><cas:a><cas:b>x</cas:b></cas:a>"),
      SUCCESS.replace("<cas:user>", "<cas:proxies><cas:proxy>https://p</cas:proxy></cas:proxies><cas:user>"),
      SUCCESS.replace("<cas:user>", "stray text<cas:user>"),
      SUCCESS.replace("</cas:attributes>", "</cas:attributes><cas:attributes></cas:attributes>"),
    ]) {
      assert.throws(() => read([text]), CasXmlError, undefined, text)
    }
  })
})

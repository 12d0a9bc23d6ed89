/**
 * The strict, streaming reader of a CAS validation response (saxes, namespaces
 * on): it accepts the documented shape of `cas:serviceResponse` only, and stops at
 * the first thing outside it (a DOCTYPE, an element of another namespace, a
 * second `cas:user`, an element inside a value), so that what it returns is
 * exactly what the server said and nothing a hostile body smuggled in.
 */
import { SaxesParser, type SaxesTagNS } from "saxes"

/** The namespace of every CAS element (CAS protocol 2.0 and 3.0). */
export const CAS_NAMESPACE = "http://www.yale.edu/tp/cas"

/** What the server answered: a user with its released attributes, or a failure code. */
export type CasResponse =
  | {
      readonly _tag: "Success"
      readonly user: string
      readonly attributes: ReadonlyMap<string, ReadonlyArray<string>>
    }
  | { readonly _tag: "Failure"; readonly code: string; readonly description: string }

/** The body is not a CAS response this reader accepts; the message says why. */
export class CasXmlError extends Error {
  override readonly name = "CasXmlError"
}

/** A reader fed chunk by chunk; `close` checks that the document ended and gives the response. */
export interface CasResponseReader {
  readonly write: (chunk: string) => void
  readonly close: () => CasResponse
}

const refuse = (reason: string): never => {
  throw new CasXmlError(reason)
}

/** The elements whose text is a value, by their local name under their parent's. */
type Leaf = "user" | "proxyGrantingTicket" | "attribute" | "failure"

/**
 * A new reader. Throws {@link CasXmlError} from `write` or `close` at the first
 * thing it refuses (saxes' own well-formedness errors included).
 */
export const makeReader = (): CasResponseReader => {
  const parser = new SaxesParser({ xmlns: true, position: false })
  // The local names of the open elements, all of the CAS namespace.
  const open: Array<string> = []
  let leaf: Leaf | undefined
  let text = ""
  let outcome: "success" | "failure" | undefined
  let user: string | undefined
  let sawAttributes = false
  let sawProxyGrantingTicket = false
  let failureCode = ""
  let failureDescription = ""
  // A Map, not an object: an attribute named `__proto__` is just a name.
  const attributes = new Map<string, Array<string>>()

  // An internal subset may declare entities (billion laughs) and a system id an external
  // file: a CAS server has no reason to send either, so any DOCTYPE ends the parse.
  parser.on("doctype", () => refuse("the response has a DOCTYPE"))
  parser.on("error", (error) => refuse(`the response is not well-formed XML: ${error.message}`))
  parser.on("opentag", (tag: SaxesTagNS) => {
    if (tag.uri !== CAS_NAMESPACE) refuse(`element <${tag.name}> is not in the CAS namespace`)
    const local = tag.local
    const path = open.join("/")
    switch (path) {
      case "":
        if (local !== "serviceResponse") refuse(`the root element is <${tag.name}>, not cas:serviceResponse`)
        break
      case "serviceResponse":
        if (outcome !== undefined) refuse("more than one outcome in the response")
        if (local === "authenticationSuccess") outcome = "success"
        else if (local === "authenticationFailure") {
          outcome = "failure"
          leaf = "failure"
          failureCode = tag.attributes.code?.value ?? ""
        } else refuse(`unexpected element <${tag.name}> in cas:serviceResponse`)
        break
      case "serviceResponse/authenticationSuccess":
        if (local === "user") {
          if (user !== undefined) refuse("more than one cas:user")
          leaf = "user"
        } else if (local === "attributes") {
          if (sawAttributes) refuse("more than one cas:attributes")
          sawAttributes = true
        } else if (local === "proxyGrantingTicket") {
          if (sawProxyGrantingTicket) refuse("more than one cas:proxyGrantingTicket")
          sawProxyGrantingTicket = true
          leaf = "proxyGrantingTicket"
        } else refuse(`unexpected element <${tag.name}> in cas:authenticationSuccess`)
        break
      case "serviceResponse/authenticationSuccess/attributes":
        // Effect's Schema.Record copies keys by assignment: this one would set the identity's prototype.
        if (local === "__proto__") refuse("an attribute named __proto__")
        leaf = "attribute"
        break
      default:
        // Below a value (`cas:user`, an attribute, the failure) or deeper than the protocol goes.
        refuse(`unexpected element <${tag.name}>`)
    }
    open.push(local)
    text = ""
    // `cas:user` is recorded as present at its opening, so a second one is refused even when the first is empty.
    if (leaf === "user") user = ""
  })
  const onText = (chunk: string) => {
    if (leaf !== undefined) text += chunk
    else if (chunk.trim() !== "") refuse("text outside a value")
  }
  parser.on("text", onText)
  parser.on("cdata", onText)
  parser.on("closetag", (tag: SaxesTagNS) => {
    open.pop()
    switch (leaf) {
      case "user":
        user = text.trim()
        break
      case "attribute": {
        const values = attributes.get(tag.local)
        if (values === undefined) attributes.set(tag.local, [text.trim()])
        else values.push(text.trim())
        break
      }
      case "failure":
        failureDescription = text.trim()
        break
      case "proxyGrantingTicket":
      case undefined:
        break
    }
    leaf = undefined
    text = ""
  })

  return {
    write: (chunk) => {
      parser.write(chunk)
    },
    close: () => {
      parser.close()
      if (outcome === "failure") return { _tag: "Failure", code: failureCode, description: failureDescription }
      if (outcome === undefined) return refuse("no cas:authenticationSuccess nor cas:authenticationFailure")
      if (user === undefined || user === "") return refuse("cas:authenticationSuccess without a cas:user")
      return { _tag: "Success", user, attributes }
    },
  }
}

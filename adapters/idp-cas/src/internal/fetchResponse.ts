/**
 * One validation call: GET the URL with node's fetch and feed the body to the CAS
 * reader as it arrives, never holding more than `maxBytes` of it. The outcome is
 * a value for every way the call can go; a rejected promise means the server was
 * not reached (or the call was aborted).
 */
import { type CasResponse, CasXmlError, makeReader } from "./casResponse.ts"

/** How a call ended when the server answered. */
export type CallOutcome =
  | { readonly _tag: "Response"; readonly response: CasResponse }
  | { readonly _tag: "HttpError"; readonly status: number }
  | { readonly _tag: "TooLarge"; readonly maxBytes: number }
  | { readonly _tag: "Refused"; readonly error: CasXmlError }

const readBody = async (
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Exclude<CallOutcome, { readonly _tag: "HttpError" }>> => {
  const reader = body.getReader()
  const xml = makeReader()
  // `fatal`: bytes that are not UTF-8 are a malformed response, not replacement characters.
  const decoder = new TextDecoder("utf-8", { fatal: true })
  let received = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      received += value.byteLength
      if (received > maxBytes) return { _tag: "TooLarge", maxBytes }
      xml.write(decoder.decode(value, { stream: true }))
    }
    xml.write(decoder.decode())
    return { _tag: "Response", response: xml.close() }
  } catch (error) {
    if (error instanceof CasXmlError) return { _tag: "Refused", error }
    if (error instanceof TypeError && "code" in error && error.code === "ERR_ENCODING_INVALID_ENCODED_DATA") {
      return { _tag: "Refused", error: new CasXmlError("the response is not UTF-8") }
    }
    throw error
  } finally {
    // Stops the download when the parse ended early (a refusal, a body over the bound).
    reader.cancel().catch(() => {})
  }
}

/** Calls `url` and reads its CAS response; rejects when the server cannot be reached. */
export const fetchResponse = async (url: URL, maxBytes: number, signal: AbortSignal): Promise<CallOutcome> => {
  const response = await fetch(url, {
    signal,
    // A validation endpoint does not redirect; following one would send the ticket elsewhere.
    redirect: "manual",
    headers: { accept: "application/xml, text/xml" },
  })
  if (response.status !== 200 || response.body === null) {
    response.body?.cancel().catch(() => {})
    return { _tag: "HttpError", status: response.status }
  }
  const declared = Number(response.headers.get("content-length") ?? "0")
  if (declared > maxBytes) {
    response.body.cancel().catch(() => {})
    return { _tag: "TooLarge", maxBytes }
  }
  return readBody(response.body, maxBytes)
}

/**
 * A CAS server for the tests, on 127.0.0.1 (a free port), scoped: it answers
 * `/cas/p3/serviceValidate` (3.0) and `/cas/serviceValidate` (2.0) with the
 * bodies of the CAS protocol 3.0 specification (§2.5, §2.6, appendix A), and
 * tickets are single use as on a real server: a ticket is spent by its first
 * validation, whatever its outcome, and an unknown or spent one is
 * INVALID_TICKET. A ticket may also be minted to answer a canned body, an HTTP
 * status, a stream of megabytes, or nothing at all.
 */
import { randomBytes } from "node:crypto"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/** What validating a ticket answers. */
export type TicketPlan =
  | {
      readonly _tag: "User"
      readonly user: string
      readonly service: string
      readonly attributes?: Readonly<Record<string, ReadonlyArray<string>>>
    }
  | { readonly _tag: "Body"; readonly body: string | Uint8Array; readonly status?: number }
  | { readonly _tag: "Redirect"; readonly location: string }
  | { readonly _tag: "Megabytes"; readonly megabytes: number }
  | { readonly _tag: "Hang" }

/** The test server. */
export class CasServer extends Context.Tag("test/CasServer")<
  CasServer,
  {
    /** The CAS base URL (`http://127.0.0.1:<port>/cas`). */
    readonly url: string
    /** A fresh service ticket answering `plan` once. */
    readonly mint: (plan: TicketPlan) => Effect.Effect<string>
    /** Validation requests received so far. */
    readonly requests: Effect.Effect<number>
  }
>() {}

const escapeXml = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/** The CAS 3.0 success body (§2.6.2 of the spec), attributes in `cas:attributes` when given. */
export const successBody = (
  user: string,
  attributes: Readonly<Record<string, ReadonlyArray<string>>> | undefined,
): string => {
  const released =
    attributes === undefined
      ? ""
      : [
          "    <cas:attributes>",
          ...Object.entries(attributes).flatMap(([name, values]) =>
            values.map((value) => `      <cas:${name}>${escapeXml(value)}</cas:${name}>`),
          ),
          "    </cas:attributes>",
        ]
  return [
    '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">',
    "  <cas:authenticationSuccess>",
    `    <cas:user>${escapeXml(user)}</cas:user>`,
    ...released,
    "  </cas:authenticationSuccess>",
    "</cas:serviceResponse>",
    "",
  ].join("\n")
}

/** The CAS failure body (§2.5.2 of the spec). */
export const failureBody = (code: string, description: string): string =>
  [
    '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">',
    `  <cas:authenticationFailure code="${code}">`,
    `    ${escapeXml(description)}`,
    "  </cas:authenticationFailure>",
    "</cas:serviceResponse>",
    "",
  ].join("\n")

const xml = (response: Http.ServerResponse, body: string | Uint8Array, status = 200) => {
  response.writeHead(status, { "content-type": "application/xml;charset=UTF-8" })
  response.end(body)
}

/** Streams `megabytes` of a well-formed success whose attributes never end, without a content-length. */
const stream = (response: Http.ServerResponse, megabytes: number) => {
  response.writeHead(200, { "content-type": "application/xml;charset=UTF-8" })
  response.on("error", () => {})
  response.write('<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess>')
  response.write("<cas:user>alice</cas:user><cas:attributes>")
  const chunk = `<cas:junk>${"x".repeat(64 * 1024)}</cas:junk>`
  let left = Math.ceil((megabytes * 1024 * 1024) / chunk.length)
  const pump = () => {
    while (left > 0 && !response.destroyed) {
      left--
      if (!response.write(chunk)) return void response.once("drain", pump)
    }
    if (!response.destroyed) response.end("</cas:attributes></cas:authenticationSuccess></cas:serviceResponse>")
  }
  pump()
}

/** The server, listening until the scope closes. */
export const layer: Layer.Layer<CasServer> = Layer.scoped(
  CasServer,
  Effect.gen(function* () {
    const tickets = new Map<string, TicketPlan>()
    let requests = 0
    let minted = 0
    const server = Http.createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1")
      const protocol =
        url.pathname === "/cas/p3/serviceValidate" ? "3.0" : url.pathname === "/cas/serviceValidate" ? "2.0" : undefined
      if (protocol === undefined) {
        response.writeHead(404).end()
        return
      }
      requests++
      const ticket = url.searchParams.get("ticket")
      const service = url.searchParams.get("service")
      if (ticket === null || service === null) {
        return xml(response, failureBody("INVALID_REQUEST", "'service' and 'ticket' parameters are both required"))
      }
      const plan = tickets.get(ticket)
      // Spent by this validation, whatever comes of it: a replay is INVALID_TICKET.
      tickets.delete(ticket)
      if (plan === undefined) return xml(response, failureBody("INVALID_TICKET", `Ticket ${ticket} not recognized`))
      switch (plan._tag) {
        case "User":
          if (plan.service !== service) {
            return xml(response, failureBody("INVALID_SERVICE", `Ticket ${ticket} does not match supplied service`))
          }
          // Attribute release is a 3.0 feature: the 2.0 endpoint answers the user alone.
          return xml(response, successBody(plan.user, protocol === "3.0" ? plan.attributes : undefined))
        case "Body":
          return xml(response, plan.body, plan.status)
        case "Redirect":
          response.writeHead(302, { location: plan.location }).end()
          return
        case "Megabytes":
          return stream(response, plan.megabytes)
        case "Hang":
          return
      }
    })
    yield* Effect.acquireRelease(
      Effect.async<void>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.void))
      }),
      () =>
        Effect.async<void>((resume) => {
          // A hanging request keeps its socket open: close it, or `close` waits forever.
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        }),
    )
    const { port } = server.address() as AddressInfo
    return {
      url: `http://127.0.0.1:${port}/cas`,
      mint: (plan) =>
        Effect.sync(() => {
          minted++
          const ticket = `ST-${minted}-${randomBytes(12).toString("base64url")}-cas.test`
          tickets.set(ticket, plan)
          return ticket
        }),
      requests: Effect.sync(() => requests),
    }
  }),
)

/**
 * A client of the running server, over real HTTP on 127.0.0.1: what a vendor's
 * front end sends, and the status, headers and body it gets back.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as HttpServer from "@effect/platform/HttpServer"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { people, type Seeded, seed } from "../src/Seed.ts"
import * as Server from "../src/Server.ts"

/** An answer: its status, content type, and body as JSON (when it is) and as bytes. */
export interface Answer {
  readonly status: number
  readonly contentType: string
  readonly json: unknown
  readonly bytes: Uint8Array
}

/** What a request carries: a session token, a JSON body or raw text. */
export interface Request {
  readonly token?: string
  readonly body?: unknown
  readonly raw?: string
  /** Raw text sent in chunks, without Content-Length. */
  readonly chunked?: string
  readonly headers?: Readonly<Record<string, string>>
}

/** The server under test: its base URL, the seed's codes, and the sessions of the people who activated. */
export class Running extends Context.Tag("test/Running")<
  Running,
  {
    readonly url: string
    readonly seeded: Seeded
    readonly call: (method: string, path: string, request?: Request) => Effect.Effect<Answer>
    /** Each person's session token, from a first login through POST /activation. */
    readonly tokens: Readonly<Record<Exclude<keyof typeof people, "teacher" | "newPupil">, string>>
  }
>() {}

/** Each person's password once activated. */
export const passwordOf = (login: string) => `${login}-Cartable-2026`

const call =
  (url: string) =>
  (method: string, path: string, request: Request = {}): Effect.Effect<Answer> =>
    Effect.promise(async () => {
      const headers: Record<string, string> = { ...request.headers }
      if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`
      let body: string | undefined = request.raw
      if (request.body !== undefined) {
        body = JSON.stringify(request.body)
        headers["content-type"] = "application/json"
      }
      const init: RequestInit & { duplex?: "half" } = { method, headers, ...(body === undefined ? {} : { body }) }
      if (request.chunked !== undefined) {
        const text = new TextEncoder().encode(request.chunked)
        init.body = new ReadableStream({
          start: (controller) => {
            controller.enqueue(text)
            controller.close()
          },
        })
        init.duplex = "half"
      }
      const response = await fetch(`${url}${path}`, init)
      const bytes = new Uint8Array(await response.arrayBuffer())
      const contentType = response.headers.get("content-type") ?? ""
      const json = contentType.includes("json") ? JSON.parse(new TextDecoder().decode(bytes)) : undefined
      return { status: response.status, contentType, json, bytes }
    })

/**
 * A fresh file, the server on a free port of 127.0.0.1, the seed, and every
 * person but the teacher and the new pupil activated over HTTP.
 */
export const layer = Layer.effect(
  Running,
  Effect.gen(function* () {
    const seeded = yield* seed
    const { address } = yield* HttpServer.HttpServer
    if (address._tag !== "TcpAddress") return yield* Effect.dieMessage("not a TCP server")
    const url = `http://127.0.0.1:${address.port}`
    const client = call(url)
    const tokens: Record<string, string> = {}
    for (const [name, person] of Object.entries(people)) {
      // The sign-in test activates the teacher; the new pupil never signs in (her sheet is in the mail-merge).
      if (name === "teacher" || name === "newPupil") continue
      const answer = yield* client("POST", "/activation", {
        body: {
          login: person.login,
          activationCode: seeded.codes[person.accountId],
          password: passwordOf(person.login),
          charterAccepted: true,
          email: `${person.login}@example.org`,
        },
      })
      if (answer.status !== 200)
        return yield* Effect.dieMessage(`activation of ${name}: ${JSON.stringify(answer.json)}`)
      tokens[name] = (answer.json as { token: string }).token
    }
    return {
      url,
      seeded,
      call: client,
      tokens: tokens as Record<Exclude<keyof typeof people, "teacher" | "newPupil">, string>,
    }
  }),
).pipe(
  Layer.provideMerge(
    Layer.unwrapScoped(
      Effect.gen(function* () {
        const dir = mkdtempSync(join(tmpdir(), "cartable-vendor-http-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
        // Cheap argon2id: the tests do not depend on the cost.
        return Server.layer({
          filename: join(dir, "vendor-http.db"),
          port: 0,
          hasher: { memoryCost: 1_024, timeCost: 1, parallelism: 1 },
        })
      }),
    ),
  ),
)

/**
 * The server: the ENT on one SQLite file (examples/sign-in's `Stack`, with the
 * read models the API queries), the API's handlers, the OpenAPI document at
 * `/openapi.json` and its Swagger page at `/docs`, on Node's HTTP server.
 *
 * @since 0.1.0
 */
import { createServer } from "node:http"
import * as Stack from "@cartable/example-sign-in/Stack"
import * as Identity from "@cartable/identity/Identity"
import type * as Argon2Hasher from "@cartable/idp-local/Argon2Hasher"
import * as Directory from "@cartable/read-models/Directory"
import * as HomeworkBooks from "@cartable/read-models/HomeworkBooks"
import * as MailMerge from "@cartable/read-models/MailMerge"
import * as ReportQueue from "@cartable/read-models/ReportQueue"
import * as Rosters from "@cartable/read-models/Rosters"
import * as MailMergeAccess from "@cartable/workspace/MailMergeAccess"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpApiSwagger from "@effect/platform/HttpApiSwagger"
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { VendorApi } from "./Api.ts"
import * as Handlers from "./Handlers.ts"

/**
 * Where the server listens and keeps its data.
 *
 * @since 0.1.0
 */
export interface Options {
  /** The SQLite file of the whole ENT. */
  readonly filename: string
  readonly host?: string | undefined
  /** 0 for a free port (the tests); `HttpServer.HttpServer`'s `address` tells which. */
  readonly port?: number | undefined
  /** The largest body read, in bytes (64 KiB by default: an intent is a few hundred bytes). */
  readonly maxBodyBytes?: number | undefined
  readonly hasher?: Argon2Hasher.Parameters | undefined
}

/**
 * The ENT the API stands on: the Workspace and local sign-in on one file, the
 * read models inline (one process: a query sees the command before it), their
 * query services, the mail-merge behind its role, and the identity flows.
 *
 * @since 0.1.0
 */
export const ent = (options: Pick<Options, "filename" | "hasher">) =>
  Layer.mergeAll(
    Identity.layer({}),
    MailMergeAccess.layer,
    Directory.layer,
    ReportQueue.layer,
    HomeworkBooks.layer,
    Rosters.layer,
  ).pipe(
    Layer.provideMerge(MailMerge.layer),
    Layer.provideMerge(
      Stack.layer({
        filename: options.filename,
        hasher: options.hasher,
        inline: [
          ReportQueue.ReportQueueProjection,
          Directory.DirectoryProjection,
          MailMerge.MailMergeProjection,
          Rosters.RostersProjection,
          HomeworkBooks.HomeworkBooksProjection,
        ],
      }),
    ),
  )

/**
 * Refuses a body over the limit from its Content-Length, and a body without
 * one (sent in chunks), before reading it; the limit also bounds the read.
 *
 * @since 0.1.0
 */
export const bodyLimit =
  (limit: number) =>
  (app: HttpApp.Default): HttpApp.Default =>
    Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const declared = request.headers["content-length"]
      if (declared === undefined && request.headers["transfer-encoding"] !== undefined) {
        return HttpServerResponse.unsafeJson(
          { _tag: "LengthRequired", message: "Send the body with its Content-Length" },
          { status: 411 },
        )
      }
      const length = Number(declared ?? "0")
      if (!Number.isSafeInteger(length) || length > limit) {
        return HttpServerResponse.unsafeJson(
          { _tag: "PayloadTooLarge", limit, message: `The body is over ${limit} bytes` },
          { status: 413 },
        )
      }
      return yield* HttpIncomingMessage.withMaxBodySize(app, Option.some(limit))
    })

/**
 * The API's routes, the OpenAPI document and the Swagger page, over the ENT.
 *
 * @since 0.1.0
 */
export const api = HttpApiBuilder.api(VendorApi).pipe(Layer.provide(Handlers.layer))

/**
 * The server on `host:port`, with the ENT it serves (its services stay
 * available to the caller: the seed runs on them).
 *
 * @since 0.1.0
 */
export const layer = (options: Options) =>
  HttpApiBuilder.serve(bodyLimit(options.maxBodyBytes ?? 65_536)).pipe(
    Layer.provide(HttpApiSwagger.layer({ path: "/docs" })),
    Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" })),
    Layer.provide(api),
    HttpServer.withLogAddress,
    Layer.provideMerge(
      NodeHttpServer.layer(createServer, { host: options.host ?? "127.0.0.1", port: options.port ?? 0 }),
    ),
    Layer.provideMerge(ent(options)),
  )

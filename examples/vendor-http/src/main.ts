/**
 * `pnpm start`: the vendor's API on 127.0.0.1 (PORT, 3000 by default) over a
 * fresh SQLite file (`vendor-http.db` in the current folder, left for you to
 * inspect), seeded with two schools and a few people whose activation codes it
 * prints: activate one with POST /activation, then try the routes from /docs.
 */
import { rmSync } from "node:fs"
import { resolve } from "node:path"
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { people, seed } from "./Seed.ts"
import * as Server from "./Server.ts"

const filename = resolve("vendor-http.db")
for (const suffix of ["", "-wal", "-shm"]) rmSync(`${filename}${suffix}`, { force: true })

const main = Effect.gen(function* () {
  const { codes } = yield* seed
  const { address } = yield* HttpServer.HttpServer
  const url = address._tag === "TcpAddress" ? `http://${address.hostname}:${address.port}` : `unix:${address.path}`
  yield* Console.log(`Cartable's vendor API on ${url} (one SQLite file: ${filename})`)
  yield* Console.log(`  Swagger page: ${url}/docs    OpenAPI document: ${url}/openapi.json`)
  yield* Console.log(
    "  First login: POST /activation { login, activationCode, password, charterAccepted: true, email }",
  )
  for (const person of Object.values(people)) {
    yield* Console.log(`    ${person.login.padEnd(16)} ${codes[person.accountId]}  (${person.profile})`)
  }
  return yield* Effect.never
})

NodeRuntime.runMain(main.pipe(Effect.provide(Server.layer({ filename, port: Number(process.env.PORT ?? "3000") }))))

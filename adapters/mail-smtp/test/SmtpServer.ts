/**
 * An SMTP server for the tests (smtp-server), on 127.0.0.1 (a free port),
 * scoped: it keeps what it receives, parsed back with mailparser, accepts one
 * login, and refuses recipients at `refused.example` with a 550 (or 450 at
 * `busy.example`), as a real server refuses an unknown mailbox.
 */
import * as Net from "node:net"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { type ParsedMail, simpleParser } from "mailparser"
import { SMTPServer, type SMTPServerOptions } from "smtp-server"

/** The one login the server accepts. */
export const USER = "ent-mailer"
/** Its password: a test asserts that no error text carries it. */
export const PASSWORD = "s3cr3t-Pässwörd-42"

/** A message as received: the envelope, the parsed message, its raw text. */
export interface Received {
  readonly from: string
  readonly to: ReadonlyArray<string>
  readonly mail: ParsedMail
  readonly raw: string
}

/** The server's options: smtp-server's, plus whether AUTH is required. */
export interface Options {
  readonly secure?: boolean
  readonly hideSTARTTLS?: boolean
  readonly authRequired?: boolean
  /** A careless server that puts the password it got in its refusal. */
  readonly echoPassword?: boolean
}

const smtpError = (message: string, responseCode: number) => Object.assign(new Error(message), { responseCode })

/** A running server: its port, and the messages received so far. */
export const start = (
  options: Options = {},
): Effect.Effect<{ readonly port: number; readonly received: () => ReadonlyArray<Received> }, never, Scope.Scope> =>
  Effect.gen(function* () {
    const received: Array<Received> = []
    const serverOptions: SMTPServerOptions = {
      logger: false,
      secure: options.secure ?? false,
      hideSTARTTLS: options.hideSTARTTLS ?? false,
      authOptional: !(options.authRequired ?? false),
      // The tests authenticate over a plain connection too (security "none").
      allowInsecureAuth: true,
      onAuth: (auth, _session, callback) => {
        if (auth.username === USER && auth.password === PASSWORD) return callback(null, { user: USER })
        const echo = options.echoPassword === true ? ` (${auth.password ?? ""})` : ""
        return callback(smtpError(`Invalid username or password${echo}`, 535))
      },
      onRcptTo: (address, _session, callback) => {
        if (address.address.endsWith("@refused.example")) return callback(smtpError("5.1.1 No such user here", 550))
        if (address.address.endsWith("@busy.example")) return callback(smtpError("4.2.1 Mailbox busy, try later", 450))
        return callback()
      },
      onData: (stream, session, callback) => {
        const chunks: Array<Buffer> = []
        stream.on("data", (chunk: Buffer) => chunks.push(chunk))
        stream.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8")
          simpleParser(raw).then(
            (mail) => {
              received.push({
                from: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
                to: session.envelope.rcptTo.map((to) => to.address),
                mail,
                raw,
              })
              callback()
            },
            (error: Error) => callback(error),
          )
        })
      },
    }
    const server = new SMTPServer(serverOptions)
    yield* Effect.acquireRelease(
      Effect.async<void>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.void))
      }),
      () => Effect.async<void>((resume) => server.close(() => resume(Effect.void))),
    )
    const address = server.server.address() as Net.AddressInfo
    return { port: address.port, received: () => [...received] }
  })

/** A port where nothing listens: bound, then closed at once. */
export const closedPort: Effect.Effect<number> = Effect.async<number>((resume) => {
  const probe = Net.createServer()
  probe.listen(0, "127.0.0.1", () => {
    const { port } = probe.address() as Net.AddressInfo
    probe.close(() => resume(Effect.succeed(port)))
  })
})

/** A server that accepts connections and never says a word (no greeting). */
export const silent: Effect.Effect<number, never, Scope.Scope> = Effect.acquireRelease(
  Effect.async<{ readonly server: Net.Server; readonly sockets: Set<Net.Socket> }>((resume) => {
    const sockets = new Set<Net.Socket>()
    const server = Net.createServer((socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
    })
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ server, sockets })))
  }),
  ({ server, sockets }) =>
    Effect.async<void>((resume) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resume(Effect.void))
    }),
).pipe(Effect.map(({ server }) => (server.address() as Net.AddressInfo).port))

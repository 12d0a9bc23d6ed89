import { Mailer } from "@cartable/identity/Mailer"
import * as SmtpMailer from "@cartable/mail-smtp/SmtpMailer"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import { closedPort, PASSWORD, silent, start, USER } from "./SmtpServer.ts"

const FROM = "no-reply@ent.example.fr"
const recovery = {
  to: "zoe.lefevre@famille.example",
  subject: "Réinitialisation de votre mot de passe — ENT Île-de-France",
  text: "Bonjour Zoé,\n\nVoici le lien : https://ent.example.fr/recover?token=abc\n\nÀ bientôt, l'équipe ENT ✓\n",
}

// smtp-server's default certificate is self-signed: these tests trust it explicitly.
const selfSigned = { rejectUnauthorized: false }

const mailer = (config: Omit<SmtpMailer.Config, "host" | "from"> & { readonly from?: string }) =>
  SmtpMailer.make({ host: "127.0.0.1", from: FROM, ...config })

const failure = (exit: Exit.Exit<unknown, unknown>) => {
  if (Exit.isSuccess(exit)) return assert.fail("sent where it must fail")
  const error = Cause.failureOption(exit.cause)
  if (error._tag === "None") return assert.fail(`not a typed failure: ${Cause.pretty(exit.cause)}`)
  const value = error.value as { readonly _tag: string; readonly reason: string; readonly message: string }
  assert.strictEqual(value._tag, "MailError")
  return value
}

/** Every form the password takes on the wire, none of which may be in an error. */
const secretForms = [
  PASSWORD,
  Buffer.from(PASSWORD).toString("base64"),
  Buffer.from(`\0${USER}\0${PASSWORD}`).toString("base64"),
]
const assertNoSecret = (error: unknown) => {
  const texts = [String(error), JSON.stringify(error), (error as { readonly message: string }).message]
  for (const text of texts) for (const secret of secretForms) assert.notInclude(text, secret)
}

describe("SmtpMailer", () => {
  it.scopedLive("the message arrives with its sender, recipient, subject and text, accents included", () =>
    Effect.gen(function* () {
      const server = yield* start({ hideSTARTTLS: true })
      const { send } = yield* mailer({ port: server.port, security: "none", from: `ENT Île-de-France <${FROM}>` })
      yield* send(recovery)
      const [received, ...more] = server.received()
      assert.deepStrictEqual(more, [])
      assert.strictEqual(received?.from, FROM)
      assert.deepStrictEqual(received?.to, [recovery.to])
      assert.deepStrictEqual(received?.mail.from?.value, [{ address: FROM, name: "ENT Île-de-France" }])
      assert.strictEqual(received?.mail.subject, recovery.subject)
      assert.strictEqual(received?.mail.text, recovery.text)
    }),
  )

  it.scopedLive("through STARTTLS with a login the server accepts", () =>
    Effect.gen(function* () {
      const server = yield* start({ authRequired: true })
      const { send } = yield* mailer({
        port: server.port,
        security: "starttls",
        tls: selfSigned,
        auth: { user: USER, password: Redacted.make(PASSWORD) },
      })
      yield* send(recovery)
      assert.strictEqual(server.received()[0]?.mail.subject, recovery.subject)
    }),
  )

  it.scopedLive("through implicit TLS, given as the Mailer layer", () =>
    Effect.gen(function* () {
      const server = yield* start({ secure: true, authRequired: true })
      const layer = SmtpMailer.layer({
        host: "127.0.0.1",
        port: server.port,
        security: "tls",
        tls: selfSigned,
        auth: { user: USER, password: Redacted.make(PASSWORD) },
        from: FROM,
      })
      yield* Effect.flatMap(Mailer, (mailer) => mailer.send(recovery)).pipe(Effect.provide(layer))
      assert.strictEqual(server.received().length, 1)
    }),
  )

  it.scopedLive("a refused login is Unavailable, and no error text carries the password", () =>
    Effect.gen(function* () {
      // A server that echoes the password it got: the mailer's text must still not carry it.
      const server = yield* start({ authRequired: true, echoPassword: true })
      for (const password of [`${PASSWORD}-wrong`, PASSWORD.slice(1)]) {
        const { send } = yield* mailer({
          port: server.port,
          security: "starttls",
          tls: selfSigned,
          auth: { user: USER, password: Redacted.make(password) },
        })
        const error = failure(yield* Effect.exit(send(recovery)))
        assert.strictEqual(error.reason, "Unavailable")
        assert.match(error.message, /535/)
        assertNoSecret(error)
        for (const text of [String(error), JSON.stringify(error)]) assert.notInclude(text, password)
      }
      assert.deepStrictEqual(server.received(), [])
    }),
  )

  it.scopedLive("no login where the server requires one is Unavailable", () =>
    Effect.gen(function* () {
      const server = yield* start({ authRequired: true })
      const { send } = yield* mailer({ port: server.port, security: "starttls", tls: selfSigned })
      assert.strictEqual(failure(yield* Effect.exit(send(recovery))).reason, "Unavailable")
      assert.deepStrictEqual(server.received(), [])
    }),
  )

  it.scopedLive("a recipient the server refuses (550) is Rejected; a mailbox busy (450) is Unavailable", () =>
    Effect.gen(function* () {
      const server = yield* start({ hideSTARTTLS: true })
      const { send } = yield* mailer({ port: server.port, security: "none" })
      const refused = failure(yield* Effect.exit(send({ ...recovery, to: "nobody@refused.example" })))
      assert.strictEqual(refused.reason, "Rejected")
      assert.match(refused.message, /550/)
      const busy = failure(yield* Effect.exit(send({ ...recovery, to: "someone@busy.example" })))
      assert.strictEqual(busy.reason, "Unavailable")
      assert.deepStrictEqual(server.received(), [])
    }),
  )

  it.scopedLive("a server that is down, or never greets, is Unavailable", () =>
    Effect.gen(function* () {
      const down = yield* mailer({ port: yield* closedPort, security: "none" })
      assert.strictEqual(failure(yield* Effect.exit(down.send(recovery))).reason, "Unavailable")
      const mute = yield* mailer({ port: yield* silent, security: "none", greetingTimeout: "300 millis" })
      assert.strictEqual(failure(yield* Effect.exit(mute.send(recovery))).reason, "Unavailable")
    }),
  )

  it.scopedLive("STARTTLS required: a server without it, or with an untrusted certificate, gets nothing", () =>
    Effect.gen(function* () {
      const clear = yield* start({ hideSTARTTLS: true })
      const toClear = yield* mailer({ port: clear.port, auth: { user: USER, password: Redacted.make(PASSWORD) } })
      const error = failure(yield* Effect.exit(toClear.send(recovery)))
      assert.strictEqual(error.reason, "Unavailable")
      assertNoSecret(error)
      assert.deepStrictEqual(clear.received(), [])
      // The default verifies the certificate: smtp-server's self-signed one is refused.
      const untrusted = yield* start()
      const toUntrusted = yield* mailer({ port: untrusted.port, security: "starttls" })
      assert.strictEqual(failure(yield* Effect.exit(toUntrusted.send(recovery))).reason, "Unavailable")
      assert.deepStrictEqual(untrusted.received(), [])
    }),
  )

  it.scopedLive("security none stays in clear, even where the server offers STARTTLS", () =>
    Effect.gen(function* () {
      // Offered with a self-signed certificate: upgrading (and verifying it) would fail the send.
      const server = yield* start()
      const { send } = yield* mailer({ port: server.port, security: "none" })
      yield* send(recovery)
      assert.strictEqual(server.received().length, 1)
    }),
  )

  it.scopedLive("a recipient that is not one address is Rejected before any connection", () =>
    Effect.gen(function* () {
      const server = yield* start({ hideSTARTTLS: true })
      const { send } = yield* mailer({ port: server.port, security: "none" })
      for (const to of [
        "zoe@famille.example, attacker@evil.example",
        "zoe@famille.example;attacker@evil.example",
        "Zoé <attacker@evil.example>",
        "zoe@famille.example\r\nBcc: attacker@evil.example",
        "zoe@famille.example attacker@evil.example",
        "",
        "no-at-sign",
        `${"a".repeat(250)}@x.example`,
      ]) {
        assert.strictEqual(failure(yield* Effect.exit(send({ ...recovery, to }))).reason, "Rejected", to)
      }
      assert.deepStrictEqual(server.received(), [])
    }),
  )

  it.scopedLive("a subject with line breaks stays one header: no injected recipient", () =>
    Effect.gen(function* () {
      const server = yield* start({ hideSTARTTLS: true })
      const { send } = yield* mailer({ port: server.port, security: "none" })
      yield* send({ ...recovery, subject: "Bonjour\r\nBcc: attacker@evil.example\r\n\r\nInjected body" })
      const [received] = server.received()
      assert.deepStrictEqual(received?.to, [recovery.to])
      assert.isFalse(received?.mail.headers.has("bcc"))
      assert.strictEqual(received?.mail.text, recovery.text)
      assert.notMatch(received?.raw ?? "", /^Bcc:/im)
    }),
  )
})

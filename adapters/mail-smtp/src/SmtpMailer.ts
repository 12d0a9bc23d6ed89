/**
 * The {@link Mailer} port over SMTP, with nodemailer: one connection per message
 * (recovery mails are rare), implicit TLS or STARTTLS, optional authentication
 * with a redacted password, bounded by timeouts. A refused recipient is
 * `Rejected`; anything else that keeps the message from the server is
 * `Unavailable`. No message or cause carries the password: docs/mail-smtp.md.
 *
 * @example
 * const Mail = SmtpMailer.layer({
 *   host: "smtp.example.fr",
 *   port: 587,
 *   security: "starttls",
 *   auth: { user: "ent", password: Redacted.make("secret") },
 *   from: "ENT <no-reply@ent.example.fr>",
 * })
 * @since 0.1.0
 */
import type { ConnectionOptions } from "node:tls"
import { type Mail, MailError, Mailer } from "@cartable/identity/Mailer"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Nodemailer from "nodemailer"

/**
 * How the connection is protected: `"tls"` from the first byte (port 465),
 * `"starttls"` upgraded by STARTTLS and refused without it (port 587), `"none"`
 * in clear (a relay on the same host).
 *
 * @since 0.1.0
 */
export type Security = "tls" | "starttls" | "none"

/**
 * The configuration of the SMTP server the ENT sends through.
 *
 * @since 0.1.0
 */
export interface Config {
  readonly host: string
  readonly port: number
  /** `"starttls"` by default. */
  readonly security?: Security
  /** TLS options (a CA, a server name); certificates are verified unless `rejectUnauthorized: false`. */
  readonly tls?: ConnectionOptions
  /** Credentials for SMTP AUTH; none sends unauthenticated. */
  readonly auth?: { readonly user: string; readonly password: Redacted.Redacted<string> }
  /** The sender: `no-reply@ent.example.fr` or `ENT <no-reply@ent.example.fr>`. */
  readonly from: string
  /** Until the TCP connection is open (10 seconds). */
  readonly connectionTimeout?: Duration.DurationInput
  /** Until the server's greeting (10 seconds). */
  readonly greetingTimeout?: Duration.DurationInput
  /** Of silence on the connection (30 seconds). */
  readonly socketTimeout?: Duration.DurationInput
  /** Of the whole send, connection to last reply (60 seconds). */
  readonly timeout?: Duration.DurationInput
}

// One mailbox, nothing that an address parser could split into two (`,` `;`), turn
// into a display name (`<` `>` `"` `(`) or a new header line (CR, LF).
const ADDRESS = /^[^\s@,;<>()[\]"\\]+@[^\s@,;<>()[\]"\\]+$/

const millis = (duration: Duration.DurationInput | undefined, fallback: Duration.DurationInput): number =>
  Duration.toMillis(Duration.decode(duration ?? fallback))

const field = (error: unknown, name: string): unknown =>
  typeof error === "object" && error !== null && name in error ? (error as Record<string, unknown>)[name] : undefined

/** What a nodemailer error says, without anything the password could hide in. */
const failureOf = (error: unknown) => {
  const code = field(error, "code")
  const command = field(error, "command")
  const responseCode = field(error, "responseCode")
  const response = field(error, "response")
  const message = field(error, "message")
  return {
    code: typeof code === "string" ? code : undefined,
    command: typeof command === "string" ? command : undefined,
    responseCode: typeof responseCode === "number" ? responseCode : undefined,
    text: typeof response === "string" ? response : typeof message === "string" ? message : String(error),
  }
}

/**
 * The SMTP mailer, its transport closed with the scope.
 *
 * @since 0.1.0
 */
export const make = (config: Config): Effect.Effect<Mailer["Type"], never, Scope.Scope> =>
  Effect.gen(function* () {
    const security = config.security ?? "starttls"
    const password = config.auth === undefined ? undefined : Redacted.value(config.auth.password)
    const where = `SMTP ${config.host}:${config.port}`
    // The password and what AUTH PLAIN and LOGIN send for it: a server may echo them back.
    const secrets =
      config.auth === undefined || password === undefined || password === ""
        ? []
        : [
            password,
            Buffer.from(password).toString("base64"),
            Buffer.from(`\0${config.auth.user}\0${password}`).toString("base64"),
          ]
    const scrub = (text: string) => secrets.reduce((clean, secret) => clean.replaceAll(secret, "<redacted>"), text)

    const transport = yield* Effect.acquireRelease(
      Effect.sync(() =>
        Nodemailer.createTransport({
          host: config.host,
          port: config.port,
          secure: security === "tls",
          requireTLS: security === "starttls",
          ignoreTLS: security === "none",
          ...(config.tls === undefined ? {} : { tls: config.tls }),
          ...(config.auth === undefined ? {} : { auth: { user: config.auth.user, pass: password } }),
          connectionTimeout: millis(config.connectionTimeout, "10 seconds"),
          greetingTimeout: millis(config.greetingTimeout, "10 seconds"),
          socketTimeout: millis(config.socketTimeout, "30 seconds"),
          // A recovery mail is text: never read a file or a URL into one.
          disableFileAccess: true,
          disableUrlAccess: true,
          logger: false,
        }),
      ),
      (transport) => Effect.sync(() => transport.close()),
    )
    const timeout = Duration.decode(config.timeout ?? "60 seconds")

    const mailError = (to: string, error: unknown): MailError => {
      const { code, command, responseCode, text } = failureOf(error)
      // A 5xx to RCPT TO or DATA is the server's final word on this message; a 4xx is "try later",
      // and a 5xx elsewhere (AUTH, MAIL FROM) is our configuration, not the address.
      const rejected =
        responseCode !== undefined && responseCode >= 500 && (command === "RCPT TO" || command === "DATA")
      return new MailError({
        reason: rejected ? "Rejected" : "Unavailable",
        message: scrub(
          rejected
            ? `${where} refused the message to ${to}: ${text}`
            : `${where} could not take the message (${code ?? "error"}): ${text}`,
        ),
        cause: { code, command, responseCode },
      })
    }

    const send = (mail: Mail): Effect.Effect<void, MailError> =>
      Effect.gen(function* () {
        if (!ADDRESS.test(mail.to) || mail.to.length > 254) {
          return yield* new MailError({
            reason: "Rejected",
            message: `Not one e-mail address: ${JSON.stringify(mail.to)}`,
          })
        }
        yield* Effect.tryPromise({
          try: (signal) =>
            transport.sendMail({
              from: config.from,
              to: mail.to,
              // The envelope is the one address checked above, whatever the headers say.
              envelope: { from: config.from, to: [mail.to] },
              subject: mail.subject,
              text: mail.text,
              signal,
            }),
          catch: (error) => mailError(mail.to, error),
        }).pipe(
          Effect.timeoutFail({
            duration: timeout,
            onTimeout: () =>
              new MailError({
                reason: "Unavailable",
                message: `${where} did not take the message within ${Duration.format(timeout)}`,
              }),
          }),
        )
      }).pipe(Effect.withSpan("SmtpMailer.send"))

    return { send }
  })

/**
 * The {@link Mailer} over SMTP.
 *
 * @since 0.1.0
 */
export const layer = (config: Config): Layer.Layer<Mailer> => Layer.scoped(Mailer, make(config))

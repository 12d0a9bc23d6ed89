/**
 * The Mailer port: sends a message (password recovery links, BR-ACC-4).
 * Implementations: an in-memory outbox ({@link layerOutbox}, for tests and
 * examples) and SMTP (adapters/mail-smtp, nodemailer).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

/**
 * A plain message to one address.
 *
 * @since 0.1.0
 */
export interface Mail {
  readonly to: string
  readonly subject: string
  readonly text: string
}

/**
 * The message could not be handed to the mail system (`Unavailable`), or the
 * mail system refused the address (`Rejected`).
 *
 * @since 0.1.0
 */
export class MailError extends Schema.TaggedError<MailError>("@cartable/identity/MailError")("MailError", {
  reason: Schema.Literal("Unavailable", "Rejected"),
  message: Schema.String,
  cause: Schema.optional(Schema.Defect),
}) {}

/**
 * The Mailer port.
 *
 * @since 0.1.0
 */
export class Mailer extends Context.Tag("@cartable/identity/Mailer")<
  Mailer,
  { readonly send: (mail: Mail) => Effect.Effect<void, MailError> }
>() {}

/**
 * An in-memory mailer: `sent` reads what was sent, oldest first.
 *
 * @since 0.1.0
 */
export class Outbox extends Context.Tag("@cartable/identity/Outbox")<
  Outbox,
  { readonly sent: Effect.Effect<ReadonlyArray<Mail>> }
>() {}

/**
 * The in-memory outbox, as the Mailer and as the {@link Outbox} to read it.
 *
 * @since 0.1.0
 */
export const layerOutbox: Layer.Layer<Mailer | Outbox> = Layer.effectContext(
  Effect.sync(() => {
    const sent: Array<Mail> = []
    return Context.make(Mailer, {
      send: (mail) =>
        Effect.sync(() => {
          sent.push(mail)
        }),
    }).pipe(Context.add(Outbox, { sent: Effect.sync(() => [...sent]) }))
  }),
)

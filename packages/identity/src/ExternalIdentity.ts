/**
 * What an identity provider vouches for: a subject at a provider, with the
 * attributes it released. Sign-in maps it to an account (BR-ACC-10); the
 * attributes never decide who the session is on their own.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * An identity vouched for by a provider: `provider` names the provider as the
 * account's linked identities name it (`local`, `EduConnect`, `academy-cas`...),
 * `subject` is its stable id there, `attributes` what it released (multi-valued,
 * as CAS and OpenID Connect both allow).
 *
 * @since 0.1.0
 */
export class ExternalIdentity extends Schema.Class<ExternalIdentity>("@cartable/identity/ExternalIdentity")({
  provider: Schema.NonEmptyTrimmedString,
  subject: Schema.NonEmptyTrimmedString,
  // A key named `__proto__` would become the record's prototype when decoded: no provider releases one.
  attributes: Schema.Record({
    key: Schema.String.pipe(
      Schema.filter((key) => key !== "__proto__", { message: () => "an attribute is not named __proto__" }),
    ),
    value: Schema.Array(Schema.String),
  }),
}) {}

/**
 * The provider id of the ENT's own credentials (adapters/idp-local); its
 * subjects are account ids.
 *
 * @since 0.1.0
 */
export const LOCAL_PROVIDER = "local"

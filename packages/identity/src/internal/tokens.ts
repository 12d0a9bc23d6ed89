import * as Crypto from "node:crypto"
import type { TokenDigest } from "@cartable/domain/Credentials"

/** A token from the CSPRNG: 32 bytes, base64url (256 bits: no guessing, no throttling needed for it alone). */
export const randomToken = (): string => Crypto.randomBytes(32).toString("base64url")

/** The SHA-256 digest of a value, base64url without padding: what stores keep of a token or a login. */
export const digest = (value: string): TokenDigest =>
  Crypto.createHash("sha256").update(value, "utf8").digest("base64url") as TokenDigest

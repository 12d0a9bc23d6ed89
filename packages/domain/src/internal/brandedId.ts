import * as Text from "@cartable/kernel/Text"
import * as Schema from "effect/Schema"

/** An id of the domain: one trimmed line within the id limit (the stream-name rule), branded and named. */
export const brandedId = <B extends string>(brand: B, description: string) =>
  Text.trimmedLine(Text.limits.id, brand).pipe(
    Schema.brand(brand),
    Schema.annotations({ identifier: brand, description }),
  )

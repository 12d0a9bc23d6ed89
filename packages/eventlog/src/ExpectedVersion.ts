/**
 * The optimistic-concurrency condition of an append.
 *
 * Stream versions start at 1 for the first event; a stream without events is at
 * version 0.
 *
 * @since 0.1.0
 */

/**
 * `Any`: append whatever the stream holds; `NoStream`: the stream must not exist
 * yet; `Exact`: the stream's last event must have this version.
 *
 * @since 0.1.0
 */
export type ExpectedVersion =
  | { readonly _tag: "Any" }
  | { readonly _tag: "NoStream" }
  | { readonly _tag: "Exact"; readonly version: number }

/** @since 0.1.0 */
export const any: ExpectedVersion = { _tag: "Any" }

/** @since 0.1.0 */
export const noStream: ExpectedVersion = { _tag: "NoStream" }

/**
 * The stream's last event must have this version; `exact(0)` means the same as
 * `noStream`.
 *
 * @since 0.1.0
 */
export const exact = (version: number): ExpectedVersion => (version === 0 ? noStream : { _tag: "Exact", version })

/**
 * Whether a stream currently at `actual` (0 when absent) satisfies `expected`.
 *
 * @since 0.1.0
 */
export const matches = (expected: ExpectedVersion, actual: number): boolean => {
  switch (expected._tag) {
    case "Any":
      return true
    case "NoStream":
      return actual === 0
    case "Exact":
      return actual === expected.version
  }
}

/**
 * Human-readable form, used in conflict messages.
 *
 * @since 0.1.0
 */
export const format = (expected: ExpectedVersion): string =>
  expected._tag === "Exact" ? `version ${expected.version}` : expected._tag === "Any" ? "any version" : "no stream"

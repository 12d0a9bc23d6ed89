/**
 * An account's schooling as targeted communication reads it (BR-MSG-3): its
 * levels, sub-levels and post disciplines school by school (the schema is
 * `AccountEvents.Schooling`). One canonical form, so that the same schooling
 * given in another order is the same (a re-import records nothing), and the
 * codes an account has in some schools, which a target's criteria match.
 *
 * @since 0.1.0
 */
import type { Coded, Schooling } from "./AccountEvents.ts"
import type { StructureId } from "./Ids.ts"

export type { Coded, Schooling } from "./AccountEvents.ts"

const byCode = (values: ReadonlyArray<Coded>): ReadonlyArray<Coded> => {
  const seen = new Map<string, Coded>()
  for (const value of values) if (!seen.has(value.code)) seen.set(value.code, value)
  return [...seen.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
}

/**
 * The canonical form: schools by id, each value once by code (the first label
 * given wins), values by code, schools with nothing left out.
 *
 * @since 0.1.0
 */
export const canonical = (schooling: ReadonlyArray<Schooling>): ReadonlyArray<Schooling> => {
  const schools = new Map<string, { levels: Array<Coded>; subLevels: Array<Coded>; disciplines: Array<Coded> }>()
  for (const entry of schooling) {
    const into = schools.get(entry.structureId) ?? { levels: [], subLevels: [], disciplines: [] }
    into.levels.push(...entry.levels)
    into.subLevels.push(...entry.subLevels)
    into.disciplines.push(...entry.disciplines)
    schools.set(entry.structureId, into)
  }
  return [...schools.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([structureId, values]) => ({
      structureId: structureId as StructureId,
      levels: byCode(values.levels),
      subLevels: byCode(values.subLevels),
      disciplines: byCode(values.disciplines),
    }))
    .filter((entry) => entry.levels.length + entry.subLevels.length + entry.disciplines.length > 0)
}

/**
 * Whether two schoolings are the same once canonical (labels included: a
 * re-labelled level is an update).
 *
 * @since 0.1.0
 */
export const equivalent = (a: ReadonlyArray<Schooling>, b: ReadonlyArray<Schooling>): boolean =>
  JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))

/**
 * The codes of one kind an account has in any of these schools, each once.
 *
 * @since 0.1.0
 */
export const codesIn = (
  schooling: ReadonlyArray<Schooling>,
  kind: "levels" | "subLevels" | "disciplines",
  structureIds: ReadonlyArray<StructureId>,
): ReadonlyArray<string> => [
  ...new Set(
    schooling
      .filter((entry) => structureIds.includes(entry.structureId))
      .flatMap((entry) => entry[kind].map((value) => value.code)),
  ),
]

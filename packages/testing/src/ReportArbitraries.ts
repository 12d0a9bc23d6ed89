/**
 * Arbitraries of Report commands that meet each other: a few report ids, two
 * schools in different districts and departments of one academy, administrators
 * at every level with and without coverage of each school, and ordinary users.
 *
 * @since 0.1.0
 */
import type * as Actor from "@cartable/domain/Actor"
import { AccountId, ReportId, StructureId } from "@cartable/domain/Ids"
import * as Report from "@cartable/domain/Report"
import * as DateTime from "effect/DateTime"
import * as FastCheck from "effect/FastCheck"
import * as Arbitraries from "./Arbitraries.ts"

const school = (id: string) => StructureId.make(id)

/** The pool's ids and locations. @since 0.1.0 */
export const ids = {
  reports: ["rep-1", "rep-2", "rep-3"].map((id) => ReportId.make(id)),
  authors: ["author-1", "author-2"].map((id) => AccountId.make(id)),
  contents: ["notif-42", "msg-7"],
  locations: [
    {
      structureId: school("school-a"),
      districtId: school("district-metz-1"),
      departmentId: school("department-57"),
      academyId: school("academy-nancy-metz"),
    },
    {
      structureId: school("school-b"),
      districtId: school("district-nancy-2"),
      departmentId: school("department-54"),
      academyId: school("academy-nancy-metz"),
    },
  ] satisfies ReadonlyArray<Actor.Location>,
  times: ["2019-10-18T07:45:00Z", "2019-10-18T09:30:00Z", "2019-10-21T16:00:00Z"].map((iso) =>
    DateTime.unsafeMake(iso),
  ),
}

const admin = (accountId: string, level: Actor.AdminLevel, scopeId?: string): Actor.Actor => ({
  accountId: AccountId.make(accountId),
  roles: [
    scopeId === undefined
      ? { _tag: "Administrator", level }
      : { _tag: "Administrator", level, scopeId: StructureId.make(scopeId) },
  ],
})

/**
 * Actors of the pool. Administrators of school A's school, district and
 * department (who do not cover school B), their school B counterparts, the
 * academy's (covers both, is not alerted), the vendor, and ordinary users.
 *
 * @since 0.1.0
 */
export const actors = {
  schoolAdminA: admin("admin-a", "School", "school-a"),
  schoolAdminB: admin("admin-b", "School", "school-b"),
  erunA: admin("erun-a", "District", "district-metz-1"),
  erunB: admin("erun-b", "District", "district-nancy-2"),
  cpdA: admin("cpd-a", "Department", "department-57"),
  cpdB: admin("cpd-b", "Department", "department-54"),
  dane: admin("dane", "Academy", "academy-nancy-metz"),
  vendor: admin("vendor", "Platform"),
  pupil: { accountId: AccountId.make("pupil-1"), roles: [] },
  teacher: {
    accountId: AccountId.make("teacher-1"),
    roles: [{ _tag: "Teacher", structureId: school("school-a"), groupIds: [] }],
  },
  author: { accountId: AccountId.make("author-1"), roles: [] },
} satisfies Record<string, Actor.Actor>

/** Every actor of the pool. @since 0.1.0 */
export const allActors: ReadonlyArray<Actor.Actor> = Object.values(actors)

/** A reported content from the pool, with or without a known author. @since 0.1.0 */
export const content: FastCheck.Arbitrary<Report.ReportedContent> = FastCheck.record(
  {
    kind: FastCheck.constantFrom<Report.ContentKind>("Notification", "Message"),
    contentId: FastCheck.constantFrom(...ids.contents),
    authorId: FastCheck.constantFrom(...ids.authors),
  },
  { requiredKeys: ["kind", "contentId"] },
)

/** The field pool that steers Schema-derived commands. @since 0.1.0 */
export const pool: Arbitraries.Pool = {
  reportId: FastCheck.constantFrom(...ids.reports),
  actor: FastCheck.constantFrom(...allActors),
  location: FastCheck.constantFrom(...ids.locations),
  content,
  reportedAt: FastCheck.constantFrom(...ids.times),
  handledAt: FastCheck.constantFrom(...ids.times),
  dismissedAt: FastCheck.constantFrom(...ids.times),
  comment: FastCheck.option(FastCheck.constantFrom("  Message insultant  ", "   ", "Photo d'un élève"), {
    nil: undefined,
  }),
  decision: FastCheck.constantFrom<Report.ReportDecision>("Kept", "Deleted"),
  blockAuthor: FastCheck.boolean(),
}

/** Any Report command, steered by the pool. @since 0.1.0 */
export const command: FastCheck.Arbitrary<Report.ReportCommand> = FastCheck.tuple(
  Arbitraries.oneOf(Report.commands, pool),
  FastCheck.nat({ max: 4 }),
).map(([command, draw]) => {
  if (command._tag !== "ReportContent") return command
  // The school where the content was shown, and its location as the library resolves it; the
  // reporter's schools mostly hold it (one draw in five: another school's, refused unless he administers it).
  const structureId = command.location.structureId
  const others = command.reporterSchools.filter((school) => school !== structureId)
  return { ...command, structureId, reporterSchools: draw === 0 ? others : [...others, structureId] }
})

/** Sequences of Report commands. @since 0.1.0 */
export const commands: FastCheck.Arbitrary<ReadonlyArray<Report.ReportCommand>> = FastCheck.array(command, {
  minLength: 1,
  maxLength: 30,
})

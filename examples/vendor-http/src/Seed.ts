/**
 * The seed: two schools and a few people, as the academy's feed brings them
 * (`workspace.system("aaf-import")`), the install's platform administrator,
 * and a few things done by the people themselves through `workspace.handle`
 * (an account not activated yet may act): a right granted, a session of the
 * homework book, a report. Returns the activation codes the mail-merge sheets
 * carry, with which the people sign in for the first time.
 *
 * @since 0.1.0
 */
import * as Codes from "@cartable/idp-local/Codes"
import * as Workspace from "@cartable/workspace/Workspace"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"

/**
 * The two schools: the one most people are in, and another for the attacker's
 * tests (a path id of another school).
 *
 * @since 0.1.0
 */
export const schools = {
  moulin: {
    structureId: "0571994H",
    uai: "0571994H",
    name: "Collège Jean Moulin",
    kind: "SecondarySchool",
    districtId: "circo-metz-1",
    departmentId: "dsden-57",
    academyId: "ac-nancy-metz",
  },
  michel: {
    structureId: "0572000P",
    uai: "0572000P",
    name: "Collège Louise Michel",
    kind: "SecondarySchool",
    districtId: "circo-metz-2",
    departmentId: "dsden-57",
    academyId: "ac-nancy-metz",
  },
} as const

const SCHOOL_YEAR = "2026-2027"

/**
 * The classes and functional groups the feed opens.
 *
 * @since 0.1.0
 */
export const groups = {
  sixthA: { structureId: schools.moulin.structureId, groupId: "0571994H$6A", kind: "Class", name: "6e A" },
  mailMerge: {
    structureId: schools.moulin.structureId,
    groupId: "0571994H$PUBLI",
    kind: "FunctionalGroup",
    name: "Gestionnaire publipostage",
    function: "MailMerge",
  },
  direction: {
    structureId: schools.moulin.structureId,
    groupId: "0571994H$CHEF",
    kind: "FunctionalGroup",
    name: "Chef d'établissement",
    function: "Direction",
  },
  fifthB: { structureId: schools.michel.structureId, groupId: "0572000P$5B", kind: "Class", name: "5e B" },
} as const

/**
 * The people: `school` is where the feed provisions them; `group` the class or
 * group it puts them in, with their role there.
 *
 * @since 0.1.0
 */
export const people = {
  vendor: { accountId: "vendor-1", profile: "Personnel", login: "vendeur.ent", first: "Alex", last: "Vendeur" },
  administrator: {
    accountId: "staff-1",
    profile: "Personnel",
    login: "camille.martin",
    first: "Camille",
    last: "Martin",
  },
  head: { accountId: "head-1", profile: "Personnel", login: "anne.leroy", first: "Anne", last: "Leroy" },
  teacher: { accountId: "teacher-1", profile: "Teacher", login: "paul.durand", first: "Paul", last: "Durand" },
  pupil: { accountId: "pupil-1", profile: "Student", login: "lea.benali", first: "Léa", last: "Benali" },
  parent: { accountId: "relative-1", profile: "Relative", login: "omar.benali", first: "Omar", last: "Benali" },
  newPupil: { accountId: "pupil-3", profile: "Student", login: "ines.garcia", first: "Inès", last: "Garcia" },
  otherAdministrator: { accountId: "staff-2", profile: "Personnel", login: "nina.roux", first: "Nina", last: "Roux" },
  otherPupil: { accountId: "pupil-2", profile: "Student", login: "hugo.petit", first: "Hugo", last: "Petit" },
} as const

/** Who is where: each person's school and memberships. */
const placements: ReadonlyArray<{
  readonly person: keyof typeof people
  readonly school: keyof typeof schools
  readonly memberOf?: { readonly group: keyof typeof groups; readonly role: "Student" | "Teacher" | "Member" }
}> = [
  { person: "vendor", school: "moulin" },
  { person: "administrator", school: "moulin", memberOf: { group: "mailMerge", role: "Member" } },
  { person: "head", school: "moulin", memberOf: { group: "direction", role: "Member" } },
  { person: "teacher", school: "moulin", memberOf: { group: "sixthA", role: "Teacher" } },
  { person: "pupil", school: "moulin", memberOf: { group: "sixthA", role: "Student" } },
  { person: "parent", school: "moulin" },
  { person: "newPupil", school: "moulin", memberOf: { group: "sixthA", role: "Student" } },
  { person: "otherAdministrator", school: "michel" },
  { person: "otherPupil", school: "michel", memberOf: { group: "fifthB", role: "Student" } },
]

/**
 * The homework book of 6e A.
 *
 * @since 0.1.0
 */
export const book = "cdt-0571994H$6A-2026-2027"

/**
 * What the seed gives back: each person's activation code, by account id.
 *
 * @since 0.1.0
 */
export interface Seeded {
  readonly codes: Readonly<Record<string, string>>
}

/**
 * Seeds a fresh file. Every command goes through the Workspace: the feed's and
 * the install's as their processes, the people's as themselves.
 *
 * @since 0.1.0
 */
export const seed = Effect.gen(function* () {
  const workspace = yield* Workspace.Workspace
  const at = Effect.map(DateTime.now, (occurredAt) => ({ occurredAt }))
  const feed = workspace.system("aaf-import")
  for (const school of Object.values(schools)) yield* feed.handle({ _tag: "RegisterStructure", ...school }, yield* at)
  for (const group of Object.values(groups)) {
    yield* feed.handle({ _tag: "OpenGroup", ...group, schoolYear: SCHOOL_YEAR, owner: "Feed" }, yield* at)
  }
  const codes: Record<string, string> = {}
  for (const { person: name, school, memberOf } of placements) {
    const person = people[name]
    const activationCode = yield* Codes.generate
    codes[person.accountId] = activationCode
    yield* feed.handle(
      {
        _tag: "ProvisionAccount",
        accountId: person.accountId,
        profile: person.profile,
        origin: { _tag: "Feed", source: "AAF", externalId: `AAF-${person.accountId}` },
        structureId: schools[school].structureId,
        login: person.login,
        firstName: person.first,
        lastName: person.last,
        activationCode,
      },
      yield* at,
    )
    if (memberOf !== undefined) {
      const { structureId, groupId } = groups[memberOf.group]
      yield* feed.handle(
        {
          _tag: "AssignToGroup",
          structureId,
          groupId,
          accountId: person.accountId,
          role: memberOf.role,
          source: "Feed",
        },
        yield* at,
      )
    }
  }
  yield* feed.handle(
    {
      _tag: "LinkRelative",
      accountId: people.parent.accountId,
      link: { pupilId: people.pupil.accountId, legalAuthority: true, financial: true, contact: true },
    },
    yield* at,
  )
  yield* feed.handle(
    {
      _tag: "OpenHomeworkBook",
      homeworkBookId: book,
      structureId: groups.sixthA.structureId,
      groupId: groups.sixthA.groupId,
      schoolYear: SCHOOL_YEAR,
    },
    yield* at,
  )
  yield* workspace
    .system("install")
    .handle({ _tag: "AppointPlatformAdministrator", accountId: people.vendor.accountId }, yield* at)

  // The people's own commands, through the trusted entry point.
  const as = (accountId: string, intent: unknown) =>
    Effect.flatMap(at, (context) => workspace.handle(accountId, intent, context))
  for (const [administrator, school] of [
    [people.administrator, schools.moulin],
    [people.otherAdministrator, schools.michel],
  ] as const) {
    yield* as(people.vendor.accountId, {
      _tag: "GrantAdministratorRight",
      accountId: administrator.accountId,
      structureId: school.structureId,
    })
  }
  yield* as(people.teacher.accountId, {
    _tag: "RecordSession",
    homeworkBookId: book,
    sessionId: "s1",
    subject: "MATHS",
    teacherId: people.teacher.accountId,
    date: "2026-09-14",
    content: "Nombres décimaux",
    homework: "Ex. 3 p. 12",
  })
  yield* as(people.parent.accountId, {
    _tag: "ReportContent",
    reportId: "report-1",
    structureId: schools.moulin.structureId,
    content: { kind: "Notification", contentId: "notif-4411", authorId: people.otherPupil.accountId },
    reportedAt: DateTime.formatIso(yield* DateTime.now),
    comment: "Message insultant sur le fil de la classe",
  })
  const seeded: Seeded = { codes }
  return seeded
})

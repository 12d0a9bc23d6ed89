/**
 * Arbitraries of Account commands that meet each other: a few accounts, two
 * schools, actors with and without rights, codes, logins and passwords drawn
 * from small pools so that activations and renewals do succeed.
 *
 * @since 0.1.0
 */
import * as Account from "@cartable/domain/Account"
import * as Actor from "@cartable/domain/Actor"
import * as Credentials from "@cartable/domain/Credentials"
import { AccountId, GroupId, StructureId } from "@cartable/domain/Ids"
import * as FastCheck from "effect/FastCheck"
import * as Redacted from "effect/Redacted"
import * as Arbitraries from "./Arbitraries.ts"

/** The pool's ids. @since 0.1.0 */
export const ids = {
  accounts: ["acc-1", "acc-2", "acc-3"].map((id) => AccountId.make(id)),
  schools: [StructureId.make("school-a"), StructureId.make("school-b")],
  classes: [GroupId.make("school-a$6A"), GroupId.make("school-a$5B")],
  codes: ["3n6g8fmj", "3d3nbrm8"],
  logins: ["marie.a", "lucas.martin"],
  validPasswords: ["Secret1", "Été-2026"],
  invalidPasswords: ["short", "alllowercase1", "NoDigitsHere"],
}

/** Actors of the pool: administrators, the feed, a teacher, a holder, a stranger. @since 0.1.0 */
export const actors: ReadonlyArray<Actor.Actor> = [
  {
    accountId: AccountId.make("admin-a"),
    roles: [{ _tag: "Administrator", level: "School", scopeId: ids.schools[0]! }],
  },
  {
    accountId: AccountId.make("admin-b"),
    roles: [{ _tag: "Administrator", level: "School", scopeId: ids.schools[1]! }],
  },
  { accountId: AccountId.make("vendor"), roles: [{ _tag: "Administrator", level: "Platform" }] },
  { accountId: AccountId.make("system:aaf"), roles: [{ _tag: "System", process: "aaf" }] },
  {
    accountId: AccountId.make("teacher-a"),
    roles: [{ _tag: "Teacher", structureId: ids.schools[0]!, groupIds: [ids.classes[0]!] }],
  },
  { accountId: ids.accounts[0]!, roles: [] },
  { accountId: AccountId.make("stranger"), roles: [] },
]

/**
 * Structure ids of the pool: three schools and the district, department and
 * academy above them, so that a drawn administrator scope may be right, of the
 * wrong school, or of the wrong level.
 *
 * @since 0.1.0
 */
export const scopes = {
  schools: [...ids.schools, StructureId.make("school-c")],
  above: [StructureId.make("district-1"), StructureId.make("department-57"), StructureId.make("academy-nancy")],
}

const [district, department, academy] = scopes.above as [StructureId, StructureId, StructureId]

/**
 * Where the pool's schools sit, as the log has them: A and B in district-1,
 * department-57 and academy-nancy; C in another district of the same
 * department and academy. @since 0.1.0
 */
export const locations: ReadonlyArray<Actor.Location> = [
  { structureId: scopes.schools[0]!, districtId: district, departmentId: department, academyId: academy },
  { structureId: scopes.schools[1]!, districtId: district, departmentId: department, academyId: academy },
  {
    structureId: scopes.schools[2]!,
    districtId: StructureId.make("district-2"),
    departmentId: department,
    academyId: academy,
  },
]

/**
 * The schools under a hierarchy no role of the pool covers, for the draws
 * where the fact says the school is elsewhere. @since 0.1.0
 */
export const elsewhere: ReadonlyArray<Actor.Location> = scopes.schools.map((structureId) => ({
  structureId,
  districtId: StructureId.make("district-9"),
  departmentId: StructureId.make("department-54"),
  academyId: StructureId.make("academy-metz"),
}))

/**
 * The `locations` fact of an administrator's command: mostly the schools'
 * real locations, sometimes a hierarchy that does not cover, sometimes only
 * some schools (the others unknown to the log). @since 0.1.0
 */
export const schoolLocations: FastCheck.Arbitrary<ReadonlyArray<Actor.Location>> = FastCheck.oneof(
  { arbitrary: FastCheck.constant(locations), weight: 4 },
  { arbitrary: FastCheck.constant(elsewhere), weight: 1 },
  { arbitrary: FastCheck.subarray([...locations]), weight: 1 },
)

/** Classes of the pool's schools, for teachers' roles and renewal codes. @since 0.1.0 */
export const classes: ReadonlyArray<GroupId> = [
  ...ids.classes,
  GroupId.make("school-b$6A"),
  GroupId.make("school-c$CM2"),
]

// Mostly schools, so that scopes often hit or just miss the account's schools.
const anyScope = FastCheck.oneof(
  { arbitrary: FastCheck.constantFrom(...scopes.schools), weight: 3 },
  { arbitrary: FastCheck.constantFrom(...scopes.above), weight: 1 },
)

const adminLevel = FastCheck.oneof(
  { arbitrary: FastCheck.constant<Actor.AdminLevel>("School"), weight: 2 },
  { arbitrary: FastCheck.constantFrom(...Actor.AdminLevel.literals), weight: 3 },
)

/**
 * Any role of Actor.ts: administrators of every level with a scope drawn from
 * every structure of the pool (or none), direction and teachers of a school,
 * inspectors and automated processes. Administrators and teachers, whose
 * scopes matter, are drawn more often.
 *
 * @since 0.1.0
 */
export const role: FastCheck.Arbitrary<Actor.Role> = FastCheck.oneof(
  {
    arbitrary: FastCheck.tuple(adminLevel, FastCheck.option(anyScope, { nil: undefined, freq: 5 })).map(
      ([level, scopeId]): Actor.Role =>
        scopeId === undefined ? { _tag: "Administrator", level } : { _tag: "Administrator", level, scopeId },
    ),
    weight: 4,
  },
  {
    arbitrary: FastCheck.constantFrom(...scopes.schools).map(
      (structureId): Actor.Role => ({ _tag: "Direction", structureId }),
    ),
    weight: 1,
  },
  {
    arbitrary: FastCheck.tuple(FastCheck.constantFrom(...scopes.schools), FastCheck.subarray([...classes])).map(
      ([structureId, groupIds]): Actor.Role => ({ _tag: "Teacher", structureId, groupIds }),
    ),
    weight: 2,
  },
  { arbitrary: FastCheck.constant<Actor.Role>({ _tag: "Inspector" }), weight: 1 },
  {
    arbitrary: FastCheck.constantFrom("aaf", "retention").map((process): Actor.Role => ({ _tag: "System", process })),
    weight: 1,
  },
)

/**
 * Actors of every kind: none to three roles, acting as one of these accounts
 * (include the account acted on to draw its holder).
 *
 * @since 0.1.0
 */
export const actorAmong = (accountIds: ReadonlyArray<AccountId>): FastCheck.Arbitrary<Actor.Actor> =>
  FastCheck.record({
    accountId: FastCheck.constantFrom(...accountIds, AccountId.make("stranger")),
    roles: FastCheck.array(role, { maxLength: 3 }),
  })

/** Any actor of the pool's accounts, a stranger included. @since 0.1.0 */
export const actor: FastCheck.Arbitrary<Actor.Actor> = actorAmong(ids.accounts)

/** Every profile of BR-ACC-1. @since 0.1.0 */
export const profile: FastCheck.Arbitrary<Account.Profile> = FastCheck.constantFrom(...Account.Profile.literals)

/**
 * A password hash in the PHC format, as a command carries it (the domain records
 * hashes, it never computes them). @since 0.1.0
 */
export const passwordHash: Redacted.Redacted<Credentials.PasswordHash> = Redacted.make(
  Credentials.PasswordHash.make("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"),
)

/** Another hash, for a password that changed. @since 0.1.0 */
export const otherPasswordHash: Redacted.Redacted<Credentials.PasswordHash> = Redacted.make(
  Credentials.PasswordHash.make("$argon2id$v=19$m=65536,t=3,p=4$cGVwcGVyMTI$b3RoZXJoYXNoMTIz"),
)

/** Two recovery token digests. @since 0.1.0 */
export const tokenDigests: ReadonlyArray<Credentials.TokenDigest> = [
  Credentials.TokenDigest.make("q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c"),
  Credentials.TokenDigest.make("Z9Y8X7W6V5U4T3S2R1Q0P9O8N7M6L5K4J3I2H1G0F9E"),
]

/** The field pool that steers Schema-derived commands. @since 0.1.0 */
export const pool: Arbitraries.Pool = {
  accountId: FastCheck.constantFrom(...ids.accounts),
  pupilId: FastCheck.constantFrom(...ids.accounts),
  actor: FastCheck.oneof(FastCheck.constantFrom(...actors), actor),
  structureId: FastCheck.constantFrom(...ids.schools),
  pupilClassIds: FastCheck.subarray([...ids.classes]),
  pupilRelatives: FastCheck.constant([]),
  locations: schoolLocations,
  login: FastCheck.constantFrom(...ids.logins),
  activationCode: FastCheck.constantFrom(...ids.codes),
  renewalCode: FastCheck.constantFrom(...ids.codes),
  password: FastCheck.constantFrom(...ids.validPasswords, ...ids.invalidPasswords).map(Redacted.make),
  passwordHash: FastCheck.constantFrom(passwordHash, otherPasswordHash),
  previousHash: FastCheck.constantFrom(passwordHash, otherPasswordHash),
  tokenDigest: FastCheck.constantFrom(...tokenDigests),
  charterAccepted: FastCheck.oneof(
    { arbitrary: FastCheck.constant(true), weight: 4 },
    { arbitrary: FastCheck.constant(false), weight: 1 },
  ),
  email: FastCheck.constantFrom("marie.a@example.org", "not-an-address"),
  provider: FastCheck.constantFrom("EduConnect", "Pronote", "CAS"),
  // Distinctive personal values, so that a test can search for them after erasure.
  firstName: FastCheck.constantFrom("Marie", "Laou", "Jérôme"),
  lastName: FastCheck.constantFrom("Anquet", "Arnaud-Lefèvre"),
  subject: FastCheck.constantFrom("educonnect-7f3a", "pronote-118"),
  alias: FastCheck.constantFrom("laou.anquet", "marie.arnaud"),
  // A formation that tells much of a pupil: personal, erased with the rest (BR-ACC-9, BR-MSG-3).
  schooling: FastCheck.constantFrom(
    [],
    [
      {
        structureId: ids.schools[0]!,
        levels: [{ code: "10310019110", label: "3EME" }],
        subLevels: [{ code: "16710002110", label: "3EME ULIS-TFC" }],
        disciplines: [],
      },
    ],
  ),
}

/** Any Account command, steered by the pool. @since 0.1.0 */
export const command: FastCheck.Arbitrary<Account.AccountCommand> = FastCheck.tuple(
  Arbitraries.oneOf(Account.commands, pool),
  FastCheck.oneof(
    { arbitrary: FastCheck.constant<Account.Profile>("Student"), weight: 4 },
    { arbitrary: profile, weight: 1 },
  ),
).map(([command, pupilProfile]): Account.AccountCommand => {
  // The cross-aggregate facts as the library resolves them on a fresh log: logins and feed persons
  // free (their holders absent), a linked child mostly a pupil.
  switch (command._tag) {
    case "ProvisionAccount": {
      const { loginHolder: _login, feedHolder: _feed, ...rest } = command
      return rest
    }
    case "SetLoginAlias": {
      const { aliasHolder: _alias, ...rest } = command
      return rest
    }
    case "LinkRelative":
    case "LinkAccompanyingAdult":
      return { ...command, pupilProfile }
    default:
      return command
  }
})

const feed: Actor.Actor = actors.find((candidate) => Actor.isSystem(candidate))!

/**
 * The directory feed provisioning all or all but one of the pool's accounts in school A, with
 * one of the pool's codes and logins: the start of a history that random
 * commands can then act on.
 *
 * @since 0.1.0
 */
export const provisions: FastCheck.Arbitrary<ReadonlyArray<Account.AccountCommand>> = FastCheck.subarray(
  [...ids.accounts],
  { minLength: ids.accounts.length - 1 },
).chain((accountIds) =>
  FastCheck.tuple(
    ...accountIds.map((accountId) =>
      FastCheck.record({
        profile: FastCheck.constantFrom<Account.Profile>("Student", "Relative", "Teacher", "Personnel"),
        login: FastCheck.constantFrom(...ids.logins).map((login) => Credentials.Login.make(login)),
        activationCode: FastCheck.constantFrom(...ids.codes).map((code) => Credentials.OneTimeCode.make(code)),
        firstName: FastCheck.constantFrom("Marie", "Laou", "Jérôme"),
        lastName: FastCheck.constantFrom("Anquet", "Arnaud-Lefèvre"),
      }).map(
        (fields): Account.AccountCommand =>
          Account.ProvisionAccount.make({
            ...fields,
            actor: feed,
            accountId,
            origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${accountId}` },
            structureId: ids.schools[0]!,
          }),
      ),
    ),
  ),
)

// Commands of histories: mostly by the pool's actors, who hold rights over school A's accounts.
const historyCommand = Arbitraries.oneOf(Account.commands, {
  ...pool,
  actor: FastCheck.oneof({ arbitrary: FastCheck.constantFrom(...actors), weight: 4 }, { arbitrary: actor, weight: 1 }),
})

/**
 * The end of an account's life by its school's administrator: pre-deletion,
 * deletion, erasure of its personal data (BR-ACC-9, BR-ACC-12).
 *
 * @since 0.1.0
 */
export const endOfLife: FastCheck.Arbitrary<ReadonlyArray<Account.AccountCommand>> = FastCheck.constantFrom(
  ...ids.accounts,
).map((accountId) => {
  const actor = actors[0]!
  return [
    Account.PreDeleteAccount.make({ actor, accountId }),
    Account.DeleteAccount.make({ actor, accountId }),
    Account.EraseAccountData.make({ actor, accountId }),
  ]
})

/**
 * Sequences of Account commands: mostly histories that start with the feed
 * provisioning accounts, so that the commands after it meet live accounts and
 * succeed as often as they fail, half of them ending an account's life (erasure
 * included) before a few more commands; sometimes commands on accounts that may not exist.
 *
 * @since 0.1.0
 */
export const commands: FastCheck.Arbitrary<ReadonlyArray<Account.AccountCommand>> = FastCheck.oneof(
  {
    arbitrary: FastCheck.tuple(
      provisions,
      FastCheck.array(historyCommand, { maxLength: 40 }),
      FastCheck.option(endOfLife, { nil: [], freq: 2 }),
      FastCheck.array(historyCommand, { maxLength: 5 }),
    ).map((parts) => parts.flat()),
    weight: 4,
  },
  { arbitrary: FastCheck.array(command, { minLength: 1, maxLength: 40 }), weight: 1 },
)

/**
 * The character classes of BR-ACC-3's policy, with accented letters and a
 * character outside the Basic Multilingual Plane (one character, two UTF-16 units).
 *
 * @since 0.1.0
 */
export const passwordCharacters = {
  lowercase: ["a", "z", "é", "ß"],
  uppercase: ["A", "Z", "É"],
  digit: ["0", "7", "9"],
  special: ["!", "-", " ", "#", "😀"],
} as const

/**
 * A password candidate around the policy's edges, with what it is made of: its
 * length in characters (0 to 9, so 5, 6 and 7 are drawn often) and which
 * classes it holds. Tests compute the expected verdict from these, not from the string.
 *
 * @since 0.1.0
 */
export interface PasswordCandidate {
  readonly password: string
  readonly length: number
  readonly classes: ReadonlySet<keyof typeof passwordCharacters>
}

/** @since 0.1.0 */
export const passwordCandidate: FastCheck.Arbitrary<PasswordCandidate> = FastCheck.integer({ min: 0, max: 9 })
  .chain((length) =>
    FastCheck.array(
      FastCheck.constantFrom(...(Object.keys(passwordCharacters) as Array<keyof typeof passwordCharacters>)).chain(
        (kind) => FastCheck.constantFrom(...passwordCharacters[kind]).map((char) => [kind, char] as const),
      ),
      { minLength: length, maxLength: length },
    ),
  )
  .map((chars) => ({
    password: chars.map(([, char]) => char).join(""),
    length: chars.length,
    classes: new Set(chars.map(([kind]) => kind)),
  }))

// Who a section's publication reaches in the news feed (BR-RUB-1): every reader its grants name. Seed 004 grants a
// role to a profile ("Profil / Cible / Rôle": e.g. Parent as Visiteur in a school's section), to a group or to one
// account; DOMAIN.md's glossary maps Parent to `Relative`; docs/sections.md says a profile grant names every account
// of that profile attached to the section's school. The oracle below is that sentence, applied to random schools'
// accounts (attached elsewhere, detached, in the class or not) and random grants, some revoked before publishing.
import type * as Actor from "@cartable/domain/Actor"
import * as Domain from "@cartable/domain/Domain"
import { AccountId } from "@cartable/domain/Ids"
import * as SectionEvents from "@cartable/domain/SectionEvents"
import * as Authorization from "@cartable/read-models/Authorization"
import * as NewsFeed from "@cartable/read-models/NewsFeed"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { memory, runtime, send } from "./fixtures.ts"

const schoolA = "0571994H"
const schoolB = "0572000P"
const class6A = "0571994H$6A"
const section = SectionEvents.SectionId.make("rub-vie-scolaire")
const feed: Actor.Actor = { accountId: AccountId.make("system:aaf"), roles: [{ _tag: "System", process: "aaf" }] }
const head: Actor.Actor = {
  accountId: AccountId.make("head-1"),
  roles: [{ _tag: "Direction", structureId: schoolA as never }],
}
const nobody = { structureIds: [], groupIds: [] }
const at = "2026-09-14T08:00:00Z"

const command = (fields: object) => Schema.decodeUnknownSync(Domain.Command)(fields)
const as = (actor: Actor.Actor, fields: object) => send(command({ actor, ...fields }), at)

const stack = NewsFeed.layer.pipe(
  Layer.provideMerge(Authorization.layer),
  Layer.provideMerge(
    runtime(memory, [Authorization.AuthorizationProjection, NewsFeed.NewsFeedProjection, NewsFeed.FeedWithdrawals]),
  ),
)

type Profile = "Student" | "Relative" | "Teacher" | "Personnel"
interface Person {
  readonly profile: Profile
  readonly home: typeof schoolA | typeof schoolB
  readonly attachedElsewhere: boolean
  readonly detachedFromHome: boolean
  readonly inClass: boolean
  /** Teachers and staff only: the feed moved him to the other of the two profiles, after his attachments (BR-ACC-8). */
  readonly moved: boolean
}
type Grantee =
  | { readonly _tag: "Profile"; readonly profile: Profile }
  | { readonly _tag: "Group"; readonly groupId: string }
  | { readonly _tag: "Account"; readonly index: number }

const person: FastCheck.Arbitrary<Person> = FastCheck.record({
  profile: FastCheck.constantFrom<Profile>("Student", "Relative", "Teacher", "Personnel"),
  home: FastCheck.constantFrom(schoolA, schoolB),
  attachedElsewhere: FastCheck.boolean(),
  detachedFromHome: FastCheck.boolean(),
  inClass: FastCheck.boolean(),
  moved: FastCheck.boolean(),
})
const grantee: FastCheck.Arbitrary<Grantee> = FastCheck.oneof(
  {
    weight: 3,
    arbitrary: FastCheck.constantFrom<Profile>("Relative", "Student", "Teacher", "Personnel").map((profile) => ({
      _tag: "Profile" as const,
      profile,
    })),
  },
  { weight: 1, arbitrary: FastCheck.constant({ _tag: "Group" as const, groupId: class6A }) },
  { weight: 1, arbitrary: FastCheck.integer({ min: 0, max: 5 }).map((index) => ({ _tag: "Account" as const, index })) },
)
const grant = FastCheck.record({ grantee, revoked: FastCheck.boolean() })

const idOf = (index: number) => `acc-${index + 1}`
// Who the log says is where: a detachment only of an account attached elsewhere too; the class is 6A of school A.
const schoolsOf = (p: Person): ReadonlyArray<string> => {
  const other = p.home === schoolA ? schoolB : schoolA
  return [...(p.detachedFromHome && p.attachedElsewhere ? [] : [p.home]), ...(p.attachedElsewhere ? [other] : [])]
}
const inClass = (p: Person) => p.inClass && p.profile === "Student" && p.home === schoolA
// His profile now: a teacher moved is staff, a staff member moved a teacher; nobody else moves.
const profileOf = (p: Person): Profile =>
  !p.moved ? p.profile : p.profile === "Teacher" ? "Personnel" : p.profile === "Personnel" ? "Teacher" : p.profile

/** The oracle: the accounts a grant still in force names, but the head who publishes. */
const expectedReaders = (
  people: ReadonlyArray<Person>,
  grants: ReadonlyArray<{ readonly grantee: Grantee; readonly revoked: boolean }>,
): ReadonlyArray<string> => {
  // The last grant of a grantee is the one in force (a new grant replaces the old one, a revocation removes it).
  const inForce = new Map<string, boolean>()
  for (const { grantee, revoked } of grants) inForce.set(JSON.stringify(grantee), !revoked)
  const named = (g: Grantee, p: Person, index: number) =>
    g._tag === "Profile"
      ? g.profile === profileOf(p) && schoolsOf(p).includes(schoolA)
      : g._tag === "Group"
        ? inClass(p)
        : g.index === index
  return people
    .map((p, index) => ({ p, index }))
    .filter(({ p, index }) =>
      [...inForce].some(([key, active]) => active && named(JSON.parse(key) as Grantee, p, index)),
    )
    .map(({ index }) => idOf(index))
}

const world = (people: ReadonlyArray<Person>) =>
  Effect.gen(function* () {
    for (const [structureId, name] of [
      [schoolA, "Collège Jean Moulin"],
      [schoolB, "Collège Victor Hugo"],
    ]) {
      yield* as(feed, { _tag: "RegisterStructure", structureId, uai: structureId, name, kind: "SecondarySchool" })
    }
    yield* as(feed, {
      _tag: "OpenGroup",
      structureId: schoolA,
      groupId: class6A,
      kind: "Class",
      name: "6e A",
      schoolYear: "2026-2027",
      owner: "Feed",
    })
    for (const [index, p] of people.entries()) {
      const accountId = idOf(index)
      yield* as(feed, {
        _tag: "ProvisionAccount",
        accountId,
        profile: p.profile,
        origin: { _tag: "Feed", source: "AAF", externalId: `j-${accountId}` },
        structureId: p.home,
        login: `camille.martin${index + 1}`,
        firstName: "Camille",
        lastName: "Martin",
        activationCode: "3n6g8fmj",
      })
      const other = p.home === schoolA ? schoolB : schoolA
      if (p.attachedElsewhere) yield* as(feed, { _tag: "AttachAccountToStructure", accountId, structureId: other })
      if (p.attachedElsewhere && p.detachedFromHome) {
        yield* as(feed, { _tag: "DetachAccountFromStructure", accountId, structureId: p.home })
      }
      if (profileOf(p) !== p.profile) {
        yield* as(feed, { _tag: "ChangeAccountProfile", accountId, profile: profileOf(p) })
      }
      if (inClass(p)) {
        yield* as(feed, {
          _tag: "AssignToGroup",
          structureId: schoolA,
          groupId: class6A,
          accountId,
          role: "Student",
          source: "Feed",
        })
      }
    }
    // A school's section, created by its head (Gestionnaire of the school's sections without a grant).
    yield* as(head, {
      _tag: "CreateSection",
      sectionId: section,
      structureId: schoolA,
      name: "Vie scolaire",
      services: { blog: true, forum: false, sharedFolders: false },
      moderated: true,
    })
  })

/** The head puts an article online at once (a Gestionnaire publishes directly). */
const publishByHead = as(head, {
  _tag: "ProposePublication",
  sectionId: section,
  member: nobody,
  publicationId: "pub-1",
  service: "Blog",
  title: "Réunion parents-professeurs",
  body: "Jeudi à 18 h.",
  publishNow: true,
})

const granteeOf = (g: Grantee) => (g._tag === "Account" ? { _tag: "Account", accountId: idOf(g.index) } : g)

describe("a section's publication in the news feed", () => {
  it.effect.prop(
    "BR-RUB-1 BR-ACC-8 a publication put online reaches every reader its grants name: the accounts, the group's members, and each granted profile's accounts attached to the section's school (their profile now, as the feed moved it)",
    [FastCheck.array(person, { minLength: 1, maxLength: 6 }), FastCheck.array(grant, { minLength: 1, maxLength: 4 })],
    ([people, grants]) =>
      Effect.gen(function* () {
        yield* world(people)
        for (const { grantee, revoked } of grants) {
          const target = granteeOf(grantee)
          yield* as(head, {
            _tag: "GrantSectionRole",
            sectionId: section,
            member: nobody,
            grantee: target,
            role: "Visitor",
          })
          if (revoked)
            yield* as(head, { _tag: "RevokeSectionRole", sectionId: section, member: nobody, grantee: target })
        }
        yield* publishByHead
        const news = yield* NewsFeed.NewsFeed
        const reached: Array<string> = []
        for (const index of people.keys()) {
          const page = yield* news.feed({ recipient: AccountId.make(idOf(index)) })
          if (page.notifications.some((n) => n.type === "PublicationPublished")) reached.push(idOf(index))
        }
        assert.deepStrictEqual(reached, expectedReaders(people, grants))
        // The head who put it online is not told (he knows).
        assert.deepStrictEqual((yield* news.feed({ recipient: head.accountId })).notifications, [])
      }).pipe(Effect.provide(stack)),
    { fastCheck: { numRuns: 40 } },
  )

  it.effect(
    "BR-RUB-1 a section granted to the profile Relative (seed 004's Parent) reaches the school's relatives only",
    () =>
      Effect.gen(function* () {
        const relative = (home: typeof schoolA | typeof schoolB): Person => ({
          profile: "Relative",
          home,
          attachedElsewhere: false,
          detachedFromHome: false,
          inClass: false,
          moved: false,
        })
        // acc-1 and acc-2: relatives of school A; acc-3: a relative of school B; acc-4: a pupil of school A.
        yield* world([
          relative(schoolA),
          relative(schoolA),
          relative(schoolB),
          { ...relative(schoolA), profile: "Student" },
        ])
        const grantee = { _tag: "Profile", profile: "Relative" }
        yield* as(head, { _tag: "GrantSectionRole", sectionId: section, member: nobody, grantee, role: "Visitor" })
        yield* publishByHead
        const news = yield* NewsFeed.NewsFeed
        const types = (id: string) =>
          Effect.map(news.feed({ recipient: AccountId.make(id) }), (page) => page.notifications.map((n) => n.type))
        assert.deepStrictEqual(yield* types("acc-1"), ["PublicationPublished"])
        assert.deepStrictEqual(yield* types("acc-2"), ["PublicationPublished"])
        assert.deepStrictEqual(yield* types("acc-3"), [])
        assert.deepStrictEqual(yield* types("acc-4"), [])
        // Deleted, it leaves the relatives' feeds.
        yield* as(head, { _tag: "DeletePublication", sectionId: section, member: nobody, publicationId: "pub-1" })
        assert.deepStrictEqual(yield* types("acc-1"), [])
      }).pipe(Effect.provide(stack)),
  )
})

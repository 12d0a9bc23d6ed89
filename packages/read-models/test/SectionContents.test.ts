// A class section as its readers see it (BR-RUB-1, BR-RUB-2): the role of each reader comes from the section's
// grants and the Authorization facts at query time; the news feed shows what goes online to the readers the grants
// name, and forgets it once deleted. The expectations come from seed 004's matrix, written out here.
import type * as Actor from "@cartable/domain/Actor"
import * as Domain from "@cartable/domain/Domain"
import { AccountId } from "@cartable/domain/Ids"
import * as SectionEvents from "@cartable/domain/SectionEvents"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as Authorization from "@cartable/read-models/Authorization"
import * as NewsFeed from "@cartable/read-models/NewsFeed"
import * as SectionContents from "@cartable/read-models/SectionContents"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { memory, runtime, send, snapshot } from "./fixtures.ts"

const school = "0571994H"
const class6A = "0571994H$6A"
const section = SectionEvents.SectionId.make("rub-6A")
const feed: Actor.Actor = { accountId: AccountId.make("system:aaf"), roles: [{ _tag: "System", process: "aaf" }] }
const teacher: Actor.Actor = {
  accountId: AccountId.make("teacher-1"),
  roles: [{ _tag: "Teacher", structureId: school as never, groupIds: [class6A as never] }],
}
const pupil = (id: string): Actor.Actor => ({ accountId: AccountId.make(id), roles: [] })
const member = (groupIds: ReadonlyArray<string>) => ({ profile: "Student", structureIds: [school], groupIds })
const at = "2026-09-14T08:00:00Z"

const command = (fields: object) => Schema.decodeUnknownSync(Domain.Command)(fields)

const stack = Layer.mergeAll(SectionContents.layer, NewsFeed.layer).pipe(
  Layer.provideMerge(Authorization.layer),
  Layer.provideMerge(
    runtime(memory, [
      Authorization.AuthorizationProjection,
      SectionContents.SectionContentsProjection,
      NewsFeed.NewsFeedProjection,
      NewsFeed.FeedWithdrawals,
    ]),
  ),
)

const world = Effect.gen(function* () {
  const as = (actor: Actor.Actor, fields: object) => send(command({ actor, ...fields }), at)
  yield* as(feed, {
    _tag: "RegisterStructure",
    structureId: school,
    uai: school,
    name: "Collège Jean Moulin",
    kind: "SecondarySchool",
  })
  yield* as(feed, {
    _tag: "OpenGroup",
    structureId: school,
    groupId: class6A,
    kind: "Class",
    name: "6e A",
    schoolYear: "2026-2027",
    owner: "Feed",
  })
  for (const [id, profile] of [
    ["teacher-1", "Teacher"],
    ["pupil-1", "Student"],
    ["pupil-2", "Student"],
    ["pupil-3", "Student"],
  ] as const) {
    yield* as(feed, {
      _tag: "ProvisionAccount",
      accountId: id,
      profile,
      origin: { _tag: "Feed", source: "AAF", externalId: `j-${id}` },
      structureId: school,
      login: id.replace("-", "."),
      firstName: "Camille",
      lastName: "Martin",
      activationCode: "3n6g8fmj",
    })
  }
  for (const [id, role] of [
    ["teacher-1", "Teacher"],
    ["pupil-1", "Student"],
    ["pupil-2", "Student"],
  ] as const) {
    yield* as(feed, {
      _tag: "AssignToGroup",
      structureId: school,
      groupId: class6A,
      accountId: id,
      role,
      source: "Feed",
    })
  }
  const inSection = (actor: Actor.Actor, groupIds: ReadonlyArray<string>, fields: object) =>
    as(actor, { sectionId: section, member: member(groupIds), ...fields })
  yield* as(teacher, {
    _tag: "CreateSection",
    sectionId: section,
    structureId: school,
    groupId: class6A,
    ownerGroup: { kind: "Class", structureId: school, open: true },
    name: "6e A",
    services: { blog: true, forum: true, sharedFolders: true },
    moderated: true,
  })
  // The class writes, moderated: a Rédacteur's content waits for the teacher's validation.
  yield* inSection(teacher, [class6A], {
    _tag: "GrantSectionRole",
    grantee: { _tag: "Group", groupId: class6A },
    role: "Writer",
  })
  const post = (actor: Actor.Actor, publicationId: string, publishNow: boolean) =>
    inSection(actor, [class6A], {
      _tag: "ProposePublication",
      publicationId,
      service: "Blog",
      title: "Sortie au musée",
      body: "Rendez-vous à 8 h.",
      publishNow,
    })
  yield* post(pupil("pupil-1"), "pub-pupil", false)
  yield* post(teacher, "pub-teacher", true)
  yield* inSection(teacher, [class6A], { _tag: "CreateFolder", folderId: "dir-1", name: "Photos" })
  yield* inSection(teacher, [class6A], {
    _tag: "UploadFile",
    folderId: "dir-1",
    fileId: "file-1",
    name: "musee.jpg",
  })
  yield* inSection(teacher, [class6A], { _tag: "CreateFolder", folderId: "dir-2", name: "Anciens" })
  yield* inSection(teacher, [class6A], { _tag: "DeleteFolder", folderId: "dir-2" })
  // A form of the section, its managers' (004 "Gérer les formulaires"), and one deleted.
  yield* inSection(teacher, [class6A], { _tag: "CreateForm", formId: "form-1", title: "Autorisation de sortie" })
  yield* inSection(teacher, [class6A], { _tag: "CreateForm", formId: "form-2", title: "Ancien sondage" })
  yield* inSection(teacher, [class6A], { _tag: "DeleteForm", formId: "form-2" })
})

describe("SectionContents", () => {
  it.effect("BR-RUB-1 each reader sees what his role lets him see, with the actions seed 004's matrix gives him", () =>
    Effect.gen(function* () {
      yield* world
      const contents = yield* SectionContents.SectionContents
      const view = (id: string) =>
        Effect.map(contents.view(section, AccountId.make(id)), (found): unknown => {
          assert.ok(found !== undefined)
          return {
            role: found.role,
            publications: found.publications.map((p) => [p.publication.publicationId, p.publication.status, p.may]),
            folders: found.folders.map((f) => [f.folder.folderId, f.may]),
            bin: found.bin.map((f) => f.folder.folderId),
            forms: found.forms.map((f) => [f.form.formId, f.may]),
          }
        })
      // The teacher of 6A: Gestionnaire by default; validates, publishes, deletes; uploads, deletes, restores.
      assert.deepStrictEqual(yield* view("teacher-1"), {
        role: "Manager",
        publications: [
          ["pub-pupil", "Proposed", ["Validate", "Publish", "Delete"]],
          ["pub-teacher", "Published", ["Delete"]],
        ],
        folders: [["dir-1", ["Upload", "Delete"]]],
        bin: ["dir-2"],
        forms: [["form-1", ["Delete"]]],
      })
      // The author, Rédacteur through his class: his proposal (delete own, no direct publication), the online
      // article (not his: no action), the folders read only (BR-RUB-2), no bin.
      assert.deepStrictEqual(yield* view("pupil-1"), {
        role: "Writer",
        publications: [
          ["pub-pupil", "Proposed", ["Delete"]],
          ["pub-teacher", "Published", []],
        ],
        folders: [["dir-1", []]],
        bin: [],
        forms: [],
      })
      // Another pupil of the class: online contents only.
      assert.deepStrictEqual(yield* view("pupil-2"), {
        role: "Writer",
        publications: [["pub-teacher", "Published", []]],
        folders: [["dir-1", []]],
        bin: [],
        forms: [],
      })
      // A pupil of the school outside 6A: no role, nothing to see.
      assert.deepStrictEqual(yield* view("pupil-3"), {
        role: undefined,
        publications: [],
        folders: [],
        bin: [],
        forms: [],
      })
    }).pipe(Effect.provide(stack)),
  )

  it.effect(
    "BR-RUB-1 what goes online reaches the feeds of the readers the grants name, and leaves them once deleted",
    () =>
      Effect.gen(function* () {
        yield* world
        const news = yield* NewsFeed.NewsFeed
        const feedOf = (id: string) =>
          Effect.map(news.feed({ recipient: AccountId.make(id) }), (page) =>
            page.notifications.filter((n) => n.type === "PublicationPublished").map((n): unknown => n.about),
          )
        const online = {
          _tag: "Publication",
          sectionId: section,
          publicationId: "pub-teacher",
          service: "Blog",
          authorId: "teacher-1",
        }
        assert.deepStrictEqual(yield* feedOf("pupil-1"), [online])
        assert.deepStrictEqual(yield* feedOf("pupil-2"), [online])
        // The publisher is not told; a pupil outside the class is not either; a proposal is not news.
        assert.deepStrictEqual(yield* feedOf("teacher-1"), [])
        assert.deepStrictEqual(yield* feedOf("pupil-3"), [])
        yield* send(
          command({
            _tag: "DeletePublication",
            actor: teacher,
            member: member([class6A]),
            sectionId: section,
            publicationId: "pub-teacher",
          }),
          at,
        )
        assert.deepStrictEqual(yield* feedOf("pupil-1"), [])
      }).pipe(Effect.provide(stack)),
  )

  it.effect(
    "BR-ACC-9 once an author's data is erased, what he wrote stays with its words erased: a pupil's publication, a teacher's form",
    () =>
      Effect.gen(function* () {
        yield* world
        for (const _tag of ["PreDeleteAccount", "DeleteAccount", "EraseAccountData"]) {
          yield* send(command({ _tag, actor: feed, accountId: "pupil-1" }), at)
        }
        const contents = yield* SectionContents.SectionContents
        const view = yield* contents.view(section, AccountId.make("teacher-1"))
        const written = view?.publications.map(({ publication }) => [
          publication.publicationId,
          publication.title,
          publication.body,
        ])
        assert.deepStrictEqual<unknown>(written, [
          ["pub-pupil", PersonalData.ERASED, PersonalData.ERASED],
          ["pub-teacher", "Sortie au musée", "Rendez-vous à 8 h."],
        ])
        // The teacher's form keeps its title; once his data is erased, it stays with its title erased.
        const formsOf = Effect.map(snapshot(SectionContents.SectionContentsProjection), (all): unknown =>
          (all.sections as ReadonlyArray<SectionContents.SectionEntry>).flatMap((s) => s.forms.map((f) => f.title)),
        )
        assert.deepStrictEqual(yield* formsOf, ["Autorisation de sortie"])
        for (const _tag of ["PreDeleteAccount", "DeleteAccount", "EraseAccountData"]) {
          yield* send(command({ _tag, actor: feed, accountId: "teacher-1" }), at)
        }
        assert.deepStrictEqual(yield* formsOf, [PersonalData.ERASED])
      }).pipe(Effect.provide(stack)),
  )
})

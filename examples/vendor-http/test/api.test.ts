/**
 * examples/vendor-http over real HTTP on 127.0.0.1: sign-in, commands as the
 * session's account (accepted, refused with the rule id, a bad body, a forged
 * actor), the read models behind the read rules, the mail-merge PDF read back
 * with pdftotext, the OpenAPI document against the OpenAPI 3.1 schema, and an
 * attacker's requests.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as EventStore from "@cartable/eventlog/EventStore"
import { assert, layer } from "@effect/vitest"
import { Validator } from "@seriousme/openapi-schema-validator"
import * as Effect from "effect/Effect"
import { groups, people, schools } from "../src/Seed.ts"
import { passwordOf, Running, layer as running } from "./client.ts"

const A = schools.moulin.structureId
const B = schools.michel.structureId

interface Refusal {
  readonly _tag: string
  readonly error: string
  readonly ruleId?: string
  readonly reason?: string
  readonly fields?: ReadonlyArray<{ readonly path: string; readonly message: string }>
}

const refusal = (json: unknown) => json as Refusal

/** How many events the log holds: a refused command appends none. */
const logLength = Effect.flatMap(EventStore.EventStore, (store) => store.readAll(0, 100_000)).pipe(
  Effect.map((log) => log.length),
  Effect.orDie,
)

layer(running, { timeout: 120_000 })("examples/vendor-http", (it) => {
  it.effect("signs in: activation with the sheet's code, then the password; a wrong one is 401", () =>
    Effect.gen(function* () {
      const { call, seeded } = yield* Running
      const { teacher } = people
      const activated = yield* call("POST", "/activation", {
        body: {
          login: teacher.login,
          activationCode: seeded.codes[teacher.accountId],
          password: passwordOf(teacher.login),
          charterAccepted: true,
          email: "paul.durand@example.org",
        },
      })
      assert.strictEqual(activated.status, 200)
      assert.strictEqual((activated.json as { accountId: string }).accountId, teacher.accountId)

      const signedIn = yield* call("POST", "/session", {
        body: { login: teacher.login, password: passwordOf(teacher.login) },
      })
      assert.strictEqual(signedIn.status, 200)
      const { token } = signedIn.json as { token: string }
      const me = yield* call("GET", "/me", { token })
      assert.strictEqual(me.status, 200)
      assert.deepStrictEqual(me.json, {
        accountId: teacher.accountId,
        roles: [{ _tag: "Teacher", structureId: A, groupIds: [groups.sixthA.groupId] }],
      })

      const wrong = yield* call("POST", "/session", { body: { login: teacher.login, password: "not-his-password" } })
      assert.strictEqual(wrong.status, 401)
      assert.strictEqual(refusal(wrong.json).error, "InvalidCredentials")
      // An unknown login gets the very same answer (BR-ACC-6).
      const unknown = yield* call("POST", "/session", { body: { login: "nobody.here", password: "whatever" } })
      assert.deepStrictEqual(unknown.json, wrong.json)

      // Signed out, the token opens nothing.
      assert.strictEqual((yield* call("DELETE", "/session", { token })).status, 204)
      assert.strictEqual((yield* call("GET", "/me", { token })).status, 401)
    }),
  )

  it.effect("a command acts as the session's account; a refused one is 403 with its rule id, nothing appended", () =>
    Effect.gen(function* () {
      const { call, tokens } = yield* Running
      const alias = yield* call("POST", "/commands", {
        token: tokens.parent,
        body: { _tag: "SetLoginAlias", accountId: people.parent.accountId, alias: "omar.b" },
      })
      assert.strictEqual(alias.status, 200)
      assert.deepStrictEqual((alias.json as { events: ReadonlyArray<string> }).events, ["LoginAliasSet"])
      const [recorded] = yield* Effect.flatMap(EventStore.EventStore, (store) => store.readAll(0, 100_000)).pipe(
        Effect.map((log) => log.filter((event) => event.type === "LoginAliasSet")),
        Effect.orDie,
      )
      assert.strictEqual(recorded?.metadata.actor, people.parent.accountId)

      // A parent may not block his child's messaging (BR-ACC-6); an administrator of another school neither.
      const before = yield* logLength
      const byParent = yield* call("POST", "/commands", {
        token: tokens.parent,
        body: { _tag: "BlockAccount", accountId: people.pupil.accountId, application: "messagerie" },
      })
      assert.strictEqual(byParent.status, 403)
      assert.deepInclude(refusal(byParent.json), {
        error: "AccountRejected",
        ruleId: "BR-ACC-6",
        reason: "NotAuthorized",
      })
      const byOtherSchool = yield* call("POST", "/commands", {
        token: tokens.otherAdministrator,
        body: { _tag: "BlockAccount", accountId: people.pupil.accountId, application: "messagerie" },
      })
      assert.strictEqual(byOtherSchool.status, 403)
      assert.strictEqual(refusal(byOtherSchool.json).ruleId, "BR-ACC-6")
      assert.strictEqual(yield* logLength, before)

      // The same intent from the pupil's school's administrator goes through.
      const byAdministrator = yield* call("POST", "/commands", {
        token: tokens.administrator,
        body: { _tag: "BlockAccount", accountId: people.pupil.accountId, application: "messagerie" },
      })
      assert.strictEqual(byAdministrator.status, 200)
      assert.deepStrictEqual((byAdministrator.json as { events: ReadonlyArray<string> }).events, ["AccountBlocked"])
    }),
  )

  it.effect("a bad body is 400 naming the field; a taken login is 409 with its rule", () =>
    Effect.gen(function* () {
      const { call, tokens } = yield* Running
      const before = yield* logLength
      const badValue = yield* call("POST", "/commands", {
        token: tokens.administrator,
        body: { _tag: "BlockAccount", accountId: 42 },
      })
      assert.strictEqual(badValue.status, 400)
      assert.strictEqual(refusal(badValue.json).error, "InvalidCommand")
      assert.deepStrictEqual(
        refusal(badValue.json).fields?.map((field) => field.path),
        ["accountId"],
      )
      const unknownTag = yield* call("POST", "/commands", { token: tokens.administrator, body: { _tag: "DropTables" } })
      assert.strictEqual(unknownTag.status, 400)
      assert.deepStrictEqual(
        refusal(unknownTag.json).fields?.map((field) => field.path),
        ["_tag"],
      )
      const notJson = yield* call("POST", "/commands", {
        token: tokens.administrator,
        raw: "{not json",
        headers: { "content-type": "application/json" },
      })
      assert.strictEqual(notJson.status, 400)
      const signInWithoutPassword = yield* call("POST", "/session", { body: { login: "x" } })
      assert.strictEqual(signInWithoutPassword.status, 400)
      assert.include(JSON.stringify(signInWithoutPassword.json), "password")
      assert.strictEqual(yield* logLength, before)

      const taken = yield* call("POST", "/commands", {
        token: tokens.pupil,
        body: { _tag: "SetLoginAlias", accountId: people.pupil.accountId, alias: people.administrator.login },
      })
      assert.strictEqual(taken.status, 409)
      assert.deepInclude(refusal(taken.json), { error: "AccountRejected", ruleId: "BR-ACC-10", reason: "LoginTaken" })
    }),
  )

  it.effect("a forged actor, roles or facts in a body are refused by name: the session decides who acts", () =>
    Effect.gen(function* () {
      const { call, tokens } = yield* Running
      const before = yield* logLength
      const platform = [{ _tag: "Administrator", level: "Platform" }]
      const forged = [
        { actor: { accountId: people.administrator.accountId, roles: platform } },
        { roles: platform },
        { locations: [{ structureId: A }] },
      ]
      for (const extra of forged) {
        const answer = yield* call("POST", "/commands", {
          token: tokens.parent,
          body: { _tag: "UnblockAccount", accountId: people.pupil.accountId, application: "messagerie", ...extra },
        })
        assert.strictEqual(answer.status, 400, JSON.stringify(extra))
        const [field] = refusal(answer.json).fields ?? []
        assert.strictEqual(field?.path, Object.keys(extra)[0])
        assert.match(field?.message ?? "", /^is unexpected/)
      }
      // Another user's account id in the body does not make the parent that user.
      const asAnother = yield* call("POST", "/commands", {
        token: tokens.parent,
        body: { _tag: "SetLoginAlias", accountId: people.administrator.accountId, alias: "camille.m" },
      })
      assert.strictEqual(asAnother.status, 403)
      assert.deepInclude(refusal(asAnother.json), { ruleId: "BR-ACC-10", reason: "NotAuthorized" })
      assert.strictEqual(yield* logLength, before)
    }),
  )

  it.effect("the read models answer behind their rules; a path id of another school is 403", () =>
    Effect.gen(function* () {
      const { call, tokens, seeded } = yield* Running
      const found = yield* call("GET", `/schools/${A}/directory?search=BEN`, { token: tokens.administrator })
      assert.strictEqual(found.status, 200)
      assert.deepStrictEqual(
        (found.json as { entries: ReadonlyArray<{ login: string }> }).entries.map((entry) => entry.login).sort(),
        [people.pupil.login, people.parent.login],
      )
      // BR-ACC-2: the administrator sees the code of the pupil not activated yet; the direction reads the directory without it.
      const codeOf = (json: unknown) =>
        (json as { entries: ReadonlyArray<{ login: string; activationCode?: string }> }).entries.find(
          (entry) => entry.login === people.newPupil.login,
        )?.activationCode
      const garcia = yield* call("GET", `/schools/${A}/directory?search=garc`, { token: tokens.administrator })
      assert.strictEqual(codeOf(garcia.json), seeded.codes[people.newPupil.accountId])
      const byHead = yield* call("GET", `/schools/${A}/directory?search=garc`, { token: tokens.head })
      assert.strictEqual(byHead.status, 200)
      assert.strictEqual((byHead.json as { entries: ReadonlyArray<unknown> }).entries.length, 1)
      assert.strictEqual(codeOf(byHead.json), undefined)
      const otherSchool = yield* call("GET", `/schools/${B}/directory`, { token: tokens.administrator })
      assert.strictEqual(otherSchool.status, 403)
      assert.deepInclude(refusal(otherSchool.json), { error: "ReadRefused", ruleId: "API-READ-1" })
      const byPupil = yield* call("GET", `/schools/${A}/directory`, { token: tokens.pupil })
      assert.strictEqual(byPupil.status, 403)

      const queue = yield* call("GET", `/reports?level=School&scopeId=${A}&status=Open`, {
        token: tokens.administrator,
      })
      assert.strictEqual(queue.status, 200)
      assert.deepStrictEqual(
        (queue.json as { reports: ReadonlyArray<{ reportId: string }> }).reports.map((report) => report.reportId),
        ["report-1"],
      )
      const otherQueue = yield* call("GET", `/reports?level=School&scopeId=${A}`, { token: tokens.otherAdministrator })
      assert.strictEqual(otherQueue.status, 403)
      assert.strictEqual(refusal(otherQueue.json).ruleId, "API-READ-3")
      const allReports = yield* call("GET", "/reports?level=Platform", { token: tokens.vendor })
      assert.strictEqual(allReports.status, 200)
      const noScope = yield* call("GET", "/reports?level=District", { token: tokens.administrator })
      assert.strictEqual(noScope.status, 400)
      assert.deepStrictEqual(
        refusal(noScope.json).fields?.map((field) => field.path),
        ["scopeId"],
      )

      const sixthA = `/schools/${A}/groups/${encodeURIComponent(groups.sixthA.groupId)}`
      const homework = yield* call("GET", `${sixthA}/homework`, { token: tokens.administrator })
      assert.strictEqual(homework.status, 200)
      assert.deepStrictEqual(
        (homework.json as ReadonlyArray<{ sessionId: string; frozen: boolean }>).map((s) => [s.sessionId, s.frozen]),
        [["s1", false]],
      )
      const roster = yield* call("GET", `${sixthA}/roster`, { token: tokens.administrator })
      assert.deepStrictEqual(
        (roster.json as ReadonlyArray<{ accountId: string; role: string }>).map((m) => [m.accountId, m.role]),
        [
          [people.pupil.accountId, "Student"],
          [people.newPupil.accountId, "Student"],
          [people.teacher.accountId, "Teacher"],
        ],
      )
      assert.strictEqual((yield* call("GET", `${sixthA}/roster`, { token: tokens.pupil })).status, 403)
      const foreign = yield* call("GET", `${sixthA}/roster`, { token: tokens.otherAdministrator })
      assert.strictEqual(foreign.status, 403)
      assert.strictEqual(refusal(foreign.json).ruleId, "API-READ-2")
      // School B's class under school A's path: A's administrator reads A's data only, and B's class is not A's.
      const smuggled = yield* call("GET", `/schools/${A}/groups/${encodeURIComponent(groups.fifthB.groupId)}/roster`, {
        token: tokens.administrator,
      })
      assert.strictEqual(smuggled.status, 200)
      assert.deepStrictEqual(smuggled.json, [])
    }),
  )

  it.effect("the mail-merge PDF: the sheets of the accounts not activated, read back with pdftotext", () =>
    Effect.gen(function* () {
      const { call, tokens, seeded } = yield* Running
      const pdf = yield* call("GET", `/schools/${A}/mail-merge.pdf?activation=not-activated&perPage=1`, {
        token: tokens.administrator,
      })
      assert.strictEqual(pdf.status, 200)
      assert.strictEqual(pdf.contentType, "application/pdf")
      const dir = mkdtempSync(join(tmpdir(), "cartable-vendor-pdf-"))
      try {
        writeFileSync(join(dir, "sheets.pdf"), pdf.bytes)
        const text = execFileSync("pdftotext", ["-layout", join(dir, "sheets.pdf"), "-"], { encoding: "utf8" })
        const pages = execFileSync("pdfinfo", [join(dir, "sheets.pdf")], { encoding: "utf8" })
        // The new pupil never signed in: her sheet, with her code (BR-ACC-2); the activated accounts' are not selected.
        assert.include(text, people.newPupil.login)
        assert.include(text, seeded.codes[people.newPupil.accountId] ?? "?")
        assert.notInclude(text, people.parent.login)
        assert.notInclude(text, seeded.codes[people.parent.accountId] ?? "?")
        assert.notInclude(text, people.otherPupil.login)
        assert.match(pages, /Pages:\s+[12]\n/)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
      // BR-MM-1: the role of that school, not an administrator's right, nor another school's role.
      const other = yield* call("GET", `/schools/${A}/mail-merge.pdf`, { token: tokens.otherAdministrator })
      assert.strictEqual(other.status, 403)
      assert.deepInclude(refusal(other.json), { error: "MailMergeRefused", ruleId: "BR-MM-1" })
      const badPerPage = yield* call("GET", `/schools/${A}/mail-merge.pdf?perPage=3`, { token: tokens.administrator })
      assert.strictEqual(badPerPage.status, 400)
    }),
  )

  it.effect("an attacker: no token, a made-up one, a blocked account's, an oversized body", () =>
    Effect.gen(function* () {
      const { call, tokens } = yield* Running
      const none = yield* call("POST", "/commands", {
        body: { _tag: "BlockAccount", accountId: people.pupil.accountId },
      })
      assert.strictEqual(none.status, 401)
      const madeUp = yield* call("GET", "/me", { token: "a-token-nobody-was-given" })
      assert.strictEqual(madeUp.status, 401)
      assert.strictEqual(refusal(madeUp.json).error, "SessionInvalid")

      // School B's administrator blocks his pupil's whole account: the pupil's open session stops at once.
      assert.strictEqual((yield* call("GET", "/me", { token: tokens.otherPupil })).status, 200)
      const blocked = yield* call("POST", "/commands", {
        token: tokens.otherAdministrator,
        body: { _tag: "BlockAccount", accountId: people.otherPupil.accountId },
      })
      assert.strictEqual(blocked.status, 200)
      const afterBlock = yield* call("GET", "/me", { token: tokens.otherPupil })
      assert.strictEqual(afterBlock.status, 401)
      const commandAfterBlock = yield* call("POST", "/commands", {
        token: tokens.otherPupil,
        body: { _tag: "SetLoginAlias", accountId: people.otherPupil.accountId, alias: "hugo.p" },
      })
      assert.strictEqual(commandAfterBlock.status, 401)
      const signInAfterBlock = yield* call("POST", "/session", {
        body: { login: people.otherPupil.login, password: passwordOf(people.otherPupil.login) },
      })
      assert.strictEqual(signInAfterBlock.status, 401)

      const before = yield* logLength
      const huge = yield* call("POST", "/commands", {
        token: tokens.administrator,
        body: { _tag: "SetLoginAlias", accountId: people.administrator.accountId, alias: "x".repeat(200_000) },
      })
      assert.strictEqual(huge.status, 413)
      assert.strictEqual(refusal(huge.json)._tag, "PayloadTooLarge")
      // The same in chunks, with no length to judge it by: refused unread.
      const chunked = yield* call("POST", "/commands", {
        token: tokens.administrator,
        chunked: JSON.stringify({ _tag: "SetLoginAlias", accountId: people.administrator.accountId, alias: "c.m" }),
        headers: { "content-type": "application/json" },
      })
      assert.strictEqual(chunked.status, 411)
      assert.strictEqual(yield* logLength, before)
    }),
  )

  it.effect("serves its OpenAPI document, valid against the OpenAPI 3.1 schema, and a Swagger page", () =>
    Effect.gen(function* () {
      const { call } = yield* Running
      const document = yield* call("GET", "/openapi.json")
      assert.strictEqual(document.status, 200)
      const validator = new Validator()
      const result = yield* Effect.promise(() =>
        validator.validate(document.json as Parameters<Validator["validate"]>[0]),
      )
      assert.deepStrictEqual(result.errors, undefined)
      assert.isTrue(result.valid)
      assert.strictEqual(validator.version, "3.1")
      const paths = Object.keys((document.json as { paths: Record<string, unknown> }).paths).sort()
      assert.includeMembers(paths, ["/activation", "/commands", "/me", "/reports", "/session"])
      const page = yield* call("GET", "/docs")
      assert.strictEqual(page.status, 200)
      assert.include(new TextDecoder().decode(page.bytes), "SwaggerUIBundle")
    }),
  )
})

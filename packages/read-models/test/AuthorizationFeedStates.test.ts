/**
 * What a directory feed compares of an account without reading its stream (Authorization.feedStates,
 * pupilLinks, feedMembers): over random Account histories (erasure included), each equals what the account's own
 * stream folds to, kept up to date and after a rebuild.
 */
import * as Account from "@cartable/domain/Account"
import * as Domain from "@cartable/domain/Domain"
import type { AccountId, StructureId } from "@cartable/domain/Ids"
import * as CommandHandler from "@cartable/eventlog/CommandHandler"
import * as CommandRouter from "@cartable/eventlog/CommandRouter"
import { EventMetadata } from "@cartable/eventlog/EventMetadata"
import * as EventStore from "@cartable/eventlog/EventStore"
import * as ExpectedVersion from "@cartable/eventlog/ExpectedVersion"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as ProjectionRuntime from "@cartable/projections/ProjectionRuntime"
import * as AccountArbitraries from "@cartable/testing/AccountArbitraries"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Authorization from "../src/Authorization.ts"
import { context, runtimeOn, stores } from "./authorizationFixtures.ts"

const ids = AccountArbitraries.ids.accounts
const [relative, pupil, other] = ids as unknown as [AccountId, AccountId, AccountId]

/** Events appended to an account's stream as the feed and its holder record them. */
const record = (accountId: AccountId, events: ReadonlyArray<Record<string, unknown>>) =>
  Effect.gen(function* () {
    const store = yield* EventStore.EventStore
    yield* store.append(
      StreamName.make(Account.aggregate.category, accountId),
      ExpectedVersion.any,
      events.map((event) => ({
        event: { accountId, ...event } as never,
        metadata: new EventMetadata({ occurredAt: DateTime.unsafeMake("2026-09-01T08:00:00Z"), actor: "system:aaf" }),
      })),
    )
  })

const provisioned = (profile: string, login: string) => ({
  _tag: "AccountProvisioned",
  profile,
  origin: { _tag: "Feed", source: "AAF", externalId: `j-${login}` },
  structureId: "school-a",
  login,
  firstName: "Marie",
  lastName: "Anquet",
  activationCode: "3n6g8fmj",
})

/** The oracle: each account's stream folded by the aggregate, and each pupil's relatives from theirs. */
const folded = Effect.gen(function* () {
  const states = new Map<AccountId, Authorization.FeedState>()
  // "source school" -> the live feed accounts there (BR-FEED-1's share), by account id.
  const members = new Map<string, Array<Authorization.FeedMember>>()
  const links = new Map<AccountId, Array<Authorization.Relatives["links"][number]>>()
  for (const id of ids) {
    const { state } = yield* CommandHandler.load(Account.aggregate, id)
    if (state._tag !== "Account") continue
    const { accountId, profile, deletion, firstName, lastName, email, schooling, structureIds } = state
    states.set(id, { accountId, profile, deletion, firstName, lastName, email, schooling, structureIds })
    if (state.origin._tag === "Feed" && deletion === "None") {
      for (const structureId of structureIds) {
        const key = `${state.origin.source} ${structureId}`
        members.set(key, [...(members.get(key) ?? []), { accountId, externalId: state.origin.externalId }])
      }
    }
    for (const { pupilId, legalAuthority, financial, contact } of state.relativeOf) {
      const list = links.get(pupilId) ?? []
      list.push({ relativeId: accountId, legalAuthority, financial, contact })
      links.set(pupilId, list)
    }
  }
  return { states, links, members }
})

const byAccount = (a: Authorization.FeedMember, b: Authorization.FeedMember) => a.accountId.localeCompare(b.accountId)

const byRelative = (links: ReadonlyArray<Authorization.Relatives["links"][number]> | undefined) =>
  [...(links ?? [])].sort((a, b) => a.relativeId.localeCompare(b.relativeId))

const assertFolded = (facts: Authorization.Authorization.Service) =>
  Effect.gen(function* () {
    const expected = yield* folded
    const states = yield* facts.feedStates([...ids])
    for (const id of ids) {
      const state = states.get(id)
      // The optional e-mail: absent in the document, undefined in the state.
      assert.deepStrictEqual(state && { ...state, email: state.email }, expected.states.get(id), `${id}'s state`)
    }
    for (const source of ["AAF", "other"]) {
      for (const structureId of [...AccountArbitraries.ids.schools, "school-z" as StructureId]) {
        const members = [...(yield* facts.feedMembers(source, structureId))].sort(byAccount)
        const expectedMembers = [...(expected.members.get(`${source} ${structureId}`) ?? [])].sort(byAccount)
        assert.deepStrictEqual(members, expectedMembers, `the feed ${source}'s live accounts at ${structureId}`)
      }
    }
    const links = yield* facts.pupilLinks([...ids])
    for (const id of ids) {
      assert.deepStrictEqual(byRelative(links.get(id)), byRelative(expected.links.get(id)), `${id}'s relatives`)
    }
  })

for (const { name, storage } of stores) {
  describe(`Authorization, what a feed compares (${name})`, () => {
    it.effect(
      "BR-ACC-7 BR-ACC-9 the e-mail a feed gives or the holder's activation sets, a link's flags given again, an erasure: as the stream folds them",
      () =>
        Effect.gen(function* () {
          const facts = yield* Authorization.Authorization
          const flags = (legalAuthority: boolean, financial: boolean, contact: boolean) => ({
            _tag: "RelativeLinked",
            link: { pupilId: pupil, legalAuthority, financial, contact },
          })
          yield* record(pupil, [provisioned("Student", "marie.a")])
          yield* record(other, [provisioned("Relative", "laou.a")])
          yield* record(relative, [
            provisioned("Relative", "jean.a"),
            { _tag: "AccountIdentityUpdated", firstName: "Jean", lastName: "Anquet", email: "jean@example.org" },
            flags(true, true, true),
          ])
          yield* record(other, [flags(false, false, true)])
          // Given again with other flags: the link keeps its place, with the new flags.
          yield* record(relative, [flags(true, false, false)])
          yield* record(pupil, [
            { _tag: "AccountActivated", charterAccepted: true, email: "marie@example.org" },
            { _tag: "AccountIdentityUpdated", firstName: "Marie", lastName: "Anquet-Roux" },
          ])
          yield* assertFolded(facts)
          assert.deepStrictEqual((yield* facts.pupilLinks([pupil])).get(pupil), [
            { relativeId: relative, legalAuthority: true, financial: false, contact: false },
            { relativeId: other, legalAuthority: false, financial: false, contact: true },
          ])
          assert.strictEqual((yield* facts.feedStates([pupil])).get(pupil)?.email, "marie@example.org")
          yield* record(relative, [{ _tag: "AccountDataErased" }])
          yield* record(other, [{ _tag: "RelativeUnlinked", pupilId: pupil }])
          yield* assertFolded(facts)
          assert.deepStrictEqual(
            (yield* facts.pupilLinks([pupil])).get(pupil)?.map((link) => link.relativeId),
            [relative],
          )
          const runtime = yield* ProjectionRuntime.ProjectionRuntime
          yield* runtime.rebuild(Authorization.AuthorizationProjection)
          yield* assertFolded(facts)
        }).pipe(Effect.provide(runtimeOn(storage)), Effect.scoped),
    )

    it.effect.prop(
      "BR-ACC-7 BR-ACC-9 an account's feed state (profile, names, e-mail, schooling, schools, deletion), a pupil's links with their flags and each school's live feed accounts (BR-FEED-1) are those the streams fold to, erasure included, kept up to date and rebuilt",
      [AccountArbitraries.commands],
      ([commands]) =>
        Effect.gen(function* () {
          const router = yield* CommandRouter.make(Domain.aggregates)
          for (const command of commands) yield* Effect.either(router.handleTyped(command, context))
          const facts = yield* Authorization.Authorization
          yield* assertFolded(facts)
          const runtime = yield* ProjectionRuntime.ProjectionRuntime
          yield* runtime.rebuild(Authorization.AuthorizationProjection)
          yield* assertFolded(facts)
        }).pipe(Effect.provide(runtimeOn(storage)), Effect.scoped),
      { fastCheck: { numRuns: name === "memory" ? 60 : 10 } },
    )
  })
}

/**
 * BR-ACC-9 on the Account aggregate: what is personal, what the state holds
 * once erased, and re-imports that keep personal data up to date.
 */
import * as Account from "@cartable/domain/Account"
import * as Actor from "@cartable/domain/Actor"
import * as Credentials from "@cartable/domain/Credentials"
import { AccountId, StructureId } from "@cartable/domain/Ids"
import { fold } from "@cartable/kernel/Decider"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as AccountArbitraries from "@cartable/testing/AccountArbitraries"
import { given, run } from "@cartable/testing/DeciderSpec"
import { assert, describe, it } from "@effect/vitest"
import * as Arr from "effect/Array"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

// From DOMAIN.md BR-ACC-9 and BR-ACC-10: names, e-mail, phone, codes, the login and its alias (built
// from the name, e.g. laou.anquet) and the subject of an external identity are personal data; so are the
// password's hash and a recovery token's digest (BR-ACC-4: secrets of the holder, erased with him).
const personalByEvent: Readonly<Record<keyof typeof Account.events, ReadonlyArray<string>>> = {
  AccountProvisioned: ["login", "firstName", "lastName", "activationCode"],
  AccountIdentityUpdated: ["firstName", "lastName", "email"],
  // (decision) a formation can tell much of a pupil (ULIS, SEGPA): personal as the rest.
  AccountSchoolingUpdated: ["schooling"],
  // A profile is what the account is for the school (Teacher, Personnel), not a trait of the person.
  AccountProfileChanged: [],
  AccountActivated: ["email", "mobile", "passwordHash"],
  PasswordRenewalCodeIssued: ["renewalCode"],
  PasswordRenewed: ["passwordHash"],
  PasswordRecoveryRequested: ["tokenDigest"],
  PasswordRecovered: ["passwordHash"],
  PasswordHashUpgraded: ["passwordHash"],
  AccountBlocked: [],
  AccountUnblocked: [],
  AccountAttachedToStructure: [],
  AccountDetachedFromStructure: [],
  RelativeLinked: [],
  RelativeUnlinked: [],
  AccompanyingAdultLinked: [],
  AccompanyingAdultUnlinked: [],
  LoginAliasSet: ["alias"],
  LoginAliasRemoved: [],
  ExternalIdentityLinked: ["subject"],
  ExternalIdentityUnlinked: [],
  AdministratorRightGranted: [],
  AdministratorRightRevoked: [],
  PlatformAdministratorAppointed: [],
  PlatformAdministratorDismissed: [],
  InspectorAccessGranted: [],
  InspectorAccessRevoked: [],
  AccountPreDeleted: [],
  AccountRestored: [],
  AccountDeleted: [],
  AccountDataErased: [],
}

const vendor: Actor.Actor = {
  accountId: AccountId.make("vendor"),
  roles: [{ _tag: "Administrator", level: "Platform" }],
}
const feed = Actor.system("aaf")

/**
 * What the store returns once the subject is erased: each personal field of
 * the encoded event reads "[erased]" (docs/erasure.md), then it is decoded.
 */
const asStoredAfterErasure = (event: Account.AccountEvent): Account.AccountEvent => {
  const encoded = Schema.encodeSync(Account.AccountEvent)(event) as Record<string, unknown>
  const redacted = Object.fromEntries(
    Object.entries(encoded).map(([key, value]) => [
      key,
      personalByEvent[event._tag].includes(key) ? PersonalData.ERASED : value,
    ]),
  )
  return Schema.decodeUnknownSync(Account.AccountEvent)(JSON.parse(JSON.stringify(redacted)))
}

const erasure = (accountId: AccountId): ReadonlyArray<Account.AccountCommand> =>
  (["PreDeleteAccount", "DeleteAccount", "EraseAccountData"] as const).map((_tag) => ({
    _tag,
    actor: vendor,
    accountId,
  }))

const holderId = AccountId.make("acc-1")
const holderLogin = Credentials.Login.make("laou.anquet")

/** Steps that put personal data in the state, each by someone allowed to take it. */
const personalStep: FastCheck.Arbitrary<Account.AccountCommand> = FastCheck.oneof(
  FastCheck.record({
    password: FastCheck.constant(Schema.decodeSync(Schema.Redacted(Schema.String))("Secret1")),
    email: FastCheck.constantFrom("laou.anquet@example.org", "l.anquet@example.org"),
    mobile: FastCheck.option(FastCheck.constant("+33 6 12 34 56 78"), { nil: undefined }),
  }).map(
    ({ mobile, ...fields }): Account.AccountCommand => ({
      _tag: "ActivateAccount",
      accountId: holderId,
      login: holderLogin,
      activationCode: "3n6g8fmj",
      charterAccepted: true,
      passwordHash: AccountArbitraries.passwordHash,
      ...fields,
      ...(mobile === undefined ? {} : { mobile }),
    }),
  ),
  FastCheck.constantFrom(...AccountArbitraries.ids.codes).map(
    (code): Account.AccountCommand => ({
      _tag: "IssuePasswordRenewalCode",
      actor: vendor,
      accountId: holderId,
      renewalCode: Credentials.OneTimeCode.make(code),
      pupilClassIds: [],
    }),
  ),
  FastCheck.constantFrom(...AccountArbitraries.ids.codes).map(
    (renewalCode): Account.AccountCommand => ({
      _tag: "RenewPassword",
      accountId: holderId,
      login: holderLogin,
      renewalCode,
      password: Schema.decodeSync(Schema.Redacted(Schema.String))("Secret2"),
      passwordHash: AccountArbitraries.otherPasswordHash,
    }),
  ),
  FastCheck.constantFrom("laou.a", "l.anquet").map(
    (alias): Account.AccountCommand => ({
      _tag: "SetLoginAlias",
      actor: vendor,
      accountId: holderId,
      alias: Credentials.Login.make(alias),
    }),
  ),
  FastCheck.constant<Account.AccountCommand>({ _tag: "RemoveLoginAlias", actor: vendor, accountId: holderId }),
  FastCheck.constantFrom("Pronote", "CAS").map(
    (provider): Account.AccountCommand => ({
      _tag: "LinkExternalIdentity",
      actor: feed,
      accountId: holderId,
      provider,
      subject: `${provider.toLowerCase()}-laou-anquet`,
    }),
  ),
  FastCheck.constantFrom("Pronote", "CAS").map(
    (provider): Account.AccountCommand => ({
      _tag: "UnlinkExternalIdentity",
      actor: feed,
      accountId: holderId,
      provider,
    }),
  ),
  FastCheck.option(FastCheck.constant("laou@example.org"), { nil: undefined }).map(
    (email): Account.AccountCommand => ({
      _tag: "UpdateAccountIdentity",
      actor: feed,
      accountId: holderId,
      firstName: "Laoù",
      lastName: "Anquet-Brun",
      ...(email === undefined ? {} : { email }),
    }),
  ),
)

const personalHistory: FastCheck.Arbitrary<ReadonlyArray<Account.AccountCommand>> = FastCheck.array(personalStep, {
  maxLength: 10,
}).map((steps) => [
  {
    _tag: "ProvisionAccount",
    actor: feed,
    accountId: holderId,
    profile: "Student",
    origin: { _tag: "Feed", source: "AAF", externalId: "jointure-laou" },
    structureId: StructureId.make("school-a"),
    login: holderLogin,
    firstName: "Laou",
    lastName: "Anquet",
    activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
  },
  ...steps,
])

const personalValues = (events: ReadonlyArray<Account.AccountEvent>): ReadonlyArray<string> =>
  events.flatMap((event) =>
    personalByEvent[event._tag]
      .map((field) => (event as Record<string, unknown>)[field])
      .filter((value): value is string => typeof value === "string" && !PersonalData.isErased(value)),
  )

describe("Account personal data (BR-ACC-9)", () => {
  it("BR-ACC-9 every Account event marks exactly its personal fields, under the account as subject", () => {
    for (const [tag, schema] of Object.entries(Account.events)) {
      const marks = PersonalData.personalFields(schema)
      const expected = personalByEvent[tag as keyof typeof Account.events]
      assert.deepStrictEqual([...marks.fields].sort(), [...expected].sort(), tag)
      if (expected.length > 0) assert.strictEqual(marks.subjectField, "accountId", tag)
    }
    assert.strictEqual(PersonalData.erasedSubjectField(Account.AccountDataErased), "accountId")
  })

  it.prop(
    "BR-ACC-9 once erased, the folded state holds no personal value and equals the state rebuilt from the erased log",
    [FastCheck.oneof(AccountArbitraries.commands, personalHistory)],
    ([commands]) => {
      for (const stream of Object.values(Arr.groupBy(commands, (command) => command.accountId))) {
        const accountId = stream[0]!.accountId
        const history = run(Account.aggregate, [...stream, ...erasure(accountId)])
        const state = history.state
        if (state._tag === "Absent") continue
        assert.ok(state.erased, "the account was erased")
        const rebuilt = fold(Account.aggregate, history.events.map(asStoredAfterErasure))
        assert.deepStrictEqual(state, rebuilt)
        const json = JSON.stringify(state)
        for (const value of personalValues(history.events)) assert.notInclude(json, value)
        for (const value of [state.login, state.firstName, state.lastName])
          assert.strictEqual(value, PersonalData.ERASED)
        for (const value of [state.email, state.activationCode, state.renewalCode, state.alias]) {
          assert.ok(value === undefined || value === PersonalData.ERASED)
        }
        assert.ok(state.externalIdentities.every((identity) => identity.subject === PersonalData.ERASED))
        assert.isUndefined(Account.visibleActivationCode(state))
      }
    },
  )

  it.prop(
    "BR-ACC-9 a code read as erased opens nothing, whatever the state it is read from",
    [FastCheck.constantFrom("None", "PreDeleted", "Deleted")],
    ([deletion]) => {
      // A state rebuilt from an erased log, as if its lifecycle events were lost: the marker is no code.
      const state = fold(Account.aggregate, [
        {
          _tag: "AccountProvisioned",
          accountId: AccountId.make("acc-1"),
          profile: "Guest",
          origin: { _tag: "Manual" },
          structureId: StructureId.make("school-a"),
          login: Credentials.Login.make("marie.a"),
          firstName: PersonalData.ERASED,
          lastName: PersonalData.ERASED,
          activationCode: PersonalData.ERASED,
        },
        ...(deletion === "None" ? [] : [{ _tag: "AccountPreDeleted", accountId: AccountId.make("acc-1") } as const]),
        ...(deletion === "Deleted" ? [{ _tag: "AccountDeleted", accountId: AccountId.make("acc-1") } as const] : []),
      ])
      assert.isFalse(Account.canLogIn(state, PersonalData.ERASED))
      assert.strictEqual(Account.canLogIn(state, "marie.a"), deletion === "None")
      const decision = Account.decide(
        {
          _tag: "ActivateAccount",
          accountId: AccountId.make("acc-1"),
          login: Credentials.Login.make("marie.a"),
          activationCode: PersonalData.ERASED,
          password: Schema.decodeSync(Schema.Redacted(Schema.String))("Secret1"),
          passwordHash: AccountArbitraries.passwordHash,
          charterAccepted: true,
          email: "marie.a@example.org",
        },
        state,
      )
      assert.deepStrictEqual(decision, Either.left(Account.invalidCredentials))
    },
  )
})

const names = FastCheck.constantFrom("Marie", "Maria", "Laou")
const lastNames = FastCheck.constantFrom("Anquet", "Arnaud")
const emails = FastCheck.option(FastCheck.constantFrom("marie.a@example.org", "laou.anquet@example.org"), {
  nil: undefined,
})
const schools = AccountArbitraries.scopes.schools
const origin = { _tag: "Feed", source: "AAF", externalId: "jointure-1" } as const
const accountId = AccountId.make("acc-1")

const provisionedAs = (firstName: string, lastName: string): Account.AccountEvent => ({
  _tag: "AccountProvisioned",
  accountId,
  profile: "Student",
  origin,
  structureId: schools[0]!,
  login: Credentials.Login.make("marie.a"),
  firstName,
  lastName,
  activationCode: Credentials.OneTimeCode.make("3n6g8fmj"),
})

describe("Account re-import", () => {
  it.prop(
    "BR-ACC-9 a corrected identity is recorded once; the same identity again records nothing",
    [names, lastNames, emails, names, lastNames, emails, FastCheck.boolean()],
    ([firstName, lastName, email, newFirst, newLast, newEmail, activated]) => {
      const history: ReadonlyArray<Account.AccountEvent> = [
        provisionedAs(firstName, lastName),
        ...(activated && email !== undefined
          ? [{ _tag: "AccountActivated", accountId, charterAccepted: true, email } as const]
          : []),
      ]
      const currentEmail = activated ? email : undefined
      const update: Account.AccountCommand = {
        _tag: "UpdateAccountIdentity",
        actor: feed,
        accountId,
        firstName: newFirst,
        lastName: newLast,
        ...(newEmail === undefined ? {} : { email: newEmail }),
      }
      const unchanged =
        firstName === newFirst && lastName === newLast && (newEmail === undefined || newEmail === currentEmail)
      const first = given(Account.aggregate, history).when(update).accepted()
      assert.deepStrictEqual(
        first.events,
        unchanged
          ? []
          : [
              {
                _tag: "AccountIdentityUpdated",
                accountId,
                firstName: newFirst,
                lastName: newLast,
                ...(newEmail === undefined ? {} : { email: newEmail }),
              },
            ],
      )
      assert.ok(first.state._tag === "Account")
      assert.strictEqual(first.state.firstName, newFirst)
      assert.strictEqual(first.state.lastName, newLast)
      assert.strictEqual(first.state.email, newEmail ?? currentEmail)
      given(Account.aggregate, [...history, ...first.events])
        .when(update)
        .then([])
    },
  )

  it.prop(
    "BR-ACC-3 an identity update refuses what is not an e-mail address, saying so",
    [FastCheck.constantFrom("marie.a", "marie@ex", "marie a@example.org", "@example.org", "marie.a@")],
    ([email]) => {
      given(Account.aggregate, [provisionedAs("Marie", "Arnaud")])
        .when({ _tag: "UpdateAccountIdentity", actor: feed, accountId, firstName: "Marie", lastName: "Arnaud", email })
        .thenRejects({ ruleId: "BR-ACC-3", reason: "InvalidEmail", message: `"${email}" is not an e-mail address` })
    },
  )

  it.prop(
    "BR-ACC-8 the same feed sending the same person again updates him and attaches his new school, keeping login and codes",
    [names, lastNames, FastCheck.constantFrom(...schools), FastCheck.constantFrom(...AccountArbitraries.ids.codes)],
    ([firstName, lastName, structureId, code]) => {
      const history = [provisionedAs("Marie", "Anquet")]
      const again: Account.AccountCommand = {
        _tag: "ProvisionAccount",
        actor: feed,
        accountId,
        profile: "Student",
        origin,
        structureId,
        login: Credentials.Login.make("marie.a2"),
        firstName,
        lastName,
        activationCode: Credentials.OneTimeCode.make(code),
      }
      const expected: ReadonlyArray<Account.AccountEvent> = [
        ...(firstName === "Marie" && lastName === "Anquet"
          ? []
          : [{ _tag: "AccountIdentityUpdated", accountId, firstName, lastName } as const]),
        ...(structureId === schools[0]
          ? []
          : [{ _tag: "AccountAttachedToStructure", accountId, structureId } as const]),
      ]
      const { events, state } = given(Account.aggregate, history).when(again).accepted()
      assert.deepStrictEqual(events, expected)
      assert.ok(state._tag === "Account")
      assert.strictEqual(state.login, "marie.a")
      assert.strictEqual(state.activationCode, "3n6g8fmj")
      given(Account.aggregate, [...history, ...events])
        .when(again)
        .then([])
    },
  )

  it.prop(
    "BR-ACC-8 provisioning an existing id as another person, profile or by hand is refused",
    [
      FastCheck.constantFrom(
        { origin: { _tag: "Feed", source: "AAF", externalId: "jointure-2" }, profile: "Student", actor: feed },
        { origin: { _tag: "Feed", source: "ONDE", externalId: "jointure-1" }, profile: "Student", actor: feed },
        { origin, profile: "Relative", actor: feed },
        { origin, profile: "Student", actor: vendor },
        { origin: { _tag: "Manual" }, profile: "Guest", actor: vendor },
      ),
    ],
    ([variant]) => {
      given(Account.aggregate, [provisionedAs("Marie", "Anquet")])
        .when({
          _tag: "ProvisionAccount",
          accountId,
          structureId: schools[1]!,
          login: Credentials.Login.make("marie.a2"),
          firstName: "Marie",
          lastName: "Anquet",
          activationCode: Credentials.OneTimeCode.make("3d3nbrm8"),
          ...(variant as Pick<
            Extract<Account.AccountCommand, { _tag: "ProvisionAccount" }>,
            "origin" | "profile" | "actor"
          >),
        })
        .thenRejects({ ruleId: "BR-ACC-8", reason: "AlreadyExists" })
    },
  )
})

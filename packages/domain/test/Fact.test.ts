import { describe, expect, it } from "@effect/vitest"
import * as Account from "../src/Account.ts"
import * as Fact from "../src/Fact.ts"
import * as Report from "../src/Report.ts"

describe("Fact", () => {
  it("names the fields the library resolves: the actor, and the facts of other aggregates", () => {
    expect(Fact.factFields(Report.ReportContent)).toEqual(["actor", "location", "reporterSchools", "reportedMessage"])
    expect(Fact.factFields(Account.IssuePasswordRenewalCode)).toEqual(["actor", "locations", "pupilClassIds"])
    expect(Fact.factFields(Account.ProvisionAccount)).toEqual([
      "actor",
      "locations",
      "loginHolder",
      "feedHolder",
      "pupils",
    ])
    expect(Fact.factFields(Account.LinkRelative)).toEqual(["actor", "locations", "pupilProfile", "pupilRelatives"])
    expect(Fact.factFields(Account.BlockAccount)).toEqual(["actor", "locations"])
    expect(Fact.factFields(Account.AppointPlatformAdministrator)).toEqual(["actor"])
  })

  it("names what the identity flows compute: a password's hash, a token's digest, the time of the attempt", () => {
    expect(Fact.factFields(Account.ActivateAccount)).toEqual(["passwordHash"])
    expect(Fact.factFields(Account.RenewPassword)).toEqual(["passwordHash"])
    expect(Fact.factFields(Account.RequestPasswordRecovery)).toEqual(["tokenDigest", "expiresAt"])
    expect(Fact.factFields(Account.RecoverPassword)).toEqual(["tokenDigest", "recoveredAt", "passwordHash"])
    expect(Fact.factFields(Account.UpgradePasswordHash)).toEqual(["actor", "previousHash", "passwordHash"])
  })

  it("leaves a command without facts alone: unlinking a relative is the intent's own fields and the actor", () => {
    expect(Fact.factFields(Account.UnlinkRelative)).toEqual(["actor", "locations"])
  })
})

import { describe, expect, it } from "@effect/vitest"
import * as Account from "../src/Account.ts"
import * as Fact from "../src/Fact.ts"
import * as Report from "../src/Report.ts"

describe("Fact", () => {
  it("names the fields the library resolves: the actor, and the facts of other aggregates", () => {
    expect(Fact.factFields(Report.ReportContent)).toEqual(["actor", "location", "reporterSchools"])
    expect(Fact.factFields(Account.IssuePasswordRenewalCode)).toEqual(["actor", "locations", "pupilClassIds"])
    expect(Fact.factFields(Account.ProvisionAccount)).toEqual(["actor", "locations", "loginHolder", "feedHolder"])
    expect(Fact.factFields(Account.LinkRelative)).toEqual(["actor", "locations", "pupilProfile", "pupilRelatives"])
    expect(Fact.factFields(Account.BlockAccount)).toEqual(["actor", "locations"])
    expect(Fact.factFields(Account.AppointPlatformAdministrator)).toEqual(["actor"])
  })

  it("leaves a command without facts alone: first login is the intent's own fields", () => {
    expect(Fact.factFields(Account.ActivateAccount)).toEqual([])
  })
})

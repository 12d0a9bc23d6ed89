/**
 * One school's first days of the year, played through the library's Workspace
 * on the chapters of examples/school-year: the academy's export imported with
 * `FeedImport`, the install and the school's administrator, a guest account
 * (and a pupil refused by hand, BR-ACC-1), the mail-merge sheets and the first
 * logins with their codes, the homework books, a report handled, a visa.
 * `main.ts` ends with the rollover (`Rollover.run`), a year on.
 */

import * as Year from "@cartable/example-school-year/year"
import * as Codes from "@cartable/idp-local/Codes"
import * as Effect from "effect/Effect"

/** The school's ENT administrator creates an accompanying adult's account; a pupil's is refused (BR-ACC-1). */
const guests = (story: Year.Story) =>
  Effect.gen(function* () {
    const { ent, clock, say } = story
    clock.set("2025-09-01T09:00:00Z")
    yield* ent.as(Year.head.login, {
      _tag: "ProvisionAccount",
      accountId: "guest-aesh-1",
      profile: "Guest",
      origin: { _tag: "Manual" },
      structureId: Year.school,
      login: "paul.weber",
      firstName: "Paul",
      lastName: "Weber",
      activationCode: yield* Codes.generate,
    })
    const theo = yield* ent.accountOf("theo.nguyen", "Nguyễn")
    yield* ent.as(Year.head.login, {
      _tag: "LinkAccompanyingAdult",
      accountId: "guest-aesh-1",
      pupilId: theo,
      kind: "AESH",
    })
    // A pupil not yet in the feed cannot be created by hand (BR-ACC-1): the demo shows the refusal.
    yield* ent.as(Year.head.login, {
      _tag: "ProvisionAccount",
      accountId: "pupil-new",
      profile: "Student",
      origin: { _tag: "Manual" },
      structureId: Year.school,
      login: "nouvel.eleve",
      firstName: "Nouvel",
      lastName: "Élève",
      activationCode: yield* Codes.generate,
    })
    yield* say("The administrator creates an AESH's guest account for theo.nguyen; a pupil by hand is refused")
  })

/**
 * The first days of the year, chapter after chapter; returns the story, for
 * the summary and the rollover.
 *
 * @since 0.1.0
 */
export const play = (options: Year.Options) =>
  Effect.gen(function* () {
    const story = yield* Year.make(options)
    yield* Year.start(story)
    yield* guests(story)
    yield* Year.firstLogins(story, yield* Year.sheets(story))
    yield* Year.homework(story)
    yield* Year.report(story)
    yield* Year.visa(story)
    return story
  })

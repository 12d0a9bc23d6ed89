/**
 * A small school's store written in this process, as a server would: the
 * structures, pupils and a teacher from the feed, two reports (one handled),
 * and one account deleted, so that the binary has something to show.
 */
import * as Workspace from "@cartable/workspace/Workspace"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import { workspace } from "../src/EraseCommand.ts"
import type * as Store from "../src/Store.ts"

export const schoolA = "0751234J"
export const schoolB = "0931234L"

/** The accounts the feed provisions: [id, login, first name, last name, profile, school]. */
export const people = [
  ["p-marie", "marie.anquet", "Marie", "Anquet", "Student", schoolA],
  ["p-marius", "marius.bonnet", "Marius", "Bonnet", "Student", schoolA],
  ["p-louise", "louise.paulin", "Louise", "Paulin", "Student", schoolA],
  ["t-martine", "martine.dupre", "Martine", "Dupré", "Teacher", schoolA],
  ["p-marc", "marc.durand", "Marc", "Durand", "Student", schoolB],
  ["p-leo", "leo.gone", "Léo", "Gone", "Student", schoolA],
] as const

const at = (iso: string) => ({ occurredAt: DateTime.unsafeMake(iso) })

/** Writes the history; `p-leo` ends deleted, ready for `erase`; report-2 is handled. */
export const seed = (address: Store.Address) =>
  Effect.gen(function* () {
    const ws = yield* Workspace.Workspace
    const feed = ws.system("aaf-import")
    for (const [structureId, name] of [
      [schoolA, "Lycée Anquetil"],
      [schoolB, "Collège Durand"],
    ] as const) {
      yield* feed.handle(
        { _tag: "RegisterStructure", structureId, uai: structureId, name, kind: "SecondarySchool" },
        at("2026-08-30T08:00:00Z"),
      )
    }
    for (const [accountId, login, firstName, lastName, profile, structureId] of people) {
      yield* feed.handle(
        {
          _tag: "ProvisionAccount",
          accountId,
          profile,
          origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${accountId}` },
          structureId,
          login,
          firstName,
          lastName,
          activationCode: "3n6g8fmj",
        },
        at("2026-09-01T08:00:00Z"),
      )
    }
    for (const [reportId, contentId] of [
      ["report-1", "notif-1"],
      ["report-2", "notif-2"],
    ] as const) {
      yield* ws.handle(
        "p-marie",
        {
          _tag: "ReportContent",
          reportId,
          structureId: schoolA,
          content: { kind: "Notification", contentId },
          reportedAt: "2026-09-08T07:45:00Z",
          comment: "Un commentaire personnel",
        },
        at("2026-09-08T07:45:00Z"),
      )
    }
    yield* ws.handle(
      "platform-admin",
      {
        _tag: "HandleReport",
        reportId: "report-2",
        decision: "Deleted",
        handledAt: "2026-09-08T10:00:00Z",
        blockAuthor: false,
      },
      at("2026-09-08T10:00:00Z"),
    )
    yield* feed.handle({ _tag: "PreDeleteAccount", accountId: "p-leo" }, at("2026-09-10T08:00:00Z"))
    yield* ws
      .system("account-lifecycle")
      .handle({ _tag: "DeleteAccount", accountId: "p-leo" }, at("2026-12-10T08:00:00Z"))
  }).pipe(Effect.provide(workspace(address)))

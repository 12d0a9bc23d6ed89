/**
 * One school's start of year, played through the domain: the directory feed
 * registers the school, opens its classes and provisions its people; families
 * and staff log in for the first time; teachers fill the homework book; a
 * report is handled; the head places a visa.
 */
import * as Actor from "@cartable/domain/Actor"
import * as Effect from "effect/Effect"
import * as Data from "./school.ts"
import * as Workspace from "./Workspace.ts"

type Step = (line: string) => Effect.Effect<void>

const feed = Actor.system("aaf-import")
const location = {
  structureId: Data.school.structureId,
  districtId: Data.school.districtId,
  departmentId: Data.school.departmentId,
  academyId: Data.school.academyId,
}
const administrator = {
  accountId: Data.administratorId,
  roles: [{ _tag: "Administrator", level: "School", scopeId: Data.school.structureId }],
}
const classId = (code: string) => `${location.structureId}$${code}`
const bookId = (code: string) => `cdt-${classId(code)}-${Data.schoolYear}`
const teacher = (id: string) => {
  const person = Data.people.find((p) => p.id === id)!
  return {
    accountId: id,
    roles: [{ _tag: "Teacher", structureId: location.structureId, groupIds: (person.classes ?? []).map(classId) }],
  }
}
const head = { accountId: Data.headId, roles: [{ _tag: "Direction", structureId: location.structureId }] }

export const play = (step: Step) =>
  Effect.gen(function* () {
    const ent = yield* Workspace.make
    const codes = new Map<string, string>()
    // Commands arrive as plain data, as from a vendor's API: the workspace decodes them with their Schema.

    yield* ent.at("2026-08-28T02:00:00Z")
    yield* step("The academy's directory feed runs (AAF): school, classes, people")
    yield* ent.submit({
      _tag: "RegisterStructure",
      actor: feed,
      structureId: location.structureId,
      uai: Data.school.uai,
      name: Data.school.name,
      kind: "SecondarySchool",
      districtId: Data.school.districtId,
      departmentId: Data.school.departmentId,
      academyId: Data.school.academyId,
    })
    for (const { code, name } of Data.classes) {
      yield* ent.submit({
        _tag: "OpenGroup",
        actor: feed,
        structureId: location.structureId,
        groupId: classId(code),
        kind: "Class",
        name,
        schoolYear: Data.schoolYear,
        owner: "Feed",
      })
    }
    yield* ent.submit({
      _tag: "OpenGroup",
      actor: feed,
      structureId: location.structureId,
      groupId: classId("CHEF"),
      kind: "FunctionalGroup",
      name: "Chef d'établissement",
      schoolYear: Data.schoolYear,
      owner: "Feed",
      function: "Direction",
    })

    for (const person of Data.people) {
      const activationCode = Workspace.drawCode()
      codes.set(person.id, activationCode)
      yield* ent.submit({
        _tag: "ProvisionAccount",
        actor: feed,
        accountId: person.id,
        profile: person.profile,
        origin: { _tag: "Feed", source: "AAF", externalId: `jointure-${person.id}` },
        structureId: location.structureId,
        login: person.login,
        firstName: person.firstName,
        lastName: person.lastName,
        activationCode,
      })
      for (const child of person.children ?? []) {
        yield* ent.submit({
          _tag: "LinkRelative",
          actor: feed,
          accountId: person.id,
          link: { pupilId: child, legalAuthority: true, financial: true, contact: true },
          // Facts the Workspace entry point will resolve from the log: the child is a pupil, no other relative yet.
          pupilProfile: "Student",
          pupilRelatives: [],
        })
      }
      for (const code of person.classes ?? []) {
        yield* ent.submit({
          _tag: "AssignToGroup",
          actor: feed,
          structureId: location.structureId,
          groupId: classId(code),
          accountId: person.id,
          role: person.profile === "Student" ? "Student" : "Teacher",
          source: "Feed",
        })
      }
    }
    yield* ent.submit({
      _tag: "AssignToGroup",
      actor: feed,
      structureId: location.structureId,
      groupId: classId("CHEF"),
      accountId: Data.headId,
      role: "Member",
      source: "Feed",
    })

    yield* ent.at("2026-08-31T09:00:00Z")
    yield* step("The ENT administrator prepares the year")
    yield* ent.submit({
      _tag: "ProvisionAccount",
      actor: administrator,
      accountId: "g-aesh-1",
      profile: "Guest",
      origin: { _tag: "Manual" },
      structureId: location.structureId,
      login: "paul.weber",
      firstName: "Paul",
      lastName: "Weber",
      activationCode: Workspace.drawCode(),
    })
    yield* ent.submit({
      _tag: "LinkAccompanyingAdult",
      actor: administrator,
      accountId: "g-aesh-1",
      pupilId: "p-yann",
      kind: "AESH",
      pupilProfile: "Student",
    })
    // A pupil who is not yet in the feed cannot be created by hand (BR-ACC-1): the demo shows the refusal.
    yield* ent.submit({
      _tag: "ProvisionAccount",
      actor: administrator,
      accountId: "p-new",
      profile: "Student",
      origin: { _tag: "Manual" },
      structureId: location.structureId,
      login: "nouvel.eleve",
      firstName: "Nouvel",
      lastName: "Élève",
      activationCode: Workspace.drawCode(),
    })

    yield* ent.at("2026-09-01T18:30:00Z")
    yield* step("First logins with the activation codes of the mail-merge sheets")
    for (const person of Data.people) {
      if (person.firstLogin === undefined) continue
      yield* ent.submit({
        _tag: "ActivateAccount",
        accountId: person.id,
        login: person.login,
        activationCode: codes.get(person.id)!,
        password: person.firstLogin.password,
        // What @cartable/identity's activation records: the hash of the password it checked.
        passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
        charterAccepted: true,
        email: person.firstLogin.email,
      })
    }

    yield* ent.at("2026-09-07T16:00:00Z")
    yield* step("Teachers fill the homework book of 6e A")
    yield* ent.submit({
      _tag: "OpenHomeworkBook",
      actor: feed,
      homeworkBookId: bookId("6A"),
      structureId: location.structureId,
      groupId: classId("6A"),
      schoolYear: Data.schoolYear,
    })
    const sessions = [
      {
        id: "s1",
        teacherId: "t-durand",
        subject: "MATHS",
        date: "2026-09-02",
        content: "Nombres décimaux",
        homework: "Ex. 3 p. 12",
      },
      {
        id: "s2",
        teacherId: "t-nguyen",
        subject: "HIST-GEO",
        date: "2026-09-03",
        content: "La préhistoire",
        homework: "Lire p. 20-23",
      },
      {
        id: "s3",
        teacherId: "t-durand",
        subject: "MATHS",
        date: "2026-09-04",
        content: "Comparer des décimaux",
        homework: "",
      },
    ]
    for (const session of sessions) {
      yield* ent.submit({
        _tag: "RecordSession",
        actor: teacher(session.teacherId),
        homeworkBookId: bookId("6A"),
        sessionId: session.id,
        subject: session.subject,
        teacherId: session.teacherId,
        date: session.date,
        content: session.content,
        homework: session.homework,
      })
    }

    yield* ent.at("2026-09-08T07:45:00Z")
    yield* step("A parent reports a notification; the administrator deletes it and blocks its author")
    yield* ent.submit({
      _tag: "ReportContent",
      actor: { accountId: "r-claire", roles: [] },
      reportId: "report-1",
      structureId: location.structureId,
      location,
      reporterSchools: [location.structureId],
      content: { kind: "Notification", contentId: "notif-4411", authorId: "p-hugo" },
      reportedAt: "2026-09-08T07:45:00Z",
      comment: "Message insultant sur le fil de la classe",
    })
    yield* ent.at("2026-09-08T10:00:00Z")
    const handled = yield* ent.submit({
      _tag: "HandleReport",
      actor: administrator,
      reportId: "report-1",
      decision: "Deleted",
      handledAt: "2026-09-08T10:00:00Z",
      blockAuthor: true,
    })
    if (handled.length > 0) {
      yield* ent.submit({
        _tag: "BlockAccount",
        actor: Actor.system("report-follow-up"),
        accountId: "p-hugo",
      })
    }
    yield* ent.submit({
      _tag: "HandleReport",
      actor: {
        accountId: "erun-metz-1",
        roles: [{ _tag: "Administrator", level: "District", scopeId: Data.school.districtId }],
      },
      reportId: "report-1",
      decision: "Kept",
      handledAt: "2026-09-08T10:05:00Z",
      blockAuthor: false,
    })

    yield* ent.at("2026-09-11T17:00:00Z")
    yield* step("The head places a visa on the first week; a late edit is refused")
    yield* ent.submit({
      _tag: "PlaceVisa",
      actor: head,
      homeworkBookId: bookId("6A"),
      period: { from: "2026-09-01", to: "2026-09-06" },
      scope: { _tag: "AllSessions" },
    })
    yield* ent.submit({
      _tag: "EditSession",
      actor: teacher("t-durand"),
      homeworkBookId: bookId("6A"),
      sessionId: "s3",
      subject: "MATHS",
      date: "2026-09-04",
      content: "Comparer et ranger des décimaux",
      homework: "Ex. 5 p. 14",
    })
    yield* ent.submit({
      _tag: "DeleteSession",
      actor: administrator,
      homeworkBookId: bookId("6A"),
      sessionId: "s1",
    })
    return ent.refusals
  })

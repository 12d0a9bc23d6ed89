// The contract clients and readers of the log write against, written out by hand from the schemas as
// reviewed: each command's fields and their types, the named types with their identifier and description
// (what JSON Schemas and error messages call them), the messages a refused text gets (docs/events.md, "Text
// limits": the field named, the limit said, the value never echoed), and how each aggregate names its stream
// and its rejections. A change to any of them is a change of the public contract: it must change this file
// on purpose.
import * as Account from "@cartable/domain/Account"
import * as AccountCommands from "@cartable/domain/AccountCommands"
import * as CommunicationRules from "@cartable/domain/CommunicationRules"
import * as CommunicationRulesCommands from "@cartable/domain/CommunicationRulesCommands"
import * as Credentials from "@cartable/domain/Credentials"
import * as Domain from "@cartable/domain/Domain"
import * as HomeworkBook from "@cartable/domain/HomeworkBook"
import * as HomeworkBookCommands from "@cartable/domain/HomeworkBookCommands"
import * as Ids from "@cartable/domain/Ids"
import * as Message from "@cartable/domain/Message"
import * as MessageCommands from "@cartable/domain/MessageCommands"
import * as Report from "@cartable/domain/Report"
import * as ReportCommands from "@cartable/domain/ReportCommands"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import * as Section from "@cartable/domain/Section"
import * as SectionCommands from "@cartable/domain/SectionCommands"
import * as Structure from "@cartable/domain/Structure"
import * as StructureCommands from "@cartable/domain/StructureCommands"
import * as TargetedCommunication from "@cartable/domain/TargetedCommunication"
import * as TargetedCommunicationCommands from "@cartable/domain/TargetedCommunicationCommands"
import * as Uai from "@cartable/domain/Uai"
import * as Text from "@cartable/kernel/Text"
import { describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

// Every command's Actor: who acts, with his roles (BR-ACC-7's role kinds).
const actor =
  '{ readonly accountId: AccountId; readonly roles: ReadonlyArray<{ readonly _tag: "Administrator"; readonly level: "School" | "District" | "Department" | "Academy" | "Platform"; readonly scopeId?: StructureId | undefined } | { readonly _tag: "Direction"; readonly structureId: StructureId } | { readonly _tag: "Teacher"; readonly structureId: StructureId; readonly groupIds: ReadonlyArray<GroupId> } | { readonly _tag: "Inspector" } | { readonly _tag: "MailMergeManager"; readonly structureId: StructureId } | { readonly _tag: "System"; readonly process: string }> }'

// A school's location, a fact the library resolves (BR-SIG-2).
const location =
  "{ readonly structureId: StructureId; readonly districtId?: StructureId | undefined; readonly departmentId?: StructureId | undefined; readonly academyId?: StructureId | undefined }"
// The locations of the schools an administrator acts on, a fact the library resolves (BR-ACC-11).
const locations = `ReadonlyArray<${location}> | undefined`
// A level, sub-level or discipline of a school's nomenclature (BR-MSG-3).
const coded = "ReadonlyArray<{ readonly code: ShortText; readonly label: ShortText }>"
const profile = '"Student" | "Relative" | "Teacher" | "Personnel" | "Guest"'
// A Section command's fact on its actor: what the log says of him that grants may name (BR-RUB-1).
const member = `{ readonly profile?: ${profile} | undefined; readonly structureIds: ReadonlyArray<StructureId>; readonly groupIds: ReadonlyArray<GroupId> }`
// Who a section's role is granted to (BR-RUB-1).
const grantee = `{ readonly _tag: "Profile"; readonly profile: ${profile} } | { readonly _tag: "Group"; readonly groupId: GroupId } | { readonly _tag: "Account"; readonly accountId: AccountId }`
// A "qui voit qui" rule (BR-MSG-1): from a profile or group, to a profile or group, anywhere or in a shared group.
const party = `{ readonly _tag: "Profile"; readonly profile: ${profile} } | { readonly _tag: "Group"; readonly groupId: GroupId }`
const rule = `{ readonly from: ${party}; readonly to: ${party}; readonly reach: "School" | "SharedGroup" }`
// A message's recipient choice, and what the log says of a correspondent (BR-MSG-1, BR-MSG-2, BR-ACC-6).
const recipient =
  '{ readonly _tag: "Account"; readonly accountId: AccountId } | { readonly _tag: "Group"; readonly groupId: GroupId } | { readonly _tag: "Everyone" }'
const state = '"inactive" | "active" | "blocked" | "pre-deleted" | "deleted"'
const correspondent = `{ readonly accountId: AccountId; readonly profile: ${profile}; readonly state: ${state}; readonly messagingBlocked: boolean; readonly structureIds: ReadonlyArray<StructureId>; readonly groupIds: ReadonlyArray<GroupId> }`

// Each command's fields (`?` when optional) and their types, as Effect's Schema prints them.
const commandContract: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // Account
  ProvisionAccount: {
    actor: actor,
    "locations?": locations,
    "loginHolder?": "AccountId | undefined",
    "feedHolder?": "AccountId | undefined",
    "pupils?": `ReadonlyArray<{ readonly pupilId: AccountId; readonly profile?: ${profile} | undefined; readonly relatives: ReadonlyArray<{ readonly accountId: AccountId; readonly firstName: string; readonly lastName: string }> }> | undefined`,
    accountId: "AccountId",
    profile: profile,
    origin:
      '{ readonly _tag: "Feed"; readonly source: ShortText; readonly externalId: ShortText } | { readonly _tag: "Manual" }',
    structureId: "StructureId",
    login: "Login",
    firstName: "Name",
    lastName: "Name",
    activationCode: "OneTimeCode",
    "email?": "Email | undefined",
    "schooling?": `ReadonlyArray<{ readonly structureId: StructureId; readonly levels: ${coded}; readonly subLevels: ${coded}; readonly disciplines: ${coded} }> | undefined`,
    "links?":
      "ReadonlyArray<{ readonly pupilId: AccountId; readonly legalAuthority: boolean; readonly financial: boolean; readonly contact: boolean }> | undefined",
  },
  UpdateAccountIdentity: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
    firstName: "Name",
    lastName: "Name",
    "email?": "Email | undefined",
  },
  UpdateAccountSchooling: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
    schooling: `ReadonlyArray<{ readonly structureId: StructureId; readonly levels: ${coded}; readonly subLevels: ${coded}; readonly disciplines: ${coded} }>`,
  },
  ChangeAccountProfile: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
    profile,
  },
  ActivateAccount: {
    accountId: "AccountId",
    login: "Login",
    activationCode: "{ maxLength(64) | filter }",
    password: "({ maxLength(256) | filter } <-> Redacted(<redacted>))",
    charterAccepted: "boolean",
    email: "{ maxLength(320) | filter }",
    "mobile?": "{ maxLength(200) | filter } | undefined",
    passwordHash: "(PasswordHash <-> Redacted(<redacted>))",
  },
  IssuePasswordRenewalCode: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
    renewalCode: "OneTimeCode",
    pupilClassIds: "ReadonlyArray<GroupId>",
  },
  RenewPassword: {
    accountId: "AccountId",
    login: "Login",
    renewalCode: "{ maxLength(64) | filter }",
    password: "({ maxLength(256) | filter } <-> Redacted(<redacted>))",
    passwordHash: "(PasswordHash <-> Redacted(<redacted>))",
  },
  RequestPasswordRecovery: {
    accountId: "AccountId",
    login: "Login",
    tokenDigest: "TokenDigest",
    expiresAt: "DateTimeUtc",
  },
  RecoverPassword: {
    accountId: "AccountId",
    login: "Login",
    tokenDigest: "TokenDigest",
    recoveredAt: "DateTimeUtc",
    password: "({ maxLength(256) | filter } <-> Redacted(<redacted>))",
    passwordHash: "(PasswordHash <-> Redacted(<redacted>))",
  },
  UpgradePasswordHash: {
    actor: actor,
    accountId: "AccountId",
    previousHash: "(PasswordHash <-> Redacted(<redacted>))",
    passwordHash: "(PasswordHash <-> Redacted(<redacted>))",
  },
  BlockAccount: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
    "application?": "ShortText | undefined",
  },
  UnblockAccount: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
    "application?": "ShortText | undefined",
  },
  AttachAccountToStructure: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
    structureId: "StructureId",
  },
  DetachAccountFromStructure: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
    structureId: "StructureId",
  },
  LinkRelative: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
    link: "{ readonly pupilId: AccountId; readonly legalAuthority: boolean; readonly financial: boolean; readonly contact: boolean }",
    "pupilProfile?": `${profile} | undefined`,
    pupilRelatives:
      "ReadonlyArray<{ readonly accountId: AccountId; readonly firstName: string; readonly lastName: string }>",
  },
  UnlinkRelative: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
    pupilId: "AccountId",
  },
  LinkAccompanyingAdult: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
    pupilId: "AccountId",
    kind: '"AESH" | "HostFamily" | "Other"',
    "pupilProfile?": `${profile} | undefined`,
  },
  UnlinkAccompanyingAdult: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
    pupilId: "AccountId",
  },
  SetLoginAlias: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
    alias: "Login",
    "aliasHolder?": "AccountId | undefined",
  },
  RemoveLoginAlias: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
  },
  LinkExternalIdentity: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
    provider: "ShortText",
    subject: "ShortText",
    "identityHolder?": "AccountId | undefined",
  },
  UnlinkExternalIdentity: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
    provider: "ShortText",
  },
  GrantAdministratorRight: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
    structureId: "StructureId",
  },
  RevokeAdministratorRight: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
    structureId: "StructureId",
  },
  AppointPlatformAdministrator: {
    actor: actor,
    accountId: "AccountId",
  },
  DismissPlatformAdministrator: {
    actor: actor,
    accountId: "AccountId",
  },
  GrantInspectorAccess: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
  },
  RevokeInspectorAccess: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
  },
  PreDeleteAccount: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
  },
  RestoreAccount: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
  },
  DeleteAccount: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
  },
  EraseAccountData: {
    actor: actor,
    "locations?": locations,
    accountId: "AccountId",
  },
  // Structure
  RegisterStructure: {
    actor: actor,
    structureId: "StructureId",
    uai: "Uai",
    name: "ShortText",
    kind: '"PrimarySchool" | "SecondarySchool" | "District" | "Department" | "Academy"',
    "districtId?": "StructureId | undefined",
    "departmentId?": "StructureId | undefined",
    "academyId?": "StructureId | undefined",
  },
  OpenGroup: {
    actor: actor,
    structureId: "StructureId",
    groupId: "GroupId",
    kind: '"Class" | "TeachingGroup" | "ManualGroup" | "FunctionalGroup"',
    name: "ShortText",
    schoolYear: "SchoolYear",
    owner: '"Feed" | "Manual"',
    "function?": '"Direction" | "SuperAdministrator" | "MailMerge" | "Other" | undefined',
  },
  RenameGroup: {
    actor: actor,
    structureId: "StructureId",
    groupId: "GroupId",
    name: "ShortText",
  },
  CloseGroup: {
    actor: actor,
    structureId: "StructureId",
    groupId: "GroupId",
  },
  CloseSchoolYear: {
    actor: actor,
    structureId: "StructureId",
    schoolYear: "SchoolYear",
  },
  OpenSchoolYear: {
    actor: actor,
    structureId: "StructureId",
    schoolYear: "SchoolYear",
  },
  AssignToGroup: {
    actor: actor,
    structureId: "StructureId",
    groupId: "GroupId",
    accountId: "AccountId",
    role: '"Student" | "Teacher" | "Member"',
    source: '"Feed" | "Manual"',
    "subjects?": "ReadonlyArray<ShortText> | undefined",
    "principal?": "true | undefined",
  },
  UnassignFromGroup: {
    actor: actor,
    structureId: "StructureId",
    groupId: "GroupId",
    accountId: "AccountId",
    source: '"Feed" | "Manual"',
  },
  ImportGroupMembers: {
    actor: actor,
    structureId: "StructureId",
    groupId: "GroupId",
    roles: 'readonly ["Student" | "Teacher" | "Member", ...("Student" | "Teacher" | "Member")[]]',
    members:
      'ReadonlyArray<{ readonly accountId: AccountId; readonly role: "Student" | "Teacher" | "Member"; readonly subjects?: ReadonlyArray<ShortText> | undefined; readonly principal?: true | undefined }>',
  },
  HoldFeedImport: {
    actor: actor,
    structureId: "StructureId",
    digest: "ShortText",
    accounts: "NonNegativeInt",
    preDeletions: "NonNegativeInt",
    moves: "NonNegativeInt",
    threshold: "between(0, 1)",
  },
  ConfirmFeedImport: {
    actor: actor,
    structureId: "StructureId",
    digest: "ShortText",
  },
  // Report
  ReportContent: {
    actor: actor,
    reportId: "ReportId",
    structureId: "StructureId",
    location,
    reporterSchools: "ReadonlyArray<StructureId>",
    content:
      '{ readonly kind: "Notification" | "Message"; readonly contentId: ContentId; readonly authorId?: AccountId | undefined }',
    reportedAt: "DateTimeUtc",
    "comment?": "{ maxLength(2000) | filter } | undefined",
    "reportedMessage?":
      "{ readonly found: boolean; readonly authorId?: AccountId | undefined; readonly participants: ReadonlyArray<AccountId> } | undefined",
  },
  HandleReport: {
    actor: actor,
    reportId: "ReportId",
    decision: '"Kept" | "Deleted"',
    handledAt: "DateTimeUtc",
    blockAuthor: "boolean",
    "blockScope?": '"Account" | "Messaging" | undefined',
  },
  DismissReportAlert: {
    actor: actor,
    reportId: "ReportId",
    dismissedAt: "DateTimeUtc",
  },
  // HomeworkBook
  OpenHomeworkBook: {
    actor: actor,
    homeworkBookId: "HomeworkBookId",
    structureId: "StructureId",
    groupId: "GroupId",
    schoolYear: "SchoolYear",
    "locations?": locations,
  },
  RecordSession: {
    actor: actor,
    homeworkBookId: "HomeworkBookId",
    sessionId: "SessionId",
    subject: "SubjectCode",
    teacherId: "AccountId",
    date: "LocalDate",
    content: "FreeText",
    homework: "FreeText",
  },
  EditSession: {
    actor: actor,
    homeworkBookId: "HomeworkBookId",
    sessionId: "SessionId",
    subject: "SubjectCode",
    date: "LocalDate",
    content: "FreeText",
    homework: "FreeText",
  },
  DeleteSession: {
    actor: actor,
    homeworkBookId: "HomeworkBookId",
    sessionId: "SessionId",
    "locations?": locations,
  },
  PlaceVisa: {
    actor: actor,
    homeworkBookId: "HomeworkBookId",
    period: "{ { readonly from: LocalDate; readonly to: LocalDate } | filter }",
    scope:
      '{ readonly _tag: "AllSessions" } | { readonly _tag: "Subject"; readonly subject: SubjectCode } | { readonly _tag: "Teacher"; readonly teacherId: AccountId }',
  },
  ScheduleInspection: {
    actor: actor,
    homeworkBookId: "HomeworkBookId",
    inspectionId: "InspectionId",
    inspectorId: "AccountId",
    teacherId: "AccountId",
    period: "{ { readonly from: LocalDate; readonly to: LocalDate } | filter }",
    inspectorRoles: `ReadonlyArray<${actor.slice(actor.indexOf("ReadonlyArray<") + 14, -3)}>`,
    location,
  },
  RescheduleInspection: {
    actor: actor,
    homeworkBookId: "HomeworkBookId",
    inspectionId: "InspectionId",
    period: "{ { readonly from: LocalDate; readonly to: LocalDate } | filter }",
    location,
  },
  CancelInspection: {
    actor: actor,
    homeworkBookId: "HomeworkBookId",
    inspectionId: "InspectionId",
    location,
  },
  ArchiveHomeworkBook: {
    actor: actor,
    homeworkBookId: "HomeworkBookId",
  },
  // Section
  CreateSection: {
    actor: actor,
    sectionId: "SectionId",
    structureId: "StructureId",
    "groupId?": "GroupId | undefined",
    name: "ShortText",
    services: "{ readonly blog: boolean; readonly forum: boolean; readonly sharedFolders: boolean }",
    moderated: "boolean",
    "ownerGroup?":
      '{ readonly kind: "Class" | "TeachingGroup" | "ManualGroup" | "FunctionalGroup"; readonly structureId: StructureId; readonly open: boolean } | undefined',
    "locations?": locations,
  },
  ConfigureSection: {
    actor: actor,
    member: member,
    sectionId: "SectionId",
    name: "ShortText",
    services: "{ readonly blog: boolean; readonly forum: boolean; readonly sharedFolders: boolean }",
    moderated: "boolean",
    "locations?": locations,
  },
  CloseSection: {
    actor: actor,
    member: member,
    sectionId: "SectionId",
    reason: '"DeletedByManager" | "SchoolYearEnded"',
    "locations?": locations,
  },
  GrantSectionRole: {
    actor: actor,
    member: member,
    sectionId: "SectionId",
    grantee: grantee,
    role: '"Visitor" | "Writer" | "PublishingWriter" | "Moderator" | "Manager"',
    "locations?": locations,
  },
  RevokeSectionRole: {
    actor: actor,
    member: member,
    sectionId: "SectionId",
    grantee: grantee,
    "locations?": locations,
  },
  ProposePublication: {
    actor: actor,
    member: member,
    sectionId: "SectionId",
    publicationId: "PublicationId",
    service: '"Blog" | "Forum"',
    title: "PublicationTitle",
    body: "FreeText",
    publishNow: "boolean",
    "locations?": locations,
  },
  ValidatePublication: {
    actor: actor,
    member: member,
    sectionId: "SectionId",
    publicationId: "PublicationId",
    "locations?": locations,
  },
  PublishPublication: {
    actor: actor,
    member: member,
    sectionId: "SectionId",
    publicationId: "PublicationId",
    "locations?": locations,
  },
  DeletePublication: {
    actor: actor,
    member: member,
    sectionId: "SectionId",
    publicationId: "PublicationId",
    "locations?": locations,
  },
  CreateFolder: {
    actor: actor,
    member: member,
    sectionId: "SectionId",
    folderId: "FolderId",
    name: "FolderEntryName",
    "locations?": locations,
  },
  UploadFile: {
    actor: actor,
    member: member,
    sectionId: "SectionId",
    folderId: "FolderId",
    fileId: "FileId",
    name: "FolderEntryName",
    "locations?": locations,
  },
  DeleteFile: {
    actor: actor,
    member: member,
    sectionId: "SectionId",
    folderId: "FolderId",
    fileId: "FileId",
    "locations?": locations,
  },
  DeleteFolder: {
    actor: actor,
    member: member,
    sectionId: "SectionId",
    folderId: "FolderId",
    "locations?": locations,
  },
  RestoreFolder: {
    actor: actor,
    member: member,
    sectionId: "SectionId",
    folderId: "FolderId",
    "locations?": locations,
  },
  PurgeFolder: {
    actor: actor,
    sectionId: "SectionId",
    folderId: "FolderId",
  },
  CreateForm: {
    actor: actor,
    member: member,
    sectionId: "SectionId",
    formId: "FormId",
    title: "FormTitle",
    "locations?": locations,
  },
  DeleteForm: {
    actor: actor,
    member: member,
    sectionId: "SectionId",
    formId: "FormId",
    "locations?": locations,
  },
  // CommunicationRules
  AllowCommunication: {
    actor: actor,
    structureId: "StructureId",
    rule: rule,
    "locations?": locations,
  },
  ForbidCommunication: {
    actor: actor,
    structureId: "StructureId",
    rule: rule,
    "locations?": locations,
  },
  SetEveryoneOption: {
    actor: actor,
    structureId: "StructureId",
    enabled: "boolean",
    "locations?": locations,
  },
  // Message
  SendMessage: {
    actor: actor,
    messageId: "MessageId",
    structureId: "StructureId",
    recipients: `readonly [${recipient}, ...(${recipient})[]]`,
    subject: "MessageSubject",
    body: "MessageBody",
    sentAt: "DateTimeUtc",
    "inReplyTo?":
      '{ readonly kind: "Message" | "TargetedCommunication"; readonly id: { { maxLength(128) | filter } | filter } } | undefined',
    sender: correspondent,
    policy: `{ readonly rules: ReadonlyArray<${rule}>; readonly everyone: boolean }`,
    resolved: `ReadonlyArray<{ readonly choice: ${recipient}; readonly found: boolean; readonly size: NonNegativeInt; readonly members: ReadonlyArray<${correspondent}> }>`,
    "replyTarget?": "{ readonly replyable: boolean; readonly participants: ReadonlyArray<AccountId> } | undefined",
  },
  ReadMessage: {
    actor: actor,
    messageId: "MessageId",
    readAt: "DateTimeUtc",
  },
  // TargetedCommunication
  ScheduleCommunication: {
    actor: actor,
    communicationId: "CommunicationId",
    structureIds: "readonly [StructureId, ...StructureId[]]",
    channel: '"Announcement" | "Mail"',
    kind: '"Information" | "Warning" | "Alert"',
    title: "CommunicationTitle",
    content: "CommunicationContent",
    targets: `ReadonlyArray<{ readonly profile?: ${profile} | undefined; readonly level?: ShortText | undefined; readonly subLevel?: ShortText | undefined; readonly function?: ShortText | undefined; readonly discipline?: ShortText | undefined }>`,
    publishFrom: "DateTimeUtc",
    publishUntil: "DateTimeUtc",
    "locations?": locations,
  },
  PublishCommunication: {
    actor: actor,
    communicationId: "CommunicationId",
    publishedAt: "DateTimeUtc",
    directory: `ReadonlyArray<{ readonly accountId: AccountId; readonly profile: ${profile}; readonly state: ${state}; readonly messagingBlocked: boolean; readonly structureIds: ReadonlyArray<StructureId>; readonly levels: ReadonlyArray<string>; readonly subLevels: ReadonlyArray<string>; readonly functions: ReadonlyArray<string>; readonly disciplines: ReadonlyArray<string> }>`,
  },
  WithdrawCommunication: {
    actor: actor,
    communicationId: "CommunicationId",
    withdrawnAt: "DateTimeUtc",
    "locations?": locations,
  },
  ExpireCommunication: {
    actor: actor,
    communicationId: "CommunicationId",
    expiredAt: "DateTimeUtc",
  },
}

const commandSchemas: Readonly<Record<string, Schema.Schema.AnyNoContext>> = {
  ...AccountCommands.commands,
  ...StructureCommands.commands,
  ...ReportCommands.commands,
  ...HomeworkBookCommands.commands,
  ...SectionCommands.commands,
  ...CommunicationRulesCommands.commands,
  ...MessageCommands.commands,
  ...TargetedCommunicationCommands.commands,
}

/** The tags of a union of tagged structs, however nested. */
const tagsOf = (ast: AST.AST): ReadonlyArray<string> => {
  if (AST.isUnion(ast)) return ast.types.flatMap(tagsOf)
  if (AST.isTransformation(ast)) return tagsOf(ast.to)
  if (!AST.isTypeLiteral(ast)) return []
  const tag = ast.propertySignatures.find((p) => p.name === "_tag")
  return tag !== undefined && AST.isLiteral(tag.type) ? [String(tag.type.literal)] : []
}

const fieldsOf = (schema: Schema.Schema.AnyNoContext): Record<string, string> => {
  const ast = AST.isTransformation(schema.ast) ? schema.ast.to : schema.ast
  if (!AST.isTypeLiteral(ast)) throw new Error(`not a struct: ${String(ast)}`)
  return Object.fromEntries(
    ast.propertySignatures
      .filter((p) => p.name !== "_tag")
      .map((p) => [`${String(p.name)}${p.isOptional ? "?" : ""}`, String(p.type)]),
  )
}

describe("the command contract", () => {
  it("has exactly the commands written out here", () => {
    expect(Object.keys(commandSchemas).sort()).toEqual(Object.keys(commandContract).sort())
  })
  it("covers every command the domain decodes", () => {
    expect([...tagsOf(Domain.Command.ast)].sort()).toEqual(Object.keys(commandContract).sort())
  })
  for (const [tag, fields] of Object.entries(commandContract)) {
    it(`${tag} has the fields and types written out here`, () => {
      const schema = commandSchemas[tag]!
      expect(fieldsOf(schema)).toEqual(fields)
      expect(Option.getOrUndefined(AST.getIdentifierAnnotation(schema.ast))).toBeUndefined()
    })
  }
})

// Named types: their identifier (how errors and JSON Schemas call them) and their description, by hand.
const namedTypes: ReadonlyArray<readonly [Schema.Schema.AnyNoContext, string, string | undefined]> = [
  [Text.Name, "Name", "One line of 1 to 100 characters"],
  [Text.Email, "Email", "One line of 1 to 320 characters"],
  [Text.ShortText, "ShortText", "One line of 1 to 200 characters"],
  [Text.FreeText, "FreeText", "Text of at most 200,000 characters"],
  [Credentials.OneTimeCode, "OneTimeCode", "8 lowercase letters and digits without look-alikes, e.g. 3n6g8fmj"],
  // A login's description is its pattern's.
  [Credentials.Login, "Login", "a string matching the pattern ^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)*$"],
  [SchoolYear.SchoolYear, "SchoolYear", "A school year such as 2026-2027"],
  [SchoolYear.LocalDate, "LocalDate", "A calendar date, YYYY-MM-DD"],
  [Uai.Uai, "Uai", "A UAI code: 7 digits and a check letter, e.g. 0571994H"],
  [Ids.AccountId, "AccountId", "An account's id"],
]

describe("named types", () => {
  for (const [schema, identifier, description] of namedTypes) {
    it(`${identifier} is named and described`, () => {
      expect(Option.getOrUndefined(AST.getIdentifierAnnotation(schema.ast))).toBe(identifier)
      expect(Option.getOrUndefined(AST.getDescriptionAnnotation(schema.ast))).toBe(description)
      expect(String(schema)).toBe(identifier)
    })
  }
})

/** The messages a refused value gets, each with the path of the field it names. */
const issues = <A, I>(schema: Schema.Schema<A, I>, input: unknown) =>
  Either.match(Schema.decodeUnknownEither(schema)(input), {
    onLeft: (error) => ParseResult.ArrayFormatter.formatErrorSync(error).map((i) => [i.path.join("."), i.message]),
    onRight: () => [],
  })

const ONE_LINE = "is one line of text: no control character, line separator or lone surrogate"
const TRIMMED = "is not empty and has no leading or trailing spaces"
const WELL_FORMED = "is not well-formed text (a lone surrogate)"

describe("text limits name the field and the limit, never the value", () => {
  it("the bounded text schemas say what they bound", () => {
    const note = Text.line(10, "a note")
    expect(issues(note, "x".repeat(10))).toEqual([])
    expect(issues(note, "")).toEqual([])
    expect(issues(note, "x".repeat(11))).toEqual([["", "a note is at most 10 characters"]])
    for (const bad of ["a\nb", "a\tb", "a\u0000b", "a\u007fb", "a\u0085b", "a\u2028b", "a\u2029b", "a\ud800b"])
      expect(issues(note, bad)).toEqual([["", `a note ${ONE_LINE}`]])
    const label = Text.trimmedLine(10, "a label")
    expect(issues(label, "x")).toEqual([])
    for (const bad of ["", " x", "x ", "\u00a0x"]) expect(issues(label, bad)).toEqual([["", `a label ${TRIMMED}`]])
    expect(issues(label, "x\ny")).toEqual([["", `a label ${ONE_LINE}`]])
    const body = Text.text(10, "a body")
    expect(issues(body, "a\nb\tc ")).toEqual([])
    expect(issues(body, "")).toEqual([])
    expect(issues(body, "x".repeat(11))).toEqual([["", "a body is at most 10 characters"]])
    expect(issues(body, "a\udc00")).toEqual([["", `a body ${WELL_FORMED}`]])
    const remark = Text.trimmedText(10, "a remark")
    expect(issues(remark, "a\nb")).toEqual([])
    for (const bad of ["", " a", "a\n"]) expect(issues(remark, bad)).toEqual([["", `a remark ${TRIMMED}`]])
    expect(issues(remark, "\ud800")).toEqual([["", `a remark ${WELL_FORMED}`]])
    expect(issues(remark, "x".repeat(11))).toEqual([["", "a remark is at most 10 characters"]])
  })

  it("the named text types and ids, at their limits", () => {
    const cases: ReadonlyArray<readonly [Schema.Schema.AnyNoContext, string, number]> = [
      [Text.Name, "a name", 100],
      [Text.Email, "an e-mail address", 320],
      [Text.ShortText, "a short text", 200],
      [Ids.AccountId, "AccountId", 128],
      [Ids.GroupId, "GroupId", 128],
    ]
    for (const [schema, what, max] of cases) {
      expect(issues(schema, "x".repeat(max))).toEqual([])
      expect(issues(schema, "x".repeat(max + 1))).toEqual([["", `${what} is at most ${max} characters`]])
      expect(issues(schema, "x\ny")).toEqual([["", `${what} ${ONE_LINE}`]])
      expect(issues(schema, " x")).toEqual([["", `${what} ${TRIMMED}`]])
    }
    expect(issues(Text.FreeText, "x".repeat(200_000))).toEqual([])
    expect(issues(Text.FreeText, "x".repeat(200_001))).toEqual([["", "a text is at most 200000 characters"]])
    expect(issues(Text.FreeText, "\ud800")).toEqual([["", `a text ${WELL_FORMED}`]])
  })

  it("a login and a one-time code say what they are", () => {
    expect(issues(Credentials.Login, "a".repeat(65))).toEqual([["", "a login is at most 64 characters"]])
    expect(issues(Credentials.Login, "Marie.Martin")).toEqual([
      ["", "a login is lowercase letters, digits and hyphens in dot-separated parts, e.g. marie.a"],
    ])
    // Several dot-separated parts, as aliases and numbered logins have (BR-ACC-10).
    for (const login of ["marie.a", "lucas.martin2", "jean-paul.le-goff.2", "a.b.c.d"])
      expect(issues(Credentials.Login, login)).toEqual([])
    expect(issues(Credentials.OneTimeCode, "3n6g8fm")).toEqual([
      ["", 'a code is 8 characters among "abcdefghjkmnpqrstuvwxyz23456789"'],
    ])
  })

  const activation = {
    _tag: "ActivateAccount",
    accountId: "acc-1",
    login: "marie.martin",
    activationCode: "3n6g8fmj",
    password: "Secret1",
    charterAccepted: true,
    email: "marie@example.fr",
    mobile: "06 12 34 56 78",
    passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
  }
  it("a command's text fields are refused with their field named", () => {
    const activate = AccountCommands.ActivateAccount
    expect(issues(activate, activation)).toEqual([])
    expect(issues(activate, { ...activation, activationCode: "x".repeat(65) })).toEqual([
      ["activationCode", "a code is at most 64 characters"],
    ])
    expect(issues(activate, { ...activation, activationCode: "3n6g\n8fmj" })).toEqual([
      ["activationCode", `a code ${ONE_LINE}`],
    ])
    expect(issues(activate, { ...activation, password: "x".repeat(257) })).toEqual([
      ["password", "a password is at most 256 characters"],
    ])
    expect(issues(activate, { ...activation, email: "x".repeat(321) })).toEqual([
      ["email", "an e-mail address is at most 320 characters"],
    ])
    // An optional field's issues also list its `undefined` alternative (Effect's formatter).
    expect(issues(activate, { ...activation, mobile: "0".repeat(201) })).toContainEqual([
      "mobile",
      "a phone number is at most 200 characters",
    ])
    const renew = AccountCommands.RenewPassword
    const renewal = {
      _tag: "RenewPassword",
      accountId: "acc-1",
      login: "marie.martin",
      renewalCode: "3n6g8fmj",
      password: "Secret1",
      passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
    }
    expect(issues(renew, renewal)).toEqual([])
    expect(issues(renew, { ...renewal, renewalCode: "x".repeat(65) })).toEqual([
      ["renewalCode", "a code is at most 64 characters"],
    ])
    expect(issues(renew, { ...renewal, password: "x".repeat(257) })).toEqual([
      ["password", "a password is at most 256 characters"],
    ])
    const reportContent = {
      _tag: "ReportContent",
      actor: { accountId: "pupil-1", roles: [] },
      reportId: "report-1",
      structureId: "0571994H",
      location: { structureId: "0571994H" },
      reporterSchools: ["0571994H"],
      content: { kind: "Message", contentId: "msg-1" },
      reportedAt: "2026-09-14T08:00:00.000Z",
    }
    expect(issues(ReportCommands.ReportContent, { ...reportContent, comment: "x".repeat(2_000) })).toEqual([])
    expect(issues(ReportCommands.ReportContent, { ...reportContent, comment: "x".repeat(2_001) })).toContainEqual([
      "comment",
      "a comment is at most 2000 characters",
    ])
    expect(
      issues(ReportCommands.ReportContent, { ...reportContent, content: { kind: "Message", contentId: " msg" } }),
    ).toEqual([["content.contentId", `a content id ${TRIMMED}`]])
  })
})

describe("school years and dates", () => {
  it("a school year is exactly two consecutive four-digit years", () => {
    expect(issues(SchoolYear.SchoolYear, "2026-2027")).toEqual([])
    // The second check alone would take these: the years are read at fixed places.
    for (const bad of ["-1000-0099", "x2026-2027", "2026-20270", "2026-2028"])
      expect(issues(SchoolYear.SchoolYear, bad)).not.toEqual([])
  })
})

describe("aggregates", () => {
  it("each names its stream category and reads its stream id from the command", () => {
    const someActor = { accountId: Ids.AccountId.make("admin"), roles: [] }
    expect(Account.aggregate.category).toBe("Account")
    expect(
      Account.aggregate.streamId({ _tag: "DeleteAccount", actor: someActor, accountId: Ids.AccountId.make("acc-7") }),
    ).toBe("acc-7")
    expect(Structure.aggregate.category).toBe("Structure")
    expect(
      Structure.aggregate.streamId({
        _tag: "CloseGroup",
        actor: someActor,
        structureId: Ids.StructureId.make("0571994H"),
        groupId: Ids.GroupId.make("0571994H$6A"),
      }),
    ).toBe("0571994H")
    expect(Report.aggregate.category).toBe("Report")
    expect(
      Report.aggregate.streamId({
        _tag: "DismissReportAlert",
        actor: someActor,
        reportId: Ids.ReportId.make("report-3"),
        dismissedAt: DateTime.unsafeMake(0),
      }),
    ).toBe("report-3")
    expect(HomeworkBook.aggregate.category).toBe("HomeworkBook")
    expect(
      HomeworkBook.aggregate.streamId({
        _tag: "DeleteSession",
        actor: someActor,
        homeworkBookId: Ids.HomeworkBookId.make("book-6A"),
        sessionId: Ids.SessionId.make("s-1"),
      }),
    ).toBe("book-6A")
    const member = { structureIds: [], groupIds: [] }
    expect(Section.aggregate.category).toBe("Section")
    expect(
      Section.aggregate.streamId({
        _tag: "PurgeFolder",
        actor: someActor,
        sectionId: Section.SectionId.make("rub-6A"),
        folderId: Section.FolderId.make("dir-1"),
      }),
    ).toBe("rub-6A")
    expect(
      Section.aggregate.streamId({
        _tag: "CloseSection",
        actor: someActor,
        member,
        sectionId: Section.SectionId.make("rub-latin"),
        reason: "DeletedByManager",
      }),
    ).toBe("rub-latin")
    expect(CommunicationRules.aggregate.category).toBe("CommunicationRules")
    expect(
      CommunicationRules.aggregate.streamId({
        _tag: "SetEveryoneOption",
        actor: someActor,
        structureId: Ids.StructureId.make("0571994H"),
        enabled: false,
      }),
    ).toBe("0571994H")
    expect(Message.aggregate.category).toBe("Message")
    expect(
      Message.aggregate.streamId({
        _tag: "ReadMessage",
        actor: someActor,
        messageId: Message.MessageId.make("msg-1"),
        readAt: DateTime.unsafeMake(0),
      }),
    ).toBe("msg-1")
    expect(TargetedCommunication.aggregate.category).toBe("TargetedCommunication")
    expect(
      TargetedCommunication.aggregate.streamId({
        _tag: "WithdrawCommunication",
        actor: someActor,
        communicationId: TargetedCommunication.CommunicationId.make("com-1"),
        withdrawnAt: DateTime.unsafeMake(0),
      }),
    ).toBe("com-1")
  })

  it("each rejection carries its tag, and its schema its identifier", () => {
    const rejections = [
      [Account.AccountRejected, "AccountRejected"],
      [Structure.StructureRejected, "StructureRejected"],
      [Report.ReportRejected, "ReportRejected"],
      [HomeworkBook.HomeworkBookRejected, "HomeworkBookRejected"],
      [Section.SectionRejected, "SectionRejected"],
      [CommunicationRules.CommunicationRulesRejected, "CommunicationRulesRejected"],
      [Message.MessageRejected, "MessageRejected"],
      [TargetedCommunication.TargetedCommunicationRejected, "TargetedCommunicationRejected"],
    ] as const
    for (const [Rejected, tag] of rejections) {
      expect(Rejected._tag).toBe(tag)
      // How a rejection is named where it is printed, e.g. in a defect's or a log's message.
      expect(String(Rejected)).toBe(`(@cartable/domain/${tag} (Encoded side) <-> @cartable/domain/${tag})`)
    }
  })
})

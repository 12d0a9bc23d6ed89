// The kernel's own contract, apart from any aggregate: personal-data marks, event definitions, rule books.
import * as Decider from "@cartable/kernel/Decider"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as RuleBook from "@cartable/kernel/RuleBook"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

describe("PersonalData", () => {
  it("the annotation keys are global symbols, so two copies of the kernel read each other's marks", () => {
    assert.strictEqual(PersonalData.PersonalDataId, Symbol.for("@cartable/kernel/PersonalData"))
    assert.strictEqual(PersonalData.DataSubjectId, Symbol.for("@cartable/kernel/DataSubject"))
    assert.strictEqual(PersonalData.ErasesDataSubjectId, Symbol.for("@cartable/kernel/ErasesDataSubject"))
  })

  it("a schema is personal only when marked", () => {
    assert.strictEqual(PersonalData.isPersonal(Schema.String.ast), false)
    assert.strictEqual(PersonalData.isPersonal(PersonalData.personal(Schema.String).ast), true)
  })

  it("a schema that is not a struct has no personal field", () => {
    assert.deepStrictEqual(PersonalData.personalFields(Schema.String), { subjectField: undefined, fields: [] })
    const Event = Schema.TaggedStruct("Noted", {
      by: Schema.String,
      note: PersonalData.personal(Schema.String),
      extra: Schema.optional(PersonalData.personal(Schema.String)),
    }).annotations({ [PersonalData.DataSubjectId]: "by" })
    assert.deepStrictEqual(PersonalData.personalFields(Event), { subjectField: "by", fields: ["note", "extra"] })
  })
})

describe("Decider", () => {
  it("an event definition is its schema, or a schema with its versions", () => {
    const Event = Schema.TaggedStruct("Noted", { by: Schema.String })
    assert.strictEqual(Decider.schemaOf(Event), Event)
    assert.strictEqual(Decider.schemaOf([Event, { version: 2, upcasters: { 1: (data) => data } }]), Event)
  })
})

describe("RuleBook", () => {
  it("holds its rules, their ids in order, and a schema of exactly those ids", () => {
    const book = RuleBook.make({
      "CDI-1": { title: "Only the librarian returns a copy", source: "seed" },
      "CDI-2": { title: "A copy is lent once at a time", source: "seed" },
    })
    assert.deepStrictEqual(book.ids, ["CDI-1", "CDI-2"])
    assert.strictEqual(book.rules["CDI-2"].title, "A copy is lent once at a time")
    assert.ok(Either.isRight(Schema.decodeUnknownEither(book.RuleId)("CDI-2")))
    assert.ok(Either.isLeft(Schema.decodeUnknownEither(book.RuleId)("CDI-3")))
    assert.throws(() => RuleBook.make({}), "A rule book holds at least one rule")
  })
})
